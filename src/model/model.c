/* Top level of the file and the model's lifecycle. */
#include "model/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model/kinds/kind.h"
#include "model/load.h"
#include "model/load_limits.h"
#include "model/validate.h"

static void load_nodes(struct load_ctx *lc, yaml_node_t *val)
{
	struct model *m = lc->m;
	int n = 0;

	if (!load_expect(lc, val, YAML_SEQUENCE_NODE, "cluster", "nodes"))
		return;
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     it < val->data.sequence.items.top; it++, n++) {
		yaml_node_t *item = load_node(lc, *it);
		const char *name;

		if (n >= MODEL_NODES) {
			diag_error(
			    lc->dl, load_pos(item),
			    "cluster: nodes lists %d nodes; a vipd cluster is exactly two "
			    "nodes",
			    (int)(val->data.sequence.items.top - val->data.sequence.items.start));
			return;
		}
		if (!load_expect(lc, item, YAML_SCALAR_NODE, "cluster", "a node name"))
			continue;
		name = (const char *)item->data.scalar.value;
		if (!*name) {
			diag_error(lc->dl, load_pos(item), "cluster: empty node name");
			continue;
		}
		m->nodes[n].v = arena_strdup(&m->arena, name);
		m->nodes[n].pos = load_pos(item);
	}
	if (n < MODEL_NODES)
		diag_error(lc->dl, load_pos(val),
			   "cluster: nodes lists %d node%s; a vipd cluster is exactly two nodes", n,
			   n == 1 ? "" : "s");
	else if (m->nodes[0].v && m->nodes[1].v && strcmp(m->nodes[0].v, m->nodes[1].v) == 0)
		diag_error(lc->dl, m->nodes[1].pos, "cluster: node name '%s' is listed twice",
			   m->nodes[1].v);
}

static void load_cluster_name(struct load_ctx *lc, yaml_node_t *val)
{
	struct model *m = lc->m;

	if (!load_expect(lc, val, YAML_SCALAR_NODE, "cluster", "name"))
		return;
	m->cluster_name.v = arena_strdup(&m->arena, (const char *)val->data.scalar.value);
	m->cluster_name.pos = load_pos(val);
	if (!*m->cluster_name.v)
		diag_error(lc->dl, load_pos(val), "cluster: name must not be empty");
}

/* Missing keys are reported at the `cluster:` key itself (at). */
static void load_cluster(struct load_ctx *lc, yaml_node_t *map, struct src_pos at)
{
	const struct key_table *tables[] = {&cluster_keys};
	struct model *m = lc->m;
	bool have_name = false, have_nodes = false;

	load_check_dup_keys(lc, map, "cluster");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key), *val = load_node(lc, p->value);
		const struct key_spec *k;
		const char *name;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, "cluster", "a key") ||
		    load_key_repeated(lc, map, p))
			continue;
		name = (const char *)key->data.scalar.value;
		k = keys_find(&cluster_keys, name);
		if (!k) {
			load_unknown_key(lc, key, "cluster", tables, 1, false);
		} else if (strcmp(name, "name") == 0) {
			have_name = true;
			load_cluster_name(lc, val);
		} else if (strcmp(name, "nodes") == 0) {
			have_nodes = true;
			load_nodes(lc, val);
		} else {
			if (strcmp(name, "hooks") == 0)
				m->hooks.pos = load_pos(val);
			load_value(lc, k, val, m, "cluster");
		}
	}
	/* A key that is present but wrong has its own error already. */
	if (!have_name)
		diag_error(lc->dl, at, "cluster: missing required key 'name' (%s)",
			   keys_find(&cluster_keys, "name")->help);
	if (!have_nodes)
		diag_error(lc->dl, at, "cluster: missing required key 'nodes' (%s)",
			   keys_find(&cluster_keys, "nodes")->help);
}

/* Keys of the vrrp table that name something of one interface: as a
 * cluster default every interface would inherit them. */
