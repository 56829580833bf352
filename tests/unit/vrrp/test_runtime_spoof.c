/* Forged adverts (issue 12, docs/security.md): a third party on the segment
 * sends adverts in the peer's name (rh_spoof). None of priority 255, an
 * interval beyond the tolerance or another VIP set may move a VIP; a
 * priority-0 flood must not become a GARP flood. A (192.0.2.11, priority
 * 200) holds the instance, B (.12, 100) backs it up; VRRPv3 at 100 ms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_harness.h"
#include "vrrp/runtime_internal.h"

enum { A, B };

#define V4    "eth0/master/ipv4/vrrp"
#define V6    "eth0/master/ipv6/vrrp"
#define VIP4  "192.0.2.100"
#define VIP4B "192.0.2.101"
#define VIP6  "2001:db8::100"
#define VRID4 51
#define VRID6 52

static struct rh_cfg lab_cfg(bool multicast)
{
	return (struct rh_cfg){
	    .insts = {{.name = V4,
		       .vrid = VRID4,
		       .family = IP_V4,
		       .vips = {VIP4 "/24", VIP4B "/24"},
		       .prio = {200, 100},
		       .multicast = multicast},
		      {.name = V6,
		       .vrid = VRID6,
		       .family = IP_V6,
		       .vips = {VIP6 "/64"},
		       .prio = {200, 100},
		       .multicast = multicast}},
	    .n_insts = 2,
	};
}

static void lab_up(struct rh_world *w, bool multicast)
{
	struct rh_cfg cfg = lab_cfg(multicast);

	rh_world_init(w, 2, &cfg);
	rh_start(w, A);
	rh_start(w, B);
	rh_run(w, 1000);
	assert_int_equal(rh_state(w, A, V4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(w, A, V6), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(w, B, V4), VRRP_FSM_BACKUP);
	assert_true(rh_client_reaches(w, VIP4, A));
}

static uint64_t drops(struct rh_world *w, int node, const char *inst, enum vrrp_drop_reason r)
{
	uint64_t d[VRRP_DROP__COUNT];

	vrrp_inst_drops(rh_inst(w, node, inst), d);
	return d[r];
}

/* The forgeries of issue 12, each in the peer's name, each alone. */
struct forgery {
	const char *what;
	uint8_t priority;
	uint32_t interval_ms;
	const char *vips4[3];
	const char *vips6[3];
	enum vrrp_drop_reason dropped_as;
};

static const struct forgery forgeries[] = {
    {"priority 255", 255, 100, {VIP4, VIP4B}, {VIP6}, VRRP_DROP_OWNER_PRIORITY},
    {"interval 4095 cs", 254, 40950, {VIP4, VIP4B}, {VIP6}, VRRP_DROP_INTERVAL_OUT_OF_BOUNDS},
    {"interval just above 2x", 254, 210, {VIP4, VIP4B}, {VIP6}, VRRP_DROP_INTERVAL_OUT_OF_BOUNDS},
    {"another VIP set", 254, 100, {"192.0.2.250"}, {"2001:db8::250"}, VRRP_DROP_VIP_SET_MISMATCH},
    /* the single advert: all three at once, the filter's check first */
    {"all three", 255, 40950, {"192.0.2.250"}, {"2001:db8::250"}, VRRP_DROP_VIP_SET_MISMATCH},
};

static void forge(struct rh_world *w, enum ip_family fam, int to, const char *src,
		  const struct forgery *f)
{
	struct rh_spoof sp = {.family = fam,
			      .src = src,
			      .to = to,
			      .vrid = fam == IP_V4 ? VRID4 : VRID6,
			      .priority = f->priority,
			      .interval_ms = f->interval_ms};

	for (size_t k = 0; k < 3; k++)
		sp.vips[k] = fam == IP_V4 ? f->vips4[k] : f->vips6[k];
	rh_spoof(w, &sp);
}

/* The master is sent each forgery in the peer's name, ten times over a
 * second: nothing moves, not for a millisecond, and each is counted. */
