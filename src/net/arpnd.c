/* ARP / Neighbor Discovery codec. Byte order is done by hand (big-endian on
 * the wire) so that this file needs no socket header. */
#include "net/arpnd.h"

#include "util/inet_csum.h"

#include <errno.h>
#include <string.h>

#define ARP_HRD_ETHER	 1
#define ARP_PRO_IP	 0x0800
#define ICMP6_NEXT_HDR	 58
#define ND_TYPE_NS	 135
#define ND_TYPE_NA	 136
#define ND_FIXED_LEN	 24 /* type, code, checksum, flags/reserved, target */
#define ND_OPT_SLLA	 1  /* Source Link-Layer Address */
#define ND_OPT_TLLA	 2  /* Target Link-Layer Address */
#define ND_OPT_LL_LEN	 8  /* type, length (in 8-octet units), MAC */
#define ND_NA_FLAGS_MASK 0xe0

static const uint8_t eth_broadcast[ARPND_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void ipv4_get(const uint8_t *p, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = IP_V4;
	out->plen = 32;
	memcpy(out->bytes, p, 4);
}

static void ipv6_get(const uint8_t *p, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = IP_V6;
	out->plen = 128;
	memcpy(out->bytes, p, 16);
}

static int drop(enum arpnd_drop_reason *why, enum arpnd_drop_reason r)
{
	*why = r;
	return -EBADMSG;
}

static uint8_t *eth_header_put(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
			       uint16_t ethertype)
{
	memcpy(buf, dst, ARPND_ETH_ALEN);
	memcpy(buf + ARPND_ETH_ALEN, src, ARPND_ETH_ALEN);
	put16(buf + 2 * ARPND_ETH_ALEN, ethertype);
	return buf + ARPND_ETH_HLEN;
}

/* ---- ARP (RFC 826) ---- */

static int arp_frame_put(const uint8_t *dst_mac, const uint8_t *mac, const struct ip_addr *spa,
			 const struct ip_addr *tpa, uint8_t *buf, size_t cap)
{
	uint8_t *arp;

	if (spa->family != IP_V4 || tpa->family != IP_V4)
		return -EINVAL;
	if (cap < ARPND_ARP_FRAME_LEN)
		return -ENOSPC;
	memset(buf, 0, ARPND_ARP_FRAME_LEN); /* padding and ar$tha (RFC 5227 2.1.1) */
	arp = eth_header_put(buf, dst_mac, mac, ARPND_ETHERTYPE_ARP);
	put16(arp, ARP_HRD_ETHER);
	put16(arp + 2, ARP_PRO_IP);
	arp[4] = ARPND_ETH_ALEN;
	arp[5] = 4;
	put16(arp + 6, ARPND_ARP_REQUEST);
	memcpy(arp + 8, mac, ARPND_ETH_ALEN);
	memcpy(arp + 14, spa->bytes, 4);
	memcpy(arp + 24, tpa->bytes, 4);
	return ARPND_ARP_FRAME_LEN;
}

int arpnd_garp_build(const uint8_t mac[ARPND_ETH_ALEN], const struct ip_addr *vip, uint8_t *buf,
		     size_t cap)
{
	return arp_frame_put(eth_broadcast, mac, vip, vip, buf, cap);
}

int arpnd_arp_request_build(const uint8_t mac[ARPND_ETH_ALEN], const uint8_t *dst_mac,
			    const struct ip_addr *sender_ip, const struct ip_addr *target_ip,
			    uint8_t *buf, size_t cap)
{
	return arp_frame_put(dst_mac ? dst_mac : eth_broadcast, mac, sender_ip, target_ip, buf,
			     cap);
}

int arpnd_arp_parse_payload(const uint8_t *arp, size_t len, struct arpnd_arp *out,
			    enum arpnd_drop_reason *why)
{
	uint16_t op;

	*why = ARPND_DROP_NONE;
	if (len < ARPND_ARP_LEN)
		return drop(why, ARPND_DROP_TOO_SHORT);
	if (get16(arp) != ARP_HRD_ETHER)
		return drop(why, ARPND_DROP_BAD_HW_TYPE);
	if (get16(arp + 2) != ARP_PRO_IP)
		return drop(why, ARPND_DROP_BAD_PROTO_TYPE);
	if (arp[4] != ARPND_ETH_ALEN || arp[5] != 4)
		return drop(why, ARPND_DROP_BAD_ADDR_LEN);
	op = get16(arp + 6);
	if (op != ARPND_ARP_REQUEST && op != ARPND_ARP_REPLY)
		return drop(why, ARPND_DROP_BAD_OP);
	memset(out, 0, sizeof(*out));
	out->op = op;
	memcpy(out->sha, arp + 8, ARPND_ETH_ALEN);
	ipv4_get(arp + 14, &out->spa);
	memcpy(out->tha, arp + 18, ARPND_ETH_ALEN);
	ipv4_get(arp + 24, &out->tpa);
	return 0;
}

int arpnd_arp_parse(const uint8_t *frame, size_t len, struct arpnd_arp *out,
		    enum arpnd_drop_reason *why)
{
	int err;

	*why = ARPND_DROP_NONE;
	if (len < ARPND_ETH_HLEN)
		return drop(why, ARPND_DROP_TOO_SHORT);
	if (get16(frame + 2 * ARPND_ETH_ALEN) != ARPND_ETHERTYPE_ARP)
		return drop(why, ARPND_DROP_BAD_ETHERTYPE);
	err = arpnd_arp_parse_payload(frame + ARPND_ETH_HLEN, len - ARPND_ETH_HLEN, out, why);
	if (err)
		return err;
	memcpy(out->eth_src, frame + ARPND_ETH_ALEN, ARPND_ETH_ALEN);
	return 0;
}

/* ---- Neighbor Discovery (RFC 4861) ---- */

static void nd_ll_option_put(uint8_t *opt, uint8_t type, const uint8_t *mac)
{
	opt[0] = type;
	opt[1] = 1; /* in units of 8 octets */
	memcpy(opt + 2, mac, ARPND_ETH_ALEN);
}

/* Type, code 0, checksum 0, flags/reserved word, target: the part NS and NA
 * share (RFC 4861 4.3, 4.4). */
static int nd_fixed_put(uint8_t type, uint8_t flags, const struct ip_addr *target, uint8_t *buf,
			size_t cap, size_t len)
{
	if (target->family != IP_V6 || ip_is_multicast(target))
		return -EINVAL;
	if (cap < len)
		return -ENOSPC;
	memset(buf, 0, len);
	buf[0] = type;
	buf[4] = flags;
	memcpy(buf + 8, target->bytes, 16);
	return 0;
}

int arpnd_na_build(const uint8_t mac[ARPND_ETH_ALEN], const struct ip_addr *target, uint8_t flags,
		   uint8_t *buf, size_t cap)
{
	int err;

	if (flags & ~ND_NA_FLAGS_MASK)
		return -EINVAL;
	err = nd_fixed_put(ND_TYPE_NA, flags, target, buf, cap, ARPND_ND_LEN);
	if (err)
		return err;
	nd_ll_option_put(buf + ND_FIXED_LEN, ND_OPT_TLLA, mac);
	return ARPND_ND_LEN;
}

int arpnd_ns_build(const uint8_t *mac, const struct ip_addr *target, uint8_t *buf, size_t cap)
{
	size_t len = mac ? ARPND_ND_LEN : ND_FIXED_LEN;
	int err = nd_fixed_put(ND_TYPE_NS, 0, target, buf, cap, len);

	if (err)
		return err;
	if (mac)
		nd_ll_option_put(buf + ND_FIXED_LEN, ND_OPT_SLLA, mac);
	return (int)len;
}

/* Walks the options after the fixed part; RFC 4861 4.6: a zero length
 * invalidates the whole message, unknown types are skipped. */
static int na_options_parse(const uint8_t *opt, size_t left, struct arpnd_na *out,
			    enum arpnd_drop_reason *why)
{
	while (left > 0) {
		size_t olen;

		if (left < 2 || opt[1] == 0)
			return drop(why, ARPND_DROP_BAD_OPTION);
		olen = (size_t)opt[1] * 8;
		if (olen > left)
			return drop(why, ARPND_DROP_BAD_OPTION);
		/* a TLLA for Ethernet is exactly one unit; keep the first */
		if (opt[0] == ND_OPT_TLLA && olen == ND_OPT_LL_LEN && !out->has_tlla) {
			out->has_tlla = true;
			memcpy(out->tlla, opt + 2, ARPND_ETH_ALEN);
		}
		opt += olen;
		left -= olen;
	}
	return 0;
}

int arpnd_na_parse(const uint8_t *icmp6, size_t len, struct arpnd_na *out,
		   enum arpnd_drop_reason *why)
{
	*why = ARPND_DROP_NONE;
	if (len < 1)
		return drop(why, ARPND_DROP_TOO_SHORT);
	if (icmp6[0] != ND_TYPE_NA)
		return drop(why, ARPND_DROP_BAD_ICMP_TYPE);
	if (len < ND_FIXED_LEN)
		return drop(why, ARPND_DROP_TOO_SHORT);
	if (icmp6[1] != 0)
		return drop(why, ARPND_DROP_BAD_ICMP_CODE);
	memset(out, 0, sizeof(*out));
	ipv6_get(icmp6 + 8, &out->target);
	if (ip_is_multicast(&out->target))
		return drop(why, ARPND_DROP_BAD_TARGET);
	out->router = icmp6[4] & ARPND_NA_ROUTER;
	out->solicited = icmp6[4] & ARPND_NA_SOLICITED;
	out->override = icmp6[4] & ARPND_NA_OVERRIDE;
	return na_options_parse(icmp6 + ND_FIXED_LEN, len - ND_FIXED_LEN, out, why);
}

/* ---- IPv6 helpers ---- */

void arpnd_solicited_node(const struct ip_addr *addr, struct ip_addr *out)
{
	static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};

	memset(out, 0, sizeof(*out));
	out->family = IP_V6;
	out->plen = 128;
	memcpy(out->bytes, prefix, sizeof(prefix));
	memcpy(out->bytes + 13, addr->bytes + 13, 3);
}

