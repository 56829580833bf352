/* src/model/load*.c: valid files parsed into the typed model, with the
 * positions of their values, the kinds' defaults and how interfaces
 * inherit cluster.vrrp and cluster.gateway_check. */
#include "model_test.h"

#include "model/kinds/kind.h"

/* Line numbers in the tests below refer to this text (line 1 = cluster:). */
static const char full[] =
    "cluster:\n"								   /* 1 */
    "  name: adc-prod\n"							   /* 2 */
    "  nodes: [adc1, adc2]\n"							   /* 3 */
    "  vrrp:\n"									   /* 4 */
    "    version: 3\n"								   /* 5 */
    "    advert_interval: 200ms\n"						   /* 6 */
    "    priority: {preferred: 150}\n"						   /* 7 */
    "  garp: {count: 3, interval: \"50ms\"}\n"					   /* 8 */
    "  gateway_check: {interval: 1s, fall: 4}\n"				   /* 9 */
    "interfaces:\n"								   /* 10 */
    "  eth0: {type: ethernet, mtu: 9000}\n"					   /* 11 */
    "  eth1: {type: ethernet, mtu: 9000, mac: \"02:00:00:00:00:01\"}\n"		   /* 12 */
    "  bond0:\n"								   /* 13 */
    "    type: lacp\n"								   /* 14 */
    "    members: [eth0, eth1]\n"						   /* 15 */
    "    lacp_rate: fast\n"							   /* 16 */
    "    mtu: 9000\n"								   /* 17 */
    "  vlan100:\n"								   /* 18 */
    "    type: vlan\n"								   /* 19 */
    "    parent: bond0\n"							   /* 20 */
    "    id: 100\n"								   /* 21 */
    "    zone: dmz\n"								   /* 22 */
    "    vrrp: {advert_interval: 1s, priority: {other: 50}}\n"			   /* 23 */
    "    gateway_check: {timeout: 300ms}\n"					   /* 24 */
    "    addresses:\n"								   /* 25 */
    "      adc1: [198.51.100.2/24, \"2001:db8:100::2/64\"]\n"			   /* 26 */
    "      adc2: 198.51.100.3/24\n"						   /* 27 */
    "    gateway: {ipv4: 198.51.100.1}\n"					   /* 28 */
    "    vips:\n"								   /* 29 */
    "      master:\n"								   /* 30 */
    "        - {address: 198.51.100.10/24, clusterIpMethod: link+gw, zone: web}\n" /* 31 */
    "      backup:\n"								   /* 32 */
    "        - 198.51.100.20/24\n"						   /* 33 */
    "  mv0: {type: veth, parent: eth2}\n"					   /* 34 */
    "  eth2: {type: ethernet}\n"						   /* 35 */
    "  tenant-a:\n"								   /* 36 */
    "    type: veth-peer\n"							   /* 37 */
    "    namespace: tenant-a\n"							   /* 38 */
    "    peer: tenant-a-host\n"							   /* 39 */
    "  br0: {type: bridge, members: [tenant-a-host], stp: true}\n";		   /* 40 */

static const struct iface *iface(const struct model *m, const char *name)
{
	long i = model_iface_index(m, name);

	assert_true(i >= 0);
	return &m->ifaces[i];
}

static void assert_pos(struct src_pos p, int line, int col)
{
	assert_int_equal(p.line, line);
	assert_int_equal(p.col, col);
}

static void test_cluster(void **state)
{
	struct model *m = mt_load_ok(full);

	(void)state;
	assert_string_equal(m->file, "t.yaml");
	assert_string_equal(m->cluster_name.v, "adc-prod");
	assert_pos(m->cluster_name.pos, 2, 9);
	assert_string_equal(m->nodes[0].v, "adc1");
	assert_string_equal(m->nodes[1].v, "adc2");
	assert_pos(m->nodes[1].pos, 3, 17);
	assert_true(model_nodes_known(m));
	assert_int_equal(model_node_index(m, "adc2"), 1);
	assert_int_equal(model_node_index(m, "adc3"), -1);
	assert_int_equal(m->vrrp.advert_interval.v, 200);
	assert_pos(m->vrrp.advert_interval.pos, 6, 22);
	assert_int_equal(m->vrrp.priority.preferred.v, 150);
	assert_int_equal(m->vrrp.priority.other.v, 100); /* default */
	assert_int_equal(m->garp.count.v, 3);
	assert_int_equal(m->garp.interval.v, 50); /* a quoted duration is a duration */
	assert_int_equal(m->garp.refresh.v, 0);
	assert_int_equal(m->gwcheck.interval.v, 1000);
	assert_int_equal(m->gwcheck.timeout.v, 800); /* unwritten: 80% of the interval */
	assert_int_equal(m->gwcheck.fall.v, 4);
	assert_int_equal(m->gwcheck.rise.v, 2);
	model_free(m);
}

