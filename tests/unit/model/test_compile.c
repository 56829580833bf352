/* src/model/compile.c: VRRP instances per (interface, slot, family,
 * method), the priorities of the two nodes, and VRIDs: deterministic,
 * unique per segment and family, explicit ones honoured. */
#include "model_test.h"

#include <stdlib.h>

#include "util/strmap.h"

static const char two_slots[] =
    MT_HEAD "  eth0:\n"							   /* 5 */
	    "    type: ethernet\n"					   /* 6 */
	    "    vrrp: {priority: {preferred: 180, other: 90}}\n"	   /* 7 */
	    "    addresses:\n"						   /* 8 */
	    "      adc1: [192.0.2.2/24, \"2001:db8::2/64\"]\n"		   /* 9 */
	    "      adc2: [192.0.2.3/24, \"2001:db8::3/64\"]\n"		   /* 10 */
	    "    gateway: {ipv4: 192.0.2.1}\n"				   /* 11 */
	    "    vips:\n"						   /* 12 */
	    "      master:\n"						   /* 13 */
	    "        - 192.0.2.10/24\n"					   /* 14 */
	    "        - {address: 192.0.2.11/24, clusterIpMethod: gw}\n"	   /* 15 */
	    "        - \"2001:db8::10/64\"\n"				   /* 16 */
	    "        - 192.0.2.12/24\n"					   /* 17 */
	    "      backup:\n"						   /* 18 */
	    "        - {address: 192.0.2.20/24, clusterIpMethod: link}\n"; /* 19 */

static void test_instances(void **state)
{
	struct model *m = mt_load_ok(two_slots);
	const struct vrrp_instance *vi;
	char buf[IP_STR_MAX];

	(void)state;
	assert_int_equal(m->n_instances, 4);
	vi = mt_inst(m, "eth0/master/ipv4/vrrp");
	assert_int_equal(vi->slot, SLOT_MASTER);
	assert_int_equal(vi->family, IP_V4);
	assert_int_equal(vi->method, METHOD_VRRP);
	assert_int_equal(vi->n_vips, 2); /* 192.0.2.10 and 192.0.2.12, in file order */
	assert_int_equal(vi->vips[0], 0);
	assert_int_equal(vi->vips[1], 3);
	assert_true(vi->has_pair);
	assert_string_equal(ip_ntop(&vi->addr[0], buf), "192.0.2.2");
	assert_string_equal(ip_ntop(&vi->addr[1], buf), "192.0.2.3");
	vi = mt_inst(m, "eth0/master/ipv4/gw");
	assert_int_equal(vi->n_vips, 1);
	assert_int_equal(vi->vips[0], 1);
	vi = mt_inst(m, "eth0/master/ipv6/vrrp");
	assert_int_equal(vi->n_vips, 1);
	assert_string_equal(ip_ntop(&vi->addr[1], buf), "2001:db8::3");
	vi = mt_inst(m, "eth0/backup/ipv4/link");
	assert_int_equal(vi->slot, SLOT_BACKUP);
	assert_int_equal(vi->method, METHOD_LINK);
	model_free(m);
}

static void test_priorities(void **state)
{
	struct model *m = mt_load_ok(two_slots);
	const struct vrrp_instance *master = mt_inst(m, "eth0/master/ipv4/vrrp");
	const struct vrrp_instance *backup = mt_inst(m, "eth0/backup/ipv4/link");

	(void)state;
	/* nodes[0] prefers the master slot, nodes[1] the backup slot */
	assert_int_equal(model_instance_priority(master, 0), 180);
	assert_int_equal(model_instance_priority(master, 1), 90);
	assert_int_equal(model_instance_priority(backup, 0), 90);
	assert_int_equal(model_instance_priority(backup, 1), 180);
	assert_int_equal(model_instance_priority(backup, 2), 0);
	assert_int_equal(model_instance_priority(backup, -1), 0);
	model_free(m);
}

