/* veth (the model's `veth-peer`): a pair, the other end possibly in
 * another namespace. */
#include "net/kinds/net_kind.h"

#include <errno.h>

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

const struct net_kind net_kind_veth = {
    .kind = "veth",
    .alloc = veth_alloc,
    .request = veth_request,
    .finish_attrs = nk_no_finish_attrs,
    .after_create = veth_after_create,
};