static void test_interfaces(void **state)
{
	struct model *m = mt_load_ok(full);
	const struct iface *ifc;
	const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

	(void)state;
	assert_int_equal(m->n_ifaces, 8);
	assert_int_equal(model_iface_index(m, "tenant-a-host"), -1); /* a peer end, not an entry */
	assert_int_equal(model_iface_index(m, NULL), -1);
	ifc = iface(m, "eth1");
	assert_int_equal(ifc->type, IFACE_ETHERNET);
	assert_ptr_equal(ifc->kind, &kind_ethernet);
	assert_pos(ifc->pos, 12, 3);
	assert_true(ifc->mac.set);
	assert_memory_equal(ifc->mac.v, mac, 6);
	assert_pos(ifc->mtu.pos, 12, 31);
	ifc = iface(m, "bond0");
	assert_int_equal(ifc->type, IFACE_LACP);
	assert_int_equal(ifc->opts.bond.members.n, 2);
	assert_string_equal(ifc->opts.bond.members.v[1].name, "eth1");
	assert_pos(ifc->opts.bond.members.v[1].pos, 15, 21);
	assert_int_equal(ifc->opts.bond.lacp_rate.v, 1); /* fast */
	assert_int_equal(ifc->opts.bond.miimon.v, 100);	 /* default */
	assert_int_equal(ifc->opts.bond.min_links.v, 0);
	assert_string_equal(xmit_hash_names[ifc->opts.bond.xmit_hash_policy.v], "layer2");
	assert_int_equal(iface(m, "eth0")->master_idx, model_iface_index(m, "bond0"));
	ifc = iface(m, "vlan100");
	assert_int_equal(ifc->opts.vlan.id.v, 100);
	assert_pos(ifc->opts.vlan.id.pos, 21, 9);
	assert_string_equal(ifc->opts.vlan.parent.v, "bond0");
	assert_pos(ifc->opts.vlan.parent.pos, 20, 13);
	assert_int_equal(ifc->parent_idx, model_iface_index(m, "bond0"));
	assert_string_equal(ifc->zone.v, "dmz");
	assert_null(ifc->netns.v);
	ifc = iface(m, "mv0"); /* a parent defined later in the file resolves */
	assert_int_equal(ifc->parent_idx, model_iface_index(m, "eth2"));
	assert_string_equal(macvlan_mode_names[ifc->opts.macvlan.mode.v], "bridge");
	ifc = iface(m, "tenant-a");
	assert_string_equal(model_iface_netns(m, ifc), "tenant-a");
	assert_string_equal(ifc->opts.veth_peer.peer.v, "tenant-a-host");
	assert_null(ifc->opts.veth_peer.peer_namespace.v);
	assert_true(ifc->peer_end_bridged);
	assert_int_equal(ifc->peer_end_master, model_iface_index(m, "br0"));
	ifc = iface(m, "br0");
	assert_true(ifc->opts.bridge.stp.v);
	assert_int_equal(ifc->opts.bridge.forward_delay.v, 15000);
	model_free(m);
}

static void test_addresses_and_vips(void **state)
{
	struct model *m = mt_load_ok(full);
	const struct iface *ifc = iface(m, "vlan100");
	char buf[IP_STR_MAX];

	(void)state;
	assert_int_equal(ifc->addrs[0].n, 2);
	assert_string_equal(ip_ntop_prefix(&ifc->addrs[0].v[1].v, buf), "2001:db8:100::2/64");
	assert_pos(ifc->addrs[0].v[1].pos, 26, 31);
	assert_pos(ifc->addrs[0].pos, 26, 7);
	assert_int_equal(ifc->addrs[1].n, 1); /* a single address without a list */
	assert_string_equal(ip_ntop_prefix(&ifc->addrs[1].v[0].v, buf), "198.51.100.3/24");
	assert_true(ifc->gateway4.set);
	assert_false(ifc->gateway6.set);
	assert_string_equal(ip_ntop(&ifc->gateway4.v, buf), "198.51.100.1");
	assert_pos(ifc->gateway4.pos, 28, 21);
	assert_int_equal(ifc->n_vips, 2);
	assert_int_equal(ifc->vips[0].slot, SLOT_MASTER);
	assert_int_equal(ifc->vips[0].method, METHOD_LINK_GW);
	assert_string_equal(ifc->vips[0].zone, "web");
	assert_pos(ifc->vips[0].pos, 31, 11);
	assert_pos(ifc->vips[0].method_pos, 31, 56);
	assert_int_equal(ifc->vips[1].slot, SLOT_BACKUP);
	assert_int_equal(ifc->vips[1].method, METHOD_VRRP); /* short form */
	assert_string_equal(ifc->vips[1].zone, "dmz");	    /* the interface's */
	assert_string_equal(ip_ntop_prefix(&ifc->vips[1].addr, buf), "198.51.100.20/24");
	assert_pos(ifc->vips[1].pos, 33, 11);
	model_free(m);
}

