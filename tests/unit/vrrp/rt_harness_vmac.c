/* The fake kernel's virtual MAC links (vrrp.virtual_mac, docs/vmac.md):
 * macvlans of eth0 with the RFC 5798 MAC, made or adopted by the
 * runtime's vside_open, up or down, deleted; a down one sends nothing and
 * answers nothing, and loses its IPv6 addresses as the kernel's do; an up
 * IPv6 one has the link-local address its MAC gives. They outlive a crash
 * of the daemon.
 *
 * The switch: both nodes own each virtual MAC, and the switch sends a
 * frame to it to the port it last saw it on (rh_switch_learn: a GARP/NA or
 * an advert from the link, and the kernel's own frames). The kernel's own:
 * an IPv6 address leaving an up link makes it send an MLD report of the
 * group the address leaves, from the link, a jiffy later (the kernel's
 * work); a link going down cancels what has not left yet. The fake sends
 * it at once, behind the node's frames already on their way: the worst
 * case of that race, in which a peer that was told something by an
 * earlier frame (a priority 0) answers before the report reaches the
 * switch. */
#include "rt_harness.h"
#include "rt_harness_internal.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "plan/live.h"

#define RH_VMAC_IFINDEX0 100

void rh_vmac_of(uint8_t vrid, enum ip_family fam, uint8_t mac[6])
{
	const uint8_t m[6] = {0x00, 0x00, 0x5e, 0x00, fam == IP_V6 ? 0x02 : 0x01, vrid};

	memcpy(mac, m, 6);
}

struct rh_vmac *rh_vmac_by_name(struct rh_node *n, const char *name)
{
	for (size_t k = 0; k < n->n_vmacs; k++)
		if (n->vmacs[k].exists && strcmp(n->vmacs[k].name, name) == 0)
			return &n->vmacs[k];
	return NULL;
}

struct rh_vmac *rh_vmac_by_ifindex(struct rh_node *n, int ifindex)
{
	for (size_t k = 0; k < n->n_vmacs; k++)
		if (n->vmacs[k].exists && n->vmacs[k].ifindex == ifindex)
			return &n->vmacs[k];
	return NULL;
}

const struct rh_vmac *rh_vmac(const struct rh_world *w, int i, const char *name)
{
	return rh_vmac_by_name((struct rh_node *)&w->nodes[i], name);
}

/* The kernel drops the addresses of one family from a link. */
static void drop_addrs(struct rh_node *n, int ifindex, enum ip_family fam)
{
	for (size_t k = 0; k < n->n_addrs;) {
		if (!n->addrs[k].netns[0] && n->addrs[k].ifindex == ifindex &&
		    (fam == 0 || n->addrs[k].addr.family == fam))
			n->addrs[k] = n->addrs[--n->n_addrs];
		else
			k++;
	}
}

int rh_env_vmac_open(struct rh_node *n, struct vrrp_rt_vside *v)
{
	struct rh_vmac *vm = rh_vmac_by_name(n, v->ifname);

	if (strcmp(v->parent, RH_IFNAME) != 0 || *v->netns || n->iface_missing)
		return -ENODEV;
	if (vm && memcmp(vm->mac, v->vmac, 6) != 0) { /* not ours: made again */
		drop_addrs(n, vm->ifindex, 0);
		vm->exists = false;
		vm = NULL;
	}
	if (!vm) {
		assert_true(n->n_vmacs < RH_MAX_INSTS);
		vm = &n->vmacs[n->n_vmacs];
		*vm =
		    (struct rh_vmac){.ifindex = RH_VMAC_IFINDEX0 + (int)n->n_vmacs, .exists = true};
		n->n_vmacs++;
		snprintf(vm->name, sizeof(vm->name), "%s", v->ifname);
		memcpy(vm->mac, v->vmac, 6);
		n->vmac_created++;
	}
	if (vm->up) { /* adopted: down, as a backup's */
		vm->up = false;
		drop_addrs(n, vm->ifindex, IP_V6);
	}
	v->ifindex = vm->ifindex;
	memcpy(v->mac, vm->mac, 6);
	v->io = n;
	n->open_vsides++;
	return 0;
}

int rh_env_vmac_set_up(void *ctx, struct vrrp_rt_vside *v, bool up)
{
	struct rh_node *n = ctx;
	struct rh_vmac *vm = rh_vmac_by_name(n, v->ifname);
	struct rh_addr *a;

	if (!vm)
		return -ENODEV;
	if (up && n->vmac_up_err)
		return n->vmac_up_err;
	vm->up = up;
	if (!up) {
		drop_addrs(n, vm->ifindex, IP_V6);
		return 0;
	}
	if (v->family == IP_V6) { /* fe80::200:5eff:fe00:2XX, from the MAC (no DAD) */
		a = rh_addr_new(n);
		*a = (struct rh_addr){.ifindex = vm->ifindex,
				      .addr = rh_ip("fe80::200:5eff:fe00:200/64")};
		a->addr.bytes[15] = vm->mac[5];
	}
	return 0;
}

void rh_env_vmac_delete(void *ctx, struct vrrp_rt_vside *v)
{
	struct rh_node *n = ctx;
	struct rh_vmac *vm = rh_vmac_by_name(n, v->ifname);

	if (!vm)
		return;
	drop_addrs(n, vm->ifindex, 0);
	vm->exists = false;
	vm->up = false;
}

