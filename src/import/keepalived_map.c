/* Two keepalived files -> one cluster file. Instances are paired by
 * (interface, VRID, family); the node with the higher priority prefers the
 * instance's slot. What vipd keeps per interface (priorities, timers,
 * tracking) is taken from the first instance of the interface; a later one
 * that differs is warned about. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/keepalived_internal.h"

/* ---- interfaces ---- */

/* Names that usually are an aggregate or a VLAN: said, since the files
 * do not tell their members or parent. */
static const char *const aggregate_names[] = {"bond*", "team*", NULL};
static const char *const vlan_names[] = {"vlan*", NULL};

static bool name_like(const char *name, const char *const *patterns)
{
	for (size_t i = 0; patterns[i]; i++)
		if (fnmatch(patterns[i], name, 0) == 0)
			return true;
	return false;
}

/* "eth0.100" -> parent eth0, id 100; 0 for any other name. */
static int vlan_of(const char *name, char *parent, size_t plen)
{
	const char *dot = strrchr(name, '.');
	char *end;
	long id;

	if (!dot || dot == name || (size_t)(dot - name) >= plen)
		return 0;
	id = strtol(dot + 1, &end, 10);
	if (*end || end == dot + 1 || id < 1 || id > 4094)
		return 0;
	memcpy(parent, name, (size_t)(dot - name));
	parent[dot - name] = '\0';
	return (int)id;
}

static struct out_iface *find_iface(struct out_conf *o, const char *name)
{
	for (size_t i = 0; i < o->n_ifaces; i++)
		if (strcmp(o->ifaces[i].name, name) == 0)
			return &o->ifaces[i];
	return NULL;
}

static struct out_iface *add_iface(struct map_ctx *m, const char *name)
{
	struct out_conf *o = m->o;

	if (o->n_ifaces == o->cap_ifaces) {
		size_t cap = o->cap_ifaces ? o->cap_ifaces * 2 : 8;

		o->ifaces = arena_grow(m->c->a, o->ifaces, o->n_ifaces, cap, sizeof(*o->ifaces));
		o->cap_ifaces = cap;
	}
	o->ifaces[o->n_ifaces] = (struct out_iface){.name = name};
	return &o->ifaces[o->n_ifaces++];
}

/* The interface, created on first use: "eth0.100" as a vlan on eth0 (the
 * parent an ethernet, listed first); any other name as an ethernet, an
 * existing device vipd configures but never creates. */
struct out_iface *ka_iface(struct map_ctx *m, const char *name, struct ka_where w)
{
	struct out_iface *f = find_iface(m->o, name);
	char parent[64];
	int id;

	if (f)
		return f;
	id = vlan_of(name, parent, sizeof(parent));
	if (id) {
		if (!find_iface(m->o, parent))
			add_iface(m, arena_strdup(m->c->a, parent));
		f = add_iface(m, name);
		f->vlan_id = id;
		f->parent = arena_strdup(m->c->a, parent);
		if (name_like(parent, aggregate_names))
			ka_warnf(
			    m, w,
			    "%s: its parent %s is written as an ethernet (an existing device): "
			    "keepalived's files do not say its members; write type bond or lacp "
			    "with members if vipctl apply should manage it",
			    name, parent);
		return f;
	}
	if (name_like(name, vlan_names))
		ka_warnf(m, w,
			 "%s is written as an ethernet (an existing device): its parent and VLAN "
			 "id are not in keepalived's files; write type vlan, parent and id if "
			 "vipctl apply should create it",
			 name);
	return add_iface(m, name);
}

/* ---- pairing ---- */

static struct ka_inst *twin(struct ka_conf *k, const struct ka_inst *a)
{
	for (size_t i = 0; i < k->n_insts; i++) {
		struct ka_inst *b = &k->insts[i];

		if (b->iface && a->iface && strcmp(b->iface, a->iface) == 0 && b->vrid == a->vrid &&
		    b->family == a->family)
			return b;
	}
	return NULL;
}

static const struct ka_inst *same_vrid_elsewhere(const struct ka_conf *k, const struct ka_inst *a)
{
	for (size_t i = 0; i < k->n_insts; i++) {
		const struct ka_inst *b = &k->insts[i];

		if (b->iface && a->iface && strcmp(b->iface, a->iface) != 0 && b->vrid == a->vrid &&
		    b->family == a->family)
			return b;
	}
	return NULL;
}

