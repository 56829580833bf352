/* The runtime's environment: everything outside the process that the VRRP
 * runtime uses, behind one table of operations. Production
 * (vrrp_rt_env_sys, runtime_env.c, set by vrrp_rt_init) wraps the clocks,
 * libevent timers, raw VRRP sockets (net/vrrp_sock.c), VIP addresses
 * (net/vip.c), GARP/NA frames (net/garp.c) and namespaces; the unit tests'
 * environment (tests/unit/vrrp/rt_harness.c, through vrrp_rt_init_env) is a
 * fake clock with a timer queue, a fake wire between runtimes and a VIP
 * table per node, so that failover, reload, drain and link scenarios run
 * without root in milliseconds around the real runtime.
 *
 * The runtime keeps every decision (what to send, when, from which
 * address; what the filters drop; what is logged): an operation only
 * moves bytes or addresses, or reads a clock. Received adverts come back
 * through the callback given to sock_open, the same receive path in
 * production and under test. Every operation's ctx is vrrp_rt.env_ctx. */
#ifndef VIPD_VRRP_RUNTIME_ENV_H
#define VIPD_VRRP_RUNTIME_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/vip.h"
#include "net/vrrp_sock.h"
#include "util/ipaddr.h"

struct event_base;
struct vrrp_rt;
struct vrrp_rt_sock;
struct vrrp_rt_vside;

/* A one-shot timer; the environment's own. */
struct vrrp_rt_timer;
typedef void (*vrrp_rt_timer_fn)(void *arg);

/* The environment hands each packet received on s to this: buf[0..len)
 * and rx as vrrp_sock_recv gives them (IPv4: header included). */
typedef void (*vrrp_rt_rx_fn)(struct vrrp_rt_sock *s, const uint8_t *buf, size_t len,
			      struct vrrp_sock_rx *rx);

struct vrrp_rt_env {
	/* ---- clocks, in milliseconds ---- */
	uint64_t (*now_ms)(void *ctx); /* monotonic: the state machine's time */
	int64_t (*wall_ms)(void *ctx); /* real time: logs, status */

	/* ---- timers: NULL when out of memory. Arming an armed timer
	 * replaces its deadline (now + delay_ms); cancel and free are no-ops
	 * on NULL. fn(arg) runs from the event loop, never from arm. ---- */
	struct vrrp_rt_timer *(*timer_new)(void *ctx, vrrp_rt_timer_fn fn, void *arg);
	void (*timer_arm)(void *ctx, struct vrrp_rt_timer *t, uint32_t delay_ms);
	void (*timer_cancel)(void *ctx, struct vrrp_rt_timer *t);
	void (*timer_free)(void *ctx, struct vrrp_rt_timer *t);

	/* ---- advert sockets: one per (s->netns, s->ifname, s->family,
	 * s->multicast). open sets s->ifindex and s->io and hands every
	 * packet received to rx(s, ...); 0 or -errno (the interface is
	 * missing: -ENODEV or if_nametoindex's errno). send: 0 or -errno;
	 * buf is what vrrp_sock_send takes; it may queue the advert to send
	 * it with others later in the same loop pass (then 0, and a failure
	 * comes through s->on_send_failed). ---- */
	int (*sock_open)(void *ctx, struct vrrp_rt_sock *s, vrrp_rt_rx_fn rx);
	int (*sock_send)(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *src,
			 const struct ip_addr *dst, const uint8_t *buf, size_t len);
	void (*sock_close)(void *ctx, struct vrrp_rt_sock *s);
	/* Reads now what waits on s's socket (production: the namespace's
	 * shared one, for every interface), handing it to rx as usual: a
	 * master-down expiry first takes the adverts a busy loop has not
	 * read yet. NULL: packets never wait (the harness's wire). */
	void (*sock_poll)(void *ctx, struct vrrp_rt_sock *s);
	/* Adverts as link-layer frames (vrrp.packet_socket; NULL ops: an
	 * environment without them, the IP path is used). neigh: the MAC of
	 * peer on s's interface from the kernel's neighbour table (read
	 * again at most once a second): 1 when frames may go to it, 0 when
	 * the kernel has not verified it lately (the IP path then, which
	 * makes the kernel verify it), -errno. sock_send_frame: as
	 * sock_send, as one frame to mac. */
	int (*neigh)(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *peer, uint8_t mac[6]);
	int (*sock_send_frame)(void *ctx, struct vrrp_rt_sock *s, const uint8_t mac[6],
			       const struct ip_addr *src, const struct ip_addr *dst,
			       const uint8_t *buf, size_t len);

