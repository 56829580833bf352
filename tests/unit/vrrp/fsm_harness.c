/* The harness of the state machine tests (fsm_harness.h). */
#include "fsm_harness.h"

#include <string.h>

struct ip_addr addr(const char *text)
{
	struct ip_addr a;
	const char *why;

	assert_int_equal(ip_parse(text, false, &a, &why), 0);
	return a;
}

void h_init(struct h *h, uint8_t version, uint8_t prio, uint32_t iv_ms, bool preempt,
	    uint32_t delay_ms, const char *own)
{
	const char *why;

	memset(h, 0, sizeof(*h));
	h->cfg.version = version;
	h->cfg.priority = prio;
	h->cfg.advert_interval_ms = iv_ms;
	h->cfg.preempt = preempt;
	h->cfg.preempt_delay_ms = delay_ms;
	h->cfg.own_addr = addr(own);
	assert_int_equal(vrrp_fsm_cfg_check(&h->cfg, &why), 0);
	vrrp_fsm_init(&h->st);
}

void expect_actions(const struct vrrp_fsm_actions *out, const struct vrrp_fsm_action *e, size_t n)
{
	assert_false(out->overflow);
	for (size_t i = 0; i < out->count || i < n; i++) {
		const struct vrrp_fsm_action *a = i < out->count ? &out->items[i] : NULL;

		if (a && i < n && a->type == e[i].type && a->priority == e[i].priority &&
		    a->timer == e[i].timer && a->delay_ms == e[i].delay_ms &&
		    a->single_round == e[i].single_round && a->urgent == e[i].urgent)
			continue;
		if (a)
			print_error("action %zu: got %s prio %u timer %s delay %u\n", i,
				    vrrp_fsm_action_name(a->type), a->priority,
				    vrrp_fsm_timer_name(a->timer), a->delay_ms);
		if (i < n)
			print_error("action %zu: want %s prio %u timer %s delay %u\n", i,
				    vrrp_fsm_action_name(e[i].type), e[i].priority,
				    vrrp_fsm_timer_name(e[i].timer), e[i].delay_ms);
		fail();
	}
}

void expect_transition(const struct h *h, enum vrrp_fsm_state from, enum vrrp_fsm_state to,
		       enum vrrp_fsm_cause cause, const char *reason)
{
	assert_true(h->out.has_transition);
	assert_int_equal(h->out.transition.from, from);
	assert_int_equal(h->out.transition.to, to);
	assert_int_equal(h->out.transition.cause, cause);
	if (reason)
		assert_string_equal(h->out.transition.reason, reason);
	assert_int_equal(h->st.state, to);
}

void step(struct h *h, const struct vrrp_fsm_event *ev)
{
	vrrp_fsm_step(&h->cfg, &h->st, ev, h->now, &h->out);
}

void ev(struct h *h, enum vrrp_fsm_event_type type)
{
	struct vrrp_fsm_event e = {.type = type};

	step(h, &e);
}

void health(struct h *h, bool healthy)
{
	struct vrrp_fsm_event e = {.type = VRRP_FSM_EV_HEALTH_CHANGED, .healthy = healthy};

	step(h, &e);
}

void advert(struct h *h, uint64_t at, const char *src, uint8_t prio, uint32_t iv_ms)
{
	struct vrrp_fsm_event e = {.type = VRRP_FSM_EV_ADVERT_RECEIVED};

	h->now = at;
	e.advert.src = addr(src);
	e.advert.priority = prio;
	e.advert.max_advert_int_ms = iv_ms;
	step(h, &e);
}

/* Moves the clock to the timer's deadline and delivers its expiry. */
void fire(struct h *h, enum vrrp_fsm_timer t)
{
	assert_true(h->st.timers[t].armed);
	assert_true(h->st.timers[t].deadline_ms >= h->now);
	h->now = h->st.timers[t].deadline_ms;
	ev(h, vrrp_fsm_timer_event(t));
}

/* Startup, then the master-down timer fires with no peer heard. */
void make_master(struct h *h)
{
	ev(h, VRRP_FSM_EV_STARTUP);
	fire(h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h->st.state, VRRP_FSM_MASTER);
}