static void reject_interface_only(struct load_ctx *lc)
{
	/* A VRID names one router on one segment: as a cluster default every
	 * interface would inherit it, and stacked ones would collide. */
	if (lc->m->vrrp.virtual_router_id.set) {
		diag_error(
		    lc->dl, lc->m->vrrp.virtual_router_id.pos,
		    "cluster.vrrp: virtual_router_id cannot be a cluster default; set it in "
		    "the vrrp of the interface it belongs to (automatic VRIDs are unique per "
		    "segment)");
		lc->m->vrrp.virtual_router_id.set = false;
	}
	/* A dedicated advert link belongs to the interfaces that use it. */
	if (lc->m->vrrp.via.v) {
		diag_error(lc->dl, lc->m->vrrp.via.pos,
			   "cluster.vrrp: via cannot be a cluster default; set it in the vrrp of "
			   "each interface whose adverts go over %s",
			   lc->m->vrrp.via.v);
		lc->m->vrrp.via.v = NULL;
	}
}

static void load_root(struct load_ctx *lc, yaml_node_t *root)
{
	const struct key_table *tables[] = {&file_keys};
	yaml_node_t *cluster = NULL, *ifaces = NULL, *checks = NULL, *groups = NULL;
	struct src_pos cluster_at = {0, 0};

	if (!load_expect(lc, root, YAML_MAPPING_NODE, "file", "the top level"))
		return;
	load_check_dup_keys(lc, root, "file");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);
		const char *name;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, "file", "a key"))
			continue;
		name = (const char *)key->data.scalar.value;
		if (strcmp(name, "cluster") == 0 && !cluster) {
			cluster = load_node(lc, p->value);
			cluster_at = load_pos(key);
		} else if (strcmp(name, "interfaces") == 0 && !ifaces) {
			ifaces = load_node(lc, p->value);
		} else if (strcmp(name, "checks") == 0 && !checks) {
			checks = load_node(lc, p->value);
		} else if (strcmp(name, "sync_groups") == 0 && !groups) {
			groups = load_node(lc, p->value);
		} else if (!keys_find(&file_keys, name)) {
			load_unknown_key(lc, key, "file", tables, 1, false);
		}
	}
	/* The cluster first: interfaces refer to its node names. */
	if (!cluster)
		diag_error(lc->dl, load_pos(root), "file: missing required section 'cluster'");
	else if (load_expect(lc, cluster, YAML_MAPPING_NODE, "file", "cluster"))
		load_cluster(lc, cluster, cluster_at);
	reject_interface_only(lc);
	keys_apply_defaults(&vrrp_keys, &lc->m->vrrp);
	keys_apply_defaults(&garp_keys, &lc->m->garp);
	keys_apply_defaults(&gwcheck_keys, &lc->m->gwcheck);
	model_gwcheck_resolve_timeout(&lc->m->gwcheck);
	keys_apply_defaults(&bfd_keys, &lc->m->bfd);
	model_bfd_resolve(&lc->m->bfd);
	load_hooks_done(&lc->m->hooks, cluster_at);
	if (checks && load_expect(lc, checks, YAML_MAPPING_NODE, "file", "checks"))
		load_checks(lc, checks);
	if (groups && load_expect(lc, groups, YAML_MAPPING_NODE, "file", "sync_groups"))
		load_sync_groups(lc, groups);
	if (!ifaces)
		diag_error(lc->dl, load_pos(root), "file: missing required section 'interfaces'");
	else if (load_expect(lc, ifaces, YAML_MAPPING_NODE, "file", "interfaces"))
		load_interfaces(lc, ifaces);
}

/* The byte at a libyaml mark, found by line and column (columns count
 * characters, so step over UTF-8 continuation bytes). */
static int byte_at(const char *buf, size_t len, const yaml_mark_t *mk)
{
	size_t i = 0, line = 0, col = 0;

	while (i < len && line < mk->line)
		if (buf[i++] == '\n')
			line++;
	while (i < len && col < mk->column && buf[i] != '\n') {
		i++;
		while (i < len && ((unsigned char)buf[i] & 0xc0) == 0x80)
			i++;
		col++;
	}
	return i < len ? (unsigned char)buf[i] : -1;
}

