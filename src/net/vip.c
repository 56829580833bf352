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

#include "net/ifaddr.h"
#include "net/nl_util.h"
#include "plan/live.h"

#define ATTR_MAX (IFA_MAX > NLU_IFA_PROTO ? IFA_MAX : NLU_IFA_PROTO)

/* A VIP: tagged VIPD_ADDR_PROTO_VIP, replacing one already there (an
 * add after a restart, or twice, is success), IPv6 without duplicate
 * address detection (see vip.h). */
static struct ifaddr_req vip_req(int ifindex, const struct ip_addr *vip)
{
	return (struct ifaddr_req){
	    .ifindex = ifindex,
	    .addr = *vip,
	    .proto = VIPD_ADDR_PROTO_VIP,
	    .flags = vip->family == IP_V6 ? IFA_F_NODAD : 0,
	    .replace = true,
	};
}

int vip_add(struct net_ctx *ctx, struct nl_sock *sk, int ifindex, const struct ip_addr *vip)
{
	struct ifaddr_req r = vip_req(ifindex, vip);

	return ifaddr_add(ctx, sk, &r, NULL);
}

int vip_del(struct nl_sock *sk, int ifindex, const struct ip_addr *vip)
{
	struct ifaddr_req r = vip_req(ifindex, vip);
	int rc = ifaddr_del(sk, &r, NULL);

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

	if (nlh->nlmsg_type != RTM_NEWADDR || (lc->ifindex && (int)ifa->ifa_index != lc->ifindex) ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return NL_OK;
	if (nlmsg_parse(nlh, sizeof(*ifa), tb, ATTR_MAX, NULL) < 0)
		return NL_OK;
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	memset(&f, 0, sizeof(f));
	f.addr.family = ifa->ifa_family == AF_INET ? IP_V4 : IP_V6;
	f.addr.plen = ifa->ifa_prefixlen;
	f.ifindex = (int)ifa->ifa_index;
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
