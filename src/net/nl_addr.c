/* Adding and removing addresses for vipctl apply, by namespace and link
 * name; the requests and the IFA_PROTO fallback are net/ifaddr.c's. */
#include "net/nl_ops.h"

#include <string.h>

#include "net/ifaddr.h"

/* vipctl's addresses: tagged with a->proto, refused when already there,
 * with the broadcast address `ip` would give them. */
static struct ifaddr_req apply_req(int ifindex, const struct live_addr *a)
{
	return (struct ifaddr_req){
	    .ifindex = ifindex,
	    .addr = a->addr,
	    .proto = a->proto,
	    .broadcast = true,
	};
}

static int addr_exchange(struct nl_ops *o, const char *ns, const char *name,
			 const struct live_addr *a, bool add)
{
	struct ifaddr_req r;
	struct nl_sock *sk;
	int idx, err = nlo_ifindex(o, ns, name, &idx);

	if (err < 0)
		return err;
	err = net_nl_get(o->ctx, ns, &sk);
	if (err < 0) {
		memset(&o->err, 0, sizeof(o->err));
		return err;
	}
	r = apply_req(idx, a);
	return add ? ifaddr_add(o->ctx, sk, &r, &o->err) : ifaddr_del(sk, &r, &o->err);
}

int nlo_addr_add(struct nl_ops *o, const char *ns, const char *name, const struct live_addr *a)
{
	return addr_exchange(o, ns, name, a, true);
}

int nlo_addr_del(struct nl_ops *o, const char *ns, const char *name, const struct live_addr *a)
{
	return addr_exchange(o, ns, name, a, false);
}
