/* Gratuitous ARP / unsolicited NA after a takeover: garp.count rounds,
 * garp.interval apart, then one round every garp.refresh while MASTER.
 * Leaving MASTER stops both (keepalived keeps refreshing).
 *
 * A round sends nothing itself: it queues one frame per VIP in the
 * runtime's queue (vrrp_rt.garp), and a 0 ms timer sends at most
 * VRRP_RT_GARP_BURST frames per pass of the loop, then arms itself again.
 * A takeover of thousands of instances would otherwise send thousands of
 * frames in one callback while adverts wait to be sent and received
 * packets to be read; between two bursts the loop runs every timer due
 * and reads the sockets. The first burst leaves on the next pass, so a
 * single instance's takeover is announced as at once as before.
 *
 * A frame is judged when its turn comes, not when it was queued: an
 * instance that left MASTER or no longer holds the VIP by then sends
 * nothing (it is counted stale). An instance is in the queue exactly
 * while it has frames waiting (garp_queued > 0); stopping or freeing it
 * takes it out, so the queue never points at a freed instance. */
#include "vrrp/runtime_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the queue ---- */

static void unlink_inst(struct vrrp_inst *inst)
{
	struct vrrp_rt_garp_queue *q = &inst->rt->garp;

	if (inst->garp_prev)
		inst->garp_prev->garp_next = inst->garp_next;
	else
		q->head = inst->garp_next;
	if (inst->garp_next)
		inst->garp_next->garp_prev = inst->garp_prev;
	else
		q->tail = inst->garp_prev;
	inst->garp_next = inst->garp_prev = NULL;
}

static void link_tail(struct vrrp_inst *inst)
{
	struct vrrp_rt_garp_queue *q = &inst->rt->garp;

	inst->garp_prev = q->tail;
	inst->garp_next = NULL;
	if (q->tail)
		q->tail->garp_next = inst;
	else
		q->head = inst;
	q->tail = inst;
}

/* Drops every frame inst has waiting: they are stale. */
static void forget(struct vrrp_inst *inst)
{
	struct vrrp_rt_garp_queue *q = &inst->rt->garp;

	if (inst->garp_queued == 0)
		return;
	q->depth -= inst->garp_queued;
	q->stale += inst->garp_queued;
	memset(inst->garp_pending, 0, inst->spec.n_vips * sizeof(*inst->garp_pending));
	inst->garp_queued = 0;
	inst->garp_cursor = 0;
	unlink_inst(inst);
}

static void on_drain(void *arg);

static void arm_drain(struct vrrp_rt *rt)
{
	if (rt->garp.armed)
		return;
	rt->garp.armed = true;
	rt_timer_arm(rt, rt->garp.timer, 0);
}

/* One more frame for spec.vips[i]. */
static void enqueue(struct vrrp_inst *inst, size_t i)
{
	struct vrrp_rt_garp_queue *q = &inst->rt->garp;

	/* made on first use: a runtime that never announces needs no timer */
	if (!q->timer)
		q->timer = rt_timer_new(inst->rt, on_drain, inst->rt);
	if (!q->timer) {
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "out of memory: GARP/NA not sent");
		return;
	}
	if (!inst->garp_pending) {
		inst->garp_pending =
		    calloc(inst->spec.n_vips ? inst->spec.n_vips : 1, sizeof(*inst->garp_pending));
		if (!inst->garp_pending) {
			vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "out of memory: GARP/NA not sent");
			return;
		}
	}
	if (inst->garp_pending[i] == UINT16_MAX)
		return; /* 65535 rounds behind: one more changes nothing */
	inst->garp_pending[i]++;
	if (inst->garp_queued++ == 0) {
		inst->garp_batch_err = 0;
		link_tail(inst);
	}
	if (q->depth >= VRRP_RT_GARP_BURST)
		q->deferred++;
	q->depth++;
	if (q->depth > q->max_depth)
		q->max_depth = q->depth;
	arm_drain(inst->rt);
}

/* ---- sending ---- */

static bool may_announce(const struct vrrp_inst *inst)
{
	/* (a virtual MAC link not made again yet has no io) */
	return inst->vside && inst->vside->io && inst->fsm.state == VRRP_FSM_MASTER &&
	       inst->vips_held;
}

/* From the VIP side: the interface holding the VIPs, never the advert one.
 * A failure is logged once until the frames of a whole turn in the queue
 * went out again (garp_batch_err). */
static void send_one(struct vrrp_inst *inst, const struct ip_addr *vip)
{
	struct vrrp_rt_vside *v = inst->vside;
	const struct ip_addr *src = vip->family == IP_V4 ? NULL : rt_vside_na_source(v, vip);
	int rc = inst->rt->env->garp_send(inst->rt->env_ctx, v, vip, src);

	if (rc >= 0) {
		inst->garp_sent++;
		return;
	}
	inst->garp_errors++;
	inst->garp_batch_err = rc;
	if (!inst->garp_failing)
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "sending %s: %s",
			      inst->spec.family == IP_V4 ? "gratuitous ARP" : "unsolicited NA",
			      strerror(-rc));
	inst->garp_failing = true;
}