static void test_forgeries_in_the_peers_name_do_not_park_the_master(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(forgeries) / sizeof(forgeries[0]); i++) {
		const struct forgery *f = &forgeries[i];
		struct rh_world w;
		struct rh_watch seen4 = {0}, seen6;
		uint64_t t0;

		print_message("forgery: %s\n", f->what);
		lab_up(&w, false);
		t0 = w.now_ms;
		for (int k = 0; k < 10; k++) {
			forge(&w, IP_V4, A, "192.0.2.12", f);
			forge(&w, IP_V6, A, "2001:db8::12", f);
			seen4 = rh_run_watching(&w, 100, VIP4);
			assert_int_equal(seen4.dark_ms + seen4.double_ms, 0);
		}
		seen6 = rh_run_watching(&w, 2000, VIP6);
		assert_int_equal(seen6.dark_ms + seen6.double_ms, 0);
		assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
		assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
		assert_true(rh_client_reaches(&w, VIP4, A));
		assert_true(rh_client_reaches(&w, VIP6, A));
		assert_int_equal(drops(&w, A, V4, f->dropped_as), 10);
		assert_int_equal(drops(&w, A, V6, f->dropped_as), 10);
		assert_int_equal(rh_inst(&w, A, V4)->fsm.counters.adverts_received, 0);
		rh_world_done(&w);
	}
}

/* What the checks do not stop, and why they are needed: an advert that
 * passes all of them (priority 254, our interval, our VIPs) is obeyed.
 * Only authentication stops it (docs/security.md); the VIP comes back at
 * once (the pair's priority 0 and preempt), while the forgeries above
 * would have kept it away for Master_Down_Interval or, at 4095 cs, for
 * 131 s. */
static void test_a_forgery_that_passes_every_check_is_obeyed(void **state)
{
	static const struct forgery ok = {"valid", 254, 100, {VIP4, VIP4B}, {VIP6}, VRRP_DROP_NONE};
	struct rh_world w;
	uint64_t t0;

	(void)state;
	lab_up(&w, false);
	t0 = w.now_ms;
	forge(&w, IP_V4, A, "192.0.2.12", &ok);
	rh_run(&w, 500);
	assert_int_equal(rh_transitions(&w, A, V4, t0), 2); /* MASTER -> BACKUP -> MASTER */
	assert_int_equal(rh_state(&w, A, V4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(&w, VIP4, A));
	rh_world_done(&w);
}

/* Multicast: there is no peer filter, so a stranger's forgeries reach
 * both nodes' instances; both drop them. */
static void test_multicast_forgeries_from_a_stranger_are_dropped_by_both(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(forgeries) / sizeof(forgeries[0]); i++) {
		const struct forgery *f = &forgeries[i];
		struct rh_world w;
		struct rh_watch seen;
		uint64_t t0;

		print_message("forgery: %s\n", f->what);
		lab_up(&w, true);
		t0 = w.now_ms;
		forge(&w, IP_V4, -1, "192.0.2.99", f);
		forge(&w, IP_V6, -1, "fe80::99", f);
		seen = rh_run_watching(&w, 2000, VIP4);
		assert_int_equal(seen.dark_ms + seen.double_ms, 0);
		assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
		assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
		assert_true(rh_client_reaches(&w, VIP4, A));
		assert_true(rh_client_reaches(&w, VIP6, A));
		for (int n = A; n <= B; n++) {
			assert_int_equal(drops(&w, n, V4, f->dropped_as), 1);
			assert_int_equal(drops(&w, n, V6, f->dropped_as), 1);
		}
		rh_world_done(&w);
	}
}

/* The master dies; a forger in its name tries to keep the backup waiting
 * (4095 cs: 131 s, as the backup would have followed it) and keeps
 * sending priority 255. The backup takes over on time: Master_Down_Interval
 * after the master's last advert. */
