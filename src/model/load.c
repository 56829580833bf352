/* Generic YAML walking: values against their key specs, key tables and
 * unknown keys (the nodes themselves: load_yaml.c; commands and tracks:
 * load_cmd.c). */
#include "model/load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "model/validate.h"

static const char *scalar_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool load_valid_ifname(const char *s, const char **why)
{
	size_t len = strlen(s);

	if (len == 0 || len > MODEL_NAME_MAX) {
		*why = "must be 1..15 characters (the kernel's IFNAMSIZ)";
		return false;
	}
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		*why = "cannot be '.' or '..'";
		return false;
	}
	for (const char *p = s; *p; p++) {
		if (*p == '/' || *p == ':' || *p == ' ' || *p == '\t' || (unsigned char)*p < 0x21 ||
		    (unsigned char)*p > 0x7e) {
			*why = "may not contain '/', ':', spaces or non-ASCII characters";
			return false;
		}
	}
	return true;
}

static bool valid_nsname(const char *s, const char **why)
{
	size_t len = strlen(s);

	if (len == 0 || len > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strchr(s, '/')) {
		*why = "must be 1..64 characters without '/'";
		return false;
	}
	return true;
}

static bool parse_u32_text(const char *s, uint32_t *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 0xffffffffULL)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool parse_mac_text(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (s[i * 3] == '+' || s[i * 3] == '-' || s[i * 3 + 1] == ':')
			return false;
		mac[i] = (uint8_t)b[i];
	}
	return true;
}

static void load_u32(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
		     struct u32_val *out, const char *ctx)
{
	const char *s = scalar_text(val);
	char range[64], got[96];
	uint32_t v;

	keys_describe_range(k, range, sizeof(range));
	if (!is_plain(val) || !parse_u32_text(s, &v)) {
		if (is_plain(val) && strcmp(load_node_what(val), "a scalar") == 0)
			snprintf(got, sizeof(got), "'%s'", s);
		else
			snprintf(got, sizeof(got), "%s", load_node_what(val));
		diag_error(lc->dl, load_pos(val), "%s: %s must be an integer (%s), got %s", ctx,
			   k->name, range, got);
		return;
	}
	if (v < k->min || v > k->max) {
		diag_error(lc->dl, load_pos(val), "%s: %s %u out of range %s", ctx, k->name, v,
			   range);
		return;
	}
	out->v = v;
	out->set = true;
}

/* Durations are text ("100ms") in YAML anyway, so a quoted one is accepted. */
static void load_duration(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
			  struct u32_val *out, const char *ctx)
{
	char range[160], a[32];
	const char *why;
	uint32_t ms;

	keys_describe_range(k, range, sizeof(range));
	if (keys_parse_duration(scalar_text(val), &ms, &why) < 0) {
		diag_error(lc->dl, load_pos(val), "%s: %s '%s' %s (allowed: %s)", ctx, k->name,
			   scalar_text(val), why, range);
		return;
	}
	if (ms < k->min || ms > k->max) {
		diag_error(lc->dl, load_pos(val), "%s: %s %s out of range %s", ctx, k->name,
			   scalar_text(val), range);
		return;
	}
	if (k->step && ms % k->step) {
		diag_error(lc->dl, load_pos(val), "%s: %s %s is not a multiple of %s (allowed: %s)",
			   ctx, k->name, scalar_text(val), model_fmt_duration(k->step, a), range);
		return;
	}
	out->v = ms;
	out->set = true;
}

static void load_enum(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
		      struct u32_val *out, const char *ctx)
{
	const char *s = scalar_text(val);
	const char *best = NULL;
	unsigned best_d = 3;
	char range[160];

	for (uint32_t i = 0; k->enum_names[i]; i++) {
		unsigned d = keys_edit_distance(s, k->enum_names[i]);

		if (d == 0) {
			out->v = i;
			out->set = true;
			return;
		}
		if (d < best_d) {
			best_d = d;
			best = k->enum_names[i];
		}
	}
	keys_describe_range(k, range, sizeof(range));
	if (best)
		diag_error(lc->dl, load_pos(val),
			   "%s: %s '%s' is not one of %s (did you mean '%s'?)", ctx, k->name, s,
			   range, best);
	else
		diag_error(lc->dl, load_pos(val), "%s: %s '%s' is not one of %s", ctx, k->name, s,
			   range);
}

