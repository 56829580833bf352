/* The runtime harness (rt_harness.h): a fake environment (runtime_env.h)
 * for the real runtime of each node, one clock, one segment, one client. */
#include "rt_harness.h"
#include "rt_harness_internal.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan/live.h"

struct vrrp_rt_timer {
	struct rh_world *w;
	struct rh_node *owner; /* NULL: the harness's own (rh_at), freed after it fires */
	vrrp_rt_timer_fn fn;
	void *arg;
	bool armed;
	uint64_t deadline_ms;
	uint64_t seq; /* ties: the earlier armed first */
	size_t slot;  /* its place in w->timers */
};

static bool fires_before(const struct vrrp_rt_timer *a, const struct vrrp_rt_timer *b)
{
	return a->deadline_ms < b->deadline_ms ||
	       (a->deadline_ms == b->deadline_ms && a->seq < b->seq);
}

/* t is disarmed or gone: the earliest is to be found again if it was t. */
static void timer_disarmed(struct vrrp_rt_timer *t)
{
	t->armed = false;
	if (t->w->earliest == t)
		t->w->earliest_known = false;
}

/* ---- small things ---- */

struct ip_addr rh_ip(const char *text)
{
	struct ip_addr a;
	const char *why = NULL;

	if (ip_parse(text, strchr(text, '/') != NULL, &a, &why) < 0)
		fail_msg("bad address %s in the test: %s", text, why ? why : "?");
	return a;
}

struct ip_addr rh_own_addr(int node, enum ip_family fam)
{
	char text[32];

	if (fam == IP_V4)
		snprintf(text, sizeof(text), "192.0.2.%d", 11 + node);
	else
		snprintf(text, sizeof(text), "2001:db8::%d", 11 + node);
	return rh_ip(text);
}

uint32_t rh_rnd(struct rh_world *w)
{
	w->rng = w->rng * 1103515245u + 12345u;
	return (w->rng >> 16) % 100;
}

/* ---- the environment: clocks and timers ---- */

static uint64_t env_now_ms(void *ctx)
{
	return ((struct rh_node *)ctx)->w->now_ms;
}

/* A fixed wall clock offset: logs show the fake time as 2026-01-01. */
static int64_t env_wall_ms(void *ctx)
{
	return 1767225600000LL + (int64_t)((struct rh_node *)ctx)->w->now_ms;
}

static struct vrrp_rt_timer *timer_new(struct rh_world *w, struct rh_node *owner,
				       vrrp_rt_timer_fn fn, void *arg)
{
	struct vrrp_rt_timer *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->w = w;
	t->owner = owner;
	t->fn = fn;
	t->arg = arg;
	GROW(w->timers, w->n_timers, w->cap_timers);
	t->slot = w->n_timers;
	w->timers[w->n_timers++] = t;
	if (owner)
		owner->open_timers++;
	return t;
}

static struct vrrp_rt_timer *env_timer_new(void *ctx, vrrp_rt_timer_fn fn, void *arg)
{
	struct rh_node *n = ctx;

	return timer_new(n->w, n, fn, arg);
}

static void env_timer_arm(void *ctx, struct vrrp_rt_timer *t, uint32_t delay_ms)
{
	if (ctx)
		((struct rh_node *)ctx)->timer_arms++;
	struct rh_world *w = t->w;

	timer_disarmed(t); /* a later deadline than it had: found again */
	t->armed = true;
	t->deadline_ms = w->now_ms + delay_ms;
	t->seq = ++w->seq;
	if (w->earliest_known && (!w->earliest || fires_before(t, w->earliest)))
		w->earliest = t;
}

static void env_timer_cancel(void *ctx, struct vrrp_rt_timer *t)
{
	(void)ctx;
	if (t)
		timer_disarmed(t);
}

static void timer_free(struct vrrp_rt_timer *t)
{
	struct rh_world *w = t->w;

	timer_disarmed(t);
	w->timers[t->slot] = w->timers[--w->n_timers];
	w->timers[t->slot]->slot = t->slot;
	if (t->owner)
		t->owner->open_timers--;
	free(t);
}

static void env_timer_free(void *ctx, struct vrrp_rt_timer *t)
{
	(void)ctx;
	if (t)
		timer_free(t);
}

void rh_at(struct rh_world *w, uint64_t ms, void (*fn)(void *arg), void *arg)
{
	struct vrrp_rt_timer *t = timer_new(w, NULL, fn, arg);

	env_timer_arm(NULL, t, (uint32_t)ms);
}

