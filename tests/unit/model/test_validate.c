/* src/model/validate*.c and the kinds' checks: selected diagnostics by
 * line and column, and that one mistake gives one error (no cascades).
 * tests/bad holds the full catalogue with exact messages. */
#include "model_test.h"

#define PAIR                                                                                       \
	"    addresses:\n"                                                                         \
	"      adc1: [192.0.2.2/24]\n"                                                             \
	"      adc2: [192.0.2.3/24]\n"

static void test_unknown_keys(void **state)
{
	(void)state;
	mt_expect_one(MT_HEAD "  eth0: {type: ethernet, mtus: 1500}\n", 5, 26, "unknown key 'mtus'",
		      "did you mean 'mtu'?", NULL);
	mt_expect_one(MT_HEAD "  eth0: {type: ethernet, id: 5}\n", 5, 26,
		      "key 'id' belongs to type vlan, not ethernet", NULL);
	mt_expect_one(MT_HEAD "  eth0: {type: ethernet, vrrp: {advert: 1s}}\n", 5, 33,
		      "eth0.vrrp: unknown key 'advert' (did you mean 'advert_interval'?)", NULL);
	mt_expect_one(MT_HEAD "  eth0: {type: ethernet, vrrp: {timeout: 1s}}\n", 5, 33,
		      "eth0.vrrp: unknown key 'timeout' (allowed: version, advert_interval,", NULL);
	mt_expect_one(MT_HEAD "  eth0: {type: ethernet, colour: red}\n", 5, 26,
		      "unknown key 'colour' (vipctl explain ethernet lists", NULL);
	mt_expect_one(
	    "cluster: {name: a, nodes: [x, y], node: z}\ninterfaces: {e: {type: ethernet}}\n", 1,
	    35, "cluster: unknown key 'node' (did you mean 'nodes'?)", NULL);
	mt_expect_one(MT_HEAD "  eth0: {type: ether}\n", 5, 16, "did you mean 'ethernet'?", NULL);
}

static void test_values(void **state)
{
	(void)state;
	mt_expect_one(MT_HEAD "  e: {type: ethernet, mtu: [1500]}\n", 5, 28,
		      "e: mtu must be a single value, got a list", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, mtu: }\n", 5, 28,
		      "mtu must be an integer (68..65535), got nothing", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, mtu: 67}\n", 5, 28,
		      "mtu 67 out of range 68..65535", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, gateway_check: {interval: 5}}\n", 5, 49,
		      "interval '5' needs a unit", "(allowed: 10ms..60s)", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, vrrp: {advert_interval: 15ms}}\n", 5, 47,
		      "advert_interval 15ms is not a multiple of 10ms", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, mac: \"03:00:00:00:00:01\"}\n", 5, 28,
		      "multicast", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, mac: \"02:00:00:00:00\"}\n", 5, 28,
		      "is not a MAC address", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, mac: \"00:00:00:00:00:00\"}\n", 5, 28,
		      "all-zero", NULL);
}

static void test_vip_keys(void **state)
{
	static const char fmt[] = MT_HEAD "  e:\n    type: ethernet\n" PAIR "    vips:\n"
					  "      master: [%s]\n";
	char text[512];

	(void)state;
	snprintf(text, sizeof(text), fmt, "{adress: 192.0.2.9/24}");
	mt_expect_one(text, 11, 17, "unknown VIP key 'adress' (did you mean 'address'?)", NULL);
	snprintf(text, sizeof(text), fmt, "{address: 192.0.2.9/24, Method: gw}");
	mt_expect_one(text, 11, 40, "unknown VIP key 'Method' (did you mean 'clusterIpMethod'?)",
		      NULL);
	snprintf(text, sizeof(text), fmt, "{address: 192.0.2.9/24, weight: 5}");
	mt_expect_one(text, 11, 40,
		      "unknown VIP key 'weight' (allowed: address, clusterIpMethod, zone, vrid)",
		      NULL);
	snprintf(text, sizeof(text), fmt, "{clusterIpMethod: link}");
	mt_expect_one(text, 11, 16, "VIP without 'address' (address: ADDR/PLEN)", NULL);
	snprintf(text, sizeof(text), fmt, "{address: 192.0.2.9/24, clusterIpMethod: Link}");
	mt_expect_one(text, 11, 57,
		      "clusterIpMethod 'Link' is not one of vrrp | link | gw | link+gw (did you "
		      "mean 'link'?)",
		      NULL);
}

