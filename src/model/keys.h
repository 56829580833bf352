/* Key tables: what a section accepts, each key's value type, range and
 * default. The generic walker parses a YAML mapping against a table, so a
 * kind can only ever be given its own options. */
#ifndef VIPD_MODEL_KEYS_H
#define VIPD_MODEL_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

enum key_type {
	KT_U32,	     /* struct u32_val, decimal integer in min..max */
	KT_DURATION, /* struct u32_val in ms, "100ms" / "1s", min..max, step */
	KT_BOOL,     /* struct bool_val */
	KT_STRING,   /* struct str_val, free text (zone) */
	KT_IFNAME,   /* struct str_val, an interface name (≤ 15 chars) */
	KT_NSNAME,   /* struct str_val, a network namespace name */
	KT_IFNAMES,  /* struct names_val, list of interface names */
	KT_ENUM,     /* struct u32_val holding the index into enum_names */
	KT_MAC,	     /* struct mac_val */
	KT_STRUCT,   /* nested table at offset */
	KT_SPECIAL,  /* parsed by dedicated code (addresses, vips, ...) */
	KT_ADDR,     /* struct addr_val, an IP address without prefix length */
	KT_ARGV,     /* struct argv_val, a command: "/path" or [/path, arg, ...] */
	KT_TRACK,    /* struct track_list, vrrp.track (load_checks.c) */
};

struct key_table;

struct key_spec {
	const char *name;
	enum key_type type;
	size_t offset; /* of the *_val within the section's struct */
	uint32_t min, max;
	uint32_t step;		       /* KT_DURATION: value must be a multiple (0: any) */
	const char *const *enum_names; /* KT_ENUM: NULL-terminated */
	uint32_t def;		       /* default for numbers, enums (index) and bools */
	bool has_default;
	bool required;
	const struct key_table *sub; /* KT_STRUCT */
	const char *help;
	/* Replaces the range derived from min/max/step in messages and explain
	 * when the real domain depends on another key (advert_interval: v2/v3). */
	const char *range_text;
	/* Replaces the type name derived from `type` in explain: what a
	 * KT_SPECIAL key holds ("string", "list", "enum", "mapping"). */
	const char *type_text;
	/* Replaces the default derived from `def` in messages and explain when
	 * the default depends on another key (gateway_check.timeout: 80% of
	 * interval); `def` stays the value under the other key's default (400). */
	const char *default_text;
};

struct key_table {
	const char *name; /* for messages: "vrrp", "gateway_check", a kind's name */
	const struct key_spec *keys;
	size_t n;
};

#define KEY_TABLE(tname, arr)                                                                      \
	{                                                                                          \
		.name = (tname), .keys = (arr), .n = sizeof(arr) / sizeof((arr)[0])                \
	}

const struct key_spec *keys_find(const struct key_table *t, const char *name);
/* Fill unset values with the table's defaults (recursing into structs). */
void keys_apply_defaults(const struct key_table *t, void *base);
/* Copy every value that is unset in dst from src (recursing into structs). */
void keys_inherit(const struct key_table *t, void *dst, const void *src);
/* "100ms" → 100. Returns 0, or -1 with *why. */
int keys_parse_duration(const char *s, uint32_t *ms, const char **why);
/* A printable description of the value domain: "1..4094", "10ms..40950ms in 10ms steps",
 * "slow | fast", "true | false". */
const char *keys_describe_range(const struct key_spec *k, char *buf, size_t len);
const char *keys_describe_default(const struct key_spec *k, char *buf, size_t len);
const char *keys_type_name(const struct key_spec *k);
/* Levenshtein distance, for "did you mean". */
unsigned keys_edit_distance(const char *a, const char *b);

#endif