static const struct vrrp_rt_env rh_env = {
    .now_ms = env_now_ms,
    .wall_ms = env_wall_ms,
    .timer_new = env_timer_new,
    .timer_arm = env_timer_arm,
    .timer_cancel = env_timer_cancel,
    .timer_free = env_timer_free,
    .sock_open = rh_env_sock_open,
    .sock_send = rh_env_sock_send,
    .neigh = rh_env_neigh,
    .sock_send_frame = rh_env_sock_send_frame,
    .sock_close = rh_env_sock_close,
    .vside_open = rh_env_vside_open,
    .vside_close = rh_env_vside_close,
    .garp_send = rh_env_garp_send,
    .vmac_set_up = rh_env_vmac_set_up,
    .vmac_state = rh_env_vmac_state,
    .vmac_delete = rh_env_vmac_delete,
    .vmac_send = rh_env_vmac_send,
    .vmac_list = rh_env_vmac_list,
    .ifindex = rh_env_ifindex,
    .addr_add = rh_env_addr_add,
    .addr_del = rh_env_addr_del,
    .addr_list = rh_env_addr_list,
    .ifname = rh_env_ifname,
    .addr_tags = rh_env_addr_tags,
};

/* ---- the daemon's part: link watch, events ---- */

/* The link watch tells every instance what the carrier is now. */
static void tell_link(void *arg)
{
	struct rh_node *n = arg;

	if (!n->running || n->link_told_up == n->carrier)
		return;
	n->link_told_up = n->carrier;
	for (size_t i = 0; i < n->rt.n_insts; i++)
		vrrp_inst_set_link(n->rt.insts[i], n->carrier,
				   n->carrier ? "up" : "no carrier (operstate down)");
}

static void hook_inst_start(void *arg, struct vrrp_inst *inst)
{
	struct rh_node *n = arg;

	if (!n->link_told_up)
		vrrp_inst_set_link(inst, false, "no carrier (operstate down)");
}

/* health.c: a refused send asks the kernel again, which answers at once. */
static void hook_send_failed(void *arg, struct vrrp_inst *inst, int err)
{
	struct rh_node *n = arg;

	(void)inst;
	(void)err;
	if (n->recheck_on_send_fail)
		rh_at(n->w, 0, tell_link, n);
}

static void on_event(void *arg, const struct vrrp_inst *inst, enum vrrp_rt_event what)
{
	struct rh_node *n = arg;
	struct rh_world *w = n->w;
	struct rh_transition *t;

	if (what != VRRP_RT_EV_TRANSITION)
		return;
	GROW(w->trans, w->n_trans, w->cap_trans);
	t = &w->trans[w->n_trans++];
	*t = (struct rh_transition){.at_ms = w->now_ms,
				    .node = n->id,
				    .from = inst->last.from,
				    .to = inst->last.to,
				    .cause = inst->last.cause};
	snprintf(t->inst, sizeof(t->inst), "%s", inst->spec.name);
}

/* ---- the world ---- */

static enum vrrp_rt_log_level log_level_from_env(void)
{
	const char *v = getenv("RH_LOG");

	if (v && strcmp(v, "debug") == 0)
		return VRRP_RT_LOG_DEBUG;
	if (v && strcmp(v, "info") == 0)
		return VRRP_RT_LOG_INFO;
	return VRRP_RT_LOG_ERR;
}

/* The advert interfaces of the bulk (rh_cfg.n_bulk): bulk0, bulk1, ... */
static void bulk_ifaces(struct rh_world *w, int i)
{
	size_t n = (w->cfg.n_bulk + RH_BULK_PER_IFACE - 1) / RH_BULK_PER_IFACE;

	assert_true(w->cfg.n_bulk <= RH_MAX_BULK);
	for (size_t k = 0; k < n; k++) {
		char name[16];

		snprintf(name, sizeof(name), "bulk%u", (unsigned)(k % 100));
		rh_add_iface(w, i, "", name);
	}
}