static bool vip_in(const struct ka_inst *in, const struct ka_vip *v)
{
	for (size_t i = 0; i < in->n_vips; i++) {
		const struct ka_vip *w = &in->vips[i];

		if (ip_equal(&w->addr, &v->addr) && w->addr.plen == v->addr.plen &&
		    w->excluded == v->excluded &&
		    strcmp(w->dev ? w->dev : "", v->dev ? v->dev : "") == 0)
			return true;
	}
	return false;
}

/* The two files must list the same VIPs for one instance: else the
 * imported file cannot be true to both. */
static bool same_vips(struct map_ctx *m, const struct ka_inst *a, const struct ka_inst *b)
{
	const struct ka_inst *x[2] = {a, b};

	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < x[s]->n_vips; i++) {
			const struct ka_vip *v = &x[s]->vips[i];
			char t[IP_STR_MAX];

			if (vip_in(x[!s], v))
				continue;
			ka_errorf(m, v->at,
				  "instance %s: virtual address %s%s%s is not in the other file's "
				  "instance %s (%s:%d): the two files disagree on its VIPs",
				  x[s]->name, ip_ntop_prefix(&v->addr, t), v->dev ? " dev " : "",
				  v->dev ? v->dev : "", x[!s]->name, x[!s]->at.file,
				  x[!s]->at.line);
			return false;
		}
	return true;
}

/* ---- per interface values ---- */

/* keepalived's advert_int in ms; VRRPv3 counts centiseconds, so it is
 * rounded to 10 ms as keepalived itself sends it. */
static uint32_t advert_of(const struct ka_inst *in)
{
	uint32_t ms = in->has_advert ? in->advert_ms : 1000;

	ms = (ms + 5) / 10 * 10;
	return ms < 10 ? 10 : ms > 40950 ? 40950 : ms;
}

static int version_of(const struct ka_conf *k, const struct ka_inst *in)
{
	if (in->family == IP_V6)
		return 3; /* keepalived runs IPv6 as version 3 whatever is written */
	return in->version ? in->version : k->version ? k->version : 2;
}

/* Priority pair of the slot: preferred above other, both 1..254. */
static void priorities(struct map_ctx *m, int slot, int *pref, int *other)
{
	const struct ka_inst *p = m->pairs[m->n_pairs].in[slot];
	const struct ka_inst *q = m->pairs[m->n_pairs].in[!slot];

	*pref = p->priority;
	*other = q->priority;
	if (*pref > 254) {
		ka_warnf(m, p->at,
			 "instance %s: priority 255 (address owner) is written as 254: vipd does "
			 "not own addresses",
			 p->name);
		*pref = 254;
	}
	if (*other >= *pref) {
		ka_warnf(m, q->at,
			 "instance %s: priority %d on both nodes; vipd needs a preferred node: "
			 "%s's %d stays, the other is written as %d",
			 q->name, q->priority, m->k[slot].id, *pref, *pref - 1);
		*other = *pref - 1;
	}
	if (*other < 1)
		*other = 1, *pref = *pref > 1 ? *pref : 2;
}

/* The first instance of an interface sets its vrrp values; a later one
 * that differs is told (vipd has one set per interface). */
