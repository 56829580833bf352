/* Named network namespaces and the per-namespace netlink sockets. */
#include "net/netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/nl_util.h"

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < LIVE_NS_MAX && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

static int ns_path(const char *name, char *buf, size_t len)
{
	if (!valid_name(name))
		return -EINVAL;
	snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, name);
	return 0;
}

int net_ctx_init(struct net_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->own_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ctx->own_fd < 0)
		return -errno;
	return 0;
}

static void entry_close(struct net_ns_entry *e)
{
	if (e->sk)
		nl_socket_free(e->sk);
	if (e->fd >= 0)
		close(e->fd);
	e->sk = NULL;
	e->fd = -1;
}

void net_ctx_done(struct net_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_ns; i++)
		entry_close(&ctx->ns[i]);
	free(ctx->ns);
	if (ctx->own_fd >= 0)
		close(ctx->own_fd);
	memset(ctx, 0, sizeof(*ctx));
	ctx->own_fd = -1;
}

void net_ctx_forget(struct net_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->n_ns; i++) {
		if (strcmp(ctx->ns[i].name, name ? name : "") != 0)
			continue;
		entry_close(&ctx->ns[i]);
		ctx->ns[i] = ctx->ns[--ctx->n_ns];
		return;
	}
}

int netns_open(struct net_ctx *ctx, const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + LIVE_NS_MAX + 1];
	int fd, err;

	if (!name || !*name) {
		fd = fcntl(ctx->own_fd, F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? -errno : fd;
	}
	err = ns_path(name, path, sizeof(path));
	if (err < 0)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Is the cached entry still the namespace that /run/netns/NAME names? */
static bool entry_current(const struct net_ns_entry *e)
{
	char path[sizeof(NETNS_RUN_DIR) + LIVE_NS_MAX + 1];
	struct stat st;

	if (!*e->name)
		return true;
	if (ns_path(e->name, path, sizeof(path)) < 0 || stat(path, &st) < 0)
		return false;
	return st.st_dev == e->dev && st.st_ino == e->ino;
}

static int entry_get(struct net_ctx *ctx, const char *name, struct net_ns_entry **out)
{
	struct net_ns_entry *e;
	struct stat st;
	int fd;

	name = name ? name : "";
	for (size_t i = 0; i < ctx->n_ns; i++) {
		if (strcmp(ctx->ns[i].name, name) != 0)
			continue;
		if (entry_current(&ctx->ns[i])) {
			*out = &ctx->ns[i];
			return 0;
		}
		net_ctx_forget(ctx, name);
		break;
	}
	fd = netns_open(ctx, name);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		int e_fstat = -errno;

		close(fd);
		return e_fstat;
	}
	if (ctx->n_ns == ctx->cap_ns) {
		size_t cap = ctx->cap_ns ? ctx->cap_ns * 2 : 8;
		void *p = realloc(ctx->ns, cap * sizeof(*ctx->ns));

		if (!p) {
			close(fd);
			return -ENOMEM;
		}
		ctx->ns = p;
		ctx->cap_ns = cap;
	}
	e = &ctx->ns[ctx->n_ns++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->fd = fd;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	*out = e;
	return 0;
}

int net_ns_fd(struct net_ctx *ctx, const char *name)
{
	struct net_ns_entry *e;
	int err = entry_get(ctx, name, &e);

	return err < 0 ? err : e->fd;
}

int net_ns_enter(struct net_ctx *ctx, const char *netns)
{
	int fd;

	if (!netns || !*netns)
		return 0;
	fd = net_ns_fd(ctx, netns);
	if (fd < 0)
		return fd;
	return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

void net_ns_leave(struct net_ctx *ctx, const char *netns)
{
	if (!netns || !*netns)
		return;
	if (setns(ctx->own_fd, CLONE_NEWNET) < 0) {
		fprintf(stderr,
			"vipd: cannot return to the own network namespace: %s; "
			"this is a bug\n",
			strerror(errno));
		abort();
	}
}

int net_socket_in(struct net_ctx *ctx, const char *netns, int domain, int type, int proto)
{
	int fd, err = net_ns_enter(ctx, netns);

	if (err < 0)
		return err;
	fd = socket(domain, type | SOCK_CLOEXEC, proto);
	err = fd < 0 ? -errno : 0;
	net_ns_leave(ctx, netns);
	return fd < 0 ? err : fd;
}

int net_nl_connect_in(struct net_ctx *ctx, const char *netns, struct nl_sock *sk, int proto)
{
	int err = net_ns_enter(ctx, netns);

	if (err < 0)
		return err;
	err = nl_connect(sk, proto);
	net_ns_leave(ctx, netns);
	return err < 0 ? nlu_errno_from_nle(err) : 0;
}

/* The namespace's cached netlink socket, made inside it. */
static int socket_in(struct net_ctx *ctx, struct net_ns_entry *e)
{
	int err = net_ns_enter(ctx, e->name);

	if (err < 0)
		return err;
	err = nlu_sock_new(&e->sk);
	net_ns_leave(ctx, e->name);
	return err;
}

int net_nl_get(struct net_ctx *ctx, const char *netns, struct nl_sock **out)
{
	struct net_ns_entry *e;
	int err = entry_get(ctx, netns, &e);

	if (err < 0)
		return err;
	if (!e->sk) {
		err = socket_in(ctx, e);
		if (err < 0)
			return err;
	}
	*out = e->sk;
	return 0;
}

struct nl_sock *net_nl_socket(struct net_ctx *ctx, const char *netns)
{
	struct nl_sock *sk;
	int err = net_nl_get(ctx, netns, &sk);

	if (err < 0) {
		errno = -err;
		return NULL;
	}
	return sk;
}

/* /run/netns must be a shared mount point so that the bind mounts made
 * under it propagate to every mount namespace (as `ip netns` does it): try
 * to make it shared; if it is no mount point yet, bind it onto itself
 * first and try again. */
static int run_dir_shared(void)
{
	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		return -errno;
	return 0;
}

/* In a child process, so that the caller's namespace never changes: a new
 * network namespace, bind-mounted onto `path`. */
static int bind_new_ns(const char *path)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(errno);
		if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
			_exit(errno);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

int netns_create(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + LIVE_NS_MAX + 1];
	int fd, err = ns_path(name, path, sizeof(path));

	if (err < 0)
		return err;
	err = run_dir_shared();
	if (err < 0)
		return err;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	err = bind_new_ns(path);
	if (err < 0)
		unlink(path);
	return err;
}

int netns_delete(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + LIVE_NS_MAX + 1];
	int err = ns_path(name, path, sizeof(path));

	if (err < 0)
		return err;
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return errno == ENOENT ? -ENOENT : -errno;
	if (unlink(path) < 0)
		return -errno;
	return 0;
}

bool netns_exists(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + LIVE_NS_MAX + 1];

	if (!name || !*name)
		return true;
	return ns_path(name, path, sizeof(path)) == 0 && access(path, F_OK) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void netns_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int netns_list(char ***names, size_t *n)
{
	DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *de;
	char **v = NULL;
	size_t len = 0, cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!valid_name(de->d_name))
			continue;
		if (len == cap) {
			char **p = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!p)
				goto nomem;
			v = p;
		}
		if (!(v[len] = strdup(de->d_name)))
			goto nomem;
		len++;
	}
	closedir(d);
	if (len)
		qsort(v, len, sizeof(*v), cmp_str);
	*names = v;
	*n = len;
	return 0;
nomem:
	closedir(d);
	netns_list_free(v, len);
	return -ENOMEM;
}
