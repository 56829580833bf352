/* VRRP state machine scenarios (RFC 5798 / RFC 3768 section 6.4, DESIGN
 * section 3) on one machine, replayed with a fake clock and no sockets: the
 * tests script the peer's adverts and assert on exact action lists.
 * test_fsm_convergence.c has FAULT, pending health and two machines wired
 * together. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fsm_harness.h"

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
	/* priority 0 on the way out, after the VIPs went: the winner
	 * announces them again, and is the last to (fsm.c, release_then_tell) */
	EXPECT(&h, CANCEL(ADVERT), REMOVE, ARM(MASTER_DOWN, 361), SEND(0));
	expect_transition(&h, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_HIGHER_PRIORITY,
			  "higher priority 200 from 192.0.2.11");
	assert_false(h.st.timers[VRRP_FSM_TIMER_ADVERT].armed);
	/* the advert expiry already queued when we yielded must do nothing */
	ev(&h, VRRP_FSM_EV_ADVERT_TIMER);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.counters.stale_timers, 1);
}

/* An advert read just before a master-down expiry is stepped (the runtime
 * reads what waits first) re-armed the timer: the expiry is early, and
 * waits again for the rest instead of taking over. */
static void test_backup_expiry_before_its_deadline_waits_for_the_rest(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_HI);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 300, PEER_LO, 200, 100); /* re-armed: deadline 661 */
	h.now = 361;			    /* the first arming's expiry, stepped late */
	ev(&h, VRRP_FSM_EV_MASTER_DOWN_TIMER);
	EXPECT(&h, ARM(MASTER_DOWN, 300));
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	assert_true(h.st.timers[VRRP_FSM_TIMER_MASTER_DOWN].armed);
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.st.state, VRRP_FSM_MASTER);
}

/* A timer whose clock ran ahead (libevent arms from the start of its loop
 * pass) fires a little early: the advert is sent at its deadline, not
 * skipped for good. */
static void test_master_advert_expiry_early_waits_for_the_rest(void **state)
{
	struct h h;
	uint64_t due;

	(void)state;
	h_init(&h, 3, 150, 100, true, 0, PEER_HI);
	make_master(&h);
	due = h.st.timers[VRRP_FSM_TIMER_ADVERT].deadline_ms;
	h.now = due - 3;
	ev(&h, VRRP_FSM_EV_ADVERT_TIMER);
	EXPECT(&h, ARM(ADVERT, 3));
	h.now = due;
	ev(&h, VRRP_FSM_EV_ADVERT_TIMER);
	EXPECT(&h, SEND(150), ARM(ADVERT, 100));
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
	/* a peer leaving master may have announced our VIPs: answered at once
	 * (the first priority 0 of an interval, see the test below) */
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
	EXPECT(&lo, CANCEL(ADVERT), REMOVE, ARM(MASTER_DOWN, 361), SEND(0));
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
	/* the master's 200 ms is within the tolerance (2 x 100): followed */
	advert(&h, 50, PEER_LO, 200, 200);
	EXPECT(&h, ARM(MASTER_DOWN, 722)); /* 3 x 200 + ceil(156 x 200 / 256) */
	assert_int_equal(h.st.master_adver_interval_ms, 200);
	/* a change is reported once, for the log, and counted */
	assert_true(h.out.interval_changed);
	assert_int_equal(h.out.interval_was_ms, 100);
	assert_int_equal(h.out.interval_now_ms, 200);
	assert_int_equal(h.st.counters.interval_changes, 1);
	advert(&h, 250, PEER_LO, 200, 200);
	assert_false(h.out.interval_changed);
	assert_int_equal(h.st.counters.interval_changes, 1);
	advert(&h, 300, PEER_LO, 0, 200);
	EXPECT(&h, ARM(MASTER_DOWN, 122)); /* skew of the learned interval */
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	EXPECT(&h, TAKEOVER(100, 100)); /* a master sends its own interval */
	assert_int_equal(h.st.master_adver_interval_ms, 100);

	/* a master that yields learns the winner's interval too; shorter
	 * intervals are always followed */
	advert(&h, 1000, PEER_LO, 200, 50);
	EXPECT(&h, CANCEL(ADVERT), REMOVE, ARM(MASTER_DOWN, 181), SEND(0));
	assert_true(h.out.interval_changed);
	assert_int_equal(h.out.interval_was_ms, 200);
	assert_int_equal(h.out.interval_now_ms, 50);
	assert_int_equal(h.st.counters.interval_changes, 2);
	/* the peer back at our own interval: one more change, not a reset */
	advert(&h, 1050, PEER_LO, 200, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 361));
	assert_int_equal(h.st.counters.interval_changes, 3);
	assert_int_equal(h.st.counters.adverts_interval_out_of_bounds, 0);
}

