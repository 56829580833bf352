/* bond (the model's `bond` and `lacp`): mode, lacp_rate, xmit_hash_policy,
 * miimon and min_links follow the creation in one RTM_NEWLINK (libnl 3.7
 * has no setters for them). */
#include "net/kinds/net_kind.h"

#include "net/nl_live_internal.h"
#include "net/nl_util.h"

#include <errno.h>
#include <linux/if_link.h>

#include <netlink/route/link/bonding.h>

#define BOND_MODE_8023AD 4

static struct rtnl_link *bond_alloc(const char *kind)
{
	(void)kind;
	return rtnl_link_bond_alloc();
}

static int put_bond(struct nl_msg *m, const struct live_link *l)
{
	if (nla_put_u8(m, IFLA_BOND_MODE, l->bond_mode) < 0 ||
	    nla_put_u32(m, IFLA_BOND_MIIMON, l->miimon_ms) < 0 ||
	    nla_put_u32(m, IFLA_BOND_MIN_LINKS, l->min_links) < 0 ||
	    nla_put_u8(m, IFLA_BOND_XMIT_HASH_POLICY, l->xmit_hash) < 0)
		return -ENOMEM;
	/* the kernel takes lacp_rate in 802.3ad mode only */
	if (l->bond_mode == BOND_MODE_8023AD &&
	    nla_put_u8(m, IFLA_BOND_AD_LACP_RATE, l->lacp_rate) < 0)
		return -ENOMEM;
	return 0;
}

static int bond_finish_attrs(struct nl_msg *m, const struct live_link *l)
{
	return nk_put_info_data(m, l, put_bond);
}

static void bond_parse(struct rd_link *r, struct nlattr *const *d)
{
	struct live_link *l = &r->l;
	uint32_t primary = 0;

	nlu_get_u8(d, IFLA_BOND_MODE, &l->bond_mode);
	nlu_get_u8(d, IFLA_BOND_AD_LACP_RATE, &l->lacp_rate);
	nlu_get_u8(d, IFLA_BOND_XMIT_HASH_POLICY, &l->xmit_hash);
	nlu_get_u32(d, IFLA_BOND_MIIMON, &l->miimon_ms);
	nlu_get_u32(d, IFLA_BOND_MIN_LINKS, &l->min_links);
	if (nlu_get_u32(d, IFLA_BOND_PRIMARY, &primary))
		r->primary = (int)primary;
}

static void bond_resolve(struct reader *rd, struct rd_link *r)
{
	rd_name(rd, r->ns, r->primary, r->l.primary, sizeof(r->l.primary));
	rd_resolve_parent(rd, r);
}

/* A bond's ports must be down while they are enslaved. */
static unsigned bond_undo_needs(const struct live_link *l)
{
	(void)l;
	return NK_UNDO_PORTS | NK_UNDO_PORTS_DOWN;
}

static int bond_set_primary(struct nl_ops *o, const char *ns, const char *bond, const char *primary)
{
	struct nlattr *info, *data;
	struct nl_msg *m;
	int idx = 0, err = 0;

	if (primary && *primary)
		err = nlo_ifindex(o, ns, primary, &idx);
	if (err < 0)
		return err;
	m = nlu_setlink_msg(bond, 0, 0);
	if (!m || !(info = nla_nest_start(m, IFLA_LINKINFO)) ||
	    nla_put_string(m, IFLA_INFO_KIND, "bond") < 0 ||
	    !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
	    nla_put_u32(m, IFLA_BOND_PRIMARY, (uint32_t)idx) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	return nlo_send(o, ns, m);
}

const struct net_kind net_kind_bond = {
    .kind = "bond",
    .alloc = bond_alloc,
    .request = nk_no_request,
    .finish_attrs = bond_finish_attrs,
    .after_create = nk_no_after_create,
    .parse = bond_parse,
    .resolve = bond_resolve,
    .undo_needs = bond_undo_needs,
    .recreate = nk_no_recreate,
    .set_primary = bond_set_primary,
};
