/* GARP/NA through the runtime's queue (runtime_garp.c, docs/vrrp.md "GARP
 * and NA"): a takeover of thousands of instances is announced a burst per
 * loop pass while adverts keep their time; a frame whose instance stopped,
 * was removed, left MASTER or vanished with its daemon is never sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rt_harness.h"

enum { A, B };

#define GW4  "eth0/master/ipv4/gw"
#define VIP4 "192.0.2.100"

static const char *bulk_vip(size_t k)
{
	static char buf[64];

	return rh_bulk_vip(k, buf, sizeof(buf));
}

static struct vrrp_inst *bulk_inst(struct rh_world *w, size_t k)
{
	char name[VRRP_RT_NAME_MAX];

	return rh_inst(w, A, rh_bulk_name(k, name, sizeof(name)));
}

/* Runs the loop a millisecond at a time until node i sent a GARP/NA;
 * the time of the first. */
static uint64_t run_to_first_garp(struct rh_world *w, int i)
{
	for (int ms = 0; ms < 10000; ms++) {
		for (size_t g = 0; g < w->n_garps; g++)
			if (w->garps[g].node == i)
				return w->garps[g].at_ms;
		rh_run(w, 1);
	}
	fail_msg("node %d sent no GARP/NA in 10 s", i);
	return 0;
}

/* One instance alone: its takeover's first round leaves in the loop pass
 * after the transition, at the same time; the next two garp.interval
 * apart. */
static void test_single_takeover_is_announced_at_once(void **state)
{
	struct rh_cfg cfg = {
	    .insts = {{.name = GW4,
		       .vrid = 51,
		       .family = IP_V4,
		       .vips = {VIP4 "/24"},
		       .prio = {200, 100}}},
	    .n_insts = 1,
	};
	struct rh_world w;
	uint64_t t;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	rh_start(&w, A);
	t = run_to_first_garp(&w, A);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_last_transition(&w, A, GW4)->at_ms, t);
	rh_run(&w, 1000);
	assert_int_equal(rh_garps(&w, A, VIP4, t), 3);
	assert_int_equal(rh_garps(&w, A, VIP4, t + 1), 2);
	assert_int_equal(rh_garps(&w, A, VIP4, t + 101), 1);
	assert_int_equal(w.nodes[A].rt.garp.deferred, 0);
	assert_int_equal(w.nodes[A].rt.garp.depth, 0);
	rh_world_done(&w);
}

#define N_BIG 2000

/* 2000 instances take over in the same millisecond (nobody else is up),
 * adverts every 50 ms, three GARP/NA rounds 100 ms apart, and sending 32
 * frames costs the loop a millisecond: a round takes ~63 ms to leave, so
 * the adverts due 50 ms after the takeover fall inside the first drain.
 * Every VIP gets its three frames, no pass sends more than a burst, and
 * every advert leaves on time, before the queue is empty. */
static void test_takeover_of_2000_is_paced(void **state)
{
	struct rh_cfg cfg = {
	    .n_bulk = N_BIG, .bulk_interval_ms = 50, .garp_count = 3, .garp_interval_ms = 100};
	struct rh_world w;
	const struct vrrp_rt_garp_queue *q;
	uint64_t t, end_first;
	size_t on_time;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	w.garp_frames_per_ms = 32;
	rh_start(&w, A);
	t = run_to_first_garp(&w, A);
	for (size_t k = 0; k < N_BIG; k++) {
		char name[VRRP_RT_NAME_MAX];
		const struct rh_transition *tr =
		    rh_last_transition(&w, A, rh_bulk_name(k, name, sizeof(name)));

		assert_int_equal(tr->to, VRRP_FSM_MASTER);
		assert_int_equal(tr->at_ms, t); /* all at once; the first frame too */
	}
	rh_run(&w, 400);
	q = &w.nodes[A].rt.garp;

	/* every VIP announced garp.count times, nothing dropped or failed */
	for (size_t k = 0; k < N_BIG; k++) {
		assert_int_equal(rh_garps(&w, A, bulk_vip(k), t), 3);
		assert_int_equal(bulk_inst(&w, k)->garp_sent, 3);
		assert_int_equal(bulk_inst(&w, k)->garp_errors, 0);
		assert_int_equal(bulk_inst(&w, k)->garp_queued, 0);
	}
	assert_int_equal(w.n_garps, 3 * N_BIG);
	assert_int_equal(q->depth, 0);
	assert_null(q->head);
	assert_int_equal(q->stale, 0);
	assert_true(q->max_depth >= N_BIG);
	assert_true(q->deferred + VRRP_RT_GARP_BURST >= N_BIG);

	/* a burst per pass at most, and the burst is what a pass sends */
	assert_int_equal(rh_garps_max_per_pass(&w, A), VRRP_RT_GARP_BURST);
	assert_true(q->passes >= 3 * N_BIG / VRRP_RT_GARP_BURST);

	/* the first round's last frame left after the adverts due at t + 50
	 * (on the advert timers' grid: a tick of 2 ms at 50 ms adverts,
	 * runtime_inst.c, so due by t + 52, and stepped within the next ms) */
	end_first = w.garps[N_BIG - 1].at_ms;
	assert_true(end_first > t + 53);
	/* ... which all left on time, between two bursts */
	on_time = rh_adverts(&w, A, 200, t + 50) - rh_adverts(&w, A, 200, t + 53);
	assert_int_equal(on_time, N_BIG);
	assert_int_equal(rh_adverts(&w, A, 200, t + 1) - rh_adverts(&w, A, 200, t + 50), 0);
	rh_world_done(&w);
}