static void test_vrids_deterministic(void **state)
{
	struct model *a = mt_load_ok(two_slots), *b = mt_load_ok(two_slots);
	char *other = strdup(two_slots);
	struct model *c;
	bool differs = false;

	(void)state;
	/* both nodes load the same file: the same VRIDs, with no node input */
	assert_int_equal(a->n_instances, b->n_instances);
	for (size_t i = 0; i < a->n_instances; i++) {
		assert_string_equal(a->instances[i].name, b->instances[i].name);
		assert_int_equal(a->instances[i].vrid, b->instances[i].vrid);
		assert_true(a->instances[i].vrid >= 1);
		assert_false(a->instances[i].vrid_explicit);
	}
	/* the cluster name seeds them: another cluster picks others */
	memcpy(strstr(other, "name: lab"), "name: lob", 9);
	c = mt_load_ok(other);
	for (size_t i = 0; i < a->n_instances; i++)
		differs |= a->instances[i].vrid != c->instances[i].vrid;
	assert_true(differs);
	/* an IPv4 and an IPv6 instance of one slot and method share the VRID */
	assert_int_equal(mt_inst(a, "eth0/master/ipv4/vrrp")->vrid,
			 mt_inst(a, "eth0/master/ipv6/vrrp")->vrid);
	model_free(a);
	model_free(b);
	model_free(c);
	free(other);
}

/* n macvlans on eth0, each with VIPs in both slots and all four methods:
 * 8 IPv4 instances per macvlan on eth0's segment; with v6, 8 IPv6 ones.
 * Macvlan i has the IPv4 subnet /28 number i % 16 of the documentation
 * /24 number i / 16 (n <= 48), and the IPv6 subnet 2001:db8:i::/64, i in hex. */
static char *many_macvlans(int n, bool v6, const char *eth0_vrid)
{
	static const char *const methods[] = {"vrrp", "link", "gw", "link+gw"};
	static const char *const nets[] = {"192.0.2", "198.51.100", "203.0.113"};
	size_t cap = 4096 + (size_t)n * 2048, off = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	assert_true(n <= 48);
	off +=
	    (size_t)snprintf(s + off, cap - off, MT_HEAD "  eth0: {type: ethernet%s}\n", eth0_vrid);
	for (int i = 0; i < n; i++) {
		const char *net = nets[i / 16];
		int base = i % 16 * 16;

		off += (size_t)snprintf(
		    s + off, cap - off,
		    "  mv%d:\n    type: veth\n    parent: eth0\n"
		    "    addresses: {adc1: [%s.%d/28, \"2001:db8:%x::2/64\"], "
		    "adc2: [%s.%d/28, \"2001:db8:%x::3/64\"]}\n"
		    "    gateway: {ipv4: %s.%d, ipv6: \"2001:db8:%x::1\"}\n    vips:\n",
		    i, net, base + 2, i, net, base + 3, i, net, base + 1, i);
		for (int slot = 0; slot < 2; slot++) {
			off += (size_t)snprintf(s + off, cap - off, "      %s:\n",
						slot ? "backup" : "master");
			for (int k = 0; k < 4; k++) {
				off += (size_t)snprintf(s + off, cap - off,
							"        - {address: %s.%d/28, "
							"clusterIpMethod: %s}\n",
							net, base + 4 + slot * 4 + k, methods[k]);
				if (v6)
					off += (size_t)snprintf(
					    s + off, cap - off,
					    "        - {address: \"2001:db8:%x::%d/64\", "
					    "clusterIpMethod: %s}\n",
					    i, 10 + slot * 10 + k, methods[k]);
			}
		}
	}
	assert_true(off < cap);
	return s;
}

