/* The kernel's neighbour table of one namespace and family, read whole
 * (RTM_GETNEIGH dump): where the packet-socket adverts (vrrp.packet_socket)
 * find the peer's MAC. Read, not followed: the runtime reads it again at
 * most once a second, and a peer whose entry is not verified is sent to
 * through the kernel's IP path, which verifies it (docs/vrrp.md, "Packet
 * socket"). */
#ifndef VIPD_NET_NEIGH_H
#define VIPD_NET_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

struct nl_sock;

struct neigh_entry {
	int ifindex;
	struct ip_addr addr; /* host prefix */
	uint16_t state;	     /* NUD_* */
	bool has_mac;
	uint8_t mac[6];
};

struct neigh_table {
	struct neigh_entry *v; /* sorted by (ifindex, address) */
	size_t n, cap;
};

/* Replaces t's entries with the table of fam in sk's namespace: 0 or
 * -errno (t is then empty). */
int neigh_table_read(struct nl_sock *sk, enum ip_family fam, struct neigh_table *t);
/* The entry of addr on ifindex, or NULL. */
const struct neigh_entry *neigh_table_find(const struct neigh_table *t, int ifindex,
					   const struct ip_addr *addr);
void neigh_table_done(struct neigh_table *t);
/* Its MAC is one the kernel has verified lately or was given for good
 * (REACHABLE, DELAY, PROBE: the kernel verifies it now; PERMANENT, NOARP):
 * frames may go to it. STALE, INCOMPLETE, FAILED: not. */
bool neigh_entry_usable(const struct neigh_entry *e);

#endif
