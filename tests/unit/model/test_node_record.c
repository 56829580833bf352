/* src/model/node_record.c: the model compiled for one node: its instances
 * with this node's values, their VIPs and zones, and their checks
 * deduplicated into the link and gateway tables, found by index. */
#include "model_test.h"

#include "model/node_record.h"

/* eth0: six instances over one link and two gateways; eth1: adverts over
 * ha0 (vrrp.via); t: a namespace of its own. */
static const char node_file[] =
    MT_HEAD "  eth0:\n"								 /* 5 */
	    "    type: ethernet\n"						 /* 6 */
	    "    zone: dmz\n"							 /* 7 */
	    "    vrrp: {priority: {preferred: 180, other: 90}, unicast: true}\n" /* 8 */
	    "    gateway_check: {interval: 500ms, fall: 4}\n"			 /* 9 */
	    "    addresses:\n"							 /* 10 */
	    "      adc1: [10.0.0.2/24, 192.0.2.2/24, \"2001:db8::2/64\"]\n"	 /* 11 */
	    "      adc2: [10.0.0.3/24, 192.0.2.3/24, \"2001:db8::3/64\"]\n"	 /* 12 */
	    "    gateway: {ipv4: 192.0.2.1, ipv6: \"2001:db8::1\"}\n"		 /* 13 */
	    "    vips:\n"							 /* 14 */
	    "      master:\n"							 /* 15 */
	    "        - {address: 192.0.2.10/24, clusterIpMethod: gw, zone: web}\n"
	    "        - {address: 192.0.2.11/24, clusterIpMethod: link+gw}\n"
	    "        - {address: \"2001:db8::10/64\", clusterIpMethod: gw}\n"
	    "        - 192.0.2.12/24\n"
	    "        - {address: 192.0.2.13/24, zone: web}\n"
	    "        - {address: 192.0.2.14/24, zone: api}\n"
	    "        - {address: 192.0.2.15/24, zone: web}\n"
	    "      backup:\n"
	    "        - {address: 192.0.2.20/24, clusterIpMethod: gw}\n"
	    "        - {address: 192.0.2.21/24, clusterIpMethod: link}\n"
	    "  ha0:\n"
	    "    type: ethernet\n"
	    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
	    "  eth1:\n"
	    "    type: ethernet\n"
	    "    vrrp: {via: ha0}\n"
	    "    vips: {master: [203.0.113.10/24]}\n"
	    "  t:\n"
	    "    type: veth-peer\n"
	    "    namespace: t\n"
	    "    peer: t-host\n"
	    "    addresses: {adc1: [198.18.0.2/24], adc2: [198.18.0.3/24]}\n"
	    "    gateway: {ipv4: 198.18.0.1}\n"
	    "    vips: {master: [{address: 198.18.0.10/24, clusterIpMethod: gw}]}\n";

/* The record's instance named name; fails the test if absent. */
static const struct node_inst *rec_inst(const struct node_record *r, const char *name)
{
	for (size_t i = 0; i < r->n_insts; i++)
		if (strcmp(r->insts[i].name, name) == 0)
			return &r->insts[i];
	fail_msg("no instance %s in the record", name);
	return NULL;
}

static const char *ntop(const struct ip_addr *a, char buf[IP_STR_MAX])
{
	return ip_ntop_prefix(a, buf);
}

