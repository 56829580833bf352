/* VRRP advertisement codec. Byte order is done by hand (big-endian on the
 * wire) so that this file needs no socket header. */
#include "vrrp/packet.h"

#include "util/inet_csum.h"

#include <errno.h>
#include <string.h>

/* Offsets in the fixed header (RFC 3768 5.1, RFC 5798 5.1). */
#define OFF_VER_TYPE 0
#define OFF_VRID     1
#define OFF_PRIO     2
#define OFF_COUNT    3
#define OFF_AUTH     4 /* v2 "Auth Type"; v3: high nibble of "rsvd" */
#define OFF_ADVER    5 /* v2 "Adver Int"; v3: "Max Adver Int" is 4..5, low 12 bits */
#define OFF_CSUM     6

/* IPv4 header (RFC 791) */
#define IP4_TOS_NETCONTROL 0xc0 /* precedence 6: queued as control traffic */
#define IP4_FLAG_DF	   0x4000
#define IP4_FLAG_MF	   0x2000
#define IP4_FRAG_OFFSET	   0x1fff

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint16_t vrrp_pkt_inet_checksum(const uint8_t *buf, size_t len)
{
	return inet_csum_fold(inet_csum_add(0, buf, len));
}

static uint16_t vrrp_csum(const uint8_t *msg, size_t len, uint8_t version,
			  const struct ip_addr *src, const struct ip_addr *dst)
{
	/* RFC 5798 5.2.8: v3 sums the pseudo-header in front of the message */
	uint32_t sum = version == 3 ? inet_csum_pseudo(src, dst, len, VRRP_PKT_PROTO) : 0;

	return inet_csum_fold(inet_csum_add(sum, msg, len));
}

static size_t addr_len(uint8_t family)
{
	return family == IP_V4 ? 4 : 16;
}

static size_t wire_len(uint8_t version, uint8_t family, unsigned n_addrs)
{
	size_t len = VRRP_PKT_HDR_LEN + n_addrs * addr_len(family);

	return version == 2 ? len + VRRP_PKT_V2_AUTH_LEN : len;
}

size_t vrrp_pkt_len(const struct vrrp_pkt *p)
{
	return wire_len(p->version, p->family, p->n_addrs);
}

static int check_endpoints(uint8_t family, const struct ip_addr *src, const struct ip_addr *dst)
{
	if (!src || !dst || src->family != family || dst->family != family)
		return -EINVAL;
	return 0;
}

/* Refuses anything vrrp_pkt_parse would drop, so that a built packet always
 * parses back to the same struct. */
static int check_fields(const struct vrrp_pkt *p, const struct ip_addr *src,
			const struct ip_addr *dst)
{
	unsigned i;

	if (p->family != IP_V4 && p->family != IP_V6)
		return -EINVAL;
	if (p->type != VRRP_PKT_TYPE_ADVERT || p->vrid == 0)
		return -EINVAL;
	for (i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].family != p->family)
			return -EINVAL;
	if (p->version == 2) {
		if (p->family != IP_V4)
			return -EAFNOSUPPORT;
		if (p->auth_type != 0 || p->adver_int_s == 0)
			return -EINVAL;
		return 0;
	}
	if (p->version != 3)
		return -EINVAL;
	if (p->max_adver_int_cs == 0 || p->max_adver_int_cs > VRRP_PKT_V3_MAX_INT_CS)
		return -EINVAL;
	return check_endpoints(p->family, src, dst);
}

int vrrp_pkt_build(const struct vrrp_pkt *p, const struct ip_addr *src, const struct ip_addr *dst,
		   uint8_t *buf, size_t cap)
{
	size_t alen = addr_len(p->family), len, i;
	uint8_t *a;
	int err = check_fields(p, src, dst);

	if (err)
		return err;
	len = vrrp_pkt_len(p);
	if (cap < len)
		return -ENOSPC;
	memset(buf, 0, len); /* v3 rsvd bits, v2 authentication data, checksum */
	buf[OFF_VER_TYPE] = (uint8_t)(p->version << 4 | p->type);
	buf[OFF_VRID] = p->vrid;
	buf[OFF_PRIO] = p->priority;
	buf[OFF_COUNT] = p->n_addrs;
	if (p->version == 2) {
		buf[OFF_AUTH] = p->auth_type;
		buf[OFF_ADVER] = p->adver_int_s;
	} else {
		put16(buf + OFF_AUTH, p->max_adver_int_cs);
	}
	a = buf + VRRP_PKT_HDR_LEN;
	for (i = 0; i < p->n_addrs; i++, a += alen)
		memcpy(a, p->addrs[i].bytes, alen);
	put16(buf + OFF_CSUM, vrrp_csum(buf, len, p->version, src, dst));
	return (int)len;
}