static void test_vrids_unique_per_segment(void **state)
{
	char *text = many_macvlans(31, true, ""); /* 248 per family: fits in 255 */
	struct model *m = mt_load_ok(text);
	bool seen[2][256] = {{false}};
	long eth0 = model_iface_index(m, "eth0");

	(void)state;
	assert_int_equal(m->n_instances, 31 * 16);
	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *vi = &m->instances[i];
		int f = vi->family == IP_V4 ? 0 : 1;

		/* a macvlan's adverts travel on its parent's wire */
		assert_int_equal(m->ifaces[vi->iface].vrid_domain, eth0);
		assert_false(seen[f][vi->vrid]);
		seen[f][vi->vrid] = true;
	}
	model_free(m);
	free(text);
}

static void test_vrids_run_out(void **state)
{
	char *text = many_macvlans(32, false, ""); /* 256 IPv4 instances on one segment */
	struct diag_list dl;
	struct model *m = NULL;

	(void)state;
	assert_int_equal(mt_load(text, &m, &dl), -EINVAL);
	if (dl.count != 1)
		mt_print(&dl);
	assert_int_equal(dl.count, 1); /* once, not once per instance left over */
	assert_non_null(strstr(dl.items[0].msg, "mv31: no VRID left for instance "
						"mv31/backup/ipv4/link+gw: the ipv4 segment of "
						"eth0 needs 256 VRRP instances"));
	diag_list_done(&dl);
	model_free(m);
	free(text);
}

static void test_explicit_vrids(void **state)
{
	char *text = many_macvlans(2, true, "");
	static const char head[] =
	    MT_HEAD "  eth0:\n    type: ethernet\n    vrrp: {virtual_router_id: 7}\n"
		    "    addresses: {adc1: [203.0.113.2/24, \"2001:db8:99::2/64\"], "
		    "adc2: [203.0.113.3/24, \"2001:db8:99::3/64\"]}\n"
		    "    vips:\n      master: [203.0.113.9/24, \"2001:db8:99::9/64\"]\n"
		    "      backup: [203.0.113.19/24]\n";
	const char *macvlans = strstr(text, "  mv0:");
	char *with = malloc(sizeof(head) + strlen(macvlans));
	struct model *m, *e;

	(void)state;
	/* eth0 with an explicit base and VIPs of its own, then the macvlans */
	strcpy(with, head);
	strcat(with, macvlans);
	m = mt_load_ok(with);
	/* the interface's first instance per family takes the base, the next base+1 */
	assert_int_equal(mt_inst(m, "eth0/master/ipv4/vrrp")->vrid, 7);
	assert_true(mt_inst(m, "eth0/master/ipv4/vrrp")->vrid_explicit);
	assert_int_equal(mt_inst(m, "eth0/master/ipv6/vrrp")->vrid, 7);
	assert_int_equal(mt_inst(m, "eth0/backup/ipv4/vrrp")->vrid, 8);
	assert_int_equal(m->n_instances, 3 + 2 * 16);
	/* the automatic ones on the same segment keep clear of them */
	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *vi = &m->instances[i];

		if (vi->vrid_explicit)
			continue;
		assert_true(vi->vrid != 7);
		if (vi->family == IP_V4)
			assert_true(vi->vrid != 8);
	}
	/* a vlan is a segment of its own: its VRIDs may repeat the parent's */
	e = mt_load_ok(MT_HEAD "  eth0:\n    type: ethernet\n    vrrp: {virtual_router_id: 7}\n"
			       "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
			       "    vips: {master: [192.0.2.9/24]}\n"
			       "  v1:\n    type: vlan\n    parent: eth0\n    id: 1\n"
			       "    vrrp: {virtual_router_id: 7}\n"
			       "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
			       "    vips: {master: [198.51.100.9/24]}\n");
	assert_int_equal(mt_inst(e, "v1/master/ipv4/vrrp")->vrid, 7);
	assert_int_equal(e->ifaces[model_iface_index(e, "v1")].vrid_domain,
			 model_iface_index(e, "v1"));
	model_free(e);
	model_free(m);
	free(with);
	free(text);
}

