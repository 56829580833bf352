/* interfaces: each entry parsed against the common keys and its kind's keys. */
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

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

static bool load_addr(struct load_ctx *lc, yaml_node_t *n, bool want_prefix, const char *ctx,
		      const char *what, struct ip_addr *out)
{
	const char *why;

	if (!load_expect(lc, n, YAML_SCALAR_NODE, ctx, what))
		return false;
	if (ip_parse(text(n), want_prefix, out, &why) < 0) {
		diag_error(lc->dl, load_pos(n), "%s: %s '%s' %s", ctx, what, text(n), why);
		return false;
	}
	return true;
}

static void load_node_addrs(struct load_ctx *lc, struct iface *ifc, yaml_node_t *key,
			    yaml_node_t *val)
{
	struct arena *a = &lc->m->arena;
	int node = model_node_index(lc->m, text(key));
	struct addr_list *al;
	size_t n;

	if (node < 0) {
		ifc->addrs_bad = true;
		/* With cluster.nodes broken every name would be "unknown". */
		if (model_nodes_known(lc->m))
			diag_error(lc->dl, load_pos(key),
				   "%s: addresses: '%s' is not a node of the cluster (%s, %s)",
				   ifc->name, text(key), lc->m->nodes[0].v, lc->m->nodes[1].v);
		return;
	}
	al = &ifc->addrs[node];
	al->pos = load_pos(key);
	al->set = true;
	if (val->type == YAML_SCALAR_NODE) {
		al->v = arena_alloc(a, sizeof(*al->v));
		if (load_addr(lc, val, true, ifc->name, "address", &al->v[0].v)) {
			al->v[0].set = true;
			al->v[0].pos = load_pos(val);
			al->n = 1;
		} else {
			ifc->addrs_bad = true;
		}
		return;
	}
	if (!load_expect(lc, val, YAML_SEQUENCE_NODE, ifc->name, "addresses of a node")) {
		ifc->addrs_bad = true;
		return;
	}
	n = seq_len(val);
	al->v = arena_alloc(a, (n ? n : 1) * sizeof(*al->v));
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     it < val->data.sequence.items.top; it++) {
		yaml_node_t *item = load_node(lc, *it);

		if (!load_addr(lc, item, true, ifc->name, "address", &al->v[al->n].v)) {
			ifc->addrs_bad = true;
			continue;
		}
		al->v[al->n].set = true;
		al->v[al->n].pos = load_pos(item);
		al->n++;
	}
}

static void load_addresses(struct load_ctx *lc, struct iface *ifc, yaml_node_t *val)
{
	if (!load_expect(lc, val, YAML_MAPPING_NODE, ifc->name, "addresses")) {
		ifc->addrs_bad = true;
		return;
	}
	load_check_dup_keys(lc, val, ifc->name);
	for (yaml_node_pair_t *p = val->data.mapping.pairs.start; p < val->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);

		if (!load_expect(lc, key, YAML_SCALAR_NODE, ifc->name, "a node name"))
			ifc->addrs_bad = true;
		else if (!load_key_repeated(lc, val, p))
			load_node_addrs(lc, ifc, key, load_node(lc, p->value));
	}
}

static void load_gateway(struct load_ctx *lc, struct iface *ifc, yaml_node_t *val)
{
	if (!load_expect(lc, val, YAML_MAPPING_NODE, ifc->name, "gateway"))
		return;
	load_check_dup_keys(lc, val, ifc->name);
	for (yaml_node_pair_t *p = val->data.mapping.pairs.start; p < val->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key), *v = load_node(lc, p->value);
		struct addr_val *gw;
		enum ip_family want;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, ifc->name, "a key") ||
		    load_key_repeated(lc, val, p))
			continue;
		if (strcmp(text(key), "ipv4") == 0) {
			gw = &ifc->gateway4;
			want = IP_V4;
		} else if (strcmp(text(key), "ipv6") == 0) {
			gw = &ifc->gateway6;
			want = IP_V6;
		} else {
			diag_error(lc->dl, load_pos(key),
				   "%s: gateway: unknown key '%s' (allowed: ipv4, ipv6)", ifc->name,
				   text(key));
			continue;
		}
		gw->pos = load_pos(v);
		if (!load_addr(lc, v, false, ifc->name, "gateway", &gw->v)) {
			gw->bad = true;
			continue;
		}
		if (gw->v.family != want) {
			diag_error(lc->dl, load_pos(v), "%s: gateway %s %s is not an %s address",
				   ifc->name, text(key), text(v), want == IP_V4 ? "IPv4" : "IPv6");
			gw->bad = true;
			continue;
		}
		gw->set = true;
		gw->pos = load_pos(v);
	}
}

