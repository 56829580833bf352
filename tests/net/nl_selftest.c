/* nl_selftest -- the netlink reader and plan executor against a real kernel.
 *
 * Usage: nl_selftest [--kinds=basic|all] [-v]
 *   basic  veth (standing in for ethernet ports), bridge, macvlan, veth
 *          pairs across namespaces: what any kernel with namespaces has
 *   all    also vlan, bond (active-backup, with primary) and lacp (802.3ad):
 *          needs 8021q and bonding, e.g. under
 *          tests/lab/kernel-run -- build/tests/net/nl_selftest --kinds=all
 *
 * Runs as root in a network namespace of its own (unshare), so the
 * namespace vipd calls "" is a scratch one too; it creates the named
 * namespaces nlst<pid>{a,b,c} and deletes them at the end.
 *
 * Phases: build (every kind, every op), modify (every op on existing
 * links), rollback (a plan with every op and a failing last step: the
 * reading after must equal the reading before), kernel refusal (extended
 * ack text in the report), cleanup. Prints "N passed, M failed"; exits 0,
 * 1 on failures, 77 when it cannot run here (not root, kernel lacks kinds). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/nl_apply.h"
#include "net/nl_live.h"
#include "st.h"

#define EXIT_SKIP 77

static char ns_a[LIVE_NS_MAX], ns_b[LIVE_NS_MAX], ns_c[LIVE_NS_MAX];

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

static int run_plan(struct st *t, const struct plan *p, const char *phase)
{
	struct net_apply_report rep;
	int err = net_apply(&t->ctx, p, &rep);

	st_result(t, err == 0 && rep.done == p->n, "%s: apply %zu steps%s%s", phase, p->n,
		  err ? ": " : "", err ? rep.message : "");
	return err;
}

static void build_basic(struct plan *p)
{
	struct plan_step *s;

	st_push(p, PLAN_NETNS_ADD, ns_a, NULL);
	st_push(p, PLAN_NETNS_ADD, ns_b, NULL);
	st_veth(p, "", "e0", "e0p", "", 9000);
	st_veth(p, "", "e1", "e1p", "", 0);
	st_veth(p, "", "e2", "e2p", "", 0);
	st_bridge(p, "", "br0", true, 4000);
	s = st_macvlan(p, "", "mv0", "e0", 4 /* bridge */);
	st_mac(s->link.mac, 0x10);
	s->link.mtu = 1500;
	st_macvlan(p, "", "mv1", "e0", 1 /* private */);
	move(p, "", "mv1", ns_a);
	st_veth(p, ns_b, "ten", "ten-host", "", 0);
	enslave(p, "", "ten-host", "br0");
	enslave(p, "", "e1", "br0");
	enslave(p, "", "e0p", "br0");
	st_push(p, PLAN_LINK_MTU, "", "e2")->mtu = 4000;
	st_mac(st_push(p, PLAN_LINK_MAC, "", "e2")->mac, 0x22);
	for (const char *const *n = (const char *const[]){"e0", "e0p", "e1", "e1p", "e2", "br0",
							  "mv0", "ten-host", NULL};
	     *n; n++)
		up(p, "", *n, true);
	up(p, ns_b, "ten", true);
	up(p, ns_a, "mv1", true);
	st_addr(p, PLAN_ADDR_ADD, "", "mv0", "203.0.113.2/26", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, "", "mv0", "2001:db8::2/64", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, ns_b, "ten", "192.0.2.11/24", VIPD_ADDR_PROTO_VIP);
	st_addr(p, PLAN_ADDR_ADD, ns_a, "mv1", "203.0.113.66/26", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, "", "br0", "198.51.100.1/24", 0);
	st_addr(p, PLAN_ADDR_ADD, "", "e2", "203.0.113.130/26", VIPD_ADDR_PROTO_NODE);
}

static void build_all(struct plan *p)
{
	static const char *const ports[] = {"e3", "e4", "e5", "e6"};
	char peer[LIVE_NAME_MAX];

	for (size_t i = 0; i < 4; i++) {
		snprintf(peer, sizeof(peer), "%sp", ports[i]);
		st_veth(p, "", ports[i], peer, "", 0);
	}
	st_vlan(p, "", "v100", "e0", 100)->link.mtu = 1500;
	st_vlan(p, "", "v200", "e0", 200);
	move(p, "", "v200", ns_a);
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
	up(p, ns_a, "v200", true);
	st_addr(p, PLAN_ADDR_ADD, "", "v100", "203.0.113.194/26", VIPD_ADDR_PROTO_NODE);
	st_addr(p, PLAN_ADDR_ADD, "", "v300", "2001:db8:300::2/64", VIPD_ADDR_PROTO_NODE);
}

