/* Planner scenarios: a model from YAML text, a hand-made live state, and
 * the exact steps that must come out. No kernel involved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

static const char *const base_cluster = "cluster:\n"
					"  name: lab\n"
					"  nodes: [n1, n2]\n";

struct fixture {
	struct model *m;
	struct live_state live;
	struct plan plan;
	struct diag_list dl;
	int rc;
};

static struct model *load(const char *ifaces)
{
	char buf[8192];
	struct diag_list dl;
	struct model *m = NULL;
	int rc;

	snprintf(buf, sizeof(buf), "%sinterfaces:\n%s", base_cluster, ifaces);
	diag_list_init(&dl, "t.yaml");
	rc = model_load_buffer(buf, strlen(buf), "t.yaml", &m, &dl);
	if (rc < 0)
		diag_list_print(&dl, stderr);
	assert_int_equal(rc, 0);
	diag_list_done(&dl);
	return m;
}

static struct live_link *add_link(struct live_state *ls, const char *ns, const char *name,
				  const char *kind, const char *alias)
{
	struct live_link *l;

	ls->links = realloc(ls->links, (ls->n_links + 1) * sizeof(*ls->links));
	l = &ls->links[ls->n_links++];
	memset(l, 0, sizeof(*l));
	snprintf(l->netns, sizeof(l->netns), "%s", ns);
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->kind, sizeof(l->kind), "%s", kind);
	snprintf(l->alias, sizeof(l->alias), "%s", alias);
	l->mtu = 1500;
	l->admin_up = true;
	l->ifindex = (int)ls->n_links + 1;
	return l;
}

static void add_addr(struct live_link *l, const char *text, uint8_t proto)
{
	const char *why;

	l->addrs = realloc(l->addrs, (l->n_addrs + 1) * sizeof(*l->addrs));
	memset(&l->addrs[l->n_addrs], 0, sizeof(l->addrs[0]));
	assert_int_equal(ip_parse(text, true, &l->addrs[l->n_addrs].addr, &why), 0);
	l->addrs[l->n_addrs].proto = proto;
	l->n_addrs++;
}

static void run_plan(struct fixture *f, const char *node)
{
	diag_list_init(&f->dl, "t.yaml");
	f->rc = plan_build(f->m, model_node_index(f->m, node), &f->live, &f->plan, &f->dl);
	diag_list_sort(&f->dl);
}

static void fixture_done(struct fixture *f)
{
	plan_free(&f->plan);
	diag_list_done(&f->dl);
	live_state_free(&f->live);
	model_free(f->m);
}

/* The plan as "op name" lines, for whole-sequence comparisons. */
static char *plan_text(const struct plan *p)
{
	size_t cap = 64 + p->n * 200, off = 0;
	char *out = calloc(1, cap);

	for (size_t i = 0; i < p->n; i++)
		off += (size_t)snprintf(out + off, cap - off, "%s\n", p->steps[i].text);
	return out;
}

static void assert_plan(const struct plan *p, const char *expected)
{
	char *got = plan_text(p);

	if (strcmp(got, expected) != 0)
		fprintf(stderr, "--- expected\n%s--- got\n%s", expected, got);
	assert_string_equal(got, expected);
	free(got);
}

static void test_missing_ethernet_is_an_error(void **state)
{
	struct fixture f = {0};

	(void)state;
	f.m = load("  eth0: {type: ethernet}\n");
	run_plan(&f, "n1");
	assert_int_not_equal(f.rc, 0);
	assert_int_equal(f.plan.n, 0);
	assert_int_equal(f.dl.count, 1);
	assert_non_null(strstr(f.dl.items[0].msg, "ethernet interfaces are never created"));
	assert_int_equal(f.dl.items[0].pos.line, 5);
	fixture_done(&f);
}

static void test_create_macvlan_with_address(void **state)
{
	struct fixture f = {0};

	(void)state;
	f.m = load("  eth0: {type: ethernet}\n"
		   "  mv0:\n"
		   "    type: veth\n"
		   "    parent: eth0\n"
		   "    mtu: 1400\n"
		   "    addresses: {n1: [192.0.2.11/24], n2: [192.0.2.12/24]}\n");
	add_link(&f.live, "", "eth0", "", "");
	run_plan(&f, "n2");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan, "create macvlan mv0 (parent eth0, mode bridge) mtu 1400\n"
			     "add address 192.0.2.12/24 to mv0\n"
			     "set mv0 up\n");
	assert_string_equal(f.plan.steps[0].link.alias, "vipd:lab");
	assert_int_equal(f.plan.steps[0].link.macvlan_mode, 4);
	assert_int_equal(f.plan.steps[1].addr.proto, VIPD_ADDR_PROTO_NODE);
	fixture_done(&f);
}

