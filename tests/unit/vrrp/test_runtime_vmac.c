/* vrrp.virtual_mac in the fake environment (rt_harness.h, docs/vmac.md):
 * each instance's VIPs live on its own macvlan with the RFC 5798 MAC; the
 * master's link is up and sends the adverts and GARP/NA from that MAC, the
 * backup's is down and sends nothing; the client's neighbour entry for a
 * VIP stays the virtual MAC through takeover, handover, preemption and a
 * crash; the links are adopted after a crash and removed with their
 * instance. The Active-Active lab with virtual_mac on every instance. */
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
#define VM4   "vm4-51-eth0"
#define VM6   "vm6-52-eth0"
#define VMB4  "vm4-61-eth0"

/* The lab with virtual_mac; multicast: adverts to the group (RFC 5798). */
static void vmac_lab(struct rh_world *w, bool multicast)
{
	struct rh_cfg cfg = rh_aa_cfg;

	for (size_t k = 0; k < cfg.n_insts; k++) {
		cfg.insts[k].virtual_mac = true;
		cfg.insts[k].multicast = multicast;
	}
	rh_world_init(w, 2, &cfg);
	rh_start(w, A);
	rh_start(w, B);
	rh_run(w, 1000);
}

static void vmac_up(struct rh_world *w)
{
	vmac_lab(w, true);
}

static void assert_mac(const uint8_t *got, uint8_t vrid, enum ip_family fam)
{
	uint8_t want[6];

	rh_vmac_of(vrid, fam, want);
	assert_memory_equal(got, want, 6);
}

/* The instance's link is up on exactly the node that holds its VIPs. */
static void assert_links(struct rh_world *w, const char *link, int master)
{
	for (int i = A; i <= B; i++) {
		const struct rh_vmac *vm = rh_vmac(w, i, link);

		assert_non_null(vm);
		assert_int_equal(vm->up, i == master);
	}
}

/* The adverts of VRID vrid node i sent since t0: every one from mac. */
static size_t adverts_from(const struct rh_world *w, int i, uint8_t vrid, const uint8_t mac[6],
			   uint64_t t0)
{
	size_t k = 0;

	for (size_t a = 0; a < w->n_adverts; a++) {
		const struct rh_advert *ad = &w->adverts[a];

		if (ad->node != i || ad->at_ms < t0 || ad->vrid != vrid)
			continue;
		assert_memory_equal(ad->mac, mac, 6);
		k++;
	}
	return k;
}

static void test_vips_on_their_own_links(void **state)
{
	struct rh_world w;
	uint8_t m4[6], m6[6];

	(void)state;
	vmac_up(&w);
	rh_aa_assert_settled(&w);
	assert_true(rh_holds_on(&w, A, "", VM4, VIP4));
	assert_true(rh_holds_on(&w, A, "", VM6, VIP6));
	assert_true(rh_holds_on(&w, B, "", VMB4, VIPB4));
	assert_false(rh_holds_on(&w, A, "", RH_IFNAME, VIP4));
	assert_links(&w, VM4, A);
	assert_links(&w, VM6, A);
	assert_links(&w, VMB4, B);
	/* the client's entries are the virtual MACs, learnt from the GARP/NA */
	assert_mac(rh_client_mac(&w, VIP4), 51, IP_V4);
	assert_mac(rh_client_mac(&w, VIP6), 52, IP_V6);
	assert_mac(rh_client_mac(&w, VIPB4), 61, IP_V4);
	/* the master's adverts leave from the virtual MAC (RFC 5798 7.3), an
	 * IPv6 one from that link's link-local address (rh_env_vmac_send) */
	rh_vmac_of(51, IP_V4, m4);
	rh_vmac_of(52, IP_V6, m6);
	assert_true(adverts_from(&w, A, 51, m4, 1500) >= 4);
	assert_true(adverts_from(&w, A, 52, m6, 1500) >= 4);
	/* a backup's link never sent a frame */
	assert_int_equal(w.nodes[A].vmac_down_sends, 0);
	assert_int_equal(w.nodes[B].vmac_down_sends, 0);
	rh_world_done(&w);
}

/* Unicast adverts leave from the node's own interface and MAC (the peer's
 * address is never resolved from the virtual MAC link); the VIPs still
 * live on the links and the client still learns the virtual MAC. */
