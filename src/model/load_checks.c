/* Issue 13's top-level sections: service checks (checks:) and sync groups
 * (sync_groups:, with their hooks), parsed against the tables of
 * keys_checks.c (commands and vrrp.track: load_cmd.c).
 * References (a tracked check's name, a member's instances) are resolved
 * by validate_checks.c once everything is parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "model/load.h"

static const char *text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static size_t map_len(const yaml_node_t *n)
{
	return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

/* ---- checks: ---- */

/* "http://IP[:PORT][/PATH]": an IP literal, [v6] in brackets. Returns NULL
 * or why not. */
static const char *parse_url(struct model *m, struct svc_check *c)
{
	const char *s = c->url.v, *host, *end, *p;
	char hbuf[64];
	const char *why;
	unsigned long port = 80;

	if (strncmp(s, "https://", 8) == 0)
		return "uses https, which the http check does not speak (check the plain HTTP "
		       "port, or use an exec check)";
	if (strncmp(s, "http://", 7) != 0)
		return "does not start with http://";
	host = s + 7;
	if (*host == '[') {
		host++;
		end = strchr(host, ']');
		if (!end)
			return "has an IPv6 address without its closing ']'";
		p = end + 1;
	} else {
		end = host + strcspn(host, ":/");
		p = end;
	}
	if ((size_t)(end - host) >= sizeof(hbuf) || end == host)
		return "has no host";
	memcpy(hbuf, host, (size_t)(end - host));
	hbuf[end - host] = '\0';
	if (ip_parse(hbuf, false, &c->url_addr, &why) < 0 ||
	    (host[-1] != '[' && c->url_addr.family != IP_V4) ||
	    (host[-1] == '[' && c->url_addr.family != IP_V6))
		return "has a host that is not an IP address; write an address (e.g. 127.0.0.1 "
		       "or [::1]): vipd resolves no names at run time";
	if (*p == ':') {
		char *stop;

		p++;
		if (*p < '0' || *p > '9')
			return "has a port that is not a number";
		port = strtoul(p, &stop, 10);
		if (port < 1 || port > 65535)
			return "has a port out of range 1..65535";
		p = stop;
	}
	if (*p && *p != '/')
		return "has text after the host that is not :PORT or /PATH";
	for (const char *q = p; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == '#' || (unsigned char)*q >= 0x7f)
			return "has a path with spaces, control characters or a '#'";
	c->url_port = (uint16_t)port;
	c->url_path = arena_strdup(&m->arena, *p ? p : "/");
	return NULL;
}

static void check_type_key(struct load_ctx *lc, yaml_node_t *map, struct svc_check *c,
			   const char *ctx)
{
	const struct key_spec *k = keys_find(&check_keys, "type");

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);

		if (key->type == YAML_SCALAR_NODE && strcmp(text(key), "type") == 0) {
			load_value(lc, k, load_node(lc, p->value), c, ctx);
			break;
		}
	}
	if (!c->type_val.set)
		return;
	c->type = (enum svc_type)c->type_val.v;
}

/* "tcp, http, exec" of a key's types. */
static const char *types_text(unsigned mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int t = 0; t < SVC_TYPE_COUNT; t++)
		if (mask & (1u << t))
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s",
						off ? ", " : "", svc_type_name((enum svc_type)t));
	return buf;
}

