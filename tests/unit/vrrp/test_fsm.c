/* VRRP state machine scenarios (RFC 5798 / RFC 3768 section 6.4, DESIGN
 * section 3), replayed with a fake clock and no sockets. Single-node tests
 * script the peer's adverts and assert on exact action lists; the two-node
 * tests wire two machines together through their SEND_ADVERT actions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vrrp/fsm.h"

#define PEER_LO "192.0.2.11"
#define PEER_HI "192.0.2.12"

#define SEND(p)                                                                                    \
	{                                                                                          \
		.type = VRRP_FSM_ACT_SEND_ADVERT, .priority = (p)                                  \
	}
#define ARM(t, d)                                                                                  \
	{                                                                                          \
		.type = VRRP_FSM_ACT_ARM_TIMER, .timer = VRRP_FSM_TIMER_##t, .delay_ms = (d)       \
	}
#define CANCEL(t)                                                                                  \
	{                                                                                          \
		.type = VRRP_FSM_ACT_CANCEL_TIMER, .timer = VRRP_FSM_TIMER_##t                     \
	}
#define ADD                                                                                        \
	{                                                                                          \
		.type = VRRP_FSM_ACT_ADD_VIPS                                                      \
	}
#define REMOVE                                                                                     \
	{                                                                                          \
		.type = VRRP_FSM_ACT_REMOVE_VIPS                                                   \
	}
#define GARP                                                                                       \
	{                                                                                          \
		.type = VRRP_FSM_ACT_SEND_GARP                                                     \
	}
#define GARP1                                                                                      \
	{                                                                                          \
		.type = VRRP_FSM_ACT_SEND_GARP, .single_round = true                               \
	}
/* What every takeover ends with (RFC 5798 6.4.2 "transition to Master"). */
#define TAKEOVER(p, iv) ADD, GARP, SEND(p), ARM(ADVERT, iv)

#define EXPECT(h, ...)                                                                             \
	do {                                                                                       \
		const struct vrrp_fsm_action e_[] = {__VA_ARGS__};                                 \
		expect_actions(&(h)->out, e_, sizeof(e_) / sizeof(e_[0]));                         \
	} while (0)
#define EXPECT_NONE(h) expect_actions(&(h)->out, NULL, 0)

/* One machine and its fake clock. */
struct h {
	struct vrrp_fsm_cfg cfg;
	struct vrrp_fsm st;
	struct vrrp_fsm_actions out;
	uint64_t now;
};

static struct ip_addr addr(const char *text)
{
	struct ip_addr a;
	const char *why;

	assert_int_equal(ip_parse(text, false, &a, &why), 0);
	return a;
}

