/* YAML → model. Internal to src/model. */
#ifndef VIPD_MODEL_LOAD_H
#define VIPD_MODEL_LOAD_H

#include <yaml.h>

#include "model/keys.h"
#include "model/model.h"

struct load_ctx {
	struct model *m;
	yaml_document_t *doc;
	struct diag_list *dl;
};

struct src_pos load_pos(const yaml_node_t *n);
yaml_node_t *load_node(struct load_ctx *lc, int index);
/* "a mapping", "a list", "a string" ... for "expected X, got Y" messages. */
const char *load_node_what(const yaml_node_t *n);
bool load_expect(struct load_ctx *lc, yaml_node_t *n, yaml_node_type_t type, const char *ctx,
		 const char *key);
/* Report every duplicate key of a mapping; true when there were none. */
bool load_check_dup_keys(struct load_ctx *lc, yaml_node_t *map, const char *ctx);
/* Is this pair's key used by an earlier pair of the map? Its duplicate is
 * reported by load_check_dup_keys; the first value wins and the repeat is
 * not parsed, so it cannot add errors of its own. Linear: small maps only. */
bool load_key_repeated(struct load_ctx *lc, yaml_node_t *map, const yaml_node_pair_t *pair);
/* Parse one value against its key spec into base. */
void load_value(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val, void *base,
		const char *ctx);
/* Report an unknown key, naming the kinds it belongs to or a near match. */
void load_unknown_key(struct load_ctx *lc, yaml_node_t *key, const char *ctx,
		      const struct key_table *const *tables, size_t n_tables, bool search_kinds);
/* Parse a whole mapping against one table (no special keys). */
void load_section(struct load_ctx *lc, yaml_node_t *map, const struct key_table *t, void *base,
		  const char *ctx);
bool load_valid_ifname(const char *s, const char **why);

/* load_cmd.c: the values of issue 13's key types */
/* Check and group names: 1..63 letters, digits, '-', '_' or '.'. */
#define NAME_RULE "1..63 letters, digits, '-', '_' or '.'"
bool load_valid_name(const char *s);
void load_addr_value(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
		     struct addr_val *out, const char *ctx);
void load_argv(struct load_ctx *lc, const char *key, yaml_node_t *val, struct argv_val *out,
	       const char *ctx);
void load_track(struct load_ctx *lc, const char *key, yaml_node_t *val, struct track_list *out,
		const char *ctx);
/* load_checks.c: the top-level sections checks: and sync_groups: */
void load_checks(struct load_ctx *lc, yaml_node_t *map);
void load_sync_groups(struct load_ctx *lc, yaml_node_t *map);
/* After the whole file: cluster.hooks' set flag (its keys go through the
 * cluster's table). */
void load_hooks_done(struct hooks_cfg *h, struct src_pos at);

/* Interface parsing: src/model/load_iface.c */
void load_interfaces(struct load_ctx *lc, yaml_node_t *map);

#endif