static void test_a_forger_cannot_keep_the_backup_waiting_for_a_dead_master(void **state)
{
	static const struct forgery slow = {"slow",	   250,	   40950,
					    {VIP4, VIP4B}, {VIP6}, VRRP_DROP_NONE};
	static const struct forgery owner = {"owner",	    255,    100,
					     {VIP4, VIP4B}, {VIP6}, VRRP_DROP_NONE};
	struct rh_world w;
	uint64_t last;

	(void)state;
	lab_up(&w, false);
	rh_crash(&w, A);
	last = rh_last_advert_ms(&w, A);
	rh_run(&w, 10);
	forge(&w, IP_V4, B, "192.0.2.11", &slow);
	for (int k = 0; k < 10; k++) {
		forge(&w, IP_V4, B, "192.0.2.11", &owner);
		rh_run(&w, 50);
	}
	assert_int_equal(rh_state(&w, B, V4), VRRP_FSM_MASTER);
	assert_int_equal(rh_last_transition(&w, B, V4)->at_ms, last + 361);
	assert_int_equal(rh_last_transition(&w, B, V4)->cause, VRRP_FSM_CAUSE_MASTER_DOWN);
	assert_int_equal(drops(&w, B, V4, VRRP_DROP_INTERVAL_OUT_OF_BOUNDS), 1);
	assert_int_equal(drops(&w, B, V4, VRRP_DROP_OWNER_PRIORITY), 10);
	rh_world_done(&w);
}

/* A flood of forged priority 0 at the master: the first is answered at
 * once (an advert and a GARP round: it repairs clients), then at most one
 * round per advert interval, not one per forgery. */
static void test_a_priority_zero_flood_is_answered_once_per_interval(void **state)
{
	static const struct forgery zero = {"zero", 0, 100, {VIP4, VIP4B}, {VIP6}, VRRP_DROP_NONE};
	struct rh_world w;
	uint64_t t0;

	(void)state;
	lab_up(&w, false);
	t0 = w.now_ms;
	forge(&w, IP_V4, A, "192.0.2.12", &zero);
	rh_run(&w, 0);
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 1); /* at once */
	for (int k = 0; k < 1000; k++) {
		forge(&w, IP_V4, A, "192.0.2.12", &zero);
		rh_run(&w, 1);
	}
	/* the first, then one round per 100 ms over the second: 11, not 1001 */
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 11);
	assert_int_equal(rh_garps(&w, A, VIP4B, t0), rh_garps(&w, A, VIP4, t0));
	assert_int_equal(rh_inst(&w, A, V4)->fsm.counters.prio0_received, 1001);
	assert_true(rh_inst(&w, A, V4)->fsm.counters.prio0_answers_deferred >= 980);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_state(&w, B, V4), VRRP_FSM_BACKUP);
	/* the flood over, the master only advertises */
	t0 = w.now_ms + 100;
	rh_run(&w, 1000);
	assert_int_equal(rh_garps(&w, A, VIP4, t0), 0);
	rh_world_done(&w);
}

/* The receive filter's comparison: the instance's advertised VIPs, as a
 * set: the order is free (another implementation lists its own), the
 * count and every address are not. */
static void test_vip_set_match(void **state)
{
	struct ip_addr want[3] = {rh_ip("192.0.2.1"), rh_ip("192.0.2.2"), rh_ip("192.0.2.3")};
	struct vrrp_pkt *p = calloc(1, sizeof(*p));

	(void)state;
	assert_non_null(p);
	p->n_addrs = 3;
	memcpy(p->addrs, want, sizeof(want));
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_SAME);
	p->addrs[0] = want[2];
	p->addrs[2] = want[0];
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_SAME); /* reordered */
	p->addrs[2] = want[2];
	/* 3, 2, 3: one missing, some ours */
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_OVERLAP);
	p->addrs[2] = rh_ip("192.0.2.4");
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_OVERLAP); /* one not ours */
	p->n_addrs = 2;
	p->addrs[0] = want[0];
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_OVERLAP); /* one missing */
	/* what a capped advert lists */
	assert_int_equal(rt_advert_vips_compare(want, 2, p), RT_VIPS_SAME);
	p->n_addrs = 4;
	p->addrs[2] = want[2];
	p->addrs[3] = rh_ip("192.0.2.4");
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_OVERLAP); /* one too many */
	p->n_addrs = 2;
	p->addrs[0] = rh_ip("192.0.2.4");
	p->addrs[1] = rh_ip("192.0.2.5");
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_DISJOINT); /* none ours */
	p->n_addrs = 0;
	assert_int_equal(rt_advert_vips_compare(want, 3, p), RT_VIPS_DISJOINT); /* no address */
	p->n_addrs = 1;
	p->addrs[0] = rh_ip("::ffff:192.0.2.1");
	/* another family */
	assert_int_equal(rt_advert_vips_compare(want, 1, p), RT_VIPS_DISJOINT);
	free(p);
}

