/* vlan: a parent and an id, both fixed at creation. */
#include "net/kinds/net_kind.h"

#include "net/nl_live_internal.h"
#include "net/nl_util.h"

#include <errno.h>

#include <netlink/route/link/vlan.h>

static struct rtnl_link *vlan_alloc(const char *kind)
{
	(void)kind;
	return rtnl_link_vlan_alloc();
}

static int vlan_request(struct nl_ops *o, const char *ns, const struct live_link *l,
			const struct live_link *peer, struct rtnl_link *k)
{
	int err = nk_set_parent(o, ns, l, k);

	(void)peer;
	if (err == 0)
		err = rtnl_link_vlan_set_id(k, l->vlan_id) < 0 ? -EINVAL : 0;
	return err;
}

static void vlan_parse(struct rd_link *r, struct nlattr *const *d)
{
	nlu_get_u16(d, IFLA_VLAN_ID, &r->l.vlan_id);
}

const struct net_kind net_kind_vlan = {
    .kind = "vlan",
    .alloc = vlan_alloc,
    .request = vlan_request,
    .finish_attrs = nk_no_finish_attrs,
    .after_create = nk_no_after_create,
    .parse = vlan_parse,
    .resolve = rd_resolve_parent,
    .undo_needs = nk_no_undo_needs,
    .recreate = nk_no_recreate,
    .set_primary = nk_no_set_primary,
};
