/* Addresses: node-local addresses, the communication pair, VIPs and
 * gateways, and their uniqueness across the whole cluster. */
#include <stdio.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "model/validate.h"

/* Who already uses an address (cluster-wide, all namespaces). */
struct addr_owner {
	const struct iface *ifc;
	struct src_pos pos;
	bool is_vip;
};

struct addr_index {
	struct strmap map; /* address text → index into owners */
	struct addr_owner *owners;
	size_t n, cap;
};

static bool addr_index_claim(struct validate_ctx *vc, struct addr_index *ix,
			     const struct iface *ifc, const struct ip_addr *a, struct src_pos pos,
			     bool is_vip)
{
	char buf[IP_STR_MAX];
	size_t other;
	const char *key = ip_ntop(a, buf);

	if (strmap_get(&ix->map, key, &other)) {
		const struct addr_owner *o = &ix->owners[other];

		diag_error(vc->dl, pos, "%s: %s %s is already used as %s on %s (line %d)",
			   ifc->name, is_vip ? "vip" : "address", key,
			   o->is_vip ? "a vip" : "an address", o->ifc->name, o->pos.line);
		return false;
	}
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 256;

		ix->owners = arena_grow(&vc->m->arena, ix->owners, ix->n, cap, sizeof(*ix->owners));
		ix->cap = cap;
	}
	ix->owners[ix->n] = (struct addr_owner){.ifc = ifc, .pos = pos, .is_vip = is_vip};
	strmap_put(&ix->map, arena_strdup(&vc->m->arena, key), ix->n++);
	return true;
}

/* Addresses that can never be assigned to a host. */
static const char *unusable_address(const struct ip_addr *a)
{
	if (ip_is_unspecified(a))
		return "is the unspecified address";
	if (ip_is_multicast(a))
		return "is a multicast address";
	if (a->family == IP_V4 && a->bytes[0] == 127)
		return "is a loopback address";
	if (a->family == IP_V6 && a->bytes[15] == 1 && memcmp(a->bytes, (uint8_t[15]){0}, 15) == 0)
		return "is the loopback address";
	if (ip_is_network_address(a))
		return "is the network address of its prefix";
	if (ip_is_broadcast_address(a))
		return "is the broadcast address of its prefix";
	return NULL;
}

static const struct addr_val *first_of_family(const struct addr_list *al, enum ip_family f)
{
	for (size_t i = 0; i < al->n; i++)
		if (al->v[i].v.family == f)
			return &al->v[i];
	return NULL;
}

static bool in_some_subnet(const struct addr_list *al, const struct ip_addr *a)
{
	for (size_t i = 0; i < al->n; i++)
		if (ip_in_subnet(a, &al->v[i].v))
			return true;
	return false;
}

/* "192.0.2.2/24, 198.51.100.2/24": what a node has of a family, for messages
 * that must say what would be allowed. */
static const char *family_addrs(const struct addr_list *al, enum ip_family f, char *buf, size_t len)
{
	char a[IP_STR_MAX];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < al->n && off < len; i++)
		if (al->v[i].v.family == f)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
						ip_ntop_prefix(&al->v[i].v, a));
	if (off == 0)
		snprintf(buf, len, "no %s address", f == IP_V4 ? "IPv4" : "IPv6");
	return buf;
}

static const char *family_text(enum ip_family f)
{
	return f == IP_V4 ? "IPv4" : "IPv6";
}

static bool pos_before(struct src_pos a, struct src_pos b)
{
	return a.line < b.line || (a.line == b.line && a.col < b.col);
}

/* Where an interface's layer-3 configuration starts (its first address,
 * VIP or gateway in the file); line 0 when it has none. */
static struct src_pos first_layer3(const struct iface *ifc)
{
	struct src_pos cand[MODEL_NODES + 3] = {{0, 0}};
	struct src_pos best = {0, 0};
	size_t n = 0;

	for (int i = 0; i < MODEL_NODES; i++)
		if (ifc->addrs[i].set)
			cand[n++] = ifc->addrs[i].pos;
	if (ifc->n_vips)
		cand[n++] = ifc->vips[0].pos;
	if (ifc->gateway4.set || ifc->gateway4.bad)
		cand[n++] = ifc->gateway4.pos;
	if (ifc->gateway6.set || ifc->gateway6.bad)
		cand[n++] = ifc->gateway6.pos;
	for (size_t i = 0; i < n; i++)
		if (best.line == 0 || pos_before(cand[i], best))
			best = cand[i];
	return best;
}