static void ipv4_header_put(uint8_t *h, size_t total, const struct ip_addr *src,
			    const struct ip_addr *dst)
{
	h[0] = 0x45; /* version 4, IHL 5 words */
	h[1] = IP4_TOS_NETCONTROL;
	put16(h + 2, (uint16_t)total);
	put16(h + 4, 0); /* identification: Linux fills it in for IP_HDRINCL */
	put16(h + 6, IP4_FLAG_DF);
	h[8] = VRRP_PKT_TTL;
	h[9] = VRRP_PKT_PROTO;
	put16(h + 10, 0);
	memcpy(h + 12, src->bytes, 4);
	memcpy(h + 16, dst->bytes, 4);
	put16(h + 10, vrrp_pkt_inet_checksum(h, VRRP_PKT_IPV4_HDR_LEN));
}

int vrrp_pkt_build_ipv4(const struct vrrp_pkt *p, const struct ip_addr *src,
			const struct ip_addr *dst, uint8_t *buf, size_t cap)
{
	int n;

	if (p->family != IP_V4 || check_endpoints(IP_V4, src, dst))
		return -EINVAL;
	if (cap < VRRP_PKT_IPV4_HDR_LEN)
		return -ENOSPC;
	n = vrrp_pkt_build(p, src, dst, buf + VRRP_PKT_IPV4_HDR_LEN, cap - VRRP_PKT_IPV4_HDR_LEN);
	if (n < 0)
		return n;
	ipv4_header_put(buf, VRRP_PKT_IPV4_HDR_LEN + (size_t)n, src, dst);
	return VRRP_PKT_IPV4_HDR_LEN + n;
}

static int drop(enum vrrp_drop_reason *why, enum vrrp_drop_reason r)
{
	*why = r;
	return -EBADMSG;
}

/* Checks in the order of RFC 5798 7.1 / RFC 3768 7.1 (version, then
 * checksum, then fields), so that a corrupted packet is counted as
 * bad_checksum rather than as whatever its damaged fields look like. */
static int parse_fixed(const uint8_t *buf, size_t len, enum ip_family fam,
		       const struct ip_addr *src, const struct ip_addr *dst,
		       enum vrrp_drop_reason *why)
{
	uint8_t version = buf[OFF_VER_TYPE] >> 4;

	if (version != 2 && version != 3)
		return drop(why, VRRP_DROP_BAD_VERSION);
	if (version == 2 && fam != IP_V4)
		return drop(why, VRRP_DROP_UNSUPPORTED_FAMILY);
	if ((buf[OFF_VER_TYPE] & 0x0f) != VRRP_PKT_TYPE_ADVERT)
		return drop(why, VRRP_DROP_BAD_TYPE);
	if (len != wire_len(version, (uint8_t)fam, buf[OFF_COUNT]))
		return drop(why, VRRP_DROP_ADDR_COUNT_MISMATCH);
	if (version == 3 && check_endpoints((uint8_t)fam, src, dst))
		return -EINVAL;
	if (vrrp_csum(buf, len, version, src, dst) != 0)
		return drop(why, VRRP_DROP_BAD_CHECKSUM);
	if (version == 2 && buf[OFF_AUTH] != 0)
		return drop(why, VRRP_DROP_BAD_AUTH_TYPE);
	if (buf[OFF_VRID] == 0)
		return drop(why, VRRP_DROP_ZERO_VRID);
	/* v3: the 4 "rsvd" bits are ignored on reception (RFC 5798 5.2.6) */
	if ((version == 2 ? buf[OFF_ADVER] : get16(buf + OFF_AUTH) & 0x0fff) == 0)
		return drop(why, VRRP_DROP_ZERO_INTERVAL);
	return 0;
}

