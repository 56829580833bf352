/* src/model/keys.c: durations, edit distance, ranges and defaults as the
 * messages and `vipctl explain` show them, defaults and inheritance. */
#include "model_test.h"

#include "model/keys.h"
#include "model/kinds/kind.h"

static uint32_t dur_ok(const char *text)
{
	const char *why = NULL;
	uint32_t ms = 12345;

	assert_int_equal(keys_parse_duration(text, &ms, &why), 0);
	return ms;
}

static const char *dur_bad(const char *text)
{
	const char *why = NULL;
	uint32_t ms = 12345;

	assert_int_equal(keys_parse_duration(text, &ms, &why), -1);
	assert_non_null(why);
	assert_int_equal(ms, 12345); /* untouched on error */
	return why;
}

static void test_duration_units(void **state)
{
	(void)state;
	assert_int_equal(dur_ok("100ms"), 100);
	assert_int_equal(dur_ok("0ms"), 0);
	assert_int_equal(dur_ok("0s"), 0);
	assert_int_equal(dur_ok("1s"), 1000);
	assert_int_equal(dur_ok("255s"), 255000);
	assert_int_equal(dur_ok("40950ms"), 40950);
	assert_int_equal(dur_ok("100000000ms"), 100000000);
	assert_int_equal(dur_ok("100000s"), 100000000);
}

static void test_duration_errors(void **state)
{
	(void)state;
	assert_non_null(strstr(dur_bad("100"), "needs a unit"));
	assert_non_null(strstr(dur_bad("1.5s"), "fraction"));
	assert_non_null(strstr(dur_bad("10m"), "unknown unit"));
	assert_non_null(strstr(dur_bad("10 ms"), "unknown unit"));
	assert_non_null(strstr(dur_bad("10MS"), "unknown unit"));
	assert_non_null(strstr(dur_bad("ms"), "not a duration"));
	assert_non_null(strstr(dur_bad(""), "not a duration"));
	assert_non_null(strstr(dur_bad("-1s"), "not a duration"));
	assert_non_null(strstr(dur_bad("100000001ms"), "too large"));
	/* 4294968 s is 2^32 + 704 ms: it must not wrap to 704 ms */
	assert_non_null(strstr(dur_bad("4294968s"), "too large"));
	assert_non_null(strstr(dur_bad("100001s"), "too large"));
	assert_non_null(strstr(dur_bad("99999999999999999999999ms"), "too large"));
}

static void test_duration_format(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(model_fmt_duration(0, buf), "0ms");
	assert_string_equal(model_fmt_duration(10, buf), "10ms");
	assert_string_equal(model_fmt_duration(1000, buf), "1s");
	assert_string_equal(model_fmt_duration(1500, buf), "1500ms");
	assert_string_equal(model_fmt_duration(40950, buf), "40950ms");
	assert_string_equal(model_fmt_duration(255000, buf), "255s");
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(keys_edit_distance("", ""), 0);
	assert_int_equal(keys_edit_distance("mtu", "mtu"), 0);
	assert_int_equal(keys_edit_distance("mtus", "mtu"), 1); /* insertion */
	assert_int_equal(keys_edit_distance("mut", "mtu"), 2);	/* no transpositions */
	assert_int_equal(keys_edit_distance("mtx", "mtu"), 1);	/* substitution */
	assert_int_equal(keys_edit_distance("", "abc"), 3);
	assert_int_equal(keys_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(keys_edit_distance("sitting", "kitten"), 3);
	assert_int_equal(keys_edit_distance("method", "clusterIpMethod"), 10);
	/* too long to be a typo of a key: the table is bounded */
	assert_int_equal(
	    keys_edit_distance("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			       "a"),
	    99);
}

static const struct key_spec *key(const struct key_table *t, const char *name)
{
	const struct key_spec *k = keys_find(t, name);

	assert_non_null(k);
	assert_string_equal(k->name, name);
	return k;
}

static void test_find(void **state)
{
	(void)state;
	assert_null(keys_find(&kind_vlan.keys, "members"));
	assert_null(keys_find(&kind_ethernet.keys, "id"));
	assert_null(keys_find(&vrrp_keys, "Version"));
	key(&kind_vlan.keys, "id");
	key(&common_iface_keys, "mtu");
}

static void test_ranges(void **state)
{
	char buf[200];

	(void)state;
	assert_string_equal(keys_describe_range(key(&kind_vlan.keys, "id"), buf, sizeof(buf)),
			    "1..4094");
	assert_string_equal(keys_describe_range(key(&common_iface_keys, "mtu"), buf, sizeof(buf)),
			    "68..65535");
	assert_string_equal(
	    keys_describe_range(key(&kind_lacp.keys, "lacp_rate"), buf, sizeof(buf)),
	    "slow | fast");
	assert_string_equal(keys_describe_range(key(&vrrp_keys, "preempt"), buf, sizeof(buf)),
			    "true | false");
	assert_string_equal(keys_describe_range(key(&gwcheck_keys, "interval"), buf, sizeof(buf)),
			    "10ms..60s");
	assert_string_equal(
	    keys_describe_range(key(&kind_bridge.keys, "forward_delay"), buf, sizeof(buf)),
	    "2s..30s in 1s steps");
	/* the advert interval's domain depends on the version: both are named */
	keys_describe_range(key(&vrrp_keys, "advert_interval"), buf, sizeof(buf));
	assert_non_null(strstr(buf, "10ms..40950ms in 10ms steps for version 3"));
	assert_non_null(strstr(buf, "1s..255s in whole seconds for version 2"));
	/* a short buffer truncates, never overflows */
	assert_string_equal(keys_describe_range(key(&kind_bond.keys, "mode"), buf, 8), "active-");
}

/* Keys parsed by dedicated code still say what they hold; `type` lists
 * exactly the kinds of the registry. */
static void test_special_keys(void **state)
{
	char want[200], buf[300];
	size_t off = 0;

	(void)state;
	for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
		/* the registry's kinds are named by iface_type_names */
		assert_string_equal(iface_kind_get((enum iface_type)t)->name,
				    iface_type_name((enum iface_type)t));
		off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%s", t ? " | " : "",
					iface_type_name((enum iface_type)t));
	}
	assert_string_equal(keys_type_name(key(&common_iface_keys, "type")), "enum");
	assert_string_equal(keys_describe_range(key(&common_iface_keys, "type"), buf, sizeof(buf)),
			    want);
	assert_string_equal(keys_type_name(key(&cluster_keys, "name")), "string");
	assert_string_equal(keys_type_name(key(&cluster_keys, "nodes")), "list");
	keys_describe_range(key(&cluster_keys, "nodes"), buf, sizeof(buf));
	assert_non_null(strstr(buf, "two"));
	assert_string_equal(keys_type_name(key(&common_iface_keys, "addresses")), "mapping");
	assert_non_null(
	    strstr(keys_describe_range(key(&common_iface_keys, "addresses"), buf, sizeof(buf)),
		   "{NODE: [ADDR/PLEN, ...]}"));
	assert_non_null(
	    strstr(keys_describe_range(key(&common_iface_keys, "gateway"), buf, sizeof(buf)),
		   "{ipv4: ADDR, ipv6: ADDR}"));
	assert_non_null(
	    strstr(keys_describe_range(key(&common_iface_keys, "vips"), buf, sizeof(buf)),
		   "{master: [VIP, ...], backup: [VIP, ...]}"));
	assert_string_equal(keys_type_name(key(&vrrp_keys, "via")), "interface");
}