static void test_instances(void **state)
{
	struct model *m = mt_load_ok(node_file);
	struct node_record *r = node_record_new(m, 1);
	const struct node_inst *ni;
	char buf[IP_STR_MAX];

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->node, 1);
	/* every instance of the model runs: they all have VIPs and a pair */
	assert_int_equal(r->n_insts, m->n_instances);
	assert_int_equal(r->n_insts, 8);
	for (size_t i = 0; i < r->n_insts; i++) {
		const struct vrrp_instance *vi = &m->instances[r->insts[i].model_inst];

		assert_string_equal(r->insts[i].name, vi->name);
		assert_int_equal(r->insts[i].vrid, vi->vrid);
		assert_int_equal(r->insts[i].iface, vi->iface);
	}
	ni = rec_inst(r, "eth0/master/ipv4/vrrp");
	assert_string_equal(ni->ifname, "eth0");
	assert_string_equal(ni->advert_ifname, "eth0");
	assert_string_equal(ni->netns, "");
	assert_int_equal(ni->slot, SLOT_MASTER);
	assert_int_equal(ni->family, IP_V4);
	assert_int_equal(ni->method, METHOD_VRRP);
	assert_int_equal(ni->priority, 90); /* adc2 does not prefer the master slot */
	assert_int_equal(rec_inst(r, "eth0/backup/ipv4/link")->priority, 180);
	assert_true(ni->unicast);
	/* the communication pair: the first address of the family, host prefix */
	assert_string_equal(ntop(&ni->own, buf), "10.0.0.3/32");
	assert_string_equal(ntop(&ni->peer, buf), "10.0.0.2/32");
	assert_int_equal(ni->garp_count, m->garp.count.v);
	/* the VIPs of the bucket, in file order, with their prefixes */
	assert_int_equal(ni->n_vips, 4);
	assert_string_equal(ntop(&ni->vips[0], buf), "192.0.2.12/24");
	assert_string_equal(ntop(&ni->vips[3], buf), "192.0.2.15/24");
	/* vrrp.via: the adverts go over ha0, the VIPs stay on eth1 */
	ni = rec_inst(r, "eth1/master/ipv4/vrrp");
	assert_string_equal(ni->ifname, "eth1");
	assert_string_equal(ni->advert_ifname, "ha0");
	assert_int_equal(ni->advert_iface, (size_t)model_iface_index(m, "ha0"));
	assert_string_equal(ntop(&ni->own, buf), "198.51.100.3/32");
	assert_string_equal(rec_inst(r, "t/master/ipv4/gw")->netns, "t");
	node_record_free(r);
	model_free(m);
}

/* For the other node the same instances, with its own values. */
static void test_per_node(void **state)
{
	struct model *m = mt_load_ok(node_file);
	struct node_record *r = node_record_new(m, 0);
	const struct node_inst *ni = rec_inst(r, "eth0/master/ipv4/vrrp");
	char buf[IP_STR_MAX];

	(void)state;
	assert_int_equal(ni->priority, 180);
	assert_string_equal(ntop(&ni->own, buf), "10.0.0.2/32");
	assert_string_equal(ntop(&ni->peer, buf), "10.0.0.3/32");
	assert_string_equal(ntop(&r->gws[rec_inst(r, "eth0/master/ipv4/gw")->gw].own, buf),
			    "192.0.2.2/24");
	node_record_free(r);
	model_free(m);
}

/* One link check per interface and one gateway check per (interface,
 * family), shared by every instance that uses them; the advert interface's
 * link for every instance, the VIP interface's only for link and gw. */
