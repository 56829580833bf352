/* ARP and IPv6 Neighbor Discovery messages: builders and parsers on caller
 * buffers for the GARP/NA senders and the gateway probes.
 *
 * Pure: no sockets, no syscalls, no globals; bytes are in network order.
 * Frames for AF_PACKET SOCK_RAW start with the Ethernet header; ND messages
 * are ICMPv6 bodies for a raw ICMPv6 socket (which fills the checksum when
 * IPV6_CHECKSUM is 2), and arpnd_ip6_frame_build wraps one into a complete
 * Ethernet + IPv6 frame when it must go out through AF_PACKET instead. */
#ifndef VIPD_NET_ARPND_H
#define VIPD_NET_ARPND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

#define ARPND_ETH_ALEN	    6
#define ARPND_ETH_HLEN	    14
#define ARPND_ETH_ZLEN	    60 /* shortest Ethernet frame without FCS */
#define ARPND_ETHERTYPE_ARP 0x0806
#define ARPND_ETHERTYPE_IP6 0x86dd
#define ARPND_ARP_LEN	    28		   /* ARP for Ethernet/IPv4 (RFC 826) */
#define ARPND_ARP_FRAME_LEN ARPND_ETH_ZLEN /* ARP frames are built padded */
#define ARPND_IP6_HLEN	    40
#define ARPND_ND_LEN	    32 /* NS/NA with one link-layer address option */
#define ARPND_ND_FRAME_LEN  (ARPND_ETH_HLEN + ARPND_IP6_HLEN + ARPND_ND_LEN)
#define ARPND_ND_HOP_LIMIT  255 /* sent, and required on receipt (RFC 4861 7.1) */

enum arpnd_arp_op {
	ARPND_ARP_REQUEST = 1,
	ARPND_ARP_REPLY = 2,
};

/* "Neighbor Advertisement" flags (RFC 4861 4.4), as in the first octet after
 * the checksum. An unsolicited NA for a VIP sets Override only: the VIP is a
 * host address, not a router (pass ARPND_NA_ROUTER too when it is). */
#define ARPND_NA_ROUTER	     0x80 /* R */
#define ARPND_NA_SOLICITED   0x40 /* S */
#define ARPND_NA_OVERRIDE    0x20 /* O */
#define ARPND_NA_UNSOLICITED ARPND_NA_OVERRIDE

/* An ARP packet for Ethernet/IPv4, decoded (RFC 826 field names). */
struct arpnd_arp {
	uint16_t op;			 /* ar$op: enum arpnd_arp_op */
	uint8_t sha[ARPND_ETH_ALEN];	 /* ar$sha: sender hardware address */
	struct ip_addr spa;		 /* ar$spa: sender protocol address */
	uint8_t tha[ARPND_ETH_ALEN];	 /* ar$tha: target hardware address */
	struct ip_addr tpa;		 /* ar$tpa: target protocol address */
	uint8_t eth_src[ARPND_ETH_ALEN]; /* Ethernet source; zero from _payload */
};

/* A Neighbor Advertisement, decoded (RFC 4861 4.4). */
struct arpnd_na {
	struct ip_addr target; /* "Target Address" */
	bool router;	       /* R */
	bool solicited;	       /* S */
	bool override;	       /* O */
	bool has_tlla;	       /* a Target Link-Layer Address option was present */
	uint8_t tlla[ARPND_ETH_ALEN];
};

/* Why a received ARP or ND message was dropped; the names are metric
 * labels. BAD_HOP_LIMIT is for the caller, who sees the hop limit. */
enum arpnd_drop_reason {
	ARPND_DROP_NONE = 0,
	ARPND_DROP_TOO_SHORT,
	ARPND_DROP_BAD_ETHERTYPE,  /* not 0x0806 */
	ARPND_DROP_BAD_HW_TYPE,	   /* ar$hrd is not Ethernet (1) */
	ARPND_DROP_BAD_PROTO_TYPE, /* ar$pro is not IPv4 (0x0800) */
	ARPND_DROP_BAD_ADDR_LEN,   /* ar$hln != 6 or ar$pln != 4 */
	ARPND_DROP_BAD_OP,	   /* neither request nor reply */
	ARPND_DROP_BAD_ICMP_TYPE,  /* not a Neighbor Advertisement */
	ARPND_DROP_BAD_ICMP_CODE,  /* code is not 0 */
	ARPND_DROP_BAD_TARGET,	   /* multicast target address */
	ARPND_DROP_BAD_OPTION,	   /* option of length 0 or running past the end */
	ARPND_DROP_BAD_HOP_LIMIT,  /* not 255 (set by the caller) */
	ARPND_DROP__COUNT
};

/* snake_case label ("too_short", ...); "unknown" outside the enum. */
const char *arpnd_drop_reason_name(enum arpnd_drop_reason r);

