/* Issue 13's keys: checks: (types, defaults, URLs), vrrp.track (resolution,
 * the interface's list replacing the cluster's), sync_groups: (members to
 * instances), hooks, and the warnings of weights that cannot move a VIP. */
#include "model_test.h"

#define IFACES                                                                                     \
	"interfaces:\n"                                                                            \
	"  eth0:\n"                                                                                \
	"    type: ethernet\n"                                                                     \
	"    addresses: {adc1: [192.0.2.2/24, \"2001:db8::2/64\"], adc2: [192.0.2.3/24, "          \
	"\"2001:db8::3/64\"]}\n"                                                                   \
	"    vips: {master: [192.0.2.10/24, \"2001:db8::10/64\"], backup: [192.0.2.11/24]}\n"      \
	"  eth1:\n"                                                                                \
	"    type: ethernet\n"                                                                     \
	"    vrrp: {track: [db]}\n"                                                                \
	"    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"                      \
	"    vips: {master: [{address: 198.51.100.10/24, clusterIpMethod: link}]}\n"

static const char full_file[] =
    "cluster:\n"
    "  name: lab\n"
    "  nodes: [adc1, adc2]\n"
    "  vrrp: {track: [haproxy, {check: web, weight: -120}, app]}\n"
    "  hooks: {master: /usr/local/sbin/on-master, backup: [/usr/local/sbin/role, backup]}\n"
    "checks:\n"
    "  haproxy: {type: process, name: haproxy}\n"
    "  web: {type: http, url: \"http://127.0.0.1:8080/health\", interval: 1s}\n"
    "  db: {type: tcp, port: 5432, namespace: tenant-a, fall: 5, rise: 4}\n"
    "  app: {type: exec, command: [/usr/local/bin/check-app, --quick], timeout: 2s}\n"
    "sync_groups:\n"
    "  web:\n"
    "    members: [eth0/master/ipv4, eth1/master]\n"
    "    hooks: {master: /usr/local/sbin/web-up, stop: [/usr/local/sbin/web-role, stop]}\n"
    "  v6: {members: [\"*/master/ipv6\"]}\n" IFACES;

static const struct svc_check *check_named(const struct model *m, const char *name)
{
	size_t i;

	assert_true(strmap_get(&m->by_check, name, &i));
	assert_string_equal(m->checks[i].name, name);
	return &m->checks[i];
}

static void test_types_and_defaults(void **state)
{
	struct model *m = mt_load_ok(full_file);
	const struct svc_check *c;
	char buf[IP_STR_MAX];

	(void)state;
	assert_int_equal(m->n_checks, 4);
	c = check_named(m, "haproxy");
	assert_int_equal(c->type, SVC_PROCESS);
	assert_string_equal(c->process.v, "haproxy");
	assert_int_equal(c->pos.line, 7);
	/* gateway_check's defaults; the timeout follows the interval */
	assert_int_equal(c->timing.interval.v, 500);
	assert_int_equal(c->timing.timeout.v, 400);
	assert_int_equal(c->timing.fall.v, 3);
	assert_int_equal(c->timing.rise.v, 2);
	assert_null(c->netns.v);

	c = check_named(m, "web");
	assert_int_equal(c->type, SVC_HTTP);
	assert_string_equal(ip_ntop(&c->url_addr, buf), "127.0.0.1");
	assert_int_equal(c->url_port, 8080);
	assert_string_equal(c->url_path, "/health");
	assert_int_equal(c->expect.v, 200);
	assert_int_equal(c->timing.interval.v, 1000);
	assert_int_equal(c->timing.timeout.v, 800);

	c = check_named(m, "db");
	assert_int_equal(c->type, SVC_TCP);
	assert_string_equal(ip_ntop(&c->address.v, buf), "127.0.0.1"); /* the default */
	assert_int_equal(c->port.v, 5432);
	assert_string_equal(c->netns.v, "tenant-a");
	assert_int_equal(c->timing.fall.v, 5);
	assert_int_equal(c->timing.rise.v, 4);

	c = check_named(m, "app");
	assert_int_equal(c->type, SVC_EXEC);
	assert_int_equal(c->command.argc, 2);
	assert_string_equal(c->command.argv[0], "/usr/local/bin/check-app");
	assert_string_equal(c->command.argv[1], "--quick");
	assert_null(c->command.argv[2]);
	assert_string_equal(c->user.v, "nobody");
	/* a written timeout above 400ms under no interval: interval = timeout / 80% */
	assert_int_equal(c->timing.timeout.v, 2000);
	assert_int_equal(c->timing.interval.v, 2500);
	model_free(m);
}

