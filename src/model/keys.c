#include "model/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct key_spec *keys_find(const struct key_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->keys[i].name, name) == 0)
			return &t->keys[i];
	return NULL;
}

static void *field(void *base, const struct key_spec *k)
{
	return (char *)base + k->offset;
}

static const void *cfield(const void *base, const struct key_spec *k)
{
	return (const char *)base + k->offset;
}

void keys_apply_defaults(const struct key_table *t, void *base)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct key_spec *k = &t->keys[i];

		if (k->type == KT_STRUCT) {
			keys_apply_defaults(k->sub, field(base, k));
			continue;
		}
		if (!k->has_default)
			continue;
		if (k->type == KT_BOOL) {
			struct bool_val *b = field(base, k);

			if (!b->set)
				b->v = k->def != 0;
		} else if (k->type == KT_U32 || k->type == KT_DURATION || k->type == KT_ENUM) {
			struct u32_val *u = field(base, k);

			if (!u->set)
				u->v = k->def;
		}
	}
}

void keys_inherit(const struct key_table *t, void *dst, const void *src)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct key_spec *k = &t->keys[i];

		switch (k->type) {
		case KT_STRUCT:
			keys_inherit(k->sub, field(dst, k), cfield(src, k));
			break;
		case KT_BOOL:
			if (!((struct bool_val *)field(dst, k))->set)
				*(struct bool_val *)field(dst, k) =
				    *(const struct bool_val *)cfield(src, k);
			break;
		case KT_TRACK:
			/* a list written here replaces the inherited one whole */
			if (!((struct track_list *)field(dst, k))->set)
				*(struct track_list *)field(dst, k) =
				    *(const struct track_list *)cfield(src, k);
			break;
		case KT_U32:
		case KT_DURATION:
		case KT_ENUM:
			if (!((struct u32_val *)field(dst, k))->set)
				*(struct u32_val *)field(dst, k) =
				    *(const struct u32_val *)cfield(src, k);
			break;
		default:
			break;
		}
	}
}

int keys_parse_duration(const char *s, uint32_t *ms, const char **why)
{
	unsigned long long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9') {
		*why = "is not a duration like 100ms or 1s";
		return -1;
	}
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 100000000ULL) {
			*why = "is too large";
			return -1;
		}
		p++;
	}
	if (strcmp(p, "ms") == 0) {
		*ms = (uint32_t)v;
	} else if (strcmp(p, "s") == 0 && v <= 100000000ULL / 1000) {
		*ms = (uint32_t)(v * 1000);
	} else if (strcmp(p, "s") == 0) {
		*why = "is too large";
		return -1;
	} else if (*p == '\0') {
		*why = "needs a unit: ms or s, e.g. 100ms";
		return -1;
	} else if (*p == '.') {
		*why = "has a fraction; write whole milliseconds, e.g. 1500ms";
		return -1;
	} else {
		*why = "has an unknown unit; use ms or s";
		return -1;
	}
	return 0;
}

const char *model_fmt_duration(uint32_t ms, char buf[32])
{
	if (ms != 0 && ms % 1000 == 0)
		snprintf(buf, 32, "%us", ms / 1000);
	else
		snprintf(buf, 32, "%ums", ms);
	return buf;
}

uint32_t model_gwcheck_default_timeout(uint32_t interval_ms)
{
	uint32_t t = (uint32_t)((uint64_t)interval_ms * 4 / 5);

	return t ? t : 1;
}

void model_gwcheck_resolve_timeout(struct gwcheck_cfg *g)
{
	if (!g->timeout.set)
		g->timeout.v = model_gwcheck_default_timeout(g->interval.v);
}

void model_bfd_resolve(struct bfd_cfg *b)
{
	const struct src_pos *at = b->interval.set     ? &b->interval.pos
				   : b->multiplier.set ? &b->multiplier.pos
				   : b->enabled.set    ? &b->enabled.pos
						       : NULL;

	b->on = at && !(b->enabled.set && !b->enabled.v);
	if (at)
		b->pos = *at;
}

const char *keys_describe_range(const struct key_spec *k, char *buf, size_t len)
{
	char a[32], b[32], c[32];
	size_t off = 0;

	if (k->range_text) {
		snprintf(buf, len, "%s", k->range_text);
		return buf;
	}
	switch (k->type) {
	case KT_U32:
		snprintf(buf, len, "%u..%u", k->min, k->max);
		break;
	case KT_DURATION:
		if (k->step)
			snprintf(buf, len, "%s..%s in %s steps", model_fmt_duration(k->min, a),
				 model_fmt_duration(k->max, b), model_fmt_duration(k->step, c));
		else
			snprintf(buf, len, "%s..%s", model_fmt_duration(k->min, a),
				 model_fmt_duration(k->max, b));
		break;
	case KT_BOOL:
		snprintf(buf, len, "true | false");
		break;
	case KT_ENUM:
		buf[0] = '\0';
		for (size_t i = 0; k->enum_names[i] && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " | " : "",
						k->enum_names[i]);
		break;
	case KT_IFNAME:
		snprintf(buf, len, "interface name (1..15 chars)");
		break;
	case KT_IFNAMES:
		snprintf(buf, len, "list of interface names");
		break;
	case KT_NSNAME:
		snprintf(buf, len, "network namespace name");
		break;
	case KT_MAC:
		snprintf(buf, len, "xx:xx:xx:xx:xx:xx (unicast)");
		break;
	case KT_ADDR:
		snprintf(buf, len, "IPv4 or IPv6 address, no prefix length");
		break;
	case KT_ARGV:
		snprintf(buf, len, "/PATH or [/PATH, ARG, ...] (no shell)");
		break;
	default:
		buf[0] = '\0';
		break;
	}
	return buf;
}

const char *keys_describe_default(const struct key_spec *k, char *buf, size_t len)
{
	char d[32];

	if (k->required) {
		snprintf(buf, len, "(required)");
	} else if (!k->has_default) {
		snprintf(buf, len, "-");
	} else if (k->default_text) {
		snprintf(buf, len, "%s", k->default_text);
	} else if (k->type == KT_BOOL) {
		snprintf(buf, len, "%s", k->def ? "true" : "false");
	} else if (k->type == KT_ENUM) {
		snprintf(buf, len, "%s", k->enum_names[k->def]);
	} else if (k->type == KT_DURATION) {
		snprintf(buf, len, "%s", model_fmt_duration(k->def, d));
	} else {
		snprintf(buf, len, "%u", k->def);
	}
	return buf;
}

const char *keys_type_name(const struct key_spec *k)
{
	static const char *const names[] = {
	    [KT_U32] = "integer",    [KT_DURATION] = "duration", [KT_BOOL] = "boolean",
	    [KT_STRING] = "string",  [KT_IFNAME] = "interface",	 [KT_NSNAME] = "namespace",
	    [KT_IFNAMES] = "list",   [KT_ENUM] = "enum",	 [KT_MAC] = "mac",
	    [KT_STRUCT] = "mapping", [KT_SPECIAL] = "mapping",	 [KT_ADDR] = "address",
	    [KT_ARGV] = "command",   [KT_TRACK] = "list",
	};
	return k->type_text ? k->type_text : names[k->type];
}

unsigned keys_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}
