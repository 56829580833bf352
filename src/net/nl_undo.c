/* Snapshots before destructive steps, and the undo of each step. */
#include "net/nl_undo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/kinds/net_kind.h"
#include "net/nl_live.h"

static bool lowers_mtu(const struct plan_step *s)
{
	return s->op == PLAN_LINK_MTU && (s->old_mtu == 0 || s->mtu < s->old_mtu);
}

int undo_snapshot(struct apply_run *r, size_t i)
{
	const struct plan_step *s = &r->plan->steps[i];
	struct undo_snap *u = &r->undo[i];
	struct live_link *l = &u->link;
	unsigned needs;
	int err;

	memset(&r->o.err, 0, sizeof(r->o.err));
	if (lowers_mtu(s)) {
		err = net_read_links(r->ctx, s->netns, NULL, &u->below);
		u->taken = err == 0;
		return err;
	}
	if (s->op != PLAN_LINK_DEL && s->op != PLAN_LINK_MOVE)
		return 0;
	err = net_read_link(r->ctx, s->netns, s->name, l);
	if (err < 0)
		return err;
	u->taken = true;
	if (s->op != PLAN_LINK_DEL)
		return 0;
	needs = net_kind_get(l->kind)->undo_needs(l);
	if (needs & NK_UNDO_PEER)
		u->has_peer = net_read_link(r->ctx, l->veth_peer_ns, l->veth_peer, &u->peer) == 0;
	if (needs & NK_UNDO_PORTS)
		return net_read_links(r->ctx, s->netns, s->name, &u->ports);
	return 0;
}

void undo_free(struct apply_run *r)
{
	for (size_t i = 0; r->undo && i < r->plan->n; i++) {
		free(r->undo[i].link.addrs);
		free(r->undo[i].peer.addrs);
		live_state_free(&r->undo[i].ports);
		live_state_free(&r->undo[i].below);
	}
	free(r->undo);
	r->undo = NULL;
}

/* Master, addresses and admin state of a link that is back (re-created or
 * moved back): both lose them on the way. Link-local addresses come back
 * by themselves. */
static int restore_attachments(struct apply_run *r, const char *ns, const struct live_link *l)
{
	int err = 0;

	if (*l->master)
		err = nlo_link_master(&r->o, ns, l->name, l->master);
	for (size_t k = 0; err == 0 && k < l->n_addrs; k++) {
		if (l->addrs[k].link_local)
			continue;
		err = nlo_addr_add(&r->o, ns, l->name, &l->addrs[k]);
		if (err == -EEXIST)
			err = 0;
	}
	if (err == 0 && l->admin_up)
		err = nlo_link_up(&r->o, ns, l->name, true);
	return err;
}

/* Enslaves the ports a deleted master had, down while they are enslaved
 * if its kind wants that; each gets its admin state back after. */
static int restore_ports(struct apply_run *r, const char *ns, const struct undo_snap *u)
{
	const struct net_kind *nk = net_kind_get(u->link.kind);
	bool down = (nk->undo_needs(&u->link) & NK_UNDO_PORTS_DOWN) != 0;
	int err = 0;

	for (size_t k = 0; err == 0 && k < u->ports.n_links; k++) {
		const struct live_link *p = &u->ports.links[k];

		if (down)
			err = nlo_link_up(&r->o, ns, p->name, false);
		if (err == 0)
			err = nlo_link_master(&r->o, ns, p->name, u->link.name);
		if (err == 0 && p->admin_up)
			err = nlo_link_up(&r->o, ns, p->name, true);
	}
	if (err == 0 && *u->link.primary)
		err = nk->set_primary(&r->o, ns, u->link.name, u->link.primary);
	return err;
}

static int undo_del(struct apply_run *r, const struct plan_step *s, const struct undo_snap *u)
{
	const struct live_link *peer = u->has_peer ? &u->peer : NULL;
	struct live_link want;
	int err;

	if (!u->taken)
		return -ENODATA;
	want = u->link;
	net_kind_get(want.kind)->recreate(&want, &u->ports);
	err = nlo_link_create(&r->o, s->netns, &want, peer);
	if (err == 0)
		err = restore_attachments(r, s->netns, &u->link);
	if (err == 0 && peer)
		err = restore_attachments(r, u->link.veth_peer_ns, peer);
	if (err == 0)
		err = restore_ports(r, s->netns, u);
	return err;
}

static int undo_move(struct apply_run *r, const struct plan_step *s, const struct undo_snap *u)
{
	int err = nlo_link_move(&r->o, s->to_netns, s->name, s->netns);

	if (err == 0 && u->taken)
		err = restore_attachments(r, s->netns, &u->link);
	return err;
}

static bool in_names(const char *const *names, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(names[k], name) == 0)
			return true;
	return false;
}

/* The old MTU, then the MTUs of the vlans and macvlans stacked on the
 * link (at any depth) that the kernel lowered with it, parents first. */
static int undo_mtu(struct apply_run *r, const struct plan_step *s, const struct undo_snap *u)
{
	const struct live_state *b = &u->below;
	const char **names;
	size_t n = 1;
	int err = s->old_mtu ? nlo_link_mtu(&r->o, s->netns, s->name, s->old_mtu) : 0;

	if (err < 0 || !u->taken || !(names = calloc(b->n_links + 1, sizeof(*names))))
		return err;
	names[0] = s->name;
	for (size_t k = 0; k < n && err == 0; k++) {
		for (size_t j = 0; j < b->n_links && err == 0; j++) {
			const struct live_link *c = &b->links[j];

			if (strcmp(c->parent, names[k]) != 0 || in_names(names, n, c->name))
				continue;
			names[n++] = c->name;
			if (c->mtu > s->mtu)
				err = nlo_link_mtu(&r->o, s->netns, c->name, c->mtu);
		}
	}
	free(names);
	return err;
}

static bool mac_set(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) != 0;
}

static int undo_netns_add(struct apply_run *r, const struct plan_step *s)
{
	memset(&r->o.err, 0, sizeof(r->o.err));
	net_ctx_forget(r->ctx, s->netns);
	return netns_delete(s->netns);
}

int undo_step(struct apply_run *r, size_t i)
{
	const struct plan_step *s = &r->plan->steps[i];
	struct nl_ops *o = &r->o;

	switch (s->op) {
	case PLAN_NETNS_ADD:
		return undo_netns_add(r, s);
	case PLAN_LINK_ADD:
		return nlo_link_delete(o, s->netns, s->name);
	case PLAN_LINK_DEL:
		return undo_del(r, s, &r->undo[i]);
	case PLAN_LINK_MOVE:
		return undo_move(r, s, &r->undo[i]);
	case PLAN_LINK_MTU:
		return undo_mtu(r, s, &r->undo[i]);
	case PLAN_LINK_MAC:
		return mac_set(s->old_mac) ? nlo_link_mac(o, s->netns, s->name, s->old_mac) : 0;
	case PLAN_LINK_MASTER:
		return nlo_link_master(o, s->netns, s->name, s->old_master);
	case PLAN_LINK_UP:
		return nlo_link_up(o, s->netns, s->name, s->old_up);
	case PLAN_ADDR_ADD:
		return nlo_addr_del(o, s->netns, s->name, &s->addr);
	case PLAN_ADDR_DEL:
		return nlo_addr_add(o, s->netns, s->name, &s->addr);
	case PLAN_OP_COUNT:
		break;
	}
	return -EINVAL;
}
