/* VIP additions and removals through the runtime's queue (runtime_vips.c,
 * docs/vrrp.md "VIP queue"): when every address costs the kernel a walk
 * of its routing table (issue 16), a takeover of thousands of instances
 * adds or removes their VIPs a budget per loop pass, the other instances'
 * adverts keep their time, and every VIP ends on exactly one node. An
 * instance that flips back while its operations wait cancels them; one
 * removed by a reload or stopped by a shutdown leaves nothing queued and
 * no VIP behind. */
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

static struct vrrp_inst *bulk_inst(struct rh_world *w, int i, size_t k)
{
	char name[VRRP_RT_NAME_MAX];

	return rh_inst(w, i, rh_bulk_name(k, name, sizeof(name)));
}

/* The queue's bookkeeping agrees with its instances: each queued one is a
 * live instance of the runtime with operations waiting, the depth is
 * their sum, and no instance outside it has any. */
static void assert_queue_sane(struct rh_world *w, int i)
{
	struct vrrp_rt *rt = &w->nodes[i].rt;
	uint64_t sum = 0, linked = 0, waiting = 0;

	for (struct vrrp_inst *q = rt->vipq.head; q; q = q->vipq_next) {
		bool live = false;

		for (size_t k = 0; k < rt->n_insts; k++)
			live |= rt->insts[k] == q;
		assert_true(live);
		assert_true(q->vip_ops > 0);
		sum += q->vip_ops;
		linked++;
	}
	for (size_t k = 0; k < rt->n_insts; k++)
		waiting += rt->insts[k]->vip_ops > 0;
	assert_int_equal(sum, rt->vipq.depth);
	assert_int_equal(linked, waiting);
}

/* Runs a millisecond at a time until node i's instance name is MASTER. */
static uint64_t run_to_master(struct rh_world *w, int i, const char *name)
{
	for (int ms = 0; ms < 20000; ms++) {
		if (rh_state(w, i, name) == VRRP_FSM_MASTER)
			return w->now_ms;
		rh_run(w, 1);
	}
	fail_msg("%s never became MASTER", name);
	return 0;
}

/* One instance: its VIP goes in the step that takes over, as before the
 * queue, and its advert and GARP after it; nothing waits for a later pass. */
static void test_single_takeover_adds_at_once(void **state)
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
	const struct vrrp_rt_vip_queue *q;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	w.vip_op_ms = 2;
	rh_start(&w, A);
	run_to_master(&w, A, GW4);
	q = &w.nodes[A].rt.vipq;
	assert_true(rh_holds(&w, A, VIP4));
	assert_int_equal(rh_inst(&w, A, GW4)->vip_ops, 0);
	assert_int_equal(q->deferred, 0);
	assert_int_equal(q->passes, 1);
	assert_int_equal(rh_adverts(&w, A, 200, 0), 1);
	rh_run(&w, 500);
	assert_int_equal(rh_garps(&w, A, VIP4, 0), 3);
	assert_true(rh_client_reaches(&w, VIP4, A));
	rh_world_done(&w);
}

#define N_BIG	  2000
#define GW4_VRID  252 /* the bulk's VRIDs are 1..250 */
#define GW4_EVERY 100

/* The largest gap between node i's adverts of vrid since t. */
static uint64_t max_advert_gap(const struct rh_world *w, int i, uint8_t vrid, uint64_t t)
{
	uint64_t last = 0, gap = 0;

	for (size_t k = 0; k < w->n_adverts; k++) {
		const struct rh_advert *a = &w->adverts[k];

		if (a->node != i || a->vrid != vrid || a->at_ms < t)
			continue;
		if (last && a->at_ms - last > gap)
			gap = a->at_ms - last;
		last = a->at_ms;
	}
	return gap;
}

/* Adverts of vrid node i sent so far. */
static size_t advert_count(const struct rh_world *w, int i, uint8_t vrid)
{
	size_t n = 0;

	for (size_t k = 0; k < w->n_adverts; k++)
		n += w->adverts[k].node == i && w->adverts[k].vrid == vrid;
	return n;
}

/* Node B runs alone and holds 2000 instances' VIPs; node A starts and
 * takes every one over (priority 200 to B's 100), while B stays master of
 * one instance of its own at 100 ms adverts. Adding or removing a VIP
 * costs the kernel 2 ms: 4 s of work on each node, which done in the
 * step (before the queue) held each loop that long, past the 360 ms
 * Master_Down_Interval of B's instance at A. Now no pass does more than
 * its budget, B's adverts leave on time, nothing flaps, and every VIP
 * ends on exactly one node. */
