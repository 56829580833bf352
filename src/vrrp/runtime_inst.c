/* One VRRP instance at run time: feeds events to the state machine and
 * carries out the actions it returns, in order. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#define RETRY_MS      1000 /* re-open a socket whose interface was missing */
#define HOLD_RETRY_MS 1000 /* try again a VIP the kernel refused */

static void on_timer(struct vrrp_inst *inst, enum vrrp_fsm_timer timer)
{
	struct vrrp_fsm_event ev = {.type = vrrp_fsm_timer_event(timer)};

	if (timer == VRRP_FSM_TIMER_MASTER_DOWN)
		inst->master_down_due_ms = 0; /* fired: no longer armed */
	/* The peer's adverts may be waiting unread behind a busy loop: they
	 * come first (one re-arms this timer, and the state machine takes
	 * this expiry as stale). */
	if (timer == VRRP_FSM_TIMER_MASTER_DOWN && inst->sock && inst->rt->env->sock_poll)
		inst->rt->env->sock_poll(inst->rt->env_ctx, inst->sock);
	rt_inst_step(inst, &ev);
	/* fired and not armed again (master-down on a takeover, preempt):
	 * its event goes until the machine arms it again (the environment
	 * touches nothing of a timer after its callback) */
	if (!inst->fsm.timers[timer].armed) {
		rt_timer_free(inst->rt, inst->timers[timer]);
		inst->timers[timer] = NULL;
	}
}

/* One callback per timer, the instance as its argument: no per-instance
 * table of (instance, timer) pairs to point the callbacks at. */
static void on_advert_timer(void *inst)
{
	on_timer(inst, VRRP_FSM_TIMER_ADVERT);
}

static void on_master_down_timer(void *inst)
{
	on_timer(inst, VRRP_FSM_TIMER_MASTER_DOWN);
}

static void on_preempt_timer(void *inst)
{
	on_timer(inst, VRRP_FSM_TIMER_PREEMPT);
}

static void (*const fsm_timer_fn[VRRP_FSM_TIMER_COUNT])(void *) = {
    [VRRP_FSM_TIMER_ADVERT] = on_advert_timer,
    [VRRP_FSM_TIMER_MASTER_DOWN] = on_master_down_timer,
    [VRRP_FSM_TIMER_PREEMPT] = on_preempt_timer,
};

static void try_start(struct vrrp_inst *inst);
static void on_hold(void *arg);

static void on_retry(void *arg)
{
	try_start(arg);
}

static const char *health_text(enum vip_method m)
{
	if (m == METHOD_VRRP)
		return "clusterIpMethod vrrp: always healthy";
	return "link/gateway checks not judged yet: assumed healthy";
}

struct vrrp_inst *rt_inst_new(struct vrrp_rt *rt, struct vrrp_inst_spec *spec)
{
	struct vrrp_inst *inst = calloc(1, sizeof(*inst));

	if (!inst)
		return NULL;
	inst->rt = rt;
	inst->spec = *spec;
	spec->vips = NULL; /* ownership moved, of the names too */
	spec->n_vips = 0;
	spec->names = NULL;
	inst->cfg = inst->spec.fsm;
	vrrp_fsm_init(&inst->fsm);
	inst->hold_reason = inst->checks_reason = inst->weight_reason = text_empty;
	inst->link_reason = inst->wait_reason = inst->last_reason = text_empty;
	inst->health_reason = text_empty;
	rt_reason_set(&inst->health_reason, VRRP_RT_REASON_MAX, "%s",
		      health_text(inst->spec.method));
	inst->checks_healthy = true;
	rt_reason_set(&inst->checks_reason, VRRP_RT_REASON_MAX, "%s", inst->health_reason);
	inst->n_advert_addrs = rt_advert_addr_cap(&inst->spec);
	rt->vipq.settled = rt_inst_hold_check; /* below us: callbacks */
	rt->vipq.mac_leaked = rt_inst_mac_leaked;
	/* The timers are made when first armed: the state machine's
	 * (arm_fsm_timer), garp_timer (a backup never sends GARP),
	 * retry_timer and hold_timer (an interface is first missing, a VIP
	 * first fails); a timer is a libevent event */
	if (!rt_vips_alloc_missing(inst)) {
		rt_inst_free(inst);
		return NULL;
	}
	if (inst->n_advert_addrs < inst->spec.n_vips)
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN,
			      "%zu VIPs, adverts carry the first %zu (1280-byte cap); all are held",
			      inst->spec.n_vips, inst->n_advert_addrs);
	return inst;
}

