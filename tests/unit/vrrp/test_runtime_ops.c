/* The operator's and the checks' inputs to the runtime of two nodes
 * (rt_harness.h): health (unhealthy, pending, healthy), drain and undrain,
 * reload with the same file and with a changed VIP list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "rt_harness.h"
#include "vrrp/runtime_internal.h"

enum { A, B };

#define GW4  "eth0/master/ipv4/gw"
#define BK4  "eth0/backup/ipv4/gw"
#define VIP4 "192.0.2.100"
#define VIPX "192.0.2.101"
#define VIPB "192.0.2.200"

static const struct rh_cfg lab_cfg = {
    .insts =
	{
	    {.name = GW4, .vrid = 51, .family = IP_V4, .vips = {VIP4 "/24"}, .prio = {200, 100}},
	    {.name = BK4, .vrid = 61, .family = IP_V4, .vips = {VIPB "/24"}, .prio = {100, 200}},
	},
    .n_insts = 2,
};

static void lab_up(struct rh_world *w)
{
	rh_world_init(w, 2, &lab_cfg);
	rh_start(w, A);
	rh_start(w, B);
	rh_run(w, 1000);
	assert_int_equal(rh_state(w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(w, B, BK4), VRRP_FSM_MASTER);
}

/* A master's adverts after the first fire on the node's grid (a tick of
 * 5 ms at 100 ms adverts, runtime_inst.c), exactly an interval apart:
 * masters whose timers share a tick send in one loop pass. */
static void test_adverts_leave_on_the_grid(void **state)
{
	struct rh_world w;
	uint64_t t0, prev = 0;
	size_t seen = 0;

	(void)state;
	lab_up(&w);
	t0 = w.now_ms;
	rh_run(&w, 1000);
	for (size_t k = 0; k < w.n_adverts; k++) {
		const struct rh_advert *a = &w.adverts[k];

		if (a->node != A || a->vrid != 51 || a->at_ms < t0)
			continue;
		assert_int_equal(a->at_ms % 5, 0);
		if (prev)
			assert_int_equal(a->at_ms - prev, 100);
		prev = a->at_ms;
		seen++;
	}
	assert_true(seen >= 9);
	rh_world_done(&w);
}

/* A backup does not re-arm its master-down timer for every advert (the
 * time armed stands while it is more than an interval away,
 * runtime_inst.c), yet takes over exactly a Master_Down_Interval after
 * the last advert it heard: the timer that fires early waits for the
 * rest. Node A is master of GW4 (an advert timer armed per advert) and
 * backup of BK4 (B's adverts every 100 ms). */
static void test_backup_rearms_master_down_every_third_advert(void **state)
{
	struct rh_world w;
	uint64_t arms, last_b = 0;

	(void)state;
	lab_up(&w);
	arms = w.nodes[A].timer_arms;
	rh_run(&w, 5000);
	arms = w.nodes[A].timer_arms - arms;
	/* 50 advert timers for GW4, and for BK4's 50 adverts heard one re-arm
	 * in three (the time armed, 361 ms ahead, stands at +100 and +200
	 * ms), not 50 */
	assert_in_range(arms, 60, 72);
	rh_crash(&w, B);
	rh_run(&w, 1000);
	for (size_t k = 0; k < w.n_adverts; k++)
		if (w.adverts[k].node == B && w.adverts[k].vrid == 61)
			last_b = w.adverts[k].at_ms;
	assert_int_equal(rh_state(&w, A, BK4), VRRP_FSM_MASTER);
	/* 3 x 100 ms + the skew, (256 - 100) x 100 / 256 ms rounded up */
	assert_int_equal(rh_last_transition(&w, A, BK4)->at_ms - last_b, 361);
	rh_world_done(&w);
}

/* A timer (a libevent event in the daemon) exists only while it can fire:
 * a backup holds its master-down timer alone; once it has taken over and
 * its GARP burst is over, its advert timer alone (no master-down timer
 * left from its days as backup, no GARP timer without garp.refresh). */
