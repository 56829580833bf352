/* Gratuitous ARP / unsolicited NA after a takeover: garp.count rounds,
 * garp.interval apart, then one round every garp.refresh while MASTER.
 * Leaving MASTER stops both (keepalived keeps refreshing). */
#include "vrrp/runtime_internal.h"

#include <string.h>

static void schedule(struct vrrp_inst *inst)
{
	uint32_t ms;

	if (inst->garp_left > 0)
		ms = inst->spec.garp_interval_ms;
	else if (inst->spec.garp_refresh_ms > 0)
		ms = inst->spec.garp_refresh_ms;
	else
		return;
	rt_timer_arm(inst->rt, inst->garp_timer, ms);
}

/* From the VIP side: the interface holding the VIPs, never the advert one. */
static int send_one(struct vrrp_inst *inst, const struct ip_addr *vip)
{
	struct vrrp_rt_vside *v = inst->vside;
	const struct ip_addr *src = vip->family == IP_V4 ? NULL : rt_vside_na_source(v, vip);

	return inst->rt->env->garp_send(inst->rt->env_ctx, v, vip, src);
}

void rt_garp_round(struct vrrp_inst *inst, const struct ip_addr *vips, size_t n)
{
	int rc = 0;

	if (!inst->vside || !inst->vside->io) /* a link not made again yet */
		return;
	for (size_t i = 0; i < n; i++) {
		int r;

		/* a VIP the kernel refused is not ours to announce */
		if (vips == inst->spec.vips && inst->vip_missing && inst->vip_missing[i])
			continue;
		r = send_one(inst, &vips[i]);

		if (r < 0)
			rc = r;
		else
			inst->garp_sent++;
	}
	if (rc < 0 && !inst->garp_failing)
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "sending %s: %s",
			      inst->spec.family == IP_V4 ? "gratuitous ARP" : "unsolicited NA",
			      strerror(-rc));
	inst->garp_failing = rc < 0;
}

void rt_garp_start(struct vrrp_inst *inst)
{
	rt_timer_cancel(inst->rt, inst->garp_timer);
	inst->garp_left = inst->spec.garp_count;
	if (inst->garp_left == 0) {
		schedule(inst);
		return;
	}
	rt_garp_round(inst, inst->spec.vips, inst->spec.n_vips);
	inst->garp_left--;
	schedule(inst);
}

void rt_garp_stop(struct vrrp_inst *inst)
{
	rt_timer_cancel(inst->rt, inst->garp_timer);
	inst->garp_left = 0;
}

void rt_garp_on_timer(void *arg)
{
	struct vrrp_inst *inst = arg;

	if (inst->fsm.state != VRRP_FSM_MASTER || !inst->vips_held)
		return;
	rt_garp_round(inst, inst->spec.vips, inst->spec.n_vips);
	if (inst->garp_left > 0)
		inst->garp_left--;
	schedule(inst);
}