void rh_world_init(struct rh_world *w, int n_nodes, const struct rh_cfg *cfg)
{
	assert_true(n_nodes >= 2 && n_nodes <= RH_MAX_NODES);
	memset(w, 0, sizeof(*w));
	w->n_nodes = n_nodes;
	w->cfg = *cfg;
	w->now_ms = 1000;
	w->rng = 1;
	w->log_level = log_level_from_env();
	for (int i = 0; i < n_nodes; i++) {
		struct rh_node *n = &w->nodes[i];
		struct ip_addr a;

		n->w = w;
		n->id = i;
		n->name[0] = (char)('A' + i);
		memcpy(n->mac, (uint8_t[6]){0x02, 0, 0, 0, 0, (uint8_t)(0xa0 + i)}, 6);
		n->carrier = true;
		n->link_told_up = true;
		n->recheck_on_send_fail = true;
		/* the node's own addresses, which no sweep may touch */
		a = rh_own_addr(i, IP_V4);
		a.plen = 24;
		rh_addr_put(n, "", RH_IFINDEX, &a, VIPD_ADDR_PROTO_NODE);
		a = rh_own_addr(i, IP_V6);
		a.plen = 64;
		rh_addr_put(n, "", RH_IFINDEX, &a, VIPD_ADDR_PROTO_NODE);
		a = rh_ip(i == 0 ? "fe80::a0" : i == 1 ? "fe80::a1" : "fe80::a2");
		a.plen = 64;
		rh_addr_put(n, "", RH_IFINDEX, &a, 0);
		bulk_ifaces(w, i);
	}
}

void rh_world_done(struct rh_world *w)
{
	for (int i = 0; i < w->n_nodes; i++)
		if (w->nodes[i].running)
			rh_crash(w, i);
	for (int i = 0; i < w->n_nodes; i++) {
		assert_int_equal(w->nodes[i].open_timers, 0);
		assert_int_equal(w->nodes[i].open_socks, 0);
		assert_int_equal(w->nodes[i].open_vsides, 0);
		free(w->nodes[i].addrs);
	}
	while (w->n_timers)
		timer_free(w->timers[0]);
	free(w->timers);
	free(w->frames);
	free(w->garps);
	free(w->adverts);
	free(w->trans);
	free(w->neigh);
	memset(w, 0, sizeof(*w));
}

/* The method is the name's last part, as the model names instances. */
static enum vip_method method_of(const char *name)
{
	const char *last = strrchr(name, '/');

	for (int m = 0; last && m < METHOD_COUNT; m++)
		if (strcmp(last + 1, vip_method_name((enum vip_method)m)) == 0)
			return (enum vip_method)m;
	return METHOD_GW;
}

static void spec_fill(const struct rh_world *w, int node, const struct rh_inst_cfg *c,
		      struct vrrp_inst_spec *s)
{
	char vmac_ifname[VRRP_RT_IFNAME_MAX] = "";

	memset(s, 0, sizeof(*s));
	if (c->virtual_mac)
		snprintf(vmac_ifname, sizeof(vmac_ifname), "vm%c-%u-%s",
			 c->family == IP_V6 ? '6' : '4', c->vrid, RH_IFNAME);
	assert_int_equal(
	    vrrp_inst_spec_set_names(s, c->name, RH_IFNAME, RH_IFNAME, "", vmac_ifname), 0);
	s->slot = strstr(c->name, "/backup/") ? SLOT_BACKUP : SLOT_MASTER;
	s->family = c->family;
	s->method = method_of(c->name);
	s->vrid = c->vrid;
	s->unicast = !c->multicast;
	s->packet_socket = c->packet_socket;
	s->fsm.version = 3;
	s->fsm.priority = c->prio[node];
	s->fsm.advert_interval_ms = c->interval_ms ? c->interval_ms : 100;
	s->fsm.preempt = !c->no_preempt;
	s->fsm.preempt_delay_ms = c->preempt_delay_ms;
	s->fsm.own_addr = rh_own_addr(node, c->family);
	s->fsm.single_peer = s->unicast;
	s->fsm.link_settle_ms = MODEL_LINK_SETTLE_MS; /* as runtime_spec.c */
	s->peer = rh_own_addr(node == 0 ? 1 : 0, c->family);
	s->garp_count = w->cfg.garp_count ? w->cfg.garp_count : 3;
	s->garp_interval_ms = w->cfg.garp_interval_ms ? w->cfg.garp_interval_ms : 100;
	s->garp_refresh_ms = w->cfg.garp_refresh_ms;
	s->vips = calloc(RH_MAX_VIPS, sizeof(*s->vips));
	assert_non_null(s->vips);
	for (size_t k = 0; k < RH_MAX_VIPS && c->vips[k]; k++)
		s->vips[s->n_vips++] = rh_ip(c->vips[k]);
	if (c->virtual_mac)
		rh_vmac_of(c->vrid, c->family, s->vmac);
}

