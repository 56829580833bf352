/* VIPs → VRRP instances, one per (interface, slot, family, clusterIpMethod),
 * with VRIDs that both nodes compute alike from the file alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "model/validate.h"

#define BUCKETS (SLOT_COUNT * 2 * METHOD_COUNT)

struct vrid_set {
	uint8_t used[2][32]; /* per family, bit v = VRID v taken */
	size_t count[2];
};

static int fam_index(enum ip_family f)
{
	return f == IP_V4 ? 0 : 1;
}

static size_t bucket_of(const struct vip *v)
{
	return ((size_t)v->slot * 2 + (size_t)fam_index(v->addr.family)) * METHOD_COUNT +
	       (size_t)v->method;
}

static long seg_find(struct model *m, long i)
{
	while (m->ifaces[i].vrid_domain != i) {
		/* path halving keeps the trees flat */
		m->ifaces[i].vrid_domain = m->ifaces[m->ifaces[i].vrid_domain].vrid_domain;
		i = m->ifaces[i].vrid_domain;
	}
	return i;
}

static void seg_union(struct model *m, long a, long b)
{
	a = seg_find(m, a);
	b = seg_find(m, b);
	if (a < b)
		m->ifaces[b].vrid_domain = a;
	else if (b < a)
		m->ifaces[a].vrid_domain = b;
}

/* L2 segments, for VRID uniqueness (the kinds' `segment`): a macvlan
 * shares its parent's wire, a bridge port and a veth-peer whose other end
 * is a bridge port share the bridge's, transitively (eth4 - macvlan mv0 -
 * bridge br0 - tenant). A union-find over those links; each segment is
 * named by its smallest interface index, so both nodes agree. */
static void compute_segments(struct model *m)
{
	for (size_t i = 0; i < m->n_ifaces; i++)
		m->ifaces[i].vrid_domain = (long)i;
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];

		if (ifc->kind->segment == KIND_SEGMENT_PARENT && ifc->parent_idx >= 0)
			seg_union(m, (long)i, ifc->parent_idx);
		if (ifc->master_idx >= 0 &&
		    m->ifaces[ifc->master_idx].kind->segment == KIND_SEGMENT_PORTS)
			seg_union(m, (long)i, ifc->master_idx);
		if (ifc->peer_end_master >= 0)
			seg_union(m, (long)i, ifc->peer_end_master);
	}
	for (size_t i = 0; i < m->n_ifaces; i++)
		m->ifaces[i].vrid_domain = seg_find(m, (long)i);
}

/* The segment an instance's adverts travel on: its via's, else its own. */
static long vrid_domain(const struct model *m, const struct vrrp_instance *vi)
{
	return m->ifaces[vi->advert_iface].vrid_domain;
}

/* A segment's name in messages: its bridge (KIND_SEGMENT_PORTS), if it has
 * one (what the operator thinks of as the segment), else its first
 * interface. */
static const char *segment_name(const struct model *m, long dom)
{
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (m->ifaces[i].vrid_domain == dom &&
		    m->ifaces[i].kind->segment == KIND_SEGMENT_PORTS)
			return m->ifaces[i].name;
	return m->ifaces[dom].name;
}

static bool vrid_taken(const struct vrid_set *s, int fi, unsigned v)
{
	return s->used[fi][v / 8] & (1u << (v % 8));
}

static void vrid_take(struct vrid_set *s, int fi, unsigned v)
{
	s->used[fi][v / 8] |= (uint8_t)(1u << (v % 8));
	s->count[fi]++;
}

