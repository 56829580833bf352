/* Adding and removing addresses. libnl 3.7's address object has no
 * IFA_PROTO, so the requests are built with its message API. */
#include "net/nl_ops.h"

#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

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

/* RTM_NEWADDR / RTM_DELADDR for address a on ifindex. IFA_LOCAL and
 * IFA_ADDRESS both carry the address: the local one, no peer. */
static struct nl_msg *addr_msg(int type, int flags, int ifindex, const struct live_addr *a,
			       bool with_proto)
{
	struct ifaddrmsg ifa = {
	    .ifa_family = a->addr.family == IP_V4 ? AF_INET : AF_INET6,
	    .ifa_prefixlen = a->addr.plen,
	    .ifa_index = (unsigned)ifindex,
	};
	struct nl_msg *m = nlmsg_alloc_simple(type, flags);
	int len = (int)ip_len(&a->addr);
	uint8_t brd[4];

	if (!m)
		return NULL;
	if (nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(m, IFA_LOCAL, len, a->addr.bytes) < 0 ||
	    nla_put(m, IFA_ADDRESS, len, a->addr.bytes) < 0)
		goto fail;
	if (type == RTM_NEWADDR && v4_broadcast(&a->addr, brd) &&
	    nla_put(m, IFA_BROADCAST, 4, brd) < 0)
		goto fail;
	if (with_proto && nla_put_u8(m, NLU_IFA_PROTO, a->proto) < 0)
		goto fail;
	return m;
fail:
	nlmsg_free(m);
	return NULL;
}

int nlo_addr_add(struct nl_ops *o, const char *ns, const char *name, const struct live_addr *a)
{
	bool proto = a->proto && !o->ctx->no_ifa_proto;
	int idx, err = nlo_ifindex(o, ns, name, &idx);

	if (err < 0)
		return err;
	err = nlo_send(o, ns, addr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, idx, a, proto));
	/* A kernel before 6.1 ignores the unknown attribute; one that checks
	 * strictly refuses it: then do without, from now on (only when that
	 * helps, so that a bad address does not switch IFA_PROTO off). */
	if (proto && (err == -EINVAL || err == -EOPNOTSUPP)) {
		err = nlo_send(o, ns,
			       addr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, idx, a, false));
		if (err == 0)
			o->ctx->no_ifa_proto = true;
	}
	return err;
}

int nlo_addr_del(struct nl_ops *o, const char *ns, const char *name, const struct live_addr *a)
{
	int idx, err = nlo_ifindex(o, ns, name, &idx);

	if (err < 0)
		return err;
	return nlo_send(o, ns, addr_msg(RTM_DELADDR, 0, idx, a, false));
}
