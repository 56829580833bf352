/* The production environment of the runtime (runtime_env.h): the system
 * clocks, libevent timers on vrrp_rt.base, raw VRRP sockets
 * (net/vrrp_sock.c) read in a libevent callback, VIP addresses over
 * netlink (net/vip.c), GARP/NA frames on a packet socket (net/garp.c).
 * ctx is the struct vrrp_rt.
 *
 * Namespaces: a socket belongs to the namespace it was created in, so the
 * interface's namespace is entered (setns) only to create sockets and look
 * names up, and left at once. Above runtime_base.c, below every file that
 * uses it: they reach it only through vrrp_rt.env. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <event2/event.h>

#include "net/garp.h"
#include "net/vip.h"
#include "net/vmac.h"
#include "net/vrrp_sock.h"

#define RX_BURST 64   /* packets read per wake-up before yielding to timers */
#define RX_BUF	 4160 /* IPv4 header with options + the largest v2/v3 message */

/* ---- clocks ---- */

static uint64_t sys_now_ms(void *ctx)
{
	(void)ctx;
	return vrrp_rt_now_ms();
}

static int64_t sys_wall_ms(void *ctx)
{
	(void)ctx;
	return vrrp_rt_wall_ms();
}

/* ---- timers ---- */

struct vrrp_rt_timer {
	struct event *ev;
	vrrp_rt_timer_fn fn;
	void *arg;
};

static void on_timer_event(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_rt_timer *t = arg;

	(void)fd;
	(void)what;
	t->fn(t->arg);
}

static struct vrrp_rt_timer *sys_timer_new(void *ctx, vrrp_rt_timer_fn fn, void *arg)
{
	struct vrrp_rt *rt = ctx;
	struct vrrp_rt_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	t->ev = evtimer_new(rt->base, on_timer_event, t);
	if (!t->ev) {
		free(t);
		return NULL;
	}
	return t;
}

static void sys_timer_arm(void *ctx, struct vrrp_rt_timer *t, uint32_t delay_ms)
{
	struct timeval tv = {.tv_sec = delay_ms / 1000, .tv_usec = (delay_ms % 1000) * 1000};

	(void)ctx;
	evtimer_add(t->ev, &tv);
}

static void sys_timer_cancel(void *ctx, struct vrrp_rt_timer *t)
{
	(void)ctx;
	if (t)
		evtimer_del(t->ev);
}

static void sys_timer_free(void *ctx, struct vrrp_rt_timer *t)
{
	(void)ctx;
	if (!t)
		return;
	event_free(t->ev);
	free(t);
}

/* ---- advert sockets ---- */

struct sys_sock {
	int fd;
	struct event *rx_ev;
	struct vrrp_rt_sock *s;
	vrrp_rt_rx_fn rx;
};

/* Returns false when the socket has nothing more to read. */
static bool rx_one(struct sys_sock *ss, uint8_t *buf)
{
	struct vrrp_rt_sock *s = ss->s;
	struct vrrp_sock_rx rx;
	int rc = vrrp_sock_recv(ss->fd, s->family, buf, RX_BUF, &rx);

	if (rc == -EAGAIN || rc == -EINTR)
		return false;
	if (rc < 0) {
		vrrp_rt_log(s->rt, VRRP_RT_LOG_WARN, "[sock %s/%s] receive: %s", s->ifname,
			    ip_family_name(s->family), strerror(-rc));
		return false;
	}
	ss->rx(s, buf, (size_t)rc, &rx);
	return true;
}

static void on_rx(evutil_socket_t fd, short what, void *arg)
{
	struct sys_sock *ss = arg;
	uint8_t buf[RX_BUF];

	(void)fd;
	(void)what;
	for (int i = 0; i < RX_BURST && ss->fd >= 0; i++)
		if (!rx_one(ss, buf))
			break;
}

static void sys_sock_close(void *ctx, struct vrrp_rt_sock *s)
{
	struct sys_sock *ss = s->io;

	(void)ctx;
	if (!ss)
		return;
	if (ss->rx_ev)
		event_free(ss->rx_ev);
	if (ss->fd >= 0)
		close(ss->fd);
	free(ss);
	s->io = NULL;
}

/* Inside the namespace: index and socket. */
static int sock_open_here(struct sys_sock *ss)
{
	struct vrrp_rt_sock *s = ss->s;

	s->ifindex = (int)if_nametoindex(s->ifname);
	if (s->ifindex <= 0)
		return -errno;
	ss->fd = vrrp_sock_open(s->family, s->ifname, s->ifindex, s->multicast);
	return ss->fd < 0 ? ss->fd : 0;
}