static void set_vrrp(struct map_ctx *m, struct out_iface *f, const struct ka_inst *in, int version,
		     int pref, int other)
{
	bool preempt = !in->nopreempt;
	uint32_t delay = in->has_preempt_delay ? in->preempt_delay_ms : 0;

	if (!f->vrrp_set) {
		f->vrrp_set = true;
		f->vrrp_from = in->at;
		f->version = version;
		f->advert_ms = advert_of(in);
		f->pref = pref;
		f->other = other;
		f->preempt = preempt;
		f->preempt_delay_ms = delay;
		f->unicast = in->unicast;
		return;
	}
	if (f->version != version) {
		if (version == 3 || f->version == 3)
			ka_warnf(m, in->at,
				 "instance %s on %s: vipd runs one VRRP version per interface and "
				 "IPv6 needs 3: version 3 is written; set vrrp_version 3 in "
				 "global_defs of both keepalived files before switching a node",
				 in->name, f->name);
		f->version = 3;
	}
	if (f->advert_ms != advert_of(in))
		ka_warnf(m, in->at,
			 "instance %s: advert_int %ums differs from %ums of the instance at %s:%d; "
			 "vipd has one advert interval per interface: %ums is written",
			 in->name, advert_of(in), f->advert_ms, f->vrrp_from.file,
			 f->vrrp_from.line, f->advert_ms);
	if (f->pref != pref || f->other != other)
		ka_warnf(
		    m, in->at,
		    "instance %s: priorities %d/%d differ from %d/%d of the instance at %s:%d; "
		    "vipd has one priority pair per interface: %d/%d is written (the same "
		    "node still prefers the slot)",
		    in->name, pref, other, f->pref, f->other, f->vrrp_from.file, f->vrrp_from.line,
		    f->pref, f->other);
	if (f->preempt != preempt || f->preempt_delay_ms != delay)
		ka_warnf(m, in->at,
			 "instance %s: nopreempt/preempt_delay differ from the instance at %s:%d; "
			 "vipd has one setting per interface: the first is written",
			 in->name, f->vrrp_from.file, f->vrrp_from.line);
	if (f->unicast != in->unicast)
		ka_warnf(m, in->at,
			 "instance %s: unicast and multicast instances on one interface; vipd has "
			 "one setting per interface: the first is written",
			 in->name);
}

/* The prefix of a node address: that of a VIP whose subnet holds it,
 * else /24 or /64 (said). */
static bool prefix_from(const struct ip_addr *net, struct ip_addr *addr)
{
	if (net->family != addr->family || net->plen >= (net->family == IP_V4 ? 32 : 128) ||
	    !ip_in_subnet(addr, net))
		return false;
	addr->plen = net->plen;
	return true;
}

static void address_prefix(struct map_ctx *m, const struct out_iface *f,
			   const struct ka_inst *in[2], struct ip_addr *addr, struct ka_where w)
{
	char t[IP_STR_MAX];

	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < in[s]->n_vips; i++)
			if (prefix_from(&in[s]->vips[i].addr, addr))
				return;
	for (size_t i = 0; i < f->n_vips; i++)
		if (prefix_from(&f->vips[i].addr, addr))
			return;
	for (int k = 0; k < 2; k++) /* any VIP of either file */
		for (size_t i = 0; i < m->k[k].n_insts; i++)
			for (size_t j = 0; j < m->k[k].insts[i].n_vips; j++)
				if (prefix_from(&m->k[k].insts[i].vips[j].addr, addr))
					return;
	addr->plen = addr->family == IP_V4 ? 24 : 64;
	ka_warnf(m, w,
		 "the prefix length of %s is not in keepalived's file (no VIP with a prefix holds "
		 "it): /%u is written; correct it under addresses",
		 ip_ntop(addr, t), addr->plen);
}

/* The node's own address: its unicast_src_ip, else the peer's peer. */
static bool node_addr(const struct ka_inst *self, const struct ka_inst *peer, struct ip_addr *out)
{
	if (self->has_src) {
		*out = self->src;
		return true;
	}
	for (size_t i = 0; i < peer->n_peers; i++)
		if (peer->peers[i].family == self->family) {
			*out = peer->peers[i];
			return true;
		}
	return false;
}

static void set_pair(struct map_ctx *m, struct out_iface *f, const struct ka_inst *in[2])
{
	int fi = ka_fam_ix(in[0]->family);

	for (int n = 0; n < 2; n++) {
		struct ip_addr a;

		if (!node_addr(in[n], in[!n], &a)) {
			if (!f->has_addr[n][fi])
				ka_warnf(
				    m, in[n]->at,
				    "instance %s: no unicast_src_ip (or mcast_src_ip) nor a peer's "
				    "unicast_peer gives node %s's address on %s: write it under "
				    "interfaces.%s.addresses",
				    in[n]->name, m->k[n].id, f->name, f->name);
			continue;
		}
		if (in[n]->n_peers > 1)
			ka_warnf(m, in[n]->at,
				 "instance %s: %zu unicast peers; vipd pairs two nodes: only the "
				 "other file's node is kept",
				 in[n]->name, in[n]->n_peers);
		if (f->has_addr[n][fi] && ip_equal(&f->addr[n][fi], &a))
			continue; /* an earlier instance of the interface set it */
		address_prefix(m, f, in, &a, in[n]->has_src ? in[n]->src_at : in[n]->at);
		if (f->has_addr[n][fi]) {
			char t1[IP_STR_MAX], t2[IP_STR_MAX];

			ka_warnf(m, in[n]->at,
				 "instance %s: node address %s differs from %s of another instance "
				 "on %s; vipd has one communication pair per interface: %s is kept",
				 in[n]->name, ip_ntop(&a, t1), ip_ntop(&f->addr[n][fi], t2),
				 f->name, t2);
			continue;
		}
		f->addr[n][fi] = a;
		f->has_addr[n][fi] = true;
	}
}

