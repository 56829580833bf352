/* nl_selftest -- the netlink reader and plan executor against a real kernel.
 *
 * Usage: nl_selftest [--kinds=basic|all] [-v]
 *   basic  veth (standing in for ethernet ports), bridge, macvlan, veth
 *          pairs across namespaces: what any kernel with namespaces has
 *   all    also vlan, bond (active-backup, with primary) and lacp (802.3ad):
 *          needs 8021q and bonding, e.g. under
 *          tests/lab/kernel-run -- build/tests/net/nl_selftest --kinds=all
 *   -v     every step found as planned, not only the ones that are not
 *
 * Runs as root in a network namespace of its own (unshare), so the
 * namespace vipd calls "" is a scratch one too; it creates the named
 * namespaces nlst<pid>{a,b,c} and deletes them at the end (the group
 * teardown also deletes what a failed phase left).
 *
 * Phases, one cmocka test each: build (every kind, every op), netns
 * (listing, EEXIST, ENOENT), modify (every op on existing links), rollback
 * (a plan with every op and a failing last step: the reading after must
 * equal the reading before), kernel refusal (extended ack text in the
 * report), cleanup. Every later phase works on what build made: if build
 * failed, they are skipped, saying so. Ends with cmocka's summary; exits
 * 0, 1 on failures, 77 when it cannot run here (not root, kernel lacks
 * kinds). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/nl_apply.h"
#include "net/nl_live.h"
#include "st.h"

/* The run's options, set once by main before the tests: cmocka gives the
 * group setup no other way in (its state starts NULL). */
static struct st_opts {
	bool verbose, all;
} opts;

enum phase { PHASE_BUILD, PHASE_NETNS, PHASE_MODIFY, PHASE_ROLLBACK, PHASE_REFUSAL };

static const char *const phase_names[] = {"build", "netns", "modify", "rollback", "refusal"};

/* Skips the running test, saying why, unless phase `needed` passed. */
static void phase_needs(const struct st *t, enum phase needed)
{
	if (t->passed & (1u << needed))
		return;
	print_message("skipped: it builds on phase %s, which failed\n", phase_names[needed]);
	skip();
}

/* Called last in a phase's test: reached only if none of its checks failed. */
static void phase_passed(struct st *t, enum phase phase)
{
	t->passed |= 1u << phase;
}

static struct plan_step *up(struct plan *p, const char *ns, const char *name, bool on)
{
	struct plan_step *s = st_push(p, PLAN_LINK_UP, ns, name);

	s->up = on;
	return s;
}

static struct plan_step *enslave(struct plan *p, const char *ns, const char *name,
				 const char *master)
{
	struct plan_step *s = st_push(p, PLAN_LINK_MASTER, ns, name);

	snprintf(s->master, sizeof(s->master), "%s", master);
	return s;
}

static struct plan_step *move(struct plan *p, const char *ns, const char *name, const char *to)
{
	struct plan_step *s = st_push(p, PLAN_LINK_MOVE, ns, name);

	snprintf(s->to_netns, sizeof(s->to_netns), "%s", to);
	return s;
}

/* Applies p: true if every step was done, else the report is printed. */
static bool run_plan(struct st *t, const struct plan *p, const char *phase)
{
	struct net_apply_report rep;
	int err = net_apply(&t->ctx, p, &rep);

	if (err == 0 && rep.done == p->n)
		return true;
	print_error("%s: apply %zu steps (%zu done)%s%s\n", phase, p->n, rep.done, err ? ": " : "",
		    err ? rep.message : "");
	return false;
}