static void test_check_dedup(void **state)
{
	struct model *m = mt_load_ok(node_file);
	struct node_record *r = node_record_new(m, 1);
	const struct node_inst *vrrp = rec_inst(r, "eth0/master/ipv4/vrrp");
	const struct node_inst *gw4 = rec_inst(r, "eth0/master/ipv4/gw");
	const struct node_inst *lgw = rec_inst(r, "eth0/master/ipv4/link+gw");
	const struct node_inst *gw6 = rec_inst(r, "eth0/master/ipv6/gw");
	const struct node_inst *bgw = rec_inst(r, "eth0/backup/ipv4/gw");
	const struct node_inst *blink = rec_inst(r, "eth0/backup/ipv4/link");
	const struct node_inst *via = rec_inst(r, "eth1/master/ipv4/vrrp");
	const struct node_inst *t = rec_inst(r, "t/master/ipv4/gw");

	(void)state;
	/* links: eth0, ha0 (eth1's adverts), t; eth1 itself is not watched */
	assert_int_equal(r->n_links, 3);
	assert_string_equal(r->links[0].ifname, "eth0");
	assert_string_equal(r->links[1].ifname, "ha0");
	assert_string_equal(r->links[2].ifname, "t");
	assert_string_equal(r->links[2].netns, "t");
	assert_int_equal(r->links[1].iface, (size_t)model_iface_index(m, "ha0"));
	/* gateways: eth0 IPv4, eth0 IPv6, t IPv4 */
	assert_int_equal(r->n_gws, 3);
	assert_int_equal(gw4->gw, 0);
	assert_int_equal(lgw->gw, 0);
	assert_int_equal(bgw->gw, 0);
	assert_int_equal(gw6->gw, 1);
	assert_int_equal(t->gw, 2);
	assert_int_equal(r->gws[1].family, IP_V6);
	assert_int_equal(r->gws[0].link, 0);
	assert_int_equal(r->gws[2].link, 2);
	/* the method decides which checks judge an instance */
	assert_int_equal(vrrp->link, NODE_RECORD_NONE);
	assert_int_equal(vrrp->gw, NODE_RECORD_NONE);
	assert_int_equal(gw4->link, NODE_RECORD_NONE);
	assert_int_equal(lgw->link, 0);
	assert_int_equal(blink->link, 0);
	assert_int_equal(blink->gw, NODE_RECORD_NONE);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(r->insts[i].advert_link, 0);
	assert_int_equal(via->advert_link, 1);
	assert_int_equal(via->link, NODE_RECORD_NONE);
	assert_int_equal(t->advert_link, 2);
	assert_false(t->gw_missing);
	node_record_free(r);
	model_free(m);
}

/* A gateway check carries what its probe needs: the source in the
 * gateway's subnet (not the first address), and the interface's timing. */
static void test_gw_settings(void **state)
{
	struct model *m = mt_load_ok(node_file);
	struct node_record *r = node_record_new(m, 1);
	const struct iface *eth0 = &m->ifaces[model_iface_index(m, "eth0")];
	const struct node_gw_check *g = &r->gws[0];
	char buf[IP_STR_MAX];

	(void)state;
	assert_string_equal(g->ifname, "eth0");
	assert_string_equal(g->netns, "");
	assert_string_equal(ntop(&g->own, buf), "192.0.2.3/24");
	assert_string_equal(ip_ntop(&g->gateway, buf), "192.0.2.1");
	assert_int_equal(g->interval_ms, 500);
	assert_int_equal(g->timeout_ms, 400); /* 80% of the interval */
	assert_int_equal(g->fall, 4);
	assert_int_equal(g->rise, eth0->gwcheck.rise.v);
	assert_string_equal(ip_ntop(&r->gws[1].gateway, buf), "2001:db8::1");
	assert_string_equal(ntop(&r->gws[1].own, buf), "2001:db8::3/64");
	node_record_free(r);
	model_free(m);
}

/* zone: the interface's; zones: the distinct zones of the VIPs, a VIP's
 * own or else the interface's, in the order first seen. */
static void test_zones(void **state)
{
	struct model *m = mt_load_ok(node_file);
	struct node_record *r = node_record_new(m, 1);
	const struct node_inst *ni = rec_inst(r, "eth0/master/ipv4/vrrp");

	(void)state;
	model_free(m); /* the record owns what it reads (ASan: no use after free) */
	assert_string_equal(ni->zone, "dmz");
	assert_int_equal(ni->n_zones, 3);
	assert_string_equal(ni->zones[0], "dmz"); /* 192.0.2.12 inherits it */
	assert_string_equal(ni->zones[1], "web");
	assert_string_equal(ni->zones[2], "api");
	ni = rec_inst(r, "eth0/master/ipv4/gw");
	assert_int_equal(ni->n_zones, 1);
	assert_string_equal(ni->zones[0], "web");
	ni = rec_inst(r, "eth1/master/ipv4/vrrp");
	assert_null(ni->zone);
	assert_int_equal(ni->n_zones, 0);
	node_record_free(r);
}

