/* The VIPs of one instance as the kernel has them (DESIGN 3: the kernel
 * is the truth): added when the instance takes over, removed when it
 * leaves, re-added at once when someone else removes one while it holds
 * them (the daemon's address watch calls vrrp_rt_addr_removed), and the
 * fault of a VIP that cannot be added ("cannot hold VIP x: ..."), which
 * runtime_inst.c judges as ill health from inst->hold_timer: the
 * instance resigns and retries; and with vrrp.virtual_mac the link they
 * live on as the kernel has it (rt_vips_vmac_check). Below runtime_inst.c:
 * it marks inst->hold_due, its callers arm that timer
 * (rt_inst_hold_check), and it never steps the machine. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rt_inst_add_vip(struct vrrp_inst *inst, const struct ip_addr *vip)
{
	char a[IP_STR_MAX];
	struct vrrp_rt *rt = inst->rt;
	struct vrrp_rt_vside *v = inst->vside;
	int rc = v && v->io ? rt->env->addr_add(rt->env_ctx, v->netns, v->ifindex, vip) : -ENOTCONN;

	if (rc < 0) {
		inst->vip_errors++;
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "adding VIP %s: %s", ip_ntop_prefix(vip, a),
			      strerror(-rc));
	}
	return rc;
}

int rt_inst_del_vip(struct vrrp_inst *inst, const struct ip_addr *vip)
{
	char a[IP_STR_MAX];
	struct vrrp_rt *rt = inst->rt;
	struct vrrp_rt_vside *v = inst->vside;
	int rc = v && v->io ? rt->env->addr_del(rt->env_ctx, v->netns, v->ifindex, vip) : 0;

	if (rc < 0) {
		inst->vip_errors++;
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "removing VIP %s: %s", ip_ntop_prefix(vip, a),
			      strerror(-rc));
	}
	return rc;
}

/* VIP i could not be added: it is missing, and the instance cannot hold
 * its VIPs until a retry adds it (runtime_inst.c judges that at once). */
static void note_missing(struct vrrp_inst *inst, size_t i, int err)
{
	char a[IP_STR_MAX];

	inst->vip_missing[i] = true;
	inst->hold_vip = inst->spec.vips[i];
	rt_reason_set(&inst->hold_reason, VRRP_RT_REASON_MAX, "cannot hold VIP %s: %s",
		      ip_ntop(&inst->spec.vips[i], a), strerror(-err));
	inst->hold_due = true; /* the caller above runs rt_inst_hold_check */
}

int rt_vips_add_at(struct vrrp_inst *inst, size_t i)
{
	/* a virtual MAC link is up while it holds VIPs: one that cannot be
	 * raised holds none (the VIP is missing, judged and retried as any) */
	int rc = rt_vside_set_up(inst->vside, true);

	if (rc == 0)
		rc = rt_inst_add_vip(inst, &inst->spec.vips[i]);

	if (rc < 0)
		note_missing(inst, i, rc);
	else
		inst->vip_missing[i] = false;
	return rc;
}

void rt_vips_add(struct vrrp_inst *inst)
{
	for (size_t i = 0; i < inst->spec.n_vips; i++)
		rt_vips_add_at(inst, i);
	inst->vips_held = true;
}

void rt_vips_remove(struct vrrp_inst *inst)
{
	rt_garp_stop(inst);
	for (size_t i = 0; i < inst->spec.n_vips; i++) {
		rt_inst_del_vip(inst, &inst->spec.vips[i]);
		inst->vip_missing[i] = false;
	}
	inst->vips_held = false;
	/* after the addresses: a link going down takes IPv6 ones with it */
	rt_vside_set_up(inst->vside, false);
}

bool rt_vips_alloc_missing(struct vrrp_inst *inst)
{
	bool *m = calloc(inst->spec.n_vips ? inst->spec.n_vips : 1, sizeof(*m));

	if (!m)
		return false;
	free(inst->vip_missing);
	inst->vip_missing = m;
	return true;
}

size_t vrrp_inst_vips_missing(const struct vrrp_inst *inst)
{
	size_t n = 0;

	for (size_t i = 0; inst->vip_missing && i < inst->spec.n_vips; i++)
		n += inst->vip_missing[i];
	return n;
}

/* ---- repair ---- */

static int addr_cmp(const void *a, const void *b)
{
	const struct ip_addr *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->bytes, y->bytes, ip_len(x));
}

/* The kernel's addresses of the VIP side, sorted for lookups: an
 * interface may carry thousands. NULL on failure (logged). */
static struct ip_addr *kernel_addrs(struct vrrp_inst *inst, size_t *n)
{
	struct vrrp_rt_vside *v = inst->vside;
	struct vip_found *found = NULL;
	struct ip_addr *out;
	int rc = inst->rt->env->addr_list(inst->rt->env_ctx, v->netns, v->ifindex, &found, n);

	if (rc < 0) {
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "listing the addresses of %s: %s", v->ifname,
			      strerror(-rc));
		return NULL;
	}
	out = malloc((*n ? *n : 1) * sizeof(*out));
	for (size_t i = 0; out && i < *n; i++)
		out[i] = found[i].addr;
	free(found);
	if (out)
		qsort(out, *n, sizeof(*out), addr_cmp);
	return out;
}

static void tell_repair(struct vrrp_inst *inst, const struct ip_addr *vip, int err)
{
	inst->last_repair = *vip;
	inst->last_repair_err = err;
	if (inst->rt->on_event)
		inst->rt->on_event(inst->rt->on_event_arg, inst, VRRP_RT_EV_VIP_REPAIR);
}

