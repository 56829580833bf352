/* vipctl schema: a JSON Schema (draft 2020-12) of the cluster file, made
 * from the key tables the loader enforces and `vipctl explain` prints, so
 * an editor's YAML language server refuses what vipd would refuse at the
 * level of one value: an unknown key, a key of another interface type, a
 * wrong value type, a value out of range (docs/schema.md).
 *
 * The walk is generic: every table reached from file_keys becomes a
 * definition, every interface kind of the registry a branch chosen by its
 * `type`. Only the keys the loader parses by hand (KT_SPECIAL: addresses,
 * VIPs, ...) have a builder here; one without a builder, or a value type
 * this file does not know, is accepted with its help text, never refused.
 * What needs two keys at once (an MTU above its parent's, a VIP outside
 * its subnet, VRRP version 2 with a sub-second interval) stays vipd's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "model/kinds/kind.h"

#define DRAFT "https://json-schema.org/draft/2020-12/schema"

/* ---- regular expressions for number ranges (durations are text) ---- */

struct sbuf {
	char b[8192];
	size_t n;
	bool overflow;
};

__attribute__((format(printf, 2, 3))) static void sb_add(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (s->overflow)
		return;
	va_start(ap, fmt);
	w = vsnprintf(s->b + s->n, sizeof(s->b) - s->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(s->b) - s->n)
		s->overflow = true;
	else
		s->n += (size_t)w;
}

