/* The keepalived importer: the language as keepalived reads it (comments,
 * quotes, braces, conditionals, parameters, includes), the tree, and the
 * mapping of two files to one cluster file with its warnings and errors.
 * Files come from an in-memory reader, as in the fuzz target. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "import/keepalived.h"

struct mem_file {
	const char *path;
	const char *text;
};

struct mem_fs {
	const struct mem_file *files;
	size_t n;
};

static int mem_read(void *arg, const char *path, char **buf, size_t *len)
{
	const struct mem_fs *fs = arg;

	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->files[i].path, path) == 0) {
			*buf = strdup(fs->files[i].text);
			*len = strlen(fs->files[i].text);
			return *buf ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

static int mem_glob(void *arg, const char *pattern, char ***paths, size_t *n)
{
	const struct mem_fs *fs = arg;

	*paths = calloc(fs->n + 1, sizeof(**paths));
	*n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (fnmatch(pattern, fs->files[i].path, FNM_PATHNAME) == 0)
			(*paths)[(*n)++] = strdup(fs->files[i].path);
	return 0;
}

struct fixture {
	struct arena a;
	struct kad_msgs msgs;
	struct mem_fs fs;
	struct kad_reader rd;
};

static void fx_init(struct fixture *f, const struct mem_file *files, size_t n)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->a);
	f->fs = (struct mem_fs){.files = files, .n = n};
	f->rd = (struct kad_reader){.read = mem_read, .glob = mem_glob, .arg = &f->fs};
}

static void fx_done(struct fixture *f)
{
	kad_msgs_done(&f->msgs);
	arena_done(&f->a);
}

static struct kad_tree parse(struct fixture *f, const char *path, const char *id)
{
	struct kad_tree t;

	assert_int_equal(kad_parse_file(&f->a, &f->rd, path, id, &t, &f->msgs), 0);
	return t;
}

/* A message at file:line containing text. */
static bool has_msg(const struct kad_msgs *m, const char *file, int line, bool error,
		    const char *text)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].file, file) == 0 && m->v[i].line == line &&
		    m->v[i].error == error && strstr(m->v[i].text, text))
			return true;
	kad_msgs_print(m, stderr);
	return false;
}

/* Any message containing text. */
static bool has_msg_quiet(const struct kad_msgs *m, const char *text)
{
	for (size_t i = 0; i < m->n; i++)
		if (strstr(m->v[i].text, text))
			return true;
	return false;
}

static void test_words_comments_quotes(void **state)
{
	static const struct mem_file files[] = {
	    {"k.conf", "! a comment\n"
		       "vrrp_script chk{   # braces need no space\n"
		       "  script \"/bin/echo a  b\" 'c d'e # end\n"
		       "  weight -2 ! too\n"
		       "}\n"},
	};
	struct fixture f;
	struct kad_tree t;
	const struct kad_node *n, *s;

	(void)state;
	fx_init(&f, files, 1);
	t = parse(&f, "k.conf", "lb1");
	n = t.root;
	assert_non_null(n);
	assert_null(n->next);
	assert_string_equal(n->argv[0], "vrrp_script");
	assert_string_equal(n->argv[1], "chk");
	assert_int_equal(n->line, 2);
	assert_true(n->has_block);
	s = kad_find(n->child, "script");
	assert_non_null(s);
	assert_int_equal(s->argc, 3);
	assert_string_equal(s->argv[1], "/bin/echo a  b"); /* the quotes keep the spaces */
	assert_true(s->quoted[1]);
	assert_string_equal(s->argv[2], "c de");
	s = kad_find(n->child, "weight");
	assert_int_equal(s->argc, 2);
	assert_string_equal(kad_arg(s, 1), "-2");
	assert_int_equal(f.msgs.n, 0);
	fx_done(&f);
}

