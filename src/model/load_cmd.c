/* The values of issue 13's key types that load_value hands over: an
 * address (KT_ADDR), a command (KT_ARGV) and vrrp.track (KT_TRACK). The
 * track's names are resolved by validate_checks.c. */
#include <stdio.h>
#include <string.h>

#include "model/load.h"

#define NAME_MAX_LEN 63

static const char *text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* Check and group names appear in status, events and metric labels. */
bool load_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

void load_addr_value(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
		     struct addr_val *out, const char *ctx)
{
	const char *why;

	out->pos = load_pos(val);
	if (ip_parse(text(val), false, &out->v, &why) < 0) {
		diag_error(lc->dl, load_pos(val), "%s: %s '%s' %s", ctx, k->name, text(val), why);
		out->bad = true;
		return;
	}
	out->set = true;
}

/* One word of a command: a non-empty scalar. */
static const char *argv_word(struct load_ctx *lc, const char *key, yaml_node_t *n, const char *ctx)
{
	if (n->type != YAML_SCALAR_NODE) {
		diag_error(lc->dl, load_pos(n), "%s: %s: each word must be a string, got %s", ctx,
			   key, load_node_what(n));
		return NULL;
	}
	if (!*text(n)) {
		diag_error(lc->dl, load_pos(n), "%s: %s: empty word", ctx, key);
		return NULL;
	}
	return arena_strdup(&lc->m->arena, text(n));
}

void load_argv(struct load_ctx *lc, const char *key, yaml_node_t *val, struct argv_val *out,
	       const char *ctx)
{
	size_t n = val->type == YAML_SEQUENCE_NODE ? seq_len(val) : 1, argc = 0;
	const char **argv;
	bool ok = true;

	out->pos = load_pos(val);
	if (val->type == YAML_MAPPING_NODE) {
		diag_error(lc->dl, load_pos(val),
			   "%s: %s must be a path or a list [PATH, ARG, ...], got a mapping", ctx,
			   key);
		return;
	}
	if (n == 0) {
		diag_error(lc->dl, load_pos(val),
			   "%s: %s is an empty list; it needs at least the program's path", ctx,
			   key);
		return;
	}
	argv = arena_alloc(&lc->m->arena, (n + 1) * sizeof(*argv));
	if (val->type == YAML_SCALAR_NODE) {
		ok = (argv[argc++] = argv_word(lc, key, val, ctx)) != NULL;
	} else {
		for (yaml_node_item_t *it = val->data.sequence.items.start;
		     it < val->data.sequence.items.top; it++) {
			const char *w = argv_word(lc, key, load_node(lc, *it), ctx);

			ok = ok && w;
			argv[argc++] = w;
		}
	}
	if (!ok)
		return;
	if (argv[0][0] != '/') {
		yaml_node_t *first = val->type == YAML_SEQUENCE_NODE
					 ? load_node(lc, *val->data.sequence.items.start)
					 : val;

		diag_error(lc->dl, load_pos(first),
			   "%s: %s '%s' is not an absolute path; commands run without a shell "
			   "and without PATH search (write e.g. /usr/local/bin/%s)",
			   ctx, key, argv[0], argv[0]);
		return;
	}
	out->argv = argv;
	out->argc = argc;
	out->set = true;
}

/* ---- vrrp.track ---- */

static bool parse_weight(const char *s, int32_t *out)
{
	long v = 0;
	bool neg = *s == '-';

	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = (int32_t)(neg ? -v : v);
	return true;
}

static void load_weight(struct load_ctx *lc, yaml_node_t *val, struct track_ref *r, const char *ctx)
{
	int32_t w;

	r->weight_pos = load_pos(val);
	if (val->type != YAML_SCALAR_NODE || !parse_weight(text(val), &w)) {
		diag_error(lc->dl, load_pos(val),
			   "%s: track: weight must be an integer in -253..-1 or 1..253, got %s",
			   ctx, val->type == YAML_SCALAR_NODE ? text(val) : load_node_what(val));
		return;
	}
	if (w == 0) {
		diag_error(lc->dl, load_pos(val),
			   "%s: track: weight 0 would change nothing; write the bare check name "
			   "to resign while it fails, or a weight in -253..-1 or 1..253",
			   ctx);
		return;
	}
	if (w < -253 || w > 253) {
		diag_error(lc->dl, load_pos(val),
			   "%s: track: weight %d out of range -253..-1 or 1..253 (priorities are "
			   "1..254)",
			   ctx, (int)w);
		return;
	}
	r->weight = w;
	r->has_weight = true;
}

static bool set_track_name(struct load_ctx *lc, yaml_node_t *n, struct track_ref *r,
			   const char *ctx)
{
	if (n->type != YAML_SCALAR_NODE || !load_valid_name(text(n))) {
		diag_error(lc->dl, load_pos(n), "%s: track: a check name must be %s, got %s", ctx,
			   NAME_RULE, n->type == YAML_SCALAR_NODE ? text(n) : load_node_what(n));
		return false;
	}
	r->name = arena_strdup(&lc->m->arena, text(n));
	r->pos = load_pos(n);
	return true;
}

/* {check: NAME, weight: W} */
static bool load_track_map(struct load_ctx *lc, yaml_node_t *map, struct track_ref *r,
			   const char *ctx)
{
	char sub[160];
	bool named = false;

	snprintf(sub, sizeof(sub), "%s: track", ctx);
	load_check_dup_keys(lc, map, sub);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key), *val = load_node(lc, p->value);

		if (!load_expect(lc, key, YAML_SCALAR_NODE, sub, "a key") ||
		    load_key_repeated(lc, map, p))
			continue;
		if (strcmp(text(key), "check") == 0)
			named = set_track_name(lc, val, r, ctx);
		else if (strcmp(text(key), "weight") == 0)
			load_weight(lc, val, r, ctx);
		else
			diag_error(lc->dl, load_pos(key),
				   "%s: unknown key '%s' in a track entry (allowed: check, weight)",
				   sub, text(key));
	}
	if (!named && !r->name) {
		diag_error(lc->dl, load_pos(map), "%s: track: entry without 'check: NAME'", ctx);
		return false;
	}
	return named;
}

void load_track(struct load_ctx *lc, const char *key, yaml_node_t *val, struct track_list *out,
		const char *ctx)
{
	size_t n;

	if (!load_expect(lc, val, YAML_SEQUENCE_NODE, ctx, key))
		return;
	n = seq_len(val);
	out->v = arena_alloc(&lc->m->arena, (n ? n : 1) * sizeof(*out->v));
	out->set = true;
	out->pos = load_pos(val);
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     it < val->data.sequence.items.top; it++) {
		yaml_node_t *item = load_node(lc, *it);
		struct track_ref *r = &out->v[out->n];
		bool ok;

		memset(r, 0, sizeof(*r));
		r->pos = load_pos(item);
		if (item->type == YAML_MAPPING_NODE)
			ok = load_track_map(lc, item, r, ctx);
		else
			ok = set_track_name(lc, item, r, ctx);
		if (!ok)
			continue;
		for (size_t j = 0; j < out->n; j++) {
			if (strcmp(out->v[j].name, r->name) == 0) {
				diag_error(lc->dl, r->pos,
					   "%s: track: check %s is listed twice (first at %d:%d)",
					   ctx, r->name, out->v[j].pos.line, out->v[j].pos.col);
				ok = false;
				break;
			}
		}
		if (ok)
			out->n++;
	}
}
