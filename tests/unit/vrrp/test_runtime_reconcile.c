/* The reconcile loop of the runtime (DESIGN 3: the kernel is the truth)
 * on two nodes (rt_harness.h): a VIP someone else removes from the master
 * is re-added at once and announced; a VIP the kernel refuses makes the
 * instance resign to the peer until a retry can add it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "rt_harness.h"

enum { A, B };

#define GW4  "eth0/master/ipv4/gw"
#define BK4  "eth0/backup/ipv4/gw"
#define VIP4 "192.0.2.100"
#define VIPX "192.0.2.101"
#define VIPB "192.0.2.200"

static const struct rh_cfg lab_cfg = {
    .insts =
	{
	    {.name = GW4,
	     .vrid = 51,
	     .family = IP_V4,
	     .vips = {VIP4 "/24", VIPX "/24"},
	     .prio = {200, 100}},
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
	assert_true(rh_client_reaches(w, VIP4, A));
}

/* `ip addr flush` on the master: both VIPs of its instance are back at
 * once, one announcement each, the instance stays MASTER and the client
 * is served by A. The same removal heard on the backup (which holds
 * nothing) or on the VIP of the other slot (held by B) repairs nothing on A. */
static void test_removed_vip_is_readded_and_announced(void **state)
{
	struct rh_world w;
	struct vrrp_inst *a;
	uint64_t t0;

	(void)state;
	lab_up(&w);
	a = rh_inst(&w, A, GW4);
	t0 = w.now_ms;
	rh_remove_addr(&w, A, VIP4);
	rh_remove_addr(&w, A, VIPX);
	assert_true(rh_holds(&w, A, VIP4));
	assert_true(rh_holds(&w, A, VIPX));
	assert_int_equal(a->vip_repairs, 2);
	rh_run(&w, 0); /* the GARP/NA queue's drain: the loop's next pass, same time */
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 1);
	assert_int_equal(rh_garps(&w, A, VIPX, t0), 1);
	assert_true(ip_equal(&a->last_repair, &(struct ip_addr){0}) == false);
	assert_int_equal(a->last_repair_err, 0);
	rh_run(&w, 2000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_client_reaches(&w, VIPX, A));
	assert_true(a->fsm.healthy);
	assert_string_equal(a->hold_reason, "");

	/* B's backup instance holds nothing: a removal there is not its own */
	rh_remove_addr(&w, B, VIP4);
	assert_int_equal(rh_inst(&w, B, GW4)->vip_repairs, 0);
	assert_false(rh_holds(&w, B, VIP4));
	/* a notification for an address still there (the runtime's own
	 * removal, told late) finds nothing missing */
	rh_remove_addr(&w, A, VIPB);
	assert_int_equal(a->vip_repairs, 2);
	/* lost messages: every held VIP is checked */
	vrrp_rt_addr_removed(&w.nodes[A].rt, "", 0, NULL);
	assert_int_equal(a->vip_repairs, 2);
	rh_world_done(&w);
}

/* A VIP removed from the master that the kernel then refuses: A resigns
 * (priority 0) with the reason in status, B takes over at once, A stays
 * backup while it cannot hold the VIP (retrying, no flapping), and when
 * the kernel takes it again A is healthy and preempts. */
static void test_vip_that_cannot_be_readded_hands_over(void **state)
{
	struct rh_world w;
	struct vrrp_inst *a;
	struct rh_watch watch;
	uint64_t t0, t1;

	(void)state;
	lab_up(&w);
	a = rh_inst(&w, A, GW4);
	t0 = w.now_ms;
	rh_fail_add(&w, A, VIPX, -EADDRNOTAVAIL);
	rh_remove_addr(&w, A, VIPX);
	assert_int_equal(a->last_repair_err, -EADDRNOTAVAIL);
	assert_int_equal(a->vip_repairs, 0);
	assert_true(a->vip_missing[1]);
	rh_run(&w, 0);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_adverts(&w, A, 0, t0), 1);
	assert_string_equal(a->hold_reason,
			    "cannot hold VIP 192.0.2.101: Cannot assign requested address");
	assert_string_equal(a->health_reason, a->hold_reason);
	assert_string_equal(
	    a->last_reason,
	    "unhealthy: cannot hold VIP 192.0.2.101: Cannot assign requested address");
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIPX, B));
	assert_false(rh_holds(&w, A, VIP4)); /* B is heard as master: A let go */

	/* it stays with B while A's kernel refuses, and never doubles */
	t1 = w.now_ms + 1;
	watch = rh_run_watching(&w, 3000, VIPX);
	assert_int_equal(watch.double_ms, 0);
	assert_int_equal(watch.dark_ms, 0);
	assert_int_equal(rh_transitions(&w, A, GW4, t1), 0);
	assert_int_equal(vrrp_fsm_effective_priority(&a->cfg, &a->fsm), 1);
	assert_false(rh_holds(&w, A, VIPX)); /* the retry's probe left nothing */

	/* the kernel takes it again: within the retry A is healthy and preempts */
	t1 = w.now_ms;
	rh_fail_add(&w, A, VIPX, 0);
	rh_run(&w, 1500);
	assert_true(a->fsm.healthy);
	assert_string_equal(a->hold_reason, "");
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_client_reaches(&w, VIPX, A));
	assert_int_equal(rh_garps(&w, A, VIPX, t1), 3);
	rh_world_done(&w);
}

/* The takeover itself fails for one VIP while the peer is gone: B resigns
 * once, then holds what it can as a priority-1 master (a VIP is never left
 * without an owner while a node is up), and adds the missing one as soon
 * as its kernel takes it. The checks' verdict and the VIP fault combine. */
static void test_takeover_add_failure_and_recovery(void **state)
{
	struct rh_world w;
	struct vrrp_inst *b;

	(void)state;
	lab_up(&w);
	b = rh_inst(&w, B, GW4);
	rh_fail_add(&w, B, VIPX, -EACCES);
	rh_stop(&w, A);
	rh_run(&w, 5000);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_false(b->fsm.healthy);
	assert_true(rh_holds(&w, B, VIP4));
	assert_false(rh_holds(&w, B, VIPX));
	assert_true(b->vips_held);
	assert_true(b->vip_missing[1]);
	assert_false(b->vip_missing[0]);
	assert_string_equal(b->health_reason, "cannot hold VIP 192.0.2.101: Permission denied");
	assert_int_equal(vrrp_fsm_effective_priority(&b->cfg, &b->fsm), 1);
	assert_int_equal(rh_garps(&w, B, VIPX, 0), 0); /* not held: never announced */

	/* the checks turn bad as well: both reasons show */
	rh_health(&w, B, false, false, "gateway 192.0.2.1 unreachable (3/3 probes)");
	assert_string_equal(b->health_reason, "cannot hold VIP 192.0.2.101: Permission denied; "
					      "gateway 192.0.2.1 unreachable (3/3 probes)");
	rh_health(&w, B, true, false, "healthy");

	rh_fail_add(&w, B, VIPX, 0);
	rh_run(&w, 1100);
	assert_true(rh_holds(&w, B, VIPX));
	assert_false(b->vip_missing[1]);
	assert_true(b->fsm.healthy);
	assert_string_equal(b->health_reason, "healthy");
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIPX, B));
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_removed_vip_is_readded_and_announced),
	    cmocka_unit_test(test_vip_that_cannot_be_readded_hands_over),
	    cmocka_unit_test(test_takeover_add_failure_and_recovery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
