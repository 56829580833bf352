/* Raw VRRP sockets (IP protocol 112), one per (namespace, interface,
 * family): opened in the caller's current network namespace, bound to the
 * device, hop limit 255 on send and checked on receive (RFC 5798 5.1.1.3,
 * 5.1.2.3), multicast group joined when the instance is not unicast.
 *
 * IPv4 uses IP_HDRINCL with the header built by vrrp_pkt_build_ipv4, so the
 * source address is exactly the communication-pair address whatever the
 * routing table says. IPv6 sets the source per packet with IPV6_PKTINFO and
 * reads the destination and hop limit from ancillary data. */
#ifndef VIPD_NET_VRRP_SOCK_H
#define VIPD_NET_VRRP_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"
#include "vrrp/packet.h"

/* Largest advert we send: the IPv6 minimum MTU, so that an advert is never
 * fragmented on any link (see docs/vrrp.md, "advert address cap"). */
#define VRRP_SOCK_MAX_WIRE 1280

/* 224.0.0.18 or ff02::12 */
void vrrp_sock_group(enum ip_family fam, struct ip_addr *out);

/* Opens the socket on device ifname (ifindex) of the current namespace.
 * multicast: join the VRRP group and send to it. Returns the fd
 * (non-blocking, close-on-exec) or a negative errno. */
int vrrp_sock_open(enum ip_family fam, const char *ifname, int ifindex, bool multicast);

/* Sends one advert. v4: buf holds the IPv4 header + VRRP message
 * (vrrp_pkt_build_ipv4); v6: the VRRP message only, sent from src.
 * Returns 0 or a negative errno. */
int vrrp_sock_send(int fd, enum ip_family fam, int ifindex, const struct ip_addr *src,
		   const struct ip_addr *dst, const uint8_t *buf, size_t len);

/* What came with a received advert. */
struct vrrp_sock_rx {
	struct ip_addr src; /* IP source */
	struct ip_addr dst; /* IP destination */
	int hop_limit;	    /* TTL / hop limit, -1 when the kernel did not say */
};

/* Receives and decodes one packet. Returns 0 with *pkt filled; -EBADMSG
 * with the reason in *why (rx->src is set when known; for
 * VRRP_DROP_BAD_TTL *pkt is complete, so the caller can charge the drop to
 * its VRID); -EAGAIN when nothing is queued; another negative errno on a
 * socket error. */
int vrrp_sock_recv(int fd, enum ip_family fam, struct vrrp_sock_rx *rx, struct vrrp_pkt *pkt,
		   enum vrrp_drop_reason *why);

#endif