int rh_env_vmac_list(void *ctx, const char *netns, char (*names)[VRRP_RT_IFNAME_MAX], size_t cap,
		     size_t *n)
{
	struct rh_node *node = ctx;

	*n = 0;
	for (size_t k = 0; !*netns && k < node->n_vmacs && *n < cap; k++)
		if (node->vmacs[k].exists)
			snprintf(names[(*n)++], VRRP_RT_IFNAME_MAX, "%s", node->vmacs[k].name);
	return 0;
}

int rh_env_vmac_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *src,
		     const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct rh_node *n = ctx;
	struct rh_vmac *vm = rh_vmac_by_name(n, v->ifname);

	if (!vm || !vm->up) {
		n->vmac_down_sends++;
		return -ENETDOWN;
	}
	/* the kernel takes a link-local source only from the link it sends on */
	if (ip_is_link_local(src))
		assert_non_null(rh_addr_find(n, "", vm->ifindex, src));
	if (n->carrier && rh_forwards(n))
		rh_switch_learn(n->w, n->id, vm->mac);
	return rh_wire_send(n, v->family, v->parent, src, dst, buf, len, vm->mac);
}

bool rh_answer_mac(const struct rh_node *n, const struct ip_addr *vip, uint8_t mac[6])
{
	for (size_t k = 0; k < n->n_addrs; k++) {
		const struct rh_addr *a = &n->addrs[k];
		const struct rh_vmac *vm;

		if (!ip_equal(&a->addr, vip))
			continue;
		vm = rh_vmac_by_ifindex((struct rh_node *)n, a->ifindex);
		if (vm && !vm->up)
			return false; /* a down link answers nothing */
		memcpy(mac, vm ? vm->mac : n->mac, 6);
		return true;
	}
	return false;
}

void rh_switch_learn(struct rh_world *w, int n, const uint8_t mac[6])
{
	struct rh_fdb *e = NULL;

	for (size_t k = 0; k < w->n_fdb && !e; k++)
		if (memcmp(w->fdb[k].mac, mac, 6) == 0)
			e = &w->fdb[k];
	if (!e) {
		assert_true(w->n_fdb < sizeof(w->fdb) / sizeof(w->fdb[0]));
		e = &w->fdb[w->n_fdb++];
		memcpy(e->mac, mac, 6);
	}
	e->node = n;
	e->learnt_ms = w->now_ms;
}

int rh_switch_port(const struct rh_world *w, const uint8_t mac[6])
{
	for (size_t k = 0; k < w->n_fdb; k++)
		if (memcmp(w->fdb[k].mac, mac, 6) == 0)
			return w->fdb[k].node;
	return -1;
}

void rh_vmac_addr_removed(struct rh_node *n, int ifindex, const struct ip_addr *a)
{
	struct rh_vmac *vm = rh_vmac_by_ifindex(n, ifindex);

	if (!vm || !vm->up || a->family != IP_V6 || ip_is_link_local(a))
		return;
	n->vmac_kernel_sends++;
	rh_wire_kernel_frame(n, vm->mac);
}

int rh_env_vmac_state(void *ctx, struct vrrp_rt_vside *v, int *ifindex, bool *up)
{
	struct rh_vmac *vm = rh_vmac_by_name(ctx, v->ifname);

	if (!vm)
		return -ENODEV;
	*ifindex = vm->ifindex;
	*up = vm->up;
	return 0;
}

/* The daemon's watches hear of it: the link, then the addresses. */
static void tell_watches(struct rh_node *n, const char *name, int ifindex)
{
	if (!n->running)
		return;
	vrrp_rt_link_changed(&n->rt, "", name);
	vrrp_rt_addr_removed(&n->rt, "", ifindex, NULL);
}

void rh_vmac_set_up_behind(struct rh_world *w, int i, const char *name, bool up)
{
	struct rh_node *n = &w->nodes[i];
	struct rh_vmac *vm = rh_vmac_by_name(n, name);
	bool was_up;

	assert_non_null(vm);
	was_up = vm->up;
	vm->up = up;
	if (!up) /* the kernel drops a down link's IPv6 addresses */
		drop_addrs(n, vm->ifindex, IP_V6);
	/* raised, an IPv6 link (its MAC 00:00:5e:00:02:XX; an IPv4 one has
	 * IPv6 off) joins its link-local groups: its kernel's MLD report
	 * leaves from the virtual MAC before the daemon hears of the link */
	if (up && !was_up && vm->exists && vm->mac[4] == 2 && n->carrier && rh_forwards(n)) {
		n->vmac_kernel_sends++;
		rh_switch_learn(w, i, vm->mac);
	}
	tell_watches(n, name, vm->ifindex);
}

void rh_vmac_delete_behind(struct rh_world *w, int i, const char *name)
{
	struct rh_node *n = &w->nodes[i];
	struct rh_vmac *vm = rh_vmac_by_name(n, name);

	assert_non_null(vm);
	drop_addrs(n, vm->ifindex, 0);
	vm->exists = false;
	vm->up = false;
	tell_watches(n, name, vm->ifindex);
}