/* Bulk instance k (rh_cfg.n_bulk) on node i. */
static void bulk_fill(const struct rh_world *w, int i, size_t k, struct vrrp_inst_spec *s)
{
	char name[VRRP_RT_NAME_MAX], vip[64], text[48];
	struct rh_inst_cfg c = {.name = rh_bulk_name(k, name, sizeof(name)),
				.vrid = (uint8_t)(k % RH_BULK_PER_IFACE + 1),
				.family = IP_V6,
				.prio = {200, 100, 100},
				.interval_ms =
				    w->cfg.bulk_interval_ms ? w->cfg.bulk_interval_ms : 1000};

	snprintf(vip, sizeof(vip), "%s/64", rh_bulk_vip(k, text, sizeof(text)));
	c.vips[0] = vip;
	spec_fill(w, i, &c, s);
	snprintf(text, sizeof(text), "bulk%u", (unsigned)(k / RH_BULK_PER_IFACE % 100));
	assert_int_equal(
	    vrrp_inst_spec_set_names(s, s->name, s->ifname, text, s->netns, s->vmac_ifname), 0);
}

void rh_specs(const struct rh_world *w, int i, struct vrrp_inst_spec **out, size_t *n)
{
	size_t total = w->cfg.n_insts + w->cfg.n_bulk;
	struct vrrp_inst_spec *v = calloc(total + 1, sizeof(*v));

	assert_non_null(v);
	for (size_t k = 0; k < w->cfg.n_insts; k++)
		spec_fill(w, i, &w->cfg.insts[k], &v[k]);
	for (size_t k = 0; k < w->cfg.n_bulk; k++)
		bulk_fill(w, i, k, &v[w->cfg.n_insts + k]);
	*out = v;
	*n = total;
}

void rh_start(struct rh_world *w, int i)
{
	struct rh_node *n = &w->nodes[i];
	struct vrrp_inst_spec *specs;
	size_t count;

	assert_false(n->running);
	assert_int_equal(vrrp_rt_init_env(&n->rt, NULL, &rh_env, n), 0);
	n->running = true;
	n->rt.log_level = w->log_level;
	n->rt.hooks = (struct vrrp_rt_hooks){
	    .arg = n, .inst_start = hook_inst_start, .send_failed = hook_send_failed};
	n->rt.on_event = on_event;
	n->rt.on_event_arg = n;
	n->link_told_up = n->carrier; /* the link watch's first reading */
	rh_specs(w, i, &specs, &count);
	vrrp_rt_remove_leftovers(&n->rt, specs, count, n->old_netns, n->n_old_netns);
	vrrp_rt_apply(&n->rt, specs, count);
	vrrp_rt_specs_free(specs, count);
}

void rh_crash(struct rh_world *w, int i)
{
	struct rh_node *n = &w->nodes[i];

	assert_true(n->running);
	vrrp_rt_done(&n->rt);
	n->running = false;
}

void rh_stop(struct rh_world *w, int i)
{
	vrrp_rt_shutdown(&w->nodes[i].rt);
	rh_crash(w, i);
}

void rh_reload(struct rh_world *w, int i)
{
	struct vrrp_inst_spec *specs;
	size_t count;

	rh_specs(w, i, &specs, &count);
	vrrp_rt_apply(&w->nodes[i].rt, specs, count);
	vrrp_rt_specs_free(specs, count);
}

/* ---- time ---- */

/* The next timer due by at_ms, or NULL. */
static struct vrrp_rt_timer *next_timer(struct rh_world *w, uint64_t at_ms)
{
	if (!w->earliest_known) {
		w->earliest = NULL;
		for (size_t i = 0; i < w->n_timers; i++) {
			struct vrrp_rt_timer *t = w->timers[i];

			if (t->armed && (!w->earliest || fires_before(t, w->earliest)))
				w->earliest = t;
		}
		w->earliest_known = true;
	}
	return w->earliest && w->earliest->deadline_ms <= at_ms ? w->earliest : NULL;
}

static long next_frame(struct rh_world *w, uint64_t at_ms)
{
	long best = -1;

	for (size_t i = 0; i < w->n_frames; i++) {
		const struct rh_frame *f = &w->frames[i];

		if (f->at_ms > at_ms)
			continue;
		if (best < 0 || f->at_ms < w->frames[best].at_ms ||
		    (f->at_ms == w->frames[best].at_ms && f->seq < w->frames[best].seq))
			best = (long)i;
	}
	return best;
}