static void test_mass_takeover_with_costly_vips(void **state)
{
	struct rh_cfg cfg = {
	    .insts = {{.name = GW4,
		       .vrid = GW4_VRID,
		       .family = IP_V4,
		       .vips = {VIP4 "/24"},
		       .prio = {100, 200},
		       .interval_ms = GW4_EVERY}},
	    .n_insts = 1,
	    .n_bulk = N_BIG,
	};
	const uint64_t per_pass = VRRP_RT_VIP_BUDGET_MS / 2 + 1;
	struct rh_world w;
	uint64_t t0, gap;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	w.vip_op_ms = 2;
	rh_start(&w, B);
	rh_run(&w, 10000); /* 3.6 s to take over, 4 s to add */
	for (size_t k = 0; k < N_BIG; k++)
		assert_true(rh_holds(&w, B, bulk_vip(k)));
	assert_true(w.nodes[B].rt.vipq.max_depth >= N_BIG - per_pass);
	assert_int_equal(w.nodes[B].rt.vipq.depth, 0);

	t0 = w.now_ms;
	rh_start(&w, A);
	rh_run(&w, 20000);

	/* B's own instance never noticed: its adverts kept their time */
	gap = max_advert_gap(&w, B, GW4_VRID, t0);
	print_message("B's adverts at most %llu ms apart while the bulk moved\n",
		      (unsigned long long)gap);
	assert_true(gap <= GW4_EVERY + 5 + VRRP_RT_VIP_BUDGET_MS + 2 * w.vip_op_ms);
	assert_int_equal(rh_transitions(&w, B, GW4, t0), 0);
	assert_int_equal(rh_transitions(&w, A, GW4, t0), 1); /* INIT -> BACKUP */
	assert_true(rh_client_reaches(&w, VIP4, B));

	/* every VIP moved once and sits on A alone */
	for (size_t k = 0; k < N_BIG; k++) {
		char name[VRRP_RT_NAME_MAX];

		rh_bulk_name(k, name, sizeof(name));
		assert_int_equal(rh_state(&w, A, name), VRRP_FSM_MASTER);
		assert_int_equal(rh_state(&w, B, name), VRRP_FSM_BACKUP);
		assert_int_equal(rh_transitions(&w, A, name, t0), 2);
		assert_int_equal(rh_transitions(&w, B, name, t0), 1);
		assert_true(rh_holds(&w, A, bulk_vip(k)));
		assert_false(rh_holds(&w, B, bulk_vip(k)));
	}
	/* each of B's leaving masters told A with priority 0, once, after
	 * its VIP was gone (release_then_tell, waiting in the queue) */
	assert_int_equal(rh_adverts(&w, B, 0, t0), N_BIG);
	/* a budget per pass: 2 ms ops in a 4 ms budget, the first at 0 */
	assert_true(w.nodes[A].vip_ops_max_per_pass <= per_pass);
	assert_true(w.nodes[B].vip_ops_max_per_pass <= per_pass);
	assert_true(w.nodes[A].rt.vipq.deferred > 0);
	assert_true(w.nodes[B].rt.vipq.deferred > 0);
	for (int i = A; i <= B; i++) {
		assert_int_equal(w.nodes[i].rt.vipq.depth, 0);
		assert_null(w.nodes[i].rt.vipq.head);
		assert_queue_sane(&w, i);
	}
	rh_world_done(&w);
}

#define N_MID 300
#define VM4   "vm4-252-eth0" /* GW4's virtual MAC link, with virtual_mac */

/* Node A alone with 300 instances whose VIPs cost 20 ms each: the step
 * that takes them all over leaves all but the first in the queue. */
static void mid_queue(struct rh_world *w)
{
	struct rh_cfg cfg = {.n_bulk = N_MID};
	char name[VRRP_RT_NAME_MAX];

	rh_world_init(w, 2, &cfg);
	w->vip_op_ms = 20;
	rh_start(w, A);
	run_to_master(w, A, rh_bulk_name(0, name, sizeof(name)));
	assert_true(w->nodes[A].rt.vipq.depth > N_MID - 10);
	assert_queue_sane(w, A);
}