void rt_inst_free(struct vrrp_inst *inst)
{
	if (!inst)
		return;
	for (int t = 0; t < VRRP_FSM_TIMER_COUNT; t++)
		rt_timer_free(inst->rt, inst->timers[t]);
	rt_timer_free(inst->rt, inst->garp_timer);
	rt_timer_free(inst->rt, inst->retry_timer);
	rt_timer_free(inst->rt, inst->hold_timer);
	rt_garp_forget(inst); /* no frame of a freed instance waits */
	rt_vips_forget(inst); /* nor a VIP operation */
	if (inst->rt->hooks.inst_free)
		inst->rt->hooks.inst_free(inst->rt->hooks.arg, inst);
	rt_sock_detach(inst);
	rt_vside_detach(inst);
	rt_spec_done(&inst->spec);
	free(inst->vip_missing);
	free(inst->vip_op);
	free(inst->drops);
	rt_reason_free(&inst->hold_reason);
	rt_reason_free(&inst->checks_reason);
	rt_reason_free(&inst->weight_reason);
	rt_reason_free(&inst->health_reason);
	rt_reason_free(&inst->link_reason);
	rt_reason_free(&inst->wait_reason);
	rt_reason_free(&inst->last_reason);
	free(inst);
}

/* ---- VIPs ---- */

/* Where a is in sp's VIPs (address and prefix), sp->n_vips if absent. */
static size_t vip_index(const struct vrrp_inst_spec *sp, const struct ip_addr *a)
{
	for (size_t i = 0; i < sp->n_vips; i++)
		if (ip_equal(&sp->vips[i], a) && sp->vips[i].plen == a->plen)
			return i;
	return sp->n_vips;
}

static bool has_vip(const struct vrrp_inst_spec *sp, const struct ip_addr *a)
{
	return vip_index(sp, a) < sp->n_vips;
}

void rt_inst_update_vips(struct vrrp_inst *inst, struct vrrp_inst_spec *spec)
{
	struct ip_addr *old = inst->spec.vips;
	size_t n_old = inst->spec.n_vips;
	struct vrrp_inst_spec old_spec = inst->spec;
	bool *old_missing = inst->vip_missing;
	bool *missing = calloc(spec->n_vips ? spec->n_vips : 1, sizeof(*missing));
	uint8_t *op = calloc(spec->n_vips ? spec->n_vips : 1, sizeof(*op));

	if (!missing || !op) {
		free(missing);
		free(op);
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "out of memory: VIP list not updated");
		return;
	}
	/* queued operations are on the old list's indexes: done first */
	rt_vips_flush(inst);
	free(inst->vip_op);
	inst->vip_op = op;
	inst->spec.vips = spec->vips;
	inst->spec.n_vips = spec->n_vips;
	spec->vips = NULL;
	spec->n_vips = 0;
	inst->vip_missing = missing;
	inst->n_advert_addrs = rt_advert_addr_cap(&inst->spec);
	rt_garp_vips_changed(inst, old, n_old);
	if (inst->vips_held) {
		for (size_t i = 0; i < n_old; i++)
			if (!has_vip(&inst->spec, &old[i]))
				rt_inst_del_vip(inst, &old[i]);
		for (size_t i = 0; i < inst->spec.n_vips; i++) {
			const struct ip_addr *v = &inst->spec.vips[i];
			size_t k = vip_index(&old_spec, v);

			if (k < n_old)
				inst->vip_missing[i] = old_missing[k];
			else if (rt_vips_add_at(inst, i) == 0)
				rt_garp_one(inst, i);
		}
		rt_inst_hold_check(inst);
	}
	free(old_missing);
	vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "VIP list updated in place: %zu -> %zu VIPs%s", n_old,
		      inst->spec.n_vips, inst->vips_held ? " (held)" : "");
	free(old);
}

/* ---- the step ---- */

/* Advert timers fire on a grid of the node's monotonic clock: a tick of
 * 1/20 of the interval, 1 to 50 ms. Thousands of masters then send in a
 * few dozen loop passes a second, not thousands, and their peer reads
 * them in batches: fewer wake-ups on both nodes (docs/vrrp.md, "Scale").
 * Only the phase moves, once: the state machine re-arms from its own
 * deadline, so the interval stays exact, and an advert leaves at most one
 * tick late: a twentieth of the interval, against the peer's
 * Master_Down_Interval of three intervals and its skew. */
#define ADVERT_TICK_MAX_MS 50

