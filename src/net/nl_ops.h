/* The kernel operations the plan executor is made of, one netlink request
 * (or a short fixed sequence) each, addressed by namespace and link name.
 * Internal to src/net.
 *
 * Every operation returns 0 or a negative errno and leaves the kernel's
 * text in o->err. Links are named in requests wherever the kernel allows
 * it; where it wants an ifindex (addresses, parent, master, bond primary)
 * the index comes from a per-run cache that the operations keep right for
 * the links they create, delete and move. */
#ifndef VIPD_NET_NL_OPS_H
#define VIPD_NET_NL_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/netns.h"
#include "net/nl_util.h"
#include "plan/live.h"

/* name → ifindex, per namespace; 0 = unknown (look it up again). */
struct nlo_ifx {
	char key[LIVE_NS_MAX + LIVE_NAME_MAX + 1]; /* "ns/name" */
	int ifindex;
};

struct nl_ops {
	struct net_ctx *ctx;
	struct nlu_err err; /* the kernel's text of the last failure */
	struct nlo_ifx *ifx;
	size_t ifx_cap, ifx_n; /* open addressing, cap a power of two */
};

void nlo_init(struct nl_ops *o, struct net_ctx *ctx);
void nlo_done(struct nl_ops *o);

/* ifindex of `name` in `ns`; -ENODEV if there is none. */
int nlo_ifindex(struct nl_ops *o, const char *ns, const char *name, int *ifindex);
/* The link is gone or renumbered: look it up again next time. */
void nlo_forget(struct nl_ops *o, const char *ns, const char *name);

/* nl_kinds.c: creates `l` in namespace `ns` with everything fixed at
 * creation: kind and its options, mtu and mac when non-zero, and the alias
 * (set right after creation: the kernel ignores IFLA_IFALIAS in a create
 * request). A veth's other end is l->veth_peer in l->veth_peer_ns ("" =
 * own), with the same mtu and alias; `peer` (may be NULL) gives that end
 * its own mtu and mac when re-creating a deleted pair. All or nothing: a
 * link that cannot be finished is deleted again. */
int nlo_link_create(struct nl_ops *o, const char *ns, const struct live_link *l,
		    const struct live_link *peer);

/* nl_link.c */
int nlo_link_delete(struct nl_ops *o, const char *ns, const char *name);
int nlo_link_move(struct nl_ops *o, const char *ns, const char *name, const char *to_ns);
int nlo_link_mtu(struct nl_ops *o, const char *ns, const char *name, uint32_t mtu);
int nlo_link_mac(struct nl_ops *o, const char *ns, const char *name, const uint8_t mac[6]);
/* master "" releases the link from its master */
int nlo_link_master(struct nl_ops *o, const char *ns, const char *name, const char *master);
int nlo_link_up(struct nl_ops *o, const char *ns, const char *name, bool up);
int nlo_link_alias(struct nl_ops *o, const char *ns, const char *name, const char *alias);

/* nl_addr.c. Adding sends IFA_PROTO = a->proto when non-zero, unless the
 * kernel refused it before (net_ctx.no_ifa_proto). Deleting matches on
 * address and prefix length only. */
int nlo_addr_add(struct nl_ops *o, const char *ns, const char *name, const struct live_addr *a);
int nlo_addr_del(struct nl_ops *o, const char *ns, const char *name, const struct live_addr *a);

/* Puts vipd's own context into o->err.msg (the kernel said nothing). */
void nlo_note(struct nl_ops *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sends a request built elsewhere in namespace ns (consumes msg). */
int nlo_send(struct nl_ops *o, const char *ns, struct nl_msg *msg);

#endif