/* A VIP's vrid pins its instance's VRID: two instances of one slot on one
 * interface (keepalived's VI_1, VI_2), the others stay automatic, and an
 * explicit base on the same interface skips what is pinned. */
static void test_pinned_vrids(void **state)
{
	struct model *m;
	const struct vrrp_instance *a, *b, *c, *d;

	(void)state;
	m = mt_load_ok(MT_HEAD "  eth0:\n    type: ethernet\n    vrrp: {virtual_router_id: 60}\n"
			       "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
			       "    vips:\n"
			       "      master:\n"
			       "        - {address: 192.0.2.10/24, vrid: 51}\n"
			       "        - {address: 192.0.2.11/24, vrid: 9}\n"
			       "        - {address: 192.0.2.12/24, vrid: 51}\n"
			       "        - 192.0.2.13/24\n"
			       "      backup: [{address: 192.0.2.20/24, vrid: 200, "
			       "clusterIpMethod: link}]\n");
	a = mt_inst(m, "eth0/master/ipv4/vrrp/vrid51");
	b = mt_inst(m, "eth0/master/ipv4/vrrp/vrid9");
	c = mt_inst(m, "eth0/backup/ipv4/link/vrid200");
	d = mt_inst(m, "eth0/master/ipv4/vrrp");
	assert_int_equal(m->n_instances, 4);
	assert_int_equal(a->vrid, 51);
	assert_int_equal(a->n_vips, 2);
	assert_true(a->vrid_pinned && a->vrid_explicit);
	assert_int_equal(b->vrid, 9);
	assert_int_equal(b->n_vips, 1);
	assert_int_equal(c->vrid, 200);
	assert_int_equal(c->priority[1], 200); /* the backup slot: adc2 prefers it */
	/* the explicit base goes to the first instance that is not pinned */
	assert_false(d->vrid_pinned);
	assert_int_equal(d->vrid, 60);
	model_free(m);
}

/* An explicit VRID takes the value an automatic instance would have had
 * on the same segment; the automatic one moves on. */
static void test_explicit_wins(void **state)
{
	static const char fmt[] =
	    MT_HEAD "  eth0:\n    type: ethernet\n%s"
		    "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
		    "    vips: {master: [192.0.2.9/24]}\n"
		    "  mv0:\n    type: veth\n    parent: eth0\n"
		    "    addresses: {adc1: [192.0.2.4/24], adc2: [192.0.2.5/24]}\n"
		    "    vips: {master: [192.0.2.10/24]}\n";
	char text[1024], vrid[64];
	struct model *m;
	unsigned natural;

	(void)state;
	snprintf(text, sizeof(text), fmt, "");
	m = mt_load_ok(text);
	natural = mt_inst(m, "mv0/master/ipv4/vrrp")->vrid;
	model_free(m);
	snprintf(vrid, sizeof(vrid), "    vrrp: {virtual_router_id: %u}\n", natural);
	snprintf(text, sizeof(text), fmt, vrid);
	m = mt_load_ok(text);
	assert_int_equal(mt_inst(m, "eth0/master/ipv4/vrrp")->vrid, natural);
	assert_true(mt_inst(m, "eth0/master/ipv4/vrrp")->vrid_explicit);
	assert_int_equal(mt_inst(m, "mv0/master/ipv4/vrrp")->vrid, natural % 255 + 1);
	model_free(m);
}