static void load_names(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
		       struct names_val *out, const char *ctx)
{
	size_t n;

	if (!load_expect(lc, val, YAML_SEQUENCE_NODE, ctx, k->name))
		return;
	n = (size_t)(val->data.sequence.items.top - val->data.sequence.items.start);
	out->v = arena_alloc(&lc->m->arena, (n ? n : 1) * sizeof(*out->v));
	out->set = true;
	out->pos = load_pos(val);
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     it < val->data.sequence.items.top; it++) {
		yaml_node_t *item = load_node(lc, *it);
		const char *why;

		if (item->type != YAML_SCALAR_NODE) {
			diag_error(lc->dl, load_pos(item),
				   "%s: %s entries must be interface names, got %s", ctx, k->name,
				   load_node_what(item));
			continue;
		}
		if (!load_valid_ifname(scalar_text(item), &why)) {
			diag_error(lc->dl, load_pos(item), "%s: %s entry '%s' %s", ctx, k->name,
				   scalar_text(item), why);
			continue;
		}
		out->v[out->n].name = arena_strdup(&lc->m->arena, scalar_text(item));
		out->v[out->n].pos = load_pos(item);
		out->v[out->n].idx = -1;
		out->n++;
	}
}

static void load_string(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
			struct str_val *out, const char *ctx)
{
	const char *why = NULL;
	const char *s;

	if (!load_expect(lc, val, YAML_SCALAR_NODE, ctx, k->name))
		return;
	s = scalar_text(val);
	if (k->type == KT_IFNAME && !load_valid_ifname(s, &why)) {
		diag_error(lc->dl, load_pos(val), "%s: %s '%s' %s", ctx, k->name, s, why);
		return;
	}
	if (k->type == KT_NSNAME && !valid_nsname(s, &why)) {
		diag_error(lc->dl, load_pos(val), "%s: %s '%s' %s", ctx, k->name, s, why);
		return;
	}
	if (k->type == KT_STRING && !*s) {
		diag_error(lc->dl, load_pos(val), "%s: %s must not be empty", ctx, k->name);
		return;
	}
	out->v = arena_strdup(&lc->m->arena, s);
	out->pos = load_pos(val);
}

static void load_bool(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val,
		      struct bool_val *b, const char *ctx)
{
	const char *s = scalar_text(val);

	b->pos = load_pos(val);
	if (is_plain(val) && strcmp(s, "true") == 0) {
		b->v = b->set = true;
	} else if (is_plain(val) && strcmp(s, "false") == 0) {
		b->v = false;
		b->set = true;
	} else {
		diag_error(lc->dl, load_pos(val), "%s: %s must be true or false, got '%s'", ctx,
			   k->name, s);
	}
}

static void load_mac(struct load_ctx *lc, yaml_node_t *val, struct mac_val *m, const char *ctx)
{
	static const uint8_t zero[6];

	m->pos = load_pos(val);
	if (!parse_mac_text(scalar_text(val), m->v))
		diag_error(lc->dl, load_pos(val),
			   "%s: mac '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", ctx,
			   scalar_text(val));
	else if (m->v[0] & 1)
		diag_error(lc->dl, load_pos(val),
			   "%s: mac %s is a multicast address; an interface needs a unicast one "
			   "(first octet even)",
			   ctx, scalar_text(val));
	else if (memcmp(m->v, zero, 6) == 0)
		diag_error(lc->dl, load_pos(val),
			   "%s: mac %s is the all-zero address; the kernel refuses it", ctx,
			   scalar_text(val));
	else
		m->set = true;
}