/* A spoofed 4095 cs advert (issue 12) would park a master that yields to it
 * for 3 x 40.95 s: above VRRP_FSM_INTERVAL_TOLERANCE x ours it is dropped,
 * in both states, whatever its priority. */
static void test_v3_interval_beyond_tolerance_dropped(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 150, 100, true, 0, PEER_LO);
	make_master(&h);
	advert(&h, 400, PEER_HI, 254, 40950);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_MASTER);
	assert_int_equal(h.st.counters.adverts_interval_out_of_bounds, 1);
	assert_int_equal(h.st.counters.adverts_received, 0);
	advert(&h, 410, PEER_HI, 254, 210); /* just above 2 x 100 */
	EXPECT_NONE(&h);
	assert_int_equal(h.st.counters.adverts_interval_out_of_bounds, 2);
	assert_int_equal(h.st.master_adver_interval_ms, 100);
	assert_int_equal(h.st.counters.interval_changes, 0);
	/* exactly at the bound: a real master, followed */
	advert(&h, 420, PEER_HI, 254, 200);
	EXPECT(&h, CANCEL(ADVERT), REMOVE,
	       ARM(MASTER_DOWN, 683), /* 3 x 200 + ceil(106 x 200 / 256) */
	       SEND(0));
	;
	expect_transition(&h, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_HIGHER_PRIORITY,
			  NULL);

	/* a backup: the stretched advert neither feeds Master_Down nor
	 * stretches it; the master's real adverts keep it armed */
	advert(&h, 500, PEER_HI, 254, 40950);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.master_adver_interval_ms, 200);
	assert_int_equal(h.st.counters.adverts_interval_out_of_bounds, 3);
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.now, 420 + 683);
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN, NULL);
}

/* Nobody owns a VIP's address here, so priority 255 is a forger's (or a
 * stranger's) and would win every election: dropped, in both states. */
static void test_priority_255_refused(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	make_master(&h);
	advert(&h, 400, PEER_HI, 255, 100);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_MASTER);
	assert_int_equal(h.st.counters.adverts_priority_255, 1);
	assert_int_equal(h.st.counters.adverts_received, 0);
	assert_int_equal(h.st.counters.adverts_lower_ignored, 0);

	/* a backup does not count it as a master heard: a silent real master
	 * is still taken over from */
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 100, PEER_HI, 200, 100);
	EXPECT(&h, ARM(MASTER_DOWN, 361));
	for (uint64_t t = 200; t < 461; t += 50) {
		advert(&h, t, PEER_HI, 255, 100);
		EXPECT_NONE(&h);
	}
	assert_int_equal(h.st.counters.adverts_priority_255, 6);
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	assert_int_equal(h.now, 461);
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN,
			  "peer 192.0.2.12 silent for 361 ms");
}

/* A master answers priority 0 with an advert and a GARP/NA round; a forged
 * priority-0 flood must not become a GARP flood: at most one answer per
 * advert interval, the first at once, and one owed within the interval
 * goes with the next advert. */