/* The interface an instance's VIPs live on: the dev of its first VIP,
 * else its own. vipd runs one instance per interface (the adverts may go
 * over another with vrrp.via), so a keepalived instance whose VIPs sit on
 * two interfaces cannot keep one VRID for all: the others are left out. */
static bool split_instance(struct map_ctx *m, const struct ka_inst *in, const struct ka_vip *v)
{
	const char *home = in->vips[0].dev ? in->vips[0].dev : in->iface;
	const char *mine = v->dev ? v->dev : in->iface;

	if (strcmp(home, mine) == 0)
		return false;
	ka_warnf(m, v->at,
		 "instance %s has VIPs on %s and on %s: vipd runs one instance per interface and "
		 "both would need VRID %d on %s's segment; this VIP is not carried over: give it "
		 "an instance of its own (another VRID) in keepalived first, or add it by hand "
		 "with its own vrid",
		 in->name, home, mine, in->vrid, in->iface);
	return true;
}

/* A VIP already written (keepalived lets one address appear twice, even
 * in two instances; the cluster file holds it once). */
static const struct out_vip *vip_written(const struct out_conf *o, const struct ip_addr *a)
{
	for (size_t i = 0; i < o->n_ifaces; i++)
		for (size_t j = 0; j < o->ifaces[i].n_vips; j++)
			if (ip_equal(&o->ifaces[i].vips[j].addr, a))
				return &o->ifaces[i].vips[j];
	return NULL;
}

static void add_vips(struct map_ctx *m, const struct ka_inst *in, int slot, enum out_method method)
{
	bool excluded_said = false;

	for (size_t i = 0; i < in->n_vips; i++) {
		const struct ka_vip *v = &in->vips[i];
		struct out_iface *f = ka_iface(m, v->dev ? v->dev : in->iface, v->at);
		const struct out_vip *dup = vip_written(m->o, &v->addr);
		char t[IP_STR_MAX];

		if (split_instance(m, in, v))
			continue;
		if (dup) {
			ka_warnf(m, v->at,
				 "virtual address %s is listed already (%s:%d): written once, with "
				 "VRID %d",
				 ip_ntop(&v->addr, t), dup->at.file, dup->at.line, dup->vrid);
			continue;
		}
		if (v->dev && strcmp(v->dev, in->iface) != 0) {
			if (f->via && strcmp(f->via, in->iface) != 0)
				ka_warnf(m, v->at,
					 "%s: VIPs of instances on two interfaces (%s, %s); vipd "
					 "sends one interface's adverts over one other: %s is kept",
					 f->name, f->via, in->iface, f->via);
			else
				f->via = in->iface;
		}
		if (v->excluded && !excluded_said) {
			ka_warnf(
			    m, v->at,
			    "instance %s: virtual_ipaddress_excluded is carried over as VIPs of "
			    "the "
			    "instance, which vipd lists in its adverts and keepalived does not; "
			    "keepalived may take the differing list for another router's and "
			    "ignore vipd: move them to virtual_ipaddress in both keepalived files "
			    "before switching a node",
			    in->name);
			excluded_said = true;
		}
		if (v->excluded && (int)v->addr.family != (int)in->family)
			ka_warnf(
			    m, v->at,
			    "excluded address of the other family: vipd runs it as its own "
			    "instance with VRID %d, which keepalived does not advertise; during "
			    "the mixed phase both nodes may hold it",
			    in->vrid);
		f->vips = ka_grow(m->c->a, f->vips, f->n_vips, sizeof(*f->vips));
		f->vips[f->n_vips++] = (struct out_vip){
		    .addr = v->addr,
		    .slot = slot,
		    .method = method,
		    .vrid = in->vrid,
		    .zone = v->label,
		    .at = v->at,
		};
		if (v->dev && f != find_iface(m->o, in->iface)) {
			struct out_iface *adv = find_iface(m->o, in->iface);

			if (adv && adv->vrrp_set && !f->vrrp_set) {
				f->vrrp_set = true;
				f->vrrp_from = adv->vrrp_from;
				f->version = adv->version;
				f->advert_ms = adv->advert_ms;
				f->pref = adv->pref;
				f->other = adv->other;
				f->preempt = adv->preempt;
				f->preempt_delay_ms = adv->preempt_delay_ms;
				f->unicast = adv->unicast;
				/* a copy: either interface may add tracks later */
				for (size_t k = 0; k < adv->n_tracks; k++) {
					f->tracks = ka_grow(m->c->a, f->tracks, f->n_tracks,
							    sizeof(*f->tracks));
					f->tracks[f->n_tracks++] = adv->tracks[k];
				}
			}
		}
	}
}

