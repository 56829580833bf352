/* The node record (node_record.h): the compiled model's instances for one
 * node, with their checks deduplicated into two tables. Interface names
 * are unique in a model, so a check's key (namespace, interface[, family])
 * is an interface index: the tables are found through link_of_iface and
 * gw_of_iface, one step each, and the whole compile is linear. */
#include "model/node_record.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What compiling reads: the model lives only as long as node_record_new
 * (the daemon frees it then: docs/decisions.md, "vipd's memory"). */
struct compile {
	struct node_record *r;
	const struct model *m;
	struct strmap strings; /* each string copied once: names repeat */
};

static int fam_index(enum ip_family f)
{
	return f == IP_V4 ? 0 : 1;
}

bool node_record_uses_link(enum vip_method m)
{
	return m == METHOD_LINK || m == METHOD_LINK_GW;
}

bool node_record_uses_gw(enum vip_method m)
{
	return m == METHOD_GW || m == METHOD_LINK_GW;
}

/* A copy of s in the record, NULL for NULL; a string already copied is
 * shared (strmap values are wide enough for a pointer on Linux). */
static const char *keep(struct compile *c, const char *s)
{
	size_t v;
	char *copy;

	if (!s)
		return NULL;
	if (strmap_get(&c->strings, s, &v))
		return (const char *)(uintptr_t)v;
	copy = arena_strdup(&c->r->arena, s);
	(void)strmap_put(&c->strings, copy, (size_t)(uintptr_t)copy);
	return copy;
}

/* An exec check's or hook's NULL-terminated argv, copied. */
static const char *const *keep_argv(struct compile *c, const char *const *argv, size_t argc)
{
	const char **out;

	if (!argv)
		return NULL;
	out = arena_alloc(&c->r->arena, (argc + 1) * sizeof(*out));
	for (size_t i = 0; i < argc; i++)
		out[i] = keep(c, argv[i]);
	return out;
}

static const struct hooks_cfg *keep_hooks(struct compile *c, const struct hooks_cfg *h)
{
	struct hooks_cfg *out;

	if (!h->set)
		return NULL;
	out = arena_alloc(&c->r->arena, sizeof(*out));
	*out = *h;
	for (int e = 0; e < HOOK_EVENT_COUNT; e++)
		out->cmd[e].argv = (const char **)keep_argv(c, h->cmd[e].argv, h->cmd[e].argc);
	return out;
}

static const char *netns_of(struct compile *c, const struct iface *ifc)
{
	return ifc->netns.v ? keep(c, ifc->netns.v) : "";
}

static struct ip_addr host_addr(struct ip_addr a)
{
	a.plen = a.family == IP_V4 ? 32 : 128;
	return a;
}

/* ---- checks ---- */

/* The link check of an interface, added on first use. */
static size_t link_check(struct compile *c, size_t iface)
{
	struct node_record *r = c->r;
	struct node_link_check *l;

	if (r->link_of_iface[iface] != NODE_RECORD_NONE)
		return r->link_of_iface[iface];
	l = &r->links[r->n_links];
	l->netns = netns_of(c, &c->m->ifaces[iface]);
	l->ifname = keep(c, c->m->ifaces[iface].name);
	l->iface = iface;
	r->link_of_iface[iface] = r->n_links;
	(void)strmap_put(&r->by_ifname, l->ifname, iface);
	return r->n_links++;
}

/* This node's address to probe from: of the gateway's family, not
 * link-local, in the gateway's subnet if one is, else the first. */
static const struct ip_addr *own_address(const struct addr_list *al, const struct ip_addr *gw)
{
	const struct ip_addr *first = NULL;

	for (size_t i = 0; i < al->n; i++) {
		const struct ip_addr *a = &al->v[i].v;

		if (a->family != gw->family || ip_is_link_local(a))
			continue;
		if (ip_in_subnet(gw, a))
			return a;
		if (!first)
			first = a;
	}
	return first;
}

/* The gateway check of (interface, family), added on first use; NONE when
 * the interface has no gateway of the family or no address to probe from
 * (validation refuses both for a gw method). */
