/* VRRP advertisement codec: VRRPv3 (RFC 5798) for IPv4 and IPv6, VRRPv2
 * (RFC 3768) for IPv4 with authentication type 0.
 *
 * Pure: builds into and parses from caller buffers; no sockets, no syscalls,
 * no globals. The codec checks syntax only (what the RFCs say makes a packet
 * malformed); whether the VRID, interval, version or sender are the ones an
 * instance expects is the state machine's business.
 *
 * Checksums: v2 covers the VRRP message only (RFC 3768 5.3.8). v3 prepends
 * the IP pseudo-header (source, destination, protocol 112, VRRP length) for
 * both families (RFC 5798 5.2.8), which is keepalived's default, so the
 * addresses given must be the ones on the wire: for unicast adverts, the
 * peer's address, not 224.0.0.18. */
#ifndef VIPD_VRRP_PACKET_H
#define VIPD_VRRP_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

#define VRRP_PKT_PROTO	       112  /* IANA protocol / next header number */
#define VRRP_PKT_TTL	       255  /* IPv4 TTL / IPv6 hop limit, sent and required */
#define VRRP_PKT_TYPE_ADVERT   1    /* the only type RFC 3768 and 5798 define */
#define VRRP_PKT_MAX_ADDRS     255  /* "Count IPvX Addr" is one octet */
#define VRRP_PKT_HDR_LEN       8    /* fixed fields before the addresses */
#define VRRP_PKT_V2_AUTH_LEN   8    /* v2 "Authentication Data", after the addresses */
#define VRRP_PKT_V3_MAX_INT_CS 4095 /* 12-bit "Max Adver Int" */
#define VRRP_PKT_MAX_LEN       (VRRP_PKT_HDR_LEN + VRRP_PKT_MAX_ADDRS * 16)
#define VRRP_PKT_IPV4_HDR_LEN  20 /* what vrrp_pkt_build_ipv4 prepends */

/* One advertisement, decoded. Which interval field counts depends on the
 * version; the other one is ignored on build and zero after parse. */
struct vrrp_pkt {
	uint8_t version;	   /* "Version": 2 or 3 */
	uint8_t type;		   /* "Type": VRRP_PKT_TYPE_ADVERT */
	uint8_t vrid;		   /* "Virtual Rtr ID": 1..255 */
	uint8_t priority;	   /* "Priority": 0 = master leaving, 255 = owner */
	uint16_t max_adver_int_cs; /* v3 "Max Adver Int", centiseconds, 1..4095 */
	uint8_t adver_int_s;	   /* v2 "Adver Int", seconds, 1..255 */
	uint8_t auth_type;	   /* v2 "Auth Type": only 0 (none); v3: 0 */
	uint8_t family;		   /* enum ip_family of the addresses (and of IP) */
	uint8_t n_addrs;	   /* "Count IPvX Addr"; RFC says >= 1, 0 accepted */
	/* "IPvX Address(es)"; parse sets plen 32/128 */
	struct ip_addr addrs[VRRP_PKT_MAX_ADDRS];
};

/* Why a received packet was dropped; the names are metric labels.
 * The codec sets the reasons up to VRRP_DROP_ZERO_INTERVAL; the later ones
 * are for the runtime and the state machine, so that every discarded
 * advertisement is counted under one label set. */