static void h_init(struct h *h, uint8_t version, uint8_t prio, uint32_t iv_ms, bool preempt,
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

static void expect_actions(const struct vrrp_fsm_actions *out, const struct vrrp_fsm_action *e,
			   size_t n)
{
	assert_false(out->overflow);
	for (size_t i = 0; i < out->count || i < n; i++) {
		const struct vrrp_fsm_action *a = i < out->count ? &out->items[i] : NULL;

		if (a && i < n && a->type == e[i].type && a->priority == e[i].priority &&
		    a->timer == e[i].timer && a->delay_ms == e[i].delay_ms &&
		    a->single_round == e[i].single_round)
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

static void expect_transition(const struct h *h, enum vrrp_fsm_state from, enum vrrp_fsm_state to,
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

static void step(struct h *h, const struct vrrp_fsm_event *ev)
{
	vrrp_fsm_step(&h->cfg, &h->st, ev, h->now, &h->out);
}

static void ev(struct h *h, enum vrrp_fsm_event_type type)
{
	struct vrrp_fsm_event e = {.type = type};

	step(h, &e);
}

static void health(struct h *h, bool healthy)
{
	struct vrrp_fsm_event e = {.type = VRRP_FSM_EV_HEALTH_CHANGED, .healthy = healthy};

	step(h, &e);
}

static void advert(struct h *h, uint64_t at, const char *src, uint8_t prio, uint32_t iv_ms)
{
	struct vrrp_fsm_event e = {.type = VRRP_FSM_EV_ADVERT_RECEIVED};

	h->now = at;
	e.advert.src = addr(src);
	e.advert.priority = prio;
	e.advert.max_advert_int_ms = iv_ms;
	step(h, &e);
}

/* Moves the clock to the timer's deadline and delivers its expiry. */
static void fire(struct h *h, enum vrrp_fsm_timer t)
{
	assert_true(h->st.timers[t].armed);
	assert_true(h->st.timers[t].deadline_ms >= h->now);
	h->now = h->st.timers[t].deadline_ms;
	ev(h, vrrp_fsm_timer_event(t));
}

/* Startup, then the master-down timer fires with no peer heard. */
static void make_master(struct h *h)
{
	ev(h, VRRP_FSM_EV_STARTUP);
	fire(h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h->st.state, VRRP_FSM_MASTER);
}

/* ---- protocol arithmetic ---- */

static void test_skew_and_master_down(void **state)
{
	(void)state;
	/* 156 * 100 / 256 = 60.94 -> 61; ANCHORS: 361 ms at 100 ms, priority 100 */
	assert_int_equal(vrrp_fsm_skew_time_ms(100, 100), 61);
	assert_int_equal(vrrp_fsm_master_down_interval_ms(100, 100), 361);
	assert_int_equal(vrrp_fsm_master_down_interval_ms(200, 100), 322); /* 21.875 -> 22 */
	assert_int_equal(vrrp_fsm_master_down_interval_ms(1, 100), 400);   /* 99.6 -> 100 */
	assert_int_equal(vrrp_fsm_skew_time_ms(254, 10), 1);		   /* 0.08 -> 1 */
	assert_int_equal(vrrp_fsm_skew_time_ms(128, 1000), 500);	   /* exact */
	assert_int_equal(vrrp_fsm_master_down_interval_ms(100, 1000), 3610);
	assert_int_equal(vrrp_fsm_master_down_interval_ms(1, 255000), 1019004);
}

/* ---- startup and Master_Down ---- */

static void test_startup_backup_then_master(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	EXPECT(&h, ARM(MASTER_DOWN, 361));
	expect_transition(&h, VRRP_FSM_INIT, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_STARTUP, "startup");

	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.now, 361);
	EXPECT(&h, TAKEOVER(100, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN,
			  "no advert for 361 ms");

	fire(&h, VRRP_FSM_TIMER_ADVERT);
	assert_int_equal(h.now, 461);
	EXPECT(&h, SEND(100), ARM(ADVERT, 100));
	assert_false(h.out.has_transition);
	assert_int_equal(h.st.counters.transitions, 2);
	assert_int_equal(h.st.counters.became_master, 1);
	assert_int_equal(h.st.counters.adverts_sent, 2);
}

static void test_backup_higher_priority_keeps_backup(void **state)
{
	struct h h;
	char buf[160];

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_HI);
	ev(&h, VRRP_FSM_EV_STARTUP);
	for (uint64_t t = 100; t <= 1000; t += 100) {
		advert(&h, t, PEER_LO, 200, 100);
		EXPECT(&h, ARM(MASTER_DOWN, 361));
		assert_false(h.out.has_transition);
	}
	/* equal priority: a backup does not preempt (RFC 5798 6.4.2) */
	advert(&h, 1100, PEER_LO, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 361));
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);

	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.now, 1461);
	EXPECT(&h, TAKEOVER(100, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN,
			  "peer 192.0.2.11 silent for 361 ms");
	assert_string_equal(vrrp_fsm_describe_transition(&h.out.transition, buf, sizeof(buf)),
			    "BACKUP -> MASTER (peer 192.0.2.11 silent for 361 ms)");
	assert_int_equal(h.st.counters.adverts_received, 11);
}

static void test_priority_zero_skew_takeover(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 100, PEER_HI, 200, 100);
	advert(&h, 150, PEER_HI, 0, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 61));
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(h.st.counters.prio0_received, 1);

	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.now, 211);
	EXPECT(&h, TAKEOVER(100, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PEER_RESIGNED,
			  "priority 0 from peer 192.0.2.12 (resigned)");
}

/* Unicast pair: the resigning master's peer is the only backup, so it
 * takes over at once instead of after Skew_Time. */
static void test_priority_zero_single_peer_takes_over_at_once(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	h.cfg.single_peer = true;
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 100, PEER_HI, 200, 100);
	advert(&h, 150, PEER_HI, 0, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 0));
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.now, 150);
	EXPECT(&h, TAKEOVER(100, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PEER_RESIGNED,
			  "priority 0 from peer 192.0.2.12 (resigned)");
	/* a silent master still costs the full Master_Down_Interval */
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	h.cfg.single_peer = true;
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 100, PEER_HI, 200, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 361));
}

/* A late advert timer does not stretch the interval: the next one is due
 * one interval after the late one was due. */
static void test_advert_timer_does_not_drift(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 150, 100, true, 0, PEER_LO);
	make_master(&h);
	h.now = h.st.timers[VRRP_FSM_TIMER_ADVERT].deadline_ms + 20; /* 20 ms late */
	ev(&h, VRRP_FSM_EV_ADVERT_TIMER);
	EXPECT(&h, SEND(150), ARM(ADVERT, 80));
	h.now = h.st.timers[VRRP_FSM_TIMER_ADVERT].deadline_ms + 250; /* > an interval late */
	ev(&h, VRRP_FSM_EV_ADVERT_TIMER);
	EXPECT(&h, SEND(150), ARM(ADVERT, 100));
}

/* ---- MASTER receiving adverts ---- */

static void test_master_yields_to_higher(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_HI);
	make_master(&h);
	advert(&h, 400, PEER_LO, 200, 100);
	/* priority 0 on the way out: the winner announces the VIPs again */
	EXPECT(&h, CANCEL(ADVERT), SEND(0), REMOVE, ARM(MASTER_DOWN, 361));
	expect_transition(&h, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_HIGHER_PRIORITY,
			  "higher priority 200 from 192.0.2.11");
	assert_false(h.st.timers[VRRP_FSM_TIMER_ADVERT].armed);
	/* the advert expiry already queued when we yielded must do nothing */
	ev(&h, VRRP_FSM_EV_ADVERT_TIMER);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.counters.stale_timers, 1);
}