static void test_url_forms(void **state)
{
	struct model *m =
	    mt_load_ok("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		       "  vrrp: {track: [a, b]}\n"
		       "checks:\n"
		       "  a: {type: http, url: \"http://[2001:db8::1]\", expect: 204}\n"
		       "  b: {type: http, url: \"http://192.0.2.1:81/x?y=1\"}\n"
		       "  db: {type: tcp, port: 5432}\n" IFACES);
	const struct svc_check *c = check_named(m, "a");
	char buf[IP_STR_MAX];

	(void)state;
	assert_int_equal(c->url_addr.family, IP_V6);
	assert_string_equal(ip_ntop(&c->url_addr, buf), "2001:db8::1");
	assert_int_equal(c->url_port, 80);
	assert_string_equal(c->url_path, "/");
	assert_int_equal(c->expect.v, 204);
	c = check_named(m, "b");
	assert_int_equal(c->url_port, 81);
	assert_string_equal(c->url_path, "/x?y=1");
	model_free(m);
}

static void test_track_merge(void **state)
{
	struct model *m = mt_load_ok(full_file);
	const struct vrrp_instance *e0 = mt_inst(m, "eth0/master/ipv4/vrrp");
	const struct vrrp_instance *e1 = mt_inst(m, "eth1/master/ipv4/link");

	(void)state;
	/* eth0 inherits the cluster's list */
	assert_non_null(e0->track);
	assert_int_equal(e0->track->n, 3);
	assert_string_equal(m->checks[e0->track->v[0].check].name, "haproxy");
	assert_false(e0->track->v[0].has_weight);
	assert_string_equal(m->checks[e0->track->v[1].check].name, "web");
	assert_true(e0->track->v[1].has_weight);
	assert_int_equal(e0->track->v[1].weight, -120);
	assert_int_equal(e0->track->v[1].pos.line, 4);
	/* eth1's list replaces it: db only */
	assert_int_equal(e1->track->n, 1);
	assert_string_equal(m->checks[e1->track->v[0].check].name, "db");
	assert_true(e1->track->v[0].resolved);
	model_free(m);
}

static void test_groups_and_hooks(void **state)
{
	struct model *m = mt_load_ok(full_file);
	const struct sync_group *g;

	(void)state;
	assert_int_equal(m->n_groups, 2);
	g = &m->groups[0];
	assert_string_equal(g->name, "web");
	assert_int_equal(g->n_members, 2);
	assert_string_equal(m->instances[g->members[0]].name, "eth0/master/ipv4/vrrp");
	assert_string_equal(m->instances[g->members[1]].name, "eth1/master/ipv4/link");
	assert_true(g->hooks.set);
	assert_string_equal(g->hooks.cmd[HOOK_MASTER].argv[0], "/usr/local/sbin/web-up");
	assert_int_equal(g->hooks.cmd[HOOK_STOP].argc, 2);
	assert_false(g->hooks.cmd[HOOK_BACKUP].set);
	g = &m->groups[1];
	assert_int_equal(g->n_members, 1);
	assert_string_equal(m->instances[g->members[0]].name, "eth0/master/ipv6/vrrp");
	assert_false(g->hooks.set);
	assert_int_equal(mt_inst(m, "eth0/master/ipv4/vrrp")->sync_group, 0);
	assert_int_equal(mt_inst(m, "eth0/master/ipv6/vrrp")->sync_group, 1);
	assert_int_equal(mt_inst(m, "eth0/backup/ipv4/vrrp")->sync_group, -1);
	assert_true(m->hooks.set);
	assert_string_equal(m->hooks.cmd[HOOK_BACKUP].argv[1], "backup");
	assert_false(m->hooks.cmd[HOOK_FAULT].set);
	model_free(m);
}

/* Loads a file that must load (rc 0) with warnings at the given lines. */
static void expect_warnings(const char *yaml, size_t n, const int *lines, const int *cols,
			    const char *const *texts)
{
	struct diag_list dl;
	struct model *m = NULL;
	int rc = mt_load(yaml, &m, &dl);

	if (dl.count != n)
		mt_print(&dl);
	assert_int_equal(rc, 0);
	assert_int_equal(dl.count, n);
	for (size_t i = 0; i < n; i++) {
		const struct diag *d = mt_find(&dl, lines[i], cols[i], texts[i]);

		if (!d)
			mt_print(&dl);
		assert_non_null(d);
		assert_int_equal(d->severity, DIAG_WARNING);
	}
	diag_list_done(&dl);
	model_free(m);
}