static void test_one_line_blocks(void **state)
{
	static const struct mem_file files[] = {
	    {"k.conf", "vrrp_instance VI_1 { interface eth0\n"
		       "  virtual_ipaddress { 192.0.2.10/24 }\n"
		       "  unicast_peer {\n 192.0.2.3\n }}\n"
		       "}\n"
		       "global_defs {\n"},
	};
	struct fixture f;
	struct kad_tree t;
	const struct kad_node *n, *v;

	(void)state;
	fx_init(&f, files, 1);
	t = parse(&f, "k.conf", "lb1");
	n = t.root;
	assert_string_equal(kad_arg(kad_find(n->child, "interface"), 1), "eth0");
	v = kad_find(n->child, "virtual_ipaddress");
	assert_non_null(v->child);
	assert_string_equal(v->child->argv[0], "192.0.2.10/24");
	assert_int_equal(v->child->line, 2);
	v = kad_find(n->child, "unicast_peer");
	assert_string_equal(v->child->argv[0], "192.0.2.3");
	/* line 5 closes both blocks, so the '}' of line 6 closes nothing:
	 * said; global_defs is left open */
	assert_null(n->next->next);
	assert_true(has_msg(&f.msgs, "k.conf", 6, false, "without an open block"));
	assert_true(has_msg(&f.msgs, "k.conf", 7, false, "not closed"));
	fx_done(&f);
}

static void test_conditionals(void **state)
{
	static const struct mem_file files[] = {
	    {"k.conf", "vrrp_instance VI_1 {\n"
		       "@lb1  priority 150\n"
		       "@lb2  priority 100\n"
		       "@^lb1 state BACKUP\n"
		       "}\n"},
	};
	struct fixture f;
	struct kad_tree t1, t2;

	(void)state;
	fx_init(&f, files, 1);
	t1 = parse(&f, "k.conf", "lb1");
	t2 = parse(&f, "k.conf", "lb2");
	assert_string_equal(kad_arg(kad_find(t1.root->child, "priority"), 1), "150");
	assert_null(kad_find(t1.root->child, "state"));
	assert_string_equal(kad_arg(kad_find(t2.root->child, "priority"), 1), "100");
	assert_string_equal(kad_arg(kad_find(t2.root->child, "state"), 1), "BACKUP");
	fx_done(&f);
}

static void test_parameters(void **state)
{
	static const struct mem_file files[] = {
	    {"k.conf", "@lb1 $PRIO=150\n"
		       "@lb2 $PRIO=100\n"
		       "$NET=192.0.${SUB}\n"
		       "$SUB=2\n"
		       "$INST= \\\n"
		       "vrrp_instance VI_9 { \\\n"
		       "  priority $PRIO \\\n"
		       "}\n"
		       "$INST\n"
		       "vrrp_instance VI_1 {\n"
		       "  priority $PRIO\n"
		       "  virtual_ipaddress {\n    ${NET}.10/24\n  }\n"
		       "  notify $UNDEFINED\n"
		       "}\n"},
	};
	struct fixture f;
	struct kad_tree t;
	const struct kad_node *n;

	(void)state;
	fx_init(&f, files, 1);
	t = parse(&f, "k.conf", "lb2");
	n = t.root; /* VI_9, from the multi-line parameter */
	assert_string_equal(n->argv[1], "VI_9");
	assert_string_equal(kad_arg(kad_find(n->child, "priority"), 1), "100");
	n = n->next;
	assert_string_equal(kad_arg(kad_find(n->child, "priority"), 1), "100");
	assert_string_equal(kad_find(n->child, "virtual_ipaddress")->child->argv[0],
			    "192.0.2.10/24");
	/* an undefined parameter stays as written */
	assert_string_equal(kad_arg(kad_find(n->child, "notify"), 1), "$UNDEFINED");
	fx_done(&f);
}