static void test_second_plan_is_empty(void **state)
{
	struct fixture f = {0};
	struct live_link *l;

	(void)state;
	f.m = load("  eth0: {type: ethernet}\n"
		   "  mv0:\n"
		   "    type: veth\n"
		   "    parent: eth0\n"
		   "    addresses: {n1: [192.0.2.11/24, 2001:db8::11/64], n2: [192.0.2.12/24, "
		   "2001:db8::12/64]}\n");
	add_link(&f.live, "", "eth0", "", "");
	l = add_link(&f.live, "", "mv0", "macvlan", "vipd:lab");
	l->macvlan_mode = 4;
	snprintf(l->parent, sizeof(l->parent), "eth0");
	add_addr(l, "192.0.2.11/24", VIPD_ADDR_PROTO_NODE);
	add_addr(l, "2001:db8::11/64", 0); /* added by hand: counts as present */
	add_addr(l, "fe80::1/64", 0);
	l->addrs[2].link_local = true;
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_int_equal(f.plan.n, 0);
	fixture_done(&f);
}

static void test_foreign_name_clash(void **state)
{
	struct fixture f = {0};

	(void)state;
	f.m = load("  eth0: {type: ethernet}\n"
		   "  br0: {type: bridge, members: [eth0]}\n");
	add_link(&f.live, "", "eth0", "", "");
	add_link(&f.live, "", "br0", "bridge", "");
	run_plan(&f, "n1");
	assert_int_not_equal(f.rc, 0);
	assert_int_equal(f.plan.n, 0);
	assert_non_null(strstr(f.dl.items[0].msg, "was not created by vipd"));
	fixture_done(&f);
}

static void test_removed_links_deleted_children_first(void **state)
{
	struct fixture f = {0};
	struct live_link *l;

	(void)state;
	f.m = load("  eth0: {type: ethernet}\n");
	add_link(&f.live, "", "eth0", "", "");
	add_link(&f.live, "", "br9", "bridge", "vipd:lab");
	l = add_link(&f.live, "", "mv9", "macvlan", "vipd:lab");
	snprintf(l->parent, sizeof(l->parent), "eth0");
	add_link(&f.live, "", "mvx", "macvlan", "vipd:other-cluster");
	add_link(&f.live, "", "dummy0", "dummy", "");
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan, "delete macvlan mv9 in namespace default (no longer in the file)\n"
			     "delete bridge br9 in namespace default (no longer in the file)\n");
	fixture_done(&f);
}

static void test_bond_members_enslaved_while_down(void **state)
{
	struct fixture f = {0};

	(void)state;
	f.m = load("  eth0: {type: ethernet, mtu: 9000}\n"
		   "  eth1: {type: ethernet, mtu: 9000}\n"
		   "  bond0: {type: lacp, members: [eth0, eth1], lacp_rate: fast, mtu: 9000}\n"
		   "  vlan7: {type: vlan, parent: bond0, id: 7, mtu: 9000}\n");
	add_link(&f.live, "", "eth0", "", "");
	add_link(&f.live, "", "eth1", "", "")->admin_up = false;
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan, "raise mtu of eth0 1500 -> 9000\n"
			     "raise mtu of eth1 1500 -> 9000\n"
			     "create bond bond0 (802.3ad, lacp_rate fast, layer2) mtu 9000\n"
			     "set eth0 down to enslave it\n"
			     "enslave eth0 to lacp bond0\n"
			     "set eth0 up\n"
			     "enslave eth1 to lacp bond0\n"
			     "set eth1 up\n"
			     "set bond0 up\n"
			     "create vlan vlan7 (parent bond0, id 7) mtu 9000\n"
			     "set vlan7 up\n");
	assert_int_equal(f.plan.steps[2].link.bond_mode, 4);
	assert_int_equal(f.plan.steps[2].link.lacp_rate, 1);
	fixture_done(&f);
}