static void test_unicast_adverts_from_the_interface(void **state)
{
	struct rh_world w;

	(void)state;
	vmac_lab(&w, false);
	rh_aa_assert_settled(&w);
	assert_true(rh_holds_on(&w, A, "", VM4, VIP4));
	assert_true(adverts_from(&w, A, 51, w.nodes[A].mac, 1500) >= 4);
	assert_mac(rh_client_mac(&w, VIP4), 51, IP_V4);
	rh_stop(&w, A);
	rh_run(&w, 500);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_mac(rh_client_mac(&w, VIP4), 51, IP_V4);
	rh_world_done(&w);
}

/* The client never relearns: its entry stays the virtual MAC and reaches
 * whichever node is master, through a handover (TERM), preemption back,
 * and a takeover after the master's port is lost. No GARP needed: its
 * entry is made permanent first (a client that ignores them). */
static void test_takeover_keeps_the_clients_entry(void **state)
{
	struct rh_world w;
	uint8_t m4[6], m6[6];

	(void)state;
	vmac_up(&w);
	rh_vmac_of(51, IP_V4, m4);
	rh_vmac_of(52, IP_V6, m6);
	assert_int_equal(rh_client_node(&w, VIP4), A);
	assert_int_equal(rh_client_node(&w, VIP6), A);

	rh_stop(&w, A); /* TERM: priority 0, B at once */
	rh_run(&w, 500);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_memory_equal(rh_client_mac(&w, VIP4), m4, 6);
	assert_memory_equal(rh_client_mac(&w, VIP6), m6, 6);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIP6, B));
	/* TERM removed A's links with its instances */
	assert_null(rh_vmac(&w, A, VM4));
	assert_true(rh_vmac(&w, B, VM4)->up);

	rh_start(&w, A); /* preempts back */
	rh_run(&w, 2000);
	assert_int_equal(rh_state(&w, A, GW4), VRRP_FSM_MASTER);
	assert_links(&w, VM4, A);
	assert_links(&w, VM6, A);
	assert_memory_equal(rh_client_mac(&w, VIP4), m4, 6);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_client_reaches(&w, VIP6, A));

	rh_link(&w, A, false, 0); /* A's port lost: B takes over */
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_false(rh_vmac(&w, A, VM4)->up);
	assert_memory_equal(rh_client_mac(&w, VIP4), m4, 6);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_true(rh_client_reaches(&w, VIP6, B));
	assert_int_equal(w.nodes[A].vmac_down_sends + w.nodes[B].vmac_down_sends, 0);
	rh_world_done(&w);
}

/* SIGKILL: the links stay (the kernel's), A's still up with the VIPs; B
 * takes over after Master_Down. The daemon that comes back adopts its
 * links (none made again), sweeps the VIPs, and preempts. */
static void test_crash_leaves_links_adopted_at_start(void **state)
{
	struct rh_world w;
	uint64_t made;

	(void)state;
	vmac_up(&w);
	made = w.nodes[A].vmac_created;
	assert_int_equal(made, 3);
	rh_crash(&w, A);
	assert_non_null(rh_vmac(&w, A, VM4));
	rh_link(&w, A, false, 0); /* the crashed node's port goes too: no dual answer */
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, B, GW4), VRRP_FSM_MASTER);
	assert_true(rh_vmac(&w, B, VM4)->up);
	rh_link(&w, A, true, 0);
	rh_start(&w, A);
	assert_false(rh_vmac(&w, A, VM4)->up); /* adopted, down: a backup's */
	assert_false(rh_holds(&w, A, VIP4));
	rh_run(&w, 2000);
	assert_int_equal(w.nodes[A].vmac_created, made);
	assert_links(&w, VM4, A);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_client_reaches(&w, VIP6, A));
	rh_world_done(&w);
}

/* A master that resigns (ill health, then drain) lowers its link after its
 * VIPs leave; the peer raises its own; the client's entry never changes. */
static void test_resign_and_drain_move_the_link(void **state)
{
	struct rh_world w;
	uint8_t m4[6];

	(void)state;
	vmac_up(&w);
	rh_vmac_of(51, IP_V4, m4);
	rh_health(&w, A, false, false, "gateway lost");
	rh_run(&w, 1000);
	assert_links(&w, VM4, B);
	assert_links(&w, VM6, B);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_memory_equal(rh_client_mac(&w, VIP4), m4, 6);
	rh_health(&w, A, true, false, "gateway back");
	rh_run(&w, 2000);
	assert_links(&w, VM4, A);
	assert_true(rh_client_reaches(&w, VIP4, A));
	vrrp_rt_set_drained(&w.nodes[A].rt, true);
	rh_run(&w, 1000);
	assert_links(&w, VM4, B);
	assert_links(&w, VMB4, B);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_memory_equal(rh_client_mac(&w, VIP4), m4, 6);
	assert_int_equal(w.nodes[A].vmac_down_sends + w.nodes[B].vmac_down_sends, 0);
	rh_world_done(&w);
}

