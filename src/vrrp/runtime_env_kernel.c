/* The production environment's operations on the kernel that keep no
 * state in vrrp_rt.sys (runtime_env_kernel.h): the VIP side, the virtual
 * MAC links, the addresses of an interface, the log's watch. Namespaces
 * are entered only to open sockets and look names up, as in
 * runtime_env.c. */
#include "vrrp/runtime_env_kernel.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <event2/event.h>

#include "net/garp.h"
#include "net/vip.h"
#include "net/vmac.h"

/* ---- the VIP side ---- */

/* A VIP side's io: the packet socket for GARP/NA. (A virtual MAC link's
 * adverts leave through its namespace's advert socket.) */
struct sys_vside {
	int garp_fd;
};

/* Inside the namespace: index, MAC, packet socket. nl: the namespace's
 * netlink socket (fetched before entering it), for a virtual MAC link. */
static int vside_open_here(struct nl_sock *nl, struct vrrp_rt_vside *v, struct sys_vside *sv)
{
	int rc;

	if (v->parent[0]) {
		/* made or adopted, down, with its sysctls (net/vmac.h) */
		rc = vmac_link_ensure(nl, v->parent, v->ifname, v->vmac, v->family, &v->ifindex);
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
	free(sv);
}

int sys_vside_open(void *ctx, struct vrrp_rt_vside *v)
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
	sv->garp_fd = -1;
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

void sys_vside_close(void *ctx, struct vrrp_rt_vside *v)
{
	(void)ctx;
	if (!v->io)
		return;
	sys_vside_free(v->io);
	v->io = NULL;
}

int sys_garp_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *vip,
		  const struct ip_addr *src)
{
	struct sys_vside *sv = v->io;

	(void)ctx;
	if (vip->family == IP_V4)
		return garp_send_arp(sv->garp_fd, v->ifindex, v->mac, vip);
	return garp_send_na(sv->garp_fd, v->ifindex, v->mac, src, vip);
}

/* ---- virtual MAC links ---- */

int sys_vmac_set_up(void *ctx, struct vrrp_rt_vside *v, bool up)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, v->netns, &err);

	return nl ? vmac_link_set_up(nl, v->ifname, up) : err;
}

int sys_vmac_state(void *ctx, struct vrrp_rt_vside *v, int *ifindex, bool *up)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, v->netns, &err);

	return nl ? vmac_link_state(nl, v->ifname, ifindex, up) : err;
}

void sys_vmac_delete(void *ctx, struct vrrp_rt_vside *v)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, v->netns, &err);

	if (nl)
		err = vmac_link_delete(nl, v->ifname);
	if (err < 0)
		vrrp_rt_log(ctx, VRRP_RT_LOG_WARN, "[%s] removing the virtual MAC link: %s",
			    v->ifname, strerror(-err));
}

int sys_vmac_list(void *ctx, const char *netns, char (*names)[VRRP_RT_IFNAME_MAX], size_t cap,
		  size_t *n)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, netns, &err);

	*n = 0;
	return nl ? vmac_link_list(nl, names, cap, n) : err;
}

/* ---- addresses ---- */

int sys_ifindex(void *ctx, const char *netns, const char *ifname)
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

int sys_addr_add(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	struct vrrp_rt *rt = ctx;
	int err;
	struct nl_sock *nl = rt_nl(rt, netns, &err);

	return nl ? vip_add(&rt->net, nl, ifindex, vip) : err;
}

int sys_addr_del(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, netns, &err);

	return nl ? vip_del(nl, ifindex, vip) : err;
}

int sys_addr_list(void *ctx, const char *netns, int ifindex, struct vip_found **out, size_t *n)
{
	int err;
	struct nl_sock *nl = rt_nl(ctx, netns, &err);

	return nl ? vip_list(nl, ifindex, out, n) : err;
}

int sys_ifname(void *ctx, const char *netns, int ifindex, char *buf)
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
bool sys_addr_tags(void *ctx)
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

void sys_log_unwatch(void *ctx, void **io)
{
	(void)ctx;
	if (*io)
		event_free(*io);
	*io = NULL;
}

int sys_log_watch(void *ctx, int fd, void **io)
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