void arpnd_ip6_mcast_mac(const struct ip_addr *group, uint8_t mac[ARPND_ETH_ALEN])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->bytes + 12, 4);
}

uint16_t arpnd_icmp6_checksum(const struct ip_addr *src, const struct ip_addr *dst,
			      const uint8_t *msg, size_t len)
{
	uint32_t sum = inet_csum_pseudo(src, dst, len, ICMP6_NEXT_HDR);

	return inet_csum_fold(inet_csum_add(sum, msg, len));
}

static void ip6_header_put(uint8_t *h, size_t payload_len, const struct ip_addr *src,
			   const struct ip_addr *dst)
{
	memset(h, 0, ARPND_IP6_HLEN);
	h[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
	put16(h + 4, (uint16_t)payload_len);
	h[6] = ICMP6_NEXT_HDR;
	h[7] = ARPND_ND_HOP_LIMIT;
	memcpy(h + 8, src->bytes, 16);
	memcpy(h + 24, dst->bytes, 16);
}

int arpnd_ip6_frame_build(const uint8_t src_mac[ARPND_ETH_ALEN], const uint8_t *dst_mac,
			  const struct ip_addr *src, const struct ip_addr *dst,
			  const uint8_t *icmp6, size_t len, uint8_t *buf, size_t cap)
{
	uint8_t mcast_mac[ARPND_ETH_ALEN];
	uint8_t *ip6, *msg;
	size_t total = ARPND_ETH_HLEN + ARPND_IP6_HLEN + len;

	if (src->family != IP_V6 || dst->family != IP_V6 || len < 4 || len > 0xffff)
		return -EINVAL;
	if (!dst_mac) {
		if (!ip_is_multicast(dst))
			return -EINVAL;
		arpnd_ip6_mcast_mac(dst, mcast_mac);
		dst_mac = mcast_mac;
	}
	if (cap < total)
		return -ENOSPC;
	/* first, so that icmp6 may live anywhere in buf, in place included */
	msg = buf + ARPND_ETH_HLEN + ARPND_IP6_HLEN;
	memmove(msg, icmp6, len);
	ip6 = eth_header_put(buf, dst_mac, src_mac, ARPND_ETHERTYPE_IP6);
	ip6_header_put(ip6, len, src, dst);
	put16(msg + 2, 0);
	put16(msg + 2, arpnd_icmp6_checksum(src, dst, msg, len));
	return (int)total;
}

const char *arpnd_drop_reason_name(enum arpnd_drop_reason r)
{
	static const char *const names[ARPND_DROP__COUNT] = {
	    [ARPND_DROP_NONE] = "none",
	    [ARPND_DROP_TOO_SHORT] = "too_short",
	    [ARPND_DROP_BAD_ETHERTYPE] = "bad_ethertype",
	    [ARPND_DROP_BAD_HW_TYPE] = "bad_hw_type",
	    [ARPND_DROP_BAD_PROTO_TYPE] = "bad_proto_type",
	    [ARPND_DROP_BAD_ADDR_LEN] = "bad_addr_len",
	    [ARPND_DROP_BAD_OP] = "bad_op",
	    [ARPND_DROP_BAD_ICMP_TYPE] = "bad_icmp_type",
	    [ARPND_DROP_BAD_ICMP_CODE] = "bad_icmp_code",
	    [ARPND_DROP_BAD_TARGET] = "bad_target",
	    [ARPND_DROP_BAD_OPTION] = "bad_option",
	    [ARPND_DROP_BAD_HOP_LIMIT] = "bad_hop_limit",
	};

	if ((unsigned)r >= ARPND_DROP__COUNT || !names[r])
		return "unknown";
	return names[r];
}