static void build_basic(struct plan *p, const struct st *t)
{
	struct plan_step *s;

	st_push(p, PLAN_NETNS_ADD, t->ns_a, NULL);
	st_push(p, PLAN_NETNS_ADD, t->ns_b, NULL);
	st_veth(p, "", "e0", "e0p", "", 9000);
	st_veth(p, "", "e1", "e1p", "", 0);
	st_veth(p, "", "e2", "e2p", "", 0);
	st_bridge(p, "", "br0", true, 4000);
	s = st_macvlan(p, "", "mv0", "e0", 4 /* bridge */);
	st_mac(s->link.mac, 0x10);
	s->link.mtu = 1500;
	st_macvlan(p, "", "mv1", "e0", 1 /* private */);
	move(p, "", "mv1", t->ns_a);
	st_veth(p, t->ns_b, "ten", "ten-host", "", 0);
	enslave(p, "", "ten-host", "br0");
	enslave(p, "", "e1", "br0");
	enslave(p, "", "e0p", "br0");
	st_push(p, PLAN_LINK_MTU, "", "e2")->mtu = 4000;
	st_mac(st_push(p, PLAN_LINK_MAC, "", "e2")->mac, 0x22);
	for (const char *const *n = (const char *const[]){"e0", "e0p", "e1", "e1p", "e2", "br0",
							  "mv0", "ten-host", NULL};
	     *n; n++)
		up(p, "", *n, true);
	up(p, t->ns_b, "ten", true);
	up(p, t->ns_a, "mv1", true);
	st_addr(p, PLAN_ADDR_ADD, "", "mv0", "203.0.113.2/26", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, "", "mv0", "2001:db8::2/64", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, t->ns_b, "ten", "192.0.2.11/24", VIPD_ADDR_PROTO_VIP);
	st_addr(p, PLAN_ADDR_ADD, t->ns_a, "mv1", "203.0.113.66/26", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, "", "br0", "198.51.100.1/24", 0);
	st_addr(p, PLAN_ADDR_ADD, "", "e2", "203.0.113.130/26", VIPD_ADDR_PROTO_NODE);
}

static void build_all(struct plan *p, const struct st *t)
{
	static const char *const ports[] = {"e3", "e4", "e5", "e6"};
	char peer[LIVE_NAME_MAX];

	for (size_t i = 0; i < 4; i++) {
		snprintf(peer, sizeof(peer), "%sp", ports[i]);
		st_veth(p, "", ports[i], peer, "", 0);
	}
	st_vlan(p, "", "v100", "e0", 100)->link.mtu = 1500;
	st_vlan(p, "", "v200", "e0", 200);
	move(p, "", "v200", t->ns_a);
	st_bond(p, "", "bond1", 1 /* active-backup */, "e4");
	enslave(p, "", "e3", "bond1");
	enslave(p, "", "e4", "bond1");
	st_bond(p, "", "bond0", 4 /* 802.3ad */, NULL);
	enslave(p, "", "e5", "bond0");
	enslave(p, "", "e6", "bond0");
	st_vlan(p, "", "v300", "bond0", 300);
	for (const char *const *n = (const char *const[]){"bond0", "bond1", "v100", "v300", "e3",
							  "e4", "e5", "e6", NULL};
	     *n; n++)
		up(p, "", *n, true);
	up(p, t->ns_a, "v200", true);
	st_addr(p, PLAN_ADDR_ADD, "", "v100", "203.0.113.194/26", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, "", "v300", "2001:db8:300::2/64", VIPD_ADDR_PROTO_NODE);
}

static void test_build(void **state)
{
	struct st *t = *state;

	build_basic(&t->plan, t);
	if (t->all)
		build_all(&t->plan, t);
	assert_true(run_plan(t, &t->plan, "build"));
	assert_true(st_expect_plan(t, &t->plan, "build"));
	phase_passed(t, PHASE_BUILD);
}

static void test_netns(void **state)
{
	struct st *t = *state;
	char **names;
	size_t n;
	bool a = false, b = false;
	struct nl_sock *sk;

	phase_needs(t, PHASE_BUILD);
	if (netns_list(&names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			a |= strcmp(names[i], t->ns_a) == 0;
			b |= strcmp(names[i], t->ns_b) == 0;
		}
		netns_list_free(names, n);
	}
	fail_unless(a && b, "netns: netns_list names %s and %s", t->ns_a, t->ns_b);
	fail_unless(netns_create(t->ns_a) == -EEXIST, "netns: creating %s again is EEXIST",
		    t->ns_a);
	sk = net_nl_socket(&t->ctx, "nlst-no-such-namespace");
	fail_unless(!sk && errno == ENOENT, "netns: no socket in a namespace that does not exist");
	phase_passed(t, PHASE_NETNS);
}

static void modify_plan(struct plan *p, const struct st *t)
{
	st_addr(p, PLAN_ADDR_DEL, "", "mv0", "203.0.113.2/26", 0);
	st_addr(p, PLAN_ADDR_ADD, "", "mv0", "203.0.113.3/26", VIPD_ADDR_PROTO_VIP);
	enslave(p, "", "e1", "");
	st_push(p, PLAN_LINK_MTU, "", "mv0")->mtu = 1400;
	st_mac(st_push(p, PLAN_LINK_MAC, "", "mv0")->mac, 0x11);
	up(p, "", "e1", false);
	st_push(p, PLAN_LINK_DEL, t->ns_a, "mv1");
	if (t->all) {
		move(p, t->ns_a, "v200", "");
		enslave(p, "", "e3", "");
	}
}