static uint32_t advert_tick_ms(uint32_t interval_ms)
{
	uint32_t tick = interval_ms / 20;

	return tick < 1 ? 1 : tick > ADVERT_TICK_MAX_MS ? ADVERT_TICK_MAX_MS : tick;
}

static uint32_t advert_delay_on_grid(struct vrrp_inst *inst, uint32_t delay_ms)
{
	uint32_t tick = advert_tick_ms(inst->cfg.advert_interval_ms);
	uint64_t at = rt_now_ms(inst->rt) + delay_ms;
	uint64_t late = (tick - at % tick) % tick;

	return delay_ms + (uint32_t)late;
}

/* A state machine timer is made when first armed: a master that stays
 * master never arms its master-down timer, a backup never its advert
 * timer, and most instances never the preempt delay (issue 16: each is a
 * libevent event, 150 bytes an instance). Out of memory there the timer
 * cannot run: logged, as loud as it gets. */
/* A backup re-arms its master-down timer at every advert: 10000 libevent
 * re-arms a second at 1000 instances at 100 ms, each touching a timer
 * that is otherwise cold. The time armed may stand while it is later than
 * the new deadline less two thirds of the delay (the Master_Down_Interval
 * is three intervals and the skew, so that is more than an interval
 * away): the next advert comes before it and decides again, so one
 * advert in three re-arms. Should the adverts stop, the timer fires
 * before the deadline and the state machine waits for the rest
 * (timer_live). A deadline earlier than the time armed (priority 0: the
 * skew alone) always re-arms. */
static bool master_down_may_stand(const struct vrrp_inst *inst, enum vrrp_fsm_timer t,
				  uint32_t delay_ms)
{
	uint64_t due = inst->master_down_due_ms, now = rt_now_ms(inst->rt);

	return t == VRRP_FSM_TIMER_MASTER_DOWN && due && due <= now + delay_ms &&
	       due >= now + delay_ms / 3;
}

static void arm_fsm_timer(struct vrrp_inst *inst, enum vrrp_fsm_timer t, uint32_t delay_ms)
{
	if (master_down_may_stand(inst, t, delay_ms))
		return;
	if (!inst->timers[t])
		inst->timers[t] = rt_timer_new(inst->rt, fsm_timer_fn[t], inst);
	if (inst->timers[t]) {
		rt_timer_arm(inst->rt, inst->timers[t], delay_ms);
		if (t == VRRP_FSM_TIMER_MASTER_DOWN)
			inst->master_down_due_ms = rt_now_ms(inst->rt) + delay_ms;
	} else
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "out of memory: the %s timer cannot run",
			      vrrp_fsm_timer_name(t));
}

static void run_action(struct vrrp_inst *inst, const struct vrrp_fsm_action *a)
{
	switch (a->type) {
	case VRRP_FSM_ACT_SEND_ADVERT:
		/* VIPs still queued: it leaves after them (runtime_vips.c) */
		if (!rt_vips_owe_advert(inst, a->priority))
			rt_send_advert(inst, a->priority);
		break;
	case VRRP_FSM_ACT_ARM_TIMER:
		arm_fsm_timer(inst, a->timer,
			      a->timer == VRRP_FSM_TIMER_ADVERT
				  ? advert_delay_on_grid(inst, a->delay_ms)
				  : a->delay_ms);
		break;
	case VRRP_FSM_ACT_CANCEL_TIMER:
		/* the machine cancels a timer when the state changes, after which
		 * it is rarely armed again (a master's master-down timer): its
		 * event is freed, and made again if it is */
		rt_timer_free(inst->rt, inst->timers[a->timer]);
		inst->timers[a->timer] = NULL;
		if (a->timer == VRRP_FSM_TIMER_MASTER_DOWN)
			inst->master_down_due_ms = 0;
		break;
	case VRRP_FSM_ACT_ADD_VIPS:
		rt_vips_add(inst);
		rt_inst_hold_check(inst);
		break;
	case VRRP_FSM_ACT_REMOVE_VIPS:
		rt_vips_remove(inst);
		break;
	case VRRP_FSM_ACT_SEND_GARP:
		if (rt_vips_owe_garp(inst, a->single_round))
			break; /* announced once its VIPs are in the kernel */
		if (!a->single_round)
			rt_garp_start(inst);
		else if (inst->garp_left == 0 || a->urgent) /* else a running burst covers it */
			rt_garp_round(inst);
		break;
	default:
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "unknown action %d: this is a bug", a->type);
		break;
	}
}