static size_t gw_check(struct compile *c, size_t iface, enum ip_family f)
{
	struct node_record *r = c->r;
	const struct iface *ifc = &c->m->ifaces[iface];
	const struct addr_val *gw = f == IP_V4 ? &ifc->gateway4 : &ifc->gateway6;
	size_t *slot = &r->gw_of_iface[iface][fam_index(f)];
	const struct ip_addr *own;
	struct node_gw_check *g;

	if (*slot != NODE_RECORD_NONE)
		return *slot;
	own = gw->set ? own_address(&ifc->addrs[r->node], &gw->v) : NULL;
	if (!own)
		return NODE_RECORD_NONE;
	g = &r->gws[r->n_gws];
	g->netns = netns_of(c, ifc);
	g->ifname = keep(c, ifc->name);
	g->iface = iface;
	g->link = link_check(c, iface);
	g->family = f;
	g->own = *own;
	g->gateway = gw->v;
	g->interval_ms = ifc->gwcheck.interval.v;
	g->timeout_ms = ifc->gwcheck.timeout.v;
	g->fall = ifc->gwcheck.fall.v;
	g->rise = ifc->gwcheck.rise.v;
	*slot = r->n_gws;
	return r->n_gws++;
}

/* In the order the daemon has always set them up: the advert interface's
 * link, the VIP interface's, then the gateway. The advert interface is in
 * the VIPs' namespace (validate_vrrp.c), so each check's namespace is its
 * interface's own. */
static void inst_checks(struct compile *c, struct node_inst *ni)
{
	ni->advert_link = link_check(c, ni->advert_iface);
	ni->link = NODE_RECORD_NONE;
	ni->gw = NODE_RECORD_NONE;
	if (node_record_uses_link(ni->method) || node_record_uses_gw(ni->method)) {
		size_t l = link_check(c, ni->iface);

		if (node_record_uses_link(ni->method))
			ni->link = l;
	}
	if (node_record_uses_gw(ni->method)) {
		ni->gw = gw_check(c, ni->iface, ni->family);
		ni->gw_missing = ni->gw == NODE_RECORD_NONE;
	}
}

/* ---- service checks, tracks, sync groups (issue 13) ---- */

/* The Host header: the URL's authority, the port only when not 80. */
static const char *http_host(struct node_record *r, const struct svc_check *c)
{
	char a[IP_STR_MAX], buf[IP_STR_MAX + 16];
	bool v6 = c->url_addr.family == IP_V6;

	ip_ntop(&c->url_addr, a);
	if (c->url_port == 80)
		snprintf(buf, sizeof(buf), v6 ? "[%s]" : "%s", a);
	else
		snprintf(buf, sizeof(buf), v6 ? "[%s]:%u" : "%s:%u", a, (unsigned)c->url_port);
	return arena_strdup(&r->arena, buf);
}

static void svc_fill(struct compile *k, size_t i, struct node_svc_check *s)
{
	struct node_record *r = k->r;
	const struct svc_check *c = &k->m->checks[i];

	s->name = keep(k, c->name);
	s->model_check = i;
	s->type = c->type;
	s->netns = c->netns.v ? keep(k, c->netns.v) : "";
	s->interval_ms = c->timing.interval.v;
	s->timeout_ms = c->timing.timeout.v;
	s->fall = c->timing.fall.v;
	s->rise = c->timing.rise.v;
	switch (c->type) {
	case SVC_PROCESS:
		s->process = keep(k, c->process.v);
		break;
	case SVC_TCP:
		s->addr = c->address.v;
		s->port = (uint16_t)c->port.v;
		break;
	case SVC_HTTP:
		s->addr = c->url_addr;
		s->port = c->url_port;
		s->http_path = keep(k, c->url_path);
		s->http_host = http_host(r, c);
		s->expect = c->expect.v;
		break;
	case SVC_EXEC:
		s->argv = keep_argv(k, c->command.argv, c->command.argc);
		s->user = keep(k, c->user.v);
		break;
	default:
		break;
	}
}

static void svcs_fill(struct compile *c)
{
	struct node_record *r = c->r;
	const struct model *m = c->m;

	r->svcs = arena_alloc(&r->arena, (m->n_checks ? m->n_checks : 1) * sizeof(*r->svcs));
	for (size_t i = 0; i < m->n_checks; i++)
		svc_fill(c, i, &r->svcs[r->n_svcs++]);
}

/* svcs[] holds every check in model order, so a model index is an svcs
 * index; the tracks say so through the table anyway. */
