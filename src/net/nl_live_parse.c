/* Parsing RTM_NEWLINK and RTM_NEWADDR messages of the reader's dumps. The
 * messages are parsed without a libnl policy; every getter checks the
 * attribute's length (nl_util.h). */
#include "net/nl_live_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "net/kinds/net_kind.h"
#include "net/link_state.h"
#include "net/nl_util.h"

/* The address attributes up to IFA_PROTO even with old headers. */
#define RD_IFA_MAX (IFA_MAX > NLU_IFA_PROTO ? IFA_MAX : NLU_IFA_PROTO)

/* IFLA_LINKINFO: the kind, and its options (src/net/kinds/). */
static void parse_linkinfo(struct rd_link *r, struct nlattr *info)
{
	struct nlattr *li[IFLA_INFO_MAX + 1];
	struct nlattr *d[RD_DATA_MAX + 1];
	struct live_link *l = &r->l;

	if (nla_parse_nested(li, IFLA_INFO_MAX, info, NULL) < 0)
		return;
	nlu_get_str(li, IFLA_INFO_KIND, l->kind, sizeof(l->kind));
	if (!li[IFLA_INFO_DATA] || nla_parse_nested(d, RD_DATA_MAX, li[IFLA_INFO_DATA], NULL) < 0)
		return;
	net_kind_get(l->kind)->parse(r, d);
}

static void parse_link_attrs(struct rd_link *r, struct nlattr *const *tb)
{
	struct live_link *l = &r->l;
	int32_t s;
	uint32_t u;

	nlu_get_str(tb, IFLA_IFNAME, l->name, sizeof(l->name));
	nlu_get_str(tb, IFLA_IFALIAS, l->alias, sizeof(l->alias));
	nlu_get_u32(tb, IFLA_MTU, &l->mtu);
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6)
		memcpy(l->mac, nla_data(tb[IFLA_ADDRESS]), 6);
	if (nlu_get_s32(tb, IFLA_LINK, &s))
		r->iflink = s;
	if (nlu_get_s32(tb, IFLA_LINK_NETNSID, &s))
		r->link_nsid = s;
	if (nlu_get_u32(tb, IFLA_MASTER, &u))
		r->master = (int)u;
	if (tb[IFLA_LINKINFO])
		parse_linkinfo(r, tb[IFLA_LINKINFO]);
}

static struct rd_link *rd_push(struct reader *rd)
{
	struct rd_link *r;

	if (rd->n == rd->cap) {
		size_t cap = rd->cap ? rd->cap * 2 : 64;
		void *p = realloc(rd->v, cap * sizeof(*rd->v));

		if (!p)
			return NULL;
		rd->v = p;
		rd->cap = cap;
	}
	r = &rd->v[rd->n++];
	memset(r, 0, sizeof(*r));
	r->link_nsid = -1;
	return r;
}

int rd_on_link(struct nl_msg *msg, void *arg)
{
	struct reader *rd = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	struct rd_link *r;
	uint32_t master = 0;

	if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	ifi = nlmsg_data(h);
	if (rd->want_master &&
	    (!nlu_get_u32(tb, IFLA_MASTER, &master) || master != (uint32_t)rd->want_master))
		return NL_SKIP; /* a kernel that ignores the dump filter */
	if (!(r = rd_push(rd))) {
		rd->err = -ENOMEM;
		return NL_STOP;
	}
	r->ns = rd->cur;
	r->l.ifindex = ifi->ifi_index;
	r->l.admin_up = (ifi->ifi_flags & IFF_UP) != 0;
	r->l.oper_up = link_state_up(
	    ifi->ifi_flags, tb[IFLA_OPERSTATE] ? nla_get_u8(tb[IFLA_OPERSTATE]) : -1, NULL, 0);
	parse_link_attrs(r, tb);
	return NL_OK;
}

static int push_addr(struct rd_link *r, const struct live_addr *a)
{
	struct live_link *l = &r->l;

	if (l->n_addrs == r->cap_addrs) {
		size_t cap = r->cap_addrs ? r->cap_addrs * 2 : 4;
		void *p = realloc(l->addrs, cap * sizeof(*l->addrs));

		if (!p)
			return -ENOMEM;
		l->addrs = p;
		r->cap_addrs = cap;
	}
	l->addrs[l->n_addrs++] = *a;
	return 0;
}

int rd_on_addr(struct nl_msg *msg, void *arg)
{
	struct reader *rd = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[RD_IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	struct nlattr *at;
	struct live_addr a = {0};
	struct rd_link *r;

	if (h->nlmsg_type != RTM_NEWADDR || nlmsg_parse(h, sizeof(*ifa), tb, RD_IFA_MAX, NULL) < 0)
		return NL_SKIP;
	ifa = nlmsg_data(h);
	if (rd->want_index && (int)ifa->ifa_index != rd->want_index)
		return NL_SKIP;
	at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!at || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return NL_SKIP;
	a.addr.family = ifa->ifa_family == AF_INET ? IP_V4 : IP_V6;
	if (nla_len(at) < (int)ip_len(&a.addr))
		return NL_SKIP;
	memcpy(a.addr.bytes, nla_data(at), ip_len(&a.addr));
	a.addr.plen = ifa->ifa_prefixlen;
	nlu_get_u8(tb, NLU_IFA_PROTO, &a.proto);
	a.link_local = ip_is_link_local(&a.addr);
	r = rd_find(rd, rd->cur, (int)ifa->ifa_index);
	if (r && push_addr(r, &a) < 0) {
		rd->err = -ENOMEM;
		return NL_STOP;
	}
	return NL_OK;
}