/* libyaml's context ("while parsing a flow mapping") names where the
 * construct began, which for an unclosed '{' or quote is what the user
 * must find; "while scanning for the next token" says nothing. */
static void report_yaml_error(struct diag_list *dl, const yaml_parser_t *p, const char *buf,
			      size_t len)
{
	const yaml_mark_t *mk = p->problem ? &p->problem_mark : &p->context_mark;
	struct src_pos pos = {.line = (int)mk->line + 1, .col = (int)mk->column + 1};
	const char *problem = p->problem ? p->problem : "error";
	const char *ctx = p->context;

	if (byte_at(buf, len, mk) == '\t') {
		diag_error(dl, pos, "YAML syntax: tab character; YAML indents with spaces only");
		return;
	}
	if (strcmp(problem, "mapping values are not allowed in this context") == 0) {
		diag_error(dl, pos,
			   "YAML syntax: mapping values are not allowed here (is this line "
			   "indented too far, or a ': ' inside an unquoted value?)");
		return;
	}
	if (ctx && strcmp(ctx, "while scanning for the next token") == 0)
		ctx = NULL;
	if (ctx && (strncmp(ctx, "while parsing a ", 16) == 0 ||
		    strncmp(ctx, "while scanning a ", 17) == 0))
		diag_error(dl, pos, "YAML syntax: %s in the %s that starts at %d:%d", problem,
			   strstr(ctx, " a ") + 3, (int)p->context_mark.line + 1,
			   (int)p->context_mark.column + 1);
	else if (ctx)
		diag_error(dl, pos, "YAML syntax: %s %s", problem, ctx);
	else
		diag_error(dl, pos, "YAML syntax: %s", problem);
}

static int parse_document(const char *buf, size_t len, yaml_document_t *doc, struct diag_list *dl)
{
	yaml_parser_t parser;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, doc)) {
		report_yaml_error(dl, &parser, buf, len);
		rc = -EINVAL;
	} else if (!yaml_document_get_root_node(doc)) {
		diag_error(dl, (struct src_pos){0, 0},
			   "the file is empty; it needs the sections cluster: and interfaces:");
		yaml_document_delete(doc);
		rc = -EINVAL;
	}
	yaml_parser_delete(&parser);
	return rc;
}

int model_load_buffer(const char *buf, size_t len, const char *file, struct model **out,
		      struct diag_list *dl)
{
	struct model *m = calloc(1, sizeof(*m));
	yaml_document_t doc;
	struct load_ctx lc = {.m = m, .doc = &doc, .dl = dl};
	size_t errors_before = dl->errors;

	if (!m)
		return -ENOMEM;
	arena_init(&m->arena);
	strmap_init(&m->by_name);
	strmap_init(&m->by_peer_name);
	strmap_init(&m->by_check);
	m->file = arena_strdup(&m->arena, file);
	*out = m;
	if (memchr(buf, '\0', len)) {
		diag_error(dl, (struct src_pos){0, 0},
			   "the file contains a NUL byte; not YAML text");
		return -EINVAL;
	}
	if (load_check_limits(buf, len, dl) < 0 || parse_document(buf, len, &doc, dl) < 0)
		return -EINVAL;
	load_root(&lc, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	/* Validation runs even after parse errors so that one mistake does not
	 * hide the others; order and compile need a consistent model. */
	model_validate(m, dl);
	if (dl->errors == errors_before)
		model_order(m, dl);
	if (dl->errors == errors_before)
		model_compile(m, dl);
	if (dl->errors == errors_before)
		model_link_groups(m, dl);
	if (dl->errors == errors_before)
		model_vmac(m, dl);
	return dl->errors == errors_before ? 0 : -EINVAL;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	strmap_done(&m->by_name);
	strmap_done(&m->by_peer_name);
	strmap_done(&m->by_check);
	arena_done(&m->arena);
	free(m);
}