static void inst_track(struct compile *c, const struct vrrp_instance *vi, struct node_inst *ni)
{
	struct node_record *r = c->r;
	const struct track_list *tl = vi->track;
	struct node_track *t;

	if (!tl || !tl->n)
		return;
	t = arena_alloc(&r->arena, tl->n * sizeof(*t));
	for (size_t i = 0; i < tl->n; i++) {
		t[ni->n_track].check = tl->v[i].check;
		t[ni->n_track].weight = tl->v[i].has_weight ? tl->v[i].weight : 0;
		ni->n_track++;
	}
	ni->track = t;
}

/* Every group of the model, with this node's running members; after the
 * instances. */
static void groups_fill(struct compile *c)
{
	struct node_record *r = c->r;
	const struct model *m = c->m;

	r->groups = arena_alloc(&r->arena, (m->n_groups ? m->n_groups : 1) * sizeof(*r->groups));
	for (size_t g = 0; g < m->n_groups; g++) {
		struct node_group *ng = &r->groups[r->n_groups++];

		ng->name = keep(c, m->groups[g].name);
		ng->model_group = g;
		ng->hooks = keep_hooks(c, &m->groups[g].hooks);
		ng->insts =
		    arena_alloc(&r->arena, (r->n_insts ? r->n_insts : 1) * sizeof(*ng->insts));
	}
	for (size_t i = 0; i < r->n_insts; i++) {
		struct node_inst *ni = &r->insts[i];
		long g = m->instances[ni->model_inst].sync_group;

		ni->group = NODE_RECORD_NONE;
		if (g < 0)
			continue;
		ni->group = (size_t)g;
		r->groups[g].insts[r->groups[g].n_insts++] = i;
	}
}

/* ---- instances ---- */

static bool zone_seen(const struct node_inst *ni, const char *z)
{
	for (size_t i = 0; i < ni->n_zones; i++)
		if (strcmp(ni->zones[i], z) == 0)
			return true;
	return false;
}

/* The VIPs and their zones (a VIP's own zone, else the interface's: the
 * loader resolved that already). */
static void inst_vips(struct compile *c, const struct vrrp_instance *vi, struct node_inst *ni)
{
	struct node_record *r = c->r;
	const struct iface *ifc = &c->m->ifaces[vi->iface];
	struct ip_addr *vips =
	    arena_alloc(&r->arena, (vi->n_vips ? vi->n_vips : 1) * sizeof(*vips));

	ni->zones = arena_alloc(&r->arena, (vi->n_vips ? vi->n_vips : 1) * sizeof(*ni->zones));
	for (size_t i = 0; i < vi->n_vips; i++) {
		const struct vip *v = &ifc->vips[vi->vips[i]];

		vips[i] = v->addr;
		if (v->zone && !zone_seen(ni, v->zone))
			ni->zones[ni->n_zones++] = keep(c, v->zone);
	}
	ni->vips = vips;
	ni->n_vips = vi->n_vips;
	ni->zone = keep(c, ifc->zone.v);
}

static void inst_fill(struct compile *c, size_t k, struct node_inst *ni)
{
	struct node_record *r = c->r;
	const struct model *m = c->m;
	const struct vrrp_instance *vi = &m->instances[k];
	const struct iface *ifc = &m->ifaces[vi->iface];

	ni->name = keep(c, vi->name);
	ni->model_inst = k;
	ni->ifname = keep(c, ifc->name);
	ni->iface = vi->iface;
	ni->advert_ifname = keep(c, m->ifaces[vi->advert_iface].name);
	ni->advert_iface = vi->advert_iface;
	ni->netns = netns_of(c, ifc);
	ni->vmac_ifname = keep(c, vi->vmac_ifname);
	if (vi->vmac_ifname)
		model_vmac_mac(vi, ni->vmac);
	ni->slot = vi->slot;
	ni->family = vi->family;
	ni->method = vi->method;
	ni->vrid = vi->vrid;
	ni->unicast = ifc->vrrp.unicast.v;
	ni->packet_socket = ifc->vrrp.packet_socket.v;
	ni->version = (uint8_t)ifc->vrrp.version.v;
	ni->priority = model_instance_priority(vi, r->node);
	ni->advert_interval_ms = ifc->vrrp.advert_interval.v;
	ni->preempt = ifc->vrrp.preempt.v;
	ni->preempt_delay_ms = ifc->vrrp.preempt_delay.v;
	ni->own = host_addr(vi->addr[r->node]);
	ni->peer = host_addr(vi->addr[1 - r->node]);
	ni->garp_count = m->garp.count.v;
	ni->garp_interval_ms = m->garp.interval.v;
	ni->garp_refresh_ms = m->garp.refresh.v;
	ni->bfd = m->ifaces[vi->advert_iface].bfd.on;
	ni->bfd_interval_ms = m->ifaces[vi->advert_iface].bfd.interval.v;
	ni->bfd_multiplier = (uint8_t)m->ifaces[vi->advert_iface].bfd.multiplier.v;
	inst_vips(c, vi, ni);
	inst_checks(c, ni);
	inst_track(c, vi, ni);
}