#define N_MID 300

/* A takeover of 300 whose first round is still being sent. */
static void mid_drain(struct rh_world *w)
{
	struct rh_cfg cfg = {.n_bulk = N_MID, .garp_count = 3, .garp_interval_ms = 100};

	rh_world_init(w, 2, &cfg);
	w->garp_frames_per_ms = 32;
	rh_start(w, A);
	run_to_first_garp(w, A);
	assert_true(w->nodes[A].rt.garp.depth > VRRP_RT_GARP_BURST);
}

/* Instances removed by a reload, and one that resigns, while their
 * frames wait: none of them is sent, the others' are. */
static void test_removed_or_resigned_sends_nothing_queued(void **state)
{
	struct rh_world w;
	const struct vrrp_rt_garp_queue *q;
	uint64_t t_rm, depth, queued = 0, stale;
	struct vrrp_inst *quits;

	(void)state;
	mid_drain(&w);
	q = &w.nodes[A].rt.garp;
	for (size_t k = N_MID - 10; k < N_MID; k++) {
		assert_int_equal(bulk_inst(&w, k)->garp_queued, 1);
		queued += bulk_inst(&w, k)->garp_queued;
	}
	depth = q->depth;
	t_rm = w.now_ms;
	w.cfg.n_bulk = N_MID - 10;
	rh_reload(&w, A); /* the last 10 stop and are freed */
	assert_int_equal(w.nodes[A].rt.n_insts, N_MID - 10);
	assert_int_equal(q->depth, depth - queued);
	assert_int_equal(q->stale, queued);

	/* one still waiting resigns: out of MASTER, its frame is dropped */
	quits = bulk_inst(&w, N_MID - 20);
	assert_int_equal(quits->garp_queued, 1);
	stale = q->stale;
	vrrp_inst_set_healthy(quits, false, false, "gateway 192.0.2.1 unreachable");
	assert_int_equal(quits->fsm.state, VRRP_FSM_BACKUP);
	assert_int_equal(quits->garp_queued, 0);
	assert_int_equal(q->stale, stale + 1);

	rh_run(&w, 1000); /* less than its Master_Down_Interval: it stays BACKUP */
	assert_int_equal(quits->fsm.state, VRRP_FSM_BACKUP);
	assert_int_equal(rh_garps(&w, A, bulk_vip(N_MID - 20), t_rm), 0);
	for (size_t k = N_MID - 10; k < N_MID; k++)
		assert_int_equal(rh_garps(&w, A, bulk_vip(k), t_rm), 0);
	for (size_t k = 0; k < N_MID - 10; k++)
		if (k != N_MID - 20)
			assert_int_equal(rh_garps(&w, A, bulk_vip(k), 0), 3);
	assert_int_equal(q->depth, 0);
	assert_int_equal(rh_garps_max_per_pass(&w, A), VRRP_RT_GARP_BURST);
	rh_world_done(&w);
}

/* SIGTERM while frames wait: the shutdown drops them all (the instances
 * left MASTER), nothing is sent after it. */