static void test_inheritance(void **state)
{
	struct model *m = mt_load_ok(full);
	const struct iface *v = iface(m, "vlan100"), *e = iface(m, "eth0");

	(void)state;
	/* eth0 writes nothing: everything comes from the cluster */
	assert_int_equal(e->vrrp.version.v, 3);
	assert_int_equal(e->vrrp.advert_interval.v, 200);
	assert_pos(e->vrrp.advert_interval.pos, 6, 22);
	assert_int_equal(e->vrrp.priority.preferred.v, 150);
	assert_int_equal(e->vrrp.priority.other.v, 100);
	assert_true(e->vrrp.preempt.v);
	assert_int_equal(e->vrrp.preempt_delay.v, 0);
	assert_true(e->vrrp.unicast.v);
	assert_false(e->vrrp.virtual_router_id.set);
	assert_int_equal(e->gwcheck.interval.v, 1000);
	assert_int_equal(e->gwcheck.fall.v, 4);
	/* vlan100 overrides one value of each, nested ones included */
	assert_int_equal(v->vrrp.advert_interval.v, 1000);
	assert_pos(v->vrrp.advert_interval.pos, 23, 29);
	assert_int_equal(v->vrrp.priority.preferred.v, 150); /* the cluster's */
	assert_int_equal(v->vrrp.priority.other.v, 50);	     /* its own */
	assert_int_equal(v->gwcheck.timeout.v, 300);
	assert_int_equal(v->gwcheck.interval.v, 1000);
	assert_int_equal(v->gwcheck.rise.v, 2);
	model_free(m);
}

static void test_minimal_defaults(void **state)
{
	struct model *m = mt_load_ok(MT_HEAD "  b: {type: bond, members: [e]}\n"
					     "  e: {type: ethernet}\n");
	const struct iface *b = iface(m, "b");

	(void)state;
	assert_int_equal(m->vrrp.version.v, 3);
	assert_int_equal(m->vrrp.advert_interval.v, 1000);
	assert_int_equal(m->vrrp.priority.preferred.v, 200);
	assert_int_equal(m->vrrp.priority.other.v, 100);
	assert_int_equal(m->garp.count.v, 5);
	assert_int_equal(m->garp.interval.v, 100);
	assert_int_equal(m->gwcheck.interval.v, 500);
	assert_int_equal(m->gwcheck.timeout.v, 400);
	assert_string_equal(bond_mode_names[b->opts.bond.mode.v], "active-backup");
	assert_false(b->opts.bond.mode.set);
	assert_false(b->mtu.set);
	assert_int_equal(m->n_instances, 0);
	model_free(m);
}

static void test_errors_keep_a_model(void **state)
{
	struct diag_list dl;
	struct model *m = NULL;

	(void)state;
	/* the model is returned even with errors, for partial inspection */
	assert_int_equal(mt_load(MT_HEAD "  eth0: {type: ethernet, mtu: 1}\n", &m, &dl), -EINVAL);
	assert_non_null(m);
	assert_int_equal(m->n_ifaces, 1);
	assert_false(m->ifaces[0].mtu.set);
	diag_list_done(&dl);
	model_free(m);
	/* a NUL byte is no YAML text */
	diag_list_init(&dl, "t.yaml");
	m = NULL;
	assert_int_equal(model_load_buffer("cluster:\0", 9, "t.yaml", &m, &dl), -EINVAL);
	assert_int_equal(dl.count, 1);
	assert_non_null(strstr(dl.items[0].msg, "NUL"));
	diag_list_done(&dl);
	model_free(m);
	model_free(NULL);
}