/* An instance runs when it has VIPs and a communication pair (validation
 * reports the rest). */
static bool runs(const struct vrrp_instance *vi)
{
	return vi->has_pair && vi->n_vips > 0;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Sized for what runs, not for every instance of the file: the record is
 * kept for as long as the file is in force. */
static void alloc_tables(struct node_record *r, const struct model *m)
{
	size_t ni = 0, n_gw = 0, nf = m->n_ifaces ? m->n_ifaces : 1;

	for (size_t k = 0; k < m->n_instances; k++)
		if (runs(&m->instances[k])) {
			ni++;
			n_gw += node_record_uses_gw(m->instances[k].method);
		}
	r->insts = arena_alloc(&r->arena, (ni ? ni : 1) * sizeof(*r->insts));
	/* one link check per interface at most, used by two per instance at
	 * most (advert, VIP side); one gateway check per (interface, family) */
	r->links = arena_alloc(&r->arena, (min_size(nf, 2 * ni) + 1) * sizeof(*r->links));
	r->gws = arena_alloc(&r->arena, (min_size(2 * nf, n_gw) + 1) * sizeof(*r->gws));
	r->link_of_iface = arena_alloc(&r->arena, nf * sizeof(*r->link_of_iface));
	r->gw_of_iface = arena_alloc(&r->arena, nf * sizeof(*r->gw_of_iface));
	for (size_t i = 0; i < m->n_ifaces; i++) {
		r->link_of_iface[i] = NODE_RECORD_NONE;
		r->gw_of_iface[i][0] = r->gw_of_iface[i][1] = NODE_RECORD_NONE;
	}
}

struct node_record *node_record_new(const struct model *m, int node)
{
	struct node_record *r = calloc(1, sizeof(*r));
	struct compile c = {.r = r, .m = m};

	if (!r)
		return NULL;
	arena_init(&r->arena);
	strmap_init(&r->by_ifname);
	strmap_init(&c.strings);
	r->node = node;
	r->cluster_name = keep(&c, m->cluster_name.v);
	r->node_name = keep(&c, m->nodes[node].v);
	alloc_tables(r, m);
	svcs_fill(&c);
	for (size_t k = 0; k < m->n_instances; k++)
		if (runs(&m->instances[k]))
			inst_fill(&c, k, &r->insts[r->n_insts++]);
	groups_fill(&c);
	r->hooks = keep_hooks(&c, &m->hooks);
	strmap_done(&c.strings);
	return r;
}

void node_record_free(struct node_record *r)
{
	if (!r)
		return;
	strmap_done(&r->by_ifname);
	arena_done(&r->arena);
	free(r);
}

/* ---- lookups for a reload ---- */

/* Interface names are unique in a model; every interface a check runs
 * on has a link check (a gateway check's pauses with it). */
static long iface_in_ns(const struct node_record *r, const char *netns, const char *ifname)
{
	size_t i;

	if (!strmap_get(&r->by_ifname, ifname, &i) ||
	    strcmp(r->links[r->link_of_iface[i]].netns, netns) != 0)
		return -1;
	return (long)i;
}

long node_record_find_link(const struct node_record *r, const char *netns, const char *ifname)
{
	long i = iface_in_ns(r, netns, ifname);

	if (i < 0 || r->link_of_iface[i] == NODE_RECORD_NONE)
		return -1;
	return (long)r->link_of_iface[i];
}

long node_record_find_gw(const struct node_record *r, const char *netns, const char *ifname,
			 enum ip_family family)
{
	long i = iface_in_ns(r, netns, ifname);

	if (i < 0 || r->gw_of_iface[i][fam_index(family)] == NODE_RECORD_NONE)
		return -1;
	return (long)r->gw_of_iface[i][fam_index(family)];
}

long node_record_find_svc(const struct node_record *r, const char *name)
{
	for (size_t i = 0; i < r->n_svcs; i++)
		if (strcmp(r->svcs[i].name, name) == 0)
			return (long)i;
	return -1;
}
