/* VIP addresses via rtnetlink. See vip.h for the contract. */
#include "net/vip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "net/nl_util.h"
#include "plan/live.h"

#define ATTR_MAX (IFA_MAX > NLU_IFA_PROTO ? IFA_MAX : NLU_IFA_PROTO)

static struct nl_msg *addr_msg(int type, int flags, int ifindex, const struct ip_addr *a)
{
	struct ifaddrmsg ifa = {
	    .ifa_family = a->family == IP_V4 ? AF_INET : AF_INET6,
	    .ifa_prefixlen = a->plen,
	    .ifa_scope = RT_SCOPE_UNIVERSE,
	    .ifa_index = (unsigned)ifindex,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
	int len = (int)ip_len(a);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, IFA_LOCAL, len, a->bytes) < 0 ||
	    nla_put(msg, IFA_ADDRESS, len, a->bytes) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int send_and_ack(struct nl_sock *sk, struct nl_msg *msg)
{
	return nlu_exchange(sk, msg, NULL, NULL, NULL); /* consumes msg */
}

int vip_add(struct nl_sock *sk, int ifindex, const struct ip_addr *vip)
{
	struct nl_msg *msg = addr_msg(
	    RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, ifindex, vip);
	uint32_t flags = vip->family == IP_V6 ? IFA_F_NODAD : 0;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, NLU_IFA_PROTO, VIPD_ADDR_PROTO_VIP) < 0 ||
	    nla_put_u32(msg, IFA_FLAGS, flags) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (flags) {
		struct ifaddrmsg *ifa = nlmsg_data(nlmsg_hdr(msg));

		ifa->ifa_flags = (uint8_t)flags;
	}
	return send_and_ack(sk, msg);
}

int vip_del(struct nl_sock *sk, int ifindex, const struct ip_addr *vip)
{
	struct nl_msg *msg = addr_msg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, ifindex, vip);
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = send_and_ack(sk, msg);
	return rc == -EADDRNOTAVAIL || rc == -ENOENT ? 0 : rc;
}

struct list_ctx {
	int ifindex;
	struct vip_found *v;
	size_t n, cap;
	int err;
};

static int list_push(struct list_ctx *lc, const struct vip_found *f)
{
	if (lc->n == lc->cap) {
		size_t cap = lc->cap ? lc->cap * 2 : 8;
		struct vip_found *nv = realloc(lc->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		lc->v = nv;
		lc->cap = cap;
	}
	lc->v[lc->n++] = *f;
	return 0;
}

static int on_addr(struct nl_msg *msg, void *arg)
{
	struct list_ctx *lc = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ifaddrmsg *ifa = nlmsg_data(nlh);
	struct nlattr *tb[ATTR_MAX + 1];
	struct nlattr *a;
	struct vip_found f;

	if (nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != lc->ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return NL_OK;
	if (nlmsg_parse(nlh, sizeof(*ifa), tb, ATTR_MAX, NULL) < 0)
		return NL_OK;
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	memset(&f, 0, sizeof(f));
	f.addr.family = ifa->ifa_family == AF_INET ? IP_V4 : IP_V6;
	f.addr.plen = ifa->ifa_prefixlen;
	if (!a || nla_len(a) != (int)ip_len(&f.addr))
		return NL_OK;
	memcpy(f.addr.bytes, nla_data(a), ip_len(&f.addr));
	f.proto = 0;
	nlu_get_u8(tb, NLU_IFA_PROTO, &f.proto);
	f.flags = ifa->ifa_flags;
	nlu_get_u32(tb, IFA_FLAGS, &f.flags);
	if (list_push(lc, &f) < 0) {
		lc->err = -ENOMEM;
		return NL_STOP;
	}
	return NL_OK;
}

int vip_list(struct nl_sock *sk, int ifindex, struct vip_found **out, size_t *n)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_UNSPEC, .ifa_index = (unsigned)ifindex};
	struct list_ctx lc = {.ifindex = ifindex};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
	int rc;

	*out = NULL;
	*n = 0;
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	rc = nlu_exchange(sk, msg, on_addr, &lc, NULL);
	if (rc < 0 || lc.err < 0) {
		free(lc.v);
		return lc.err < 0 ? lc.err : rc;
	}
	*out = lc.v;
	*n = lc.n;
	return 0;
}