/* Add then remove, and remove then add, of VIPs still queued. An
 * instance whose link goes down before its add ran never holds its VIP,
 * nor announces it. Then every instance's link goes down and up again
 * while the removals wait: those that take over again before their
 * removal ran keep the VIP (the kernel never saw either operation). */
static void test_flip_flop_cancels(void **state)
{
	struct rh_world w;
	struct vrrp_rt *rt;
	struct vrrp_inst *last;
	uint64_t cancelled, t;

	(void)state;
	mid_queue(&w);
	rt = &w.nodes[A].rt;
	last = bulk_inst(&w, A, N_MID - 1);
	assert_int_equal(last->fsm.state, VRRP_FSM_MASTER);
	assert_int_equal(last->vip_ops, 1);
	assert_false(rh_holds(&w, A, bulk_vip(N_MID - 1)));
	cancelled = rt->vipq.cancelled;
	vrrp_inst_set_link(last, false, "no carrier");
	assert_int_equal(last->fsm.state, VRRP_FSM_FAULT);
	assert_int_equal(last->vip_ops, 0);
	assert_int_equal(rt->vipq.cancelled, cancelled + 1);
	assert_queue_sane(&w, A);
	rh_run(&w, 8000); /* the others' adds: 6 s */
	assert_false(rh_holds(&w, A, bulk_vip(N_MID - 1)));
	assert_int_equal(rh_garps(&w, A, bulk_vip(N_MID - 1), 0), 0);
	for (size_t k = 0; k < N_MID - 1; k++)
		assert_true(rh_holds(&w, A, bulk_vip(k)));
	assert_int_equal(w.nodes[A].vip_ops, N_MID - 1);
	vrrp_inst_set_link(last, true, "up");

	/* every link down at once (removals queued), up 100 ms later */
	for (size_t k = 0; k < rt->n_insts; k++)
		vrrp_inst_set_link(rt->insts[k], false, "no carrier");
	rh_run(&w, 100);
	for (size_t k = 0; k < rt->n_insts; k++)
		vrrp_inst_set_link(rt->insts[k], true, "up");
	assert_true(rt->vipq.depth > N_MID / 2);
	cancelled = rt->vipq.cancelled;
	t = w.now_ms;
	rh_run(&w, 15000); /* master down (3.6 s), then the adds */
	for (size_t k = 0; k < N_MID; k++) {
		assert_int_equal(bulk_inst(&w, A, k)->fsm.state, VRRP_FSM_MASTER);
		assert_true(rh_holds(&w, A, bulk_vip(k)));
	}
	/* the removals that waited when their instance took over again
	 * cancelled out: the kernel removed and re-added only the others */
	{
		uint64_t kept = rt->vipq.cancelled - cancelled;
		uint64_t moved = N_MID - 1 - kept;

		print_message("%llu removals cancelled by the takeover\n",
			      (unsigned long long)kept);
		assert_true(kept > 0);
		/* the first 299 adds, then per moved VIP a removal and an add,
		 * and the last instance's add */
		assert_int_equal(w.nodes[A].vip_ops, N_MID - 1 + 2 * moved + 1);
	}
	assert_true(rh_garps(&w, A, bulk_vip(N_MID - 1), t) > 0);
	assert_int_equal(rt->vipq.depth, 0);
	assert_queue_sane(&w, A);
	rh_world_done(&w);
}

/* Remove then add: B leaves master of 300 instances as a split heals and
 * it hears A (removals 20 ms each pile up, each with its priority 0
 * owed), and one
 * whose removal still waits takes over again at once (its peer reported
 * down): the removal cancels out, the VIP never left B, and the priority 0
 * it owed is not sent by a master. Then A's adverts win again and every
 * VIP ends on A alone. */
