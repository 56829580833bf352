/* Gratuitous ARP / unsolicited NA after a takeover: garp.count rounds,
 * garp.interval apart, then one round every garp.refresh while MASTER.
 * Leaving MASTER stops both (keepalived keeps refreshing). */
#include "vrrp/runtime_internal.h"

#include <string.h>

#include <event2/event.h>

#include "net/garp.h"

static void schedule(struct vrrp_inst *inst)
{
	uint32_t ms;
	struct timeval tv;

	if (inst->garp_left > 0)
		ms = inst->spec.garp_interval_ms;
	else if (inst->spec.garp_refresh_ms > 0)
		ms = inst->spec.garp_refresh_ms;
	else
		return;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(inst->garp_ev, &tv);
}

/* From the VIP side: the interface holding the VIPs, never the advert one. */
static int send_one(struct vrrp_inst *inst, const struct ip_addr *vip)
{
	struct vrrp_rt_vside *v = inst->vside;

	if (vip->family == IP_V4)
		return garp_send_arp(v->pkt_fd, v->ifindex, v->mac, vip);
	return garp_send_na(v->pkt_fd, v->ifindex, v->mac, rt_vside_na_source(v, vip), vip);
}

void rt_garp_round(struct vrrp_inst *inst, const struct ip_addr *vips, size_t n)
{
	int rc = 0;

	if (!inst->vside)
		return;
	for (size_t i = 0; i < n; i++) {
		int r = send_one(inst, &vips[i]);

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
	evtimer_del(inst->garp_ev);
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
	evtimer_del(inst->garp_ev);
	inst->garp_left = 0;
}

void rt_garp_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_inst *inst = arg;

	(void)fd;
	(void)what;
	if (inst->fsm.state != VRRP_FSM_MASTER || !inst->vips_held)
		return;
	rt_garp_round(inst, inst->spec.vips, inst->spec.n_vips);
	if (inst->garp_left > 0)
		inst->garp_left--;
	schedule(inst);
}