/* One thing due by at_ms, frames before timers of the same millisecond. */
static bool run_one(struct rh_world *w, uint64_t at_ms)
{
	long fi = next_frame(w, at_ms);
	struct vrrp_rt_timer *t = next_timer(w, at_ms);

	if (fi >= 0 && (!t || w->frames[fi].at_ms <= t->deadline_ms)) {
		struct rh_frame *f = malloc(sizeof(*f));

		assert_non_null(f);
		*f = w->frames[fi];
		w->frames[fi] = w->frames[--w->n_frames];
		w->pass++;
		/* late, if sending GARP/NA took the clock past it */
		if (f->at_ms > w->now_ms)
			w->now_ms = f->at_ms;
		if (f->kernel)
			rh_switch_learn(w, f->from, f->mac);
		else
			rh_deliver_frame(w, f);
		free(f);
		return true;
	}
	if (!t)
		return false;
	w->pass++;
	if (t->deadline_ms > w->now_ms)
		w->now_ms = t->deadline_ms;
	timer_disarmed(t);
	if (!t->owner) {
		vrrp_rt_timer_fn fn = t->fn;
		void *arg = t->arg;

		timer_free(t);
		fn(arg);
		return true;
	}
	t->fn(t->arg);
	return true;
}

void rh_run_until(struct rh_world *w, uint64_t at_ms)
{
	assert_true(at_ms >= w->now_ms);
	while (run_one(w, at_ms))
		;
	if (w->now_ms < at_ms) /* GARP/NA may have taken it further */
		w->now_ms = at_ms;
}

void rh_run(struct rh_world *w, uint64_t ms)
{
	rh_run_until(w, w->now_ms + ms);
}

struct rh_watch rh_run_watching(struct rh_world *w, uint64_t ms, const char *vip)
{
	struct rh_watch seen = {0};
	uint64_t end = w->now_ms + ms;

	while (w->now_ms < end) {
		int holders = 0;

		rh_run(w, 1);
		for (int i = 0; i < w->n_nodes; i++)
			holders += rh_holds(w, i, vip);
		seen.dark_ms += holders == 0;
		seen.double_ms += holders > 1;
	}
	return seen;
}

/* ---- faults and inputs ---- */

void rh_link(struct rh_world *w, int i, bool up, uint32_t settle_ms)
{
	struct rh_node *n = &w->nodes[i];

	n->carrier = up;
	if (up)
		n->forward_from_ms = w->now_ms + settle_ms;
	rh_at(w, n->link_notify_ms, tell_link, n);
}

void rh_health(struct rh_world *w, int i, bool healthy, bool pending, const char *reason)
{
	struct rh_node *n = &w->nodes[i];

	for (size_t k = 0; k < n->rt.n_insts; k++)
		vrrp_inst_set_healthy(n->rt.insts[k], healthy, pending, reason);
}

void rh_split(struct rh_world *w, bool split)
{
	w->split = split;
}

int rh_add_iface(struct rh_world *w, int i, const char *netns, const char *ifname)
{
	struct rh_node *n = &w->nodes[i];
	struct rh_iface *f;

	assert_true(n->n_ifaces < RH_MAX_IFACES);
	f = &n->ifaces[n->n_ifaces++];
	snprintf(f->netns, sizeof(f->netns), "%s", netns);
	snprintf(f->ifname, sizeof(f->ifname), "%s", ifname);
	f->ifindex = RH_IFINDEX + (int)n->n_ifaces;
	return f->ifindex;
}

void rh_add_addr_on(struct rh_world *w, int i, const char *netns, const char *ifname,
		    const char *addr, uint8_t proto)
{
	struct ip_addr a = rh_ip(addr);
	int ifindex = rh_env_ifindex(&w->nodes[i], netns, ifname);

	assert_true(ifindex > 0);
	rh_addr_put(&w->nodes[i], netns, ifindex, &a, proto);
}

void rh_add_addr(struct rh_world *w, int i, const char *addr, uint8_t proto)
{
	struct ip_addr a = rh_ip(addr);

	rh_addr_put(&w->nodes[i], "", RH_IFINDEX, &a, proto);
}

void rh_remove_addr(struct rh_world *w, int i, const char *addr)
{
	struct rh_node *n = &w->nodes[i];
	struct ip_addr a = rh_ip(addr);
	struct rh_addr *e = rh_addr_find(n, "", RH_IFINDEX, &a);

	if (e) {
		a = e->addr; /* the kernel reports the prefix length too */
		*e = n->addrs[--n->n_addrs];
	}
	if (n->running)
		vrrp_rt_addr_removed(&n->rt, "", RH_IFINDEX, &a);
}

void rh_fail_add(struct rh_world *w, int i, const char *addr, int err)
{
	w->nodes[i].add_refused = rh_ip(addr);
	w->nodes[i].add_refused_err = err;
}