static void test_prio0_answers_thinned_to_one_per_interval(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 150, 100, true, 0, PEER_LO);
	make_master(&h); /* at 361, adverts due at 461, 561, ... */
	advert(&h, 400, PEER_HI, 0, 100);
	/* at once: it repairs clients; the peer was silent (we took over by
	 * Master_Down_Timer): the round goes even while a burst runs */
	EXPECT(&h, SEND(150), GARP1_NOW, ARM(ADVERT, 100));
	advert(&h, 420, PEER_HI, 0, 100);
	EXPECT_NONE(&h);
	advert(&h, 450, PEER_HI, 0, 100);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.counters.prio0_received, 3);
	assert_int_equal(h.st.counters.prio0_answers_deferred, 2);
	assert_int_equal(h.st.counters.reasserts, 1);
	/* one owed round, with the next advert */
	fire(&h, VRRP_FSM_TIMER_ADVERT);
	assert_int_equal(h.now, 500);
	EXPECT(&h, SEND(150), GARP1, ARM(ADVERT, 100));
	assert_int_equal(h.st.counters.reasserts, 2);
	/* the flood goes on: still one round per interval */
	advert(&h, 550, PEER_HI, 0, 100);
	EXPECT_NONE(&h);
	fire(&h, VRRP_FSM_TIMER_ADVERT);
	EXPECT(&h, SEND(150), GARP1, ARM(ADVERT, 100));
	/* it stopped: plain adverts again */
	fire(&h, VRRP_FSM_TIMER_ADVERT);
	assert_int_equal(h.now, 700);
	EXPECT(&h, SEND(150), ARM(ADVERT, 100));
	/* an interval after the last answer: at once again */
	advert(&h, 720, PEER_HI, 0, 100);
	EXPECT(&h, SEND(150), GARP1_NOW, ARM(ADVERT, 100));
	assert_int_equal(h.st.counters.prio0_answers_deferred, 3);
	assert_int_equal(h.st.counters.reasserts, 4);

	/* an owed round does not outlive mastership */
	advert(&h, 730, PEER_HI, 0, 100);
	advert(&h, 740, PEER_HI, 254, 100);
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	advert(&h, 750, PEER_HI, 0, 100);
	fire(&h, VRRP_FSM_TIMER_MASTER_DOWN);
	EXPECT(&h, TAKEOVER(150, 100));
	fire(&h, VRRP_FSM_TIMER_ADVERT);
	EXPECT(&h, SEND(150), ARM(ADVERT, 100));
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
	EXPECT(&m, CANCEL(ADVERT), REMOVE, SEND(0));
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

static void weight(struct h *h, int delta)
{
	struct vrrp_fsm_event e = {.type = VRRP_FSM_EV_WEIGHT_CHANGED,
				   .priority_delta = (int16_t)delta};

	step(h, &e);
}

/* vrrp.track with a weight: a failing check lowers what the master
 * advertises at once, the peer (preempt on) takes over, and the restored
 * weight preempts back. No resignation while the priority stays above 1. */
static void test_weight_moves_priority_not_health(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 200, 100, true, 0, PEER_LO);
	make_master(&h);
	h.now = 500;
	weight(&h, -120);
	EXPECT(&h, SEND(80), ARM(ADVERT, 100));
	assert_false(h.out.has_transition);
	assert_int_equal(vrrp_fsm_effective_priority(&h.cfg, &h.st), 80);
	assert_true(h.st.healthy);

	/* the peer (100) preempted the lowered master: we yield */
	advert(&h, 520, PEER_HI, 100, 100);
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	assert_true(h.out.has_transition);
	assert_int_equal(h.out.transition.cause, VRRP_FSM_CAUSE_HIGHER_PRIORITY);

	/* the check passes again: weight 0, priority 200 outranks the peer */
	h.now = 900;
	weight(&h, 0);
	assert_false(h.out.has_transition);
	advert(&h, 920, PEER_HI, 100, 100);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(200, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT, NULL);
	assert_int_equal(h.st.counters.resignations, 0);
}

/* A backup preempts a master lowered by its weight below ours, and a
 * weight that takes the priority to 1 resigns like a failed check. */
static void test_weight_backup_preempts_and_floor_resigns(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 100, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 50, PEER_HI, 200, 100);
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	advert(&h, 150, PEER_HI, 80, 100); /* the master's weight lowered it */
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(100, 100));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT, NULL);

	/* clamped: never the owner's 255, never below 1 */
	assert_int_equal(vrrp_fsm_priority_for(&h.cfg, true, false, 200), 254);
	assert_int_equal(vrrp_fsm_priority_for(&h.cfg, true, false, -200), 1);
	assert_int_equal(vrrp_fsm_priority_for(&h.cfg, false, false, 100), 1);
	assert_int_equal(vrrp_fsm_priority_for(&h.cfg, true, true, 100), 1);

	h.now = 300;
	weight(&h, -99);
	EXPECT(&h, CANCEL(ADVERT), SEND(0), ARM(MASTER_DOWN, 400));
	expect_transition(&h, VRRP_FSM_MASTER, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_UNHEALTHY,
			  "tracked checks' weight -99: priority 1, resign");
	assert_int_equal(h.st.counters.resignations, 1);
	/* the same weight again is no news */
	weight(&h, -99);
	EXPECT_NONE(&h);
}

/* ---- names and config ---- */

/* ---- BFD: the peer lost (issue 16) ---- */

/* A backup that follows a master takes over on PEER_DOWN at once, with the
 * takeover Master_Down_Timer would have made 1 s adverts later. */