/* What a reload asks: the check of (namespace, interface[, family]). */
static void test_find(void **state)
{
	struct model *m = mt_load_ok(node_file);
	struct node_record *r = node_record_new(m, 1);

	(void)state;
	model_free(m); /* the record owns what it reads (ASan: no use after free) */
	assert_int_equal(node_record_find_link(r, "", "eth0"), 0);
	assert_int_equal(node_record_find_link(r, "", "ha0"), 1);
	assert_int_equal(node_record_find_link(r, "t", "t"), 2);
	assert_int_equal(node_record_find_link(r, "", "t"), -1);     /* another namespace */
	assert_int_equal(node_record_find_link(r, "t", "eth0"), -1); /* likewise */
	assert_int_equal(node_record_find_link(r, "", "eth1"), -1);  /* not watched */
	assert_int_equal(node_record_find_link(r, "", "nope"), -1);
	assert_int_equal(node_record_find_gw(r, "", "eth0", IP_V4), 0);
	assert_int_equal(node_record_find_gw(r, "", "eth0", IP_V6), 1);
	assert_int_equal(node_record_find_gw(r, "t", "t", IP_V4), 2);
	assert_int_equal(node_record_find_gw(r, "t", "t", IP_V6), -1);
	assert_int_equal(node_record_find_gw(r, "", "ha0", IP_V4), -1);
	node_record_free(r);
}

/* A model without VIPs: an empty record, no checks. */
static void test_empty(void **state)
{
	struct model *m = mt_load_ok(MT_HEAD "  eth0: {type: ethernet}\n");
	struct node_record *r = node_record_new(m, 0);

	(void)state;
	assert_int_equal(r->n_insts, 0);
	assert_int_equal(r->n_links, 0);
	assert_int_equal(r->n_gws, 0);
	assert_int_equal(node_record_find_link(r, "", "eth0"), -1);
	node_record_free(r);
	model_free(m);
}

static void test_methods(void **state)
{
	(void)state;
	assert_false(node_record_uses_link(METHOD_VRRP));
	assert_true(node_record_uses_link(METHOD_LINK));
	assert_false(node_record_uses_link(METHOD_GW));
	assert_true(node_record_uses_link(METHOD_LINK_GW));
	assert_false(node_record_uses_gw(METHOD_VRRP));
	assert_false(node_record_uses_gw(METHOD_LINK));
	assert_true(node_record_uses_gw(METHOD_GW));
	assert_true(node_record_uses_gw(METHOD_LINK_GW));
}

/* Issue 13: every check of the file in svcs[], each instance's tracks by
 * svcs index, the groups with this node's running members, the hooks. */
static const char svc_file[] =
    "cluster:\n"
    "  name: lab\n"
    "  nodes: [adc1, adc2]\n"
    "  vrrp: {track: [lb, {check: web, weight: -150}]}\n"
    "  hooks: {fault: /usr/local/sbin/on-fault}\n"
    "checks:\n"
    "  lb: {type: process, name: haproxy, interval: 200ms}\n"
    "  web: {type: http, url: \"http://192.0.2.2:8080/health\", expect: 204}\n"
    "  web6: {type: http, url: \"http://[2001:db8::2]/\", namespace: t}\n"
    "  db: {type: tcp, address: 192.0.2.5, port: 5432}\n"
    "  app: {type: exec, command: [/bin/true, x], user: daemon, timeout: 1s}\n"
    "sync_groups:\n"
    "  front: {members: [eth1/master, eth0/master], hooks: {master: [/bin/up, a]}}\n"
    "  lonely: {members: [eth0/backup]}\n"
    "interfaces:\n"
    "  eth0:\n"
    "    type: ethernet\n"
    "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
    "    vips: {master: [192.0.2.10/24], backup: [192.0.2.11/24]}\n"
    "  eth1:\n"
    "    type: ethernet\n"
    "    vrrp: {track: [db, {check: app, weight: 120}, web6]}\n"
    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
    "    vips: {master: [198.51.100.10/24]}\n";