enum vrrp_drop_reason {
	VRRP_DROP_NONE = 0,
	VRRP_DROP_TOO_SHORT,	       /* shorter than the fixed header */
	VRRP_DROP_BAD_IP_HEADER,       /* IPv4 version, IHL, total length, fragment */
	VRRP_DROP_BAD_IP_PROTOCOL,     /* IPv4 protocol is not 112 */
	VRRP_DROP_BAD_VERSION,	       /* neither 2 nor 3 */
	VRRP_DROP_BAD_TYPE,	       /* not an advertisement */
	VRRP_DROP_UNSUPPORTED_FAMILY,  /* v2 over IPv6 */
	VRRP_DROP_ADDR_COUNT_MISMATCH, /* count disagrees with the length */
	VRRP_DROP_BAD_CHECKSUM,
	VRRP_DROP_BAD_AUTH_TYPE, /* v2 auth type other than 0 */
	VRRP_DROP_ZERO_VRID,
	VRRP_DROP_ZERO_INTERVAL,
	/* not set by the codec: */
	VRRP_DROP_BAD_TTL,	    /* IPv4 TTL / IPv6 hop limit is not 255 */
	VRRP_DROP_UNKNOWN_VRID,	    /* no instance for this VRID on this interface */
	VRRP_DROP_VERSION_MISMATCH, /* valid, but not the instance's version */
	VRRP_DROP_INTERVAL_MISMATCH,
	VRRP_DROP_UNKNOWN_PEER, /* unicast source is not the configured peer */
	/* v3 interval above the tolerance of ours (vrrp/fsm.h) */
	VRRP_DROP_INTERVAL_OUT_OF_BOUNDS,
	VRRP_DROP_OWNER_PRIORITY,   /* the owner's priority: no instance owns its VIPs */
	VRRP_DROP_VIP_SET_MISMATCH, /* its addresses are not the instance's VIPs */
	VRRP_DROP__COUNT
};

/* snake_case label ("too_short", ...); "unknown" outside the enum. */
const char *vrrp_drop_reason_name(enum vrrp_drop_reason r);

/* Wire length of p (without any IP header): 8 + n_addrs * 4|16, plus 8 for v2. */
size_t vrrp_pkt_len(const struct vrrp_pkt *p);

/* Encodes p into buf. src and dst are the IP source and destination the
 * packet will carry; v3 needs them for the checksum, v2 ignores them (NULL
 * allowed). Only packets vrrp_pkt_parse accepts are built.
 * Returns the length written, or -EINVAL (field out of range, families that
 * disagree), -EAFNOSUPPORT (v2 with IPv6), -ENOSPC (cap too small). */
int vrrp_pkt_build(const struct vrrp_pkt *p, const struct ip_addr *src, const struct ip_addr *dst,
		   uint8_t *buf, size_t cap);

/* Same, behind a 20-byte IPv4 header for IP_HDRINCL sockets: TOS 0xc0
 * (network control), ID 0 (the kernel fills it), DF, TTL 255, protocol 112,
 * header checksum computed. p->family must be IP_V4. */
int vrrp_pkt_build_ipv4(const struct vrrp_pkt *p, const struct ip_addr *src,
			const struct ip_addr *dst, uint8_t *buf, size_t cap);

/* Decodes the VRRP message buf[0..len) received over IP family fam from src
 * to dst (as the socket reported them: v3's checksum covers them; v2
 * ignores them). Returns 0 and fills *out, or -EBADMSG with the reason in
 * *why (*out is then unusable), or -EINVAL for a caller mistake: fam, or a
 * v3 packet with src/dst missing or of another family (*why stays
 * VRRP_DROP_NONE). */
int vrrp_pkt_parse(const uint8_t *buf, size_t len, enum ip_family fam, const struct ip_addr *src,
		   const struct ip_addr *dst, struct vrrp_pkt *out, enum vrrp_drop_reason *why);

/* Decodes what a raw IPv4 socket delivers: the IP header (options allowed),
 * then VRRP. Bytes past the IP total length are ignored. Once the IP header
 * is valid, *src_out, *dst_out and *ttl_out are set, even if the VRRP part
 * is then dropped, so that the caller can log who sent it. The TTL is not
 * judged here: the caller compares it with VRRP_PKT_TTL. Returns as
 * vrrp_pkt_parse. */
int vrrp_pkt_parse_ipv4(const uint8_t *ip_pkt, size_t len, struct ip_addr *src_out,
			struct ip_addr *dst_out, uint8_t *ttl_out, struct vrrp_pkt *out,
			enum vrrp_drop_reason *why);

/* RFC 1071 Internet checksum of buf (odd lengths padded with a zero byte),
 * ready to store big-endian; over a buffer that holds a valid checksum it
 * yields 0. Exposed for tests and for callers that check IP headers. */
uint16_t vrrp_pkt_inet_checksum(const uint8_t *buf, size_t len);

#endif