static void test_vlan(void **state)
{
	(void)state;
	/* out of range: one error, not also "needs 'id'" */
	mt_expect_one(MT_HEAD "  e: {type: ethernet}\n  v: {type: vlan, parent: e, id: 0}\n", 6, 34,
		      "v: id 0 out of range 1..4094", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet}\n  v: {type: vlan, parent: e}\n", 6, 3,
		      "v: a vlan needs 'id'", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet}\n"
			      "  v1: {type: vlan, parent: e, id: 7}\n"
			      "  v2: {type: vlan, parent: e, id: 7}\n",
		      7, 35, "v2: vlan id 7 is already used on e by v1 (line 6)", NULL);
	mt_expect_one(MT_HEAD "  v: {type: vlan, parent: nope, id: 1}\n", 5, 27,
		      "v: parent nope is not defined under interfaces", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, mtu: 1500}\n"
			      "  v: {type: vlan, parent: e, id: 1, mtu: 1504}\n",
		      6, 42, "v: mtu 1504 exceeds parent e mtu 1500", NULL);
}

static void test_members(void **state)
{
	(void)state;
	mt_expect_one(MT_HEAD "  e: {type: ethernet}\n"
			      "  b: {type: bond, members: [e]}\n"
			      "  r: {type: bridge, members: [e]}\n",
		      7, 31, "r: member e is already a member of b (line 6)", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, namespace: x}\n"
			      "  b: {type: bond, members: [e]}\n",
		      6, 29, "member e lives in namespace x but b lives in the daemon's namespace",
		      NULL);
	mt_expect_one(MT_HEAD "  p: {type: veth-peer, peer: ph}\n"
			      "  b: {type: lacp, members: [ph]}\n",
		      6, 29, "member ph is the other end of veth-peer p (line 5)", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet}\n"
			      "  b: {type: bond, members: [e], primary: x}\n",
		      6, 42, "b: primary x is not one of its members (e)", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet}\n"
			      "  r: {type: bridge, members: [e]}\n"
			      "  m: {type: veth, parent: e}\n",
		      7, 27, "m: parent e is a port of bridge r", "(use r as parent)", NULL);
	mt_expect_one(MT_HEAD "  m: {type: veth, parent: r}\n"
			      "  r: {type: bridge, members: [m]}\n",
		      5, 3, "m: dependency cycle: m is a member of r, r is the parent of m", NULL);
}

static void test_addresses(void **state)
{
	(void)state;
	mt_expect_one(MT_HEAD "  e:\n    type: ethernet\n" PAIR
			      "    vips: {master: [198.51.100.1/24]}\n",
		      10, 21,
		      "e: vip 198.51.100.1/24 is outside every IPv4 subnet of e on node adc1 "
		      "(192.0.2.2/24)",
		      NULL);
	mt_expect_one(MT_HEAD "  e:\n    type: ethernet\n" PAIR
			      "    vips: {master: [192.0.2.3/24]}\n",
		      10, 21, "vip 192.0.2.3 is already used as an address on e (line 9)", NULL);
	/* two IPv6 VIPs without a pair: said once */
	mt_expect_one(MT_HEAD "  e:\n    type: ethernet\n" PAIR
			      "    vips: {master: [\"2001:db8::1/64\", \"2001:db8::2/64\"]}\n",
		      10, 21, "IPv6 VIPs need a communication pair, but node adc1 has no IPv6",
		      NULL);
	mt_expect_one(MT_HEAD
		      "  e:\n    type: ethernet\n" PAIR
		      "    vips: {backup: [{address: 192.0.2.9/24, clusterIpMethod: gw}]}\n",
		      10, 62, "uses clusterIpMethod gw but e has no IPv4 gateway", NULL);
	mt_expect_one(
	    MT_HEAD "  e:\n    type: ethernet\n" PAIR "    gateway: {ipv4: 203.0.113.1}\n", 10, 21,
	    "gateway 203.0.113.1 is outside every IPv4 subnet of e on node adc1", NULL);
	mt_expect_one(MT_HEAD
		      "  e:\n    type: ethernet\n    mtu: 1200\n"
		      "    addresses: {adc1: [\"2001:db8::1/64\"], adc2: [\"2001:db8::2/64\"]}\n",
		      7, 10, "mtu 1200 is below 1280", NULL);
	mt_expect_one(MT_HEAD "  e:\n    type: ethernet\n    vips: {master: [192.0.2.9/24]}\n"
			      "  b: {type: bond, members: [e]}\n",
		      7, 21, "e: a member of bond b cannot have addresses, VIPs or a gateway",
		      NULL);
}