static const char *member_of(struct map_ctx *m, const struct ka_inst *a, int slot)
{
	const char *ifn = a->n_vips && a->vips[0].dev ? a->vips[0].dev : a->iface;
	char buf[96];

	snprintf(buf, sizeof(buf), "%s/%s/%s", ifn, slot ? "backup" : "master",
		 ip_family_name(a->family));
	return arena_strdup(m->c->a, buf);
}

/* vipd drops adverts that arrive with a hop limit other than 255 (RFC
 * 5798 5.1.1.3); keepalived sends IPv6 unicast adverts with the system's
 * default (64) unless unicast_ttl says 255. */
static void check_ttl(struct map_ctx *m, const struct ka_inst *in)
{
	if (!in->unicast)
		return;
	if (in->unicast_ttl && in->unicast_ttl != 255)
		ka_warnf(
		    m, in->ttl_at,
		    "instance %s: unicast_ttl %d: vipd accepts only adverts sent with 255 (RFC "
		    "5798): write unicast_ttl 255 in both keepalived files before switching a "
		    "node",
		    in->name, in->unicast_ttl);
	else if (!in->unicast_ttl && in->family == IP_V6)
		ka_warnf(
		    m, in->at,
		    "instance %s: keepalived sends IPv6 unicast adverts with hop limit 64 unless "
		    "told otherwise, and vipd accepts only 255 (RFC 5798): add unicast_ttl 255 "
		    "to the instance in both keepalived files (and reload them) before switching "
		    "a node",
		    in->name);
}

static void map_pair(struct map_ctx *m, const struct ka_inst *a, const struct ka_inst *b)
{
	const struct ka_inst *in[2] = {a, b};
	int slot = b->priority > a->priority ||
		   (b->priority == a->priority && b->state_master && !a->state_master);
	int pref, other;
	struct out_iface *f = ka_iface(m, a->iface, a->iface_at);
	enum out_method method;
	struct ka_pair *pr;

	m->pairs = ka_grow(m->c->a, m->pairs, m->n_pairs, sizeof(*m->pairs));
	pr = &m->pairs[m->n_pairs];
	*pr = (struct ka_pair){.in = {a, b}, .slot = slot, .member = member_of(m, a, slot)};
	priorities(m, slot, &pref, &other);
	check_ttl(m, a);
	check_ttl(m, b);
	if (version_of(&m->k[0], a) != version_of(&m->k[1], b))
		ka_warnf(m, b->at,
			 "instance %s: VRRP version %d here, %d in the other file: %d is written",
			 b->name, version_of(&m->k[1], b), version_of(&m->k[0], a),
			 version_of(&m->k[0], a));
	set_vrrp(m, f, a, version_of(&m->k[0], a), pref, other);
	set_pair(m, f, in);
	method = ka_map_tracks(m, f, in);
	ka_map_vmac(m, f, in);
	add_vips(m, a, slot, method);
	m->n_pairs++;
}