static void test_remove_then_add_cancels(void **state)
{
	struct rh_cfg cfg = {.n_bulk = N_MID};
	struct rh_world w;
	struct vrrp_inst *back = NULL;
	size_t kb = 0, prio0;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	w.vip_op_ms = 20;
	rh_start(&w, B);
	rh_run(&w, 12000);
	assert_int_equal(w.nodes[B].rt.vipq.depth, 0);
	/* A takes over while it cannot hear B, then hears it: B's 300 leave
	 * master within an advert interval */
	rh_split(&w, true);
	rh_start(&w, A);
	rh_run(&w, 12000);
	assert_int_equal(w.nodes[A].rt.vipq.depth, 0);
	rh_split(&w, false);
	for (int ms = 0; ms < 5000 && !back; ms++) {
		rh_run(&w, 1);
		for (size_t k = 0; k < N_MID && !back; k++) {
			struct vrrp_inst *in = bulk_inst(&w, B, k);

			if (in->fsm.state == VRRP_FSM_BACKUP && in->vip_ops == 1 &&
			    in->advert_owed && in->vipq_prev && in->vipq_next) {
				back = in;
				kb = k;
			}
		}
	}
	assert_non_null(back);
	assert_true(rh_holds(&w, B, bulk_vip(kb)));
	prio0 = rh_adverts(&w, B, 0, 0);
	assert_true(vrrp_inst_peer_down(back));
	assert_int_equal(back->fsm.state, VRRP_FSM_MASTER);
	assert_int_equal(back->vip_ops, 0);
	assert_false(back->advert_owed);
	assert_true(rh_holds(&w, B, bulk_vip(kb)));
	assert_int_equal(rh_adverts(&w, B, 0, 0), prio0);
	assert_queue_sane(&w, B);

	rh_run(&w, 30000);
	for (size_t k = 0; k < N_MID; k++) {
		assert_int_equal(bulk_inst(&w, A, k)->fsm.state, VRRP_FSM_MASTER);
		assert_int_equal(bulk_inst(&w, B, k)->fsm.state, VRRP_FSM_BACKUP);
		assert_true(rh_holds(&w, A, bulk_vip(k)));
		assert_false(rh_holds(&w, B, bulk_vip(k)));
	}
	for (int i = A; i <= B; i++) {
		assert_int_equal(w.nodes[i].rt.vipq.depth, 0);
		assert_queue_sane(&w, i);
	}
	rh_world_done(&w);
}

/* With vrrp.virtual_mac, behind 300 others: B leaves master as a split
 * heals, and its removal waits in the queue (the others advertise every
 * 250 ms, so they leave master first whatever phase the advert timer grid
 * gives GW4; `waited` checks that it did wait). Until its VIP is gone its
 * link stays up, its priority 0 leaves only after the VIP is gone
 * (release_then_tell, docs/vmac.md), the link goes down after it, and the
 * VIP ends on A alone, reached at A. */
static void test_vmac_order_kept_in_queue(void **state)
{
	struct rh_cfg cfg = {
	    .insts = {{.name = GW4,
		       .vrid = GW4_VRID,
		       .family = IP_V4,
		       .vips = {VIP4 "/24"},
		       .prio = {200, 100},
		       .interval_ms = 1000,
		       .virtual_mac = true}},
	    .n_insts = 1,
	    .n_bulk = N_MID,
	    .bulk_interval_ms = 250,
	};
	struct rh_world w;
	uint64_t t_heal, t_gone = 0, t_prio0 = 0, t_down = 0;
	bool waited = false;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	w.vip_op_ms = 20;
	rh_start(&w, B);
	rh_run(&w, 12000);
	assert_true(rh_holds(&w, B, VIP4));
	rh_split(&w, true);
	rh_start(&w, A);
	rh_run(&w, 12000);
	assert_true(rh_holds(&w, A, VIP4));
	/* heal just after A's advert of GW4: B hears the next one a second
	 * later, its removals of the bulk piling up by then */
	for (size_t n = advert_count(&w, A, GW4_VRID); advert_count(&w, A, GW4_VRID) == n;)
		rh_run(&w, 1);
	t_heal = w.now_ms;
	rh_split(&w, false);
	for (int ms = 0; ms < 20000 && !t_down; ms++) {
		const struct rh_vmac *l;
		struct vrrp_inst *in = rh_inst(&w, B, GW4);
		bool holds;

		rh_run(&w, 1);
		l = rh_vmac(&w, B, VM4);
		assert_non_null(l);
		holds = rh_holds(&w, B, VIP4);
		waited |= in->fsm.state == VRRP_FSM_BACKUP && in->vip_ops > 0;
		if (holds)
			assert_true(l->up); /* the link goes down after the VIP */
		if (!holds && !t_gone)
			t_gone = w.now_ms;
		for (size_t k = 0; !t_prio0 && k < w.n_adverts; k++)
			if (w.adverts[k].node == B && w.adverts[k].vrid == GW4_VRID &&
			    w.adverts[k].priority == 0 && w.adverts[k].at_ms >= t_heal) {
				t_prio0 = w.adverts[k].at_ms;
				assert_false(holds); /* told after the VIP went */
			}
		if (t_gone && !l->up)
			t_down = w.now_ms;
	}
	assert_true(waited); /* the removal did wait in the queue */
	assert_true(t_gone > 0 && t_prio0 >= t_gone && t_down >= t_gone);
	rh_run(&w, 20000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_BACKUP);
	assert_false(rh_holds(&w, B, VIP4));
	assert_true(rh_client_reaches(&w, VIP4, A));
	for (size_t k = 0; k < N_MID; k++) {
		assert_true(rh_holds(&w, A, bulk_vip(k)));
		assert_false(rh_holds(&w, B, bulk_vip(k)));
	}
	rh_world_done(&w);
}

