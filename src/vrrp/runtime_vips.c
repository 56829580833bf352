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

/* ---- the queue (vrrp_rt.vipq) ----
 *
 * ADD_VIPS and REMOVE_VIPS do not call the kernel themselves: they set
 * each VIP's operation and queue the instance, then pump the queue within
 * the budget of the loop's pass (VRRP_RT_VIP_BUDGET_MS since the pass's
 * first VIP operation). A single takeover is done at once, in its own
 * step; a takeover of thousands leaves the rest to a 0 ms timer that does
 * a budget a pass, while adverts leave and packets are read between.
 *
 * What the operations wait for is theirs to release, when the instance's
 * last one is done (settle): an advert the machine sent meanwhile (VIPs
 * before the advert when taking over; with a virtual MAC, the VIPs gone
 * before priority 0), its GARP/NA (only for VIPs in the kernel), the
 * virtual MAC link going down (after its addresses). An add and a remove
 * of one VIP cancel out: a flip back never leaves a VIP added or removed
 * against the last word. An instance is in the queue exactly while it has
 * operations waiting; stopping flushes them (rt_vips_flush), freeing
 * takes it out (rt_vips_forget). */

static void q_unlink(struct vrrp_inst *inst)
{
	struct vrrp_rt_vip_queue *q = &inst->rt->vipq;

	if (!inst->vipq_linked)
		return;
	if (inst->vipq_prev)
		inst->vipq_prev->vipq_next = inst->vipq_next;
	else
		q->head = inst->vipq_next;
	if (inst->vipq_next)
		inst->vipq_next->vipq_prev = inst->vipq_prev;
	else
		q->tail = inst->vipq_prev;
	inst->vipq_next = inst->vipq_prev = NULL;
	inst->vipq_linked = false;
}

static void q_link_tail(struct vrrp_inst *inst)
{
	struct vrrp_rt_vip_queue *q = &inst->rt->vipq;

	if (inst->vipq_linked)
		return;
	inst->vipq_prev = q->tail;
	inst->vipq_next = NULL;
	if (q->tail)
		q->tail->vipq_next = inst;
	else
		q->head = inst;
	q->tail = inst;
	inst->vipq_linked = true;
}

static void clear_op(struct vrrp_inst *inst, size_t i)
{
	if (!inst->vip_op || inst->vip_op[i] == VRRP_VIP_OP_NONE)
		return;
	inst->vip_op[i] = VRRP_VIP_OP_NONE;
	inst->vip_ops--;
	inst->rt->vipq.depth--;
}

/* The operation for VIP i becomes op; the opposite one waiting cancels
 * out instead (the kernel already is as op wants it). */
static void set_op(struct vrrp_inst *inst, size_t i, enum vrrp_vip_op op)
{
	struct vrrp_rt_vip_queue *q = &inst->rt->vipq;

	if (inst->vip_op[i] == op)
		return;
	if (inst->vip_op[i] != VRRP_VIP_OP_NONE) {
		clear_op(inst, i);
		q->cancelled++;
		return;
	}
	inst->vip_op[i] = (uint8_t)op;
	inst->vip_ops++;
	if (inst->vip_cursor > i)
		inst->vip_cursor = i;
	if (++q->depth > q->max_depth)
		q->max_depth = q->depth;
	q_link_tail(inst);
}

/* The instance's last operation is done (or cancelled out): what waited
 * for it goes now, as the state it is in by now wants it. */
