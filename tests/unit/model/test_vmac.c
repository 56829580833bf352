/* vrrp.virtual_mac (src/model/vmac.c): default off, inherited from the
 * cluster or set per interface, each instance's link name (within 15
 * characters, a hash for a long interface name) and RFC 5798 MAC, and
 * what the node record carries of them. The mistakes are tests/bad/11x. */
#include "model_test.h"

#include "model/node_record.h"

static const char file[] =
    "cluster:\n"
    "  name: lab\n"
    "  nodes: [adc1, adc2]\n"
    "  vrrp: {virtual_mac: true}\n"
    "interfaces:\n"
    "  eth0:\n"
    "    type: ethernet\n"
    "    vrrp: {virtual_router_id: 10}\n"
    "    addresses: {adc1: [192.0.2.2/24, \"2001:db8::2/64\"], adc2: [192.0.2.3/24, "
    "\"2001:db8::3/64\"]}\n"
    "    vips: {master: [192.0.2.10/24, \"2001:db8::10/64\"]}\n"
    "  averyveryverylo:\n"
    "    type: ethernet\n"
    "    vrrp: {virtual_router_id: 200}\n"
    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
    "    vips: {master: [198.51.100.10/24]}\n"
    "  eth1:\n"
    "    type: ethernet\n"
    "    vrrp: {virtual_mac: false}\n"
    "    addresses: {adc1: [203.0.113.2/24], adc2: [203.0.113.3/24]}\n"
    "    vips: {master: [203.0.113.10/24]}\n";

static void test_names_and_macs(void **state)
{
	struct model *m = mt_load_ok(file);
	const struct vrrp_instance *v4 = mt_inst(m, "eth0/master/ipv4/vrrp");
	const struct vrrp_instance *v6 = mt_inst(m, "eth0/master/ipv6/vrrp");
	const struct vrrp_instance *lo = mt_inst(m, "averyveryverylo/master/ipv4/vrrp");
	uint8_t mac[6];

	(void)state;
	assert_string_equal(v4->vmac_ifname, "vm4-10-eth0");
	assert_string_equal(v6->vmac_ifname, "vm6-10-eth0");
	/* "vm4-200-" leaves 7 characters: 3 of the name and 4 hex digits */
	assert_int_equal(strlen(lo->vmac_ifname), 15);
	assert_memory_equal(lo->vmac_ifname, "vm4-200-ave", 11);
	assert_null(mt_inst(m, "eth1/master/ipv4/vrrp")->vmac_ifname); /* its own false */
	model_vmac_mac(v4, mac);
	assert_memory_equal(mac, ((uint8_t[6]){0, 0, 0x5e, 0, 1, 10}), 6);
	model_vmac_mac(v6, mac);
	assert_memory_equal(mac, ((uint8_t[6]){0, 0, 0x5e, 0, 2, 10}), 6);
	model_free(m);
}

static void test_default_off_and_record(void **state)
{
	struct model *m = mt_load_ok(MT_HEAD "  eth0:\n"
					     "    type: ethernet\n"
					     "    addresses: {adc1: [192.0.2.2/24], adc2: "
					     "[192.0.2.3/24]}\n"
					     "    vips: {master: [192.0.2.10/24]}\n");
	struct model *v = mt_load_ok(file);
	struct node_record *r = node_record_new(v, 1);
	int found = 0;

	(void)state;
	assert_null(m->instances[0].vmac_ifname);
	assert_false(m->ifaces[0].vrrp.virtual_mac.v);
	assert_non_null(r);
	for (size_t i = 0; i < r->n_insts; i++) {
		if (strcmp(r->insts[i].name, "eth0/master/ipv6/vrrp") != 0)
			continue;
		assert_string_equal(r->insts[i].vmac_ifname, "vm6-10-eth0");
		assert_memory_equal(r->insts[i].vmac, ((uint8_t[6]){0, 0, 0x5e, 0, 2, 10}), 6);
		found++;
	}
	assert_int_equal(found, 1);
	node_record_free(r);
	model_free(m);
	model_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_and_macs),
	    cmocka_unit_test(test_default_off_and_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