static void test_weight_warnings(void **state)
{
	struct model *m;
	static const int lines[] = {4, 6, 12}, cols[] = {39, 3, 57};
	static const char *const texts[] = {
	    "weight -50 of check web can never move the VIPs of eth0: its priorities 200 and "
	    "100 differ by 100",
	    "checks.spare: no interface's vrrp.track names it",
	    "the weight of check web can never move the VIPs of eth1: preempt is false"};

	(void)state;
	expect_warnings("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
			"  vrrp: {track: [{check: web, weight: -50}]}\n" /* 4 */
			"checks:\n"
			"  spare: {type: process, name: x}\n" /* 6 */
			"  web: {type: process, name: nginx}\n"
			"interfaces:\n"
			"  eth0: {type: ethernet, addresses: {adc1: [192.0.2.2/24], adc2: "
			"[192.0.2.3/24]}, vips: {master: [192.0.2.10/24]}}\n"
			"  eth1:\n"
			"    type: ethernet\n"
			"    vrrp: {preempt: false, track: [{check: web, weight: -150}]}\n" /* 12 */
			"    addresses: {adc1: [198.51.100.2/24], adc2: [198.51.100.3/24]}\n"
			"    vips: {master: [198.51.100.10/24]}\n",
			3, lines, cols, texts);
	/* a weight beyond the gap moves the VIP: no warning */
	m = mt_load_ok("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		       "  vrrp: {track: [{check: web, weight: -101}]}\n"
		       "checks:\n  web: {type: process, name: nginx}\n"
		       "interfaces:\n"
		       "  eth0: {type: ethernet, addresses: {adc1: [192.0.2.2/24], "
		       "adc2: [192.0.2.3/24]}, vips: {master: [192.0.2.10/24]}}\n");
	model_free(m);
}

#define ONE_IFACE                                                                                  \
	"interfaces:\n"                                                                            \
	"  eth0: {type: ethernet, addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}, "       \
	"vips: {master: [192.0.2.10/24]}}\n"

static void test_errors(void **state)
{
	(void)state;
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "  vrrp: {track: [hapoxy]}\n"
		      "checks:\n  haproxy: {type: process, name: haproxy}\n" ONE_IFACE,
		      4, 18, "no check named 'hapoxy'", "did you mean 'haproxy'", NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "  vrrp: {track: [db]}\n"
		      "checks:\n  db: {type: tcp, port: 1, url: \"http://192.0.2.1/\"}\n" ONE_IFACE,
		      6, 28, "key 'url' belongs to type http, not tcp", NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "  vrrp: {track: [w]}\n"
		      "checks:\n  w: {type: http, url: \"http://example.org/\"}\n" ONE_IFACE,
		      6, 24, "not an IP address", "resolves no names", NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "  vrrp: {track: [{check: p, weight: 254}]}\n"
		      "checks:\n  p: {type: process, name: p}\n" ONE_IFACE,
		      4, 37, "weight 254 out of range -253..-1 or 1..253", NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "  hooks: {backup: [relative]}\n" ONE_IFACE,
		      4, 20, "backup 'relative' is not an absolute path", NULL);
	mt_expect_one("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
		      "sync_groups:\n  g: {members: [eth0/backup]}\n" ONE_IFACE,
		      5, 17, "member 'eth0/backup' matches no VRRP instance", NULL);
}

/* An instance in two groups: one error at each member. */
static void test_two_groups(void **state)
{
	struct diag_list dl;
	struct model *m = NULL;

	(void)state;
	assert_int_equal(mt_load("cluster:\n  name: lab\n  nodes: [adc1, adc2]\n"
				 "sync_groups:\n"
				 "  a: {members: [eth0/master]}\n"	 /* 5:17 */
				 "  b: {members: [\"*/master/ipv4\"]}\n" /* 6:17 */
				 ONE_IFACE,
				 &m, &dl),
			 -EINVAL);
	if (dl.count != 2)
		mt_print(&dl);
	assert_int_equal(dl.count, 2);
	assert_non_null(
	    mt_find(&dl, 5, 17, "is also in sync group b (member '*/master/ipv4' at 6:17)"));
	assert_non_null(
	    mt_find(&dl, 6, 17, "is already in sync group a (member 'eth0/master' at 5:17)"));
	diag_list_done(&dl);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types_and_defaults), cmocka_unit_test(test_url_forms),
	    cmocka_unit_test(test_track_merge),	       cmocka_unit_test(test_groups_and_hooks),
	    cmocka_unit_test(test_weight_warnings),    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_two_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