static void test_explicit_collision(void **state)
{
	(void)state;
	mt_expect_one(MT_HEAD "  eth0:\n    type: ethernet\n    vrrp: {virtual_router_id: 5}\n"
			      "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
			      "    vips: {master: [192.0.2.9/24]}\n"
			      "  mv0:\n    type: veth\n    parent: eth0\n"
			      "    vrrp: {virtual_router_id: 5}\n"
			      "    addresses: {adc1: [192.0.2.4/24], adc2: [192.0.2.5/24]}\n"
			      "    vips: {master: [192.0.2.10/24, 192.0.2.11/24]}\n",
		      13, 31,
		      "mv0: VRID 5 of instance mv0/master/ipv4/vrrp is already taken by "
		      "eth0/master/ipv4/vrrp (line 5) on the ipv4 segment of eth0",
		      NULL);
	mt_expect_one(
	    MT_HEAD "  eth0:\n    type: ethernet\n    vrrp: {virtual_router_id: 255}\n"
		    "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
		    "    vips: {master: [192.0.2.9/24], backup: [192.0.2.8/24]}\n",
	    7, 31, "virtual_router_id 255 leaves no VRID for instance eth0/backup/ipv4/vrrp", NULL);
}

static void test_bridged_peer_segment(void **state)
{
	struct model *m =
	    mt_load_ok(MT_HEAD "  t:\n    type: veth-peer\n    namespace: t\n"
			       "    peer: t-host\n"
			       "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
			       "    vips: {master: [198.51.100.9/24]}\n"
			       "  br0: {type: bridge, members: [t-host]}\n"
			       "  u: {type: veth-peer, peer: u-host}\n");

	(void)state;
	/* a veth-peer whose other end is a bridge port talks on the bridge's
	 * segment, named by its smallest index: t, written before br0 */
	assert_int_equal(m->ifaces[model_iface_index(m, "t")].vrid_domain,
			 model_iface_index(m, "t"));
	assert_int_equal(m->ifaces[model_iface_index(m, "br0")].vrid_domain,
			 model_iface_index(m, "t"));
	assert_int_equal(m->ifaces[model_iface_index(m, "u")].vrid_domain,
			 model_iface_index(m, "u"));
	model_free(m);
}

/* eth4 - macvlan mv0 - bridge br0 - the tenant's veth: one segment, though
 * no single link joins eth4 and the tenant. */
static void test_segments_transitive(void **state)
{
	static const char fmt[] =
	    MT_HEAD "  eth4:\n    type: ethernet\n    vrrp: {virtual_router_id: 10}\n"
		    "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
		    "    vips: {master: [192.0.2.10/24]}\n"
		    "  mv0: {type: veth, parent: eth4, mode: passthru}\n"
		    "  br0: {type: bridge, members: [mv0, t-host]}\n"
		    "  t:\n    type: veth-peer\n    namespace: t\n    peer: t-host\n"
		    "    vrrp: {virtual_router_id: %u}\n"
		    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
		    "    vips: {master: [198.51.100.10/24]}\n";
	char text[1024];
	struct model *m;
	long eth4;

	(void)state;
	snprintf(text, sizeof(text), fmt, 10u);
	mt_expect_one(text, 16, 31,
		      "t: VRID 10 of instance t/master/ipv4/vrrp is already taken by "
		      "eth4/master/ipv4/vrrp (line 5) on the ipv4 segment of br0",
		      NULL);
	snprintf(text, sizeof(text), fmt, 11u);
	m = mt_load_ok(text);
	eth4 = model_iface_index(m, "eth4");
	/* named by the smallest index on it, eth4 */
	for (size_t i = 0; i < m->n_ifaces; i++)
		assert_int_equal(m->ifaces[i].vrid_domain, eth4);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_instances),
	    cmocka_unit_test(test_priorities),
	    cmocka_unit_test(test_vrids_deterministic),
	    cmocka_unit_test(test_vrids_unique_per_segment),
	    cmocka_unit_test(test_vrids_run_out),
	    cmocka_unit_test(test_explicit_vrids),
	    cmocka_unit_test(test_explicit_wins),
	    cmocka_unit_test(test_pinned_vrids),
	    cmocka_unit_test(test_explicit_collision),
	    cmocka_unit_test(test_bridged_peer_segment),
	    cmocka_unit_test(test_segments_transitive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