static bool all_digit(const char *p, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* lo..hi, both n digits: a digit class for the first digit between
 * them, and the two edges by recursion. */
static void digits_range(struct sbuf *s, const char *lo, const char *hi, size_t n)
{
	char nines[16], zeros[16];
	const char *sep = "";
	char first, last;

	if (n == 1) {
		if (lo[0] == hi[0])
			sb_add(s, "%c", lo[0]);
		else
			sb_add(s, "[%c-%c]", lo[0], hi[0]);
		return;
	}
	if (lo[0] == hi[0]) {
		sb_add(s, "%c", lo[0]);
		digits_range(s, lo + 1, hi + 1, n - 1);
		return;
	}
	memset(nines, '9', n - 1);
	memset(zeros, '0', n - 1);
	first = all_digit(lo + 1, '0', n - 1) ? lo[0] : (char)(lo[0] + 1);
	last = all_digit(hi + 1, '9', n - 1) ? hi[0] : (char)(hi[0] - 1);
	sb_add(s, "(?:");
	if (first != lo[0]) {
		sb_add(s, "%c", lo[0]);
		digits_range(s, lo + 1, nines, n - 1);
		sep = "|";
	}
	if (first <= last) {
		sb_add(s, "%s", sep);
		if (first == last)
			sb_add(s, "%c[0-9]{%zu}", first, n - 1);
		else
			sb_add(s, "[%c-%c][0-9]{%zu}", first, last, n - 1);
		sep = "|";
	}
	if (last != hi[0]) {
		sb_add(s, "%s%c", sep, hi[0]);
		digits_range(s, zeros, hi + 1, n - 1);
	}
	sb_add(s, ")");
}

static size_t n_digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Decimal numbers lo..hi without leading zeros, one alternative per length. */
static void number_range(struct sbuf *s, uint64_t lo, uint64_t hi)
{
	uint64_t low = 0, high = 9;
	bool first = true;

	sb_add(s, "(?:");
	for (size_t len = 1; len <= n_digits(hi); len++, low = high + 1, high = high * 10 + 9) {
		uint64_t a = lo > low ? lo : low, b = hi < high ? hi : high;
		char as[24], bs[24];

		if (a > b)
			continue;
		snprintf(as, sizeof(as), "%0*llu", (int)len, (unsigned long long)a);
		snprintf(bs, sizeof(bs), "%0*llu", (int)len, (unsigned long long)b);
		if (!first)
			sb_add(s, "|");
		first = false;
		digits_range(s, as, bs, len);
	}
	sb_add(s, ")");
}

/* Numbers lo..hi that are multiples of unit, as keys_parse_duration reads
 * them (leading zeros allowed). 1: described; 0: no number fits; -1: unit
 * is no power of ten (not described). */
static int multiples(struct sbuf *s, uint64_t lo, uint64_t hi, uint64_t unit)
{
	uint64_t klo = (lo + unit - 1) / unit, khi = hi / unit;
	size_t zeros = 0;

	for (uint64_t u = unit; u > 1; u /= 10, zeros++)
		if (u % 10)
			return -1;
	if (klo > khi)
		return 0;
	sb_add(s, "(?:");
	if (klo == 0) {
		sb_add(s, "0+%s", klo == khi ? "" : "|");
		klo = 1;
	}
	if (klo <= khi) {
		sb_add(s, "0*");
		number_range(s, klo, khi);
		for (size_t i = 0; i < zeros; i++)
			sb_add(s, "0");
	}
	sb_add(s, ")");
	return 1;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* "100ms", "1s": the table's range and step as a pattern; without one
 * (a step that is no power of ten) just the form. */
static json_t *duration_schema(const struct key_spec *k)
{
	uint64_t step = k->step ? k->step : 1;
	struct sbuf ms = {.n = 0}, sec = {.n = 0};
	int have_ms = multiples(&ms, k->min, k->max, step);
	int have_s = multiples(&sec, (k->min + 999) / 1000, k->max / 1000, step / gcd(step, 1000));
	struct sbuf all = {.n = 0};

	if (ms.overflow || sec.overflow || have_ms < 0 || have_s < 0 || (!have_ms && !have_s))
		return json_pack("{s:s, s:s}", "type", "string", "pattern", "^[0-9]+(ms|s)$");
	if (have_ms)
		sb_add(&all, "^%.*sms$", (int)ms.n, ms.b);
	if (have_ms && have_s)
		sb_add(&all, "|");
	if (have_s)
		sb_add(&all, "^%.*ss$", (int)sec.n, sec.b);
	return json_pack("{s:s, s:s%}", "type", "string", "pattern", all.b, all.n);
}

/* ---- the definitions every table shares ---- */

#define OCTET	"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#define IPV4	"(?:" OCTET "\\.){3}" OCTET
#define IPV6	"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*"
#define PLEN4	"/0*(?:3[0-2]|[12]?[0-9])"
#define PLEN6	"/0*(?:12[0-8]|1[01][0-9]|[1-9]?[0-9])"
#define IFCHARS "[!-.0-9;-~]" /* printable ASCII but '/' and ':' */
#define NAME	"[A-Za-z0-9._-]{1,63}"

static json_t *ref(const char *def)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "#/$defs/%s", def);
	return json_pack("{s:s}", "$ref", buf);
}

static json_t *not_dots(void)
{
	return json_pack("{s:[s,s]}", "enum", ".", "..");
}

/* A command: "/path" or [/path, arg, ...], no word empty; run without a
 * shell or PATH search (load_cmd.c). */
static void add_command_def(json_t *defs)
{
	json_t *word =
	    json_pack("{s:[s,s,s], s:i}", "type", "string", "number", "boolean", "minLength", 1);
	json_t *path = json_pack("{s:s, s:s}", "type", "string", "pattern", "^/");

	json_object_set_new(
	    defs, "command",
	    json_pack("{s:[O, {s:s, s:i, s:[o], s:o}], s:s}", "anyOf", path, "type", "array",
		      "minItems", 1, "prefixItems", path, "items", word, "description",
		      "an absolute path, or a list [PATH, ARG, ...]: run without a shell and "
		      "without PATH search"));
}

/* vrrp.track's entries: a check's name (resign while it fails) or
 * {check: NAME, weight: W}, W in -253..-1 or 1..253. */
static void add_track_def(json_t *defs)
{
	json_object_set_new(
	    defs, "track",
	    json_pack("{s:[o, {s:s, s:{s:o, s:{s:s, s:i, s:i, s:{s:i}}}, s:[s], s:b}]}", "anyOf",
		      ref("name"), "type", "object", "properties", "check", ref("name"), "weight",
		      "type", "integer", "minimum", -253, "maximum", 253, "not", "const", 0,
		      "required", "check", "additionalProperties", 0));
}