static void test_mtu_lowered_child_first(void **state)
{
	struct fixture f = {0};
	struct live_link *l;

	(void)state;
	f.m = load("  eth0: {type: ethernet, mtu: 1500}\n"
		   "  mv0: {type: veth, parent: eth0, mtu: 1400}\n");
	add_link(&f.live, "", "eth0", "", "")->mtu = 9000;
	l = add_link(&f.live, "", "mv0", "macvlan", "vipd:lab");
	l->mtu = 9000;
	l->macvlan_mode = 4;
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan, "lower mtu of mv0 9000 -> 1400\n"
			     "lower mtu of eth0 9000 -> 1500\n");
	assert_int_equal(f.plan.steps[0].old_mtu, 9000);
	fixture_done(&f);
}

static void test_changed_mode_recreates(void **state)
{
	struct fixture f = {0};
	struct live_link *l;

	(void)state;
	f.m = load("  eth0: {type: ethernet}\n"
		   "  mv0: {type: veth, parent: eth0, mode: private}\n");
	add_link(&f.live, "", "eth0", "", "");
	l = add_link(&f.live, "", "mv0", "macvlan", "vipd:lab");
	l->macvlan_mode = 4;
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan,
		    "delete macvlan mv0 in namespace default (re-created with new options)\n"
		    "create macvlan mv0 (parent eth0, mode private)\n"
		    "set mv0 up\n");
	fixture_done(&f);
}

static void test_veth_peer_into_namespace_and_bridge(void **state)
{
	struct fixture f = {0};

	(void)state;
	f.m = load("  br0: {type: bridge, members: [t1-host]}\n"
		   "  t1:\n"
		   "    type: veth-peer\n"
		   "    namespace: tenant1\n"
		   "    peer: t1-host\n"
		   "    addresses: {n1: [192.0.2.11/24], n2: [192.0.2.12/24]}\n");
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan, "create namespace tenant1\n"
			     "create veth t1 in tenant1, peer t1-host in default\n"
			     "add address 192.0.2.11/24 to t1\n"
			     "set t1 up\n"
			     "set t1-host up\n"
			     "create bridge br0\n"
			     "enslave t1-host to bridge br0\n"
			     "set br0 up\n");
	assert_string_equal(f.plan.steps[2].netns, "tenant1");
	fixture_done(&f);
}

static void test_macvlan_moved_into_namespace(void **state)
{
	struct fixture f = {0};

	(void)state;
	f.m = load("  eth0: {type: ethernet}\n"
		   "  mv0: {type: veth, parent: eth0, namespace: blue}\n");
	add_link(&f.live, "", "eth0", "", "");
	f.live.netns = calloc(1, sizeof(char *));
	f.live.netns[0] = strdup("blue");
	f.live.n_netns = 1;
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan, "create macvlan mv0 (parent eth0, mode bridge)\n"
			     "move mv0 from namespace default to blue\n"
			     "set mv0 up\n");
	assert_string_equal(f.plan.steps[1].to_netns, "blue");
	assert_string_equal(f.plan.steps[2].netns, "blue");
	fixture_done(&f);
}

static void test_stale_own_address_removed(void **state)
{
	struct fixture f = {0};
	struct live_link *l;

	(void)state;
	f.m = load("  eth0:\n"
		   "    type: ethernet\n"
		   "    addresses: {n1: [192.0.2.11/24], n2: [192.0.2.12/24]}\n");
	l = add_link(&f.live, "", "eth0", "", "");
	add_addr(l, "192.0.2.99/24", VIPD_ADDR_PROTO_NODE); /* ours, dropped from the file */
	add_addr(l, "203.0.113.5/24", 0);		    /* somebody else's: kept */
	add_addr(l, "192.0.2.100/24", VIPD_ADDR_PROTO_VIP); /* the daemon's VIP: kept */
	run_plan(&f, "n1");
	assert_int_equal(f.rc, 0);
	assert_plan(&f.plan, "remove address 192.0.2.99/24 from eth0\n"
			     "add address 192.0.2.11/24 to eth0\n");
	fixture_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_ethernet_is_an_error),
	    cmocka_unit_test(test_create_macvlan_with_address),
	    cmocka_unit_test(test_second_plan_is_empty),
	    cmocka_unit_test(test_foreign_name_clash),
	    cmocka_unit_test(test_removed_links_deleted_children_first),
	    cmocka_unit_test(test_bond_members_enslaved_while_down),
	    cmocka_unit_test(test_mtu_lowered_child_first),
	    cmocka_unit_test(test_changed_mode_recreates),
	    cmocka_unit_test(test_veth_peer_into_namespace_and_bridge),
	    cmocka_unit_test(test_macvlan_moved_into_namespace),
	    cmocka_unit_test(test_stale_own_address_removed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
