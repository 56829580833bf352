/* Reading the kernel's links and addresses into the planner's plain data
 * (plan/live.h). One link dump and one address dump per namespace.
 *
 * Names are resolved inside the link's own namespace: parent (IFLA_LINK),
 * master (IFLA_MASTER) and bond primary. A vlan or macvlan whose parent is
 * in another namespace (created beside it, then moved) gets parent "". A
 * veth gets no parent; its other end goes to veth_peer/veth_peer_ns, the
 * namespace found by asking the kernel which named namespace carries the
 * IFLA_LINK_NETNSID; both stay "" when the other end lives in a namespace
 * without a name under /run/netns.
 *
 * Errors are negative errno values; on error *out is left empty. */
#ifndef VIPD_NET_NL_LIVE_H
#define VIPD_NET_NL_LIVE_H

#include <stddef.h>

#include "net/netns.h"
#include "plan/live.h"

/* The own namespace "" and each of namespaces[0..n) that exists (names that
 * do not exist are skipped, "" and duplicates are ignored). out->netns lists
 * "" and every name under /run/netns. Free with live_state_free(). */
int net_read_live(struct net_ctx *ctx, const char *const *namespaces, size_t n,
		  struct live_state *out);

/* One link with its addresses; the caller frees out->addrs. -ENODEV if the
 * namespace has no link of that name. */
int net_read_link(struct net_ctx *ctx, const char *netns, const char *name, struct live_link *out);

/* The links of `netns` without addresses, only those enslaved to `master`
 * when it is not NULL, in out->links (out->netns stays empty). Free with
 * live_state_free(). */
int net_read_links(struct net_ctx *ctx, const char *netns, const char *master,
		   struct live_state *out);

#endif