static void add_common_defs(json_t *defs)
{
	json_object_set_new(defs, "text",
			    json_pack("{s:[s,s,s], s:i, s:s}", "type", "string", "number",
				      "boolean", "minLength", 1, "description",
				      "free text (a scalar)"));
	json_object_set_new(
	    defs, "ifname",
	    json_pack("{s:[s,s], s:s, s:o, s:s}", "type", "string", "integer", "pattern",
		      "^" IFCHARS "{1,15}$", "not", not_dots(), "description",
		      "an interface name: 1..15 printable ASCII characters without '/', ':' "
		      "or spaces (the kernel's IFNAMSIZ)"));
	json_object_set_new(defs, "nsname",
			    json_pack("{s:[s,s], s:s, s:o, s:s}", "type", "string", "integer",
				      "pattern", "^[^/]{1,64}$", "not", not_dots(), "description",
				      "a network namespace name: 1..64 characters without '/'"));
	json_object_set_new(
	    defs, "mac",
	    json_pack("{s:s, s:s, s:{s:s}, s:s}", "type", "string", "pattern",
		      "^[0-9A-Fa-f][02468AaCcEe](:[0-9A-Fa-f]{2}){5}$", "not", "pattern",
		      "^00(:00){5}$", "description",
		      "xx:xx:xx:xx:xx:xx, unicast (first octet even), not all zero"));
	json_object_set_new(defs, "ipv4",
			    json_pack("{s:s, s:s}", "type", "string", "pattern", "^" IPV4 "$"));
	json_object_set_new(defs, "ipv6",
			    json_pack("{s:s, s:s}", "type", "string", "pattern", "^" IPV6 "$"));
	json_object_set_new(
	    defs, "name",
	    json_pack("{s:[s,s], s:s, s:s}", "type", "string", "integer", "pattern", "^" NAME "$",
		      "description",
		      "a check or sync group name: 1..63 letters, digits, '-', '_' or '.'"));
	add_command_def(defs);
	add_track_def(defs);
	json_object_set_new(
	    defs, "prefix",
	    json_pack("{s:s, s:[{s:s},{s:s}], s:s}", "type", "string", "anyOf", "pattern",
		      "^" IPV4 PLEN4 "$", "pattern", "^" IPV6 PLEN6 "$", "description",
		      "an IPv4 or IPv6 address with its prefix length: 192.0.2.10/24"));
}

/* ---- tables ---- */

struct schema_ctx {
	json_t *defs;
};

static json_t *table_def(struct schema_ctx *c, const struct key_table *t);
static json_t *special_schema(struct schema_ctx *c, const struct key_table *t,
			      const struct key_spec *k);

static json_t *enum_schema(const struct key_spec *k)
{
	json_t *names = json_array();

	for (size_t i = 0; k->enum_names[i]; i++)
		json_array_append_new(names, json_string(k->enum_names[i]));
	return json_pack("{s:o}", "enum", names);
}

static json_t *value_schema(struct schema_ctx *c, const struct key_table *t,
			    const struct key_spec *k)
{
	switch (k->type) {
	case KT_U32:
		return json_pack("{s:s, s:I, s:I}", "type", "integer", "minimum",
				 (json_int_t)k->min, "maximum", (json_int_t)k->max);
	case KT_DURATION:
		return duration_schema(k);
	case KT_BOOL:
		return json_pack("{s:s}", "type", "boolean");
	case KT_STRING:
		return ref("text");
	case KT_IFNAME:
		return ref("ifname");
	case KT_NSNAME:
		return ref("nsname");
	case KT_IFNAMES:
		return json_pack("{s:s, s:o}", "type", "array", "items", ref("ifname"));
	case KT_ENUM:
		return enum_schema(k);
	case KT_MAC:
		return ref("mac");
	case KT_STRUCT:
		return table_def(c, k->sub);
	case KT_SPECIAL:
		return special_schema(c, t, k);
	case KT_ADDR:
		return json_pack("{s:[o, o]}", "anyOf", ref("ipv4"), ref("ipv6"));
	case KT_ARGV:
		return ref("command");
	case KT_TRACK:
		return json_pack("{s:s, s:o}", "type", "array", "items", ref("track"));
	default:
		/* a value type newer than this file: accepted, described */
		return json_object();
	}
}