/* Gratuitous ARP announcing vip at mac (RFC 5227 2.3 "ARP Announcement"):
 * broadcast request, sender IP = target IP = vip, target MAC zero, padded to
 * 60 bytes because not every driver pads short frames. Returns the frame
 * length or -EINVAL (vip not IPv4), -ENOSPC. */
int arpnd_garp_build(const uint8_t mac[ARPND_ETH_ALEN], const struct ip_addr *vip, uint8_t *buf,
		     size_t cap);

/* ARP request for target_ip from (mac, sender_ip), e.g. to probe a gateway.
 * dst_mac: NULL to broadcast, or the known gateway MAC for a unicast
 * refresh. Returns as arpnd_garp_build. */
int arpnd_arp_request_build(const uint8_t mac[ARPND_ETH_ALEN], const uint8_t *dst_mac,
			    const struct ip_addr *sender_ip, const struct ip_addr *target_ip,
			    uint8_t *buf, size_t cap);

/* Decodes an Ethernet frame carrying ARP (AF_PACKET SOCK_RAW; trailing
 * padding allowed), or a bare ARP packet (SOCK_DGRAM). Any op 1 or 2 is
 * accepted: whether it answers a probe is the caller's question. Returns 0,
 * or -EBADMSG with the reason in *why. */
int arpnd_arp_parse(const uint8_t *frame, size_t len, struct arpnd_arp *out,
		    enum arpnd_drop_reason *why);
int arpnd_arp_parse_payload(const uint8_t *arp, size_t len, struct arpnd_arp *out,
			    enum arpnd_drop_reason *why);

/* ICMPv6 Neighbor Advertisement (type 136) for target, flags ARPND_NA_*,
 * with a Target Link-Layer Address option carrying mac. Checksum left 0.
 * Returns ARPND_ND_LEN, or -EINVAL (not IPv6, multicast target), -ENOSPC. */
int arpnd_na_build(const uint8_t mac[ARPND_ETH_ALEN], const struct ip_addr *target, uint8_t flags,
		   uint8_t *buf, size_t cap);

/* ICMPv6 Neighbor Solicitation (type 135) for target with a Source
 * Link-Layer Address option carrying mac; mac NULL omits the option, as
 * required when the source is unspecified (DAD). Checksum left 0. Returns
 * the length (32, or 24 without the option), or -EINVAL, -ENOSPC. */
int arpnd_ns_build(const uint8_t *mac, const struct ip_addr *target, uint8_t *buf, size_t cap);

/* Decodes an ICMPv6 message as a raw ICMPv6 socket delivers it (the kernel
 * has verified the checksum; the caller checks the hop limit and, when the
 * destination was multicast, that S is clear). Unknown options are skipped.
 * Returns 0, or -EBADMSG with the reason in *why. */
int arpnd_na_parse(const uint8_t *icmp6, size_t len, struct arpnd_na *out,
		   enum arpnd_drop_reason *why);

/* Solicited-node multicast group of addr: ff02::1:ff + its low 24 bits
 * (RFC 4291 2.7.1). addr must be IPv6. */
void arpnd_solicited_node(const struct ip_addr *addr, struct ip_addr *out);

/* Ethernet destination of an IPv6 multicast group: 33:33 + its low 32 bits
 * (RFC 2464 7). */
void arpnd_ip6_mcast_mac(const struct ip_addr *group, uint8_t mac[ARPND_ETH_ALEN]);

/* ICMPv6 checksum (RFC 4443 2.3: pseudo-header of RFC 8200 8.1, next header
 * 58) over msg as it is. With the checksum field zeroed the result is the
 * value to store (big-endian at offset 2); over a message holding a valid
 * checksum it is 0. Odd lengths are padded with a zero byte. */
uint16_t arpnd_icmp6_checksum(const struct ip_addr *src, const struct ip_addr *dst,
			      const uint8_t *msg, size_t len);

/* Complete frame for AF_PACKET: Ethernet header (dst_mac, or NULL to derive
 * it from a multicast dst), IPv6 header (hop limit 255, next header 58),
 * then the ICMPv6 message icmp6[0..len) with its checksum filled in.
 * icmp6 may point into buf (e.g. built in place at offset
 * ARPND_ETH_HLEN + ARPND_IP6_HLEN).
 * Returns the frame length, or -EINVAL (families, unicast dst without
 * dst_mac, len < 4 or too big), -ENOSPC. */
int arpnd_ip6_frame_build(const uint8_t src_mac[ARPND_ETH_ALEN], const uint8_t *dst_mac,
			  const struct ip_addr *src, const struct ip_addr *dst,
			  const uint8_t *icmp6, size_t len, uint8_t *buf, size_t cap);

#endif