void load_value(struct load_ctx *lc, const struct key_spec *k, yaml_node_t *val, void *base,
		const char *ctx)
{
	void *f = (char *)base + k->offset;
	char sub[160];

	if (k->type != KT_STRUCT && k->type != KT_IFNAMES && k->type != KT_SPECIAL &&
	    k->type != KT_ARGV && k->type != KT_TRACK &&
	    !load_expect(lc, val, YAML_SCALAR_NODE, ctx, k->name))
		return;
	switch (k->type) {
	case KT_U32:
		load_u32(lc, k, val, f, ctx);
		((struct u32_val *)f)->pos = load_pos(val);
		break;
	case KT_DURATION:
		load_duration(lc, k, val, f, ctx);
		((struct u32_val *)f)->pos = load_pos(val);
		break;
	case KT_ENUM:
		load_enum(lc, k, val, f, ctx);
		((struct u32_val *)f)->pos = load_pos(val);
		break;
	case KT_BOOL:
		load_bool(lc, k, val, f, ctx);
		break;
	case KT_STRING:
	case KT_IFNAME:
	case KT_NSNAME:
		load_string(lc, k, val, f, ctx);
		break;
	case KT_IFNAMES:
		load_names(lc, k, val, f, ctx);
		break;
	case KT_MAC:
		load_mac(lc, val, f, ctx);
		break;
	case KT_STRUCT:
		if (!load_expect(lc, val, YAML_MAPPING_NODE, ctx, k->name))
			return;
		snprintf(sub, sizeof(sub), "%s.%s", ctx, k->name);
		load_section(lc, val, k->sub, f, sub);
		break;
	case KT_ADDR:
		load_addr_value(lc, k, val, f, ctx);
		break;
	case KT_ARGV:
		load_argv(lc, k->name, val, f, ctx);
		break;
	case KT_TRACK:
		load_track(lc, k->name, val, f, ctx);
		break;
	case KT_SPECIAL:
		break;
	}
}

static const char *nearest_key(const char *name, const struct key_table *const *tables,
			       size_t n_tables)
{
	const char *best = NULL;
	unsigned best_d = strlen(name) <= 4 ? 2 : 3;

	for (size_t t = 0; t < n_tables; t++) {
		for (size_t i = 0; i < tables[t]->n; i++) {
			const char *kn = tables[t]->keys[i].name;
			unsigned d = keys_edit_distance(name, kn);

			/* "advert" for advert_interval, "prio" for priority */
			if (strlen(name) >= 4 && strncmp(kn, name, strlen(name)) == 0)
				d = 1;

			if (d < best_d) {
				best_d = d;
				best = tables[t]->keys[i].name;
			}
		}
	}
	return best;
}

/* "a, b, c" of a table's keys, for sections small enough to list. */
static const char *key_list(const struct key_table *t, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->n && off < len; i++)
		off +=
		    (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", t->keys[i].name);
	return buf;
}

void load_unknown_key(struct load_ctx *lc, yaml_node_t *key, const char *ctx,
		      const struct key_table *const *tables, size_t n_tables, bool search_kinds)
{
	const char *name = scalar_text(key);
	const char *own = tables[n_tables - 1]->name;
	char owners[160] = "", allowed[256];
	size_t off = 0, count = 0;
	const char *near;

	if (search_kinds) {
		for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
			const struct iface_kind *kind = iface_kind_get((enum iface_type)t);

			if (!keys_find(&kind->keys, name))
				continue;
			off += (size_t)snprintf(owners + off, sizeof(owners) - off, "%s%s",
						count ? ", " : "", kind->name);
			count++;
		}
	}
	if (count) {
		diag_error(lc->dl, load_pos(key), "%s: key '%s' belongs to type %s, not %s", ctx,
			   name, owners, own);
		return;
	}
	near = nearest_key(name, tables, n_tables);
	if (near)
		diag_error(lc->dl, load_pos(key), "%s: unknown key '%s' (did you mean '%s'?)", ctx,
			   name, near);
	else if (search_kinds)
		diag_error(lc->dl, load_pos(key),
			   "%s: unknown key '%s' (vipctl explain %s lists the keys of a %s)", ctx,
			   name, own, own);
	else
		diag_error(lc->dl, load_pos(key), "%s: unknown key '%s' (allowed: %s)", ctx, name,
			   key_list(tables[0], allowed, sizeof(allowed)));
}

void load_section(struct load_ctx *lc, yaml_node_t *map, const struct key_table *t, void *base,
		  const char *ctx)
{
	const struct key_table *tables[] = {t};

	load_check_dup_keys(lc, map, ctx);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);
		const struct key_spec *k;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, ctx, "a key") ||
		    load_key_repeated(lc, map, p))
			continue;
		k = keys_find(t, scalar_text(key));
		if (!k) {
			load_unknown_key(lc, key, ctx, tables, 1, false);
			continue;
		}
		load_value(lc, k, load_node(lc, p->value), base, ctx);
	}
}