	/* ---- the VIP side of (v->netns, v->ifname): open sets v->ifindex,
	 * v->mac and v->io; 0 or -errno. garp_send sends one frame from
	 * v->mac: a gratuitous ARP for an IPv4 vip (src NULL), an unsolicited
	 * NA from src for an IPv6 one. ---- */
	int (*vside_open)(void *ctx, struct vrrp_rt_vside *v);
	void (*vside_close)(void *ctx, struct vrrp_rt_vside *v);
	int (*garp_send)(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *vip,
			 const struct ip_addr *src);

	/* ---- virtual MAC links (v->parent set, docs/vmac.md): vside_open
	 * creates the macvlan v->ifname on v->parent with MAC v->vmac, down,
	 * or adopts the one an earlier run left (a macvlan of another parent
	 * or MAC is made again; a link of another kind: -EEXIST).
	 * vmac_set_up: up for the master, down otherwise (0 or -errno).
	 * vmac_delete: its instance is gone. vmac_send: an advert leaving
	 * from the macvlan, so that its source MAC is the virtual one (RFC
	 * 5798 7.3), as sock_send takes it. ---- */
	int (*vmac_set_up)(void *ctx, struct vrrp_rt_vside *v, bool up);
	/* What the kernel has of the link now: -ENODEV when it is gone, else
	 * its index and whether it is up (IFF_UP). NULL: an environment that
	 * does not watch them (vrrp_rt_link_changed does nothing). */
	int (*vmac_state)(void *ctx, struct vrrp_rt_vside *v, int *ifindex, bool *up);
	void (*vmac_delete)(void *ctx, struct vrrp_rt_vside *v);
	int (*vmac_send)(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *src,
			 const struct ip_addr *dst, const uint8_t *buf, size_t len);
	/* The virtual MAC links vipd made in netns (its alias on them), at
	 * most cap names into names[], their count in *n: 0 or -errno.
	 * NULL: an environment without them (the sweep finds none). */
	int (*vmac_list)(void *ctx, const char *netns, char (*names)[VRRP_RT_IFNAME_MAX],
			 size_t cap, size_t *n);

	/* ---- addresses of an interface (netns "" = the daemon's own) ---- */
	/* if_nametoindex in netns: > 0, or -errno. */
	int (*ifindex)(void *ctx, const char *netns, const char *ifname);
	/* vip_add / vip_del / vip_list of net/vip.h: 0 or -errno; addr_list
	 * with ifindex 0 lists every interface of netns (-errno when netns
	 * does not exist). */
	int (*addr_add)(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip);
	int (*addr_del)(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip);
	int (*addr_list)(void *ctx, const char *netns, int ifindex, struct vip_found **out,
			 size_t *n);
	/* if_indextoname in netns into buf (IF_NAMESIZE bytes): 0 or -errno. */
	int (*ifname)(void *ctx, const char *netns, int ifindex, char *buf);
	/* Whether the kernel keeps the tag vipd puts on its addresses
	 * (IFA_PROTO, Linux >= 6.1). Without it, a left-over VIP can only be
	 * found as one the file names. */
	bool (*addr_tags)(void *ctx);

	/* ---- the log: once fd can be written, call vrrp_rt_log_flush
	 * from the loop (one shot: the runtime asks again while bytes wait).
	 * *io is the environment's, NULL at first; log_unwatch frees it. NULL
	 * ops: what waits is written before the next line. ---- */
	int (*log_watch)(void *ctx, int fd, void **io);
	void (*log_unwatch)(void *ctx, void **io);
};

/* The production environment (ctx: the struct vrrp_rt itself). */
extern const struct vrrp_rt_env vrrp_rt_env_sys;

/* vrrp_rt_init with another environment (tests): base may be NULL when
 * env does not use libevent. 0 or -errno. */
int vrrp_rt_init_env(struct vrrp_rt *rt, struct event_base *base, const struct vrrp_rt_env *env,
		     void *env_ctx);

#endif
