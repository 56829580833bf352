/* Matching the model against the live links: which exist, which are ours,
 * which must be re-created, and which names are taken by foreign links. */
#include <stdio.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "plan/plan_internal.h"

static const char *ns_or_empty(const char *ns)
{
	return ns ? ns : "";
}

void plan_link_spec(const struct plan_ctx *pc, const struct iface *ifc, struct live_link *out)
{
	const struct iface_plan_state *st = &pc->state[ifc - pc->m->ifaces];

	memset(out, 0, sizeof(*out));
	snprintf(out->netns, sizeof(out->netns), "%s", ns_or_empty(st->create_ns));
	snprintf(out->name, sizeof(out->name), "%s", ifc->name);
	snprintf(out->kind, sizeof(out->kind), "%s",
		 ifc->kind->netlink_kind ? ifc->kind->netlink_kind : "");
	snprintf(out->alias, sizeof(out->alias), "%s", pc->alias);
	out->mtu = ifc->mtu.set ? ifc->mtu.v : 0;
	if (ifc->mac.set)
		memcpy(out->mac, ifc->mac.v, 6);
	ifc->kind->link_opts(ifc, &out->opts);
}

/* Options the kernel only takes at creation (or that we only set then):
 * when they differ, the link is deleted and created again. */
static bool same_creation_options(const struct iface *ifc, const struct live_link *want,
				  const struct live_link *have)
{
	if (strcmp(want->kind, have->kind) != 0)
		return false;
	return ifc->kind->same_creation(&want->opts, &have->opts);
}

static void report_foreign(struct plan_ctx *pc, const struct iface *ifc, const struct live_link *l)
{
	diag_error(pc->dl, ifc->pos,
		   "%s: an interface of that name already exists in namespace %s (kind %s) and was "
		   "not created by vipd; rename it in the file or remove it",
		   ifc->name, plan_ns_text(l->netns), *l->kind ? l->kind : "device");
}

static void match_created_kind(struct plan_ctx *pc, const struct iface *ifc,
			       struct iface_plan_state *st)
{
	struct live_link want;

	if (!st->live && st->create_ns != ifc->netns.v &&
	    strcmp(ns_or_empty(st->create_ns), ns_or_empty(ifc->netns.v)) != 0) {
		const struct live_link *l =
		    live_find(pc->live, ns_or_empty(st->create_ns), ifc->name);

		if (l && !live_is_owned(l, pc->m->cluster_name.v))
			report_foreign(pc, ifc, l);
		else
			st->moved = l;
	}
	if (st->live && !live_is_owned(st->live, pc->m->cluster_name.v)) {
		report_foreign(pc, ifc, st->live);
		return;
	}
	plan_link_spec(pc, ifc, &want);
	if (st->live && !same_creation_options(ifc, &want, st->live))
		st->recreate = true;
	if (st->moved && !same_creation_options(ifc, &want, st->moved))
		st->recreate = true;
	/* the kernel deletes a vlan or macvlan with its parent */
	if (ifc->parent_idx >= 0 && pc->state[ifc->parent_idx].recreate && (st->live || st->moved))
		st->recreate = true;
}

static void match_peer_end(struct plan_ctx *pc, const struct iface *ifc, const struct str_val *pair,
			   const char *pair_ns, struct iface_plan_state *st)
{
	const char *pns = ns_or_empty(pair_ns);
	const struct live_link *p = live_find(pc->live, pns, pair->v);

	st->peer = p;
	if (!p || (st->live && strcmp(st->live->veth_peer, p->name) == 0) ||
	    live_is_owned(p, pc->m->cluster_name.v))
		return;
	diag_error(pc->dl, pair->pos,
		   "%s: peer %s already exists in namespace %s and was not created by vipd",
		   ifc->name, p->name, plan_ns_text(pns));
}

void plan_match_live(struct plan_ctx *pc)
{
	const struct model *m = pc->m;

	for (size_t i = 0; i < m->n_ifaces; i++) {
		size_t idx = m->order[i];
		const struct iface *ifc = &m->ifaces[idx];
		struct iface_plan_state *st = &pc->state[idx];
		const struct str_val *pair;
		const char *pns;

		st->create_ns = ifc->netns.v;
		/* a vlan or macvlan is born beside its parent, then moved */
		if (ifc->parent_idx >= 0)
			st->create_ns = m->ifaces[ifc->parent_idx].netns.v;
		st->live = live_find(pc->live, ns_or_empty(ifc->netns.v), ifc->name);
		if (!ifc->kind->netlink_kind) {
			if (!st->live)
				diag_error(pc->dl, ifc->pos,
					   "%s: no such interface in namespace %s on node %s; "
					   "ethernet interfaces are never created",
					   ifc->name, plan_ns_text(ifc->netns.v),
					   m->nodes[pc->node].v);
			continue;
		}
		match_created_kind(pc, ifc, st);
		if ((pair = ifc->kind->pair_peer(ifc, &pns)))
			match_peer_end(pc, ifc, pair, pns, st);
	}
}

bool plan_in_model(const struct plan_ctx *pc, const struct live_link *l)
{
	const struct model *m = pc->m;
	long idx = model_iface_index(m, l->name);
	size_t peer;

	if (idx >= 0) {
		const struct iface *ifc = &m->ifaces[idx];
		const struct iface_plan_state *st = &pc->state[idx];

		if (st->recreate)
			return false;
		if (strcmp(ns_or_empty(ifc->netns.v), l->netns) == 0)
			return true;
		return st->moved == l;
	}
	if (strmap_get(&m->by_peer_name, l->name, &peer)) {
		const struct iface *vp = &m->ifaces[peer];
		const char *pns = NULL;

		(void)vp->kind->pair_peer(vp, &pns);
		return !pc->state[peer].recreate && strcmp(ns_or_empty(pns), l->netns) == 0;
	}
	return false;
}
