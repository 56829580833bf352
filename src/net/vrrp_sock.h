/* Raw VRRP sockets (IP protocol 112), one per (namespace, family): opened
 * in the caller's current network namespace, bound to no device. Each
 * packet names its interface: IP_PKTINFO / IPV6_PKTINFO say where one
 * arrived and pick where one leaves. One socket per namespace and family,
 * not one per interface, because the kernel matches every received packet
 * of protocol 112 against every raw socket of that protocol: with one per
 * interface, N interfaces cost N matches per advert (docs/vrrp.md,
 * "Scale"). The multicast group is joined per interface by a membership
 * socket (vrrp_sock_join): the raw socket, a member of no group, receives
 * the group's packets on every interface that joined it (the kernel's
 * default IP_MULTICAST_ALL).
 *
 * Hop limit 255 on send and reported on receive for the caller to check
 * (RFC 5798 5.1.1.3, 5.1.2.3). IPv4 uses IP_HDRINCL with the header built
 * by the caller, so the source address is exactly the communication-pair
 * address whatever the routing table says. IPv6 sets the source per
 * packet with IPV6_PKTINFO and reads the destination and hop limit from
 * ancillary data.
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

/* A larger receive buffer for a socket that serves many interfaces: 0 or
 * -errno (the same rules as above). */
int vrrp_sock_set_rcvbuf(int fd, int bytes);

/* 224.0.0.18 or ff02::12 */
void vrrp_sock_group(enum ip_family fam, struct ip_addr *out);

/* Opens the namespace's socket for fam. Returns the fd (non-blocking,
 * close-on-exec) or a negative errno. */
int vrrp_sock_open(enum ip_family fam);
/* Joins the VRRP group on interface ifindex of the current namespace:
 * returns an fd that holds the membership until it is closed (a datagram
 * socket that reads nothing), or a negative errno. */
int vrrp_sock_join(enum ip_family fam, int ifindex);

/* Sends one advert out of interface ifindex. v4: buf holds the IPv4
 * header + VRRP message (IP_HDRINCL; src unused); v6: the VRRP message
 * only, sent from src.
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
	int ifindex;   /* where it arrived; 0 when the kernel did not say */
	bool to_group; /* sent to the VRRP group (else to one of our addresses) */
};

/* Receives one packet into buf[0..cap): v4 what the raw socket delivers
 * (the IPv4 header, then VRRP), v6 the VRRP message only. Returns its
 * length with *rx filled; -EAGAIN when nothing is queued; another negative
 * errno on a socket error. */
int vrrp_sock_recv(int fd, enum ip_family fam, uint8_t *buf, size_t cap, struct vrrp_sock_rx *rx);

/* The largest packet read whole: an IPv4 header with options and the
 * largest v2/v3 message (255 IPv6 addresses). */
#define VRRP_SOCK_RX_MAX 4160

/* Several packets read in one system call (recvmmsg): a loop that wakes
 * once for a burst of adverts reads them all at once. */
struct vrrp_sock_batch;
struct vrrp_sock_batch *vrrp_sock_batch_new(unsigned cap);
void vrrp_sock_batch_free(struct vrrp_sock_batch *b);
/* Reads up to cap packets that are queued: how many, -EAGAIN when none is,
 * another negative errno on a socket error. */
int vrrp_sock_recv_batch(int fd, struct vrrp_sock_batch *b);
/* Packet i of the last read: its bytes (as vrrp_sock_recv gives them),
 * their length in *len, what came with it in *rx. */
const uint8_t *vrrp_sock_batch_at(struct vrrp_sock_batch *b, unsigned i, enum ip_family fam,
				  size_t *len, struct vrrp_sock_rx *rx);

/* Adverts queued and sent in one system call per socket (sendmmsg): the
 * masters whose advert timers fire in one loop pass (they share a grid:
 * runtime_inst.c) leave together. */
struct vrrp_sock_txq;
struct vrrp_sock_txq *vrrp_sock_txq_new(unsigned cap);
void vrrp_sock_txq_free(struct vrrp_sock_txq *q);
unsigned vrrp_sock_txq_len(const struct vrrp_sock_txq *q);
/* Whether a message of len bytes (at most VRRP_SOCK_MAX_WIRE) can be
 * queued now; if not, a flush makes room. */
bool vrrp_sock_txq_room(const struct vrrp_sock_txq *q, size_t len);
/* Queues what vrrp_sock_send(fd, ...) would send (the bytes are copied),
 * with the caller's tag for a failure: 0, -ENOSPC when the queue is full,
 * -EMSGSIZE when buf is longer than VRRP_SOCK_MAX_WIRE. */
int vrrp_sock_txq_add(struct vrrp_sock_txq *q, int fd, enum ip_family fam, int ifindex,
		      const struct ip_addr *src, const struct ip_addr *dst, const uint8_t *buf,
		      size_t len, void *tag);
/* Adverts as link-layer frames (vrrp.packet_socket, docs/vrrp.md "Packet
 * socket"): a packet socket (AF_PACKET, SOCK_DGRAM) bound to no protocol,
 * so that it receives nothing; the kernel puts the Ethernet header in
 * front of what it is given. Non-blocking. A descriptor or -errno. */
int vrrp_sock_open_frames(void);
/* The MAC of the VRRP group of fam: 01:00:5e:00:00:12 (224.0.0.18, RFC
 * 1112 6.4), 33:33:00:00:00:12 (ff02::12, RFC 2464 7). */
void vrrp_sock_group_mac(enum ip_family fam, uint8_t mac[6]);
/* Queues what vrrp_sock_txq_add takes as one frame from ifindex to mac
 * on the packet socket fd: an IPv6 advert gets its IPv6 header here
 * (hop limit 255, what the IP socket would put), an IPv4 one has its own
 * already. failed() is given the message as vrrp_sock_txq_add's. */
int vrrp_sock_txq_add_frame(struct vrrp_sock_txq *q, int fd, enum ip_family fam, int ifindex,
			    const uint8_t mac[6], const struct ip_addr *src,
			    const struct ip_addr *dst, const uint8_t *buf, size_t len, void *tag);
/* Sends everything queued, in order, and empties the queue; failed(arg,
 * tag, the message, -errno) for each message the kernel refused. */
typedef void (*vrrp_sock_tx_failed_fn)(void *arg, void *tag, const uint8_t *buf, size_t len,
				       int err);
void vrrp_sock_txq_flush(struct vrrp_sock_txq *q, vrrp_sock_tx_failed_fn failed, void *arg);

#endif