static bool parse_method(const char *s, enum vip_method *out)
{
	for (int i = 0; i < METHOD_COUNT; i++) {
		if (strcmp(s, vip_method_name((enum vip_method)i)) == 0) {
			*out = (enum vip_method)i;
			return true;
		}
	}
	return false;
}

static void bad_method(struct load_ctx *lc, const struct iface *ifc, yaml_node_t *v)
{
	const char *near = NULL;

	for (int i = 0; i < METHOD_COUNT && !near; i++)
		if (strcasecmp(text(v), vip_method_name((enum vip_method)i)) == 0 ||
		    keys_edit_distance(text(v), vip_method_name((enum vip_method)i)) == 1)
			near = vip_method_name((enum vip_method)i);
	if (near)
		diag_error(lc->dl, load_pos(v),
			   "%s: clusterIpMethod '%s' is not one of vrrp | link | gw | link+gw (did "
			   "you mean '%s'?)",
			   ifc->name, text(v), near);
	else
		diag_error(lc->dl, load_pos(v),
			   "%s: clusterIpMethod '%s' is not one of vrrp | link | gw | link+gw",
			   ifc->name, text(v));
}

/* "method" and near spellings are taken for clusterIpMethod, the key
 * users most often get wrong; otherwise say what a VIP accepts. */
static void vip_unknown_key(struct load_ctx *lc, const struct iface *ifc, yaml_node_t *key)
{
	static const char *const names[] = {"address", "clusterIpMethod", "zone", "vrid"};
	const char *k = text(key), *near = NULL;

	if (strcasecmp(k, "method") == 0 || strcasecmp(k, "clusteripmethod") == 0)
		near = names[1];
	for (size_t i = 0; i < 4 && !near; i++)
		if (keys_edit_distance(k, names[i]) <= (i == 1 ? 4u : 2u))
			near = names[i];
	if (near)
		diag_error(lc->dl, load_pos(key), "%s: unknown VIP key '%s' (did you mean '%s'?)",
			   ifc->name, k, near);
	else
		diag_error(
		    lc->dl, load_pos(key),
		    "%s: unknown VIP key '%s' (allowed: address, clusterIpMethod, zone, vrid)",
		    ifc->name, k);
}

/* A VIP's vrid: pins its instance's VRID (DESIGN 2, docs/config.md). */
static const struct key_spec vip_vrid_key = {
    .name = "vrid", .type = KT_U32, .offset = offsetof(struct vip, vrid), .min = 1, .max = 255};

static void load_vip_map(struct load_ctx *lc, struct iface *ifc, yaml_node_t *item, struct vip *vip,
			 bool *ok)
{
	bool have_addr = false;

	load_check_dup_keys(lc, item, ifc->name);
	for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key), *v = load_node(lc, p->value);
		const char *k;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, ifc->name, "a key") ||
		    load_key_repeated(lc, item, p))
			continue;
		k = text(key);
		if (strcmp(k, "address") == 0) {
			have_addr = load_addr(lc, v, true, ifc->name, "vip", &vip->addr);
			*ok &= have_addr;
		} else if (strcmp(k, "clusterIpMethod") == 0) {
			if (!load_expect(lc, v, YAML_SCALAR_NODE, ifc->name, "clusterIpMethod")) {
				*ok = false;
			} else if (!parse_method(text(v), &vip->method)) {
				bad_method(lc, ifc, v);
				*ok = false;
			}
			vip->method_pos = load_pos(v);
		} else if (strcmp(k, "zone") == 0) {
			if (load_expect(lc, v, YAML_SCALAR_NODE, ifc->name, "zone"))
				vip->zone = arena_strdup(&lc->m->arena, text(v));
		} else if (strcmp(k, "vrid") == 0) {
			load_value(lc, &vip_vrid_key, v, vip, ifc->name);
			*ok &= vip->vrid.set;
		} else {
			vip_unknown_key(lc, ifc, key);
			*ok = false;
		}
	}
	if (!have_addr && *ok) {
		diag_error(lc->dl, load_pos(item), "%s: VIP without 'address' (address: ADDR/PLEN)",
			   ifc->name);
		*ok = false;
	}
}