static void repair(struct vrrp_inst *inst, size_t i)
{
	const struct ip_addr *vip = &inst->spec.vips[i];
	char a[IP_STR_MAX];
	int rc = rt_vips_add_at(inst, i);

	if (rc < 0) {
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR,
			      "VIP %s removed by someone else: cannot re-add it: %s",
			      ip_ntop(vip, a), strerror(-rc));
	} else {
		inst->vip_repairs++;
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "VIP %s removed by someone else: re-added",
			      ip_ntop(vip, a));
		/* clients may have lost the entry with the address: announce
		 * it again, as the owner does after any doubt */
		if (inst->fsm.state == VRRP_FSM_MASTER)
			rt_garp_one(inst, i);
	}
	tell_repair(inst, vip, rc);
}

size_t rt_vips_reconcile(struct vrrp_inst *inst)
{
	struct ip_addr *have;
	size_t n_have = 0, repaired = 0;

	if (!inst->vips_held || !inst->vside)
		return 0;
	have = kernel_addrs(inst, &n_have);
	if (!have)
		return 0;
	for (size_t i = 0; i < inst->spec.n_vips; i++) {
		/* a VIP already missing is the retry's (runtime_inst.c) */
		if (inst->vip_missing[i] ||
		    bsearch(&inst->spec.vips[i], have, n_have, sizeof(*have), addr_cmp))
			continue;
		repair(inst, i);
		repaired++;
	}
	free(have);
	return repaired;
}

bool rt_vips_has(const struct vrrp_inst *inst, const struct ip_addr *addr)
{
	for (size_t i = 0; i < inst->spec.n_vips; i++)
		if (ip_equal(&inst->spec.vips[i], addr))
			return true;
	return false;
}

/* ---- retry ---- */

/* While held: add the missing VIPs again (announcing each that is back
 * when master). While not held: add the one that failed and remove it at
 * once, the only way to ask the kernel whether it would take it; a BACKUP
 * holds it for the two messages' time, announcing nothing. */
bool rt_vips_retry(struct vrrp_inst *inst)
{
	struct vrrp_rt *rt = inst->rt;
	struct vrrp_rt_vside *v = inst->vside;
	int rc;

	if (inst->vips_held) {
		for (size_t i = 0; i < inst->spec.n_vips; i++) {
			if (!inst->vip_missing[i] || rt_vips_add_at(inst, i) < 0)
				continue;
			if (inst->fsm.state == VRRP_FSM_MASTER)
				rt_garp_one(inst, i);
		}
		return vrrp_inst_vips_missing(inst) == 0;
	}
	if (!v || (v->parent[0] && !v->io && rt_vside_reopen(v) < 0))
		return false;
	rc = rt->env->addr_add(rt->env_ctx, v->netns, v->ifindex, &inst->hold_vip);
	if (rc < 0)
		return false;
	rt->env->addr_del(rt->env_ctx, v->netns, v->ifindex, &inst->hold_vip);
	return true;
}

/* ---- the virtual MAC link ---- */

/* The holder's link went down or away: up again (made again first if it
 * went), every VIP added again (a down link lost the IPv6 ones) and, as
 * master, one GARP/NA round: clients and switches may have lost the
 * entry with the link. */
static void vmac_raise(struct vrrp_inst *inst, bool gone)
{
	struct vrrp_rt_vside *v = inst->vside;
	size_t bad = 0;

	vrrp_inst_log(inst, VRRP_RT_LOG_WARN,
		      "virtual MAC link %s %s by someone else while it holds the VIPs: %s",
		      v->ifname, gone ? "deleted" : "set down",
		      gone ? "making it again, raising it and adding them" : "raising it again");
	if (gone)
		rt_vside_reopen(v);
	v->up = false; /* the kernel's word */
	for (size_t i = 0; i < inst->spec.n_vips; i++)
		bad += rt_vips_add_at(inst, i) < 0;
	inst->vmac_repairs++;
	if (bad == inst->spec.n_vips)
		return; /* missing: the hold retry takes over (note_missing) */
	if (inst->fsm.state == VRRP_FSM_MASTER)
		rt_garp_round(inst);
}

void rt_vips_vmac_check(struct vrrp_inst *inst)
{
	struct vrrp_rt_vside *v = inst->vside;
	const struct vrrp_rt_env *env = inst->rt->env;
	int ifindex = 0, rc;
	bool up = false, gone;

	if (!v || !v->parent[0] || !env->vmac_state || !v->io)
		return;
	rc = env->vmac_state(inst->rt->env_ctx, v, &ifindex, &up);
	if (rc < 0 && rc != -ENODEV) {
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "reading the virtual MAC link %s: %s",
			      v->ifname, strerror(-rc));
		return;
	}
	/* deleted, or deleted and made again by someone else (another index) */
	gone = rc == -ENODEV || ifindex != v->ifindex;
	if (inst->vips_held) {
		if (gone || !up)
			vmac_raise(inst, gone);
		return;
	}
	if (gone) { /* made again now, down: a takeover must not wait for it */
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN,
			      "virtual MAC link %s deleted by someone else: making it again",
			      v->ifname);
		rt_vside_reopen(v);
		inst->vmac_repairs++;
	} else if (up) { /* a backup's link sends nothing (docs/vmac.md) */
		vrrp_inst_log(
		    inst, VRRP_RT_LOG_WARN,
		    "virtual MAC link %s set up by someone else while backup: lowering it",
		    v->ifname);
		v->up = true;
		rt_vside_set_up(v, false);
		inst->vmac_repairs++;
	}
}