static void settle(struct vrrp_inst *inst)
{
	struct vrrp_rt *rt = inst->rt;
	bool master = inst->fsm.state == VRRP_FSM_MASTER && inst->vips_held;
	uint8_t garp = inst->garp_owed;

	q_unlink(inst);
	inst->vip_cursor = 0;
	inst->garp_owed = 0;
	if (!inst->vips_held)
		rt_vside_set_up(inst->vside, false); /* after the addresses */
	else if (rt->vipq.settled)
		rt->vipq.settled(inst); /* judges a VIP it could not add */
	if (inst->vmac_check_due) {	/* its link changed while they waited */
		inst->vmac_check_due = false;
		rt_vips_vmac_check(inst);
	}
	if (master && garp == 2)
		rt_garp_start(inst);
	else if (master && garp == 1 && inst->garp_left == 0)
		rt_garp_round(inst);
	if (inst->advert_owed) {
		bool is_master = inst->fsm.state == VRRP_FSM_MASTER;

		inst->advert_owed = false;
		/* a master's advert after its VIPs are in, priority 0 after they
		 * are gone; neither once the instance turned the other way (a
		 * master again sends its own, a backup none) */
		if ((inst->advert_owed_prio == 0) != is_master)
			rt_send_advert(inst, inst->advert_owed_prio);
	}
}

/* Runs inst's next waiting operation. */
static void run_one(struct vrrp_inst *inst)
{
	size_t i = inst->vip_cursor;

	while (i < inst->spec.n_vips && inst->vip_op[i] == VRRP_VIP_OP_NONE)
		i++;
	if (i >= inst->spec.n_vips) { /* cannot be: the count says one waits */
		inst->vip_ops = 0;
		return;
	}
	inst->vip_cursor = (uint32_t)i + 1;
	if (inst->vip_op[i] == VRRP_VIP_OP_ADD) {
		rt_vips_add_at(inst, i); /* clears the operation */
		return;
	}
	clear_op(inst, i);
	rt_inst_del_vip(inst, &inst->spec.vips[i]);
}

static void on_drain(void *arg);

/* The pass's budget starts with its first VIP operation; the 0 ms timer
 * armed then ends the pass (and drains what is left). */
static void enter_pass(struct vrrp_rt *rt)
{
	struct vrrp_rt_vip_queue *q = &rt->vipq;

	if (q->in_pass)
		return;
	if (!q->timer)
		q->timer = rt_timer_new(rt, on_drain, rt);
	if (!q->timer)
		return; /* out of memory: the callers' pumps go on synchronously */
	q->in_pass = true;
	q->pass_start_ms = rt_now_ms(rt);
	rt_timer_arm(rt, q->timer, 0);
}

static bool budget_left(struct vrrp_rt *rt)
{
	struct vrrp_rt_vip_queue *q = &rt->vipq;

	return !q->in_pass || rt_now_ms(rt) - q->pass_start_ms < VRRP_RT_VIP_BUDGET_MS;
}

/* Runs waiting operations, first queued first, while the pass's budget
 * lasts; at least one when must_progress. An instance whose last one ran
 * settles (which may step no machine, but may send: the queue is read
 * again after each). */
static void pump(struct vrrp_rt *rt, bool must_progress)
{
	struct vrrp_rt_vip_queue *q = &rt->vipq;
	bool ran = false;

	enter_pass(rt);
	while (q->head && ((must_progress && !ran) || budget_left(rt))) {
		struct vrrp_inst *inst = q->head;

		run_one(inst);
		ran = true;
		if (inst->vip_ops == 0)
			settle(inst);
	}
	if (q->head)
		q->deferred++;
	if (ran)
		q->passes++;
}

static void on_drain(void *arg)
{
	struct vrrp_rt *rt = arg;

	rt->vipq.in_pass = false; /* a new pass of the loop */
	if (rt->vipq.head)
		pump(rt, true);
}

void rt_vips_flush(struct vrrp_inst *inst)
{
	while (inst->vip_ops > 0)
		run_one(inst);
	if (inst->vipq_linked || inst->advert_owed || inst->garp_owed)
		settle(inst);
}

void rt_vips_forget(struct vrrp_inst *inst)
{
	for (size_t i = 0; inst->vip_op && i < inst->spec.n_vips; i++)
		clear_op(inst, i);
	inst->vip_ops = 0;
	q_unlink(inst);
	inst->advert_owed = false;
	inst->garp_owed = 0;
}