static void load_vip_list(struct load_ctx *lc, struct iface *ifc, enum vip_slot slot,
			  yaml_node_t *seq)
{
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = load_node(lc, *it);
		struct vip *vip = &ifc->vips[ifc->n_vips];
		bool ok = true;

		memset(vip, 0, sizeof(*vip));
		vip->slot = slot;
		vip->method = METHOD_VRRP;
		vip->pos = load_pos(item);
		vip->method_pos = vip->pos;
		if (item->type == YAML_SCALAR_NODE)
			ok = load_addr(lc, item, true, ifc->name, "vip", &vip->addr);
		else if (item->type == YAML_MAPPING_NODE)
			load_vip_map(lc, ifc, item, vip, &ok);
		else
			ok = load_expect(lc, item, YAML_MAPPING_NODE, ifc->name, "a VIP");
		if (ok)
			ifc->n_vips++;
	}
}

static void load_vips(struct load_ctx *lc, struct iface *ifc, yaml_node_t *val)
{
	yaml_node_t *lists[SLOT_COUNT] = {NULL, NULL};
	size_t total = 0;

	if (!load_expect(lc, val, YAML_MAPPING_NODE, ifc->name, "vips"))
		return;
	load_check_dup_keys(lc, val, ifc->name);
	for (yaml_node_pair_t *p = val->data.mapping.pairs.start; p < val->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key), *v = load_node(lc, p->value);
		int slot;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, ifc->name, "a key") ||
		    load_key_repeated(lc, val, p))
			continue;
		if (strcmp(text(key), "master") == 0) {
			slot = SLOT_MASTER;
		} else if (strcmp(text(key), "backup") == 0) {
			slot = SLOT_BACKUP;
		} else {
			diag_error(lc->dl, load_pos(key),
				   "%s: vips: unknown slot '%s' (allowed: master, backup)",
				   ifc->name, text(key));
			continue;
		}
		if (!load_expect(lc, v, YAML_SEQUENCE_NODE, ifc->name, "a VIP slot"))
			continue;
		lists[slot] = v;
		total += seq_len(v);
	}
	ifc->vips = arena_alloc(&lc->m->arena, (total ? total : 1) * sizeof(*ifc->vips));
	for (int s = 0; s < SLOT_COUNT; s++)
		if (lists[s])
			load_vip_list(lc, ifc, (enum vip_slot)s, lists[s]);
}

static void load_iface_keys(struct load_ctx *lc, struct iface *ifc, yaml_node_t *map)
{
	const struct key_table *tables[] = {&common_iface_keys, &ifc->kind->keys};

	load_check_dup_keys(lc, map, ifc->name);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key), *val = load_node(lc, p->value);
		const struct key_spec *k;
		const char *name;

		if (!load_expect(lc, key, YAML_SCALAR_NODE, ifc->name, "a key") ||
		    load_key_repeated(lc, map, p))
			continue;
		name = text(key);
		if (strcmp(name, "type") == 0)
			continue;
		if (strcmp(name, "addresses") == 0) {
			load_addresses(lc, ifc, val);
		} else if (strcmp(name, "gateway") == 0) {
			load_gateway(lc, ifc, val);
		} else if (strcmp(name, "vips") == 0) {
			load_vips(lc, ifc, val);
		} else if ((k = keys_find(&common_iface_keys, name)) ||
			   (k = keys_find(&ifc->kind->keys, name))) {
			load_value(lc, k, val, ifc, ifc->name);
		} else {
			load_unknown_key(lc, key, ifc->name, tables, 2, true);
		}
	}
}

static bool map_has_key(struct load_ctx *lc, yaml_node_t *map, const char *name)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);

		if (key->type == YAML_SCALAR_NODE && strcmp(text(key), name) == 0)
			return true;
	}
	return false;
}

/* A required key that is written but invalid has its own error; saying
 * it is missing as well would only confuse. */
static void check_required(struct load_ctx *lc, struct iface *ifc, yaml_node_t *map)
{
	const struct key_table *t = &ifc->kind->keys;

	for (size_t i = 0; i < t->n; i++) {
		const struct key_spec *k = &t->keys[i];

		if (!k->required || map_has_key(lc, map, k->name))
			continue;
		diag_error(lc->dl, ifc->pos, "%s: a %s needs '%s' (%s)", ifc->name, ifc->kind->name,
			   k->name, k->help);
	}
}