static void check_port_has_no_l3(struct validate_ctx *vc, const struct iface *ifc)
{
	const struct iface *master;
	struct src_pos pos = first_layer3(ifc);

	if (ifc->master_idx < 0 || pos.line == 0)
		return;
	master = &vc->m->ifaces[ifc->master_idx];
	diag_error(vc->dl, pos,
		   "%s: a member of %s %s cannot have addresses, VIPs or a gateway; put them on %s",
		   ifc->name, master->kind->name, master->name, master->name);
}

static void check_node_addresses(struct validate_ctx *vc, struct addr_index *ix,
				 const struct iface *ifc)
{
	char buf[IP_STR_MAX];

	for (int n = 0; n < MODEL_NODES; n++) {
		for (size_t i = 0; i < ifc->addrs[n].n; i++) {
			const struct addr_val *a = &ifc->addrs[n].v[i];
			const char *why = unusable_address(&a->v);

			if (why) {
				diag_error(vc->dl, a->pos, "%s: address %s %s", ifc->name,
					   ip_ntop_prefix(&a->v, buf), why);
				continue;
			}
			addr_index_claim(vc, ix, ifc, &a->v, a->pos, false);
		}
	}
}

/* The first address of a family on each node forms the pair adverts go between. */
static void check_pair(struct validate_ctx *vc, const struct iface *ifc, enum ip_family f)
{
	const struct addr_val *a = first_of_family(&ifc->addrs[0], f);
	const struct addr_val *b = first_of_family(&ifc->addrs[1], f);
	char x[IP_STR_MAX], y[IP_STR_MAX];

	if (!a || !b)
		return;
	if (!ip_in_subnet(&b->v, &a->v) || !ip_in_subnet(&a->v, &b->v))
		diag_error(vc->dl, b->pos,
			   "%s: communication pair %s (%s) and %s (%s) are not in one subnet; the "
			   "first %s address of each node must share a prefix",
			   ifc->name, ip_ntop_prefix(&a->v, x), vc->m->nodes[0].v,
			   ip_ntop_prefix(&b->v, y), vc->m->nodes[1].v, family_text(f));
}

/* The subnet of a node that holds a VIP: one with the VIP's own prefix
 * length if there is one, else the first; NULL when none holds it. */
static const struct addr_val *vip_subnet(const struct addr_list *al, const struct ip_addr *vip)
{
	const struct addr_val *first = NULL;

	for (size_t i = 0; i < al->n; i++) {
		if (!ip_in_subnet(vip, &al->v[i].v))
			continue;
		if (al->v[i].v.plen == vip->plen)
			return &al->v[i];
		if (!first)
			first = &al->v[i];
	}
	return first;
}

/* Every node has a subnet that holds the VIP (false: reported). A VIP
 * whose prefix length differs from its subnet's gets another broadcast
 * address and route than the node addresses: a warning, said once. */
static bool check_vip_subnet(struct validate_ctx *vc, const struct iface *ifc,
			     const struct vip *vip, const char *text)
{
	enum ip_family f = (enum ip_family)vip->addr.family;
	const struct addr_val *sub[MODEL_NODES];
	char have[256], a[IP_STR_MAX];

	for (int n = 0; n < MODEL_NODES; n++) {
		sub[n] = vip_subnet(&ifc->addrs[n], &vip->addr);
		if (sub[n])
			continue;
		diag_error(vc->dl, vip->pos,
			   "%s: vip %s is outside every %s subnet of %s on node %s (%s)", ifc->name,
			   text, family_text(f), ifc->name, vc->m->nodes[n].v,
			   family_addrs(&ifc->addrs[n], f, have, sizeof(have)));
		return false;
	}
	for (int n = 0; n < MODEL_NODES; n++) {
		if (sub[n]->v.plen == vip->addr.plen)
			continue;
		diag_warning(
		    vc->dl, vip->pos,
		    "%s: vip %s has prefix /%u but its subnet on %s is /%u (%s on node %s); "
		    "write %s/%u",
		    ifc->name, text, (unsigned)vip->addr.plen, ifc->name, (unsigned)sub[n]->v.plen,
		    ip_ntop_prefix(&sub[n]->v, have), vc->m->nodes[n].v, ip_ntop(&vip->addr, a),
		    (unsigned)sub[n]->v.plen);
		break;
	}
	return true;
}

