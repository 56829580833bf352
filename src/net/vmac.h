/* Virtual MAC links (vrrp.virtual_mac, docs/vmac.md): the macvlan an
 * instance's VIPs live on, with the RFC 5798 MAC of its VRID and family.
 *
 * Mode bridge: a client that sits on another macvlan of the same parent
 * (a container, a tenant link of the file) reaches the VIP; private mode
 * would drop those frames. Down while its instance is backup: a down link
 * sends nothing at all (no IPv6 DAD, MLD or router solicitation, no ARP
 * or NA reply for the VIPs), which protodown or addr_gen_mode none alone
 * would not promise on every kernel.
 *
 * Every function works in the caller's current network namespace (sk's,
 * and /proc/sys/net as the caller sees it). */
#ifndef VIPD_NET_VMAC_H
#define VIPD_NET_VMAC_H

#include <stdbool.h>
#include <stdint.h>

#include "util/ipaddr.h"

struct nl_sock;

/* The alias (IFLA_IFALIAS) vipd gives the links it makes, so that a start
 * finds the ones a crashed run left that the file no longer names. */
#define VMAC_LINK_ALIAS "vipd virtual MAC link"

/* The macvlan `name` on `parent` with `mac`, down: created, or adopted
 * when an earlier run left it (a macvlan of that name on another parent,
 * with another MAC or mode is deleted and made again; a link of that name
 * that is no macvlan is someone else's: -EEXIST, untouched). *ifindex its
 * index. Then vmac_link_sysctls. 0 or -errno. */
int vmac_link_ensure(struct nl_sock *sk, const char *parent, const char *name, const uint8_t mac[6],
		     enum ip_family fam, int *ifindex);
/* IFF_UP on or off. 0 or -errno. */
int vmac_link_set_up(struct nl_sock *sk, const char *name, bool up);
/* Whether the link `name` exists (-ENODEV: it does not), its index and
 * whether it is administratively up (IFF_UP). 0 or -errno. */
int vmac_link_state(struct nl_sock *sk, const char *name, int *ifindex, bool *up);
/* Deletes it; already gone is success. 0 or -errno. */
int vmac_link_delete(struct nl_sock *sk, const char *name);
/* The names of the macvlans with VMAC_LINK_ALIAS in sk's namespace, at most
 * cap of them into names[]; their count in *n. 0 or -errno. */
int vmac_link_list(struct nl_sock *sk, char (*names)[16], size_t cap, size_t *n);

/* What the link and its parent need (docs/vmac.md, "sysctls"): on both
 * arp_ignore 1 and arp_announce 2 (each answers ARP only for its own
 * addresses: the VIPs from the virtual MAC, the node's own from the
 * parent's), on the macvlan arp_filter 0, rp_filter 2 (the reply path to
 * a client may be the parent's route of the same subnet), and for IPv6
 * accept_dad 0 (both nodes have the same link-local on it), accept_ra 0
 * (no address derived from the shared MAC); an IPv4 link gets no IPv6 at
 * all (disable_ipv6). 0 or the first -errno. */
int vmac_link_sysctls(const char *parent, const char *name, enum ip_family fam);

#endif
