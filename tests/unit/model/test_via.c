/* vrrp.via: an interface's adverts over another interface's communication
 * pair. Validation (where via may point, which pair it needs, which subnet
 * rule its VIPs keep) and compilation (advert_iface, the pair, VRIDs per
 * advert segment). */
#include "model_test.h"

/* ha0 carries IPv4 and IPv6 adverts for eth0, which has no addresses. */
static const char ha_link[] =
    MT_HEAD "  ha0:\n"								 /* 5 */
	    "    type: ethernet\n"						 /* 6 */
	    "    addresses:\n"							 /* 7 */
	    "      adc1: [198.51.100.2/24, \"2001:db8:a::2/64\"]\n"		 /* 8 */
	    "      adc2: [198.51.100.3/24, \"2001:db8:a::3/64\"]\n"		 /* 9 */
	    "    vips: {master: [198.51.100.10/24]}\n"				 /* 10 */
	    "  eth0:\n"								 /* 11 */
	    "    type: ethernet\n"						 /* 12 */
	    "    vrrp: {via: ha0}\n"						 /* 13 */
	    "    vips:\n"							 /* 14 */
	    "      master: [192.0.2.10/24, \"2001:db8::10/64\"]\n"		 /* 15 */
	    "      backup: [{address: 192.0.2.20/24, clusterIpMethod: link}]\n"; /* 16 */

static void test_via_compiles(void **state)
{
	struct model *m = mt_load_ok(ha_link);
	long ha0 = model_iface_index(m, "ha0"), eth0 = model_iface_index(m, "eth0");
	const struct vrrp_instance *own = mt_inst(m, "ha0/master/ipv4/vrrp");
	char buf[IP_STR_MAX];

	(void)state;
	assert_int_equal(m->ifaces[eth0].via_idx, ha0);
	assert_int_equal(own->advert_iface, (size_t)ha0);
	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *vi = &m->instances[i];

		/* every instance advertises over ha0; eth0's keep their own VIPs */
		assert_int_equal(vi->advert_iface, (size_t)ha0);
		assert_true(vi->has_pair);
		/* one VRID pool: ha0's segment */
		for (size_t j = 0; j < i; j++)
			if (m->instances[j].family == vi->family)
				assert_true(m->instances[j].vrid != vi->vrid);
	}
	assert_int_equal(mt_inst(m, "eth0/master/ipv4/vrrp")->iface, (size_t)eth0);
	assert_string_equal(ip_ntop(&mt_inst(m, "eth0/master/ipv4/vrrp")->addr[0], buf),
			    "198.51.100.2");
	assert_string_equal(ip_ntop(&mt_inst(m, "eth0/master/ipv6/vrrp")->addr[1], buf),
			    "2001:db8:a::3");
	assert_string_equal(ip_ntop(&mt_inst(m, "eth0/backup/ipv4/link")->addr[1], buf),
			    "198.51.100.3");
	model_free(m);
}

/* VRIDs are unique on the segment the adverts travel, not the VIPs'. */
static void test_via_vrid_segment(void **state)
{
	struct model *m;

	(void)state;
	mt_expect_one(MT_HEAD
		      "  ha0:\n    type: ethernet\n    vrrp: {virtual_router_id: 9}\n"
		      "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
		      "    vips: {master: [198.51.100.10/24]}\n"
		      "  eth0:\n    type: ethernet\n    vrrp: {via: ha0, virtual_router_id: 9}\n"
		      "    vips: {master: [192.0.2.10/24]}\n",
		      12, 41,
		      "eth0: VRID 9 of instance eth0/master/ipv4/vrrp is already taken by "
		      "ha0/master/ipv4/vrrp (line 5) on the ipv4 segment of ha0",
		      NULL);
	/* the same VRID on eth0's own wire is free once its adverts leave via ha0 */
	m = mt_load_ok(MT_HEAD "  ha0:\n    type: ethernet\n"
			       "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
			       "  eth0:\n    type: ethernet\n    vrrp: {virtual_router_id: 9}\n"
			       "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
			       "    vips: {master: [192.0.2.10/24]}\n"
			       "  mv0:\n    type: veth\n    parent: eth0\n"
			       "    vrrp: {via: ha0, virtual_router_id: 9}\n"
			       "    vips: {master: [192.0.2.11/24]}\n");
	assert_int_equal(mt_inst(m, "eth0/master/ipv4/vrrp")->vrid, 9);
	assert_int_equal(mt_inst(m, "mv0/master/ipv4/vrrp")->vrid, 9);
	model_free(m);
}