static void test_only_timers_that_can_fire_are_kept(void **state)
{
	struct rh_world w;
	struct vrrp_inst *bk;

	(void)state;
	lab_up(&w);
	bk = rh_inst(&w, A, BK4);
	assert_int_equal(rh_state(&w, A, BK4), VRRP_FSM_BACKUP);
	assert_non_null(bk->timers[VRRP_FSM_TIMER_MASTER_DOWN]);
	assert_null(bk->timers[VRRP_FSM_TIMER_ADVERT]);
	assert_null(bk->garp_timer);
	rh_crash(&w, B);
	rh_run(&w, 400); /* taken over 261-361 ms after the crash: the burst of
			  * 3 rounds 100 ms apart runs */
	assert_int_equal(rh_state(&w, A, BK4), VRRP_FSM_MASTER);
	assert_non_null(bk->garp_timer);
	rh_run(&w, 1000);
	assert_non_null(bk->timers[VRRP_FSM_TIMER_ADVERT]);
	assert_null(bk->timers[VRRP_FSM_TIMER_MASTER_DOWN]);
	assert_null(bk->timers[VRRP_FSM_TIMER_PREEMPT]);
	assert_null(bk->garp_timer);
	assert_true(rh_garps(&w, A, VIPB, 0) >= 3);
	rh_world_done(&w);
}

/* Gateway lost on A: it resigns (priority 1), keeps the VIP until it hears
 * B as master (make-before-break), and B announces. A pending recovery
 * does not preempt; a confirmed one does, with A's announcement. */
/* vrrp.packet_socket: the master's adverts leave as frames while its
 * kernel has verified the peer's MAC, through the IP path while it has
 * not (the kernel verifies it then), and the backup hears every one either
 * way; without the key none leaves as a frame. */
/* lab_cfg with vrrp.packet_socket on GW4, both nodes up: A master of
 * it, B backup. */
static void packet_lab_up(struct rh_world *w)
{
	struct rh_cfg cfg = lab_cfg; /* rh_world_init copies it */

	cfg.insts[0].packet_socket = true;
	rh_world_init(w, 2, &cfg);
	rh_start(w, A);
	rh_start(w, B);
	rh_run(w, 1000);
	assert_int_equal(rh_state(w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(w, B, GW4), VRRP_FSM_BACKUP);
}

static void test_packet_socket_adverts_follow_the_neighbour_table(void **state)
{
	struct rh_world w;
	uint64_t sent, frames;

	(void)state;
	packet_lab_up(&w);
	frames = w.nodes[A].frames_sent;
	sent = rh_inst(&w, A, GW4)->fsm.counters.adverts_sent;
	rh_run(&w, 1000);
	assert_int_equal(w.nodes[A].frames_sent - frames,
			 rh_inst(&w, A, GW4)->fsm.counters.adverts_sent - sent);
	assert_true(w.nodes[A].frames_sent - frames >= 9);
	assert_int_equal(rh_inst(&w, A, GW4)->adverts_as_frames, w.nodes[A].frames_sent);
	/* B masters BK4 without the key: its adverts never go as frames */
	assert_int_equal(w.nodes[B].frames_sent, 0);
	assert_true(rh_inst(&w, B, BK4)->fsm.counters.adverts_sent > 9);

	w.nodes[A].neigh_unverified = true;
	frames = w.nodes[A].frames_sent;
	rh_run(&w, 1000);
	assert_int_equal(w.nodes[A].frames_sent, frames);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_BACKUP);
	w.nodes[A].neigh_unverified = false;
	rh_run(&w, 500);
	assert_true(w.nodes[A].frames_sent > frames);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_inst(&w, B, GW4)->fsm.counters.transitions, 1);
	rh_world_done(&w);
}

/* Frames the peer never takes (an IPsec policy on the pair drops what
 * bypassed it): the backup takes over, the master hears a lower master
 * and sends through the IP path for RT_FRAMES_PAUSE_MS, and the peer
 * yields again. One dual-master spell, not one that lasts. */
static void test_packet_socket_falls_back_when_the_peer_does_not_take_frames(void **state)
{
	struct rh_world w;
	uint64_t frames;

	(void)state;
	packet_lab_up(&w);
	w.nodes[A].frames_lost = true;
	rh_run(&w, 1000);
	/* B took over once (no advert for 3 intervals), then yielded to A's
	 * adverts by the IP path */
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_inst(&w, B, GW4)->fsm.counters.became_master, 1);
	frames = w.nodes[A].frames_sent;
	rh_run(&w, RT_FRAMES_PAUSE_MS - 2000);
	assert_int_equal(w.nodes[A].frames_sent, frames);
	assert_int_equal(rh_inst(&w, B, GW4)->fsm.counters.became_master, 1);
	rh_world_done(&w);
}