static void test_peer_down_takes_over_at_once(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 1000, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	advert(&h, 1000, PEER_HI, 200, 1000);
	EXPECT(&h, ARM(MASTER_DOWN, 3610));
	h.now = 1030;
	ev(&h, VRRP_FSM_EV_PEER_DOWN);
	EXPECT(&h, CANCEL(MASTER_DOWN), TAKEOVER(100, 1000));
	expect_transition(&h, VRRP_FSM_BACKUP, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PEER_DOWN,
			  "peer 192.0.2.12 lost by BFD, last advert 30 ms ago");
	assert_int_equal(h.st.counters.peer_down_takeovers, 1);
	/* the cancelled Master_Down_Timer cannot act later */
	assert_false(h.st.timers[VRRP_FSM_TIMER_MASTER_DOWN].armed);
}

/* Nothing to do where no master is followed: a backup that never heard one
 * (its own Master_Down_Timer decides), a master, an instance in FAULT. */
static void test_peer_down_ignored_elsewhere(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 1000, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	h.now = 500;
	ev(&h, VRRP_FSM_EV_PEER_DOWN);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);

	h_init(&h, 3, 100, 1000, true, 0, PEER_LO);
	make_master(&h);
	ev(&h, VRRP_FSM_EV_PEER_DOWN);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_MASTER);

	ev(&h, VRRP_FSM_EV_LINK_DOWN);
	ev(&h, VRRP_FSM_EV_PEER_DOWN);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_FAULT);
	assert_int_equal(h.st.counters.peer_down_takeovers, 0);
}

/* A backup whose virtual MAC leaked (its link raised behind its back)
 * asks the master it follows to announce again: priority 0, no state or
 * timer change. Nobody is asked where no master is followed. */
static void test_mac_leaked_asks_the_master_to_announce(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 3, 100, 1000, true, 0, PEER_LO);
	ev(&h, VRRP_FSM_EV_STARTUP);
	h.now = 500;
	ev(&h, VRRP_FSM_EV_MAC_LEAKED); /* no master heard yet */
	EXPECT_NONE(&h);
	advert(&h, 1000, PEER_HI, 200, 1000);
	EXPECT(&h, ARM(MASTER_DOWN, 3610));
	h.now = 1030;
	ev(&h, VRRP_FSM_EV_MAC_LEAKED);
	EXPECT(&h, SEND(0));
	assert_int_equal(h.st.state, VRRP_FSM_BACKUP);
	assert_int_equal(h.st.counters.prio0_sent, 1);

	h_init(&h, 3, 100, 1000, true, 0, PEER_LO);
	make_master(&h);
	ev(&h, VRRP_FSM_EV_MAC_LEAKED);
	EXPECT_NONE(&h);
	assert_int_equal(h.st.state, VRRP_FSM_MASTER);
}

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
	    cmocka_unit_test(test_backup_expiry_before_its_deadline_waits_for_the_rest),
	    cmocka_unit_test(test_master_advert_expiry_early_waits_for_the_rest),
	    cmocka_unit_test(test_master_ignores_lower_reasserts_on_zero),
	    cmocka_unit_test(test_master_tie_broken_by_address),
	    cmocka_unit_test(test_preempt_immediate),
	    cmocka_unit_test(test_preempt_delay_timer),
	    cmocka_unit_test(test_preempt_delay_elapsed_on_advert),
	    cmocka_unit_test(test_preempt_delay_restarts_after_higher),
	    cmocka_unit_test(test_preempt_off),
	    cmocka_unit_test(test_v3_learned_interval),
	    cmocka_unit_test(test_v3_interval_beyond_tolerance_dropped),
	    cmocka_unit_test(test_priority_255_refused),
	    cmocka_unit_test(test_prio0_answers_thinned_to_one_per_interval),
	    cmocka_unit_test(test_v2_interval_mismatch_ignored),
	    cmocka_unit_test(test_shutdown),
	    cmocka_unit_test(test_init_ignores_everything_but_startup),
	    cmocka_unit_test(test_unhealthy_master_resigns_once),
	    cmocka_unit_test(test_drain_undrain),
	    cmocka_unit_test(test_health_recovery_preempts_back),
	    cmocka_unit_test(test_weight_moves_priority_not_health),
	    cmocka_unit_test(test_weight_backup_preempts_and_floor_resigns),
	    cmocka_unit_test(test_peer_down_takes_over_at_once),
	    cmocka_unit_test(test_peer_down_ignored_elsewhere),
	    cmocka_unit_test(test_mac_leaked_asks_the_master_to_announce),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_cfg_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