static void check_vip_gateway(struct validate_ctx *vc, const struct iface *ifc,
			      const struct vip *vip, const char *text)
{
	enum ip_family f = (enum ip_family)vip->addr.family;
	const struct addr_val *gw = f == IP_V4 ? &ifc->gateway4 : &ifc->gateway6;

	if ((vip->method == METHOD_GW || vip->method == METHOD_LINK_GW) && !gw->set && !gw->bad)
		diag_error(vc->dl, vip->method_pos,
			   "%s: vip %s uses clusterIpMethod %s but %s has no %s gateway "
			   "(gateway: {%s: ...})",
			   ifc->name, text, vip_method_name(vip->method), ifc->name, family_text(f),
			   ip_family_name(f));
}

/* l3_ok: the node addresses this VIP depends on are complete, so the
 * checks against them do not repeat another error; subnet: the VIP must
 * be inside a subnet of the interface's own addresses. */
static void check_vip(struct validate_ctx *vc, struct addr_index *ix, const struct iface *ifc,
		      const struct vip *vip, bool l3_ok, bool subnet)
{
	char buf[IP_STR_MAX];
	const char *why = unusable_address(&vip->addr);

	ip_ntop_prefix(&vip->addr, buf);
	if (why) {
		diag_error(vc->dl, vip->pos, "%s: vip %s %s", ifc->name, buf, why);
		return;
	}
	if (ip_is_link_local(&vip->addr)) {
		diag_error(vc->dl, vip->pos, "%s: vip %s is link-local; VIPs must be routable",
			   ifc->name, buf);
		return;
	}
	if (!addr_index_claim(vc, ix, ifc, &vip->addr, vip->pos, true) || !l3_ok)
		return;
	if (subnet && !check_vip_subnet(vc, ifc, vip, buf))
		return;
	check_vip_gateway(vc, ifc, vip, buf);
}

/* A family's VIPs need an address of that family on both nodes of the
 * interface that carries the adverts (adv: the interface itself, or its
 * vrrp.via); said once per family. Returns whether the pair exists. */
static bool check_vip_pair(struct validate_ctx *vc, const struct iface *ifc,
			   const struct iface *adv, const struct vip *vip, bool *reported)
{
	enum ip_family f = (enum ip_family)vip->addr.family;
	const char *node;

	for (int n = 0; n < MODEL_NODES; n++) {
		if (first_of_family(&adv->addrs[n], f))
			continue;
		node = vc->m->nodes[n].v;
		if (*reported)
			return false;
		*reported = true;
		if (adv == ifc)
			diag_error(vc->dl, vip->pos,
				   "%s: %s VIPs need a communication pair, but node %s has no %s "
				   "address on %s (addresses: {%s: [...]})",
				   ifc->name, family_text(f), node, family_text(f), ifc->name,
				   node);
		else
			diag_error(
			    vc->dl, ifc->vrrp.via.pos,
			    "%s: %s VIPs need a communication pair on vrrp.via %s, but node %s "
			    "has no %s address on %s (give it one on both nodes, or choose a "
			    "via that has them)",
			    ifc->name, family_text(f), adv->name, node, family_text(f), adv->name);
		return false;
	}
	return true;
}

static bool has_family(const struct iface *ifc, enum ip_family f)
{
	for (int n = 0; n < MODEL_NODES; n++)
		if (first_of_family(&ifc->addrs[n], f))
			return true;
	return false;
}

/* nodes_ok: node names and addresses are complete; otherwise only what
 * does not depend on them is checked, so one mistake is one error.
 * Without vrrp.via the pair is made of the interface's own addresses, so
 * a missing pair is a missing subnet too. With it the pair is the via's,
 * and a VIP needs a subnet only of a family the interface has addresses of. */