static void test_master_ignores_lower_reasserts_on_zero(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 150, 100, true, 0, PEER_LO);
	make_master(&h);
	/* a lower master (a healed split): assert with an advert and one GARP round */
	advert(&h, 400, PEER_HI, 100, 100);
	EXPECT(&h, SEND(150), GARP1, ARM(ADVERT, 100));
	assert_int_equal(h.st.counters.adverts_lower_ignored, 1);
	assert_int_equal(h.st.counters.reasserts, 1);
	/* a peer leaving master may have announced our VIPs: never thinned */
	advert(&h, 420, PEER_HI, 0, 100);
	EXPECT(&h, SEND(150), GARP1, ARM(ADVERT, 100));
	assert_int_equal(h.st.state, VRRP_FSM_MASTER);
	assert_int_equal(h.st.counters.prio0_received, 1);
	/* a peer that keeps advertising as master (it cannot hear us): within
	 * the episode, one round per max(1 s, 3 advert intervals) */
	for (uint64_t t = 500; t < 1500; t += 100) {
		advert(&h, t, PEER_HI, 100, 100);
		EXPECT_NONE(&h);
	}
	advert(&h, 1500, PEER_HI, 100, 100);
	EXPECT(&h, SEND(150), GARP1, ARM(ADVERT, 100));
	assert_int_equal(h.st.counters.reasserts, 3);
	/* quiet for more than 3 intervals, then a lower master again: a new
	 * split healed, and its round repairs clients: not thinned */
	advert(&h, 1900, PEER_HI, 100, 100);
	EXPECT(&h, SEND(150), GARP1, ARM(ADVERT, 100));
	assert_int_equal(h.st.counters.reasserts, 4);
}

static void test_master_tie_broken_by_address(void **state)
{
	struct h lo, hi, v6;

	(void)state;
	/* unsigned byte order: .128 > .127 (a signed compare would invert it) */
	h_init(&lo, 3, 100, 100, true, 0, "192.0.2.127");
	make_master(&lo);
	advert(&lo, 400, "192.0.2.128", 100, 100);
	EXPECT(&lo, CANCEL(ADVERT), SEND(0), REMOVE, ARM(MASTER_DOWN, 361));
	expect_transition(&lo, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_ADDRESS_TIE,
			  "equal priority 100 from higher address 192.0.2.128");

	h_init(&hi, 3, 100, 100, true, 0, "192.0.2.128");
	make_master(&hi);
	advert(&hi, 400, "192.0.2.127", 100, 100);
	EXPECT(&hi, SEND(100), GARP1, ARM(ADVERT, 100));
	assert_int_equal(hi.st.state, VRRP_FSM_MASTER);

	h_init(&v6, 3, 100, 100, true, 0, "2001:db8::2");
	make_master(&v6);
	advert(&v6, 400, "2001:db8::1:0", 100, 100);
	expect_transition(&v6, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_ADDRESS_TIE, NULL);
}

/* ---- preemption ---- */

static void test_preempt_immediate(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	EXPECT(&h, ARM(MASTER_DOWN, 322));
	advert(&h, 50, PEER_HI, 100, 100);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT,
			  "preempting lower priority 100 from 192.0.2.12");
}

static void test_preempt_delay_timer(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 1000, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 10, PEER_HI, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 322), ARM(PREEMPT, 1000));
	/* keep backing off: the lower master is alive, only outranked */
	for (uint64_t t = 110; t < 1010; t += 100) {
		advert(&h, t, PEER_HI, 100, 100);
		EXPECT(&h, ARM(MASTER_DOWN, 322));
		assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	}
	fire(&h, VRRP_FSM_TIMER_PREEMPT);
	assert_int_equal(h.now, 1010);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT,
			  "preempting lower priority 100 from 192.0.2.12 after 1000 ms");
	assert_int_equal(h.st.counters.preempts_delayed, 1);
}

/* The delay counts from the first lower advert; an advert arriving after it
 * has elapsed takes over even if the timer's expiry is still queued. */
static void test_preempt_delay_elapsed_on_advert(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 1000, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 0, PEER_HI, 100, 100);
	advert(&h, 1000, PEER_HI, 100, 100);
	EXPECT(&h, CANCEL(MASTER_DOWN), CANCEL(PREEMPT), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT, NULL);
	ev(&h, VRRP_FSM_EV_PREEMPT_TIMER);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.counters.stale_timers, 1);
}

static void test_preempt_delay_restarts_after_higher(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 1000, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 0, PEER_HI, 100, 100);
	advert(&h, 500, PEER_HI, 250, 100);
	EXPECT(&h, CANCEL(PREEMPT), ARM(MASTER_DOWN, 322));
	advert(&h, 900, PEER_HI, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 322), ARM(PREEMPT, 1000));
	advert(&h, 1000, PEER_HI, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 322));
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
}

static void test_preempt_off(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, false, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	for (uint64_t t = 0; t < 1000; t += 100) {
		advert(&h, t, PEER_HI, 100, 100);
		EXPECT(&h, ARM(MASTER_DOWN, 322));
		assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	}
	/* DESIGN 3: an unhealthy master (priority 1) loses to any healthy node */
	advert(&h, 1000, PEER_HI, 1, 100);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT,
			  "preempting lower priority 1 from 192.0.2.12");
}

/* ---- intervals ---- */