/* A resignation for health says which signal failed: "unhealthy:
 * gateway 192.0.2.1 unreachable (3/3 probes)", not the machine's bare
 * "unhealthy: resign" (the machine knows no signals); a FAULT says what
 * the link watch saw ("no carrier (operstate lowerlayerdown)"):
 * inst->last_reason. */
static void note_transition(struct vrrp_inst *inst, const struct vrrp_fsm_transition *t)
{
	inst->has_transition = true;
	inst->last = (struct vrrp_rt_transition){.from = t->from, .to = t->to, .cause = t->cause};
	inst->last_transition_wall_ms = rt_wall_ms(inst->rt);
	if (t->cause == VRRP_FSM_CAUSE_UNHEALTHY && inst->health_reason[0])
		rt_reason_set(&inst->last_reason, VRRP_RT_LAST_REASON_MAX, "unhealthy: %s",
			      inst->health_reason);
	else if (t->cause == VRRP_FSM_CAUSE_LINK_DOWN && inst->link_reason[0])
		rt_reason_set(&inst->last_reason, VRRP_RT_LAST_REASON_MAX, "%.90s: %.120s",
			      t->reason, inst->link_reason);
	else
		rt_reason_set(&inst->last_reason, VRRP_RT_LAST_REASON_MAX, "%s", t->reason);
	if (t->from == VRRP_FSM_MASTER)
		rt_garp_stop(inst); /* no refresh once we are not master */
	vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "%s -> %s (%s)", vrrp_fsm_state_name(t->from),
		      vrrp_fsm_state_name(t->to), inst->last_reason);
	if (inst->rt->on_event)
		inst->rt->on_event(inst->rt->on_event_arg, inst, VRRP_RT_EV_TRANSITION);
}

void rt_inst_step(struct vrrp_inst *inst, const struct vrrp_fsm_event *ev)
{
	struct vrrp_fsm_actions out;

	vrrp_fsm_step(&inst->cfg, &inst->fsm, ev, rt_now_ms(inst->rt), &out);
	if (out.interval_changed)
		vrrp_inst_log(inst, VRRP_RT_LOG_INFO,
			      "following the master's advert interval: %u -> %u ms (ours %u ms)",
			      out.interval_was_ms, out.interval_now_ms,
			      inst->cfg.advert_interval_ms);
	for (size_t i = 0; i < out.count; i++)
		run_action(inst, &out.items[i]);
	if (out.has_transition)
		note_transition(inst, &out.transition);
	if (out.overflow)
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR,
			      "state machine overflowed on %s: this is a bug",
			      vrrp_fsm_event_name(ev->type));
}

/* ---- start and stop ---- */

/* Both sides, or neither: the interface that failed in *ifname. */
static int attach(struct vrrp_inst *inst, const char **ifname)
{
	int err = 0;

	*ifname = inst->spec.advert_ifname;
	if (!rt_sock_attach(inst, rt_inst_step, &err))
		return err;
	*ifname = inst->spec.ifname;
	if (!rt_vside_attach(inst, &err)) {
		/* the virtual MAC link's name is taken by a link of another kind */
		if (err == -EEXIST && inst->spec.vmac_ifname[0])
			*ifname = inst->spec.vmac_ifname;
		rt_sock_detach(inst);
		return err;
	}
	return 0;
}

static void try_start(struct vrrp_inst *inst)
{
	struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_STARTUP};
	char why[VRRP_RT_REASON_MAX];
	const char *ifname;
	int err = attach(inst, &ifname);

	if (err < 0) {
		snprintf(why, sizeof(why), "interface %s%s%s: %s", ifname,
			 *inst->spec.netns ? " in netns " : "", inst->spec.netns, strerror(-err));
		if (strcmp(why, inst->wait_reason) != 0)
			vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "waiting: %s (retrying every %d ms)",
				      why, RETRY_MS);
		rt_reason_set(&inst->wait_reason, VRRP_RT_REASON_MAX, "%s", why);
		if (!inst->retry_timer)
			inst->retry_timer = rt_timer_new(inst->rt, on_retry, inst);
		if (inst->retry_timer)
			rt_timer_arm(inst->rt, inst->retry_timer, RETRY_MS);
		else
			vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "out of memory: no retry timer");
		return;
	}
	if (inst->wait_reason[0])
		vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "interface %s usable now", ifname);
	rt_reason_free(&inst->wait_reason);
	inst->started = true;
	rt_inst_step(inst, &ev);
}