/* A link that cannot be raised holds no VIP: the instance cannot hold its
 * VIPs (ill health, retried), and holds them once the link comes up. */
static void test_link_that_cannot_be_raised(void **state)
{
	struct rh_world w;

	(void)state;
	vmac_up(&w);
	w.nodes[B].vmac_up_err = -EPERM;
	rh_stop(&w, A);
	rh_run(&w, 500);
	assert_false(rh_holds(&w, B, VIP4));
	assert_false(rh_vmac(&w, B, VM4)->up);
	assert_string_not_equal(rh_inst(&w, B, GW4)->hold_reason, "");
	w.nodes[B].vmac_up_err = 0;
	rh_run(&w, 2000);
	assert_true(rh_vmac(&w, B, VM4)->up);
	assert_true(rh_client_reaches(&w, VIP4, B));
	assert_string_equal(rh_inst(&w, B, GW4)->hold_reason, "");
	rh_world_done(&w);
}

/* Chaos seed 11 step 10, with virtual_mac (unicast, as the chaos lab): a
 * reload on A deleted eight links and blocked its loop 300 ms; B, hearing
 * nothing for Master_Down_Interval, took GW6 over (its NA moved the
 * virtual MAC to its switch port), then heard A again and yielded. It sent
 * priority 0 before removing the VIP; A answered with its NA at once, and
 * the MLD report B's kernel sent as the IPv6 VIP left its link reached the
 * switch after it: the MAC at B's port, where the link was down, the VIP
 * dark at A, which held it, with the client's entry the virtual MAC. The
 * VIPs now go before the priority 0 (fsm.c, release_then_tell; commit
 * 3a84294, without which both tests below fail): A's answer is the last
 * frame from that MAC. */
static void stall_a(struct rh_world *w)
{
	w->nodes[A].loss_pct = 100; /* A's loop blocked: none of its adverts */
	rh_run(w, 450);
	w->nodes[A].loss_pct = 0;
}

static void test_peer_that_yields_leaves_the_mac_at_the_master(void **state)
{
	struct rh_world w;
	uint8_t m6[6];
	uint64_t t0;

	(void)state;
	vmac_lab(&w, false);
	rh_vmac_of(52, IP_V6, m6);
	t0 = w.now_ms;
	stall_a(&w);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_MASTER);
	assert_int_equal(rh_switch_port(&w, m6), B); /* its NA moved the MAC */
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_BACKUP);
	assert_int_equal(rh_adverts(&w, B, 0, t0), 2); /* GW4 and GW6, yielded */
	assert_true(w.nodes[B].vmac_kernel_sends > 0); /* the report of the VIP leaving */
	assert_false(rh_vmac(&w, B, VM6)->up);
	assert_int_equal(rh_switch_port(&w, m6), A);
	assert_memory_equal(rh_client_mac(&w, VIP6), m6, 6);
	assert_true(rh_client_reaches(&w, VIP6, A));
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* The same with the step's second half: B, master after A's stall, is
 * restarted by a reload (its priority changed): the instance's shutdown
 * sends priority 0, after its VIPs and link went. The restarted instance
 * adopts the link (not deleted and made again: a deletion costs the
 * kernel's RCU grace periods, and eight of them blocked A's loop). */
static void test_restart_of_a_master_leaves_the_mac_at_the_peer(void **state)
{
	struct rh_world w;
	uint8_t m6[6];
	uint64_t made;

	(void)state;
	vmac_lab(&w, false);
	rh_vmac_of(52, IP_V6, m6);
	made = w.nodes[B].vmac_created;
	w.nodes[A].loss_pct = 100;
	rh_run(&w, 450);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_MASTER);
	w.cfg.insts[1].prio[B] = 110; /* GW6 changes on B: restarted */
	rh_reload(&w, B);
	assert_int_equal(w.nodes[B].vmac_created, made);
	assert_false(rh_vmac(&w, B, VM6)->up);
	assert_false(rh_holds(&w, B, VIP6));
	w.nodes[A].loss_pct = 0;
	rh_run(&w, 1000);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_BACKUP);
	assert_int_equal(rh_switch_port(&w, m6), A);
	assert_true(rh_client_reaches(&w, VIP6, A));
	rh_aa_assert_settled(&w);
	rh_world_done(&w);
}