static void test_v3_learned_interval(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_HI);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 50, PEER_LO, 200, 1000);
	EXPECT(&h, ARM(MASTER_DOWN, 3610));
	assert_int_equal(h.st.master_adver_interval_ms, 1000);
	advert(&h, 100, PEER_LO, 0, 1000);
	EXPECT(&h, ARM(MASTER_DOWN, 610)); /* skew of the learned interval */
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	EXPECT(&h, TAKEOVER(100, 100)); /* a master sends its own interval */
	assert_int_equal(h.st.master_adver_interval_ms, 100);

	/* a master that yields learns the winner's interval too */
	advert(&h, 1000, PEER_LO, 200, 500);
	EXPECT(&h, CANCEL(ADVERT), SEND(0), REMOVE, ARM(MASTER_DOWN, 1805));
}

static void test_v2_interval_mismatch_ignored(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 2, 100, 1000, true, 0, PEER_HI);
	ev(&h, VRRP_FSM_EV_STARTUP);
	EXPECT(&h, ARM(MASTER_DOWN, 3610));
	advert(&h, 1000, PEER_LO, 200, 2000);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.counters.adverts_bad_interval, 1);
	assert_int_equal(h.st.counters.adverts_received, 0);
	advert(&h, 2000, PEER_LO, 200, 1000);
	EXPECT(&h, ARM(MASTER_DOWN, 3610));
	assert_int_equal(h.st.master_adver_interval_ms, 1000);

	/* a master ignores a mismatching higher priority too */
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	advert(&h, 6000, PEER_LO, 200, 3000);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_MASTER);
	assert_int_equal(h.st.counters.adverts_bad_interval, 2);
}

/* ---- shutdown ---- */

static void test_shutdown(void **state)
{
	struct h m, b;

	(void)state;
	h_init(&m, 3, 100, 100, true, 0, PEER_LO);
	make_master(&m);
	ev(&m, VRRP_FSM_EV_SHUTDOWN);
	EXPECT(&m, CANCEL(ADVERT), SEND(0), REMOVE);
	expect_transition(&m, VRRP_FSM_MASTER, VRRP_FSM_INIT, VRRP_FSM_CAUSE_SHUTDOWN, NULL);
	assert_int_equal(m.st.counters.prio0_sent, 1);
	ev(&m, VRRP_FSM_EV_SHUTDOWN);
	EXPECT_NONE(&m);

	h_init(&b, 3, 200, 100, true, 1000, PEER_LO);
	ev(&b, VRRP_FSM_EV_STARTUP);
	advert(&b, 10, PEER_HI, 100, 100);
	ev(&b, VRRP_FSM_EV_SHUTDOWN);
	EXPECT(&b, CANCEL(MASTER_DOWN), CANCEL(PREEMPT));
	expect_transition(&b, VRRP_FSM_BACKUP, VRRP_FSM_INIT, VRRP_FSM_CAUSE_SHUTDOWN, "shutdown");
	assert_int_equal(b.st.counters.prio0_sent, 0);
}

static void test_init_ignores_everything_but_startup(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	advert(&h, 0, PEER_HI, 200, 100);
	EXPECT_NONE(&h);
	ev(&h, VRRP_FSM_EV_MASTER_DOWN_TIMER);
	EXPECT_NONE(&h);
	health(&h, false);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_INIT);
	ev(&h, VRRP_FSM_EV_STARTUP);
	EXPECT(&h, ARM(MASTER_DOWN, 400)); /* unhealthy before startup: priority 1 */
	ev(&h, VRRP_FSM_EV_STARTUP);
	EXPECT_NONE(&h);
	assert_false(h.out.has_transition);
}

/* ---- health and drain ---- */

static void test_unhealthy_master_resigns_once(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	make_master(&h);
	advert(&h, 350, PEER_HI, 100, 100); /* a lower priority: reasserted, not noted */
	EXPECT(&h, SEND(200), GARP1, ARM(ADVERT, 100));
	h.now = 1000;
	health(&h, false);
	/* make-before-break: the VIPs stay until the peer is heard as master */
	EXPECT(&h, CANCEL(ADVERT), SEND(0), ARM(MASTER_DOWN, 400));
	expect_transition(&h, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_UNHEALTHY,
			  "unhealthy: resign");
	assert_int_equal(vrrp_fsm_effective_priority(&h.cfg, &h.st), 1);

	/* peer silent: re-elected with priority 1, the VIPs keep an owner */
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.now, 1400);
	EXPECT(&h, TAKEOVER(1, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN,
			  "no advert for 400 ms");

	/* still unhealthy: keep advertising 1, never resign again */
	for (int i = 0; i < 20; i++) {
		fire(&h, VRRP_FSM_TIMER_ADVERT);
		EXPECT(&h, SEND(1), ARM(ADVERT, 100));
		health(&h, false);
		EXPECT_NONE(&h);
	}
	assert_int_equal(h.st.counters.resignations, 1);
	assert_int_equal(h.st.counters.prio0_sent, 1);
	assert_int_equal(h.st.counters.transitions, 4);

	/* recovered while master: advertise the real priority at once */
	health(&h, true);
	EXPECT(&h, SEND(200), ARM(ADVERT, 100));
	assert_false(h.out.has_transition);
}