/* Sends at most budget of inst's waiting frames, in VIP order; how many. */
static unsigned drain_inst(struct vrrp_inst *inst, unsigned budget)
{
	struct vrrp_rt_garp_queue *q = &inst->rt->garp;
	unsigned sent = 0;

	if (!may_announce(inst)) {
		forget(inst);
		return 0;
	}
	while (inst->garp_queued > 0 && sent < budget) {
		size_t i = inst->garp_cursor;

		if (i >= inst->spec.n_vips) {
			inst->garp_cursor = 0;
			continue;
		}
		inst->garp_cursor++;
		if (inst->garp_pending[i] == 0)
			continue;
		inst->garp_pending[i]--;
		inst->garp_queued--;
		q->depth--;
		/* a VIP the kernel refused, or that the VIP queue has not
		 * added yet, is not ours to announce */
		if ((inst->vip_missing && inst->vip_missing[i]) ||
		    (inst->vip_op && inst->vip_op[i] != VRRP_VIP_OP_NONE)) {
			q->stale++;
			continue;
		}
		send_one(inst, &inst->spec.vips[i]);
		sent++;
	}
	if (inst->garp_queued == 0) {
		inst->garp_failing = inst->garp_batch_err < 0;
		inst->garp_cursor = 0;
		unlink_inst(inst);
	}
	return sent;
}

static void on_drain(void *arg)
{
	struct vrrp_rt *rt = arg;
	struct vrrp_rt_garp_queue *q = &rt->garp;
	unsigned sent = 0;

	q->armed = false;
	while (q->head && sent < VRRP_RT_GARP_BURST)
		sent += drain_inst(q->head, VRRP_RT_GARP_BURST - sent);
	if (sent > 0)
		q->passes++;
	if (q->head)
		arm_drain(rt);
}

void rt_garp_queue_done(struct vrrp_rt *rt)
{
	/* the instances went first, each taking its frames out */
	if (rt->garp.timer)
		rt_timer_free(rt, rt->garp.timer);
	rt->garp.timer = NULL;
	rt->garp.armed = false;
}

void rt_garp_forget(struct vrrp_inst *inst)
{
	forget(inst);
	free(inst->garp_pending);
	inst->garp_pending = NULL;
}

void rt_garp_vips_changed(struct vrrp_inst *inst, const struct ip_addr *old, size_t n_old)
{
	uint16_t *was = inst->garp_pending;
	uint32_t queued = inst->garp_queued;

	if (queued == 0) {
		free(was);
		inst->garp_pending = NULL;
		return;
	}
	/* the frames of the VIPs kept keep their place; the others are stale */
	inst->garp_pending = calloc(inst->spec.n_vips ? inst->spec.n_vips : 1, sizeof(*was));
	inst->garp_queued = 0;
	inst->garp_cursor = 0;
	for (size_t i = 0; inst->garp_pending && i < inst->spec.n_vips; i++)
		for (size_t k = 0; k < n_old; k++)
			if (ip_equal(&old[k], &inst->spec.vips[i]) && was[k]) {
				inst->garp_pending[i] = was[k];
				inst->garp_queued += was[k];
				break;
			}
	free(was);
	inst->rt->garp.depth -= queued - inst->garp_queued;
	inst->rt->garp.stale += queued - inst->garp_queued;
	if (inst->garp_queued == 0)
		unlink_inst(inst);
}

/* ---- rounds ---- */

static void schedule(struct vrrp_inst *inst)
{
	uint32_t ms;

	if (inst->garp_left > 0)
		ms = inst->spec.garp_interval_ms;
	else if (inst->spec.garp_refresh_ms > 0)
		ms = inst->spec.garp_refresh_ms;
	else { /* the burst is over and nothing repeats: its event goes */
		rt_timer_free(inst->rt, inst->garp_timer);
		inst->garp_timer = NULL;
		return;
	}
	if (!inst->garp_timer) /* made when first needed: a backup never is */
		inst->garp_timer = rt_timer_new(inst->rt, rt_garp_on_timer, inst);
	if (inst->garp_timer)
		rt_timer_arm(inst->rt, inst->garp_timer, ms);
	else
		vrrp_inst_log(inst, VRRP_RT_LOG_ERR, "out of memory: no GARP/NA round timer");
}

void rt_garp_one(struct vrrp_inst *inst, size_t i)
{
	if (!inst->vside || i >= inst->spec.n_vips)
		return;
	if (inst->vip_missing && inst->vip_missing[i])
		return;
	if (inst->vip_op && inst->vip_op[i] != VRRP_VIP_OP_NONE)
		return; /* announced when added (runtime_vips.c: settle) */
	enqueue(inst, i);
}

void rt_garp_round(struct vrrp_inst *inst)
{
	for (size_t i = 0; i < inst->spec.n_vips; i++)
		rt_garp_one(inst, i);
}

void rt_garp_start(struct vrrp_inst *inst)
{
	rt_timer_cancel(inst->rt, inst->garp_timer);
	inst->garp_left = inst->spec.garp_count;
	if (inst->garp_left == 0) {
		schedule(inst);
		return;
	}
	rt_garp_round(inst);
	inst->garp_left--;
	schedule(inst);
}

void rt_garp_stop(struct vrrp_inst *inst)
{
	rt_timer_cancel(inst->rt, inst->garp_timer);
	inst->garp_left = 0;
	forget(inst);
}

void rt_garp_on_timer(void *arg)
{
	struct vrrp_inst *inst = arg;

	if (!may_announce(inst))
		return;
	rt_garp_round(inst);
	if (inst->garp_left > 0)
		inst->garp_left--;
	schedule(inst);
}