int vrrp_pkt_parse(const uint8_t *buf, size_t len, enum ip_family fam, const struct ip_addr *src,
		   const struct ip_addr *dst, struct vrrp_pkt *out, enum vrrp_drop_reason *why)
{
	size_t alen = addr_len((uint8_t)fam), i;
	const uint8_t *a;
	int err;

	*why = VRRP_DROP_NONE;
	if (fam != IP_V4 && fam != IP_V6)
		return -EINVAL;
	if (len < VRRP_PKT_HDR_LEN)
		return drop(why, VRRP_DROP_TOO_SHORT);
	err = parse_fixed(buf, len, fam, src, dst, why);
	if (err)
		return err;
	memset(out, 0, offsetof(struct vrrp_pkt, addrs));
	out->version = buf[OFF_VER_TYPE] >> 4;
	out->type = buf[OFF_VER_TYPE] & 0x0f;
	out->vrid = buf[OFF_VRID];
	out->priority = buf[OFF_PRIO];
	out->family = (uint8_t)fam;
	out->n_addrs = buf[OFF_COUNT];
	if (out->version == 2)
		out->adver_int_s = buf[OFF_ADVER];
	else
		out->max_adver_int_cs = get16(buf + OFF_AUTH) & 0x0fff;
	a = buf + VRRP_PKT_HDR_LEN;
	for (i = 0; i < out->n_addrs; i++, a += alen) {
		memset(&out->addrs[i], 0, sizeof(out->addrs[i]));
		out->addrs[i].family = (uint8_t)fam;
		out->addrs[i].plen = (uint8_t)(alen * 8);
		memcpy(out->addrs[i].bytes, a, alen);
	}
	return 0;
}

static void ipv4_addr_get(const uint8_t *p, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = IP_V4;
	out->plen = 32;
	memcpy(out->bytes, p, 4);
}

int vrrp_pkt_parse_ipv4(const uint8_t *ip_pkt, size_t len, struct ip_addr *src_out,
			struct ip_addr *dst_out, uint8_t *ttl_out, struct vrrp_pkt *out,
			enum vrrp_drop_reason *why)
{
	size_t ihl, total;

	*why = VRRP_DROP_NONE;
	if (len < VRRP_PKT_IPV4_HDR_LEN)
		return drop(why, VRRP_DROP_TOO_SHORT);
	ihl = (size_t)(ip_pkt[0] & 0x0f) * 4;
	total = get16(ip_pkt + 2);
	if (ip_pkt[0] >> 4 != 4 || ihl < VRRP_PKT_IPV4_HDR_LEN || total < ihl || total > len)
		return drop(why, VRRP_DROP_BAD_IP_HEADER);
	/* the kernel hands raw sockets reassembled datagrams only */
	if (get16(ip_pkt + 6) & (IP4_FLAG_MF | IP4_FRAG_OFFSET))
		return drop(why, VRRP_DROP_BAD_IP_HEADER);
	if (ip_pkt[9] != VRRP_PKT_PROTO)
		return drop(why, VRRP_DROP_BAD_IP_PROTOCOL);
	ipv4_addr_get(ip_pkt + 12, src_out);
	ipv4_addr_get(ip_pkt + 16, dst_out);
	*ttl_out = ip_pkt[8];
	return vrrp_pkt_parse(ip_pkt + ihl, total - ihl, IP_V4, src_out, dst_out, out, why);
}

const char *vrrp_drop_reason_name(enum vrrp_drop_reason r)
{
	static const char *const names[VRRP_DROP__COUNT] = {
	    [VRRP_DROP_NONE] = "none",
	    [VRRP_DROP_TOO_SHORT] = "too_short",
	    [VRRP_DROP_BAD_IP_HEADER] = "bad_ip_header",
	    [VRRP_DROP_BAD_IP_PROTOCOL] = "bad_ip_protocol",
	    [VRRP_DROP_BAD_VERSION] = "bad_version",
	    [VRRP_DROP_BAD_TYPE] = "bad_type",
	    [VRRP_DROP_UNSUPPORTED_FAMILY] = "unsupported_family",
	    [VRRP_DROP_ADDR_COUNT_MISMATCH] = "addr_count_mismatch",
	    [VRRP_DROP_BAD_CHECKSUM] = "bad_checksum",
	    [VRRP_DROP_BAD_AUTH_TYPE] = "bad_auth_type",
	    [VRRP_DROP_ZERO_VRID] = "zero_vrid",
	    [VRRP_DROP_ZERO_INTERVAL] = "zero_interval",
	    [VRRP_DROP_BAD_TTL] = "bad_ttl",
	    [VRRP_DROP_UNKNOWN_VRID] = "unknown_vrid",
	    [VRRP_DROP_VERSION_MISMATCH] = "version_mismatch",
	    [VRRP_DROP_INTERVAL_MISMATCH] = "interval_mismatch",
	    [VRRP_DROP_UNKNOWN_PEER] = "unknown_peer",
	    [VRRP_DROP_INTERVAL_OUT_OF_BOUNDS] = "interval_out_of_bounds",
	    [VRRP_DROP_OWNER_PRIORITY] = "owner_priority",
	    [VRRP_DROP_VIP_SET_MISMATCH] = "vip_set_mismatch",
	};

	if ((unsigned)r >= VRRP_DROP__COUNT || !names[r])
		return "unknown";
	return names[r];
}
