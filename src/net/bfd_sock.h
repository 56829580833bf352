/* UDP sockets for single-hop BFD (RFC 5881): bytes only, the codec and the
 * sessions (src/bfd) sit above.
 *
 * - receive: one socket per (namespace, family), bound to port 3784 on
 *   every address; each packet comes with the interface it arrived on
 *   (IP_PKTINFO / IPV6_PKTINFO), its source and its TTL / hop limit
 *   (IP_RECVTTL / IPV6_RECVHOPLIMIT), which the caller requires to be 255
 *   (RFC 5881 5, GTSM);
 * - send: one socket per session, made in the session's namespace, bound
 *   to its interface (SO_BINDTODEVICE), its own address and a source port
 *   in 49152..65535 (RFC 5881 4), TTL / hop limit 255. */
#ifndef VIPD_NET_BFD_SOCK_H
#define VIPD_NET_BFD_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "net/netns.h"
#include "util/ipaddr.h"

struct bfd_sock_rx {
	struct ip_addr src, dst;
	int ifindex; /* from the packet info; 0 if the kernel gave none */
	int ttl;     /* TTL / hop limit; -1 if the kernel gave none */
	uint16_t sport;
};

/* The receive socket of family in netns ("" = own): an fd (non-blocking)
 * or -errno. */
int bfd_sock_open_rx(struct net_ctx *ctx, const char *netns, enum ip_family family);
/* One datagram: its length, or -errno (-EAGAIN: nothing waits). */
int bfd_sock_recv(int fd, uint8_t *buf, size_t len, struct bfd_sock_rx *rx);

/* A session's send socket: an fd or -errno; *sport the source port taken
 * (the first free one from the hint up, wrapping in 49152..65535). */
int bfd_sock_open_tx(struct net_ctx *ctx, const char *netns, const char *ifname,
		     const struct ip_addr *src, uint16_t hint, uint16_t *sport);
/* To dst port 3784: 0 or -errno. */
int bfd_sock_send(int fd, const struct ip_addr *dst, const uint8_t *buf, size_t len);

#endif