/* A peer with another VIP list (or a VRID another router uses) is logged
 * once per change, not per advert, and once more when it matches again. */
static void test_vip_set_mismatch_logged_once_per_change(void **state)
{
	static const struct forgery other = {"other",	      200,    100,
					     {"192.0.2.250"}, {NULL}, VRRP_DROP_NONE};
	static const struct forgery third = {"third",	      200,    100,
					     {"192.0.2.251"}, {NULL}, VRRP_DROP_NONE};
	struct rh_world w;
	struct vrrp_inst *b;
	uint64_t first;

	(void)state;
	lab_up(&w, false);
	b = rh_inst(&w, B, V4);
	assert_false(b->vip_mismatch_logged);
	forge(&w, IP_V4, B, "192.0.2.11", &other);
	rh_run(&w, 0);
	first = w.now_ms;
	assert_true(b->vip_mismatch_logged);
	assert_int_equal(b->vip_mismatch_ms, first);
	/* the same set again, and another one within the second: not logged */
	rh_run(&w, 30);
	forge(&w, IP_V4, B, "192.0.2.11", &other);
	forge(&w, IP_V4, B, "192.0.2.11", &third);
	rh_run(&w, 0);
	assert_int_equal(b->vip_mismatch_ms, first);
	/* the master's next real advert matches: that is news */
	rh_run(&w, 100);
	assert_false(b->vip_mismatch_logged);
	/* a mismatch again, a second after the last line: logged */
	rh_run(&w, 1000);
	forge(&w, IP_V4, B, "192.0.2.11", &third);
	rh_run(&w, 0);
	assert_true(b->vip_mismatch_logged);
	assert_int_equal(b->vip_mismatch_ms, w.now_ms);
	assert_int_equal(drops(&w, B, V4, VRRP_DROP_VIP_SET_MISMATCH), 4);
	assert_int_equal(rh_transitions(&w, B, NULL, first), 0);
	rh_world_done(&w);
}

/* A reload that changes a VIP list reaches one node, then the other (as
 * `vipctl reload` on each, minutes apart if the operator is slow): while
 * the lists differ, each accepts the other's adverts since they share VIPs
 * (counted, logged), so nothing moves and no VIP is held twice, however
 * long the gap; either node first. */
static void rolling_reload(int first, int second)
{
	struct rh_world w;
	struct rh_watch seen;
	uint64_t t0;

	lab_up(&w, false);
	t0 = w.now_ms;
	w.cfg.insts[0].vips[2] = "192.0.2.102/24";
	rh_reload(&w, first);
	seen = rh_run_watching(&w, 5000, VIP4);
	assert_int_equal(seen.dark_ms + seen.double_ms, 0);
	rh_reload(&w, second);
	rh_run(&w, 2000);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	assert_true(rh_client_reaches(&w, "192.0.2.102", A));
	assert_true(rh_client_reaches(&w, VIP4, A));
	assert_true(rh_inst(&w, B, V4)->vip_set_differs >= 40);
	assert_int_equal(drops(&w, B, V4, VRRP_DROP_VIP_SET_MISMATCH), 0);
	assert_int_equal(drops(&w, A, V4, VRRP_DROP_VIP_SET_MISMATCH), 0);
	rh_world_done(&w);
}

static void test_a_vip_list_reload_on_the_master_first_moves_nothing(void **state)
{
	(void)state;
	rolling_reload(A, B);
}

static void test_a_vip_list_reload_on_the_backup_first_moves_nothing(void **state)
{
	(void)state;
	rolling_reload(B, A);
}

/* Adverts that share some of our VIPs are accepted (above) and counted;
 * a lower priority from the peer's address then changes nothing. */
