/* The kernel's neighbour table of one namespace and family: where the
 * packet-socket adverts (vrrp.packet_socket) find the peer's MAC. Read
 * whole once (RTM_GETNEIGH dump), then followed: the kernel tells every
 * change of an entry's state or address (RTNLGRP_NEIGH), and only when
 * it could not (the socket overflowed) is the table read whole again. A
 * peer whose entry is not verified is sent to through the kernel's IP
 * path, which verifies it (docs/vrrp.md, "Packet socket"). */
#ifndef VIPD_NET_NEIGH_H
#define VIPD_NET_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

struct nl_sock;
struct nlmsghdr;

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
/* STALE: the MAC the kernel still sends to, not verified lately; it
 * verifies it when it sends through its IP path. */
bool neigh_entry_stale(const struct neigh_entry *e);
/* One RTM_NEWNEIGH (the entry as it is now) or RTM_DELNEIGH of family fam
 * applied to t: 1 when t changed, 0 when the message is not about an
 * entry of fam, -ENOMEM (t is then as it was). */
int neigh_table_apply(struct neigh_table *t, enum ip_family fam, struct nlmsghdr *nh);

/* A table followed. sk (connected in the namespace, given to the watch)
 * is subscribed to RTNLGRP_NEIGH and made non-blocking; the caller reads
 * it (neigh_watch_read) when its descriptor is readable, and before
 * using the table has it read whole when due (neigh_watch_sync: the
 * first time, and after lost changes) on a request socket of the same
 * namespace. gen moves with every change, and only forward (across done
 * and init of the same struct too): an answer taken from another gen is
 * old. Changes that came between the subscription and the dump
 * are applied after it, in order, so the table ends as the kernel's. */
#define NEIGH_WATCH_RCVBUF (1 << 20)
struct neigh_watch {
	struct nl_sock *sk;
	enum ip_family fam;
	struct neigh_table table;
	bool need_dump;
	unsigned gen;
};
int neigh_watch_init(struct neigh_watch *w, struct nl_sock *sk, enum ip_family fam);
/* What the kernel told since: 0, or -errno of the socket. */
int neigh_watch_read(struct neigh_watch *w);
/* The dump when due: 0 or -errno (due again then). */
int neigh_watch_sync(struct neigh_watch *w, struct nl_sock *req);
/* Frees the socket (if init took it) and the table. */
void neigh_watch_done(struct neigh_watch *w);

#endif
