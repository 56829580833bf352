/* Link steps: deletions, MTU order, creation, membership and admin state. */
#include <stdio.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "plan/plan_internal.h"

static const char *ns_or_empty(const char *ns)
{
	return ns ? ns : "";
}

/* Children go before what they sit on: stacked links first, masters last. */
static int deletion_rank(const struct live_link *l)
{
	const struct iface_kind *k = iface_kind_by_netlink(l->kind);

	return k ? k->deletion_rank : 2;
}

static bool pair_already_deleted(const struct plan_ctx *pc, const struct live_link *l)
{
	if (!*l->veth_peer) /* only pairs have one */
		return false;
	for (size_t i = 0; i < pc->plan->n; i++) {
		const struct plan_step *s = &pc->plan->steps[i];

		if (s->op == PLAN_LINK_DEL && strcmp(s->name, l->veth_peer) == 0 &&
		    strcmp(s->link.veth_peer, l->name) == 0)
			return true;
	}
	return false;
}

void plan_deletions(struct plan_ctx *pc)
{
	const struct live_state *ls = pc->live;

	for (int rank = 0; rank < 3; rank++) {
		for (size_t i = 0; i < ls->n_links; i++) {
			const struct live_link *l = &ls->links[i];
			struct plan_step *s;

			if (deletion_rank(l) != rank || !live_is_owned(l, pc->m->cluster_name.v) ||
			    plan_in_model(pc, l) || pair_already_deleted(pc, l))
				continue;
			s = plan_push(pc, PLAN_LINK_DEL, l->netns, l->name);
			s->link = *l;
			s->link.addrs = NULL; /* the snapshot must not alias live memory */
			s->link.n_addrs = 0;
			snprintf(s->text, sizeof(s->text), "delete %s %s in namespace %s (%s)",
				 l->kind, l->name, plan_ns_text(l->netns),
				 model_iface_index(pc->m, l->name) >= 0
				     ? "re-created with new options"
				     : "no longer in the file");
		}
	}
}

static const struct live_link *existing(const struct iface_plan_state *st)
{
	if (st->recreate)
		return NULL;
	return st->live ? st->live : st->moved;
}

void plan_mtu_decreases(struct plan_ctx *pc)
{
	const struct model *m = pc->m;

	for (size_t i = m->n_ifaces; i-- > 0;) {
		const struct iface *ifc = &m->ifaces[m->order[i]];
		const struct live_link *l = existing(&pc->state[m->order[i]]);
		struct plan_step *s;

		if (!l || !ifc->mtu.set || ifc->mtu.v >= l->mtu)
			continue;
		s = plan_push(pc, PLAN_LINK_MTU, l->netns, l->name);
		s->mtu = ifc->mtu.v;
		s->old_mtu = l->mtu;
		snprintf(s->text, sizeof(s->text), "lower mtu of %s %u -> %u", l->name, l->mtu,
			 ifc->mtu.v);
	}
}

static void plan_up(struct plan_ctx *pc, const char *ns, const char *name, bool was_up)
{
	struct plan_step *s;

	if (was_up)
		return;
	s = plan_push(pc, PLAN_LINK_UP, ns, name);
	s->up = true;
	s->old_up = false;
	snprintf(s->text, sizeof(s->text), "set %s up", name);
}

static void plan_create(struct plan_ctx *pc, const struct iface *ifc, struct iface_plan_state *st)
{
	struct plan_step *s;
	const char *target = ns_or_empty(ifc->netns.v);

	s = plan_push(pc, PLAN_LINK_ADD, ns_or_empty(st->create_ns), ifc->name);
	plan_link_spec(pc, ifc, &s->link);
	ifc->kind->create_text(ifc, &s->link.opts, s->netns, plan_ns_text, s->text,
			       sizeof(s->text));
	if (s->link.mtu) {
		size_t n = strlen(s->text);

		snprintf(s->text + n, sizeof(s->text) - n, " mtu %u", s->link.mtu);
	}
	st->created = true;
	if (strcmp(s->netns, target) != 0) {
		s = plan_push(pc, PLAN_LINK_MOVE, ns_or_empty(st->create_ns), ifc->name);
		snprintf(s->to_netns, sizeof(s->to_netns), "%s", target);
		snprintf(s->text, sizeof(s->text), "move %s from namespace %s to %s", ifc->name,
			 plan_ns_text(s->netns), plan_ns_text(target));
	}
}