static void check_keys_of(struct load_ctx *lc, yaml_node_t *map, struct svc_check *c,
			  const char *ctx)
{
	const struct key_table *tables[] = {&check_keys};
	char owners[64];

	load_check_dup_keys(lc, map, ctx);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);
		const struct key_spec *k;
		unsigned types;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, ctx, "a key") ||
		    load_key_repeated(lc, map, p) || strcmp(text(key), "type") == 0)
			continue;
		k = keys_find(&check_keys, text(key));
		if (!k) {
			load_unknown_key(lc, key, ctx, tables, 1, false);
			continue;
		}
		types = check_key_types(k->name);
		if (types && c->type_val.set && !(types & (1u << c->type))) {
			types_text(types, owners, sizeof(owners));
			if (strcmp(k->name, "namespace") == 0 && c->type == SVC_PROCESS)
				diag_error(lc->dl, load_pos(key),
					   "%s: key 'namespace' belongs to type %s, not process (a "
					   "process is found by name in /proc, whatever network "
					   "namespace it uses)",
					   ctx, owners);
			else
				diag_error(lc->dl, load_pos(key),
					   "%s: key '%s' belongs to type %s, not %s", ctx, k->name,
					   owners, svc_type_name(c->type));
			continue;
		}
		load_value(lc, k, load_node(lc, p->value), c, ctx);
	}
}

static bool map_has_key(struct load_ctx *lc, yaml_node_t *map, const char *name)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = load_node(lc, p->key);

		if (k->type == YAML_SCALAR_NODE && strcmp(text(k), name) == 0)
			return true;
	}
	return false;
}

/* The key a type cannot do without, if it is not written (NULL: none).
 * One written but wrong has its own error. */
static const char *missing_required(struct load_ctx *lc, yaml_node_t *map,
				    const struct svc_check *c)
{
	const char *need = check_required_key(c->type);

	if (!need || map_has_key(lc, map, need))
		return NULL;
	return need;
}

static void check_values(struct load_ctx *lc, yaml_node_t *map, struct svc_check *c,
			 const char *ctx)
{
	const char *miss = missing_required(lc, map, c), *why;
	char a[32], b[32];

	if (miss) {
		diag_error(lc->dl, load_pos(map),
			   "%s: missing required key '%s' (type %s needs it)", ctx, miss,
			   svc_type_name(c->type));
		return;
	}
	if (c->process.v && strchr(c->process.v, '/'))
		diag_error(lc->dl, c->process.pos,
			   "%s: name '%s' contains '/'; write the process name (as ps -o comm "
			   "shows it), not a path",
			   ctx, c->process.v);
	if (c->url.v && (why = parse_url(lc->m, c)))
		diag_error(lc->dl, c->url.pos, "%s: url '%s' %s (allowed: http://IP[:PORT]/PATH)",
			   ctx, c->url.v, why);
	if (c->user.v &&
	    (strchr(c->user.v, '/') || strchr(c->user.v, ':') || strchr(c->user.v, ' ')))
		diag_error(lc->dl, c->user.pos, "%s: user '%s' is not a user name", ctx, c->user.v);
	if (c->timing.timeout.v > c->timing.interval.v)
		diag_error(lc->dl,
			   c->timing.timeout.set ? c->timing.timeout.pos : c->timing.interval.pos,
			   "%s: timeout %s exceeds interval %s; an attempt must end within its "
			   "interval",
			   ctx, model_fmt_duration(c->timing.timeout.v, a),
			   model_fmt_duration(c->timing.interval.v, b));
}

/* An unwritten timeout is 80% of the interval (as gateway_check's); an
 * unwritten interval under a written timeout longer than the default's
 * 80% grows to timeout / 80% (timeout: 2s -> interval 2500ms), so a slow
 * exec check needs one key, not two. */
static void check_defaults(struct svc_check *c)
{
	struct gwcheck_cfg *t = &c->timing;

	keys_apply_defaults(&check_keys, c);
	if (t->timeout.set && !t->interval.set &&
	    t->timeout.v > model_gwcheck_default_timeout(t->interval.v))
		t->interval.v = (uint32_t)(((uint64_t)t->timeout.v * 5 + 3) / 4);
	model_gwcheck_resolve_timeout(t);
	if (c->type == SVC_TCP && !c->address.set && !c->address.bad)
		ip_parse("127.0.0.1", false, &c->address.v, &(const char *){NULL});
	if (c->type == SVC_EXEC && !c->user.v)
		c->user.v = "nobody";
}

