/* veth (the model's `veth-peer`): a pair, the other end possibly in
 * another namespace. */
#include "net/kinds/net_kind.h"

#include "net/nl_live_internal.h"
#include "net/nl_util.h"

#include <errno.h>
#include <stdio.h>

#include <netlink/route/link/veth.h>

static struct rtnl_link *veth_alloc(const char *kind)
{
	(void)kind;
	return rtnl_link_veth_alloc();
}

static int veth_request(struct nl_ops *o, const char *ns, const struct live_link *l,
			const struct live_link *peer, struct rtnl_link *k)
{
	struct rtnl_link *p = rtnl_link_veth_get_peer(k);
	int fd;

	(void)ns;
	if (!p)
		return -ENOMEM;
	if (*l->veth_peer)
		rtnl_link_set_name(p, l->veth_peer);
	fd = net_ns_fd(o->ctx, l->veth_peer_ns);
	if (fd < 0) {
		nlo_note(o, "no namespace %s for peer %s", l->veth_peer_ns, l->veth_peer);
		rtnl_link_put(p);
		return fd;
	}
	rtnl_link_set_ns_fd(p, fd);
	if (peer)
		nk_set_common(p, l->veth_peer, peer->mtu ? peer->mtu : l->mtu, peer->mac);
	else if (l->mtu)
		rtnl_link_set_mtu(p, l->mtu);
	rtnl_link_put(p);
	return 0;
}

static int veth_after_create(struct nl_ops *o, const struct live_link *l)
{
	if (!*l->veth_peer)
		return 0;
	return nlo_link_alias(o, l->veth_peer_ns, l->veth_peer, l->alias);
}

/* The other end: its namespace (from the netnsid) and its name. */
static void veth_resolve(struct reader *rd, struct rd_link *r)
{
	const char *pns = rd->ns[r->ns];
	size_t pi;
	struct nl_sock *sk;

	if (r->link_nsid >= 0 && !(pns = rd_nsid_name(rd, r->ns, r->link_nsid)))
		return; /* the other end is in a namespace without a name */
	snprintf(r->l.veth_peer_ns, sizeof(r->l.veth_peer_ns), "%s", pns);
	pi = rd_ns_index(rd, pns);
	if (pi < rd->n_ns)
		rd_name(rd, pi, r->iflink, r->l.veth_peer, sizeof(r->l.veth_peer));
	else if (net_nl_get(rd->ctx, pns, &sk) == 0)
		(void)nlu_ifname(sk, r->iflink, r->l.veth_peer, sizeof(r->l.veth_peer), NULL);
}

static unsigned veth_undo_needs(const struct live_link *l)
{
	return *l->veth_peer ? NK_UNDO_PEER : 0;
}

const struct net_kind net_kind_veth = {
    .kind = "veth",
    .alloc = veth_alloc,
    .request = veth_request,
    .finish_attrs = nk_no_finish_attrs,
    .after_create = veth_after_create,
    .parse = nk_no_parse,
    .resolve = veth_resolve,
    .undo_needs = veth_undo_needs,
    .recreate = nk_no_recreate,
    .set_primary = nk_no_set_primary,
};