static struct vrrp_instance *new_instance(struct model *m, size_t iface, size_t bucket,
					  size_t count, uint32_t pin)
{
	struct vrrp_instance *vi = &m->instances[m->n_instances++];
	const struct iface *ifc = &m->ifaces[iface];
	const struct iface *adv = ifc->via_idx >= 0 ? &m->ifaces[ifc->via_idx] : ifc;
	char name[96];
	int len;

	vi->iface = iface;
	vi->advert_iface = (size_t)(adv - m->ifaces);
	vi->method = (enum vip_method)(bucket % METHOD_COUNT);
	vi->family = (bucket / METHOD_COUNT) % 2 ? IP_V6 : IP_V4;
	vi->slot = (enum vip_slot)(bucket / (METHOD_COUNT * 2));
	vi->vips = arena_alloc(&m->arena, count * sizeof(*vi->vips));
	len = snprintf(name, sizeof(name), "%s/%s/%s/%s", ifc->name, vip_slot_name(vi->slot),
		       ip_family_name(vi->family), vip_method_name(vi->method));
	if (pin) {
		/* VIPs of one slot, family and method may pin several VRIDs */
		snprintf(name + len, sizeof(name) - (size_t)len, "/vrid%u", pin);
		vi->vrid = (uint8_t)pin;
		vi->vrid_pinned = true;
	}
	vi->name = arena_strdup(&m->arena, name);
	for (int n = 0; n < MODEL_NODES; n++) {
		bool prefers = (vi->slot == SLOT_MASTER) == (n == 0);

		vi->priority[n] = (uint8_t)(prefers ? ifc->vrrp.priority.preferred.v
						    : ifc->vrrp.priority.other.v);
		for (size_t a = 0; a < adv->addrs[n].n; a++) {
			if (adv->addrs[n].v[a].v.family == vi->family) {
				vi->addr[n] = adv->addrs[n].v[a].v;
				vi->has_pair = true;
				break;
			}
		}
	}
	return vi;
}

static uint32_t vip_pin(const struct vip *v)
{
	return v->vrid.set ? v->vrid.v : 0;
}

static bool iface_has_pins(const struct iface *ifc)
{
	for (size_t i = 0; i < ifc->n_vips; i++)
		if (ifc->vips[i].vrid.set)
			return true;
	return false;
}

/* Instances of an interface whose VIPs pin VRIDs: one per (bucket, pinned
 * VRID or none), in the order of the buckets, then of the VRIDs. */
static void build_pinned(struct model *m, size_t iface)
{
	const struct iface *ifc = &m->ifaces[iface];
	size_t slots = (size_t)BUCKETS * 256;
	size_t *count = calloc(slots, sizeof(*count));
	struct vrrp_instance **by_key = calloc(slots, sizeof(*by_key));

	if (!count || !by_key)
		abort(); /* as the arena does: a loader cannot go on without memory */
	for (size_t i = 0; i < ifc->n_vips; i++)
		count[bucket_of(&ifc->vips[i]) * 256 + vip_pin(&ifc->vips[i])]++;
	for (size_t k = 0; k < slots; k++)
		if (count[k])
			by_key[k] = new_instance(m, iface, k / 256, count[k], (uint32_t)(k % 256));
	for (size_t i = 0; i < ifc->n_vips; i++) {
		struct vrrp_instance *vi =
		    by_key[bucket_of(&ifc->vips[i]) * 256 + vip_pin(&ifc->vips[i])];

		vi->vips[vi->n_vips++] = i;
	}
	free(count);
	free(by_key);
}

static void build_instances(struct model *m, size_t iface)
{
	const struct iface *ifc = &m->ifaces[iface];
	size_t count[BUCKETS] = {0};
	struct vrrp_instance *by_bucket[BUCKETS] = {0};

	if (iface_has_pins(ifc)) {
		build_pinned(m, iface);
		return;
	}
	for (size_t i = 0; i < ifc->n_vips; i++)
		count[bucket_of(&ifc->vips[i])]++;
	for (size_t b = 0; b < BUCKETS; b++)
		if (count[b])
			by_bucket[b] = new_instance(m, iface, b, count[b], 0);
	for (size_t i = 0; i < ifc->n_vips; i++) {
		struct vrrp_instance *vi = by_bucket[bucket_of(&ifc->vips[i])];

		vi->vips[vi->n_vips++] = i;
	}
}

/* The instance that holds a VRID on a segment, for the collision message. */
static const struct vrrp_instance *vrid_holder(const struct model *m, long dom, enum ip_family f,
					       uint8_t vrid)
{
	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *vi = &m->instances[i];

		if (vi->vrid == vrid && vi->family == f && vrid_domain(m, vi) == dom)
			return vi;
	}
	return NULL;
}