static void test_drain_undrain(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	make_master(&h);
	h.now = 500;
	ev(&h, VRRP_FSM_EV_DRAIN);
	EXPECT(&h, CANCEL(ADVERT), SEND(0), ARM(MASTER_DOWN, 400));
	expect_transition(&h, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_DRAINED,
			  "drained: resign");
	assert_true(h.st.releasing);
	/* the peer takes over: now the VIPs go; drained, we stay behind it */
	advert(&h, 561, PEER_HI, 100, 100);
	EXPECT(&h, REMOVE, ARM(MASTER_DOWN, 400));
	assert_false(h.st.releasing);
	/* health flapping while drained changes nothing */
	health(&h, false);
	EXPECT_NONE(&h);
	health(&h, true);
	EXPECT_NONE(&h);
	ev(&h, VRRP_FSM_EV_UNDRAIN);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	advert(&h, 661, PEER_HI, 100, 100);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT, NULL);
}

static void test_health_recovery_preempts_back(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 300, PEER_LO);
	make_master(&h);
	h.now = 400;
	health(&h, false);
	advert(&h, 461, PEER_HI, 100, 100);
	EXPECT(&h, REMOVE, ARM(MASTER_DOWN, 400));
	/* unhealthy: lower-priority adverts no longer count as lower */
	advert(&h, 561, PEER_HI, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 400));
	h.now = 600;
	health(&h, true);
	EXPECT_NONE(&h);
	advert(&h, 661, PEER_HI, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 322), ARM(PREEMPT, 300));
	/* losing health again while the delay runs drops the pending preempt */
	h.now = 700;
	health(&h, false);
	EXPECT(&h, CANCEL(PREEMPT));
	h.now = 750;
	health(&h, true);
	advert(&h, 761, PEER_HI, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 322), ARM(PREEMPT, 300));
	advert(&h, 861, PEER_HI, 100, 100);
	fire(&h, VRRP_FSM_TIMER_PREEMPT);
	assert_int_equal(h.now, 1061);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT,
			  "preempting lower priority 100 from 192.0.2.12 after 300 ms");
}

/* ---- two machines wired together ---- */

/* ---- the advert interface: FAULT (DESIGN 3) ---- */

static void link_ev(struct h *h, uint64_t at, bool up)
{
	h->now = at;
	ev(h, up ? VRRP_FSM_EV_LINK_UP : VRRP_FSM_EV_LINK_DOWN);
}

static void pending(struct h *h, bool is_pending)
{
	struct vrrp_fsm_event e = {
	    .type = VRRP_FSM_EV_HEALTH_CHANGED, .healthy = true, .pending = is_pending};

	step(h, &e);
}

static void test_link_down_master_faults(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	make_master(&h);
	/* no advert on a dead link: the VIPs go at once, the peer takes them */
	link_ev(&h, 1000, false);
	EXPECT(&h, CANCEL(ADVERT), REMOVE);
	expect_transition(&h, VRRP_FSM_MASTER, VRRP_FSM_FAULT, VRRP_FSM_CAUSE_LINK_DOWN,
			  "advert interface down: VIPs released");
	assert_int_equal(h.st.counters.faults, 1);
	/* nothing is heard or timed in FAULT; health is only noted */
	advert(&h, 1100, PEER_HI, 100, 100);
	EXPECT_NONE(&h);
	ev(&h, VRRP_FSM_EV_ADVERT_TIMER);
	EXPECT_NONE(&h);
	health(&h, false);
	EXPECT_NONE(&h);
	health(&h, true);
	EXPECT_NONE(&h);
	link_ev(&h, 1200, false);
	EXPECT_NONE(&h);
	assert_false(h.out.has_transition);
	/* back: Backup as at startup, then an ordinary preemption with its
	 * full announcement (never a silent dual-master heal) */
	link_ev(&h, 1500, true);
	EXPECT(&h, ARM(MASTER_DOWN, 322));
	expect_transition(&h, VRRP_FSM_FAULT, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_LINK_UP,
			  "advert interface up");
	advert(&h, 1550, PEER_HI, 100, 100);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT, NULL);
	/* shutdown from FAULT sends nothing */
	link_ev(&h, 1600, false);
	ev(&h, VRRP_FSM_EV_SHUTDOWN);
	EXPECT_NONE(&h);
	expect_transition(&h, VRRP_FSM_FAULT, VRRP_FSM_INIT, VRRP_FSM_CAUSE_SHUTDOWN, NULL);
}

static void test_link_down_backup_and_startup(void **state)
{
	struct h h;

	(void)state;
	/* a resigned master still holding its VIPs gives them up too */
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	make_master(&h);
	h.now = 500;
	ev(&h, VRRP_FSM_EV_DRAIN);
	assert_true(h.st.releasing);
	link_ev(&h, 600, false);
	EXPECT(&h, CANCEL(MASTER_DOWN), REMOVE);
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_FAULT, VRRP_FSM_CAUSE_LINK_DOWN,
			  "advert interface down");
	assert_false(h.st.releasing);

	/* started while the link is down: FAULT without timers */
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	link_ev(&h, 0, false);
	EXPECT_NONE(&h);
	ev(&h, VRRP_FSM_EV_STARTUP);
	EXPECT_NONE(&h);
	expect_transition(&h, VRRP_FSM_INIT, VRRP_FSM_FAULT, VRRP_FSM_CAUSE_LINK_DOWN,
			  "startup: advert interface down");
	link_ev(&h, 100, true);
	EXPECT(&h, ARM(MASTER_DOWN, 322));
	expect_transition(&h, VRRP_FSM_FAULT, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_LINK_UP, NULL);

	/* a link that just returned may not forward yet (the chaos driver's
	 * third finding: a second master made while the port was dead): the
	 * first Master_Down waits the settle time longer */
	h.cfg.link_settle_ms = 1000;
	link_ev(&h, 200, false);
	link_ev(&h, 300, true);
	EXPECT(&h, ARM(MASTER_DOWN, 1322));
	advert(&h, 900, PEER_HI, 220, 100); /* heard: the usual interval again */
	EXPECT(&h, ARM(MASTER_DOWN, 322));
}