static void plan_adjust(struct plan_ctx *pc, const struct iface *ifc, const struct live_link *l)
{
	struct plan_step *s;

	if (ifc->mtu.set && ifc->mtu.v > l->mtu) {
		s = plan_push(pc, PLAN_LINK_MTU, l->netns, l->name);
		s->mtu = ifc->mtu.v;
		s->old_mtu = l->mtu;
		snprintf(s->text, sizeof(s->text), "raise mtu of %s %u -> %u", l->name, l->mtu,
			 ifc->mtu.v);
	}
	if (ifc->mac.set && memcmp(ifc->mac.v, l->mac, 6) != 0) {
		s = plan_push(pc, PLAN_LINK_MAC, l->netns, l->name);
		memcpy(s->mac, ifc->mac.v, 6);
		memcpy(s->old_mac, l->mac, 6);
		snprintf(s->text, sizeof(s->text), "set mac of %s to %02x:%02x:%02x:%02x:%02x:%02x",
			 l->name, s->mac[0], s->mac[1], s->mac[2], s->mac[3], s->mac[4], s->mac[5]);
	}
}

/* One member of a master: enslave unless it already is. A bond's members
 * must be down while they are enslaved (the kind's ports_down). */
static void plan_member(struct plan_ctx *pc, const struct iface *master, bool master_new,
			const char *ns, const char *name, const struct live_link *l, bool is_new)
{
	bool is_bond = master->kind->ports_down(master);
	bool up = l && !is_new && l->admin_up;
	struct plan_step *s;

	if (!master_new && l && !is_new && strcmp(l->master, master->name) == 0)
		return;
	if (is_bond && up) {
		s = plan_push(pc, PLAN_LINK_UP, ns, name);
		s->up = false;
		s->old_up = true;
		snprintf(s->text, sizeof(s->text), "set %s down to enslave it", name);
	}
	s = plan_push(pc, PLAN_LINK_MASTER, ns, name);
	snprintf(s->master, sizeof(s->master), "%s", master->name);
	if (l && !is_new)
		snprintf(s->old_master, sizeof(s->old_master), "%s", l->master);
	snprintf(s->text, sizeof(s->text), "enslave %s to %s %s", name, master->kind->name,
		 master->name);
	if (is_bond)
		plan_up(pc, ns, name, false);
}

static void plan_members(struct plan_ctx *pc, const struct iface *ifc, bool master_new)
{
	const struct model *m = pc->m;
	const struct names_val *mem = ifc->kind->members(ifc);
	const char *ns = ns_or_empty(ifc->netns.v);

	for (size_t i = 0; i < mem->n; i++) {
		const struct name_ref *ref = &mem->v[i];
		size_t peer;

		if (ref->idx >= 0) {
			const struct iface_plan_state *st = &pc->state[ref->idx];

			plan_member(pc, ifc, master_new, ns, ref->name, existing(st), st->created);
		} else if (strmap_get(&m->by_peer_name, ref->name, &peer)) {
			const struct iface_plan_state *st = &pc->state[peer];

			plan_member(pc, ifc, master_new, ns, ref->name, st->peer,
				    st->created || st->recreate);
		}
	}
}

/* A link that left a master we manage is released from it. */
static void plan_release(struct plan_ctx *pc, const struct iface *ifc, const struct live_link *l)
{
	struct plan_step *s;
	long old;

	if (!l || !*l->master || ifc->master_idx >= 0)
		return;
	old = model_iface_index(pc->m, l->master);
	if (old < 0 || pc->state[old].recreate)
		return; /* a master that is deleted releases its ports itself */
	s = plan_push(pc, PLAN_LINK_MASTER, l->netns, l->name);
	snprintf(s->old_master, sizeof(s->old_master), "%s", l->master);
	snprintf(s->text, sizeof(s->text), "release %s from %s", l->name, l->master);
}

void plan_iface(struct plan_ctx *pc, size_t idx)
{
	const struct iface *ifc = &pc->m->ifaces[idx];
	struct iface_plan_state *st = &pc->state[idx];
	const struct live_link *l = existing(st);
	const char *ns = ns_or_empty(ifc->netns.v);

	const struct iface *master = ifc->master_idx >= 0 ? &pc->m->ifaces[ifc->master_idx] : NULL;
	const struct str_val *pair;
	const char *pns;

	if (ifc->kind->netlink_kind && !l) {
		plan_create(pc, ifc, st);
	} else if (st->moved && !st->live) {
		struct plan_step *s = plan_push(pc, PLAN_LINK_MOVE, st->moved->netns, ifc->name);

		snprintf(s->to_netns, sizeof(s->to_netns), "%s", ns);
		snprintf(s->text, sizeof(s->text), "move %s from namespace %s to %s", ifc->name,
			 plan_ns_text(s->netns), plan_ns_text(ns));
	}
	if (l) {
		plan_release(pc, ifc, l);
		plan_adjust(pc, ifc, l);
	}
	if (ifc->kind->members(ifc))
		plan_members(pc, ifc, st->created);
	plan_addresses(pc, ifc, st->created ? NULL : l);
	if (!master || !master->kind->ports_down(master))
		plan_up(pc, ns, ifc->name, l && !st->moved && l->admin_up);
	if ((pair = ifc->kind->pair_peer(ifc, &pns)))
		plan_up(pc, ns_or_empty(pns), pair->v,
			!st->created && st->peer && st->peer->admin_up);
}
