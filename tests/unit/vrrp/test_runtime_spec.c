/* src/vrrp/runtime_spec.c: instance specs built from the node record, and
 * the comparison a reload makes between the running specs and the new. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "vrrp/runtime_internal.h"

static const char file_fmt[] =
    "cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
    "  garp: {count: 4, interval: 20ms, refresh: 10s}\n"
    "interfaces:\n"
    "  ha0:\n"
    "    type: ethernet\n"
    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
    "  eth0:\n"
    "    type: ethernet\n"
    "    namespace: t\n"
    "    vrrp: {priority: {preferred: %u}, unicast: true, preempt_delay: 2s}\n"
    "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
    "    gateway: {ipv4: 192.0.2.1}\n"
    "    vips:\n"
    "      master: [192.0.2.10/24, {address: 192.0.2.11/24, clusterIpMethod: gw}]\n"
    "      backup: [192.0.2.20/26]\n";

struct loaded {
	struct model *m;
	struct node_record *r;
	struct vrrp_inst_spec *specs;
	size_t n;
};

static void load(struct loaded *l, unsigned preferred, int node)
{
	char text[2048];
	struct diag_list dl;

	snprintf(text, sizeof(text), file_fmt, preferred);
	diag_list_init(&dl, "t.yaml");
	assert_int_equal(model_load_buffer(text, strlen(text), "t.yaml", &l->m, &dl), 0);
	diag_list_done(&dl);
	l->r = node_record_new(l->m, node);
	assert_non_null(l->r);
	assert_int_equal(vrrp_rt_specs_from_record(l->r, &l->specs, &l->n), 0);
}

static void unload(struct loaded *l)
{
	vrrp_rt_specs_free(l->specs, l->n);
	node_record_free(l->r);
	model_free(l->m);
}

/* One spec per record entry, in its order, with its index and values. */
static void test_specs_from_record(void **state)
{
	struct loaded l;
	const struct vrrp_inst_spec *s;
	char buf[IP_STR_MAX];

	(void)state;
	load(&l, 200, 1);
	assert_int_equal(l.n, l.r->n_insts);
	assert_int_equal(l.n, 3);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.specs[i].record_index, i);
		assert_string_equal(l.specs[i].name, l.r->insts[i].name);
		assert_int_equal(l.specs[i].vrid, l.r->insts[i].vrid);
	}
	s = &l.specs[0];
	assert_string_equal(s->name, "eth0/master/ipv4/vrrp");
	assert_string_equal(s->ifname, "eth0");
	assert_string_equal(s->advert_ifname, "eth0");
	assert_string_equal(s->netns, "t");
	assert_true(s->unicast);
	assert_true(s->fsm.single_peer);
	assert_int_equal(s->fsm.priority, 100); /* adc2: the other priority */
	assert_int_equal(s->fsm.preempt_delay_ms, 2000);
	assert_int_equal(s->fsm.link_settle_ms, MODEL_LINK_SETTLE_MS);
	assert_string_equal(ip_ntop_prefix(&s->fsm.own_addr, buf), "192.0.2.3/32");
	assert_string_equal(ip_ntop_prefix(&s->peer, buf), "192.0.2.2/32");
	assert_int_equal(s->garp_count, 4);
	assert_int_equal(s->garp_interval_ms, 20);
	assert_int_equal(s->garp_refresh_ms, 10000);
	assert_int_equal(s->n_vips, 1);
	assert_string_equal(ip_ntop_prefix(&s->vips[0], buf), "192.0.2.10/24");
	/* the spec owns its VIP list: the runtime moves it between specs */
	assert_ptr_not_equal(s->vips, l.r->insts[0].vips);
	assert_string_equal(ip_ntop_prefix(&l.specs[2].vips[0], buf), "192.0.2.20/26");
	assert_int_equal(l.specs[2].fsm.priority, 200);
	unload(&l);
}

/* The same file loaded again: every instance is the same (a reload that
 * changes nothing restarts nothing); a new priority changes the instances
 * of the slot it is preferred in, on this node. */
static void test_reload_compare(void **state)
{
	struct loaded a, b, c;

	(void)state;
	load(&a, 200, 0);
	load(&b, 200, 0);
	load(&c, 201, 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_true(rt_spec_same_key(&a.specs[i], &b.specs[i]));
		assert_true(rt_spec_same_params(&a.specs[i], &b.specs[i]));
		assert_true(rt_spec_same_vips(&a.specs[i], &b.specs[i]));
		assert_true(rt_spec_same_key(&a.specs[i], &c.specs[i]));
	}
	assert_false(rt_spec_same_params(&a.specs[0], &c.specs[0])); /* master: preferred */
	assert_true(rt_spec_same_params(&a.specs[2], &c.specs[2]));  /* backup: other */
	assert_false(rt_spec_same_key(&a.specs[0], &a.specs[1]));
	unload(&a);
	unload(&b);
	unload(&c);
}

/* The names live in one block of their exact size; each is cut where
 * the buffers of the longest used to cut it, and a block set again
 * replaces the old one (ASan: nothing leaks, nothing read after free,
 * even when the new names are the old ones). */
static void test_names_in_one_block(void **state)
{
	struct vrrp_inst_spec s = {0};
	char long_name[200];

	(void)state;
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(vrrp_inst_spec_set_names(&s, long_name, "eth0", NULL, "t", ""), 0);
	assert_int_equal(strlen(s.name), VRRP_RT_NAME_MAX - 1);
	assert_string_equal(s.ifname, "eth0");
	assert_string_equal(s.advert_ifname, "");
	assert_string_equal(s.netns, "t");
	assert_string_equal(s.vmac_ifname, "");
	assert_true(s.name >= s.names && s.vmac_ifname < s.names + VRRP_RT_NAME_MAX + 16);
	assert_int_equal(
	    vrrp_inst_spec_set_names(&s, s.name, s.ifname, "ha0", s.netns, "vm4-1-eth0"), 0);
	assert_int_equal(strlen(s.name), VRRP_RT_NAME_MAX - 1);
	assert_string_equal(s.advert_ifname, "ha0");
	assert_string_equal(s.vmac_ifname, "vm4-1-eth0");
	rt_spec_done(&s);
	assert_null(s.names);
	assert_string_equal(s.name, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_specs_from_record),
	    cmocka_unit_test(test_reload_compare),
	    cmocka_unit_test(test_names_in_one_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