/* A reload removes 100 instances whose adds wait: they are stopped and
 * freed without their VIPs ever added, the queue holds no freed instance
 * (ASan), and the others' adds go on. */
static void test_reload_removes_queued(void **state)
{
	struct rh_world w;
	uint64_t ops;

	(void)state;
	mid_queue(&w);
	ops = w.nodes[A].vip_ops;
	w.cfg.n_bulk = N_MID - 100;
	rh_reload(&w, A);
	assert_int_equal(w.nodes[A].rt.n_insts, N_MID - 100);
	assert_int_equal(w.nodes[A].vip_ops, ops); /* no kernel work for them */
	assert_queue_sane(&w, A);
	for (size_t k = N_MID - 100; k < N_MID; k++)
		assert_false(rh_holds(&w, A, bulk_vip(k)));
	rh_run(&w, 8000);
	for (size_t k = 0; k < N_MID - 100; k++)
		assert_true(rh_holds(&w, A, bulk_vip(k)));
	for (size_t k = N_MID - 100; k < N_MID; k++)
		assert_false(rh_holds(&w, A, bulk_vip(k)));
	assert_int_equal(w.nodes[A].rt.vipq.depth, 0);
	assert_int_equal(w.nodes[A].vip_ops, N_MID - 100);
	rh_world_done(&w);
}

/* SIGTERM with adds waiting and some VIPs already in: the shutdown
 * removes every VIP before it returns (the daemon exits after it), each
 * instance's priority 0 leaves, and nothing is left for the loop. */
static void test_shutdown_with_queued(void **state)
{
	struct rh_world w;
	struct vrrp_rt *rt;
	uint64_t t;
	size_t held = 0;

	(void)state;
	mid_queue(&w);
	rh_run(&w, 1000); /* some 50 added */
	rt = &w.nodes[A].rt;
	for (size_t k = 0; k < N_MID; k++)
		held += rh_holds(&w, A, bulk_vip(k));
	assert_true(held > 10 && held < N_MID - 10);
	t = w.now_ms;
	vrrp_rt_shutdown(rt);
	assert_int_equal(rt->vipq.depth, 0);
	assert_null(rt->vipq.head);
	for (size_t k = 0; k < N_MID; k++)
		assert_false(rh_holds(&w, A, bulk_vip(k)));
	assert_int_equal(rh_adverts(&w, A, 0, t), N_MID);
	rh_crash(&w, A);
	assert_int_equal(w.nodes[A].open_timers, 0);
	rh_world_done(&w);
}

/* The daemon vanishes with operations queued: nothing more happens, the
 * queue holds no freed instance (ASan) and its timer is gone. */
static void test_crash_with_queued(void **state)
{
	struct rh_world w;
	uint64_t ops;

	(void)state;
	mid_queue(&w);
	ops = w.nodes[A].vip_ops;
	rh_crash(&w, A);
	assert_null(w.nodes[A].rt.vipq.head);
	assert_int_equal(w.nodes[A].open_timers, 0);
	rh_run(&w, 1000);
	assert_int_equal(w.nodes[A].vip_ops, ops);
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single_takeover_adds_at_once),
	    cmocka_unit_test(test_mass_takeover_with_costly_vips),
	    cmocka_unit_test(test_flip_flop_cancels),
	    cmocka_unit_test(test_remove_then_add_cancels),
	    cmocka_unit_test(test_vmac_order_kept_in_queue),
	    cmocka_unit_test(test_reload_removes_queued),
	    cmocka_unit_test(test_shutdown_with_queued),
	    cmocka_unit_test(test_crash_with_queued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