/* gateway_check.timeout, when written nowhere, is 80% of the interval in
 * force where it applies (rounded down to the ms); a written one, at the
 * cluster or at the interface, is kept and checked against that interval. */
static void test_gwcheck_timeout_follows_interval(void **state)
{
	struct model *m;
	const struct iface *a, *b, *c;

	(void)state;
	assert_int_equal(model_gwcheck_default_timeout(500), 400);
	assert_int_equal(model_gwcheck_default_timeout(100), 80);
	assert_int_equal(model_gwcheck_default_timeout(1000), 800);
	assert_int_equal(model_gwcheck_default_timeout(999), 799); /* rounded down */
	assert_int_equal(model_gwcheck_default_timeout(1), 1);	   /* at least 1 ms */
	/* the default interval keeps the former default timeout */
	m = mt_load_ok(MT_HEAD "  e: {type: ethernet}\n");
	assert_int_equal(iface(m, "e")->gwcheck.timeout.v, 400);
	assert_false(iface(m, "e")->gwcheck.timeout.set);
	model_free(m);
	/* cluster level: the cluster's interval, and the interfaces that inherit it */
	m = mt_load_ok("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		       "  gateway_check: {interval: 1s}\n"
		       "interfaces:\n  e: {type: ethernet}\n");
	assert_int_equal(m->gwcheck.timeout.v, 800);
	assert_false(m->gwcheck.timeout.set);
	assert_int_equal(iface(m, "e")->gwcheck.interval.v, 1000);
	assert_int_equal(iface(m, "e")->gwcheck.timeout.v, 800);
	model_free(m);
	/* interface level: its own interval, not the cluster's derived timeout;
	 * a timeout written next to it, or at the cluster, is kept */
	m = mt_load_ok("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		       "  gateway_check: {interval: 1s}\n"
		       "interfaces:\n"
		       "  a: {type: ethernet, gateway_check: {interval: 100ms}}\n"
		       "  b: {type: ethernet, gateway_check: {interval: 100ms, timeout: 90ms}}\n"
		       "  c: {type: ethernet, gateway_check: {fall: 5}}\n");
	a = iface(m, "a");
	b = iface(m, "b");
	c = iface(m, "c");
	assert_int_equal(a->gwcheck.interval.v, 100);
	assert_int_equal(a->gwcheck.timeout.v, 80);
	assert_false(a->gwcheck.timeout.set);
	assert_int_equal(b->gwcheck.timeout.v, 90);
	assert_true(b->gwcheck.timeout.set);
	assert_pos(b->gwcheck.timeout.pos, 7, 65);
	assert_int_equal(c->gwcheck.timeout.v, 800);
	model_free(m);
	m = mt_load_ok("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		       "  gateway_check: {timeout: 300ms}\n"
		       "interfaces:\n  e: {type: ethernet, gateway_check: {interval: 1s}}\n");
	assert_int_equal(m->gwcheck.timeout.v, 300);
	assert_int_equal(iface(m, "e")->gwcheck.timeout.v, 300); /* not 800ms */
	assert_true(iface(m, "e")->gwcheck.timeout.set);
	model_free(m);
	/* a written timeout above the interval in force is still refused: at
	 * the interface, at the interval that shortens an inherited one */
	mt_expect_one(MT_HEAD "  e: {type: ethernet, gateway_check: {interval: 200ms, timeout: "
			      "300ms}}\n",
		      5, 65, "e: gateway_check timeout 300ms exceeds its interval 200ms", NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "  gateway_check: {timeout: 400ms}\n"
		      "interfaces:\n  e: {type: ethernet, gateway_check: {interval: 100ms}}\n",
		      6, 49,
		      "e: gateway_check timeout 400ms (from cluster.gateway_check, line 4) exceeds "
		      "its interval 100ms",
		      NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "  gateway_check: {interval: 100ms, timeout: 400ms}\n"
		      "interfaces:\n  e: {type: ethernet}\n",
		      4, 45, "cluster: gateway_check timeout 400ms exceeds its interval 100ms",
		      NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cluster),
	    cmocka_unit_test(test_interfaces),
	    cmocka_unit_test(test_addresses_and_vips),
	    cmocka_unit_test(test_inheritance),
	    cmocka_unit_test(test_minimal_defaults),
	    cmocka_unit_test(test_errors_keep_a_model),
	    cmocka_unit_test(test_gwcheck_timeout_follows_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
