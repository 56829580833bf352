/* Network namespaces: named ones under /run/netns (created and deleted the
 * way `ip netns add/delete` does, so that `ip -n NAME` sees them), and one
 * NETLINK_ROUTE socket per namespace for the netlink reader and executor.
 *
 * A struct net_ctx holds everything that would otherwise be global: the fd
 * of the namespace the process was in at net_ctx_init() (the one vipd calls
 * "", its own), and per named namespace an open fd and a socket created
 * inside it. A thread only ever visits another namespace for the few
 * system calls that create a socket, and always comes back. A context
 * belongs to one thread at a time (setns() moves the calling thread).
 *
 * Errors are negative errno values. */
#ifndef VIPD_NET_NETNS_H
#define VIPD_NET_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/netdev_limits.h" /* LIVE_NS_MAX */

#define NETNS_RUN_DIR "/run/netns"

struct nl_sock;

/* One namespace the context has touched. Private to src/net. */
struct net_ns_entry {
	char name[LIVE_NS_MAX]; /* "" = own */
	int fd;			/* the namespace (an nsfs fd) */
	dev_t dev;		/* identity of the file under /run/netns when */
	ino_t ino;		/*   opened: a deleted and re-added name is new */
	struct nl_sock *sk;	/* NETLINK_ROUTE inside, NULL until asked for */
};

struct net_ctx {
	int own_fd; /* /proc/self/ns/net at net_ctx_init() */
	struct net_ns_entry *ns;
	size_t n_ns, cap_ns;
	bool no_ifa_proto; /* the kernel refused IFA_PROTO once: never send it again */
};

int net_ctx_init(struct net_ctx *ctx);
void net_ctx_done(struct net_ctx *ctx);
/* Drops the fd and socket cached for a namespace. A cached fd or socket
 * keeps a namespace alive after its name is gone, with its links, so this
 * must come before (or right after) deleting it. */
void net_ctx_forget(struct net_ctx *ctx, const char *name);

/* An fd of the namespace `name` (NULL or "" = own), owned by the caller. */
int netns_open(struct net_ctx *ctx, const char *name);
/* The fd cached in ctx (not to be closed by the caller). */
int net_ns_fd(struct net_ctx *ctx, const char *name);

/* The one way into another namespace: the calling thread enters netns
 * (NULL or "" = own: nothing to do), creates its sockets (a socket stays in
 * the namespace it was made in), and net_ns_leave brings it back. 0 or a
 * negative errno. */
int net_ns_enter(struct net_ctx *ctx, const char *netns);
/* Back to ctx's own namespace. Failing to come back would leave the thread
 * in the wrong namespace for everything after: that aborts. */
void net_ns_leave(struct net_ctx *ctx, const char *netns);
/* socket(domain, type | SOCK_CLOEXEC, proto) made inside netns: an fd or a
 * negative errno. */
int net_socket_in(struct net_ctx *ctx, const char *netns, int domain, int type, int proto);
/* nl_connect(sk, proto) inside netns: the libnl socket sk (allocated, not
 * connected yet) then belongs to that namespace. 0 or a negative errno. */
int net_nl_connect_in(struct net_ctx *ctx, const char *netns, struct nl_sock *sk, int proto);

/* `ip netns add NAME`: /run/netns becomes a shared mount point, the empty
 * file /run/netns/NAME the bind mount of a fresh namespace. -EEXIST if the
 * name is taken. The caller's own namespace does not change. */
int netns_create(const char *name);
/* `ip netns delete NAME`: lazy unmount, then unlink. -ENOENT if absent.
 * The namespace dies once no process, fd or socket holds it. */
int netns_delete(const char *name);
/* Names under /run/netns, sorted; the caller frees with netns_list_free.
 * No directory means no names. */
int netns_list(char ***names, size_t *n);
void netns_list_free(char **names, size_t n);
bool netns_exists(const char *name);

/* The NETLINK_ROUTE socket inside namespace `netns` (NULL or "" = own),
 * cached in ctx; NULL with errno set on failure. It has extended acks and
 * strict dump checking on (see nl_util.h). */
struct nl_sock *net_nl_socket(struct net_ctx *ctx, const char *netns);
/* The same, with the error as a return value. */
int net_nl_get(struct net_ctx *ctx, const char *netns, struct nl_sock **out);

#endif
