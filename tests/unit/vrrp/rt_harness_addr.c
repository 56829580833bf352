/* The runtime harness's addresses (rt_harness.h): the fake kernel's
 * interfaces and the VIPs added to and removed from them. */
#include "rt_harness.h"
#include "rt_harness_internal.h"

#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan/live.h"

/* ---- the environment: addresses ---- */

static const struct rh_iface *iface_by_name(const struct rh_node *n, const char *netns,
					    const char *ifname)
{
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i].netns, netns) == 0 &&
		    strcmp(n->ifaces[i].ifname, ifname) == 0)
			return &n->ifaces[i];
	return NULL;
}

static bool node_has_netns(const struct rh_node *n, const char *netns)
{
	if (!*netns)
		return true;
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i].netns, netns) == 0)
			return true;
	return false;
}

int rh_env_ifindex(void *ctx, const char *netns, const char *ifname)
{
	const struct rh_node *n = ctx;
	const struct rh_iface *f;
	const struct rh_vmac *vm = *netns ? NULL : rh_vmac_by_name((struct rh_node *)n, ifname);

	if (strcmp(ifname, RH_IFNAME) == 0 && !*netns)
		return n->iface_missing ? -ENODEV : RH_IFINDEX;
	if (vm)
		return vm->ifindex;
	f = iface_by_name(n, netns, ifname);
	return f ? f->ifindex : -ENODEV;
}

int rh_env_ifname(void *ctx, const char *netns, int ifindex, char *buf)
{
	const struct rh_node *n = ctx;
	const struct rh_vmac *vm = *netns ? NULL : rh_vmac_by_ifindex((struct rh_node *)n, ifindex);

	if (!*netns && ifindex == RH_IFINDEX) {
		snprintf(buf, IF_NAMESIZE, "%s", RH_IFNAME);
		return 0;
	}
	if (vm) {
		snprintf(buf, IF_NAMESIZE, "%s", vm->name);
		return 0;
	}
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i].netns, netns) == 0 && n->ifaces[i].ifindex == ifindex) {
			snprintf(buf, IF_NAMESIZE, "%s", n->ifaces[i].ifname);
			return 0;
		}
	return -ENODEV;
}

bool rh_env_addr_tags(void *ctx)
{
	const struct rh_node *n = ctx;

	return !n->no_addr_tags;
}

struct rh_addr *rh_addr_find(struct rh_node *n, const char *netns, int ifindex,
			     const struct ip_addr *a)
{
	for (size_t i = 0; i < n->n_addrs; i++)
		if (strcmp(n->addrs[i].netns, netns) == 0 && n->addrs[i].ifindex == ifindex &&
		    ip_equal(&n->addrs[i].addr, a))
			return &n->addrs[i];
	return NULL;
}

struct rh_addr *rh_addr_new(struct rh_node *n)
{
	GROW(n->addrs, n->n_addrs, n->cap_addrs);
	return &n->addrs[n->n_addrs++];
}

void rh_addr_put(struct rh_node *n, const char *netns, int ifindex, const struct ip_addr *a,
		 uint8_t proto)
{
	struct rh_addr *e = rh_addr_find(n, netns, ifindex, a);

	if (!e)
		e = rh_addr_new(n);
	*e = (struct rh_addr){.ifindex = ifindex, .addr = *a, .proto = proto};
	snprintf(e->netns, sizeof(e->netns), "%s", netns);
}

/* An address added or removed: counted per pass, and its cost in time. */
static void vip_op_cost(struct rh_node *n)
{
	struct rh_world *w = n->w;

	n->vip_ops++;
	if (n->vip_ops_pass != w->pass) {
		n->vip_ops_pass = w->pass;
		n->vip_ops_this_pass = 0;
	}
	if (++n->vip_ops_this_pass > n->vip_ops_max_per_pass)
		n->vip_ops_max_per_pass = n->vip_ops_this_pass;
	w->now_ms += w->vip_op_ms;
}

int rh_env_addr_add(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	struct rh_node *n = ctx;

	vip_op_cost(n);
	if (n->add_refused_err && ip_equal(&n->add_refused, vip))
		return n->add_refused_err;
	rh_addr_put(n, netns, ifindex, vip, n->no_addr_tags ? 0 : VIPD_ADDR_PROTO_VIP);
	return 0;
}

int rh_env_addr_del(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	struct rh_node *n = ctx;
	struct rh_addr *e = rh_addr_find(n, netns, ifindex, vip);

	vip_op_cost(n);
	if (e) {
		*e = n->addrs[--n->n_addrs];
		if (!*netns)
			rh_vmac_addr_removed(n, ifindex, vip);
	}
	return 0; /* already gone is success */
}

/* ifindex 0: every interface of netns. */
int rh_env_addr_list(void *ctx, const char *netns, int ifindex, struct vip_found **out,
		     size_t *count)
{
	struct rh_node *n = ctx;
	struct vip_found *f;
	size_t k = 0;

	if (!node_has_netns(n, netns))
		return -ENOENT;
	f = calloc(n->n_addrs + 1, sizeof(*f));
	assert_non_null(f);
	for (size_t i = 0; i < n->n_addrs; i++)
		if (strcmp(n->addrs[i].netns, netns) == 0 &&
		    (ifindex == 0 || n->addrs[i].ifindex == ifindex))
			f[k++] = (struct vip_found){.addr = n->addrs[i].addr,
						    .proto = n->addrs[i].proto,
						    .ifindex = n->addrs[i].ifindex};
	*out = f;
	*count = k;
	return 0;
}
