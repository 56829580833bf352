/* What convergence after faults (DESIGN 3, docs/convergence.md) asks of the
 * state machine: FAULT while the advert interface is down, pending health,
 * and two machines wired together through their SEND_ADVERT actions
 * replaying the scenarios the chaos driver (tests/chaos) found. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fsm_harness.h"

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

/* ---- two machines wired together ---- */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sim_shutdown_and_crash),
	    cmocka_unit_test(test_sim_health_cycle),
	    cmocka_unit_test(test_link_down_master_faults),
	    cmocka_unit_test(test_link_down_backup_and_startup),
	    cmocka_unit_test(test_pending_health_holds_preempt),
	    cmocka_unit_test(test_sim_link_flap),
	    cmocka_unit_test(test_sim_healed_split_announces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