static void test_include_globs(void **state)
{
	static const struct mem_file files[] = {
	    {"/etc/k/keepalived.conf", "global_defs {\n}\ninclude conf.d/*.conf\n"
				       "include /etc/k/none/*.conf\n"},
	    {"/etc/k/conf.d/a.conf", "vrrp_instance A {\n}\n"},
	    {"/etc/k/conf.d/b.conf", "vrrp_instance B {\n}\ninclude /etc/k/loop.conf\n"},
	    {"/etc/k/loop.conf", "include loop.conf\n"},
	};
	struct fixture f;
	struct kad_tree t;
	const struct kad_node *n;

	(void)state;
	fx_init(&f, files, 4);
	t = parse(&f, "/etc/k/keepalived.conf", "lb1");
	n = t.root;
	assert_string_equal(n->argv[0], "global_defs");
	n = n->next;
	assert_string_equal(n->argv[1], "A");
	assert_string_equal(n->file, "/etc/k/conf.d/a.conf"); /* each statement its own file */
	assert_int_equal(n->line, 1);
	n = n->next;
	assert_string_equal(n->argv[1], "B");
	assert_null(n->next);
	assert_true(has_msg(&f.msgs, "/etc/k/keepalived.conf", 4, false, "matched no file"));
	assert_true(has_msg(&f.msgs, "/etc/k/loop.conf", 1, true, "deeper than"));
	fx_done(&f);
}

static void test_split_command(void **state)
{
	struct arena a;
	size_t argc;
	const char **argv;

	(void)state;
	arena_init(&a);
	argv = kad_split_command(&a, "/bin/sh -c 'a  b' \"c d\" e", &argc);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[2], "a  b");
	assert_string_equal(argv[3], "c d");
	assert_string_equal(argv[4], "e");
	assert_null(argv[5]);
	arena_done(&a);
}

/* ---- the mapping ---- */

#define INST(name, iface, vrid, prio, src, peer, extra)                                            \
	"vrrp_instance " name " {\n  interface " iface "\n  virtual_router_id " #vrid              \
	"\n  priority " #prio "\n  unicast_src_ip " src "\n  unicast_peer {\n    " peer            \
	"\n  }\n" extra "}\n"

static char *import_pair(struct fixture *f, const char *a, const char *b, int *rc)
{
	struct mem_file *files = calloc(2, sizeof(*files));
	struct kad_import_opts o = {.nodes = {"lb1", "lb2"}};
	struct kad_tree t1, t2;
	char *yaml = NULL;

	files[0] = (struct mem_file){"lb1.conf", a};
	files[1] = (struct mem_file){"lb2.conf", b};
	fx_init(f, files, 2);
	t1 = parse(f, "lb1.conf", "lb1");
	t2 = parse(f, "lb2.conf", "lb2");
	*rc = kad_import(&f->a, &t1, &t2, &o, &yaml, &f->msgs);
	return yaml;
}

/* y holds text; prints y when it does not. */
static void assert_has(const char *y, const char *text)
{
	if (!y || !strstr(y, text))
		fprintf(stderr, "--- lacks:\n%s\n--- in:\n%s\n", text, y ? y : "(null)");
	assert_non_null(y ? strstr(y, text) : NULL);
}

static void fx_done_pair(struct fixture *f, char *yaml)
{
	free((void *)f->fs.files);
	free(yaml);
	fx_done(f);
}