void rt_inst_start(struct vrrp_inst *inst)
{
	char own[IP_STR_MAX], peer[IP_STR_MAX];
	const struct vrrp_inst_spec *sp = &inst->spec;
	bool via = strcmp(sp->advert_ifname, sp->ifname) != 0;

	if (inst->rt->drained) {
		struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_DRAIN};

		rt_inst_step(inst, &ev);
	}
	vrrp_inst_log(inst, VRRP_RT_LOG_INFO,
		      "starting: v%u priority %u interval %u ms preempt %s delay %u ms, %s %s -> "
		      "%s%s%s, %zu VIPs",
		      sp->fsm.version, sp->fsm.priority, sp->fsm.advert_interval_ms,
		      sp->fsm.preempt ? "on" : "off", sp->fsm.preempt_delay_ms,
		      sp->unicast ? "unicast" : "multicast", ip_ntop(&sp->fsm.own_addr, own),
		      ip_ntop(&sp->peer, peer), via ? " via " : "", via ? sp->advert_ifname : "",
		      sp->n_vips);
	/* before STARTUP: an instance that starts unhealthy starts at priority 1 */
	if (inst->rt->hooks.inst_start)
		inst->rt->hooks.inst_start(inst->rt->hooks.arg, inst);
	try_start(inst);
}

void rt_inst_stop(struct vrrp_inst *inst, bool keep_vmac)
{
	struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_SHUTDOWN};

	rt_timer_cancel(inst->rt, inst->retry_timer);
	rt_timer_cancel(inst->rt, inst->hold_timer);
	if (inst->started && inst->fsm.state != VRRP_FSM_INIT)
		rt_inst_step(inst, &ev);
	for (int t = 0; t < VRRP_FSM_TIMER_COUNT; t++)
		rt_timer_cancel(inst->rt, inst->timers[t]);
	inst->master_down_due_ms = 0;
	rt_garp_stop(inst);
	if (inst->vips_held) /* the machine always removes them; belt and braces */
		rt_vips_remove(inst);
	/* its queued removals now, then the priority 0 that waited for them:
	 * nothing of a stopped instance is left for the loop */
	rt_vips_flush(inst);
	inst->started = false;
	rt_sock_detach(inst);
	if (keep_vmac)
		rt_vside_detach(inst);
	else
		rt_vside_release(inst);
}

/* The verdict the machine gets: the checks' and whether the instance can
 * hold its VIPs. A VIP the kernel refuses is ill health like a lost
 * gateway (docs/health.md): a master resigns with priority 0 and then
 * advertises priority 1 until the retry adds it. */
static void judge_health(struct vrrp_inst *inst)
{
	bool can_hold = inst->hold_reason[0] == '\0';
	bool healthy = inst->checks_healthy && can_hold;
	struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_HEALTH_CHANGED,
				    .healthy = healthy,
				    .pending = healthy && inst->checks_pending};
	bool plain; /* the reason says no more than the verdict */

	if (can_hold)
		rt_reason_set(&inst->health_reason, VRRP_RT_REASON_MAX, "%s", inst->checks_reason);
	else if (!inst->checks_healthy)
		rt_reason_set(&inst->health_reason, VRRP_RT_REASON_MAX, "%.60s; %.60s",
			      inst->hold_reason, inst->checks_reason);
	else
		rt_reason_set(&inst->health_reason, VRRP_RT_REASON_MAX, "%s", inst->hold_reason);
	if (inst->fsm.healthy == healthy) {
		if (inst->fsm.pending != ev.pending)
			rt_inst_step(inst, &ev); /* confirmed (or re-opened): no news for the log */
		return;
	}
	plain = strcmp(inst->health_reason, "healthy") == 0;
	inst->health_changes++;
	inst->health_changed_wall_ms = rt_wall_ms(inst->rt);
	vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "%s%s%s%s: effective priority %u",
		      healthy ? "healthy" : "unhealthy", plain ? "" : " (",
		      plain ? "" : inst->health_reason, plain ? "" : ")",
		      vrrp_fsm_priority_for(&inst->cfg, healthy, inst->fsm.drained,
					    inst->fsm.priority_delta));
	if (inst->rt->on_event)
		inst->rt->on_event(inst->rt->on_event_arg, inst,
				   healthy ? VRRP_RT_EV_HEALTHY : VRRP_RT_EV_UNHEALTHY);
	rt_inst_step(inst, &ev);
}