/* The daemon watches its links (docs/vmac.md, "Repairs"): someone sets
 * the master's link down (it loses its IPv6 VIPs, and answers nothing):
 * raised again, the VIPs added again, one GARP/NA round; deleted: made
 * again, the same. */
static void test_master_link_set_down_or_deleted_is_put_back(void **state)
{
	struct rh_world w;
	uint8_t m4[6], m6[6];
	uint64_t t0, made;

	(void)state;
	vmac_lab(&w, false);
	rh_vmac_of(51, IP_V4, m4);
	rh_vmac_of(52, IP_V6, m6);
	rh_run(&w, 1000); /* past the takeover's GARP/NA burst */
	t0 = w.now_ms;
	rh_vmac_set_up_behind(&w, A, VM6, false);
	assert_true(rh_vmac(&w, A, VM6)->up);
	assert_true(rh_holds_on(&w, A, "", VM6, VIP6));
	rh_run(&w, 0); /* the round is queued: the next loop pass sends it */
	assert_int_equal(rh_garps(&w, A, VIP6, t0), 1);
	assert_int_equal(rh_inst(&w, A, GW6)->vmac_repairs, 1);
	assert_true(rh_client_reaches(&w, VIP6, A));

	t0 = w.now_ms;
	made = w.nodes[A].vmac_created;
	rh_vmac_delete_behind(&w, A, VM4);
	assert_int_equal(w.nodes[A].vmac_created, made + 1);
	assert_true(rh_vmac(&w, A, VM4)->up);
	assert_true(rh_holds_on(&w, A, "", VM4, VIP4));
	rh_run(&w, 0);
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 1);
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_int_equal(rh_switch_port(&w, m4), A);
	/* nothing moved: no transition, the peer never noticed */
	rh_run(&w, 1000);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	rh_aa_assert_settled(&w);
	assert_int_equal(w.nodes[A].vmac_down_sends, 0);
	rh_world_done(&w);
}

/* A backup's link set up by someone is lowered again (a backup's link
 * sends nothing); one deleted is made again, down, and the instance still
 * takes over when it must. */
static void test_backup_link_set_up_or_deleted_is_put_back(void **state)
{
	struct rh_world w;
	uint64_t made;

	(void)state;
	vmac_lab(&w, false);
	rh_vmac_set_up_behind(&w, B, VM4, true);
	assert_false(rh_vmac(&w, B, VM4)->up);
	assert_int_equal(rh_inst(&w, B, GW4)->vmac_repairs, 1);
	made = w.nodes[B].vmac_created;
	rh_vmac_delete_behind(&w, B, VM6);
	assert_int_equal(w.nodes[B].vmac_created, made + 1);
	assert_non_null(rh_vmac(&w, B, VM6));
	assert_false(rh_vmac(&w, B, VM6)->up);
	rh_run(&w, 500);
	rh_aa_assert_settled(&w);
	rh_stop(&w, A); /* B takes GW4 and GW6 over on the links put back */
	rh_run(&w, 500);
	assert_true(rh_vmac(&w, B, VM6)->up);
	assert_true(rh_client_reaches(&w, VIP6, B));
	assert_true(rh_client_reaches(&w, VIP4, B));
	rh_world_done(&w);
}

/* A backup's IPv6 link raised by someone sends an MLD report from the
 * VIP's MAC before the daemon lowers it again, and the switch sends the
 * VIP's clients to the backup, whose link is down: the backup's priority
 * 0 makes the master announce the VIP again, and the switch learns the
 * MAC back at the master's port. Nobody changes state. */