static const char *inherited(const struct model *m, const struct u32_val *base)
{
	const struct u32_val *cl = &m->vrrp.virtual_router_id;

	return cl->set && cl->pos.line == base->pos.line && cl->pos.col == base->pos.col
		   ? " (inherited from cluster.vrrp)"
		   : "";
}

/* One explicit VRID that does not fit; said once per interface, since
 * one change of virtual_router_id fixes them all. */
static void explicit_error(struct model *m, const struct vrrp_instance *vi, unsigned v,
			   struct diag_list *dl)
{
	const struct iface *ifc = &m->ifaces[vi->iface];
	const struct u32_val *base = &ifc->vrrp.virtual_router_id;
	long dom = vrid_domain(m, vi);
	const struct vrrp_instance *h;

	if (v > 255) {
		diag_error(
		    dl, base->pos,
		    "%s: virtual_router_id %u%s leaves no VRID for instance %s: the "
		    "interface's %s instances take one each from %u up, and VRIDs end at 255",
		    ifc->name, base->v, inherited(m, base), vi->name, ip_family_name(vi->family),
		    base->v);
		return;
	}
	h = vrid_holder(m, dom, vi->family, (uint8_t)v);
	diag_error(
	    dl, base->pos,
	    "%s: VRID %u%s of instance %s is already taken by %s (line %d) on the %s segment "
	    "of %s; choose another virtual_router_id or leave it automatic",
	    ifc->name, v, inherited(m, base), vi->name, h ? h->name : "?",
	    h ? m->ifaces[h->iface].pos.line : 0, ip_family_name(vi->family), segment_name(m, dom));
}

/* Explicit VRIDs: the interface's first instance of a family takes the
 * base, the next ones base+1, ... in instance order. */
static void assign_explicit(struct model *m, struct vrid_set *sets, struct diag_list *dl)
{
	unsigned next[2] = {0, 0};
	size_t last_iface = (size_t)-1;
	bool reported = false;

	for (size_t i = 0; i < m->n_instances; i++) {
		struct vrrp_instance *vi = &m->instances[i];
		const struct iface *ifc = &m->ifaces[vi->iface];
		const struct u32_val *base = &ifc->vrrp.virtual_router_id;
		struct vrid_set *s = &sets[vrid_domain(m, vi)];
		int fi = fam_index(vi->family);
		unsigned v;

		if (!base->set || vi->vrid_pinned)
			continue;
		if (vi->iface != last_iface) {
			next[0] = next[1] = 0;
			last_iface = vi->iface;
			reported = false;
		}
		v = base->v + next[fi]++;
		if (v > 255 || vrid_taken(s, fi, v)) {
			if (!reported)
				explicit_error(m, vi, v, dl);
			reported = true;
			continue;
		}
		vrid_take(s, fi, v);
		vi->vrid = (uint8_t)v;
		vi->vrid_explicit = true;
	}
}

/* VRIDs pinned by the VIPs' vrid key come first: they are what a peer
 * (keepalived during a migration) already uses. */
static void assign_pinned(struct model *m, struct vrid_set *sets, struct diag_list *dl)
{
	for (size_t i = 0; i < m->n_instances; i++) {
		struct vrrp_instance *vi = &m->instances[i];
		const struct iface *ifc = &m->ifaces[vi->iface];
		long dom = vrid_domain(m, vi);
		int fi = fam_index(vi->family);
		const struct vip *v = &ifc->vips[vi->vips[0]];
		const struct vrrp_instance *h;

		if (!vi->vrid_pinned)
			continue;
		if (!vrid_taken(&sets[dom], fi, vi->vrid)) {
			vrid_take(&sets[dom], fi, vi->vrid);
			vi->vrid_explicit = true;
			continue;
		}
		h = vrid_holder(m, dom, vi->family, vi->vrid);
		diag_error(dl, v->vrid.pos,
			   "%s: vrid %u of instance %s is already taken by %s (line %d) on the %s "
			   "segment of %s; VIPs that share a VRID must share their slot and "
			   "clusterIpMethod",
			   ifc->name, vi->vrid, vi->name, h ? h->name : "?",
			   h ? m->ifaces[h->iface].vips[h->vips[0]].pos.line : 0,
			   ip_family_name(vi->family), segment_name(m, dom));
		vi->vrid = 0;
		vi->vrid_pinned = false;
		vi->vrid_explicit = true; /* reported; no automatic one either */
	}
}

