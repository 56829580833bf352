/* src/model/order.c: creation order puts parents and members first and
 * otherwise keeps the file's order; cycles are reported. */
#include "model_test.h"

/* The names in creation order, "a b c". */
static const char *order(const struct model *m)
{
	static char buf[1024];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n_ifaces; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
					m->ifaces[m->order[i]].name);
	return buf;
}

static void assert_order(const char *ifaces, const char *want)
{
	char text[2048];
	struct model *m;

	snprintf(text, sizeof(text), MT_HEAD "%s", ifaces);
	m = mt_load_ok(text);
	assert_string_equal(order(m), want);
	model_free(m);
}

static void test_file_order_kept(void **state)
{
	(void)state;
	/* already a valid order: kept exactly */
	assert_order("  eth0: {type: ethernet}\n"
		     "  vlan10: {type: vlan, parent: eth0, id: 10}\n"
		     "  eth1: {type: ethernet}\n"
		     "  vlan11: {type: vlan, parent: eth1, id: 11}\n",
		     "eth0 vlan10 eth1 vlan11");
	/* no dependencies at all: file order, not alphabetical */
	assert_order("  zz: {type: ethernet}\n  aa: {type: ethernet}\n  mm: {type: ethernet}\n",
		     "zz aa mm");
}

static void test_parents_first(void **state)
{
	(void)state;
	/* a child written before its parent waits for it, then comes as early
	 * as it can: right after the parent */
	assert_order("  vlan10: {type: vlan, parent: eth0, id: 10}\n"
		     "  eth1: {type: ethernet}\n"
		     "  eth0: {type: ethernet}\n"
		     "  eth2: {type: ethernet}\n",
		     "eth1 eth0 vlan10 eth2");
	/* a stack: vlan on a bond on two ports, all written upside down */
	assert_order("  vlan100: {type: vlan, parent: bond0, id: 100}\n"
		     "  bond0: {type: lacp, members: [eth1, eth0]}\n"
		     "  eth1: {type: ethernet}\n"
		     "  eth0: {type: ethernet}\n",
		     "eth1 eth0 bond0 vlan100");
	/* a macvlan on a bridge on a bond port's master */
	assert_order("  mv0: {type: veth, parent: br0}\n"
		     "  br0: {type: bridge, members: [bond0]}\n"
		     "  bond0: {type: bond, members: [eth0]}\n"
		     "  eth0: {type: ethernet}\n",
		     "eth0 bond0 br0 mv0");
}

static void test_peer_before_bridge(void **state)
{
	(void)state;
	/* the bridge holding a veth-peer's other end comes after the pair */
	assert_order("  br0: {type: bridge, members: [t-host, eth0]}\n"
		     "  t: {type: veth-peer, namespace: t, peer: t-host}\n"
		     "  eth0: {type: ethernet}\n",
		     "t eth0 br0");
}

static void test_cycle(void **state)
{
	struct diag_list dl;
	struct model *m = NULL;

	(void)state;
	/* two macvlans on two bridges, each bridge holding the other's macvlan */
	assert_int_equal(mt_load(MT_HEAD "  a: {type: veth, parent: br1}\n"
					 "  br1: {type: bridge, members: [b]}\n"
					 "  b: {type: veth, parent: br2}\n"
					 "  br2: {type: bridge, members: [a]}\n"
					 "  eth0: {type: ethernet}\n",
				 &m, &dl),
			 -EINVAL);
	if (dl.count != 1)
		mt_print(&dl);
	assert_int_equal(dl.count, 1);
	assert_non_null(
	    mt_find(&dl, 5, 3,
		    "a: dependency cycle: a is a member of br2, br2 is the parent of b, "
		    "b is a member of br1, br1 is the parent of a; no creation order"));
	diag_list_done(&dl);
	model_free(m);
}

static void test_order_is_permutation(void **state)
{
	char text[8192];
	size_t off = 0;
	struct model *m;
	bool seen[40] = {false};

	(void)state;
	off += (size_t)snprintf(text + off, sizeof(text) - off, MT_HEAD);
	/* vlans first, their parents after them, in reverse */
	for (int i = 0; i < 20; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"  v%d: {type: vlan, parent: e%d, id: %d}\n", i, i, i + 1);
	for (int i = 19; i >= 0; i--)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "  e%d: {type: ethernet}\n",
					i);
	m = mt_load_ok(text);
	assert_int_equal(m->n_ifaces, 40);
	for (size_t i = 0; i < m->n_ifaces; i++) {
		size_t x = m->order[i];
		const struct iface *ifc = &m->ifaces[x];

		assert_true(x < 40);
		assert_false(seen[x]);
		seen[x] = true;
		if (ifc->parent_idx >= 0)
			assert_true(seen[ifc->parent_idx]);
	}
	/* e19 is written first of the ports, so v19 is the first vlan created */
	assert_string_equal(m->ifaces[m->order[0]].name, "e19");
	assert_string_equal(m->ifaces[m->order[1]].name, "v19");
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_order_kept),	 cmocka_unit_test(test_parents_first),
	    cmocka_unit_test(test_peer_before_bridge),	 cmocka_unit_test(test_cycle),
	    cmocka_unit_test(test_order_is_permutation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