static void check_vips(struct validate_ctx *vc, struct addr_index *ix, const struct iface *ifc,
		       bool nodes_ok)
{
	const bool via = ifc->vrrp.via.v != NULL;
	const struct iface *adv = ifc->via_idx >= 0 ? &vc->m->ifaces[ifc->via_idx] : ifc;
	/* An invalid via, or broken addresses on it, are reported already. */
	const bool adv_ok = nodes_ok && (!via || (ifc->via_idx >= 0 && !adv->addrs_bad));
	bool reported[2] = {false, false};

	for (size_t i = 0; i < ifc->n_vips; i++) {
		const struct vip *vip = &ifc->vips[i];
		enum ip_family f = (enum ip_family)vip->addr.family;
		bool pair_ok =
		    adv_ok && check_vip_pair(vc, ifc, adv, vip, &reported[f == IP_V4 ? 0 : 1]);

		if (via)
			check_vip(vc, ix, ifc, vip, nodes_ok, nodes_ok && has_family(ifc, f));
		else
			check_vip(vc, ix, ifc, vip, pair_ok, pair_ok);
	}
}

static void check_gateway(struct validate_ctx *vc, const struct iface *ifc,
			  const struct addr_val *gw)
{
	enum ip_family f = (enum ip_family)gw->v.family;
	char buf[IP_STR_MAX], have[256];

	if (!gw->set)
		return;
	ip_ntop(&gw->v, buf);
	for (int n = 0; n < MODEL_NODES; n++) {
		if (!first_of_family(&ifc->addrs[n], f)) {
			diag_error(
			    vc->dl, gw->pos,
			    "%s: gateway %s cannot be probed: node %s has no %s address on %s",
			    ifc->name, buf, vc->m->nodes[n].v, family_text(f), ifc->name);
			return;
		}
		if (!in_some_subnet(&ifc->addrs[n], &gw->v)) {
			diag_error(
			    vc->dl, gw->pos,
			    "%s: gateway %s is outside every %s subnet of %s on node %s (%s)",
			    ifc->name, buf, family_text(f), ifc->name, vc->m->nodes[n].v,
			    family_addrs(&ifc->addrs[n], f, have, sizeof(have)));
			return;
		}
		for (size_t i = 0; i < ifc->addrs[n].n; i++)
			if (ip_equal(&ifc->addrs[n].v[i].v, &gw->v))
				diag_error(vc->dl, gw->pos,
					   "%s: gateway %s is node %s's own address", ifc->name,
					   buf, vc->m->nodes[n].v);
	}
	for (size_t i = 0; i < ifc->n_vips; i++)
		if (ip_equal(&ifc->vips[i].addr, &gw->v))
			diag_error(vc->dl, gw->pos, "%s: gateway %s is also a vip of %s", ifc->name,
				   buf, ifc->name);
}

static void check_ipv6_mtu(struct validate_ctx *vc, const struct iface *ifc)
{
	bool v6 = ifc->gateway6.set;

	for (int n = 0; n < MODEL_NODES; n++)
		v6 |= first_of_family(&ifc->addrs[n], IP_V6) != NULL;
	for (size_t i = 0; i < ifc->n_vips; i++)
		v6 |= ifc->vips[i].addr.family == IP_V6;
	if (v6 && ifc->mtu.set && ifc->mtu.v < 1280)
		diag_error(vc->dl, ifc->mtu.pos,
			   "%s: mtu %u is below 1280, the minimum for IPv6 (RFC 8200)", ifc->name,
			   ifc->mtu.v);
}

void validate_addresses(struct validate_ctx *vc)
{
	struct model *m = vc->m;
	struct addr_index ix = {0};
	const bool nodes_known = model_nodes_known(m);

	strmap_init(&ix.map);
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];

		if (!ifc->kind)
			continue;
		check_port_has_no_l3(vc, ifc);
		check_node_addresses(vc, &ix, ifc);
		/* With vrrp.via the own addresses are no communication pair. */
		if (nodes_known && !ifc->addrs_bad && ifc->master_idx < 0 && !ifc->vrrp.via.v) {
			check_pair(vc, ifc, IP_V4);
			check_pair(vc, ifc, IP_V6);
		}
		check_ipv6_mtu(vc, ifc);
	}
	/* VIPs after every node address is known, so a VIP that repeats an
	 * address defined later in the file is still caught. */
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];
		/* A port's layer 3 is already an error of its own. */
		bool nodes_ok = nodes_known && !ifc->addrs_bad && ifc->master_idx < 0;

		if (!ifc->kind)
			continue;
		check_vips(vc, &ix, ifc, nodes_ok);
		if (!nodes_ok)
			continue;
		check_gateway(vc, ifc, &ifc->gateway4);
		check_gateway(vc, ifc, &ifc->gateway6);
	}
	strmap_done(&ix.map);
}