/* A returning node whose checks have not risen does not preempt, but still
 * takes over from a silent master. */
static void test_pending_health_holds_preempt(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	pending(&h, true);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 50, PEER_HI, 100, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 322));
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(h.st.counters.preempts_pending, 1);
	pending(&h, false);
	EXPECT_NONE(&h);
	advert(&h, 150, PEER_HI, 100, 100);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));

	/* pending and the master falls silent: we take over anyway */
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	pending(&h, true);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 50, PEER_HI, 100, 100);
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	EXPECT(&h, TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN, NULL);

	/* a preempt delay that ends while pending does not preempt either */
	h_init(&h, 3, 200, 100, true, 300, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 50, PEER_HI, 100, 100);
	assert_true(h.st.timers[VRRP_FSM_TIMER_PREEMPT].armed);
	pending(&h, true);
	advert(&h, 150, PEER_HI, 100, 100);
	assert_false(h.st.timers[VRRP_FSM_TIMER_PREEMPT].armed);
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
}

struct sim {
	struct h n[2];
	bool up[2];
	bool cut; /* the segment is split: adverts reach nobody */
	bool vips[2];
	uint64_t now;
	int depth;		/* nested deliveries: an advert answered at once */
	unsigned long both_own; /* settled steps after which both held the VIPs */
	unsigned garps[2];	/* SEND_GARP actions, burst or single round */
	uint64_t last_garp[2];
};

static void sim_deliver(struct sim *s, int i, uint8_t prio);

/* Carries out node i's actions; adverts reach the other node instantly. */
static void sim_apply(struct sim *s, int i)
{
	struct vrrp_fsm_actions out = s->n[i].out;

	assert_false(out.overflow);
	s->depth++;
	for (size_t k = 0; k < out.count; k++) {
		const struct vrrp_fsm_action *a = &out.items[k];

		if (a->type == VRRP_FSM_ACT_SEND_ADVERT)
			sim_deliver(s, 1 - i, a->priority);
		else if (a->type == VRRP_FSM_ACT_ADD_VIPS)
			s->vips[i] = true;
		else if (a->type == VRRP_FSM_ACT_REMOVE_VIPS)
			s->vips[i] = false;
		else if (a->type == VRRP_FSM_ACT_SEND_GARP) {
			s->garps[i]++;
			s->last_garp[i] = s->now;
		}
	}
	/* make-before-break overlaps inside one exchange; count what remains */
	if (--s->depth == 0 && s->vips[0] && s->vips[1])
		s->both_own++;
}

static void sim_deliver(struct sim *s, int to, uint8_t prio)
{
	struct h *h = &s->n[to];

	if (!s->up[to] || s->cut)
		return;
	advert(h, s->now, to == 0 ? PEER_HI : PEER_LO, prio, s->n[1 - to].cfg.advert_interval_ms);
	sim_apply(s, to);
}

static void sim_event(struct sim *s, int i, const struct vrrp_fsm_event *e)
{
	s->n[i].now = s->now;
	step(&s->n[i], e);
	sim_apply(s, i);
}

static void sim_simple(struct sim *s, int i, enum vrrp_fsm_event_type type, bool healthy)
{
	struct vrrp_fsm_event e = {.type = type, .healthy = healthy};

	sim_event(s, i, &e);
}

/* Fires timers in deadline order until `until`. */
static void sim_run(struct sim *s, uint64_t until)
{
	for (;;) {
		int bi = -1, bt = -1;
		uint64_t best = until + 1;

		for (int i = 0; i < 2; i++)
			for (int t = 0; t < VRRP_FSM_TIMER_COUNT && s->up[i]; t++)
				if (s->n[i].st.timers[t].armed &&
				    s->n[i].st.timers[t].deadline_ms < best) {
					best = s->n[i].st.timers[t].deadline_ms;
					bi = i;
					bt = t;
				}
		if (bi < 0)
			break;
		s->now = best;
		sim_simple(s, bi, vrrp_fsm_timer_event((enum vrrp_fsm_timer)bt), false);
	}
	s->now = until;
}

/* A (.11, priority 200) and B (.12, priority 100), v3 at 100 ms. */
static void sim_start(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	h_init(&s->n[0], 3, 200, 100, true, 0, PEER_LO);
	h_init(&s->n[1], 3, 100, 100, true, 0, PEER_HI);
	s->up[0] = s->up[1] = true;
	sim_simple(s, 0, VRRP_FSM_EV_STARTUP, false);
	sim_simple(s, 1, VRRP_FSM_EV_STARTUP, false);
	sim_run(s, 2000);
	assert_int_equal(s->n[0].st.state, VRRP_FSM_MASTER);
	assert_int_equal(s->n[1].st.state, VRRP_FSM_BACKUP);
	assert_int_equal(s->n[0].st.counters.became_master, 1);
	assert_int_equal(s->n[1].st.counters.became_master, 0);
}

