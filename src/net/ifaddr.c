/* Interface address requests and the IFA_PROTO fallback. See ifaddr.h. */
#include "net/ifaddr.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "net/netns.h"
#include "net/nl_util.h"

/* IPv4 networks of /30 and wider get a broadcast address, as the usual
 * tools give them. */
static bool v4_broadcast(const struct ip_addr *a, uint8_t out[4])
{
	uint32_t host, v;

	if (a->family != IP_V4 || a->plen >= 31)
		return false;
	host = a->plen == 0 ? 0xffffffffu : (1u << (32 - a->plen)) - 1;
	v = (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 | (uint32_t)a->bytes[2] << 8 |
	    a->bytes[3];
	v |= host;
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
	return true;
}

/* The header and the address: IFA_LOCAL and IFA_ADDRESS both carry it
 * (the local one, no peer). ifa_flags holds the low 8 flag bits for
 * kernels that read no IFA_FLAGS. */
static struct nl_msg *addr_msg(int type, int flags, const struct ifaddr_req *r)
{
	struct ifaddrmsg ifa = {
	    .ifa_family = r->addr.family == IP_V4 ? AF_INET : AF_INET6,
	    .ifa_prefixlen = r->addr.plen,
	    .ifa_flags = type == RTM_NEWADDR ? (uint8_t)r->flags : 0,
	    .ifa_scope = RT_SCOPE_UNIVERSE,
	    .ifa_index = (unsigned)r->ifindex,
	};
	struct nl_msg *m = nlmsg_alloc_simple(type, flags);
	int len = (int)ip_len(&r->addr);

	if (!m)
		return NULL;
	if (nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(m, IFA_LOCAL, len, r->addr.bytes) < 0 ||
	    nla_put(m, IFA_ADDRESS, len, r->addr.bytes) < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

struct nl_msg *ifaddr_new_msg(const struct ifaddr_req *r, bool with_proto)
{
	int flags = NLM_F_CREATE | (r->replace ? NLM_F_REPLACE : NLM_F_EXCL);
	struct nl_msg *m = addr_msg(RTM_NEWADDR, flags, r);
	uint8_t brd[4];

	if (!m)
		return NULL;
	if ((r->broadcast && v4_broadcast(&r->addr, brd) &&
	     nla_put(m, IFA_BROADCAST, 4, brd) < 0) ||
	    (with_proto && r->proto && nla_put_u8(m, NLU_IFA_PROTO, r->proto) < 0) ||
	    (r->flags && nla_put_u32(m, IFA_FLAGS, r->flags) < 0)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

struct nl_msg *ifaddr_del_msg(const struct ifaddr_req *r)
{
	return addr_msg(RTM_DELADDR, 0, r);
}

int ifaddr_add_via(struct net_ctx *ctx, const struct ifaddr_req *r, ifaddr_send_fn send, void *arg)
{
	bool proto = r->proto && !ctx->no_ifa_proto;
	int err = send(arg, ifaddr_new_msg(r, proto));

	/* Only when going without helps: a bad address must not switch
	 * IFA_PROTO off for good. */
	if (proto && (err == -EINVAL || err == -EOPNOTSUPP)) {
		err = send(arg, ifaddr_new_msg(r, false));
		if (err == 0)
			ctx->no_ifa_proto = true;
	}
	return err;
}

struct sock_send {
	struct nl_sock *sk;
	struct nlu_err *e;
};

static int sock_send(void *arg, struct nl_msg *msg)
{
	struct sock_send *s = arg;

	if (!msg)
		return -ENOMEM;
	return nlu_exchange(s->sk, msg, NULL, NULL, s->e); /* consumes msg */
}

int ifaddr_add(struct net_ctx *ctx, struct nl_sock *sk, const struct ifaddr_req *r,
	       struct nlu_err *e)
{
	struct sock_send s = {.sk = sk, .e = e};

	return ifaddr_add_via(ctx, r, sock_send, &s);
}

int ifaddr_del(struct nl_sock *sk, const struct ifaddr_req *r, struct nlu_err *e)
{
	struct sock_send s = {.sk = sk, .e = e};

	return sock_send(&s, ifaddr_del_msg(r));
}