static void test_health_moves_the_vip(void **state)
{
	struct rh_world w;
	uint64_t t0, t1, t2;

	(void)state;
	lab_up(&w);
	t0 = w.now_ms;
	rh_health(&w, A, false, false, "gateway 192.0.2.1 unreachable (3/3 probes)");
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	assert_true(rh_holds(&w, A, VIP4));	       /* until B is heard as master */
	assert_int_equal(rh_adverts(&w, A, 0, t0), 1); /* resigning: priority 0 */
	assert_string_equal(rh_inst(&w, A, GW4)->last_reason,
			    "unhealthy: gateway 192.0.2.1 unreachable (3/3 probes)");
	rh_run(&w, 0);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_last_transition(&w, B, GW4)->at_ms, t0); /* priority 1: at once */
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIPB, B)); /* was B's already */
	rh_run(&w, 2000);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);

	/* back, but pending (the checks restarted): no preemption */
	t1 = w.now_ms;
	rh_health(&w, A, true, true, "healthy: gateway 192.0.2.1 not judged yet");
	rh_run(&w, 2000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_transitions(&w, B, NULL, t1), 0);
	assert_true(rh_inst(&w, A, GW4)->fsm.counters.preempts_pending > 0);

	/* risen: A takes its slot on B's next advert */
	t2 = w.now_ms;
	rh_health(&w, A, true, false, "healthy");
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_garps(&w, A, VIP4, t2), 3);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_client_reaches(&w, VIPB, B));
	assert_int_equal(rh_transitions(&w, B, BK4, 0), 2); /* its own slot never moved */
	rh_world_done(&w);
}

/* A weighted tracked check (vrrp.track {check, weight: -120}) failing on
 * A: A keeps advertising, lowered to 80, B (100, preempt) takes the slot
 * without a resignation, and the client follows; the check passes again
 * and A preempts back. A stays healthy throughout. */
static void test_weight_moves_the_vip(void **state)
{
	struct rh_world w;
	uint64_t t0, t1;

	(void)state;
	lab_up(&w);
	t0 = w.now_ms;
	vrrp_inst_set_weight(rh_inst(&w, A, GW4), -120, "web -120");
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_inst(&w, A, GW4)->fsm.healthy);
	/* no resignation: A said 80 at once, B preempted, A yielded to it */
	assert_int_equal(rh_inst(&w, A, GW4)->fsm.counters.resignations, 0);
	assert_int_equal(rh_adverts(&w, A, 80, t0), 1);
	assert_int_equal(rh_last_transition(&w, B, GW4)->cause, VRRP_FSM_CAUSE_PREEMPT);
	assert_int_equal(rh_last_transition(&w, A, GW4)->cause, VRRP_FSM_CAUSE_HIGHER_PRIORITY);
	/* the other slot never moved */
	assert_int_equal(rh_state(&w, B, BK4), VRRP_FSM_MASTER);
	assert_int_equal(rh_transitions(&w, B, BK4, t0), 0);

	t1 = w.now_ms;
	vrrp_inst_set_weight(rh_inst(&w, A, GW4), 0, "");
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_int_equal(rh_transitions(&w, A, GW4, t1), 1);
	rh_world_done(&w);
}

/* Drain: A's instances advertise priority 1 and the VIPs it holds go to B,
 * loss-free; undrain brings them back. Drained, a restarted instance
 * starts drained. */
static void test_drain_and_undrain(void **state)
{
	struct rh_world w;
	uint64_t t0, t1;

	(void)state;
	lab_up(&w);
	t0 = w.now_ms;
	vrrp_rt_set_drained(&w.nodes[A].rt, true);
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIPB, B));
	assert_int_equal(rh_last_transition(&w, A, GW4)->cause, VRRP_FSM_CAUSE_DRAINED);
	assert_int_equal(rh_transitions(&w, B, BK4, t0), 0);

	/* a reload while drained: a new instance starts drained */
	w.cfg.insts[2] = (struct rh_inst_cfg){.name = "eth0/master/ipv4/vrrp",
					      .vrid = 71,
					      .family = IP_V4,
					      .vips = {"192.0.2.150/24"},
					      .prio = {200, 100}};
	w.cfg.n_insts = 3;
	rh_reload(&w, A);
	rh_reload(&w, B);
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, B, "eth0/master/ipv4/vrrp"), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, "192.0.2.150", B));

	t1 = w.now_ms;
	vrrp_rt_set_drained(&w.nodes[A].rt, false);
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, A, "eth0/master/ipv4/vrrp"), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_client_reaches(&w, "192.0.2.150", A));
	assert_true(rh_client_reaches(&w, VIPB, B));
	assert_int_equal(rh_garps(&w, A, VIP4, t1), 3);
	rh_world_done(&w);
}

