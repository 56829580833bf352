/* What the network side of the kinds shares, and the no-op hooks. Below
 * the kinds: calls nothing that asks the registry. */
#include "net/kinds/net_kind.h"

#include <errno.h>
#include <string.h>
#include <linux/if_link.h>
#include <sys/socket.h>

static bool mac_set(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) != 0;
}

void nk_set_common(struct rtnl_link *k, const char *name, uint32_t mtu, const uint8_t mac[6])
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

int nk_set_parent(struct nl_ops *o, const char *ns, const struct live_link *l, struct rtnl_link *k)
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

int nk_put_info_data(struct nl_msg *m, const struct live_link *l,
		     int (*put)(struct nl_msg *m, const struct live_link *l))
{
	struct nlattr *info, *data;

	if (!(info = nla_nest_start(m, IFLA_LINKINFO)) ||
	    nla_put_string(m, IFLA_INFO_KIND, l->kind) < 0 ||
	    !(data = nla_nest_start(m, IFLA_INFO_DATA)) || put(m, l) < 0)
		return -ENOMEM;
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	return 0;
}

struct rtnl_link *nk_alloc_by_type(const char *kind)
{
	struct rtnl_link *k;

	if (!(k = rtnl_link_alloc()))
		return NULL;
	if (rtnl_link_set_type(k, kind) < 0) {
		rtnl_link_put(k);
		return NULL;
	}
	return k;
}

int nk_no_request(struct nl_ops *o, const char *ns, const struct live_link *l,
		  const struct live_link *peer, struct rtnl_link *k)
{
	(void)o, (void)ns, (void)l, (void)peer, (void)k;
	return 0;
}

int nk_no_finish_attrs(struct nl_msg *m, const struct live_link *l)
{
	(void)m, (void)l;
	return 0;
}

int nk_no_after_create(struct nl_ops *o, const struct live_link *l)
{
	(void)o, (void)l;
	return 0;
}

void nk_no_parse(struct rd_link *r, struct nlattr *const *data)
{
	(void)r, (void)data;
}

unsigned nk_no_undo_needs(const struct live_link *l)
{
	(void)l;
	return 0;
}

void nk_no_recreate(struct live_link *want, const struct live_state *ports)
{
	(void)want, (void)ports;
}

int nk_no_set_primary(struct nl_ops *o, const char *ns, const char *name, const char *primary)
{
	(void)o, (void)ns, (void)name, (void)primary;
	return -EOPNOTSUPP;
}
