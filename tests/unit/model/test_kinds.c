/* Every model kind fills every hook of struct iface_kind, and the
 * registries find it by its type, its name and its netlink kind. The
 * hooks answer on a file with one interface of each kind. */
#include "model_test.h"

#include "model/kinds/kind.h"

static void test_every_hook(void **state)
{
	(void)state;
	for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
		const struct iface_kind *k = iface_kind_get((enum iface_type)t);

		assert_non_null(k);
		assert_int_equal(k->type, t);
		assert_non_null(k->name);
		assert_non_null(k->summary);
		assert_non_null(k->check);
		assert_non_null(k->members);
		assert_non_null(k->ports_down);
		assert_non_null(k->pair_peer);
		assert_in_range(k->deletion_rank, 0, 2);
		assert_non_null(k->link_opts);
		assert_non_null(k->same_creation);
		assert_non_null(k->create_text);
		assert_non_null(k->show);
		assert_non_null(k->show_line);
		assert_int_not_equal(k->ports, KIND_PORTS_UNSET);
		assert_int_not_equal(k->segment, KIND_SEGMENT_UNSET);
		assert_ptr_equal(iface_kind_by_name(k->name), k);
		if (k->netlink_kind)
			assert_string_equal(iface_kind_by_netlink(k->netlink_kind)->netlink_kind,
					    k->netlink_kind);
	}
	assert_null(iface_kind_by_netlink("dummy"));
}

/* A kind has ports exactly when it has members, and its ports rule says
 * what they are; only a kind with ports makes them share its segment. */
static void test_ports_agree_with_members(void **state)
{
	(void)state;
	for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
		const struct iface_kind *k = iface_kind_get((enum iface_type)t);
		bool has_members = k->members != iface_kind_no_members;

		assert_int_equal(has_members, k->ports != KIND_PORTS_NONE);
		if (k->segment == KIND_SEGMENT_PORTS)
			assert_int_not_equal(k->ports, KIND_PORTS_NONE);
		/* a kind whose ports are enslaved down is an aggregate */
		if (k->ports_down != iface_kind_no_ports_down)
			assert_int_equal(k->ports, KIND_PORTS_AGGREGATE);
	}
}

/* One interface of each kind. */
static const char every_kind[] = "cluster:\n"
				 "  name: kinds\n"
				 "  nodes: [a, b]\n"
				 "interfaces:\n"
				 "  eth0: {type: ethernet}\n"
				 "  eth1: {type: ethernet}\n"
				 "  eth2: {type: ethernet}\n"
				 "  eth3: {type: ethernet}\n"
				 "  eth4: {type: ethernet}\n"
				 "  bond0: {type: lacp, members: [eth0, eth1], min_links: 1}\n"
				 "  bond1: {type: bond, members: [eth2], primary: eth2}\n"
				 "  vlan7: {type: vlan, parent: bond0, id: 7}\n"
				 "  mv0: {type: veth, parent: eth3, mode: private}\n"
				 "  tap0: {type: veth-peer, namespace: blue, peer: tap0-host}\n"
				 "  br0: {type: bridge, members: [eth4, tap0-host], stp: true}\n";

struct shown {
	int keys;
	char text[512];
};

static void shown_key(struct shown *s, const char *key, const char *value)
{
	size_t n = strlen(s->text);

	assert_non_null(key);
	assert_true(*key);
	snprintf(s->text + n, sizeof(s->text) - n, "%s=%s;", key, value);
	s->keys++;
}

static void sh_str(void *ctx, const char *key, const char *v)
{
	shown_key(ctx, key, v ? v : "null");
}

static void sh_num(void *ctx, const char *key, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	shown_key(ctx, key, buf);
}

static void sh_flag(void *ctx, const char *key, bool v)
{
	shown_key(ctx, key, v ? "true" : "false");
}

static void sh_names(void *ctx, const char *key, const struct names_val *v)
{
	char buf[128] = "";

	for (size_t i = 0; i < v->n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "," : "",
			 v->v[i].name);
	shown_key(ctx, key, buf);
}

static const char *ns_text(const char *ns)
{
	return *ns ? ns : "default";
}

/* What each hook answers for one interface of every kind: the options the
 * planner asks for, the create text and what `vipctl show` prints. */