static void test_no_cascades(void **state)
{
	(void)state;
	/* nodes missing: addresses are not all "not a node", VIPs not "no pair" */
	mt_expect_one("cluster:\n  name: lab\ninterfaces:\n  e:\n    type: ethernet\n" PAIR
		      "    vips: {master: [192.0.2.9/24]}\n",
		      1, 1, "cluster: missing required key 'nodes'", NULL);
	/* one bad node address: no "no pair" for the VIP, no "cannot be probed" */
	mt_expect_one(MT_HEAD
		      "  e:\n    type: ethernet\n"
		      "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.256/24]}\n"
		      "    gateway: {ipv4: 192.0.2.1}\n"
		      "    vips: {master: [{address: 192.0.2.9/24, clusterIpMethod: gw}]}\n",
		      7, 46, "address '192.0.2.256/24' is not an IPv4 address", NULL);
	/* a node key misspelt: one error */
	mt_expect_one(MT_HEAD "  e:\n    type: ethernet\n"
			      "    addresses: {adc1: [192.0.2.2/24], adc3: [192.0.2.3/24]}\n"
			      "    vips: {master: [192.0.2.9/24]}\n",
		      7, 39, "'adc3' is not a node of the cluster (adc1, adc2)", NULL);
	/* a bad gateway: no "has no IPv4 gateway" for its gw VIP */
	mt_expect_one(MT_HEAD
		      "  e:\n    type: ethernet\n" PAIR "    gateway: {ipv4: 192.0.2.1/24}\n"
		      "    vips: {master: [{address: 192.0.2.9/24, clusterIpMethod: gw}]}\n",
		      10, 21, "gateway '192.0.2.1/24' takes no prefix length", NULL);
	/* a repeated key: the first value counts, the repeat adds nothing */
	mt_expect_one(MT_HEAD "  e:\n    type: ethernet\n" PAIR
			      "    vips: {master: [{address: 192.0.2.9/24, clusterIpMethod: vrrp, "
			      "clusterIpMethod: gw}]}\n",
		      10, 68, "duplicate key 'clusterIpMethod' (first at 10:45)", NULL);
	/* an interface whose type is wrong is not also "not defined" for its users */
	mt_expect_one(MT_HEAD "  e: {type: eth}\n  v: {type: vlan, parent: e, id: 1}\n", 5, 13,
		      "type 'eth' is not one of", NULL);
	/* a port's VIPs are one error, not also "no communication pair" */
	mt_expect_one(MT_HEAD "  e: {type: ethernet, vips: {master: [192.0.2.9/24]}}\n"
			      "  b: {type: bond, members: [e]}\n",
		      5, 39, "a member of bond b cannot have", NULL);
}

static void test_vrrp_params(void **state)
{
	(void)state;
	mt_expect_one("cluster:\n  name: a\n  nodes: [x, y]\n  vrrp: {advert_interval: 41s}\n"
		      "interfaces:\n  e: {type: ethernet}\n  f: {type: ethernet}\n",
		      4, 27, "cluster.vrrp: advert_interval 41s out of range for VRRP version 3",
		      NULL);
	/* the interface changes the version; the interval it inherits is named */
	mt_expect_one("cluster:\n  name: a\n  nodes: [x, y]\n  vrrp: {advert_interval: 500ms}\n"
		      "interfaces:\n  e: {type: ethernet, vrrp: {version: 2}}\n",
		      6, 39, "e: VRRP version 2 needs advert_interval in whole seconds",
		      "inherits 500ms (from cluster.vrrp, line 4)", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, vrrp: {priority: {other: 200}}}\n", 5, 48,
		      "priority preferred 200 (default) must be above other 200", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet, gateway_check: {timeout: 600ms}}\n", 5, 48,
		      "gateway_check timeout 600ms exceeds its interval 500ms (default)", NULL);
	mt_expect_one(MT_HEAD
		      "  e:\n    type: ethernet\n    vrrp: {version: 2}\n"
		      "    addresses: {adc1: [\"2001:db8::1/64\"], adc2: [\"2001:db8::2/64\"]}\n"
		      "    vips: {master: [\"2001:db8::9/64\"]}\n",
		      9, 21, "vip 2001:db8::9/64 is IPv6 but VRRP version 2", NULL);
}