static void test_services(void **state)
{
	struct model *m = mt_load_ok(svc_file);
	struct node_record *r = node_record_new(m, 0);
	const struct node_svc_check *s;
	char buf[IP_STR_MAX];

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->n_svcs, 5);
	for (size_t i = 0; i < r->n_svcs; i++) {
		assert_int_equal(r->svcs[i].model_check, i);
		assert_string_equal(r->svcs[i].name, m->checks[i].name);
	}
	s = &r->svcs[0];
	assert_int_equal(s->type, SVC_PROCESS);
	assert_string_equal(s->process, "haproxy");
	assert_string_equal(s->netns, "");
	assert_int_equal(s->interval_ms, 200);
	assert_int_equal(s->timeout_ms, 160);
	assert_int_equal(s->fall, 3);
	assert_int_equal(s->rise, 2);
	s = &r->svcs[1];
	assert_int_equal(s->type, SVC_HTTP);
	assert_string_equal(ntop(&s->addr, buf), "192.0.2.2/32");
	assert_int_equal(s->port, 8080);
	assert_string_equal(s->http_path, "/health");
	assert_string_equal(s->http_host, "192.0.2.2:8080");
	assert_int_equal(s->expect, 204);
	s = &r->svcs[2];
	assert_string_equal(s->http_host, "[2001:db8::2]"); /* port 80 is not written */
	assert_int_equal(s->port, 80);
	assert_string_equal(s->http_path, "/");
	assert_int_equal(s->expect, 200);
	assert_string_equal(s->netns, "t");
	s = &r->svcs[3];
	assert_int_equal(s->type, SVC_TCP);
	assert_string_equal(ntop(&s->addr, buf), "192.0.2.5/32");
	assert_int_equal(s->port, 5432);
	s = &r->svcs[4];
	assert_int_equal(s->type, SVC_EXEC);
	assert_string_equal(s->argv[0], "/bin/true");
	assert_string_equal(s->argv[1], "x");
	assert_null(s->argv[2]);
	assert_string_equal(s->user, "daemon");
	assert_int_equal(s->timeout_ms, 1000);
	assert_int_equal(s->interval_ms, 1250);
	assert_int_equal(node_record_find_svc(r, "db"), 3);
	assert_int_equal(node_record_find_svc(r, "nope"), -1);
	node_record_free(r);
	model_free(m);
}

static void test_tracks_groups_hooks(void **state)
{
	struct model *m = mt_load_ok(svc_file);
	struct node_record *r = node_record_new(m, 1);
	const struct node_inst *e0m = rec_inst(r, "eth0/master/ipv4/vrrp");
	const struct node_inst *e0b = rec_inst(r, "eth0/backup/ipv4/vrrp");
	const struct node_inst *e1 = rec_inst(r, "eth1/master/ipv4/vrrp");
	const struct node_group *g;

	(void)state;
	model_free(m); /* the record owns what it reads (ASan: no use after free) */
	/* eth0: the cluster's list; eth1: its own, which replaces it */
	assert_int_equal(e0m->n_track, 2);
	assert_string_equal(r->svcs[e0m->track[0].check].name, "lb");
	assert_int_equal(e0m->track[0].weight, 0);
	assert_string_equal(r->svcs[e0m->track[1].check].name, "web");
	assert_int_equal(e0m->track[1].weight, -150);
	assert_int_equal(e0b->n_track, 2);
	assert_int_equal(e1->n_track, 3);
	assert_string_equal(r->svcs[e1->track[0].check].name, "db");
	assert_int_equal(e1->track[0].weight, 0);
	assert_string_equal(r->svcs[e1->track[1].check].name, "app");
	assert_int_equal(e1->track[1].weight, 120);
	assert_string_equal(r->svcs[e1->track[2].check].name, "web6");
	/* groups, in model order, with this node's instances */
	assert_int_equal(r->n_groups, 2);
	g = &r->groups[0];
	assert_string_equal(g->name, "front");
	assert_int_equal(g->model_group, 0);
	assert_int_equal(g->n_insts, 2);
	assert_ptr_equal(&r->insts[g->insts[0]], e0m); /* instance order, not member order */
	assert_ptr_equal(&r->insts[g->insts[1]], e1);
	assert_non_null(g->hooks);
	assert_string_equal(g->hooks->cmd[HOOK_MASTER].argv[1], "a");
	g = &r->groups[1];
	assert_int_equal(g->n_insts, 1);
	assert_ptr_equal(&r->insts[g->insts[0]], e0b);
	assert_null(g->hooks);
	assert_int_equal(e0m->group, 0);
	assert_int_equal(e1->group, 0);
	assert_int_equal(e0b->group, 1);
	/* cluster.hooks */
	assert_non_null(r->hooks);
	assert_string_equal(r->hooks->cmd[HOOK_FAULT].argv[0], "/usr/local/sbin/on-fault");
	node_record_free(r);
}