static void test_a_backup_links_leak_is_announced_again_by_the_master(void **state)
{
	struct rh_world w;
	uint8_t m6[6];
	uint64_t t0, kernel_sends;

	(void)state;
	vmac_lab(&w, false);
	rh_vmac_of(52, IP_V6, m6);
	assert_int_equal(rh_switch_port(&w, m6), A);
	t0 = w.now_ms;
	kernel_sends = w.nodes[B].vmac_kernel_sends;
	rh_vmac_set_up_behind(&w, B, VM6, true);
	assert_int_equal(w.nodes[B].vmac_kernel_sends, kernel_sends + 1);
	assert_false(rh_vmac(&w, B, VM6)->up);
	assert_int_equal(rh_adverts(&w, B, 0, t0), 1); /* priority 0, once */
	rh_run(&w, 50);
	assert_int_equal(rh_switch_port(&w, m6), A);
	assert_true(rh_client_reaches(&w, VIP6, A));
	assert_true(rh_garps(&w, A, VIP6, t0) >= 1);
	rh_run(&w, 1000);
	rh_aa_assert_settled(&w);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	rh_world_done(&w);
}

/* Without the watch's word (a link deleted while the daemon was busy), a
 * backup that takes over makes its link again when raising it fails. */
static void test_takeover_makes_a_deleted_link_again(void **state)
{
	struct rh_world w;
	struct rh_vmac *vm;

	(void)state;
	vmac_lab(&w, false);
	vm = (struct rh_vmac *)rh_vmac(&w, B, VM6);
	vm->exists = false; /* gone, and nobody told */
	rh_stop(&w, A);
	rh_run(&w, 500);
	assert_int_equal(rh_state(&w, B, GW6), VRRP_FSM_MASTER);
	assert_true(rh_vmac(&w, B, VM6)->up);
	assert_true(rh_client_reaches(&w, VIP6, B));
	rh_world_done(&w);
}

/* A crashed daemon comes back with a file without virtual_mac: the links it
 * left are swept at start (the VIPs back on eth0); the peer's stay. */
static void test_links_the_file_dropped_are_swept_at_start(void **state)
{
	struct rh_world w;

	(void)state;
	vmac_up(&w);
	rh_crash(&w, A);
	rh_link(&w, A, false, 0);
	rh_run(&w, 1000);
	assert_non_null(rh_vmac(&w, A, VM4));
	for (size_t k = 0; k < w.cfg.n_insts; k++)
		w.cfg.insts[k].virtual_mac = false;
	rh_link(&w, A, true, 0);
	rh_start(&w, A);
	assert_null(rh_vmac(&w, A, VM4));
	assert_null(rh_vmac(&w, A, VM6));
	assert_null(rh_vmac(&w, A, VMB4));
	assert_non_null(rh_vmac(&w, B, VM4)); /* B runs its own file still */
	rh_run(&w, 2000);
	assert_true(rh_holds_on(&w, A, "", RH_IFNAME, VIP4));
	rh_world_done(&w);
}

/* A reload that turns virtual_mac off moves the VIPs back to eth0 and
 * removes the links. */
static void test_reload_without_virtual_mac(void **state)
{
	struct rh_world w;

	(void)state;
	vmac_up(&w);
	for (size_t k = 0; k < w.cfg.n_insts; k++)
		w.cfg.insts[k].virtual_mac = false;
	rh_reload(&w, A);
	rh_reload(&w, B);
	rh_run(&w, 2000);
	rh_aa_assert_settled(&w);
	assert_true(rh_holds_on(&w, A, "", RH_IFNAME, VIP4));
	assert_null(rh_vmac(&w, A, VM4));
	assert_null(rh_vmac(&w, B, VM4));
	assert_null(rh_vmac(&w, B, VMB4));
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vips_on_their_own_links),
	    cmocka_unit_test(test_unicast_adverts_from_the_interface),
	    cmocka_unit_test(test_takeover_keeps_the_clients_entry),
	    cmocka_unit_test(test_crash_leaves_links_adopted_at_start),
	    cmocka_unit_test(test_resign_and_drain_move_the_link),
	    cmocka_unit_test(test_link_that_cannot_be_raised),
	    cmocka_unit_test(test_peer_that_yields_leaves_the_mac_at_the_master),
	    cmocka_unit_test(test_restart_of_a_master_leaves_the_mac_at_the_peer),
	    cmocka_unit_test(test_master_link_set_down_or_deleted_is_put_back),
	    cmocka_unit_test(test_backup_link_set_up_or_deleted_is_put_back),
	    cmocka_unit_test(test_a_backup_links_leak_is_announced_again_by_the_master),
	    cmocka_unit_test(test_takeover_makes_a_deleted_link_again),
	    cmocka_unit_test(test_links_the_file_dropped_are_swept_at_start),
	    cmocka_unit_test(test_reload_without_virtual_mac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