/* The default as it would be written in the file; none when it depends
 * on another key (default_text). */
static json_t *default_value(const struct key_spec *k)
{
	char buf[64];

	if (!k->has_default || k->default_text)
		return NULL;
	switch (k->type) {
	case KT_U32:
		return json_integer(k->def);
	case KT_BOOL:
		return json_boolean(k->def);
	case KT_ENUM:
	case KT_DURATION:
		return json_string(keys_describe_default(k, buf, sizeof(buf)));
	default:
		return NULL;
	}
}

static json_t *key_schema(struct schema_ctx *c, const struct key_table *t, const struct key_spec *k)
{
	json_t *s = value_schema(c, t, k), *def = default_value(k);
	char range[512], dflt[64], text[1024];

	keys_describe_range(k, range, sizeof(range));
	keys_describe_default(k, dflt, sizeof(dflt));
	snprintf(text, sizeof(text), "%s%s%s%s%s", k->help ? k->help : "",
		 *range ? ". Values: " : "", range,
		 k->has_default ? ". Default: " : (k->required ? " (required)" : ""),
		 k->has_default ? dflt : "");
	json_object_set_new(s, "description", json_string(text));
	if (def)
		json_object_set_new(s, "default", def);
	return s;
}

/* The properties of one or more tables (an interface: the common keys
 * and its kind's), skipping `skip`; required keys appended to req. */
static void add_properties(struct schema_ctx *c, json_t *props, json_t *req,
			   const struct key_table *t, const char *skip)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct key_spec *k = &t->keys[i];

		if (skip && strcmp(k->name, skip) == 0)
			continue;
		json_object_set_new(props, k->name, key_schema(c, t, k));
		if (k->required)
			json_array_append_new(req, json_string(k->name));
	}
}

static json_t *closed_object(json_t *props, json_t *req)
{
	json_t *o = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
			      "additionalProperties", 0);

	if (json_array_size(req))
		json_object_set_new(o, "required", req);
	else
		json_decref(req);
	return o;
}

/* A table becomes $defs/<its name> once; each use is a $ref. */
static json_t *table_def(struct schema_ctx *c, const struct key_table *t)
{
	json_t *props, *req;

	if (!json_object_get(c->defs, t->name)) {
		props = json_object();
		req = json_array();
		json_object_set_new(c->defs, t->name, json_object()); /* while it is built */
		add_properties(c, props, req, t, NULL);
		json_object_set_new(c->defs, t->name, closed_object(props, req));
	}
	return ref(t->name);
}

/* ---- the keys the loader parses by hand ---- */

static json_t *nodes_schema(struct schema_ctx *c)
{
	(void)c;
	return json_pack("{s:s, s:o, s:i, s:i, s:b}", "type", "array", "items", ref("text"),
			 "minItems", 2, "maxItems", 2, "uniqueItems", 1);
}

static json_t *name_schema(struct schema_ctx *c)
{
	(void)c;
	return ref("text");
}

static json_t *addresses_schema(struct schema_ctx *c)
{
	(void)c;
	return json_pack("{s:s, s:{s:[o, {s:s, s:o}]}}", "type", "object", "additionalProperties",
			 "anyOf", ref("prefix"), "type", "array", "items", ref("prefix"));
}

static json_t *gateway_schema(struct schema_ctx *c)
{
	(void)c;
	return json_pack("{s:s, s:{s:o, s:o}, s:b}", "type", "object", "properties", "ipv4",
			 ref("ipv4"), "ipv6", ref("ipv6"), "additionalProperties", 0);
}

