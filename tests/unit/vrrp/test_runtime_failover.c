/* The runtime of two nodes in the fake environment (rt_harness.h):
 * election, a stopped and a crashed master, the advert link lost and back,
 * a healed split. Active-Active as the chaos lab: A (192.0.2.11) prefers
 * the master slot, B (192.0.2.12) the backup slot; VRRPv3 unicast at
 * 100 ms, priorities 200/100, garp 3 x 100 ms. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "plan/live.h"
#include "rt_harness.h"

enum { A, B };

#define GW4   RH_AA_GW4
#define GW6   RH_AA_GW6
#define BK4   RH_AA_BK4
#define VIP4  RH_AA_VIP4
#define VIP6  RH_AA_VIP6
#define VIPB4 RH_AA_VIPB

static void test_initial_election(void **state)
{
	struct rh_world w;

	(void)state;
	rh_aa_up(&w);
	rh_aa_assert_settled(&w);
	/* one election each, announced with the full burst, by the winner only */
	assert_int_equal(rh_transitions(&w, A, GW4, 0), 2); /* INIT->BACKUP->MASTER */
	assert_int_equal(rh_transitions(&w, B, GW4, 0), 1);
	assert_int_equal(rh_garps(&w, A, VIP4, 0), 3);
	assert_int_equal(rh_garps(&w, A, VIP6, 0), 3);
	assert_int_equal(rh_garps(&w, B, VIP4, 0), 0);
	assert_int_equal(rh_garps(&w, B, VIPB4, 0), 3);
	/* Master_Down_Interval at priority 200: 3 x 100 + 22 ms after start */
	assert_int_equal(rh_last_transition(&w, A, GW4)->at_ms, 1322);
	assert_false(rh_holds(&w, B, VIP4));
	assert_false(rh_holds(&w, A, VIPB4));
	rh_world_done(&w);
}

/* SIGTERM: priority 0, and the unicast peer takes over at once (the same
 * millisecond: no skew between a pair), with its announcement. */
static void test_stop_hands_over_at_once(void **state)
{
	struct rh_world w;
	uint64_t t0;

	(void)state;
	rh_aa_up(&w);
	t0 = w.now_ms;
	rh_stop(&w, A);
	assert_false(rh_holds(&w, A, VIP4));
	assert_int_equal(rh_adverts(&w, A, 0, t0), 2); /* its two master instances */
	rh_run(&w, 0);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_MASTER);
	assert_int_equal(rh_last_transition(&w, B, GW4)->at_ms, t0);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIP6, B));
	assert_true(rh_client_reaches(&w, VIPB4, B));
	rh_world_done(&w);
}

/* Multicast keeps RFC 5798's skew: B waits Skew_Time (61 ms at priority 100). */
static void test_stop_multicast_waits_skew(void **state)
{
	struct rh_cfg cfg = {.insts = {{.name = GW4,
					.vrid = 51,
					.family = IP_V4,
					.vips = {VIP4 "/24"},
					.prio = {200, 100},
					.multicast = true},
				       {.name = GW6,
					.vrid = 52,
					.family = IP_V6,
					.vips = {VIP6 "/64"},
					.prio = {200, 100},
					.multicast = true}},
			     .n_insts = 2};
	struct rh_world w;
	char text[IP_STR_MAX];
	uint64_t t0;

	(void)state;
	rh_world_init(&w, 2, &cfg);
	rh_start(&w, A);
	rh_start(&w, B);
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, A, GW6), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_BACKUP);
	/* RFC 5798 5.1.2.2: IPv6 adverts to the group come from the link-local address */
	assert_string_equal(ip_ntop(&rh_inst(&w, A, GW6)->cfg.own_addr, text), "fe80::a0");
	assert_string_equal(ip_ntop(&rh_inst(&w, B, GW6)->fsm.master_addr, text), "fe80::a0");
	t0 = w.now_ms;
	rh_stop(&w, A);
	rh_run(&w, 60);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_BACKUP);
	assert_int_equal(rh_client_node(&w, VIP4), A); /* stale, nobody holds it */
	rh_run(&w, 1);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_last_transition(&w, B, GW4)->at_ms, t0 + 61);
	assert_int_equal(rh_last_transition(&w, B, GW6)->at_ms, t0 + 61);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIP6, B));
	rh_world_done(&w);
}