static void test_sorted_and_warning(void **state)
{
	struct diag_list dl;
	struct model *m = NULL;

	(void)state;
	/* errors come out by line whatever order the checks ran in */
	assert_int_equal(mt_load("cluster:\n  name: a\n  nodes: [x, y]\n"
				 "  vrrp: {priority: {preferred: 1, other: 2}}\n"
				 "interfaces:\n  v: {type: vlan, parent: q, id: 1}\n"
				 "  e: {type: ethernet, mtu: 9}\n",
				 &m, &dl),
			 -EINVAL);
	diag_list_sort(&dl);
	assert_int_equal(dl.count, 3);
	assert_int_equal(dl.items[0].pos.line, 4);
	assert_int_equal(dl.items[1].pos.line, 6);
	assert_int_equal(dl.items[2].pos.line, 7);
	diag_list_done(&dl);
	model_free(m);
	/* a warning does not fail the load */
	m = NULL;
	assert_int_equal(mt_load(MT_HEAD "  r: {type: bridge, forward_delay: 4s}\n", &m, &dl), 0);
	assert_int_equal(dl.count, 1);
	assert_int_equal(dl.errors, 0);
	assert_int_equal(dl.items[0].severity, DIAG_WARNING);
	assert_non_null(mt_find(&dl, 5, 36, "forward_delay has no effect while stp is false"));
	diag_list_done(&dl);
	model_free(m);
}

/* A VIP whose prefix length is not its subnet's: a warning, once. */
static void test_vip_prefix_warning(void **state)
{
	static const char fmt[] = MT_HEAD "  e:\n    type: ethernet\n" PAIR "    vips:\n"
					  "      master: [%s]\n";
	char text[512];
	struct diag_list dl;
	struct model *m = NULL;

	(void)state;
	snprintf(text, sizeof(text), fmt, "192.0.2.11/16");
	assert_int_equal(mt_load(text, &m, &dl), 0);
	if (dl.count != 1)
		mt_print(&dl);
	assert_int_equal(dl.count, 1);
	assert_int_equal(dl.items[0].severity, DIAG_WARNING);
	assert_non_null(mt_find(&dl, 11, 16,
				"e: vip 192.0.2.11/16 has prefix /16 but its subnet on e is /24 "
				"(192.0.2.2/24 on node adc1); write 192.0.2.11/24"));
	assert_int_equal(m->n_instances, 1);
	diag_list_done(&dl);
	model_free(m);
	/* a wider node subnet that also holds it with the same length: fine */
	m = mt_load_ok(MT_HEAD "  e:\n    type: ethernet\n"
			       "    addresses:\n"
			       "      adc1: [192.0.2.2/24, 192.0.2.130/25]\n"
			       "      adc2: [192.0.2.3/24, 192.0.2.131/25]\n"
			       "    vips: {master: [192.0.2.140/25]}\n");
	model_free(m);
}

static void test_yaml_syntax(void **state)
{
	(void)state;
	mt_expect_one(MT_HEAD "  e:\n\ttype: ethernet\n", 6, 1, "tab character", NULL);
	mt_expect_one(MT_HEAD "  e: {type: ethernet\n  f: {type: ethernet}\n", 6, 4,
		      "in the flow mapping that starts at 5:6", NULL);
	mt_expect_one("", 0, 0, "the file is empty", NULL);
	mt_expect_one("# only a comment\n", 0, 0, "the file is empty", NULL);
	mt_expect_one("- a\n", 1, 1, "file: the top level must be a mapping, got a list", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_keys),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_vip_keys),
	    cmocka_unit_test(test_vlan),
	    cmocka_unit_test(test_members),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_no_cascades),
	    cmocka_unit_test(test_vrrp_params),
	    cmocka_unit_test(test_sorted_and_warning),
	    cmocka_unit_test(test_vip_prefix_warning),
	    cmocka_unit_test(test_yaml_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