static void test_defaults_text(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(keys_describe_default(key(&kind_vlan.keys, "id"), buf, sizeof(buf)),
			    "(required)");
	assert_string_equal(keys_describe_default(key(&common_iface_keys, "mtu"), buf, sizeof(buf)),
			    "-");
	assert_string_equal(
	    keys_describe_default(key(&vrrp_keys, "advert_interval"), buf, sizeof(buf)), "1s");
	assert_string_equal(keys_describe_default(key(&kind_veth.keys, "mode"), buf, sizeof(buf)),
			    "bridge");
	assert_string_equal(keys_describe_default(key(&vrrp_keys, "unicast"), buf, sizeof(buf)),
			    "true");
	assert_string_equal(keys_describe_default(key(&garp_keys, "count"), buf, sizeof(buf)), "5");
	/* a default that depends on another key says so */
	assert_string_equal(keys_describe_default(key(&gwcheck_keys, "timeout"), buf, sizeof(buf)),
			    "80% of interval");
	assert_string_equal(keys_type_name(key(&vrrp_keys, "priority")), "mapping");
	assert_string_equal(keys_type_name(key(&kind_bond.keys, "members")), "list");
}

static void test_apply_defaults(void **state)
{
	struct vrrp_cfg c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.version.v = 2;
	c.version.set = true;
	keys_apply_defaults(&vrrp_keys, &c);
	assert_int_equal(c.version.v, 2); /* a set value stays */
	assert_int_equal(c.advert_interval.v, 1000);
	assert_false(c.advert_interval.set); /* a default is not "written" */
	assert_int_equal(c.priority.preferred.v, 200);
	assert_int_equal(c.priority.other.v, 100);
	assert_true(c.preempt.v);
	assert_true(c.unicast.v);
	assert_false(c.virtual_router_id.set);
	assert_int_equal(c.virtual_router_id.v, 0); /* no default: automatic */
}

static void test_inherit(void **state)
{
	struct vrrp_cfg cl, ifc;

	(void)state;
	memset(&cl, 0, sizeof(cl));
	memset(&ifc, 0, sizeof(ifc));
	cl.version = (struct u32_val){.v = 2, .set = true, .pos = {4, 13}};
	cl.priority.preferred = (struct u32_val){.v = 150, .set = true, .pos = {5, 27}};
	cl.preempt = (struct bool_val){.v = false, .set = true, .pos = {6, 14}};
	keys_apply_defaults(&vrrp_keys, &cl);
	ifc.advert_interval = (struct u32_val){.v = 3000, .set = true, .pos = {9, 30}};
	ifc.priority.other = (struct u32_val){.v = 50, .set = true, .pos = {10, 40}};
	keys_inherit(&vrrp_keys, &ifc, &cl);
	/* written at the interface: kept */
	assert_int_equal(ifc.advert_interval.v, 3000);
	assert_int_equal(ifc.advert_interval.pos.line, 9);
	assert_int_equal(ifc.priority.other.v, 50);
	/* written at the cluster: copied with the cluster's position */
	assert_int_equal(ifc.version.v, 2);
	assert_true(ifc.version.set);
	assert_int_equal(ifc.version.pos.line, 4);
	assert_int_equal(ifc.priority.preferred.v, 150);
	assert_int_equal(ifc.priority.preferred.pos.col, 27);
	assert_false(ifc.preempt.v);
	assert_true(ifc.preempt.set);
	/* defaults only: the cluster's default value, still unset */
	assert_true(ifc.unicast.v);
	assert_false(ifc.unicast.set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duration_units),
	    cmocka_unit_test(test_duration_errors),
	    cmocka_unit_test(test_duration_format),
	    cmocka_unit_test(test_edit_distance),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_special_keys),
	    cmocka_unit_test(test_defaults_text),
	    cmocka_unit_test(test_apply_defaults),
	    cmocka_unit_test(test_inherit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