static void test_modify(void **state)
{
	struct st *t = *state;

	phase_needs(t, PHASE_BUILD);
	modify_plan(&t->plan, t);
	assert_true(run_plan(t, &t->plan, "modify"));
	assert_true(st_expect_plan(t, &t->plan, "modify"));
	if (t->all) {
		const struct live_link *l = live_find(&t->after, "", "v200");

		fail_unless(l && strcmp(l->parent, "e0") == 0,
			    "modify: v200 moved back finds its parent e0 again ('%s')",
			    l ? l->parent : "missing");
	}
	phase_passed(t, PHASE_MODIFY);
}

/* Every op, on links that exist and ones it creates, then a step that
 * must fail: a macvlan on a parent that does not exist. */
static void rollback_plan(struct plan *p, const struct st *t)
{
	st_push(p, PLAN_NETNS_ADD, t->ns_c, NULL);
	st_veth(p, t->ns_c, "x0", "x0p", "", 0);
	st_bridge(p, "", "br9", false, 0);
	st_macvlan(p, "", "mv9", "e0", 4);
	move(p, "", "mv9", t->ns_c);
	st_addr(p, PLAN_ADDR_DEL, "", "mv0", "2001:db8::2/64", 0);
	st_push(p, PLAN_LINK_DEL, "", "mv0");
	st_push(p, PLAN_LINK_DEL, t->ns_b, "ten"); /* with ten-host, a port of br0 */
	st_push(p, PLAN_LINK_DEL, "", "br0");	   /* with its port e0p */
	move(p, "", "e2", t->ns_a);
	st_push(p, PLAN_LINK_MTU, "", "e0")->mtu = 8000;
	st_mac(st_push(p, PLAN_LINK_MAC, "", "e0p")->mac, 0x33);
	enslave(p, "", "e1", "br9");
	up(p, "", "e1", true);
	st_addr(p, PLAN_ADDR_ADD, "", "e0", "192.0.2.50/24", VIPD_ADDR_PROTO_VIP);
	if (t->all) {
		st_push(p, PLAN_LINK_DEL, "", "v300");
		st_push(p, PLAN_LINK_DEL, "", "bond1"); /* with its primary port e4 */
		st_vlan(p, "", "v999", "bond0", 999);
		up(p, "", "e3", false);
		st_bond(p, "", "bond9", 4, NULL);
		enslave(p, "", "e3", "bond9");
	}
	st_macvlan(p, "", "bad0", "nosuchdev", 4);
}

static void test_rollback(void **state)
{
	struct st *t = *state;
	struct net_apply_report rep;
	int err;

	phase_needs(t, PHASE_BUILD);
	err = st_read(t, &t->before);
	fail_unless(err == 0, "rollback: read the state before (%d)", err);
	rollback_plan(&t->plan, t);
	st_fill_old(&t->plan, &t->before);
	err = net_apply(&t->ctx, &t->plan, &rep);
	fail_unless(err == -ENODEV && rep.failed_step == (int)t->plan.n - 1 && rep.error == err,
		    "rollback: the last step fails with ENODEV (%d, step %d: %s)", err,
		    rep.failed_step, rep.message);
	fail_unless(rep.rolled_back && rep.n_undo_failed == 0, "rollback: %zu steps undone%s%s",
		    rep.done, rep.n_undo_failed ? ": " : "", rep.undo_message);
	err = st_read(t, &t->after);
	fail_unless(err == 0, "rollback: read the state after (%d)", err);
	fail_unless(st_same_state(t, &t->before, &t->after),
		    "rollback: the kernel reads as before the plan");
	phase_passed(t, PHASE_ROLLBACK);
}