static json_t *vip_def(void)
{
	json_t *methods = json_array();

	for (int m = 0; m < METHOD_COUNT; m++)
		json_array_append_new(methods, json_string(vip_method_name((enum vip_method)m)));
	return json_pack(
	    "{s:[o, {s:s, s:{s:o, s:{s:o, s:s}, s:o, s:{s:s, s:i, s:i, s:s}}, s:[s], s:b}]}",
	    "anyOf", ref("prefix"), "type", "object", "properties", "address", ref("prefix"),
	    "clusterIpMethod", "enum", methods, "description",
	    "which signals besides VRRP decide where the VIP lives. Default: vrrp", "zone",
	    ref("text"), "vrid", "type", "integer", "minimum", 1, "maximum", 255, "description",
	    "pins the VRID of the VIP's instance", "required", "address", "additionalProperties",
	    0);
}

static json_t *vips_schema(struct schema_ctx *c)
{
	json_object_set_new(c->defs, "vip", vip_def());
	return json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:s, s:o}}, s:b}", "type", "object",
			 "properties", "master", "type", "array", "items", ref("vip"), "backup",
			 "type", "array", "items", ref("vip"), "additionalProperties", 0);
}

/* One definition per kind: the common keys and its own, nothing else. */
static json_t *kind_def(struct schema_ctx *c, const struct iface_kind *kind)
{
	json_t *props = json_object(), *req = json_array(), *o;

	json_object_set_new(props, "type", json_pack("{s:s}", "const", kind->name));
	json_array_append_new(req, json_string("type"));
	add_properties(c, props, req, &common_iface_keys, "type");
	add_properties(c, props, req, &kind->keys, NULL);
	o = closed_object(props, req);
	json_object_set_new(o, "description", json_string(kind->summary));
	return o;
}

/* An interface: its `type` picks the branch (if/then), so a key of
 * another type is an additional property there. */
static json_t *interfaces_schema(struct schema_ctx *c)
{
	json_t *names = json_array(), *branches = json_array();
	char def[64];

	for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
		const struct iface_kind *kind = iface_kind_get((enum iface_type)t);

		snprintf(def, sizeof(def), "interface.%s", kind->name);
		json_object_set_new(c->defs, def, kind_def(c, kind));
		json_array_append_new(names, json_string(kind->name));
		json_array_append_new(branches, json_pack("{s:{s:{s:{s:s}}, s:[s]}, s:o}", "if",
							  "properties", "type", "const", kind->name,
							  "required", "type", "then", ref(def)));
	}
	json_object_set_new(c->defs, "interface",
			    json_pack("{s:s, s:[s], s:{s:{s:o, s:s}}, s:o}", "type", "object",
				      "required", "type", "properties", "type", "enum", names,
				      "description",
				      "the interface kind; it decides which keys the entry accepts",
				      "allOf", branches));
	return json_pack("{s:s, s:i, s:o, s:o}", "type", "object", "minProperties", 1,
			 "propertyNames", ref("ifname"), "additionalProperties", ref("interface"));
}

/* The forms the loader checks by hand in a check's text values
 * (load_checks.c): a URL with an IP literal, a process name without '/'. */
static void check_form(const struct key_spec *k, json_t *s)
{
	struct sbuf re = {.n = 0};

	if (strcmp(k->name, "url") == 0) {
		sb_add(&re, "^http://(?:" IPV4 "|\\[" IPV6 "\\])(?::0*");
		number_range(&re, 1, 65535);
		sb_add(&re, ")?(?:/[!\"$-~]*)?$");
		if (!re.overflow)
			json_object_set_new(s, "pattern", json_stringn(re.b, re.n));
	} else if (strcmp(k->name, "name") == 0) {
		json_object_set_new(s, "pattern", json_string("^[^/]+$"));
	}
}

/* One definition per check type: the keys every check has and its own
 * (check_key_types), its required key too. */
