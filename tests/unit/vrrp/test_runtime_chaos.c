/* The chaos driver's findings (tests/chaos, docs/convergence.md), each
 * replayed on the runtime of two nodes in the fake environment
 * (rt_harness.h), in milliseconds and without root. A test that replays a
 * finding names the commit that fixed it and fails with that fix taken
 * out; the last ones replay the driver's other faults (flap_in_failover,
 * both_links, gw_down, drain_hold) against its invariants.
 * Findings of its --virtual-mac runs live with the other virtual MAC
 * scenarios (test_runtime_vmac.c: seed 11 step 10, fixed in 3a84294).
 * The lab is the chaos lab's: A (192.0.2.11) prefers the master slot, B
 * (192.0.2.12) the backup slot; VRRPv3 unicast at 100 ms, priorities
 * 200/100, garp 3 x 100 ms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "rt_harness.h"

enum { A, B };

#define GW4  RH_AA_GW4
#define GW6  RH_AA_GW6
#define BK4  RH_AA_BK4
#define VIP4 RH_AA_VIP4
#define VIP6 RH_AA_VIP6
#define VIPB RH_AA_VIPB

/* GARP/NA frames node i sent since since_ms that reached nobody. */
static size_t garps_lost(const struct rh_world *w, int i, uint64_t since_ms)
{
	size_t k = 0;

	for (size_t g = 0; g < w->n_garps; g++)
		k += w->garps[g].node == i && w->garps[g].at_ms >= since_ms &&
		     !w->garps[g].delivered;
	return k;
}

/* When node i's inst last became MASTER since since_ms; 0 if it did not. */
static uint64_t became_master_at(const struct rh_world *w, int i, const char *inst,
				 uint64_t since_ms)
{
	uint64_t at = 0;

	for (size_t t = 0; t < w->n_trans; t++)
		if (w->trans[t].node == i && strcmp(w->trans[t].inst, inst) == 0 &&
		    w->trans[t].at_ms >= since_ms && w->trans[t].to == VRRP_FSM_MASTER)
			at = w->trans[t].at_ms;
	return at;
}

/* e0dc5b6, the first finding: a link flap on the preferred node. It must
 * give its VIPs up while the link is down (FAULT: a node holding them on a
 * dead link heals silently when it returns, and the client keeps the
 * peer's MAC), and take them back with a full announcement. */
static void test_link_flap_releases_and_reannounces(void **state)
{
	struct rh_world w;
	struct rh_watch seen;
	uint64_t t0, t1;

	(void)state;
	rh_aa_up(&w);
	t0 = w.now_ms;
	rh_link(&w, A, false, 0);
	/* the price (docs/decisions.md): about Master_Down_Interval dark */
	seen = rh_run_watching(&w, 1500, VIP4);
	assert_true(seen.dark_ms > 250 && seen.dark_ms <= 361);
	assert_int_equal(seen.double_ms, 0);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_FAULT);
	assert_false(rh_holds(&w, A, VIP4));
	assert_false(rh_holds(&w, A, VIP6));
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIP6, B));

	t1 = w.now_ms;
	rh_link(&w, A, true, 0);
	seen = rh_run_watching(&w, 1500, VIP4); /* make-before-break on the way back */
	assert_int_equal(seen.dark_ms, 0);
	assert_int_equal(seen.double_ms, 0);
	rh_aa_assert_settled(&w);
	assert_int_equal(rh_garps(&w, A, VIP4, t1), 3);
	assert_int_equal(rh_garps(&w, A, VIP6, t1), 3);
	/* the chaos bound: at most 4 transitions per instance per fault */
	assert_int_equal(rh_transitions(&w, A, GW4, t0), 3); /* FAULT, BACKUP, MASTER */
	assert_int_equal(rh_transitions(&w, B, GW4, t0), 2); /* MASTER, BACKUP */
	assert_int_equal(rh_transitions(&w, A, BK4, t0), 2); /* FAULT, BACKUP */
	assert_int_equal(rh_transitions(&w, B, BK4, t0), 0);
	rh_world_done(&w);
}

/* e0dc5b6, checks re-judged after a link returns: the returning node's
 * gateway check starts afresh (pending) and then finds the gateway still
 * gone. A node that preempted on a guess would resign again at once (a
 * priority 0 or 1 advert after the carrier returned, a needless second
 * failover of the peer); a pending node waits, so nothing moves until its
 * checks rise. */
