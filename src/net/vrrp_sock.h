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
 * with and the group address, which the kernel needs, and the first byte
 * and least length of an advert, which its socket filter needs.
 *
 * Each socket carries a classic BPF filter: the kernel delivers only a
 * packet whose VRRP part starts with version 2 or 3 and type 1 and is at
 * least as long as an advert of that version without addresses; anything
 * else on protocol 112 (garbage, another type or version) never wakes the
 * daemon and is not counted by it (docs/security.md, "The advert
 * sockets"). CARP speaks version 2 type 1 as well and passes: the codec
 * drops it (its length is not its "count"'s) and counts it. The receive
 * buffer is VRRP_SOCK_RCVBUF, and the kernel's count of packets it dropped
 * for the socket comes with each packet (SO_RXQ_OVFL). */
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

/* What the socket filter lets through (the codec has the same numbers:
 * VRRP_PKT_TYPE_ADVERT, VRRP_PKT_HDR_LEN, VRRP_PKT_V2_AUTH_LEN; the
 * runtime asserts that they agree): the first byte of a v2 or v3 advert,
 * and the least length of each, with no address. */
#define VRRP_SOCK_V2_ADVERT  0x21
#define VRRP_SOCK_V3_ADVERT  0x31
#define VRRP_SOCK_V2_MIN_LEN 16
#define VRRP_SOCK_V3_MIN_LEN 8

/* The receive buffer asked for (the kernel doubles it for its own
 * bookkeeping), so that a burst of adverts waits for a loop that was busy
 * whatever net.core.rmem_default says. SO_RCVBUFFORCE (CAP_NET_ADMIN, which
 * vipd keeps) goes past net.core.rmem_max; without it SO_RCVBUF, which the
 * kernel caps there. */
#define VRRP_SOCK_RCVBUF (256 * 1024)

/* 224.0.0.18 or ff02::12 */
void vrrp_sock_group(enum ip_family fam, struct ip_addr *out);

/* Opens the socket on device ifname (ifindex) of the current namespace.
 * multicast: join the VRRP group and send to it. Returns the fd
 * (non-blocking, close-on-exec) or a negative errno. */
int vrrp_sock_open(enum ip_family fam, const char *ifname, int ifindex, bool multicast);
/* A send-only socket on ifname (a virtual MAC link, docs/vmac.md): as
 * vrrp_sock_open without a group, its filter drops every packet, so the
 * adverts the parent's socket reads are not read twice. fd or -errno. */
int vrrp_sock_open_tx(enum ip_family fam, const char *ifname, int ifindex);

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
	/* SO_RXQ_OVFL: how many packets the kernel has dropped for this socket
	 * since it was opened, as of this packet (receive buffer full; an
	 * IPsec policy refusal counts too); valid only when has_kernel_drops
	 * (the kernel says nothing while the count is 0). Wraps at 2^32. */
	uint32_t kernel_drops;
	bool has_kernel_drops;
};

/* Receives one packet into buf[0..cap): v4 what the raw socket delivers
 * (the IPv4 header, then VRRP), v6 the VRRP message only. Returns its
 * length with *rx filled; -EAGAIN when nothing is queued; another negative
 * errno on a socket error. */
int vrrp_sock_recv(int fd, enum ip_family fam, uint8_t *buf, size_t cap, struct vrrp_sock_rx *rx);

#endif