static int sys_sock_open(void *ctx, struct vrrp_rt_sock *s, vrrp_rt_rx_fn rx)
{
	struct vrrp_rt *rt = ctx;
	struct sys_sock *ss = calloc(1, sizeof(*ss));
	int err;

	if (!ss)
		return -ENOMEM;
	ss->fd = -1;
	ss->s = s;
	ss->rx = rx;
	s->io = ss;
	err = net_ns_enter(&rt->net, s->netns);
	if (err == 0) {
		err = sock_open_here(ss);
		net_ns_leave(&rt->net, s->netns);
	}
	if (err == 0) {
		ss->rx_ev = event_new(rt->base, ss->fd, EV_READ | EV_PERSIST, on_rx, ss);
		if (!ss->rx_ev || event_add(ss->rx_ev, NULL) < 0)
			err = -ENOMEM;
	}
	if (err)
		sys_sock_close(ctx, s);
	return err;
}

static int sys_sock_send(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *src,
			 const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct sys_sock *ss = s->io;

	(void)ctx;
	return vrrp_sock_send(ss->fd, s->family, s->ifindex, src, dst, buf, len);
}

/* ---- the VIP side ---- */

/* A VIP side's io: the packet socket for GARP/NA and, on a virtual MAC
 * link, the send-only advert socket. */
struct sys_vside {
	int garp_fd;
	int tx_fd;
};

/* Inside the namespace: a virtual MAC link made or adopted, down, with its
 * sysctls (net/vmac.h), and its advert socket. */
static int vmac_open_here(struct nl_sock *nl, struct vrrp_rt_vside *v, struct sys_vside *sv)
{
	int err = vmac_link_ensure(nl, v->parent, v->ifname, v->vmac, v->family, &v->ifindex);
	if (err < 0)
		return err;
	sv->tx_fd = vrrp_sock_open_tx(v->family, v->ifname, v->ifindex);
	return sv->tx_fd < 0 ? sv->tx_fd : 0;
}

/* Inside the namespace: index, MAC, packet socket. nl: the namespace's
 * netlink socket (fetched before entering it), for a virtual MAC link. */
static int vside_open_here(struct nl_sock *nl, struct vrrp_rt_vside *v, struct sys_vside *sv)
{
	int rc;

	if (v->parent[0]) {
		rc = vmac_open_here(nl, v, sv);
		if (rc < 0)
			return rc;
	}
	v->ifindex = (int)if_nametoindex(v->ifname);
	if (v->ifindex <= 0)
		return -errno;
	rc = garp_link_mac(v->ifname, v->mac);
	if (rc < 0)
		return rc;
	sv->garp_fd = garp_open(v->ifindex);
	return sv->garp_fd < 0 ? sv->garp_fd : 0;
}

static void sys_vside_free(struct sys_vside *sv)
{
	if (sv->garp_fd >= 0)
		close(sv->garp_fd);
	if (sv->tx_fd >= 0)
		close(sv->tx_fd);
	free(sv);
}

static int sys_vside_open(void *ctx, struct vrrp_rt_vside *v)
{
	struct vrrp_rt *rt = ctx;
	struct sys_vside *sv;
	struct nl_sock *nl = NULL;
	int err = 0;

	if (v->parent[0] && !(nl = rt_nl(rt, v->netns, &err)))
		return err;
	sv = malloc(sizeof(*sv));
	if (!sv)
		return -ENOMEM;
	sv->garp_fd = sv->tx_fd = -1;
	err = net_ns_enter(&rt->net, v->netns);
	if (err == 0) {
		err = vside_open_here(nl, v, sv);
		net_ns_leave(&rt->net, v->netns);
	}
	if (err) {
		sys_vside_free(sv);
		return err;
	}
	v->io = sv;
	return 0;
}

static void sys_vside_close(void *ctx, struct vrrp_rt_vside *v)
{
	(void)ctx;
	if (!v->io)
		return;
	sys_vside_free(v->io);
	v->io = NULL;
}

static int sys_garp_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *vip,
			 const struct ip_addr *src)
{
	struct sys_vside *sv = v->io;

	(void)ctx;
	if (vip->family == IP_V4)
		return garp_send_arp(sv->garp_fd, v->ifindex, v->mac, vip);
	return garp_send_na(sv->garp_fd, v->ifindex, v->mac, src, vip);
}

/* ---- virtual MAC links ---- */

static int sys_vmac_set_up(void *ctx, struct vrrp_rt_vside *v, bool up)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, v->netns, &err);

	return nl ? vmac_link_set_up(nl, v->ifname, up) : err;
}

static int sys_vmac_state(void *ctx, struct vrrp_rt_vside *v, int *ifindex, bool *up)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, v->netns, &err);

	return nl ? vmac_link_state(nl, v->ifname, ifindex, up) : err;
}