static void phase_build(struct st *t, bool all)
{
	struct plan p = {0};

	build_basic(&p);
	if (all)
		build_all(&p);
	if (run_plan(t, &p, "build") == 0)
		st_expect_plan(t, &p, "build");
	plan_free(&p);
}

static void modify_plan(struct plan *p, bool all)
{
	st_addr(p, PLAN_ADDR_DEL, "", "mv0", "203.0.113.2/26", 0);
	st_addr(p, PLAN_ADDR_ADD, "", "mv0", "203.0.113.3/26", VIPD_ADDR_PROTO_VIP);
	enslave(p, "", "e1", "");
	st_push(p, PLAN_LINK_MTU, "", "mv0")->mtu = 1400;
	st_mac(st_push(p, PLAN_LINK_MAC, "", "mv0")->mac, 0x11);
	up(p, "", "e1", false);
	st_push(p, PLAN_LINK_DEL, ns_a, "mv1");
	if (all) {
		move(p, ns_a, "v200", "");
		enslave(p, "", "e3", "");
	}
}

static void phase_modify(struct st *t, bool all)
{
	struct plan p = {0};
	struct live_state ls;

	modify_plan(&p, all);
	if (run_plan(t, &p, "modify") == 0)
		st_expect_plan(t, &p, "modify");
	if (all && st_read(t, &ls) == 0) {
		const struct live_link *l = live_find(&ls, "", "v200");

		st_result(t, l && strcmp(l->parent, "e0") == 0,
			  "modify: v200 moved back finds its parent e0 again ('%s')",
			  l ? l->parent : "missing");
		live_state_free(&ls);
	}
	plan_free(&p);
}

/* Every op, on links that exist and ones it creates, then a step that
 * must fail: a macvlan on a parent that does not exist. */
static void rollback_plan(struct plan *p, bool all)
{
	st_push(p, PLAN_NETNS_ADD, ns_c, NULL);
	st_veth(p, ns_c, "x0", "x0p", "", 0);
	st_bridge(p, "", "br9", false, 0);
	st_macvlan(p, "", "mv9", "e0", 4);
	move(p, "", "mv9", ns_c);
	st_addr(p, PLAN_ADDR_DEL, "", "mv0", "2001:db8::2/64", 0);
	st_push(p, PLAN_LINK_DEL, "", "mv0");
	st_push(p, PLAN_LINK_DEL, ns_b, "ten"); /* with ten-host, a port of br0 */
	st_push(p, PLAN_LINK_DEL, "", "br0");	/* with its port e0p */
	move(p, "", "e2", ns_a);
	st_push(p, PLAN_LINK_MTU, "", "e0")->mtu = 8000;
	st_mac(st_push(p, PLAN_LINK_MAC, "", "e0p")->mac, 0x33);
	enslave(p, "", "e1", "br9");
	up(p, "", "e1", true);
	st_addr(p, PLAN_ADDR_ADD, "", "e0", "192.0.2.50/24", VIPD_ADDR_PROTO_VIP);
	if (all) {
		st_push(p, PLAN_LINK_DEL, "", "v300");
		st_push(p, PLAN_LINK_DEL, "", "bond1"); /* with its primary port e4 */
		st_vlan(p, "", "v999", "bond0", 999);
		up(p, "", "e3", false);
		st_bond(p, "", "bond9", 4, NULL);
		enslave(p, "", "e3", "bond9");
	}
	st_macvlan(p, "", "bad0", "nosuchdev", 4);
}

static void phase_rollback(struct st *t, bool all)
{
	struct live_state before, after;
	struct net_apply_report rep;
	struct plan p = {0};
	int err;

	if (st_read(t, &before) < 0) {
		st_result(t, false, "rollback: read the state before");
		return;
	}
	rollback_plan(&p, all);
	st_fill_old(&p, &before);
	err = net_apply(&t->ctx, &p, &rep);
	st_result(t, err == -ENODEV && rep.failed_step == (int)p.n - 1 && rep.error == err,
		  "rollback: the last step fails with ENODEV (%d, step %d: %s)", err,
		  rep.failed_step, rep.message);
	st_result(t, rep.rolled_back && rep.n_undo_failed == 0, "rollback: %zu steps undone%s%s",
		  rep.done, rep.n_undo_failed ? ": " : "", rep.undo_message);
	if (st_read(t, &after) == 0) {
		st_result(t, st_same_state(t, &before, &after),
			  "rollback: the kernel reads as before the plan");
		live_state_free(&after);
	}
	live_state_free(&before);
	plan_free(&p);
}