static void test_via_targets(void **state)
{
	static const char fmt[] = MT_HEAD "%s"
					  "  eth0:\n    type: ethernet\n    vrrp: {via: %s}\n"
					  "    vips: {master: [192.0.2.10/24]}\n";
	static const char ha0[] =
	    "  ha0:\n    type: ethernet\n"
	    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n";
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), fmt, "", "ha0");
	mt_expect_one(text, 7, 17, "eth0: vrrp.via ha0 is not defined under interfaces", NULL);
	snprintf(text, sizeof(text), fmt, "", "eth0");
	mt_expect_one(text, 7, 17, "eth0: vrrp.via cannot be the interface itself", NULL);
	snprintf(text, sizeof(text), fmt,
		 "  p0: {type: ethernet}\n  b0:\n    type: bond\n    members: [p0]\n"
		 "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n",
		 "p0");
	mt_expect_one(text, 12, 17, "eth0: vrrp.via p0 is a port of bond b0", "use b0", NULL);
	snprintf(text, sizeof(text), fmt,
		 "  ha0:\n    type: ethernet\n    namespace: ha\n"
		 "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n",
		 "ha0");
	mt_expect_one(text, 11, 17,
		      "eth0: vrrp.via ha0 lives in namespace ha but eth0 lives in the daemon's "
		      "namespace",
		      NULL);
	snprintf(text, sizeof(text), fmt,
		 "  ha0:\n    type: ethernet\n    vrrp: {via: ha1}\n"
		 "  ha1:\n    type: ethernet\n"
		 "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n",
		 "ha0");
	mt_expect_one(text, 13, 17, "eth0: vrrp.via ha0 sends its own adverts via ha1", NULL);
	/* a target without the family's pair: said at the via, once */
	snprintf(text, sizeof(text), fmt, ha0, "ha0");
	strcpy(strstr(text, "192.0.2.10/24]"), "\"2001:db8::10/64\", \"2001:db8::11/64\"]}\n");
	mt_expect_one(text, 10, 17,
		      "eth0: IPv6 VIPs need a communication pair on vrrp.via ha0, but node adc1 "
		      "has no IPv6 address on ha0",
		      NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n  vrrp: {via: ha0}\n"
		      "interfaces:\n  ha0: {type: ethernet}\n",
		      4, 15, "cluster.vrrp: via cannot be a cluster default", NULL);
}

/* With via, a VIP needs a subnet only of a family the interface has
 * addresses of; then on both nodes, as without via. */
static void test_via_subnets(void **state)
{
	static const char fmt[] =
	    MT_HEAD "  ha0:\n    type: ethernet\n"
		    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
		    "  eth0:\n    type: ethernet\n    vrrp: {via: ha0}\n%s"
		    "    vips: {master: [192.0.2.10/24]}\n";
	char text[1024];
	struct model *m;

	(void)state;
	snprintf(text, sizeof(text), fmt, "");
	m = mt_load_ok(text);
	model_free(m);
	snprintf(text, sizeof(text), fmt,
		 "    addresses: {adc1: [203.0.113.2/24], adc2: [203.0.113.3/24]}\n");
	mt_expect_one(text, 12, 21,
		      "eth0: vip 192.0.2.10/24 is outside every IPv4 subnet of eth0 on node adc1 "
		      "(203.0.113.2/24)",
		      NULL);
	snprintf(text, sizeof(text), fmt, "    addresses: {adc1: [192.0.2.2/24]}\n");
	mt_expect_one(text, 12, 21,
		      "eth0: vip 192.0.2.10/24 is outside every IPv4 subnet of eth0 on node adc2 "
		      "(no IPv4 address)",
		      NULL);
	/* an IPv6 address of its own does not ask for IPv4 subnets */
	snprintf(text, sizeof(text), fmt,
		 "    addresses: {adc1: [\"2001:db8::2/64\"], adc2: [\"2001:db8::3/64\"]}\n");
	m = mt_load_ok(text);
	model_free(m);
	/* gw still probes from the VIPs' interface, which needs an address */
	snprintf(text, sizeof(text), fmt, "    gateway: {ipv4: 192.0.2.1}\n");
	mt_expect_one(text, 11, 21,
		      "eth0: gateway 192.0.2.1 cannot be probed: node adc1 has no IPv4 address on "
		      "eth0",
		      NULL);
	snprintf(text, sizeof(text), fmt, "");
	strcpy(strstr(text, "[192.0.2.10/24]"),
	       "[{address: 192.0.2.10/24, clusterIpMethod: link+gw}]}\n");
	mt_expect_one(text, 11, 63,
		      "eth0: vip 192.0.2.10/24 uses clusterIpMethod link+gw but eth0 has no IPv4 "
		      "gateway",
		      NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_via_compiles),
	    cmocka_unit_test(test_via_vrid_segment),
	    cmocka_unit_test(test_via_targets),
	    cmocka_unit_test(test_via_subnets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