/* SIGKILL: silence; B waits Master_Down_Interval (361 ms) from A's last
 * advert. A's VIPs stay behind; A restarted sweeps them, comes back as
 * BACKUP and preempts with its announcement. */
static void test_crash_and_restart(void **state)
{
	struct rh_world w;
	uint64_t last, t0;

	(void)state;
	rh_aa_up(&w);
	last = rh_last_advert_ms(&w, A);
	rh_crash(&w, A);
	assert_true(rh_holds(&w, A, VIP4)); /* left over */
	rh_run_until(&w, last + 360);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_BACKUP);
	rh_run_until(&w, last + 361);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_client_node(&w, VIP4), B);
	rh_run(&w, 1000);

	/* a foreign address on the interface stays; a tagged stray goes */
	rh_add_addr(&w, A, "192.0.2.77/24", 0);
	rh_add_addr(&w, A, "192.0.2.99/24", VIPD_ADDR_PROTO_VIP);
	t0 = w.now_ms;
	rh_start(&w, A);
	assert_false(rh_holds(&w, A, VIP4));
	assert_false(rh_holds(&w, A, VIP6));
	assert_false(rh_holds(&w, A, "192.0.2.99"));
	assert_true(rh_holds(&w, A, "192.0.2.77"));
	assert_true(rh_holds(&w, A, "192.0.2.11"));
	rh_run(&w, 150); /* B's next advert: A preempts */
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_last_transition(&w, A, GW4)->cause, VRRP_FSM_CAUSE_PREEMPT);
	assert_int_equal(rh_last_transition(&w, B, GW4)->cause, VRRP_FSM_CAUSE_HIGHER_PRIORITY);
	rh_run(&w, 500);
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 3);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* BFD (issue 16) lost the crashed master 30 ms later: the backup's
 * instances that follow it take over then, with their announcement, not
 * at Master_Down_Interval; its own master instance stays as it is. */
static void test_crash_peer_down_takes_over_at_once(void **state)
{
	struct rh_world w;
	uint64_t t0;

	(void)state;
	rh_aa_up(&w);
	rh_crash(&w, A);
	rh_run(&w, 30);
	t0 = w.now_ms;
	assert_true(vrrp_inst_peer_down(rh_inst(&w, B, GW4)));
	assert_true(vrrp_inst_peer_down(rh_inst(&w, B, GW6)));
	assert_false(vrrp_inst_peer_down(rh_inst(&w, B, BK4))); /* its own: MASTER */
	rh_run(&w, 0);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_last_transition(&w, B, GW4)->cause, VRRP_FSM_CAUSE_PEER_DOWN);
	assert_int_equal(rh_last_transition(&w, B, GW4)->at_ms, t0);
	assert_int_equal(rh_client_node(&w, VIP4), B);
	assert_int_equal(rh_client_node(&w, VIP6), B);
	assert_int_equal(rh_transitions(&w, B, BK4, t0), 0);
	rh_world_done(&w);
}

/* A restart sweeps every interface of the own namespace and of the
 * namespaces the daemon used before (its record), whatever the file says
 * now: a tagged address goes, an untagged one stays unless it is a VIP of
 * the file on its interface. A namespace vipd never used is not touched
 * (another vipd may hold its VIPs there). */