static void test_sim_shutdown_and_crash(void **state)
{
	struct sim s;

	(void)state;
	sim_start(&s);
	/* clean stop: B takes over after its skew time only */
	sim_simple(&s, 0, VRRP_FSM_EV_SHUTDOWN, false);
	s.up[0] = false;
	sim_run(&s, 2060);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
	sim_run(&s, 2061);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
	assert_true(s.vips[1]);

	/* A comes back and preempts on B's next advert (2161); then it crashes
	 * (its host and VIPs gone): B waits the full Master_Down_Interval. */
	s.up[0] = true;
	vrrp_fsm_init(&s.n[0].st);
	sim_simple(&s, 0, VRRP_FSM_EV_STARTUP, false);
	sim_run(&s, 2500);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_MASTER);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
	s.up[0] = false;
	s.vips[0] = false;
	assert_int_equal(s.n[1].st.last_advert_ms, 2461);
	sim_run(&s, 2461 + 360);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
	sim_run(&s, 2461 + 361);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
	assert_string_equal(s.n[1].out.transition.reason, "peer 192.0.2.11 silent for 361 ms");
	assert_int_equal(s.both_own, 0);
}

/* The full health story of DESIGN section 3, on both nodes. */
static void test_sim_health_cycle(void **state)
{
	struct sim s;

	(void)state;
	sim_start(&s);
	sim_simple(&s, 0, VRRP_FSM_EV_HEALTH_CHANGED, false);
	sim_run(&s, 2060);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_BACKUP);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
	sim_run(&s, 2061); /* B's skew at priority 100 */
	assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
	sim_run(&s, 5000);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_BACKUP);

	/* B dies: unhealthy A is re-elected and keeps the VIPs, no flapping */
	s.up[1] = false;
	s.vips[1] = false;
	sim_run(&s, 20000);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_MASTER);
	assert_true(s.vips[0]);
	assert_int_equal(s.n[0].st.counters.resignations, 1);
	assert_int_equal(s.n[0].st.counters.transitions, 4);

	/* B restarts healthy: it outranks priority 1 and takes over */
	s.up[1] = true;
	vrrp_fsm_init(&s.n[1].st);
	sim_simple(&s, 1, VRRP_FSM_EV_STARTUP, false);
	sim_run(&s, 21000);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_BACKUP);

	/* A recovers and preempts back on B's next advert */
	sim_simple(&s, 0, VRRP_FSM_EV_HEALTH_CHANGED, true);
	sim_run(&s, 22000);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_MASTER);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
	assert_int_equal(s.both_own, 0);
}

/* A link flap on the preferred node (the chaos driver's first finding): it
 * gives its VIPs up, the peer takes over, and on return it waits for its
 * checks before it takes its slot back with a full announcement. */
static void test_sim_link_flap(void **state)
{
	struct sim s;
	unsigned garps_a;

	(void)state;
	sim_start(&s);
	s.up[0] = false; /* A hears nothing and nothing it sends arrives */
	s.now = 2010;
	sim_simple(&s, 0, VRRP_FSM_EV_LINK_DOWN, false);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_FAULT);
	assert_false(s.vips[0]);
	sim_run(&s, 3000);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
	assert_true(s.vips[1]);

	/* back, gateway check restarted: pending, so no preemption yet */
	s.up[0] = true;
	s.now = 3000;
	{
		struct vrrp_fsm_event e = {
		    .type = VRRP_FSM_EV_HEALTH_CHANGED, .healthy = true, .pending = true};

		sim_event(&s, 0, &e);
	}
	sim_simple(&s, 0, VRRP_FSM_EV_LINK_UP, false);
	garps_a = s.garps[0];
	sim_run(&s, 3250);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_BACKUP);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
	assert_int_equal(s.garps[0], garps_a);
	/* risen: the next advert of B lets A preempt, with its GARP burst */
	{
		struct vrrp_fsm_event e = {.type = VRRP_FSM_EV_HEALTH_CHANGED, .healthy = true};

		sim_event(&s, 0, &e);
	}
	sim_run(&s, 3500);
	assert_int_equal(s.n[0].st.state, VRRP_FSM_MASTER);
	assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
	assert_true(s.vips[0]);
	assert_false(s.vips[1]);
	assert_true(s.garps[0] > garps_a);
	assert_int_equal(s.both_own, 0);
}

/* A split that heals: both were master and both announced. Whoever hears
 * the other first, the winner announces again after the loser's last
 * announcement, so clients end at the winner. */