static void test_pending_after_link_return_does_not_bounce(void **state)
{
	struct rh_world w;
	uint64_t t1, t2;

	(void)state;
	rh_aa_up(&w);
	rh_link(&w, A, false, 0);
	rh_run(&w, 1500);
	assert_true(rh_client_reaches(&w, VIP4, B));

	t1 = w.now_ms;
	rh_link(&w, A, true, 0);
	rh_health(&w, A, true, true, "healthy: gateway 192.0.2.1 not judged yet");
	rh_run(&w, 300);
	rh_health(&w, A, false, false, "gateway 192.0.2.1 unreachable (3/3 probes)");
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_transitions(&w, A, GW4, t1), 1); /* FAULT -> BACKUP only */
	assert_int_equal(rh_transitions(&w, B, NULL, t1), 0);
	assert_int_equal(rh_adverts(&w, A, 0, t1), 0);
	assert_int_equal(rh_adverts(&w, A, 1, t1), 0);
	assert_true(rh_client_reaches(&w, VIP4, B));

	/* the gateway answers again: risen, A takes its slot back once */
	t2 = w.now_ms;
	rh_health(&w, A, true, false, "healthy");
	rh_run(&w, 1000);
	rh_aa_assert_settled(&w);
	assert_int_equal(rh_transitions(&w, A, GW4, t2), 1);
	assert_int_equal(rh_transitions(&w, B, GW4, t2), 1);
	rh_world_done(&w);
}

/* 1e65405: a link that is up does not forward at once (spanning tree, a
 * bond's LACP, a bridge learning of the carrier late). After a 33 ms flap
 * A heard nothing for a second, made itself a second master into the dead
 * port (its announcement lost) and bounced. The first Master_Down after
 * the return waits the settle time: A becomes master only by preempting
 * once it hears B, and every frame of its announcement arrives. */
static void test_returning_link_settles_first(void **state)
{
	struct rh_world w;
	uint64_t t1, at;

	(void)state;
	rh_aa_up(&w);
	rh_link(&w, A, false, 0);
	rh_run(&w, 33);
	t1 = w.now_ms;
	rh_link(&w, A, true, 1000); /* carrier back, nothing passes for 1 s */
	rh_run(&w, 2000);
	rh_aa_assert_settled(&w);
	at = became_master_at(&w, A, GW4, t1);
	assert_true(at >= t1 + 1000);
	assert_int_equal(rh_last_transition(&w, A, GW4)->cause, VRRP_FSM_CAUSE_PREEMPT);
	assert_int_equal(garps_lost(&w, A, t1), 0);
	assert_int_equal(rh_transitions(&w, A, GW4, t1), 2); /* BACKUP, MASTER */
	assert_int_equal(rh_transitions(&w, A, BK4, t1), 1); /* BACKUP */
	assert_int_equal(rh_transitions(&w, B, BK4, t1), 0);
	rh_world_done(&w);
}

/* e092537 (seed 1, step 36): the kernel told a carrier loss 820 ms late;
 * meanwhile the node stayed master on a dead link. A refused send makes
 * the daemon ask the kernel at once (the runtime's send_failed hook), so
 * the instance is in FAULT within an advert interval. */
static void test_late_carrier_loss_faults_within_an_interval(void **state)
{
	struct rh_world w;
	uint64_t t0, last;

	(void)state;
	rh_aa_up(&w);
	w.nodes[A].link_notify_ms = 820;
	last = rh_last_advert_ms(&w, A);
	t0 = w.now_ms;
	rh_link(&w, A, false, 0);
	rh_run(&w, 100);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_FAULT);
	assert_int_equal(rh_state(&w, A, GW6), VRRP_FSM_FAULT);
	assert_false(rh_holds(&w, A, VIP4));
	assert_true(w.nodes[A].sends_refused > 0);
	rh_run_until(&w, last + 361);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, B));
	rh_run(&w, 1000);
	assert_int_equal(rh_transitions(&w, A, GW4, t0), 1); /* MASTER -> FAULT, once */

	rh_link(&w, A, true, 0);
	rh_run(&w, 2000);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* e0dc5b6: a split that heals, then a second one soon after. Whichever
 * master hears the other first, the one that stays announces after the
 * other's last announcement (the loser steps down with priority 0, the
 * winner answers it with a GARP/NA round, never thinned), so the client
 * never keeps the loser's MAC. At every phase of the advert interval. */
static void test_healed_splits_leave_no_stale_entry(void **state)
{
	(void)state;
	for (uint64_t phase = 0; phase < 100; phase += 10) {
		struct rh_world w;

		rh_aa_up(&w);
		rh_split(&w, true);
		rh_run(&w, 1000 + phase);
		assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
		assert_int_equal(rh_client_node(&w, VIP4), B);
		rh_split(&w, false);
		rh_run(&w, 300);
		rh_aa_assert_settled(&w);

		rh_split(&w, true);
		rh_run(&w, 500);
		assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
		rh_split(&w, false);
		rh_run(&w, 300);
		rh_aa_assert_settled(&w);
		rh_world_done(&w);
	}
}

/* flap_in_failover: A killed; while B takes over, B's link flaps; A
 * restarts. Everything ends where it belongs, nothing held twice. */