static const char *nearest_kind(const char *name)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
		const char *kn = iface_type_name((enum iface_type)t);
		unsigned d = keys_edit_distance(name, kn);

		if (strncmp(name, kn, strlen(name)) == 0 && strlen(name) >= 3)
			d = 1; /* a prefix: "eth", "ether" */
		if (d < best_d) {
			best_d = d;
			best = kn;
		}
	}
	return best;
}

/* Type first: the kind decides which keys the rest of the entry may use. */
static const struct iface_kind *load_type(struct load_ctx *lc, struct iface *ifc, yaml_node_t *map)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key), *val = load_node(lc, p->value);
		const struct iface_kind *kind;
		const char *near;

		if (key->type != YAML_SCALAR_NODE || strcmp(text(key), "type") != 0)
			continue;
		if (!load_expect(lc, val, YAML_SCALAR_NODE, ifc->name, "type"))
			return NULL;
		kind = iface_kind_by_name(text(val));
		if (kind)
			return kind;
		near = nearest_kind(text(val));
		if (near)
			diag_error(lc->dl, load_pos(val),
				   "%s: type '%s' is not one of %s (did you mean '%s'?)", ifc->name,
				   text(val), iface_kind_list(), near);
		else
			diag_error(lc->dl, load_pos(val), "%s: type '%s' is not one of %s",
				   ifc->name, text(val), iface_kind_list());
		return NULL;
	}
	diag_error(lc->dl, ifc->pos, "%s: missing 'type' (one of %s)", ifc->name,
		   iface_kind_list());
	return NULL;
}

static void load_one_iface(struct load_ctx *lc, yaml_node_t *key, yaml_node_t *val)
{
	struct model *m = lc->m;
	struct iface *ifc = &m->ifaces[m->n_ifaces];
	const char *why;

	memset(ifc, 0, sizeof(*ifc));
	ifc->name = arena_strdup(&m->arena, text(key));
	ifc->pos = load_pos(key);
	ifc->parent_idx = ifc->master_idx = ifc->peer_end_master = -1;
	ifc->vrid_domain = (long)m->n_ifaces;
	ifc->via_idx = -1;
	if (!load_valid_ifname(ifc->name, &why)) {
		diag_error(lc->dl, ifc->pos, "interface name '%s' %s", ifc->name, why);
		return;
	}
	if (!load_expect(lc, val, YAML_MAPPING_NODE, ifc->name, "an interface"))
		return;
	ifc->kind = load_type(lc, ifc, val);
	ifc->type = ifc->kind ? ifc->kind->type : IFACE_TYPE_COUNT;
	/* Registered even without a valid type, so that references to it do
	 * not cascade into "not defined" errors; validation skips it. */
	if (!strmap_put(&m->by_name, ifc->name, m->n_ifaces))
		return; /* duplicate key, already reported */
	m->n_ifaces++;
	if (!ifc->kind)
		return;
	load_iface_keys(lc, ifc, val);
	/* After all keys: zone may follow vips in the entry. */
	for (size_t i = 0; i < ifc->n_vips; i++)
		if (!ifc->vips[i].zone)
			ifc->vips[i].zone = ifc->zone.v;
	check_required(lc, ifc, val);
	keys_apply_defaults(&ifc->kind->keys, ifc);
	keys_inherit(&vrrp_keys, &ifc->vrrp, &m->vrrp);
	keys_inherit(&gwcheck_keys, &ifc->gwcheck, &m->gwcheck);
	keys_inherit(&bfd_keys, &ifc->bfd, &m->bfd);
	model_bfd_resolve(&ifc->bfd);
	/* An unwritten timeout follows the interval in force here, which may
	 * be the interface's own, not the cluster's derived value. */
	model_gwcheck_resolve_timeout(&ifc->gwcheck);
}

void load_interfaces(struct load_ctx *lc, yaml_node_t *map)
{
	struct model *m = lc->m;
	size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);

	load_check_dup_keys(lc, map, "interfaces");
	m->ifaces = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*m->ifaces));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *key = load_node(lc, p->key);

		if (!load_expect(lc, key, YAML_SCALAR_NODE, "interfaces", "an interface name"))
			continue;
		load_one_iface(lc, key, load_node(lc, p->value));
	}
	if (n == 0)
		diag_error(lc->dl, load_pos(map), "interfaces: no interface defined");
}