static void test_sim_healed_split_announces(void **state)
{
	for (uint64_t heal = 3000; heal < 3100; heal += 10) {
		struct sim s;

		(void)state;
		sim_start(&s);
		s.cut = true;
		sim_run(&s, heal);
		assert_int_equal(s.n[0].st.state, VRRP_FSM_MASTER);
		assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
		s.cut = false;
		sim_run(&s, heal + 300);
		assert_int_equal(s.n[0].st.state, VRRP_FSM_MASTER);
		assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
		assert_true(s.vips[0]);
		assert_false(s.vips[1]);
		assert_true(s.last_garp[0] >= heal && s.last_garp[0] >= s.last_garp[1]);
		/* and a second split soon after heals the same way (no rate
		 * limit suppresses the round that repairs clients) */
		s.cut = true;
		sim_run(&s, heal + 800);
		assert_int_equal(s.n[1].st.state, VRRP_FSM_MASTER);
		s.cut = false;
		sim_run(&s, heal + 1100);
		assert_int_equal(s.n[1].st.state, VRRP_FSM_BACKUP);
		assert_true(s.last_garp[0] >= heal + 800 && s.last_garp[0] >= s.last_garp[1]);
	}
}

/* ---- names and config ---- */

static void test_names(void **state)
{
	struct vrrp_fsm_transition t = {.from = VRRP_FSM_MASTER, .to = VRRP_FSM_BACKUP};
	char buf[160];

	(void)state;
	for (int i = 0; i < VRRP_FSM_STATE_COUNT; i++)
		assert_int_equal(vrrp_fsm_state_from_name(vrrp_fsm_state_name(i)), i);
	for (int i = 0; i < VRRP_FSM_CAUSE_COUNT; i++)
		assert_int_equal(vrrp_fsm_cause_from_name(vrrp_fsm_cause_name(i)), i);
	for (int i = 0; i < VRRP_FSM_EV_COUNT; i++)
		assert_string_not_equal(vrrp_fsm_event_name(i), "?");
	for (int i = 0; i < VRRP_FSM_ACT_COUNT; i++)
		assert_string_not_equal(vrrp_fsm_action_name(i), "?");
	for (int i = 0; i < VRRP_FSM_TIMER_COUNT; i++)
		assert_string_not_equal(vrrp_fsm_timer_name(i), "?");
	assert_string_equal(vrrp_fsm_state_name(VRRP_FSM_STATE_COUNT), "?");
	assert_int_equal(vrrp_fsm_state_from_name("FAULT"), VRRP_FSM_FAULT);
	assert_int_equal(vrrp_fsm_state_from_name("UNKNOWN"), -1);
	snprintf(t.reason, sizeof(t.reason), "unhealthy: resign");
	assert_string_equal(vrrp_fsm_describe_transition(&t, buf, sizeof(buf)),
			    "MASTER -> BACKUP (unhealthy: resign)");
}

static void test_cfg_check(void **state)
{
	struct h h;
	const char *why;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	h.cfg.advert_interval_ms = 105;
	assert_int_equal(vrrp_fsm_cfg_check(&h.cfg, &why), -EINVAL);
	assert_non_null(why);
	h.cfg.advert_interval_ms = 100;
	h.cfg.priority = 255;
	assert_int_equal(vrrp_fsm_cfg_check(&h.cfg, &why), -EINVAL);
	h.cfg.priority = 100;
	h.cfg.version = 2;
	assert_int_equal(vrrp_fsm_cfg_check(&h.cfg, &why), -EINVAL); /* 100 ms in v2 */
	h.cfg.advert_interval_ms = 1000;
	assert_int_equal(vrrp_fsm_cfg_check(&h.cfg, &why), 0);
	h.cfg.own_addr = addr("2001:db8::1");
	assert_int_equal(vrrp_fsm_cfg_check(&h.cfg, &why), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_skew_and_master_down),
	    cmocka_unit_test(test_startup_backup_then_master),
	    cmocka_unit_test(test_backup_higher_priority_keeps_backup),
	    cmocka_unit_test(test_priority_zero_skew_takeover),
	    cmocka_unit_test(test_advert_timer_does_not_drift),
	    cmocka_unit_test(test_priority_zero_single_peer_takes_over_at_once),
	    cmocka_unit_test(test_master_yields_to_higher),
	    cmocka_unit_test(test_master_ignores_lower_reasserts_on_zero),
	    cmocka_unit_test(test_master_tie_broken_by_address),
	    cmocka_unit_test(test_preempt_immediate),
	    cmocka_unit_test(test_preempt_delay_timer),
	    cmocka_unit_test(test_preempt_delay_elapsed_on_advert),
	    cmocka_unit_test(test_preempt_delay_restarts_after_higher),
	    cmocka_unit_test(test_preempt_off),
	    cmocka_unit_test(test_v3_learned_interval),
	    cmocka_unit_test(test_v2_interval_mismatch_ignored),
	    cmocka_unit_test(test_shutdown),
	    cmocka_unit_test(test_init_ignores_everything_but_startup),
	    cmocka_unit_test(test_unhealthy_master_resigns_once),
	    cmocka_unit_test(test_drain_undrain),
	    cmocka_unit_test(test_health_recovery_preempts_back),
	    cmocka_unit_test(test_sim_shutdown_and_crash),
	    cmocka_unit_test(test_sim_health_cycle),
	    cmocka_unit_test(test_link_down_master_faults),
	    cmocka_unit_test(test_link_down_backup_and_startup),
	    cmocka_unit_test(test_pending_health_holds_preempt),
	    cmocka_unit_test(test_sim_link_flap),
	    cmocka_unit_test(test_sim_healed_split_announces),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_cfg_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