/* Instances per (segment, family), for the message when VRIDs run out. */
static size_t *count_needed(struct model *m)
{
	size_t *need = arena_alloc(&m->arena, (m->n_ifaces ? m->n_ifaces : 1) * 2 * sizeof(*need));

	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *vi = &m->instances[i];

		need[(size_t)vrid_domain(m, vi) * 2 + (size_t)fam_index(vi->family)]++;
	}
	return need;
}

static uint8_t auto_candidate(const struct model *m, const struct vrrp_instance *vi)
{
	const struct iface *ifc = &m->ifaces[vi->iface];
	uint32_t h = strmap_hash(m->cluster_name.v);

	h = strmap_hash_bytes(h, "/", 1);
	h = strmap_hash_bytes(h, ifc->name, strlen(ifc->name));
	h = strmap_hash_bytes(h, vip_slot_name(vi->slot), 6);
	h = strmap_hash_bytes(h, vip_method_name(vi->method), strlen(vip_method_name(vi->method)));
	return (uint8_t)(h % 255 + 1);
}

/* Automatic VRIDs: a hash of cluster, interface, slot and method picks the
 * first candidate, so two clusters on one LAN rarely collide and an IPv4
 * and an IPv6 instance of one slot usually share their VRID. */
static void assign_auto(struct model *m, struct vrid_set *sets, struct diag_list *dl)
{
	size_t *need = count_needed(m);

	for (size_t i = 0; i < m->n_instances; i++) {
		struct vrrp_instance *vi = &m->instances[i];
		const struct iface *ifc = &m->ifaces[vi->iface];
		long dom = vrid_domain(m, vi);
		struct vrid_set *s = &sets[dom];
		int fi = fam_index(vi->family);
		size_t *n = &need[(size_t)dom * 2 + (size_t)fi];
		unsigned v;

		if (vi->vrid_explicit)
			continue;
		if (s->count[fi] >= 255) {
			/* Once per segment and family: the first instance without a VRID. */
			if (*n)
				diag_error(dl, ifc->pos,
					   "%s: no VRID left for instance %s: the %s segment of %s "
					   "needs %zu VRRP instances (one per interface, slot and "
					   "clusterIpMethod with VIPs), but VRIDs are 1..255",
					   ifc->name, vi->name, ip_family_name(vi->family),
					   segment_name(m, dom), *n);
			*n = 0;
			continue;
		}
		v = auto_candidate(m, vi);
		while (vrid_taken(s, fi, v))
			v = v % 255 + 1;
		vrid_take(s, fi, v);
		vi->vrid = (uint8_t)v;
	}
}

void model_compile(struct model *m, struct diag_list *dl)
{
	size_t total = 0;
	struct vrid_set *sets;

	for (size_t i = 0; i < m->n_ifaces; i++) {
		size_t cap = iface_has_pins(&m->ifaces[i]) ? (size_t)BUCKETS * 256 : BUCKETS;

		total += m->ifaces[i].n_vips < cap ? m->ifaces[i].n_vips : cap;
	}
	m->instances = arena_alloc(&m->arena, (total ? total : 1) * sizeof(*m->instances));
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (m->ifaces[i].n_vips)
			build_instances(m, i);
	sets = arena_alloc(&m->arena, (m->n_ifaces ? m->n_ifaces : 1) * sizeof(*sets));
	compute_segments(m);
	assign_pinned(m, sets, dl);
	assign_explicit(m, sets, dl);
	assign_auto(m, sets, dl);
}