static json_t *check_type_def(struct schema_ctx *c, enum svc_type type)
{
	json_t *props = json_object(), *req = json_array(), *o;

	json_object_set_new(props, "type", json_pack("{s:s}", "const", svc_type_name(type)));
	json_array_append_new(req, json_string("type"));
	json_array_append_new(req, json_string(check_required_key(type)));
	for (size_t i = 0; i < check_keys.n; i++) {
		const struct key_spec *k = &check_keys.keys[i];
		unsigned types = check_key_types(k->name);

		if (strcmp(k->name, "type") == 0 || (types && !(types & (1u << type))))
			continue;
		json_object_set_new(props, k->name, key_schema(c, &check_keys, k));
		check_form(k, json_object_get(props, k->name));
	}
	o = closed_object(props, req);
	return o;
}

/* checks: {NAME: {type: TYPE, ...}}; the type picks the branch, as an
 * interface's does. */
static json_t *checks_schema(struct schema_ctx *c)
{
	json_t *branches = json_array();
	char def[64];

	for (int t = 0; t < SVC_TYPE_COUNT; t++) {
		const char *name = svc_type_name((enum svc_type)t);

		snprintf(def, sizeof(def), "check.%s", name);
		json_object_set_new(c->defs, def, check_type_def(c, (enum svc_type)t));
		json_array_append_new(branches, json_pack("{s:{s:{s:{s:s}}, s:[s]}, s:o}", "if",
							  "properties", "type", "const", name,
							  "required", "type", "then", ref(def)));
	}
	json_object_set_new(c->defs, "check",
			    json_pack("{s:s, s:[s], s:{s:o}, s:o}", "type", "object", "required",
				      "type", "properties", "type",
				      key_schema(c, &check_keys, keys_find(&check_keys, "type")),
				      "allOf", branches));
	return json_pack("{s:s, s:o, s:o}", "type", "object", "propertyNames", ref("name"),
			 "additionalProperties", ref("check"));
}

static json_t *sync_groups_schema(struct schema_ctx *c)
{
	return json_pack("{s:s, s:o, s:o}", "type", "object", "propertyNames", ref("name"),
			 "additionalProperties", table_def(c, &sync_group_keys));
}

/* INTERFACE/SLOT[/FAMILY], INTERFACE may be '*' */
static json_t *members_schema(struct schema_ctx *c)
{
	(void)c;
	return json_pack("{s:s, s:i, s:{s:s, s:s}}", "type", "array", "minItems", 1, "items",
			 "type", "string", "pattern",
			 "^(?:\\*|" IFCHARS "{1,15})/(?:master|backup)(?:/(?:ipv4|ipv6))?$");
}

static const struct special {
	const char *table, *key;
	json_t *(*build)(struct schema_ctx *c);
} specials[] = {
    {"file", "interfaces", interfaces_schema}, {"cluster", "name", name_schema},
    {"cluster", "nodes", nodes_schema},	       {"interface", "addresses", addresses_schema},
    {"interface", "gateway", gateway_schema},  {"interface", "vips", vips_schema},
    {"file", "checks", checks_schema},	       {"file", "sync_groups", sync_groups_schema},
    {"sync_group", "members", members_schema},
};

static json_t *special_schema(struct schema_ctx *c, const struct key_table *t,
			      const struct key_spec *k)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (strcmp(specials[i].table, t->name) == 0 &&
		    strcmp(specials[i].key, k->name) == 0)
			return specials[i].build(c);
	return json_object(); /* parsed by vipd's own code; not described here */
}

json_t *cli_schema_json(void)
{
	struct schema_ctx c = {.defs = json_object()};
	json_t *root, *obj, *props = json_object(), *req = json_array();

	add_common_defs(c.defs);
	add_properties(&c, props, req, &file_keys, NULL);
	root = json_pack("{s:s, s:s, s:s}", "$schema", DRAFT, "title", "vipd cluster file",
			 "description",
			 "generated by `vipctl schema` from the key tables vipd enforces; "
			 "docs/schema.md");
	obj = closed_object(props, req);
	json_object_update(root, obj);
	json_decref(obj);
	json_object_set_new(root, "$defs", c.defs);
	return root;
}

int cmd_schema(struct cli_opts *o)
{
	json_t *root = cli_schema_json();

	(void)o;
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
	return EXIT_OK;
}