static void copy_drops(const uint64_t *drops, uint64_t *out)
{
	if (drops)
		memcpy(out, drops, VRRP_DROP__COUNT * sizeof(*out));
	else
		memset(out, 0, VRRP_DROP__COUNT * sizeof(*out));
}

void vrrp_sock_drops(const struct vrrp_rt_sock *s, uint64_t *out)
{
	copy_drops(s->drops, out);
}

void vrrp_inst_drops(const struct vrrp_inst *inst, uint64_t *out)
{
	const struct vrrp_fsm_counters *c = &inst->fsm.counters;

	copy_drops(inst->drops, out);
	out[VRRP_DROP_INTERVAL_MISMATCH] += c->adverts_bad_interval;
	out[VRRP_DROP_INTERVAL_OUT_OF_BOUNDS] += c->adverts_interval_out_of_bounds;
	out[VRRP_DROP_OWNER_PRIORITY] += c->adverts_priority_255;
}

void vrrp_inst_set_healthy(struct vrrp_inst *inst, bool healthy, bool pending, const char *reason)
{
	inst->checks_healthy = healthy;
	inst->checks_pending = pending;
	rt_reason_set(&inst->checks_reason, VRRP_RT_REASON_MAX, "%s", reason ? reason : "");
	judge_health(inst);
}

void vrrp_inst_set_weight(struct vrrp_inst *inst, int delta, const char *reason)
{
	struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_WEIGHT_CHANGED};

	if (delta < -254)
		delta = -254;
	if (delta > 254)
		delta = 254;
	rt_reason_set(&inst->weight_reason, VRRP_RT_REASON_MAX, "%s", reason ? reason : "");
	if (inst->fsm.priority_delta == delta)
		return;
	ev.priority_delta = (int16_t)delta;
	inst->weight_changes++;
	vrrp_inst_log(
	    inst, VRRP_RT_LOG_INFO, "weight %+d%s%s%s: priority %u", delta,
	    inst->weight_reason[0] ? " (" : "", inst->weight_reason,
	    inst->weight_reason[0] ? ")" : "",
	    vrrp_fsm_priority_for(&inst->cfg, inst->fsm.healthy, inst->fsm.drained, delta));
	rt_inst_step(inst, &ev);
}

void rt_inst_hold_check(struct vrrp_inst *inst)
{
	if (!inst->hold_due)
		return;
	inst->hold_due = false;
	if (!inst->hold_timer)
		inst->hold_timer = rt_timer_new(inst->rt, on_hold, inst);
	if (inst->hold_timer)
		rt_timer_arm(inst->rt, inst->hold_timer, 0);
	else
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "out of memory: %s: no retry",
			      inst->hold_reason);
}

/* A VIP could not be added (rt_inst_hold_check armed this at once):
 * judge it, then retry every HOLD_RETRY_MS until every VIP can be held. */
static void on_hold(void *arg)
{
	struct vrrp_inst *inst = arg;

	if (!inst->hold_reason[0])
		return;
	if (inst->hold_tried && rt_vips_retry(inst)) {
		vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "every VIP can be held again (was: %s)",
			      inst->hold_reason);
		rt_reason_free(&inst->hold_reason);
		inst->hold_tried = false;
		judge_health(inst);
		return;
	}
	if (!inst->hold_tried)
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "%s: resigning, retrying every %d ms",
			      inst->hold_reason, HOLD_RETRY_MS);
	inst->hold_tried = true;
	judge_health(inst);
	inst->hold_due = false; /* the retry below judges it */
	rt_timer_arm(inst->rt, inst->hold_timer, HOLD_RETRY_MS);
}

void vrrp_inst_set_link(struct vrrp_inst *inst, bool up, const char *reason)
{
	struct vrrp_fsm_event ev = {.type = up ? VRRP_FSM_EV_LINK_UP : VRRP_FSM_EV_LINK_DOWN};

	rt_reason_set(&inst->link_reason, VRRP_RT_REASON_MAX, "%s", reason ? reason : "");
	if (inst->fsm.link_down == !up)
		return;
	rt_inst_step(inst, &ev);
}

void rt_inst_mac_leaked(struct vrrp_inst *inst)
{
	struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_MAC_LEAKED};

	if (inst->started)
		rt_inst_step(inst, &ev);
}

bool vrrp_inst_peer_down(struct vrrp_inst *inst)
{
	struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_PEER_DOWN};
	uint32_t before = inst->fsm.counters.peer_down_takeovers;

	if (!inst->started)
		return false;
	rt_inst_step(inst, &ev);
	return inst->fsm.counters.peer_down_takeovers != before;
}