static void test_flap_in_failover(void **state)
{
	struct rh_world w;

	(void)state;
	rh_aa_up(&w);
	rh_crash(&w, A);
	rh_run(&w, 300);
	rh_link(&w, B, false, 0);
	rh_run(&w, 200);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_FAULT);
	assert_false(rh_holds(&w, B, VIP4));
	assert_false(rh_holds(&w, B, VIPB));
	rh_link(&w, B, true, 0);
	rh_run(&w, 500);
	rh_start(&w, A);
	rh_run(&w, 3000);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* both_links: both ports down together, back together. Nobody holds a VIP
 * meanwhile; back, both wait Master_Down_Interval + the settle time, then
 * the preferred node of each slot takes it (docs/convergence.md's bound). */
static void test_both_links(void **state)
{
	struct rh_world w;
	uint64_t t1;

	(void)state;
	rh_aa_up(&w);
	rh_link(&w, A, false, 0);
	rh_link(&w, B, false, 0);
	rh_run(&w, 1000);
	assert_false(rh_holds(&w, A, VIP4));
	assert_false(rh_holds(&w, B, VIP4));
	assert_false(rh_holds(&w, B, VIPB));
	t1 = w.now_ms;
	rh_link(&w, A, true, 0);
	rh_link(&w, B, true, 0);
	rh_run(&w, 1321);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	rh_run(&w, 1);
	assert_int_equal(became_master_at(&w, A, GW4, t1), t1 + 322 + 1000);
	assert_int_equal(became_master_at(&w, B, BK4, t1), t1 + 322 + 1000);
	rh_run(&w, 500);
	rh_aa_assert_settled(&w);
	assert_int_equal(rh_transitions(&w, B, GW4, t1), 1); /* BACKUP only */
	rh_world_done(&w);
}

/* gw_down: one family's gateway stops answering for both nodes. Both are
 * unhealthy (priority 1): the master resigns once, the VIP is never dark
 * nor held twice, and it does not flap while the gateway stays down; back,
 * the preferred node takes it again. */
static void test_gateway_down_for_both(void **state)
{
	struct rh_world w;
	struct rh_watch seen;
	uint64_t t0;

	(void)state;
	rh_aa_up(&w);
	t0 = w.now_ms;
	rh_health(&w, A, false, false, "gateway 192.0.2.1 unreachable (3/3 probes)");
	rh_run(&w, 50);
	rh_health(&w, B, false, false, "gateway 192.0.2.1 unreachable (3/3 probes)");
	seen = rh_run_watching(&w, 5000, VIP4);
	assert_int_equal(seen.dark_ms, 0);
	assert_int_equal(seen.double_ms, 0);
	assert_true(rh_transitions(&w, A, GW4, t0) <= 2);
	assert_true(rh_transitions(&w, B, GW4, t0) <= 2);
	assert_int_equal(rh_transitions(&w, B, GW4, t0 + 1000), 0); /* settled, no flapping */
	assert_int_equal(rh_transitions(&w, A, GW4, t0 + 1000), 0);

	rh_health(&w, A, true, false, "healthy");
	rh_health(&w, B, true, false, "healthy");
	seen = rh_run_watching(&w, 1000, VIP4);
	assert_int_equal(seen.dark_ms, 0);
	assert_int_equal(seen.double_ms, 0);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* drain_hold: A drained through B's crash. A takes everything (drained is
 * priority 1, not absent: a VIP is never left without an owner), gives it
 * back when B returns, and takes its own slot when undrained. */
static void test_drain_held_through_a_crash(void **state)
{
	struct rh_world w;
	struct rh_watch seen;

	(void)state;
	rh_aa_up(&w);
	vrrp_rt_set_drained(&w.nodes[A].rt, true);
	rh_run(&w, 500);
	assert_true(rh_client_reaches(&w, VIP4, B));
	rh_crash(&w, B);
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, A, BK4), VRRP_FSM_MASTER);
	assert_int_equal(rh_client_node(&w, VIP4), A);
	assert_int_equal(rh_client_node(&w, VIPB), A);

	rh_start(&w, B); /* sweeps its leftovers, preempts the drained A */
	seen = rh_run_watching(&w, 1000, VIPB);
	assert_int_equal(seen.double_ms, 0);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIPB, B));

	vrrp_rt_set_drained(&w.nodes[A].rt, false);
	seen = rh_run_watching(&w, 1000, VIP4);
	assert_int_equal(seen.dark_ms, 0);
	assert_int_equal(seen.double_ms, 0);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_link_flap_releases_and_reannounces),
	    cmocka_unit_test(test_pending_after_link_return_does_not_bounce),
	    cmocka_unit_test(test_returning_link_settles_first),
	    cmocka_unit_test(test_late_carrier_loss_faults_within_an_interval),
	    cmocka_unit_test(test_healed_splits_leave_no_stale_entry),
	    cmocka_unit_test(test_flap_in_failover),
	    cmocka_unit_test(test_both_links),
	    cmocka_unit_test(test_gateway_down_for_both),
	    cmocka_unit_test(test_drain_held_through_a_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
