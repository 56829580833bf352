/* A created link's kind options as plain data: what the planner asks of
 * the kernel (iface_kind.link_opts), what src/net reads back, and what
 * iface_kind.same_creation compares. Each field means something for its
 * kind only. Here, beside the kinds, so that a new kind's options are
 * added in its own folder; plan/live.h carries them in struct live_link. */
#ifndef VIPD_MODEL_KINDS_LINK_OPTS_H
#define VIPD_MODEL_KINDS_LINK_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/netdev_limits.h"

/* The fields, written once: struct link_opts is them, and struct
 * live_link has them both as its member `opts` (for the kinds' hooks)
 * and by name (for src/net and the tests). */
#define LINK_OPTS_FIELDS                                                                           \
	char parent[LIVE_NAME_MAX]; /* IFLA_LINK resolved in the same namespace, "" if none */     \
	uint16_t vlan_id;                                                                          \
	uint8_t bond_mode; /* kernel numbering, 4 = 802.3ad */                                     \
	uint8_t lacp_rate; /* 0 slow, 1 fast */                                                    \
	uint8_t xmit_hash; /* kernel numbering */                                                  \
	uint32_t miimon_ms;                                                                        \
	uint32_t min_links;                                                                        \
	char primary[LIVE_NAME_MAX];                                                               \
	uint32_t macvlan_mode;		/* kernel MACVLAN_MODE_* */                                \
	char veth_peer[LIVE_NAME_MAX];	/* veth: peer name if known */                             \
	char veth_peer_ns[LIVE_NS_MAX]; /* veth: namespace of the peer if known */                 \
	bool stp;                                                                                  \
	uint32_t forward_delay_ms;

struct link_opts {
	LINK_OPTS_FIELDS
};

#endif
