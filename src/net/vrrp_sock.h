/* Raw VRRP sockets (IP protocol 112), one per (namespace, interface,
 * family): opened in the caller's current network namespace, bound to the
 * device, hop limit 255 on send and reported on receive for the caller to
 * check (RFC 5798 5.1.1.3, 5.1.2.3), multicast group joined when the
 * instance is not unicast.
 *
 * IPv4 uses IP_HDRINCL with the header built by the caller, so the source
 * address is exactly the communication-pair address whatever the routing
 * table says. IPv6 sets the source per packet with IPV6_PKTINFO and reads
 * the destination and hop limit from ancillary data.
 *
 * Bytes only: the VRRP codec (vrrp/packet.h) sits above this module, so
 * building, parsing and judging the packets (hop limit included) is the
 * caller's; this file knows the protocol number, the hop limit it sends
 * with and the group address, which the kernel needs. */
#ifndef VIPD_NET_VRRP_SOCK_H
#define VIPD_NET_VRRP_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

/* Largest advert we send: the IPv6 minimum MTU, so that an advert is never
 * fragmented on any link (see docs/vrrp.md, "advert address cap"). */
#define VRRP_SOCK_MAX_WIRE 1280

/* What the socket is opened and sends with: IP protocol 112 and the hop
 * limit RFC 5798 5.1.1.3 requires. The codec has the same numbers
 * (VRRP_PKT_PROTO, VRRP_PKT_TTL); the runtime asserts that they agree. */
#define VRRP_SOCK_PROTO	    112
#define VRRP_SOCK_HOP_LIMIT 255

/* 224.0.0.18 or ff02::12 */
void vrrp_sock_group(enum ip_family fam, struct ip_addr *out);

/* Opens the socket on device ifname (ifindex) of the current namespace.
 * multicast: join the VRRP group and send to it. Returns the fd
 * (non-blocking, close-on-exec) or a negative errno. */
int vrrp_sock_open(enum ip_family fam, const char *ifname, int ifindex, bool multicast);

/* Sends one advert. v4: buf holds the IPv4 header + VRRP message
 * (IP_HDRINCL); v6: the VRRP message only, sent from src.
 * Returns 0 or a negative errno. */
int vrrp_sock_send(int fd, enum ip_family fam, int ifindex, const struct ip_addr *src,
		   const struct ip_addr *dst, const uint8_t *buf, size_t len);

/* What came with a received packet, as far as the kernel said. */
struct vrrp_sock_rx {
	struct ip_addr src; /* v6: IP source; v4: unset (it is in the IP header) */
	struct ip_addr dst; /* v6: IP destination, unset (family 0) when the
			     * kernel did not say; v4: unset */
	int hop_limit;	    /* v6: hop limit, -1 when the kernel did not say; v4: -1 */
};

/* Receives one packet into buf[0..cap): v4 what the raw socket delivers
 * (the IPv4 header, then VRRP), v6 the VRRP message only. Returns its
 * length with *rx filled; -EAGAIN when nothing is queued; another negative
 * errno on a socket error. */
int vrrp_sock_recv(int fd, enum ip_family fam, uint8_t *buf, size_t cap, struct vrrp_sock_rx *rx);

#endif