static void load_one_check(struct load_ctx *lc, yaml_node_t *key, yaml_node_t *val)
{
	struct model *m = lc->m;
	struct svc_check *c = &m->checks[m->n_checks];
	char ctx[96];

	if (!load_valid_name(text(key))) {
		diag_error(lc->dl, load_pos(key), "checks: name '%s' must be %s", text(key),
			   NAME_RULE);
		return;
	}
	snprintf(ctx, sizeof(ctx), "checks.%s", text(key));
	if (!load_expect(lc, val, YAML_MAPPING_NODE, "checks", text(key)))
		return;
	memset(c, 0, sizeof(*c));
	c->name = arena_strdup(&m->arena, text(key));
	c->pos = load_pos(key);
	if (!strmap_put(&m->by_check, c->name, m->n_checks))
		return; /* duplicate key, reported */
	m->n_checks++;
	check_type_key(lc, val, c, ctx);
	check_keys_of(lc, val, c, ctx);
	if (!c->type_val.set) {
		if (c->type_val.pos.line == 0)
			diag_error(lc->dl, load_pos(val),
				   "%s: missing required key 'type' (process | tcp | http | exec)",
				   ctx);
		c->type = SVC_TYPE_COUNT;
		return;
	}
	check_defaults(c);
	check_values(lc, val, c, ctx);
}

void load_checks(struct load_ctx *lc, yaml_node_t *map)
{
	struct model *m = lc->m;
	size_t n = map_len(map);

	load_check_dup_keys(lc, map, "checks");
	m->checks = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*m->checks));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);

		if (!load_expect(lc, key, YAML_SCALAR_NODE, "checks", "a check name") ||
		    load_key_repeated(lc, map, p))
			continue;
		load_one_check(lc, key, load_node(lc, p->value));
	}
}

/* ---- sync_groups: ---- */

static const char *nearest(const char *s, const char *const *names)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (size_t i = 0; names[i]; i++) {
		unsigned d = keys_edit_distance(s, names[i]);

		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

/* "INTERFACE/SLOT[/FAMILY]"; the interface is resolved by validation. */
static bool parse_member(struct load_ctx *lc, yaml_node_t *n, struct group_member *gm,
			 const char *ctx)
{
	static const char *const slots[] = {"master", "backup", NULL};
	static const char *const fams[] = {"ipv4", "ipv6", NULL};
	char buf[128], *parts[4] = {0};
	size_t np = 0;
	const char *near;

	if (n->type != YAML_SCALAR_NODE || strlen(text(n)) >= sizeof(buf)) {
		diag_error(lc->dl, load_pos(n),
			   "%s: members entries are INTERFACE/SLOT[/FAMILY], got %s", ctx,
			   n->type == YAML_SCALAR_NODE ? "a long text" : load_node_what(n));
		return false;
	}
	snprintf(buf, sizeof(buf), "%s", text(n));
	parts[np++] = buf;
	for (char *q = buf; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (np == 4)
			break;
		parts[np++] = q + 1;
	}
	gm->text = arena_strdup(&lc->m->arena, text(n));
	gm->pos = load_pos(n);
	if (np < 2 || np > 3 || !*parts[0]) {
		diag_error(lc->dl, gm->pos,
			   "%s: member '%s' is not INTERFACE/SLOT[/FAMILY] (e.g. vlan100/master, "
			   "*/backup/ipv6)",
			   ctx, gm->text);
		return false;
	}
	gm->iface = strcmp(parts[0], "*") == 0 ? NULL : arena_strdup(&lc->m->arena, parts[0]);
	if (strcmp(parts[1], "master") == 0 || strcmp(parts[1], "backup") == 0) {
		gm->slot = strcmp(parts[1], "master") == 0 ? SLOT_MASTER : SLOT_BACKUP;
	} else {
		near = nearest(parts[1], slots);
		diag_error(lc->dl, gm->pos,
			   "%s: member '%s': slot '%s' is not master | backup%s%s%s", ctx, gm->text,
			   parts[1], near ? " (did you mean '" : "", near ? near : "",
			   near ? "'?)" : "");
		return false;
	}
	gm->family = 0;
	if (np == 3) {
		if (strcmp(parts[2], "ipv4") == 0 || strcmp(parts[2], "ipv6") == 0) {
			gm->family = strcmp(parts[2], "ipv4") == 0 ? IP_V4 : IP_V6;
		} else {
			near = nearest(parts[2], fams);
			diag_error(lc->dl, gm->pos,
				   "%s: member '%s': family '%s' is not ipv4 | ipv6%s%s%s", ctx,
				   gm->text, parts[2], near ? " (did you mean '" : "",
				   near ? near : "", near ? "'?)" : "");
			return false;
		}
	}
	return true;
}

static void load_members(struct load_ctx *lc, yaml_node_t *val, struct sync_group *g,
			 const char *ctx)
{
	size_t n;

	if (!load_expect(lc, val, YAML_SEQUENCE_NODE, ctx, "members"))
		return;
	n = seq_len(val);
	if (n == 0) {
		diag_error(lc->dl, load_pos(val), "%s: members is empty", ctx);
		return;
	}
	g->written = arena_alloc(&lc->m->arena, n * sizeof(*g->written));
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     it < val->data.sequence.items.top; it++)
		if (parse_member(lc, load_node(lc, *it), &g->written[g->n_written], ctx))
			g->n_written++;
}