/* A step the kernel refuses with its own words (veth's maximum MTU). */
static void phase_refusal(struct st *t)
{
	struct live_state before, after;
	struct net_apply_report rep;
	struct plan p = {0};
	int err;

	if (st_read(t, &before) < 0)
		return;
	st_addr(&p, PLAN_ADDR_ADD, "", "e0", "192.0.2.60/24", VIPD_ADDR_PROTO_VIP);
	st_push(&p, PLAN_LINK_MTU, "", "e0")->mtu = 70000;
	st_fill_old(&p, &before);
	err = net_apply(&t->ctx, &p, &rep);
	st_result(t, err == -EINVAL && rep.failed_step == 1,
		  "refusal: mtu 70000 on a veth fails with EINVAL (%d: %s)", err, rep.reason);
	st_result(t, strstr(rep.reason, "(kernel: ") != NULL,
		  "refusal: the reason carries the kernel's extended ack: %s", rep.reason);
	if (st_read(t, &after) == 0) {
		st_result(t, rep.rolled_back && st_same_state(t, &before, &after),
			  "refusal: rolled back to the state before");
		live_state_free(&after);
	}
	live_state_free(&before);
	plan_free(&p);
}

static void phase_netns(struct st *t)
{
	char **names;
	size_t n;
	bool a = false, b = false;
	struct nl_sock *sk;

	if (netns_list(&names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			a |= strcmp(names[i], ns_a) == 0;
			b |= strcmp(names[i], ns_b) == 0;
		}
		netns_list_free(names, n);
	}
	st_result(t, a && b, "netns: netns_list names %s and %s", ns_a, ns_b);
	st_result(t, netns_create(ns_a) == -EEXIST, "netns: creating %s again is EEXIST", ns_a);
	sk = net_nl_socket(&t->ctx, "nlst-no-such-namespace");
	st_result(t, !sk && errno == ENOENT, "netns: no socket in a namespace that does not exist");
}

static void phase_cleanup(struct st *t)
{
	const char *names[] = {ns_a, ns_b, ns_c};

	for (size_t i = 0; i < 3; i++) {
		int err;

		net_ctx_forget(&t->ctx, names[i]);
		err = netns_delete(names[i]);
		if (err == -ENOENT && names[i] == ns_c)
			err = 0; /* only the rollback plan creates it */
		st_result(t, err == 0 && !netns_exists(names[i]),
			  "cleanup: delete namespace %s (%d)", names[i], err);
	}
}

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
	struct st t = {0};
	bool all = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kinds=all") == 0)
			all = true;
		else if (strcmp(argv[i], "-v") == 0)
			t.verbose = true;
		else if (strcmp(argv[i], "--kinds=basic") != 0) {
			fprintf(stderr, "usage: %s [--kinds=basic|all] [-v]\n", argv[0]);
			return 2;
		}
	}
	if (geteuid() != 0) {
		printf("SKIPPED: nl_selftest needs root (network namespaces)\n");
		return EXIT_SKIP;
	}
	if (all && (!have_module("8021q") || !have_module("bonding"))) {
		printf("SKIPPED vlan/bond: kernel lacks 8021q/bonding "
		       "(run under tests/lab/kernel-run)\n");
		return EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIPPED: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return EXIT_SKIP;
	}
	snprintf(ns_a, sizeof(ns_a), "nlst%da", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "nlst%db", (int)getpid());
	snprintf(ns_c, sizeof(ns_c), "nlst%dc", (int)getpid());
	t.ns[0] = ns_a;
	t.ns[1] = ns_b;
	t.ns[2] = ns_c;
	t.n_ns = 3;
	if (net_ctx_init(&t.ctx) < 0) {
		printf("FAIL: net_ctx_init\n");
		return 1;
	}
	phase_build(&t, all);
	phase_netns(&t);
	phase_modify(&t, all);
	phase_rollback(&t, all);
	phase_refusal(&t);
	phase_cleanup(&t);
	net_ctx_done(&t.ctx);
	printf("nl_selftest --kinds=%s: %d passed, %d failed\n", all ? "all" : "basic", t.passed,
	       t.failed);
	return t.failed ? 1 : 0;
}