/* Instances of file 0 with their twins in file 1; contradictions are
 * errors with both positions. */
static void pair_all(struct map_ctx *m)
{
	for (size_t i = 0; i < m->k[0].n_insts; i++) {
		struct ka_inst *a = &m->k[0].insts[i];
		struct ka_inst *b;
		const struct ka_inst *x;

		if (!a->iface || !a->vrid || !a->n_vips) {
			ka_warnf(m, a->at, "instance %s has no %s: not carried over", a->name,
				 !a->iface  ? "interface"
				 : !a->vrid ? "virtual_router_id"
					    : "virtual_ipaddress");
			continue;
		}
		b = twin(&m->k[1], a);
		x = same_vrid_elsewhere(&m->k[1], a);
		if (!b && x) {
			ka_errorf(
			    m, a->iface_at,
			    "instance %s: VRID %d on %s here, but on %s in %s:%d (instance %s): "
			    "the two files contradict each other",
			    a->name, a->vrid, a->iface, x->iface, x->iface_at.file,
			    x->iface_at.line, x->name);
			continue;
		}
		if (!b) {
			ka_warnf(m, a->at,
				 "instance %s (%s, VRID %d) has no twin in %s: not carried over "
				 "(vipd runs every instance on both nodes)",
				 a->name, a->iface, a->vrid, m->k[1].file);
			continue;
		}
		b->paired = a->paired = true;
		if (!same_vips(m, a, b))
			continue;
		map_pair(m, a, b);
	}
	for (size_t i = 0; i < m->k[1].n_insts; i++) {
		const struct ka_inst *b = &m->k[1].insts[i];

		if (!b->paired && b->iface && b->vrid && b->n_vips &&
		    !same_vrid_elsewhere(&m->k[0], b))
			ka_warnf(m, b->at,
				 "instance %s (%s, VRID %d) has no twin in %s: not carried over "
				 "(vipd runs every instance on both nodes)",
				 b->name, b->iface, b->vrid, m->k[0].file);
	}
}

static void map_garp(struct map_ctx *m)
{
	const struct ka_conf *k = &m->k[0];
	int repeat = k->garp_repeat;
	uint32_t refresh = k->garp_refresh_ms;

	for (size_t i = 0; i < k->n_insts; i++) {
		if (k->insts[i].garp_repeat && !repeat)
			repeat = k->insts[i].garp_repeat;
		if (k->insts[i].garp_refresh_ms && !refresh)
			refresh = k->insts[i].garp_refresh_ms;
	}
	m->o->garp_count = repeat;
	m->o->garp_refresh_ms = refresh;
	if (k->has_garp_interval) {
		m->o->has_garp_interval = true;
		m->o->garp_interval_ms = k->garp_interval_ms ? k->garp_interval_ms : 1;
	}
}

static const char *default_name(struct arena *a, const struct kad_import_opts *o)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s-%s", o->nodes[0], o->nodes[1]);
	return arena_strdup(a, buf);
}

int kad_import(struct arena *a, struct kad_tree *t1, struct kad_tree *t2,
	       const struct kad_import_opts *opts, char **yaml, struct kad_msgs *msgs)
{
	struct ka_ctx c = {.a = a, .msgs = msgs};
	struct out_conf o = {.name =
				 opts->cluster_name ? opts->cluster_name : default_name(a, opts),
			     .nodes = {opts->nodes[0], opts->nodes[1]}};
	struct map_ctx m = {.c = &c, .o = &o, .opts = opts};
	const char *files[2] = {t1->file, t2->file};

	ka_read_conf(&c, t1, &m.k[0]);
	ka_read_conf(&c, t2, &m.k[1]);
	pair_all(&m);
	ka_map_groups(&m);
	ka_map_hooks(&m);
	map_garp(&m);
	ka_warn_unused(&c, t1->root);
	if (strcmp(t1->file, t2->file) != 0) /* one file for both: said once */
		ka_warn_unused(&c, t2->root);
	if (!m.n_pairs)
		kad_msg_add(a, msgs, true, t1->file, 0,
			    "no VRRP instance found in both files: nothing to import");
	*yaml = msgs->errors ? NULL : ka_yaml(&o, msgs, files);
	return msgs->errors || !*yaml ? -1 : 0;
}