/* Without checks, groups or hooks: empty tables, no group, no hooks. */
static void test_no_services(void **state)
{
	struct model *m = mt_load_ok(node_file);
	struct node_record *r = node_record_new(m, 0);

	(void)state;
	assert_int_equal(r->n_svcs, 0);
	assert_int_equal(r->n_groups, 0);
	assert_null(r->hooks);
	for (size_t i = 0; i < r->n_insts; i++) {
		assert_int_equal(r->insts[i].n_track, 0);
		assert_int_equal(r->insts[i].group, NODE_RECORD_NONE);
	}
	node_record_free(r);
	model_free(m);
}

/* bfd (issue 16): off unless written; the cluster's inherited and
 * overridden key by key; an instance follows its advert path's (via). */
static void test_bfd(void **state)
{
	static const char file[] =
	    "cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
	    "  bfd: {interval: 20ms}\n"
	    "interfaces:\n"
	    "  eth0:\n    type: ethernet\n"
	    "    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}\n"
	    "    vips: {master: [192.0.2.10/24]}\n"
	    "  ha0:\n    type: ethernet\n"
	    "    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
	    "    bfd: {multiplier: 5}\n"
	    "  eth1:\n    type: ethernet\n"
	    "    vrrp: {via: ha0}\n"
	    "    bfd: {multiplier: 5}\n"
	    "    vips: {master: [203.0.113.10/24]}\n"
	    "  eth2:\n    type: ethernet\n"
	    "    addresses: {adc1: [198.18.0.2/24], adc2: [198.18.0.3/24]}\n"
	    "    bfd: {enabled: false}\n"
	    "    vips: {master: [198.18.0.10/24]}\n";
	struct model *m = mt_load_ok(file);
	struct node_record *r = node_record_new(m, 0);
	const struct node_inst *e0 = rec_inst(r, "eth0/master/ipv4/vrrp");
	const struct node_inst *e1 = rec_inst(r, "eth1/master/ipv4/vrrp");
	const struct node_inst *e2 = rec_inst(r, "eth2/master/ipv4/vrrp");
	struct model *off = mt_load_ok(node_file);
	struct node_record *roff = node_record_new(off, 0);

	(void)state;
	assert_true(e0->bfd);
	assert_int_equal(e0->bfd_interval_ms, 20);
	assert_int_equal(e0->bfd_multiplier, 3); /* the default */
	assert_true(e1->bfd);			 /* ha0's: 20 ms (cluster) x 5 (its own) */
	assert_string_equal(e1->advert_ifname, "ha0");
	assert_int_equal(e1->bfd_interval_ms, 20);
	assert_int_equal(e1->bfd_multiplier, 5);
	assert_false(e2->bfd);
	for (size_t i = 0; i < roff->n_insts; i++)
		assert_false(roff->insts[i].bfd); /* not written: off */
	node_record_free(roff);
	model_free(off);
	node_record_free(r);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_instances),	cmocka_unit_test(test_per_node),
	    cmocka_unit_test(test_check_dedup), cmocka_unit_test(test_gw_settings),
	    cmocka_unit_test(test_zones),	cmocka_unit_test(test_find),
	    cmocka_unit_test(test_empty),	cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_services),	cmocka_unit_test(test_tracks_groups_hooks),
	    cmocka_unit_test(test_no_services), cmocka_unit_test(test_bfd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