static void test_restart_sweeps_tagged_vips_of_every_interface_and_namespace(void **state)
{
	struct rh_world w;

	(void)state;
	rh_aa_up(&w);
	rh_crash(&w, A);
	rh_add_iface(&w, A, "", "eth9");	  /* removed from the file */
	rh_add_iface(&w, A, "tenant1", "veth1");  /* a namespace removed from it */
	rh_add_iface(&w, A, "stranger", "veth7"); /* never vipd's */
	rh_add_addr_on(&w, A, "", "eth9", "198.51.100.1/24", VIPD_ADDR_PROTO_VIP);
	rh_add_addr_on(&w, A, "", "eth9", "198.51.100.2/24", 0);
	rh_add_addr_on(&w, A, "", "eth9", VIP4 "/24", 0); /* a file VIP, but not here */
	rh_add_addr_on(&w, A, "tenant1", "veth1", "203.0.113.1/24", VIPD_ADDR_PROTO_VIP);
	rh_add_addr_on(&w, A, "tenant1", "veth1", "203.0.113.2/24", 0);
	rh_add_addr_on(&w, A, "stranger", "veth7", "203.0.113.9/24", VIPD_ADDR_PROTO_VIP);
	w.nodes[A].old_netns[0] = "tenant1";
	w.nodes[A].old_netns[1] = "gone"; /* deleted since: nothing to do */
	w.nodes[A].n_old_netns = 2;
	rh_start(&w, A);
	assert_false(rh_holds_on(&w, A, "", RH_IFNAME, VIP4));
	assert_false(rh_holds_on(&w, A, "", "eth9", "198.51.100.1"));
	assert_true(rh_holds_on(&w, A, "", "eth9", "198.51.100.2"));
	assert_true(rh_holds_on(&w, A, "", "eth9", VIP4));
	assert_false(rh_holds_on(&w, A, "tenant1", "veth1", "203.0.113.1"));
	assert_true(rh_holds_on(&w, A, "tenant1", "veth1", "203.0.113.2"));
	assert_true(rh_holds_on(&w, A, "stranger", "veth7", "203.0.113.9"));
	assert_true(rh_holds_on(&w, A, "", RH_IFNAME, "192.0.2.11")); /* the node's own */
	rh_run(&w, 1000);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* A kernel before 6.1 keeps no tags: only the file's VIPs on their
 * interfaces can be told from anybody's addresses. */
static void test_without_address_tags_only_the_files_vips_are_swept(void **state)
{
	struct rh_world w;

	(void)state;
	rh_world_init(&w, 2, &rh_aa_cfg);
	w.nodes[A].no_addr_tags = true;
	rh_start(&w, A);
	rh_start(&w, B);
	rh_run(&w, 1000);
	assert_true(rh_holds_on(&w, A, "", RH_IFNAME, VIP4)); /* added untagged */
	rh_crash(&w, A);
	rh_add_iface(&w, A, "", "eth9");
	rh_add_addr_on(&w, A, "", "eth9", "198.51.100.1/24", 0); /* a VIP of an older file */
	rh_start(&w, A);
	assert_false(rh_holds_on(&w, A, "", RH_IFNAME, VIP4));
	assert_false(rh_holds_on(&w, A, "", RH_IFNAME, VIP6));
	assert_true(rh_holds_on(&w, A, "", "eth9", "198.51.100.1"));
	rh_run(&w, 1000);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* The advert interface lost: FAULT at once (VIPs released, nothing sent);
 * B takes over when A falls silent. Back: BACKUP first, then a preemption
 * with the full announcement; the client ends at A's MAC. */
static void test_advert_link_down_and_up(void **state)
{
	struct rh_world w;
	uint64_t t0, t1;

	(void)state;
	rh_aa_up(&w);
	t0 = w.now_ms;
	rh_link(&w, A, false, 0);
	rh_run(&w, 0);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_FAULT);
	assert_int_equal(rh_state(&w, A, BK4), VRRP_FSM_FAULT);
	assert_false(rh_holds(&w, A, VIP4));
	assert_false(rh_holds(&w, A, VIP6));
	rh_run(&w, 2000);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIP6, B));
	assert_int_equal(w.nodes[A].sends_refused, 0); /* FAULT sends nothing */
	assert_int_equal(rh_adverts(&w, A, 200, t0 + 1), 0);

	t1 = w.now_ms;
	rh_link(&w, A, true, 0);
	rh_run(&w, 0);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_BACKUP);
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_transitions(&w, A, GW4, t1), 2); /* FAULT->BACKUP->MASTER */
	assert_int_equal(rh_garps(&w, A, VIP4, t1), 3);
	assert_int_equal(rh_garps(&w, A, VIP6, t1), 3);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* A split that heals (adverts lost between the nodes, the client hears
 * both): both are master and both announced. Whichever hears the other
 * first, exactly one master remains and its announcement is the client's
 * last word: at every phase of the advert interval. */