/* A step the kernel refuses with its own words (veth's maximum MTU). */
static void test_refusal(void **state)
{
	struct st *t = *state;
	struct net_apply_report rep;
	int err;

	phase_needs(t, PHASE_BUILD);
	err = st_read(t, &t->before);
	fail_unless(err == 0, "refusal: read the state before (%d)", err);
	st_addr(&t->plan, PLAN_ADDR_ADD, "", "e0", "192.0.2.60/24", VIPD_ADDR_PROTO_VIP);
	st_push(&t->plan, PLAN_LINK_MTU, "", "e0")->mtu = 70000;
	st_fill_old(&t->plan, &t->before);
	err = net_apply(&t->ctx, &t->plan, &rep);
	fail_unless(err == -EINVAL && rep.failed_step == 1,
		    "refusal: mtu 70000 on a veth fails with EINVAL (%d: %s)", err, rep.reason);
	fail_unless(strstr(rep.reason, "(kernel: ") != NULL,
		    "refusal: the reason carries the kernel's extended ack: %s", rep.reason);
	err = st_read(t, &t->after);
	fail_unless(err == 0, "refusal: read the state after (%d)", err);
	fail_unless(rep.rolled_back && st_same_state(t, &t->before, &t->after),
		    "refusal: rolled back to the state before");
	phase_passed(t, PHASE_REFUSAL);
}

static void test_cleanup(void **state)
{
	struct st *t = *state;

	phase_needs(t, PHASE_BUILD);
	for (size_t i = 0; i < t->n_ns; i++) {
		int err;

		net_ctx_forget(&t->ctx, t->ns[i]);
		err = netns_delete(t->ns[i]);
		if (err == -ENOENT && t->ns[i] == t->ns_c)
			err = 0; /* only the rollback plan creates it */
		fail_unless(err == 0 && !netns_exists(t->ns[i]),
			    "cleanup: delete namespace %s (%d)", t->ns[i], err);
	}
}

/* ---- fixtures ---- */

/* The running test's plan and readings: freed also when a check failed. */
static int test_teardown(void **state)
{
	st_release(*state);
	return 0;
}

/* The named namespaces are the host's (/run/netns): whatever a failed
 * phase left goes here. */
static int group_teardown(void **state)
{
	struct st *t = *state;

	if (!t)
		return 0;
	st_release(t);
	for (size_t i = 0; i < t->n_ns; i++) {
		net_ctx_forget(&t->ctx, t->ns[i]);
		if (netns_exists(t->ns[i]))
			netns_delete(t->ns[i]);
	}
	net_ctx_done(&t->ctx);
	free(t);
	*state = NULL;
	return 0;
}

static int group_setup(void **state)
{
	struct st *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return -1;
	t->verbose = opts.verbose;
	t->all = opts.all;
	snprintf(t->ns_a, sizeof(t->ns_a), "nlst%da", (int)getpid());
	snprintf(t->ns_b, sizeof(t->ns_b), "nlst%db", (int)getpid());
	snprintf(t->ns_c, sizeof(t->ns_c), "nlst%dc", (int)getpid());
	t->ns[0] = t->ns_a;
	t->ns[1] = t->ns_b;
	t->ns[2] = t->ns_c;
	t->n_ns = 3;
	err = net_ctx_init(&t->ctx);
	if (err < 0) {
		print_error("net_ctx_init: %s\n", strerror(-err));
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

/* ---- main ---- */

static bool have_module(const char *name)
{
	char path[64], cmd[96];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(cmd, sizeof(cmd), "modprobe -q %s 2>/dev/null", name);
	return system(cmd) == 0 && access(path, F_OK) == 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_build, test_teardown),
	    cmocka_unit_test_teardown(test_netns, test_teardown),
	    cmocka_unit_test_teardown(test_modify, test_teardown),
	    cmocka_unit_test_teardown(test_rollback, test_teardown),
	    cmocka_unit_test_teardown(test_refusal, test_teardown),
	    cmocka_unit_test_teardown(test_cleanup, test_teardown),
	};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kinds=all") == 0)
			opts.all = true;
		else if (strcmp(argv[i], "-v") == 0)
			opts.verbose = true;
		else if (strcmp(argv[i], "--kinds=basic") != 0) {
			fprintf(stderr, "usage: %s [--kinds=basic|all] [-v]\n", argv[0]);
			return 2;
		}
	}
	if (geteuid() != 0) {
		printf("SKIPPED: nl_selftest needs root (network namespaces)\n");
		return SELFTEST_EXIT_SKIP;
	}
	if (opts.all && (!have_module("8021q") || !have_module("bonding"))) {
		printf("SKIPPED vlan/bond: kernel lacks 8021q/bonding "
		       "(run under tests/lab/kernel-run)\n");
		return SELFTEST_EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIPPED: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return SELFTEST_EXIT_SKIP;
	}
	return selftest_exit_status(cmocka_run_group_tests_name(
	    opts.all ? "nl_selftest --kinds=all" : "nl_selftest --kinds=basic", tests, group_setup,
	    group_teardown));
}