static void test_shutdown_drops_the_queue(void **state)
{
	struct rh_world w;
	struct vrrp_rt *rt;
	size_t sent;

	(void)state;
	mid_drain(&w);
	rt = &w.nodes[A].rt;
	sent = w.n_garps;
	vrrp_rt_shutdown(rt);
	assert_int_equal(rt->garp.depth, 0);
	assert_null(rt->garp.head);
	assert_null(rt->garp.tail);
	rh_run(&w, 1000);
	assert_int_equal(w.n_garps, sent);
	rh_crash(&w, A);
	rh_world_done(&w);
}

/* The daemon vanishes (the runtime is freed without a stop) with frames
 * queued: the queue holds no freed instance (ASan), its timer is gone and
 * nothing more is sent. */
static void test_freed_with_frames_queued(void **state)
{
	struct rh_world w;
	size_t sent;

	(void)state;
	mid_drain(&w);
	sent = w.n_garps;
	rh_crash(&w, A);
	/* each instance took its frames out as it was freed */
	assert_null(w.nodes[A].rt.garp.head);
	assert_null(w.nodes[A].rt.garp.tail);
	assert_int_equal(w.nodes[A].rt.garp.depth, 0);
	assert_int_equal(w.nodes[A].open_timers, 0);
	rh_run(&w, 1000);
	assert_int_equal(w.n_garps, sent);
	rh_world_done(&w);
}

#define VIPX "192.0.2.101"
#define VIPY "192.0.2.102"

/* A reload changes the VIP list of an instance whose first round still
 * waits behind a thousand others: the frame of the VIP kept stays, the one of
 * the VIP dropped goes (stale), the VIP added gets its own; then the
 * burst's next rounds cover the new list. */
static void test_vip_list_change_while_queued(void **state)
{
	struct rh_cfg cfg = {
	    .insts = {{.name = GW4,
		       .vrid = 51,
		       .family = IP_V4,
		       .vips = {VIP4 "/24", VIPX "/24"},
		       .prio = {150, 100}}}, /* a longer skew: over ~20 ms after the bulk */
	    .n_insts = 1,
	    .n_bulk = 1000,
	    .bulk_interval_ms = 100,
	    .garp_count = 3,
	    .garp_interval_ms = 200,
	};
	struct rh_world w;
	struct vrrp_inst *gw;
	uint64_t stale;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	w.garp_frames_per_ms = 32; /* the bulk's round takes ~31 ms */
	rh_start(&w, A);
	gw = rh_inst(&w, A, GW4);
	for (int ms = 0; ms < 2000 && gw->fsm.state != VRRP_FSM_MASTER; ms++)
		rh_run(&w, 1);
	assert_int_equal(gw->fsm.state, VRRP_FSM_MASTER);
	assert_int_equal(gw->garp_queued, 2); /* behind the bulk's first round */
	assert_int_equal(rh_garps(&w, A, VIP4, 0), 0);

	stale = w.nodes[A].rt.garp.stale;
	w.cfg.insts[0].vips[1] = VIPY "/24";
	rh_reload(&w, A);
	gw = rh_inst(&w, A, GW4);
	assert_int_equal(gw->fsm.state, VRRP_FSM_MASTER);      /* updated in place */
	assert_int_equal(gw->garp_queued, 2);		       /* VIP4's, and VIPY's own */
	assert_int_equal(w.nodes[A].rt.garp.stale, stale + 1); /* VIPX's */

	rh_run(&w, 1000);
	assert_int_equal(rh_garps(&w, A, VIPX, 0), 0);
	assert_int_equal(rh_garps(&w, A, VIP4, 0), 3);
	assert_int_equal(rh_garps(&w, A, VIPY, 0), 3);
	assert_int_equal(gw->garp_sent, 6);
	assert_int_equal(w.nodes[A].rt.garp.depth, 0);
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single_takeover_is_announced_at_once),
	    cmocka_unit_test(test_takeover_of_2000_is_paced),
	    cmocka_unit_test(test_removed_or_resigned_sends_nothing_queued),
	    cmocka_unit_test(test_shutdown_drops_the_queue),
	    cmocka_unit_test(test_freed_with_frames_queued),
	    cmocka_unit_test(test_vip_list_change_while_queued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
