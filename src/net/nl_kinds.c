/* Creating links of each kind: libnl's link objects build the create
 * request (name, mtu, mac, vlan id, macvlan mode, veth peer and its
 * namespace); the options libnl 3.7 has no setters for (bond mode,
 * lacp_rate, xmit_hash_policy, miimon, min_links; bridge STP and forward
 * delay) and the alias follow in one RTM_NEWLINK on the new link. */
#include "net/nl_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <netlink/route/link.h>
#include <netlink/route/link/bonding.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vlan.h>

#define BOND_MODE_8023AD 4

static bool mac_set(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) != 0;
}

static void set_common(struct rtnl_link *k, const char *name, uint32_t mtu, const uint8_t mac[6])
{
	rtnl_link_set_name(k, name);
	if (mtu)
		rtnl_link_set_mtu(k, mtu);
	if (mac_set(mac)) {
		struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);

		if (a) {
			rtnl_link_set_addr(k, a); /* takes its own reference */
			nl_addr_put(a);
		}
	}
}

/* The parent of a vlan or macvlan, in the namespace it is created in. */
static int set_parent(struct nl_ops *o, const char *ns, const struct live_link *l,
		      struct rtnl_link *k)
{
	int idx, err;

	if (!*l->parent) {
		nlo_note(o, "%s %s needs a parent", l->kind, l->name);
		return -EINVAL;
	}
	err = nlo_ifindex(o, ns, l->parent, &idx);
	if (err == -ENODEV)
		nlo_note(o, "parent %s not found", l->parent);
	if (err < 0)
		return err;
	rtnl_link_set_link(k, idx);
	return 0;
}

static int veth_object(struct nl_ops *o, const struct live_link *l, const struct live_link *peer,
		       struct rtnl_link *k)
{
	struct rtnl_link *p = rtnl_link_veth_get_peer(k);
	int fd;

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
		set_common(p, l->veth_peer, peer->mtu ? peer->mtu : l->mtu, peer->mac);
	else if (l->mtu)
		rtnl_link_set_mtu(p, l->mtu);
	rtnl_link_put(p);
	return 0;
}

static struct rtnl_link *alloc_kind(const char *kind)
{
	struct rtnl_link *k;

	if (strcmp(kind, "vlan") == 0)
		return rtnl_link_vlan_alloc();
	if (strcmp(kind, "macvlan") == 0)
		return rtnl_link_macvlan_alloc();
	if (strcmp(kind, "veth") == 0)
		return rtnl_link_veth_alloc();
	if (strcmp(kind, "bond") == 0)
		return rtnl_link_bond_alloc();
	if (strcmp(kind, "bridge") == 0)
		return rtnl_link_bridge_alloc();
	if (!(k = rtnl_link_alloc()))
		return NULL;
	if (rtnl_link_set_type(k, kind) < 0) {
		rtnl_link_put(k);
		return NULL;
	}
	return k;
}

/* The libnl object for the create request of `l`. */
static int kind_object(struct nl_ops *o, const char *ns, const struct live_link *l,
		       const struct live_link *peer, struct rtnl_link **out)
{
	struct rtnl_link *k;
	int err = 0;

	if (!*l->kind) {
		nlo_note(o, "%s has no kind: a port is not created", l->name);
		return -EINVAL;
	}
	if (!(k = alloc_kind(l->kind)))
		return -ENOMEM;
	set_common(k, l->name, l->mtu, l->mac);
	if (strcmp(l->kind, "vlan") == 0) {
		err = set_parent(o, ns, l, k);
		if (err == 0)
			err = rtnl_link_vlan_set_id(k, l->vlan_id) < 0 ? -EINVAL : 0;
	} else if (strcmp(l->kind, "macvlan") == 0) {
		err = set_parent(o, ns, l, k);
		if (err == 0 && l->macvlan_mode)
			err = rtnl_link_macvlan_set_mode(k, l->macvlan_mode) < 0 ? -EINVAL : 0;
	} else if (strcmp(l->kind, "veth") == 0) {
		err = veth_object(o, l, peer, k);
	}
	if (err < 0) {
		rtnl_link_put(k);
		return err;
	}
	*out = k;
	return 0;
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

static int put_bridge(struct nl_msg *m, const struct live_link *l)
{
	/* forward delay in clock_t (centiseconds); 0 keeps the kernel's 15 s.
	 * It goes first: the kernel checks its range only while STP is on. */
	if (l->forward_delay_ms &&
	    nla_put_u32(m, IFLA_BR_FORWARD_DELAY, l->forward_delay_ms / 10) < 0)
		return -ENOMEM;
	if (nla_put_u32(m, IFLA_BR_STP_STATE, l->stp ? 1 : 0) < 0)
		return -ENOMEM;
	return 0;
}

/* Alias, and for bonds and bridges their options, on the new link. */
static struct nl_msg *finish_msg(const struct live_link *l)
{
	bool bond = strcmp(l->kind, "bond") == 0, bridge = strcmp(l->kind, "bridge") == 0;
	struct nl_msg *m = nlu_setlink_msg(l->name, 0, 0);
	struct nlattr *info, *data;

	if (!m || nla_put_string(m, IFLA_IFALIAS, l->alias) < 0)
		goto fail;
	if (!bond && !bridge)
		return m;
	if (!(info = nla_nest_start(m, IFLA_LINKINFO)) ||
	    nla_put_string(m, IFLA_INFO_KIND, l->kind) < 0 ||
	    !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
	    (bond ? put_bond(m, l) : put_bridge(m, l)) < 0)
		goto fail;
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	return m;
fail:
	nlmsg_free(m);
	return NULL;
}

static int finish(struct nl_ops *o, const char *ns, const struct live_link *l)
{
	int err = nlo_send(o, ns, finish_msg(l));

	if (err == 0 && strcmp(l->kind, "veth") == 0 && *l->veth_peer)
		err = nlo_link_alias(o, l->veth_peer_ns, l->veth_peer, l->alias);
	return err;
}

int nlo_link_create(struct nl_ops *o, const char *ns, const struct live_link *l,
		    const struct live_link *peer)
{
	struct rtnl_link *k = NULL;
	struct nl_msg *m = NULL;
	struct nlu_err saved;
	int err;

	memset(&o->err, 0, sizeof(o->err));
	err = kind_object(o, ns, l, peer, &k);
	if (err < 0)
		return err;
	err = rtnl_link_build_add_request(k, NLM_F_CREATE | NLM_F_EXCL, &m);
	rtnl_link_put(k);
	if (err < 0)
		return nlu_errno_from_nle(err);
	err = nlo_send(o, ns, m);
	nlo_forget(o, ns, l->name);
	if (err < 0)
		return err;
	err = finish(o, ns, l);
	if (err < 0) {
		saved = o->err;
		(void)nlo_link_delete(o, ns, l->name);
		o->err = saved;
	}
	return err;
}