static void sys_vmac_delete(void *ctx, struct vrrp_rt_vside *v)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, v->netns, &err);

	if (nl)
		err = vmac_link_delete(nl, v->ifname);
	if (err < 0)
		vrrp_rt_log(ctx, VRRP_RT_LOG_WARN, "[%s] removing the virtual MAC link: %s",
			    v->ifname, strerror(-err));
}

static int sys_vmac_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *src,
			 const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct sys_vside *sv = v->io;

	(void)ctx;
	return vrrp_sock_send(sv->tx_fd, v->family, v->ifindex, src, dst, buf, len);
}

static int sys_vmac_list(void *ctx, const char *netns, char (*names)[VRRP_RT_IFNAME_MAX],
			 size_t cap, size_t *n)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, netns, &err);

	*n = 0;
	return nl ? vmac_link_list(nl, names, cap, n) : err;
}

/* ---- addresses ---- */

static int sys_ifindex(void *ctx, const char *netns, const char *ifname)
{
	struct vrrp_rt *rt = ctx;
	int ifindex, err = net_ns_enter(&rt->net, netns);

	if (err < 0)
		return err;
	ifindex = (int)if_nametoindex(ifname);
	err = ifindex > 0 ? ifindex : -errno;
	net_ns_leave(&rt->net, netns);
	return err;
}

static int sys_addr_add(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	struct vrrp_rt *rt = ctx;
	int err;
	struct nl_sock *nl = rt_nl(rt, netns, &err);

	return nl ? vip_add(&rt->net, nl, ifindex, vip) : err;
}

static int sys_addr_del(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, netns, &err);

	return nl ? vip_del(nl, ifindex, vip) : err;
}

static int sys_addr_list(void *ctx, const char *netns, int ifindex, struct vip_found **out,
			 size_t *n)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, netns, &err);

	return nl ? vip_list(nl, ifindex, out, n) : err;
}

static int sys_ifname(void *ctx, const char *netns, int ifindex, char *buf)
{
	struct vrrp_rt *rt = ctx;
	int err = net_ns_enter(&rt->net, netns);

	if (err < 0)
		return err;
	err = if_indextoname((unsigned)ifindex, buf) ? 0 : -errno;
	net_ns_leave(&rt->net, netns);
	return err;
}

/* IFA_PROTO came with Linux 6.1; a kernel that refused it once is
 * remembered in the net_ctx (net/ifaddr.h). */
static bool sys_addr_tags(void *ctx)
{
	struct vrrp_rt *rt = ctx;
	struct utsname u;
	int major = 0, minor = 0;

	if (rt->net.no_ifa_proto || uname(&u) < 0 ||
	    sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 1);
}

/* ---- the log ---- */

static void on_log_writable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	vrrp_rt_log_flush(arg);
}

static void sys_log_unwatch(void *ctx, void **io)
{
	(void)ctx;
	if (*io)
		event_free(*io);
	*io = NULL;
}

static int sys_log_watch(void *ctx, int fd, void **io)
{
	struct vrrp_rt *rt = ctx;

	if (!rt->base)
		return -ENOSYS;
	if (*io && event_get_fd(*io) != fd)
		sys_log_unwatch(ctx, io);
	if (!*io)
		*io = event_new(rt->base, fd, EV_WRITE, on_log_writable, rt);
	if (!*io)
		return -ENOMEM;
	return event_add(*io, NULL) < 0 ? -EIO : 0;
}

const struct vrrp_rt_env vrrp_rt_env_sys = {
    .now_ms = sys_now_ms,
    .wall_ms = sys_wall_ms,
    .timer_new = sys_timer_new,
    .timer_arm = sys_timer_arm,
    .timer_cancel = sys_timer_cancel,
    .timer_free = sys_timer_free,
    .sock_open = sys_sock_open,
    .sock_send = sys_sock_send,
    .sock_close = sys_sock_close,
    .vside_open = sys_vside_open,
    .vside_close = sys_vside_close,
    .vmac_set_up = sys_vmac_set_up,
    .vmac_state = sys_vmac_state,
    .vmac_delete = sys_vmac_delete,
    .vmac_send = sys_vmac_send,
    .vmac_list = sys_vmac_list,
    .garp_send = sys_garp_send,
    .ifindex = sys_ifindex,
    .addr_add = sys_addr_add,
    .addr_del = sys_addr_del,
    .addr_list = sys_addr_list,
    .ifname = sys_ifname,
    .addr_tags = sys_addr_tags,
    .log_watch = sys_log_watch,
    .log_unwatch = sys_log_unwatch,
};