/* A reload with the file in force moves nothing: no transition, no VIP
 * removed or added, no announcement. */
static void test_reload_unchanged(void **state)
{
	struct rh_world w;
	uint64_t t0;

	(void)state;
	lab_up(&w);
	t0 = w.now_ms;
	rh_reload(&w, A);
	rh_reload(&w, B);
	rh_run(&w, 3000);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 0);
	assert_int_equal(rh_garps(&w, B, VIPB, t0), 0);
	assert_int_equal(rh_inst(&w, A, GW4)->vip_errors, 0);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_client_reaches(&w, VIPB, B));
	rh_world_done(&w);
}

/* A VIP added to an instance: the master adds it and announces it once,
 * the backup does nothing; no transition. Removed again: gone from the
 * master. */
static void test_reload_changed_vip_list(void **state)
{
	struct rh_world w;
	uint64_t t0, t1;

	(void)state;
	lab_up(&w);
	t0 = w.now_ms;
	w.cfg.insts[0].vips[1] = VIPX "/24";
	rh_reload(&w, A);
	rh_reload(&w, B);
	assert_true(rh_holds(&w, A, VIPX));
	assert_false(rh_holds(&w, B, VIPX));
	rh_run(&w, 0); /* the GARP/NA queue's drain: the loop's next pass, same time */
	assert_int_equal(rh_garps(&w, A, VIPX, t0), 1);
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 0);
	rh_run(&w, 2000);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	assert_true(rh_client_reaches(&w, VIPX, A));
	assert_true(rh_client_reaches(&w, VIP4, A));

	/* the new VIP fails over with the rest */
	rh_stop(&w, A);
	rh_run(&w, 100);
	assert_true(rh_client_reaches(&w, VIPX, B));
	rh_start(&w, A);
	rh_run(&w, 1000);
	assert_true(rh_client_reaches(&w, VIPX, A));

	t1 = w.now_ms;
	w.cfg.insts[0].vips[1] = NULL;
	rh_reload(&w, A);
	rh_reload(&w, B);
	rh_run(&w, 1000);
	assert_false(rh_holds(&w, A, VIPX));
	assert_true(rh_holds(&w, A, VIP4));
	assert_int_equal(rh_transitions(&w, A, NULL, t1), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t1), 0);
	rh_world_done(&w);
}

/* A changed priority restarts that instance only: the other keeps its
 * state and VIPs; the new preferred node takes the slot. */
static void test_reload_changed_priority(void **state)
{
	struct rh_world w;
	uint64_t t0;

	(void)state;
	lab_up(&w);
	t0 = w.now_ms;
	w.cfg.insts[0].prio[0] = 50;
	rh_reload(&w, A);
	rh_reload(&w, B);
	rh_run(&w, 2000);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_int_equal(rh_transitions(&w, A, BK4, t0), 0);
	assert_int_equal(rh_transitions(&w, B, BK4, t0), 0);
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_adverts_leave_on_the_grid),
	    cmocka_unit_test(test_backup_rearms_master_down_every_third_advert),
	    cmocka_unit_test(test_only_timers_that_can_fire_are_kept),
	    cmocka_unit_test(test_packet_socket_adverts_follow_the_neighbour_table),
	    cmocka_unit_test(test_packet_socket_falls_back_when_the_peer_does_not_take_frames),
	    cmocka_unit_test(test_health_moves_the_vip),
	    cmocka_unit_test(test_weight_moves_the_vip),
	    cmocka_unit_test(test_drain_and_undrain),
	    cmocka_unit_test(test_reload_unchanged),
	    cmocka_unit_test(test_reload_changed_vip_list),
	    cmocka_unit_test(test_reload_changed_priority),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
