/* macvlan (the model's `veth`): a parent and a mode. */
#include "net/kinds/net_kind.h"

#include "net/nl_live_internal.h"
#include "net/nl_util.h"

#include <errno.h>

#include <netlink/route/link/macvlan.h>

static struct rtnl_link *macvlan_alloc(const char *kind)
{
	(void)kind;
	return rtnl_link_macvlan_alloc();
}

static int macvlan_request(struct nl_ops *o, const char *ns, const struct live_link *l,
			   const struct live_link *peer, struct rtnl_link *k)
{
	int err = nk_set_parent(o, ns, l, k);

	(void)peer;
	if (err == 0 && l->macvlan_mode)
		err = rtnl_link_macvlan_set_mode(k, l->macvlan_mode) < 0 ? -EINVAL : 0;
	return err;
}

static void macvlan_parse(struct rd_link *r, struct nlattr *const *d)
{
	nlu_get_u32(d, IFLA_MACVLAN_MODE, &r->l.macvlan_mode);
}

const struct net_kind net_kind_macvlan = {
    .kind = "macvlan",
    .alloc = macvlan_alloc,
    .request = macvlan_request,
    .finish_attrs = nk_no_finish_attrs,
    .after_create = nk_no_after_create,
    .parse = macvlan_parse,
    .resolve = rd_resolve_parent,
    .undo_needs = nk_no_undo_needs,
    .recreate = nk_no_recreate,
    .set_primary = nk_no_set_primary,
};