void load_hooks_done(struct hooks_cfg *h, struct src_pos at)
{
	for (int e = 0; e < HOOK_EVENT_COUNT; e++)
		h->set = h->set || h->cmd[e].set;
	if (!h->pos.line)
		h->pos = at;
}

static void load_one_group(struct load_ctx *lc, yaml_node_t *key, yaml_node_t *map)
{
	const struct key_table *tables[] = {&sync_group_keys};
	struct model *m = lc->m;
	struct sync_group *g = &m->groups[m->n_groups];
	bool have_members = false;
	char ctx[96];

	if (!load_valid_name(text(key))) {
		diag_error(lc->dl, load_pos(key), "sync_groups: name '%s' must be %s", text(key),
			   NAME_RULE);
		return;
	}
	if (!load_expect(lc, map, YAML_MAPPING_NODE, "sync_groups", text(key)))
		return;
	snprintf(ctx, sizeof(ctx), "sync_groups.%s", text(key));
	memset(g, 0, sizeof(*g));
	g->name = arena_strdup(&m->arena, text(key));
	g->pos = load_pos(key);
	m->n_groups++;
	load_check_dup_keys(lc, map, ctx);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = load_node(lc, p->key), *val = load_node(lc, p->value);
		const struct key_spec *spec;

		if (!load_expect(lc, k, YAML_SCALAR_NODE, ctx, "a key") ||
		    load_key_repeated(lc, map, p))
			continue;
		spec = keys_find(&sync_group_keys, text(k));
		if (!spec) {
			load_unknown_key(lc, k, ctx, tables, 1, false);
		} else if (strcmp(spec->name, "members") == 0) {
			have_members = true;
			load_members(lc, val, g, ctx);
		} else {
			g->hooks.pos = load_pos(val);
			load_value(lc, spec, val, g, ctx);
		}
	}
	load_hooks_done(&g->hooks, g->pos);
	if (!have_members)
		diag_error(lc->dl, load_pos(map), "%s: missing required key 'members' (%s)", ctx,
			   keys_find(&sync_group_keys, "members")->help);
}

void load_sync_groups(struct load_ctx *lc, yaml_node_t *map)
{
	struct model *m = lc->m;
	size_t n = map_len(map);

	load_check_dup_keys(lc, map, "sync_groups");
	m->groups = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*m->groups));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);

		if (!load_expect(lc, key, YAML_SCALAR_NODE, "sync_groups", "a group name") ||
		    load_key_repeated(lc, map, p))
			continue;
		load_one_group(lc, key, load_node(lc, p->value));
	}
}