void rt_vips_queue_done(struct vrrp_rt *rt)
{
	/* the instances went first, each taking its operations out */
	if (rt->vipq.timer)
		rt_timer_free(rt, rt->vipq.timer);
	rt->vipq.timer = NULL;
	rt->vipq.in_pass = false;
}

bool rt_vips_owe_advert(struct vrrp_inst *inst, uint8_t priority)
{
	if (inst->vip_ops == 0)
		return false;
	inst->advert_owed = true;
	inst->advert_owed_prio = priority;
	return true;
}

bool rt_vips_owe_garp(struct vrrp_inst *inst, bool single_round)
{
	if (inst->vip_ops == 0)
		return false;
	if (!single_round)
		inst->garp_owed = 2;
	else if (inst->garp_owed == 0)
		inst->garp_owed = 1;
	return true;
}

bool rt_vips_pending(const struct vrrp_inst *inst, size_t i)
{
	return inst->vip_op && inst->vip_op[i] != VRRP_VIP_OP_NONE;
}

/* ---- add and remove ---- */

int rt_vips_add_at(struct vrrp_inst *inst, size_t i)
{
	/* a virtual MAC link is up while it holds VIPs: one that cannot be
	 * raised holds none (the VIP is missing, judged and retried as any) */
	int rc = rt_vside_set_up(inst->vside, true);

	clear_op(inst, i); /* done now, whoever asked */
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
	/* a removal waiting cancels out: that VIP never left the kernel */
	for (size_t i = 0; i < inst->spec.n_vips; i++)
		set_op(inst, i, VRRP_VIP_OP_ADD);
	inst->vips_held = true;
	if (inst->vip_ops == 0)
		settle(inst); /* a remove cancelled out: the VIPs never left */
	else
		pump(inst->rt, false);
}

void rt_vips_remove(struct vrrp_inst *inst)
{
	rt_garp_stop(inst);
	for (size_t i = 0; i < inst->spec.n_vips; i++) {
		/* a VIP the kernel refused is not there to remove */
		if (inst->vip_missing[i] && inst->vip_op[i] == VRRP_VIP_OP_NONE) {
			inst->vip_missing[i] = false;
			continue;
		}
		inst->vip_missing[i] = false;
		set_op(inst, i, VRRP_VIP_OP_DEL);
	}
	inst->vips_held = false;
	if (inst->vip_ops == 0)
		settle(inst); /* the link goes down now */
	else
		pump(inst->rt, false);
}

bool rt_vips_alloc_missing(struct vrrp_inst *inst)
{
	size_t n = inst->spec.n_vips ? inst->spec.n_vips : 1;
	bool *m = calloc(n, sizeof(*m));
	uint8_t *op = calloc(n, sizeof(*op));

	if (!m || !op) {
		free(m);
		free(op);
		return false;
	}
	free(inst->vip_missing);
	free(inst->vip_op);
	inst->vip_missing = m;
	inst->vip_op = op;
	return true;
}

size_t vrrp_inst_vips_missing(const struct vrrp_inst *inst)
{
	size_t n = 0;

	for (size_t i = 0; inst->vip_missing && i < inst->spec.n_vips; i++)
		n += inst->vip_missing[i];
	return n;
}

size_t vrrp_inst_vips_in_kernel(const struct vrrp_inst *inst)
{
	size_t n = 0;

	for (size_t i = 0; inst->vip_op && i < inst->spec.n_vips; i++) {
		if (inst->vips_held)
			n += !inst->vip_missing[i] && inst->vip_op[i] == VRRP_VIP_OP_NONE;
		else
			n += inst->vip_op[i] == VRRP_VIP_OP_DEL;
	}
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
		if (inst->vip_missing[i] || rt_vips_pending(inst, i) ||
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
	if (inst->vip_ops > 0) { /* the link is as they leave it: looked at then */
		inst->vmac_check_due = true;
		return;
	}
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
		/* while up it may have sent (an MLD report from the VIPs'
		 * MAC): the switch may now send their clients here */
		if (inst->rt->vipq.mac_leaked)
			inst->rt->vipq.mac_leaked(inst);
	}
}