static void test_active_active(void **state)
{
	static const char a[] =
	    "vrrp_script chk_haproxy {\n  script \"/usr/bin/killall -0 haproxy\"\n  interval 2\n}\n"
	    "vrrp_script chk_gw {\n  script \"/bin/ping -c1 192.0.2.1\"\n}\n"
	    "vrrp_script chk_web {\n  script \"/bin/bash -c '</dev/tcp/127.0.0.1/80'\"\n"
	    "  weight 20\n}\n"
	    "vrrp_script chk_app {\n  script \"/usr/bin/curl -sf http://127.0.0.1/ | grep "
	    "ok\"\n}\n" INST(
		"VI_1", "eth0", 51, 150, "192.0.2.2", "192.0.2.3",
		"  advert_int 2\n  virtual_ipaddress {\n    192.0.2.10/24 label eth0:a\n  }\n"
		"  track_interface {\n    eth0\n  }\n"
		"  track_script {\n    chk_haproxy\n    chk_gw\n    chk_web\n    chk_app weight "
		"-30\n  }\n"
		"  authentication {\n    auth_type PASS\n  }\n")
		INST("VI_2", "eth0", 52, 100, "192.0.2.2", "192.0.2.3",
		     "  advert_int 2\n  virtual_ipaddress {\n    192.0.2.20\n  }\n");
	static const char b[] = INST("VI_1", "eth0", 51, 100, "192.0.2.3", "192.0.2.2",
				     "  advert_int 2\n  virtual_ipaddress {\n    192.0.2.10/24 "
				     "label eth0:a\n  }\n"
				     "  track_interface {\n    eth0\n  }\n"
				     "  track_script {\n    chk_haproxy\n    chk_gw\n    chk_web\n"
				     "    chk_app weight -30\n  }\n")
	    INST("VI_2", "eth0", 52, 150, "192.0.2.3", "192.0.2.2",
		 "  advert_int 2\n  virtual_ipaddress {\n    192.0.2.20\n  }\n");
	struct fixture f;
	int rc;
	char *y = import_pair(&f, a, b, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_non_null(y);
	assert_has(y, "  nodes: [lb1, lb2]\n");
	assert_has(y, "      lb1: [192.0.2.2/24]\n      lb2: [192.0.2.3/24]\n");
	assert_has(y, "    gateway: {ipv4: \"192.0.2.1\"}\n");
	assert_has(y, "      advert_interval: 2s\n");
	assert_has(y, "      priority: {preferred: 150, other: 100}\n");
	/* VI_1 preferred by lb1 (master), VI_2 by lb2 (backup): both VRIDs kept */
	assert_has(y, "      master:\n        - {address: 192.0.2.10/24, vrid: 51, "
		      "clusterIpMethod: link+gw, zone: \"eth0:a\"}\n");
	assert_has(y, "      backup:\n        - {address: 192.0.2.20/32, vrid: 52}\n");
	assert_has(y, "  chk_haproxy: {type: process, name: haproxy, interval: 2s");
	assert_has(y, "  chk_web: {type: tcp, address: \"127.0.0.1\", port: 80");
	assert_has(y, "  chk_app: {type: exec, command: [/bin/sh, \"-c\", \"/usr/bin/curl "
		      "-sf http://127.0.0.1/ | grep ok\"]");
	assert_has(y, "      track: [chk_haproxy, {check: chk_web, weight: -20}, {check: chk_app, "
		      "weight: -30}]\n");
	/* what is not carried over is said at its line, and in the header */
	assert_true(has_msg(&f.msgs, "lb1.conf", 36, false, "authentication is not carried over"));
	assert_true(has_msg(&f.msgs, "lb1.conf", 33, false, "weight +20"));
	/* VI_2 shares eth0's tracking: said */
	assert_true(has_msg(&f.msgs, "lb1.conf", 40, false, "does not track chk_haproxy"));
	assert_has(y, "#   lb1.conf:36: authentication is not carried over");
	fx_done_pair(&f, y);
}

static void test_contradictions(void **state)
{
	static const char a[] = INST("VI_1", "eth0", 51, 150, "192.0.2.2", "192.0.2.3",
				     "  virtual_ipaddress {\n    192.0.2.10/24\n  }\n")
	    INST("VI_2", "eth0", 52, 150, "192.0.2.2", "192.0.2.3",
		 "  virtual_ipaddress {\n    192.0.2.20/24\n  }\n");
	static const char b[] = INST("VI_1", "eth1", 51, 100, "192.0.2.3", "192.0.2.2",
				     "  virtual_ipaddress {\n    192.0.2.10/24\n  }\n")
	    INST("VI_2", "eth0", 52, 100, "192.0.2.3", "192.0.2.2",
		 "  virtual_ipaddress {\n    192.0.2.21/24\n  }\n");
	struct fixture f;
	int rc;
	char *y = import_pair(&f, a, b, &rc);

	(void)state;
	assert_int_equal(rc, -1);
	assert_null(y);
	/* same VRID on two interfaces: both positions */
	assert_true(has_msg(&f.msgs, "lb1.conf", 2, true, "on eth1 in lb2.conf:2"));
	/* different VIP sets: the address's line and the other instance's */
	assert_true(has_msg(&f.msgs, "lb1.conf", 22, true,
			    "not in the other file's instance VI_2 "
			    "(lb2.conf:13)"));
	fx_done_pair(&f, y);
}

static void test_nothing_usable(void **state)
{
	struct fixture f;
	int rc;
	char *y =
	    import_pair(&f, "global_defs {\n  router_id a\n}\n", "virtual_server 1 {\n}\n", &rc);

	(void)state;
	assert_int_equal(rc, -1);
	assert_true(has_msg(&f.msgs, "lb1.conf", 0, true, "nothing to import"));
	assert_true(has_msg(&f.msgs, "lb2.conf", 1, false, "virtual_server is not carried over"));
	fx_done_pair(&f, y);
}

static void test_groups_and_hooks(void **state)
{
	static const char grp[] = "vrrp_sync_group G {\n  group {\n    V4\n    V6\n  }\n"
				  "  notify_master \"/usr/local/bin/up\"\n  notify \"/bin/n\"\n}\n";
	char a[2048], b[2048];
	struct fixture f;
	int rc;
	char *y;

	(void)state;
	snprintf(a, sizeof(a), "%s%s%s%s", grp,
		 INST("V4", "eth0.100", 61, 150, "198.51.100.2", "198.51.100.3",
		      "  virtual_ipaddress {\n    198.51.100.10/24\n  }\n"),
		 INST("V6", "eth0.100", 61, 150, "2001:db8::2", "2001:db8::3",
		      "  native_ipv6\n  virtual_ipaddress {\n    2001:db8::10/64\n  }\n"),
		 INST("VX", "eth1", 7, 150, "203.0.113.2", "203.0.113.3",
		      "  use_vmac\n  notify_backup /usr/local/bin/down\n"
		      "  virtual_ipaddress {\n    203.0.113.10/24\n  }\n"));
	snprintf(b, sizeof(b), "%s%s%s%s", grp,
		 INST("V4", "eth0.100", 61, 100, "198.51.100.3", "198.51.100.2",
		      "  virtual_ipaddress {\n    198.51.100.10/24\n  }\n"),
		 INST("V6", "eth0.100", 61, 100, "2001:db8::3", "2001:db8::2",
		      "  native_ipv6\n  virtual_ipaddress {\n    2001:db8::10/64\n  }\n"),
		 INST("VX", "eth1", 7, 100, "203.0.113.3", "203.0.113.2",
		      "  use_vmac\n  notify_backup /usr/local/bin/down\n"
		      "  virtual_ipaddress {\n    203.0.113.10/24\n  }\n"));
	y = import_pair(&f, a, b, &rc);
	assert_int_equal(rc, 0);
	/* the VLAN and its parent */
	assert_has(y, "  eth0.100:\n    type: vlan\n    parent: eth0\n    id: 100\n");
	assert_has(y, "  eth0:\n    type: ethernet\n");
	/* v4 and v6 share VRID 61, each its family */
	assert_has(y, "{address: 198.51.100.10/24, vrid: 61}");
	assert_has(y, "{address: \"2001:db8::10/64\", vrid: 61}");
	assert_has(y, "  G:\n    members: [eth0.100/master/ipv4, "
		      "eth0.100/master/ipv6]\n"
		      "    hooks: {master: /usr/local/bin/up, backup: [/bin/n, GROUP, G, "
		      "BACKUP], fault: [/bin/n, GROUP, G, FAULT], stop: [/bin/n, GROUP, "
		      "G, STOP]}\n");
	/* the only instance outside a group with scripts: cluster.hooks */
	assert_has(y, "  hooks: {backup: /usr/local/bin/down}\n");
	assert_true(has_msg(&f.msgs, "lb1.conf", 42, false, "use_vmac is not carried over"));
	/* keepalived's IPv6 unicast adverts leave with hop limit 64 by default */
	assert_true(has_msg(&f.msgs, "lb1.conf", 21, false, "add unicast_ttl 255"));
	fx_done_pair(&f, y);
}

/* VIPs on another interface (dev), ranges, an instance on two interfaces,
 * a VIP listed twice, pidof and ping6 scripts, a multicast instance and an
 * instance only one file has. */
static void test_vips_and_scripts(void **state)
{
	static const char scripts[] =
	    "vrrp_script chk_pid {\n  script \"/bin/pidof -s nginx\"\n  interval 0.5\n}\n"
	    "vrrp_script chk_gw6 {\n  script \"/bin/ping6 -c 1 2001:db8::1\"\n}\n"
	    "vrrp_script chk_far {\n  script \"/bin/ping -c 1 198.51.100.1\"\n}\n";
	char a[4096], b[4096];
	struct fixture f;
	int rc;
	char *y;

	(void)state;
	snprintf(a, sizeof(a), "%s%s%s%s%s", scripts,
		 INST("V1", "eth0", 1, 150, "192.0.2.2", "192.0.2.3",
		      "  virtual_ipaddress {\n    203.0.113.10-12/24 dev eth1\n  }\n"
		      "  track_script {\n    chk_pid\n    chk_far\n  }\n"),
		 INST("V2", "eth0", 2, 150, "192.0.2.2", "192.0.2.3",
		      "  virtual_ipaddress {\n    192.0.2.20/24\n    198.51.100.9/24 dev eth2\n"
		      "    192.0.2.20/24\n  }\n"),
		 "vrrp_instance V3 {\n  interface eth3\n  virtual_router_id 3\n  native_ipv6\n"
		 "  virtual_ipaddress {\n    2001:db8::10/64\n  }\n"
		 "  track_script {\n    chk_gw6\n  }\n}\n",
		 INST("V4", "eth0", 4, 150, "192.0.2.2", "192.0.2.3",
		      "  virtual_ipaddress {\n    192.0.2.40/24\n  }\n"));
	snprintf(b, sizeof(b), "%s%s%s%s", scripts,
		 INST("V1", "eth0", 1, 100, "192.0.2.3", "192.0.2.2",
		      "  virtual_ipaddress {\n    203.0.113.10-12/24 dev eth1\n  }\n"
		      "  track_script {\n    chk_pid\n    chk_far\n  }\n"),
		 INST("V2", "eth0", 2, 100, "192.0.2.3", "192.0.2.2",
		      "  virtual_ipaddress {\n    192.0.2.20/24\n    198.51.100.9/24 dev eth2\n"
		      "    192.0.2.20/24\n  }\n"),
		 "vrrp_instance V3 {\n  interface eth3\n  virtual_router_id 3\n  native_ipv6\n"
		 "  priority 90\n  virtual_ipaddress {\n    2001:db8::10/64\n  }\n"
		 "  track_script {\n    chk_gw6\n  }\n}\n");
	y = import_pair(&f, a, b, &rc);
	assert_int_equal(rc, 0);
	/* the prefix of eth0's pair from a VIP of a later instance (V2) */
	assert_has(y, "      lb1: [192.0.2.2/24]\n");
	assert_false(has_msg_quiet(&f.msgs, "prefix length of 192.0.2.2"));
	/* a range of three on eth1, whose adverts go over eth0 */
	assert_has(y, "  eth1:\n    type: ethernet\n    vrrp:\n");
	assert_has(y, "      via: eth0\n");
	assert_has(y, "        - {address: 203.0.113.10/24, vrid: 1}\n"
		      "        - {address: 203.0.113.11/24, vrid: 1}\n"
		      "        - {address: 203.0.113.12/24, vrid: 1}\n");
	assert_has(y,
		   "  chk_pid: {type: process, name: nginx, interval: 500ms, fall: 1, rise: 1}\n");
	/* V2's VIP on eth2 cannot share VRID 2 with its eth0 VIPs; its twice-listed VIP once */
	assert_null(strstr(y, "198.51.100.9"));
	assert_true(has_msg(&f.msgs, "lb1.conf", 37, false, "has VIPs on eth0 and on eth2"));
	assert_true(has_msg(&f.msgs, "lb1.conf", 38, false, "is listed already (lb1.conf:36)"));
	/* ping6 of an address: the gw method and the IPv6 gateway */
	assert_has(y, "    gateway: {ipv6: \"2001:db8::1\"}\n");
	assert_has(y, "        - {address: \"2001:db8::10/64\", vrid: 3, clusterIpMethod: gw}\n");
	/* V3 is multicast without addresses: said, for both nodes */
	assert_true(has_msg(&f.msgs, "lb1.conf", 41, false, "gives node lb1's address on eth3"));
	assert_true(has_msg(&f.msgs, "lb2.conf", 41, false, "gives node lb2's address on eth3"));
	assert_has(y, "      unicast: false\n");
	/* V4 is in lb1.conf only */
	assert_true(has_msg(&f.msgs, "lb1.conf", 52, false, "has no twin in lb2.conf"));
	assert_null(strstr(y, "192.0.2.40"));
	fx_done_pair(&f, y);
}

/* Once the model knows vrrp.virtual_mac, use_vmac is carried over. */
static void test_virtual_mac_when_known(void **state)
{
	static const struct mem_file files[] = {
	    {"a", INST("V", "eth0", 1, 150, "192.0.2.2", "192.0.2.3",
		       "  use_vmac\n  virtual_ipaddress {\n    192.0.2.9/24\n  }\n")},
	    {"b", INST("V", "eth0", 1, 100, "192.0.2.3", "192.0.2.2",
		       "  use_vmac\n  virtual_ipaddress {\n    192.0.2.9/24\n  }\n")},
	};
	struct kad_import_opts o = {.nodes = {"a", "b"}, .virtual_mac_known = true};
	struct kad_tree t1, t2;
	struct fixture f;
	char *y = NULL;

	(void)state;
	fx_init(&f, files, 2);
	t1 = parse(&f, "a", "a");
	t2 = parse(&f, "b", "b");
	assert_int_equal(kad_import(&f.a, &t1, &t2, &o, &y, &f.msgs), 0);
	assert_has(y, "      virtual_mac: true\n");
	assert_false(has_msg_quiet(&f.msgs, "use_vmac"));
	free(y);
	fx_done(&f);
}

static void test_yaml_quoting(void **state)
{
	struct fixture f;
	int rc;
	char *y;
	struct kad_import_opts o = {.nodes = {"no", "1"}, .cluster_name = "a \"b\": c\xff\xc3\xa9"};
	static const struct mem_file files[] = {
	    {"a", INST("V", "eth0", 1, 150, "192.0.2.2", "192.0.2.3",
		       "  virtual_ipaddress {\n    192.0.2.9/24\n  }\n")},
	    {"b", INST("V", "eth0", 1, 100, "192.0.2.3", "192.0.2.2",
		       "  virtual_ipaddress {\n    192.0.2.9/24\n  }\n")},
	};
	struct kad_tree t1, t2;

	(void)state;
	fx_init(&f, files, 2);
	t1 = parse(&f, "a", "no");
	t2 = parse(&f, "b", "1");
	rc = kad_import(&f.a, &t1, &t2, &o, &y, &f.msgs);
	assert_int_equal(rc, 0);
	/* a byte that is not UTF-8 is escaped; UTF-8 (U+00E9) stays as it is */
	assert_has(y, "  name: \"a \\\"b\\\": c\\xff\xc3\xa9\"\n  nodes: [\"no\", \"1\"]\n");
	free(y);
	fx_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_comments_quotes),
	    cmocka_unit_test(test_one_line_blocks),
	    cmocka_unit_test(test_conditionals),
	    cmocka_unit_test(test_parameters),
	    cmocka_unit_test(test_include_globs),
	    cmocka_unit_test(test_split_command),
	    cmocka_unit_test(test_active_active),
	    cmocka_unit_test(test_contradictions),
	    cmocka_unit_test(test_nothing_usable),
	    cmocka_unit_test(test_groups_and_hooks),
	    cmocka_unit_test(test_vips_and_scripts),
	    cmocka_unit_test(test_virtual_mac_when_known),
	    cmocka_unit_test(test_yaml_quoting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