static void test_healed_split(void **state)
{
	(void)state;
	for (uint64_t phase = 0; phase < 100; phase += 7) {
		struct rh_world w;

		rh_aa_up(&w);
		rh_split(&w, true);
		rh_run(&w, 1000 + phase);
		assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
		assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
		assert_int_equal(rh_client_node(&w, VIP4), B); /* B announced last */
		rh_split(&w, false);
		rh_run(&w, 500);
		rh_aa_assert_settled(&w);
		assert_int_equal(rh_state(&w, B, BK4), VRRP_FSM_MASTER);
		rh_world_done(&w);
	}
}

/* Adverts lost or late, fewer than Master_Down_Interval's worth: no
 * failover. More: B takes over, and A's next advert heard brings it back. */
static void test_loss_and_delay(void **state)
{
	struct rh_world w;
	uint64_t t0;

	(void)state;
	rh_aa_up(&w);
	t0 = w.now_ms;
	w.nodes[A].delay_ms = 150; /* late, but steady */
	rh_run(&w, 1000);
	w.nodes[A].delay_ms = 0;
	w.nodes[A].loss_pct = 100; /* two adverts lost */
	rh_run(&w, 250);
	w.nodes[A].loss_pct = 0;
	rh_run(&w, 1000);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	rh_aa_assert_settled(&w);

	/* four: B takes over; A, which still hears B, answers the lower
	 * master with an announcement of its own, so the client stays */
	w.nodes[A].loss_pct = 100;
	rh_run(&w, 400);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_true(rh_garps(&w, B, VIP4, t0) > 0);
	assert_int_equal(rh_client_node(&w, VIP4), A);
	w.nodes[A].loss_pct = 0;
	rh_run(&w, 500);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* An interface that is not there yet: the instance waits (no socket, no
 * VIP side, says why) and retries every second; once it is there the
 * instance starts as at startup and takes its slot. */
static void test_missing_interface_waits_and_retries(void **state)
{
	struct rh_world w;
	struct vrrp_inst *gw;

	(void)state;
	rh_world_init(&w, 2, &rh_aa_cfg);
	w.nodes[A].iface_missing = true;
	rh_start(&w, A);
	rh_start(&w, B);
	rh_run(&w, 2500);
	gw = rh_inst(&w, A, GW4);
	assert_int_equal(gw->fsm.state, VRRP_FSM_INIT);
	assert_null(gw->sock);
	assert_string_equal(gw->wait_reason, "interface eth0: No such device");
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_int_equal(w.nodes[A].open_socks, 0);

	w.nodes[A].iface_missing = false;
	rh_run(&w, 999);
	assert_int_not_equal(rh_state(&w, A, GW4), VRRP_FSM_INIT);
	assert_string_equal(gw->wait_reason, "");
	assert_int_equal(rh_last_transition(&w, A, GW4)->cause, VRRP_FSM_CAUSE_PREEMPT);
	rh_run(&w, 1000);
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_initial_election),
	    cmocka_unit_test(test_stop_hands_over_at_once),
	    cmocka_unit_test(test_stop_multicast_waits_skew),
	    cmocka_unit_test(test_crash_and_restart),
	    cmocka_unit_test(test_restart_sweeps_tagged_vips_of_every_interface_and_namespace),
	    cmocka_unit_test(test_without_address_tags_only_the_files_vips_are_swept),
	    cmocka_unit_test(test_advert_link_down_and_up),
	    cmocka_unit_test(test_healed_split),
	    cmocka_unit_test(test_crash_peer_down_takes_over_at_once),
	    cmocka_unit_test(test_loss_and_delay),
	    cmocka_unit_test(test_missing_interface_waits_and_retries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
