/* vipctl explain [TYPE|SECTION]: the keys a kind or section accepts, from
 * the same tables the loader enforces. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/kinds/kind.h"

struct explain_target {
	const char *name;
	const char *summary;
	const struct key_table *own;
	bool with_common; /* interface kinds accept the common keys too */
};

static const struct explain_target sections[] = {
    {"cluster", "the cluster: its name, nodes and defaults", &cluster_keys, false},
    {"vrrp", "VRRP parameters (cluster.vrrp, or an interface's vrrp)", &vrrp_keys, false},
    {"garp", "gratuitous ARP / unsolicited NA on takeover (cluster.garp)", &garp_keys, false},
    {"gateway_check", "gateway probes (cluster.gateway_check, or an interface's)", &gwcheck_keys,
     false},
    {"bfd", "BFD sessions, one per advert path (cluster.bfd, or an interface's)", &bfd_keys, false},
    {"checks", "local service checks, by name (checks: NAME: {type: ...}); vrrp.track follows them",
     &check_keys, false},
    {"sync_groups", "instances that hand over together (sync_groups: NAME: {...})",
     &sync_group_keys, false},
    {"hooks", "transition hooks (cluster.hooks, or a sync group's)", &hooks_keys, false},
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* A nested table that is a section of its own is explained on its own
 * (`vipctl explain vrrp`); others (priority) are shown inline. */
static bool is_section(const struct key_table *t)
{
	for (size_t i = 0; i < N_SECTIONS; i++)
		if (sections[i].own == t)
			return true;
	return false;
}

static void key_row_text(const struct key_spec *k, const char *prefix)
{
	char range[256], def[64], name[64];

	snprintf(name, sizeof(name), "%s%s", prefix, k->name);
	keys_describe_range(k, range, sizeof(range));
	keys_describe_default(k, def, sizeof(def));
	/* a long default (gateway_check.timeout: "80% of interval") or a long
	 * range ends the first line, so the columns stay aligned */
	if (strlen(def) > 11)
		printf("  %-26s %-9s %s\n  %-26s %-9s %-11s %-34s %s\n", name, keys_type_name(k),
		       def, "", "", "", range, k->help ? k->help : "");
	else if (strlen(range) > 34)
		printf("  %-26s %-9s %-11s %s\n  %-26s %-9s %-11s %-34s %s\n", name,
		       keys_type_name(k), def, range, "", "", "", "", k->help ? k->help : "");
	else
		printf("  %-26s %-9s %-11s %-34s %s\n", name, keys_type_name(k), def, range,
		       k->help ? k->help : "");
	if (k->type == KT_STRUCT && !is_section(k->sub)) {
		char sub[64];

		snprintf(sub, sizeof(sub), "%s%s.", prefix, k->name);
		for (size_t i = 0; i < k->sub->n; i++)
			key_row_text(&k->sub->keys[i], sub);
	}
}

static void table_text(const struct key_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		key_row_text(&t->keys[i], "");
}

/* A mapping with a fixed table lists its keys, recursively, so one call
 * gives the whole tree. */
static json_t *key_json(const struct key_spec *k, bool common)
{
	char range[256], def[64];
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(k->name));
	json_object_set_new(o, "type", json_string(keys_type_name(k)));
	json_object_set_new(o, "required", json_boolean(k->required));
	json_object_set_new(o, "default",
			    k->has_default ? json_string(keys_describe_default(k, def, sizeof(def)))
					   : json_null());
	json_object_set_new(o, "range", json_string(keys_describe_range(k, range, sizeof(range))));
	json_object_set_new(o, "common", json_boolean(common));
	json_object_set_new(o, "help", json_string(k->help ? k->help : ""));
	if (k->type == KT_STRUCT) {
		json_t *keys = json_array();

		for (size_t i = 0; i < k->sub->n; i++)
			json_array_append_new(keys, key_json(&k->sub->keys[i], false));
		json_object_set_new(o, "keys", keys);
	}
	return o;
}

static void print_json(json_t *root)
{
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
}

static int explain_one(const struct explain_target *t, bool json)
{
	if (json) {
		json_t *root = json_object(), *keys = json_array();

		json_object_set_new(root, "type", json_string(t->name));
		json_object_set_new(root, "summary", json_string(t->summary));
		if (t->with_common)
			for (size_t i = 0; i < common_iface_keys.n; i++)
				json_array_append_new(keys,
						      key_json(&common_iface_keys.keys[i], true));
		for (size_t i = 0; i < t->own->n; i++)
			json_array_append_new(keys, key_json(&t->own->keys[i], false));
		json_object_set_new(root, "keys", keys);
		print_json(root);
		return EXIT_OK;
	}
	printf("%s: %s\n\n", t->name, t->summary);
	printf("  %-26s %-9s %-11s %-34s %s\n", "KEY", "TYPE", "DEFAULT", "VALUES", "MEANING");
	if (t->own->n) {
		if (t->with_common)
			printf(" %s keys:\n", t->name);
		table_text(t->own);
	}
	if (t->with_common) {
		printf(" keys of every interface:\n");
		table_text(&common_iface_keys);
	}
	return EXIT_OK;
}

static json_t *entry_json(const char *name, const char *summary)
{
	return json_pack("{s:s, s:s}", "name", name, "summary", summary);
}

/* Without TYPE: what can be explained. */
static int explain_list(bool json)
{
	const struct iface_kind *kind;
	json_t *root, *types, *secs;

	if (!json) {
		printf("interface types:\n");
		for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
			kind = iface_kind_get((enum iface_type)t);
			printf("  %-14s %s\n", kind->name, kind->summary);
		}
		printf("sections:\n");
		for (size_t i = 0; i < N_SECTIONS; i++)
			printf("  %-14s %s\n", sections[i].name, sections[i].summary);
		printf("\nvipctl explain TYPE|SECTION shows its keys.\n");
		return EXIT_OK;
	}
	root = json_object();
	types = json_array();
	secs = json_array();
	for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
		kind = iface_kind_get((enum iface_type)t);
		json_array_append_new(types, entry_json(kind->name, kind->summary));
	}
	for (size_t i = 0; i < N_SECTIONS; i++)
		json_array_append_new(secs, entry_json(sections[i].name, sections[i].summary));
	json_object_set_new(root, "types", types);
	json_object_set_new(root, "sections", secs);
	print_json(root);
	return EXIT_OK;
}

int cmd_explain(struct cli_opts *o)
{
	static const struct key_table none = {.name = "", .keys = NULL, .n = 0};
	const char *what = o->argc > 0 ? o->argv[0] : NULL;
	const struct iface_kind *kind;

	if (!what)
		return explain_list(o->json);
	kind = iface_kind_by_name(what);
	if (kind) {
		struct explain_target t = {kind->name, kind->summary,
					   kind->keys.n ? &kind->keys : &none, true};

		return explain_one(&t, o->json);
	}
	for (size_t i = 0; i < N_SECTIONS; i++)
		if (strcmp(sections[i].name, what) == 0)
			return explain_one(&sections[i], o->json);
	fprintf(stderr, "vipctl: error: explain: '%s' is not a type (%s) nor a section (", what,
		iface_kind_list());
	for (size_t i = 0; i < N_SECTIONS; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", sections[i].name);
	fprintf(stderr, ")\n");
	return EXIT_BADCONF;
}