static void test_hooks_answer_for_every_kind(void **state)
{
	static const struct {
		const char *name, *create, *show, *line;
	} want[] = {
	    {"eth0", NULL, "", ""}, /* never created */
	    {"bond0", "create bond bond0 (802.3ad, lacp_rate slow, layer2)",
	     "members=eth0,eth1;mode=802.3ad;miimon_ms=100;xmit_hash_policy=layer2;"
	     "lacp_rate=slow;min_links=1;",
	     ""},
	    {"bond1", "create bond bond1 (active-backup)",
	     "members=eth2;mode=active-backup;miimon_ms=100;xmit_hash_policy=layer2;primary=eth2;",
	     ""},
	    {"vlan7", "create vlan vlan7 (parent bond0, id 7)", "parent=bond0;id=7;", " id 7"},
	    {"mv0", "create macvlan mv0 (parent eth3, mode private)", "parent=eth3;mode=private;",
	     ""},
	    {"tap0", "create veth tap0 in blue, peer tap0-host in default",
	     "peer=tap0-host;peer_namespace=null;peer_master=br0;", ""},
	    {"br0", "create bridge br0", "members=eth4,tap0-host;stp=true;forward_delay_ms=15000;",
	     ""},
	};
	struct model *m = mt_load_ok(every_kind);
	unsigned seen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct iface *ifc = &m->ifaces[model_iface_index(m, want[i].name)];
		struct shown s = {0};
		const struct kind_show_out out = {
		    .ctx = &s, .str = sh_str, .num = sh_num, .flag = sh_flag, .names = sh_names};
		struct link_opts o;
		char text[256];

		memset(&o, 0, sizeof(o));
		ifc->kind->link_opts(ifc, &o);
		assert_true(ifc->kind->same_creation(&o, &o));
		if (want[i].create) {
			ifc->kind->create_text(ifc, &o, ifc->netns.v ? ifc->netns.v : "", ns_text,
					       text, sizeof(text));
			assert_string_equal(text, want[i].create);
		}
		ifc->kind->show(m, ifc, &out);
		assert_string_equal(s.text, want[i].show);
		ifc->kind->show_line(ifc, text, sizeof(text));
		assert_string_equal(text, want[i].line);
		seen |= 1u << ifc->type;
	}
	assert_int_equal(seen, (1u << IFACE_TYPE_COUNT) - 1);
	model_free(m);
}

/* The options each kind's link only takes at creation: one changed, the
 * live link no longer serves. */
static void test_same_creation_sees_each_option(void **state)
{
	struct model *m = mt_load_ok(every_kind);
	struct link_opts want, have;
	const struct iface *ifc;

	(void)state;
#define CHANGED(name, change)                                                                      \
	do {                                                                                       \
		ifc = &m->ifaces[model_iface_index(m, name)];                                      \
		memset(&want, 0, sizeof(want));                                                    \
		ifc->kind->link_opts(ifc, &want);                                                  \
		have = want;                                                                       \
		change;                                                                            \
		assert_false(ifc->kind->same_creation(&want, &have));                              \
	} while (0)
	CHANGED("vlan7", have.vlan_id = 8);
	CHANGED("vlan7", snprintf(have.parent, sizeof(have.parent), "bond1"));
	CHANGED("mv0", have.macvlan_mode = 4);
	CHANGED("mv0", snprintf(have.parent, sizeof(have.parent), "eth0"));
	CHANGED("bond1", have.bond_mode = 0);
	CHANGED("bond1", have.miimon_ms = 0);
	CHANGED("bond0", have.lacp_rate = 1);
	CHANGED("bond0", have.min_links = 2);
	CHANGED("br0", have.stp = false);
	CHANGED("br0", have.forward_delay_ms = 2000);
	CHANGED("tap0", snprintf(have.veth_peer, sizeof(have.veth_peer), "other"));
#undef CHANGED
	/* what may change on a live link, or what the kernel did not report */
	ifc = &m->ifaces[model_iface_index(m, "bond1")];
	memset(&want, 0, sizeof(want));
	ifc->kind->link_opts(ifc, &want);
	have = want;
	have.primary[0] = '\0';
	assert_true(ifc->kind->same_creation(&want, &have));
	ifc = &m->ifaces[model_iface_index(m, "vlan7")];
	memset(&want, 0, sizeof(want));
	ifc->kind->link_opts(ifc, &want);
	have = want;
	have.parent[0] = '\0';
	assert_true(ifc->kind->same_creation(&want, &have));
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_hook),
	    cmocka_unit_test(test_ports_agree_with_members),
	    cmocka_unit_test(test_hooks_answer_for_every_kind),
	    cmocka_unit_test(test_same_creation_sees_each_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