static void test_a_partly_different_vip_set_is_accepted_and_counted(void **state)
{
	static const struct forgery missing = {"missing", 100, 100, {VIP4}, {NULL}, VRRP_DROP_NONE};
	static const struct forgery extra = {
	    "extra", 100, 100, {VIP4, VIP4B, "192.0.2.250"}, {NULL}, VRRP_DROP_NONE};
	struct rh_world w;
	uint64_t t0;

	(void)state;
	lab_up(&w, false);
	t0 = w.now_ms;
	for (int k = 0; k < 5; k++) {
		forge(&w, IP_V4, A, "192.0.2.12", &missing);
		forge(&w, IP_V4, A, "192.0.2.12", &extra);
		rh_run(&w, 100);
	}
	assert_int_equal(rh_inst(&w, A, V4)->vip_set_differs, 10);
	assert_int_equal(drops(&w, A, V4, VRRP_DROP_VIP_SET_MISMATCH), 0);
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_true(rh_client_reaches(&w, VIP4, A));
	rh_world_done(&w);
}

static struct vrrp_rt_sock *sock_of(struct rh_world *w, int node, enum ip_family fam)
{
	for (size_t i = 0; i < w->nodes[node].rt.n_socks; i++)
		if (w->nodes[node].rt.socks[i]->family == fam)
			return w->nodes[node].rt.socks[i];
	fail_msg("node %d has no %s socket", node, ip_family_name(fam));
	return NULL;
}

/* The kernel says with each packet how many it has dropped for the socket
 * (an IPsec policy refused a forgery, the buffer was full): the socket
 * adds up what the count grew by, across its wrap at 2^32, and nothing
 * else moves. */
static void test_kernel_drops_are_added_up_across_the_wrap(void **state)
{
	struct rh_world w;
	struct vrrp_rt_sock *s;
	uint64_t sock_drops[VRRP_DROP__COUNT], after[VRRP_DROP__COUNT], t0;

	(void)state;
	lab_up(&w, false);
	t0 = w.now_ms;
	s = sock_of(&w, B, IP_V4);
	vrrp_sock_drops(s, sock_drops);
	assert_int_equal(s->kernel_drops, 0);
	w.nodes[B].kernel_drops = 3;
	rh_run(&w, 300);
	assert_int_equal(s->kernel_drops, 3);
	w.nodes[B].kernel_drops = UINT32_MAX - 1;
	rh_run(&w, 300);
	assert_int_equal(s->kernel_drops, UINT32_MAX - 1);
	w.nodes[B].kernel_drops = 2; /* wrapped: 4 more */
	rh_run(&w, 300);
	assert_int_equal(s->kernel_drops, (uint64_t)UINT32_MAX + 3);
	assert_int_equal(sock_of(&w, B, IP_V6)->kernel_drops, (uint64_t)UINT32_MAX + 3);
	assert_int_equal(sock_of(&w, A, IP_V4)->kernel_drops, 0);
	vrrp_sock_drops(s, after);
	assert_memory_equal(after, sock_drops, sizeof(sock_drops));
	assert_int_equal(rh_transitions(&w, A, NULL, t0), 0);
	assert_int_equal(rh_transitions(&w, B, NULL, t0), 0);
	rh_world_done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forgeries_in_the_peers_name_do_not_park_the_master),
	    cmocka_unit_test(test_a_forgery_that_passes_every_check_is_obeyed),
	    cmocka_unit_test(test_multicast_forgeries_from_a_stranger_are_dropped_by_both),
	    cmocka_unit_test(test_a_forger_cannot_keep_the_backup_waiting_for_a_dead_master),
	    cmocka_unit_test(test_a_priority_zero_flood_is_answered_once_per_interval),
	    cmocka_unit_test(test_vip_set_match),
	    cmocka_unit_test(test_vip_set_mismatch_logged_once_per_change),
	    cmocka_unit_test(test_a_vip_list_reload_on_the_master_first_moves_nothing),
	    cmocka_unit_test(test_a_vip_list_reload_on_the_backup_first_moves_nothing),
	    cmocka_unit_test(test_a_partly_different_vip_set_is_accepted_and_counted),
	    cmocka_unit_test(test_kernel_drops_are_added_up_across_the_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
