/* What the kernel has: links and addresses of every namespace the model
 * names, as read by src/net. Plain data so that the planner stays pure. */
#ifndef VIPD_PLAN_LIVE_H
#define VIPD_PLAN_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/kinds/link_opts.h"
#include "util/ipaddr.h"
#include "util/netdev_limits.h" /* LIVE_NAME_MAX, LIVE_NS_MAX, LIVE_ALIAS_MAX */

/* IFA_PROTO values vipd puts on the addresses it adds (Linux >= 6.1), so
 * that it only ever removes its own. */
#define VIPD_ADDR_PROTO_NODE 0x56 /* node-local address applied by vipctl apply */
#define VIPD_ADDR_PROTO_VIP  0x57 /* VIP held by the daemon */

/* The alias vipd writes on every link it creates: "vipd:<cluster>". A link
 * without it is foreign and is never deleted or re-created. */
#define VIPD_ALIAS_PREFIX "vipd:"

struct live_addr {
	struct ip_addr addr; /* with prefix length */
	uint8_t proto;	     /* IFA_PROTO, 0 when unknown */
	bool link_local;     /* fe80::/10 and 169.254/16: never touched */
};

struct live_link {
	char netns[LIVE_NS_MAX]; /* "" = the daemon's own namespace */
	char name[LIVE_NAME_MAX];
	int ifindex;
	char kind[16]; /* IFLA_INFO_KIND ("" for none): a kind's netlink_kind, or any other */
	char alias[LIVE_ALIAS_MAX];
	char master[LIVE_NAME_MAX]; /* IFLA_MASTER name, "" if none */
	uint32_t mtu;
	uint8_t mac[6];
	bool admin_up; /* IFF_UP */
	bool oper_up;  /* link_state_up (net/link_state.h): the link watch's rule */
	/* the kind's options (parent, vlan id, bond mode, ...): by name, and
	 * as one struct link_opts for the model's kind hooks; both views are
	 * the same bytes (the same fields in the same order) */
	union {
		struct {
			LINK_OPTS_FIELDS
		};
		struct link_opts opts;
	};

	struct live_addr *addrs;
	size_t n_addrs;
};

struct live_state {
	struct live_link *links;
	size_t n_links;
	char **netns; /* namespaces that exist (names under /run/netns) */
	size_t n_netns;
};

void live_state_free(struct live_state *ls);
const struct live_link *live_find(const struct live_state *ls, const char *netns, const char *name);
bool live_has_netns(const struct live_state *ls, const char *netns);
/* Is the link one vipd created for this cluster? */
bool live_is_owned(const struct live_link *l, const char *cluster);

#endif
