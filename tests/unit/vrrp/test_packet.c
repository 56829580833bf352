/* VRRP codec: byte-exact packets worked out by hand from RFC 5798 / 3768,
 * round trips, and one crafted buffer per drop reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "vrrp/packet.h"

static struct ip_addr ip(const char *text)
{
	struct ip_addr a;
	const char *why;

	assert_int_equal(ip_parse(text, false, &a, &why), 0);
	return a;
}

static void pkt_init(struct vrrp_pkt *p, uint8_t version, enum ip_family fam, uint8_t vrid,
		     uint8_t prio)
{
	memset(p, 0, sizeof(*p));
	p->version = version;
	p->type = VRRP_PKT_TYPE_ADVERT;
	p->vrid = vrid;
	p->priority = prio;
	p->family = (uint8_t)fam;
	if (version == 2)
		p->adver_int_s = 1;
	else
		p->max_adver_int_cs = 100;
}

static void pkt_add(struct vrrp_pkt *p, const char *addr)
{
	p->addrs[p->n_addrs++] = ip(addr);
}

/* Writes the checksum of a crafted message the long way, independently of
 * the codec's own summing: v3's pseudo-header (RFC 768 layout for IPv4,
 * RFC 8200 8.1 for IPv6) and the message laid out in one buffer, then the
 * RFC 1071 sum over it. v2 sums the message alone. */
static void fix_csum(uint8_t *msg, size_t len, const struct ip_addr *src, const struct ip_addr *dst)
{
	uint8_t tmp[40 + VRRP_PKT_MAX_LEN + VRRP_PKT_V2_AUTH_LEN] = {0};
	size_t alen = ip_len(src), ph = 0;
	uint16_t c;

	msg[6] = msg[7] = 0;
	if (msg[0] >> 4 == 3) {
		memcpy(tmp, src->bytes, alen);
		memcpy(tmp + alen, dst->bytes, alen);
		ph = 2 * alen;
		if (alen == 4) { /* zero, protocol, 16-bit length */
			tmp[ph + 1] = VRRP_PKT_PROTO;
			tmp[ph + 2] = (uint8_t)(len >> 8);
			tmp[ph + 3] = (uint8_t)len;
			ph += 4;
		} else { /* 32-bit length, 3 zero bytes, next header */
			tmp[ph + 2] = (uint8_t)(len >> 8);
			tmp[ph + 3] = (uint8_t)len;
			tmp[ph + 7] = VRRP_PKT_PROTO;
			ph += 8;
		}
	}
	memcpy(tmp + ph, msg, len);
	c = vrrp_pkt_inet_checksum(tmp, ph + len);
	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

/* ---- byte-exact builds ---- */

/* v3, 192.0.2.1 -> 224.0.0.18, VRID 51, priority 200, 1 s, VIP 192.0.2.10.
 * Checksum: pseudo-header c000+0201+e000+0012+0070+000c = 1a28f, message
 * 3133+c801+0064+0000+c000+020a, total 35e31, folded 5e34, inverted a1cb. */
static const uint8_t v3_ipv4[] = {
    0x31, 0x33, 0xc8, 0x01, 0x00, 0x64, 0xa1, 0xcb, 0xc0, 0x00, 0x02, 0x0a,
};

/* The same behind its IPv4 header: 45c0+0020+0000+4000+ff70+c000+0201+
 * e000+0012 = 32763, folded 2766, inverted d899. */
static const uint8_t v3_ipv4_ip[] = {
    0x45, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0xff, 0x70, 0xd8, 0x99, 0xc0, 0x00, 0x02, 0x01,
    0xe0, 0x00, 0x00, 0x12, 0x31, 0x33, 0xc8, 0x01, 0x00, 0x64, 0xa1, 0xcb, 0xc0, 0x00, 0x02, 0x0a,
};

/* v3, fe80::1 -> ff02::12, VRID 1, priority 100, 1 s, VIP 2001:db8::10.
 * Pseudo-header fe80+0001+ff02+0012+(0000+0018)+(0000+0070), message
 * 3101+6401+0064+2001+0db8+0010: 2c14c, folded c14e, inverted 3eb1. */
static const uint8_t v3_ipv6[] = {
    0x31, 0x01, 0x64, 0x01, 0x00, 0x64, 0x3e, 0xb1, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* v2, VRID 51, priority 100, auth 0, 1 s, VIP 192.0.2.10, 8 zero bytes of
 * authentication data; no pseudo-header: 2133+6401+0001+c000+020a = 1473f,
 * folded 4740, inverted b8bf. */
static const uint8_t v2_ipv4[] = {
    0x21, 0x33, 0x64, 0x01, 0x00, 0x01, 0xb8, 0xbf, 0xc0, 0x00,
    0x02, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_build_v3_ipv4(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), dst = ip("224.0.0.18");
	struct vrrp_pkt p;
	uint8_t buf[64];

	(void)state;
	pkt_init(&p, 3, IP_V4, 51, 200);
	pkt_add(&p, "192.0.2.10");
	assert_int_equal(vrrp_pkt_len(&p), sizeof(v3_ipv4));
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), sizeof(v3_ipv4));
	assert_memory_equal(buf, v3_ipv4, sizeof(v3_ipv4));
	assert_int_equal(vrrp_pkt_build_ipv4(&p, &src, &dst, buf, sizeof(buf)), sizeof(v3_ipv4_ip));
	assert_memory_equal(buf, v3_ipv4_ip, sizeof(v3_ipv4_ip));
	assert_int_equal(vrrp_pkt_inet_checksum(buf, VRRP_PKT_IPV4_HDR_LEN), 0);
}

static void test_build_v3_ipv6(void **state)
{
	struct ip_addr src = ip("fe80::1"), dst = ip("ff02::12");
	struct vrrp_pkt p;
	uint8_t buf[64];

	(void)state;
	pkt_init(&p, 3, IP_V6, 1, 100);
	pkt_add(&p, "2001:db8::10");
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), sizeof(v3_ipv6));
	assert_memory_equal(buf, v3_ipv6, sizeof(v3_ipv6));
}

static void test_build_v2_ipv4(void **state)
{
	struct vrrp_pkt p;
	uint8_t buf[64];

	(void)state;
	pkt_init(&p, 2, IP_V4, 51, 100);
	pkt_add(&p, "192.0.2.10");
	memset(buf, 0xaa, sizeof(buf)); /* authentication data must come out zero */
	assert_int_equal(vrrp_pkt_build(&p, NULL, NULL, buf, sizeof(buf)), sizeof(v2_ipv4));
	assert_memory_equal(buf, v2_ipv4, sizeof(v2_ipv4));
}

/* ---- parsing the same bytes ---- */

static void test_parse_v3_ipv4(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), dst = ip("224.0.0.18"), s, d, vip = ip("192.0.2.10");
	enum vrrp_drop_reason why;
	struct vrrp_pkt p;
	uint8_t ttl = 0;

	(void)state;
	assert_int_equal(vrrp_pkt_parse(v3_ipv4, sizeof(v3_ipv4), IP_V4, &src, &dst, &p, &why), 0);
	assert_int_equal(why, VRRP_DROP_NONE);
	assert_int_equal(p.version, 3);
	assert_int_equal(p.type, VRRP_PKT_TYPE_ADVERT);
	assert_int_equal(p.vrid, 51);
	assert_int_equal(p.priority, 200);
	assert_int_equal(p.max_adver_int_cs, 100);
	assert_int_equal(p.adver_int_s, 0);
	assert_int_equal(p.family, IP_V4);
	assert_int_equal(p.n_addrs, 1);
	assert_true(ip_equal(&p.addrs[0], &vip));
	assert_int_equal(p.addrs[0].plen, 32);

	assert_int_equal(
	    vrrp_pkt_parse_ipv4(v3_ipv4_ip, sizeof(v3_ipv4_ip), &s, &d, &ttl, &p, &why), 0);
	assert_true(ip_equal(&s, &src));
	assert_true(ip_equal(&d, &dst));
	assert_int_equal(ttl, 255);
	assert_int_equal(p.vrid, 51);
}

static void test_parse_v3_ipv6(void **state)
{
	struct ip_addr src = ip("fe80::1"), dst = ip("ff02::12"), vip = ip("2001:db8::10");
	enum vrrp_drop_reason why;
	struct vrrp_pkt p;

	(void)state;
	assert_int_equal(vrrp_pkt_parse(v3_ipv6, sizeof(v3_ipv6), IP_V6, &src, &dst, &p, &why), 0);
	assert_int_equal(p.vrid, 1);
	assert_int_equal(p.priority, 100);
	assert_int_equal(p.family, IP_V6);
	assert_true(ip_equal(&p.addrs[0], &vip));
	assert_int_equal(p.addrs[0].plen, 128);
}

static void test_parse_v2_ipv4(void **state)
{
	struct ip_addr vip = ip("192.0.2.10");
	enum vrrp_drop_reason why;
	struct vrrp_pkt p;
	uint8_t buf[sizeof(v2_ipv4)];

	(void)state;
	/* v2 has no pseudo-header: the addresses are not needed */
	assert_int_equal(vrrp_pkt_parse(v2_ipv4, sizeof(v2_ipv4), IP_V4, NULL, NULL, &p, &why), 0);
	assert_int_equal(p.version, 2);
	assert_int_equal(p.adver_int_s, 1);
	assert_int_equal(p.max_adver_int_cs, 0);
	assert_int_equal(p.auth_type, 0);
	assert_true(ip_equal(&p.addrs[0], &vip));

	/* RFC 3768 5.3.10: authentication data is ignored on reception */
	memcpy(buf, v2_ipv4, sizeof(buf));
	memset(buf + 12, 0x5a, 8);
	fix_csum(buf, sizeof(buf), &vip, &vip);
	assert_int_equal(vrrp_pkt_parse(buf, sizeof(buf), IP_V4, NULL, NULL, &p, &why), 0);
}

/* RFC 5798 5.2.6: reserved bits are ignored on reception. */
static void test_parse_v3_rsvd_ignored(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), dst = ip("224.0.0.18");
	enum vrrp_drop_reason why;
	struct vrrp_pkt p;
	uint8_t buf[sizeof(v3_ipv4)];

	(void)state;
	memcpy(buf, v3_ipv4, sizeof(buf));
	buf[4] |= 0xf0;
	fix_csum(buf, sizeof(buf), &src, &dst);
	assert_int_equal(vrrp_pkt_parse(buf, sizeof(buf), IP_V4, &src, &dst, &p, &why), 0);
	assert_int_equal(p.max_adver_int_cs, 100);
}

/* ---- round trips and limits ---- */

static void roundtrip(const struct vrrp_pkt *p, const char *src_s, const char *dst_s)
{
	struct ip_addr src = ip(src_s), dst = ip(dst_s);
	static uint8_t buf[VRRP_PKT_MAX_LEN + VRRP_PKT_V2_AUTH_LEN];
	static struct vrrp_pkt q;
	enum vrrp_drop_reason why;
	int n = vrrp_pkt_build(p, &src, &dst, buf, sizeof(buf));

	assert_int_equal(n, vrrp_pkt_len(p));
	assert_int_equal(vrrp_pkt_parse(buf, (size_t)n, p->family, &src, &dst, &q, &why), 0);
	assert_int_equal(q.version, p->version);
	assert_int_equal(q.vrid, p->vrid);
	assert_int_equal(q.priority, p->priority);
	assert_int_equal(q.n_addrs, p->n_addrs);
	if (p->version == 2)
		assert_int_equal(q.adver_int_s, p->adver_int_s);
	else
		assert_int_equal(q.max_adver_int_cs, p->max_adver_int_cs);
	for (unsigned i = 0; i < p->n_addrs; i++)
		assert_true(ip_equal(&q.addrs[i], &p->addrs[i]));
}

static void test_roundtrip(void **state)
{
	static struct vrrp_pkt p;

	(void)state;
	pkt_init(&p, 3, IP_V4, 255, 0);
	p.max_adver_int_cs = VRRP_PKT_V3_MAX_INT_CS;
	pkt_add(&p, "198.51.100.10");
	pkt_add(&p, "198.51.100.20");
	roundtrip(&p, "198.51.100.2", "198.51.100.3");

	pkt_init(&p, 3, IP_V6, 7, 255);
	p.max_adver_int_cs = 1;
	pkt_add(&p, "2001:db8:100::10");
	pkt_add(&p, "fe80::10");
	roundtrip(&p, "2001:db8:100::2", "2001:db8:100::3");

	pkt_init(&p, 2, IP_V4, 1, 1);
	p.adver_int_s = 255;
	pkt_add(&p, "192.0.2.100");
	roundtrip(&p, "192.0.2.11", "224.0.0.18");
}

/* RFC 5798 asks for at least one address; the codec carries 0 as well so that
 * an instance with no VIPs left still advertises. */
static void test_zero_addrs(void **state)
{
	static struct vrrp_pkt p;
	uint8_t buf[32];
	struct ip_addr src = ip("192.0.2.1"), dst = ip("192.0.2.2");

	(void)state;
	pkt_init(&p, 3, IP_V4, 9, 100);
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), 8);
	roundtrip(&p, "192.0.2.1", "192.0.2.2");
	pkt_init(&p, 3, IP_V6, 9, 100);
	roundtrip(&p, "fe80::1", "ff02::12");
	pkt_init(&p, 2, IP_V4, 9, 100);
	assert_int_equal(vrrp_pkt_build(&p, NULL, NULL, buf, sizeof(buf)), 16);
	roundtrip(&p, "192.0.2.1", "224.0.0.18");
}

static void fill_255(struct vrrp_pkt *p)
{
	for (unsigned i = 0; i < VRRP_PKT_MAX_ADDRS; i++) {
		struct ip_addr *a = &p->addrs[i];

		*a = ip(p->family == IP_V4 ? "203.0.113.0" : "2001:db8::");
		a->bytes[ip_len(a) - 1] = (uint8_t)i;
	}
	p->n_addrs = VRRP_PKT_MAX_ADDRS;
}

static void test_255_addrs(void **state)
{
	static struct vrrp_pkt p;

	(void)state;
	pkt_init(&p, 3, IP_V6, 200, 100);
	fill_255(&p);
	assert_int_equal(vrrp_pkt_len(&p), VRRP_PKT_MAX_LEN);
	assert_int_equal(VRRP_PKT_MAX_LEN, 4088);
	roundtrip(&p, "fe80::1", "ff02::12");
	pkt_init(&p, 3, IP_V4, 200, 100);
	fill_255(&p);
	assert_int_equal(vrrp_pkt_len(&p), 8 + 255 * 4);
	roundtrip(&p, "192.0.2.1", "192.0.2.2");
	pkt_init(&p, 2, IP_V4, 200, 100);
	fill_255(&p);
	assert_int_equal(vrrp_pkt_len(&p), 8 + 255 * 4 + 8);
	roundtrip(&p, "192.0.2.1", "192.0.2.2");
}

/* RFC 1071 4.1's example words 0001 f203 f4f5 f6f7 sum to ddf2, checksum
 * 220d; one more byte 08 counts as the word 0800: e5f2, checksum 1a0d. */
static void test_checksum_odd_length(void **state)
{
	uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x08, 0x00};

	(void)state;
	assert_int_equal(vrrp_pkt_inet_checksum(b, 8), 0x220d);
	assert_int_equal(vrrp_pkt_inet_checksum(b, 9), 0x1a0d);
	/* the padding byte must not be read: an even buffer with the same
	 * trailing zero gives the same sum */
	assert_int_equal(vrrp_pkt_inet_checksum(b, 10), 0x1a0d);
	b[9] = 0xff;
	assert_int_equal(vrrp_pkt_inet_checksum(b, 9), 0x1a0d);
	assert_int_equal(vrrp_pkt_inet_checksum(b, 0), 0xffff);
}

/* ---- build refuses what parse would drop ---- */

static void test_build_errors(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), dst = ip("192.0.2.2"), s6 = ip("fe80::1");
	static struct vrrp_pkt p;
	uint8_t buf[64];

	(void)state;
	pkt_init(&p, 3, IP_V4, 0, 100);
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), -EINVAL);
	pkt_init(&p, 3, IP_V4, 1, 100);
	p.max_adver_int_cs = 0;
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), -EINVAL);
	p.max_adver_int_cs = 4096;
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), -EINVAL);
	p.max_adver_int_cs = 100;
	assert_int_equal(vrrp_pkt_build(&p, NULL, &dst, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(vrrp_pkt_build(&p, &s6, &dst, buf, sizeof(buf)), -EINVAL);
	p.type = 2;
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), -EINVAL);
	p.type = VRRP_PKT_TYPE_ADVERT;
	p.version = 4;
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), -EINVAL);
	pkt_init(&p, 3, IP_V4, 1, 100);
	pkt_add(&p, "2001:db8::1"); /* address of the other family */
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, sizeof(buf)), -EINVAL);
	pkt_init(&p, 3, IP_V4, 1, 100);
	pkt_add(&p, "192.0.2.10");
	assert_int_equal(vrrp_pkt_build(&p, &src, &dst, buf, 11), -ENOSPC);
	assert_int_equal(vrrp_pkt_build_ipv4(&p, &src, &dst, buf, 31), -ENOSPC);
	assert_int_equal(vrrp_pkt_build_ipv4(&p, &src, &dst, buf, 19), -ENOSPC);

	pkt_init(&p, 2, IP_V6, 1, 100);
	assert_int_equal(vrrp_pkt_build(&p, NULL, NULL, buf, sizeof(buf)), -EAFNOSUPPORT);
	pkt_init(&p, 2, IP_V4, 1, 100);
	p.auth_type = 1;
	assert_int_equal(vrrp_pkt_build(&p, NULL, NULL, buf, sizeof(buf)), -EINVAL);
	p.auth_type = 0;
	p.adver_int_s = 0;
	assert_int_equal(vrrp_pkt_build(&p, NULL, NULL, buf, sizeof(buf)), -EINVAL);

	pkt_init(&p, 3, IP_V6, 1, 100);
	assert_int_equal(vrrp_pkt_build_ipv4(&p, &s6, &s6, buf, sizeof(buf)), -EINVAL);
}

/* ---- one crafted buffer per drop reason ---- */

static void expect_drop(const uint8_t *buf, size_t len, enum ip_family fam,
			enum vrrp_drop_reason want)
{
	struct ip_addr src = ip(fam == IP_V4 ? "192.0.2.1" : "fe80::1");
	struct ip_addr dst = ip(fam == IP_V4 ? "224.0.0.18" : "ff02::12");
	static struct vrrp_pkt p;
	enum vrrp_drop_reason why;

	assert_int_equal(vrrp_pkt_parse(buf, len, fam, &src, &dst, &p, &why), -EBADMSG);
	assert_string_equal(vrrp_drop_reason_name(why), vrrp_drop_reason_name(want));
}

static void test_drop_vrrp(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), dst = ip("224.0.0.18");
	uint8_t b[sizeof(v3_ipv4) + 4];

	(void)state;
	expect_drop(v3_ipv4, 7, IP_V4, VRRP_DROP_TOO_SHORT);
	expect_drop(v3_ipv4, 0, IP_V4, VRRP_DROP_TOO_SHORT);

	memcpy(b, v3_ipv4, sizeof(v3_ipv4));
	b[0] = 0x41; /* version 4 */
	expect_drop(b, sizeof(v3_ipv4), IP_V4, VRRP_DROP_BAD_VERSION);
	b[0] = 0x11;
	expect_drop(b, sizeof(v3_ipv4), IP_V4, VRRP_DROP_BAD_VERSION);

	memcpy(b, v3_ipv4, sizeof(v3_ipv4));
	b[0] = 0x32; /* type 2 */
	fix_csum(b, sizeof(v3_ipv4), &src, &dst);
	expect_drop(b, sizeof(v3_ipv4), IP_V4, VRRP_DROP_BAD_TYPE);

	expect_drop(v2_ipv4, sizeof(v2_ipv4), IP_V6, VRRP_DROP_UNSUPPORTED_FAMILY);

	/* count says 2 but one address follows; truncated; one byte too many;
	 * IPv4-sized addresses read as IPv6 */
	memcpy(b, v3_ipv4, sizeof(v3_ipv4));
	b[3] = 2;
	expect_drop(b, sizeof(v3_ipv4), IP_V4, VRRP_DROP_ADDR_COUNT_MISMATCH);
	expect_drop(v3_ipv4, sizeof(v3_ipv4) - 1, IP_V4, VRRP_DROP_ADDR_COUNT_MISMATCH);
	memcpy(b, v3_ipv4, sizeof(v3_ipv4));
	b[sizeof(v3_ipv4)] = 0;
	expect_drop(b, sizeof(v3_ipv4) + 1, IP_V4, VRRP_DROP_ADDR_COUNT_MISMATCH);
	expect_drop(v3_ipv4, sizeof(v3_ipv4), IP_V6, VRRP_DROP_ADDR_COUNT_MISMATCH);
	expect_drop(v2_ipv4, sizeof(v2_ipv4) - 8, IP_V4, VRRP_DROP_ADDR_COUNT_MISMATCH);
}

static void test_drop_checksum(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), other = ip("192.0.2.3"), mc = ip("224.0.0.18");
	enum vrrp_drop_reason why;
	struct vrrp_pkt p;
	uint8_t b[sizeof(v3_ipv6)];

	(void)state;
	memcpy(b, v3_ipv4, sizeof(v3_ipv4));
	b[2] ^= 0x01; /* priority flipped in flight */
	expect_drop(b, sizeof(v3_ipv4), IP_V4, VRRP_DROP_BAD_CHECKSUM);
	memcpy(b, v3_ipv6, sizeof(v3_ipv6));
	b[23] ^= 0x80;
	expect_drop(b, sizeof(v3_ipv6), IP_V6, VRRP_DROP_BAD_CHECKSUM);
	memcpy(b, v2_ipv4, sizeof(v2_ipv4));
	b[7] ^= 0x01;
	expect_drop(b, sizeof(v2_ipv4), IP_V4, VRRP_DROP_BAD_CHECKSUM);

	/* the pseudo-header binds the checksum to the real destination: a
	 * sender summing 224.0.0.18 while unicasting is rejected */
	assert_int_equal(vrrp_pkt_parse(v3_ipv4, sizeof(v3_ipv4), IP_V4, &src, &other, &p, &why),
			 -EBADMSG);
	assert_int_equal(why, VRRP_DROP_BAD_CHECKSUM);
	assert_int_equal(vrrp_pkt_parse(v3_ipv4, sizeof(v3_ipv4), IP_V4, &src, &mc, &p, &why), 0);
}

static void test_drop_fields(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), dst = ip("224.0.0.18");
	struct ip_addr src6 = ip("fe80::1"), dst6 = ip("ff02::12");
	uint8_t b[sizeof(v3_ipv6)];

	(void)state;
	memcpy(b, v2_ipv4, sizeof(v2_ipv4));
	b[4] = 1; /* simple text password, removed by RFC 3768 */
	fix_csum(b, sizeof(v2_ipv4), &src, &dst);
	expect_drop(b, sizeof(v2_ipv4), IP_V4, VRRP_DROP_BAD_AUTH_TYPE);

	memcpy(b, v3_ipv4, sizeof(v3_ipv4));
	b[1] = 0;
	fix_csum(b, sizeof(v3_ipv4), &src, &dst);
	expect_drop(b, sizeof(v3_ipv4), IP_V4, VRRP_DROP_ZERO_VRID);

	memcpy(b, v3_ipv6, sizeof(v3_ipv6));
	b[4] = 0xf0; /* reserved bits set, interval 0 */
	b[5] = 0;
	fix_csum(b, sizeof(v3_ipv6), &src6, &dst6);
	expect_drop(b, sizeof(v3_ipv6), IP_V6, VRRP_DROP_ZERO_INTERVAL);

	memcpy(b, v2_ipv4, sizeof(v2_ipv4));
	b[5] = 0;
	fix_csum(b, sizeof(v2_ipv4), &src, &dst);
	expect_drop(b, sizeof(v2_ipv4), IP_V4, VRRP_DROP_ZERO_INTERVAL);
}

static void test_parse_caller_errors(void **state)
{
	struct ip_addr src = ip("192.0.2.1"), src6 = ip("fe80::1");
	enum vrrp_drop_reason why = VRRP_DROP_BAD_TTL;
	static struct vrrp_pkt p;

	(void)state;
	assert_int_equal(vrrp_pkt_parse(v3_ipv4, sizeof(v3_ipv4), IP_V4, NULL, NULL, &p, &why),
			 -EINVAL);
	assert_int_equal(why, VRRP_DROP_NONE);
	assert_int_equal(vrrp_pkt_parse(v3_ipv4, sizeof(v3_ipv4), IP_V4, &src6, &src, &p, &why),
			 -EINVAL);
	assert_int_equal(
	    vrrp_pkt_parse(v3_ipv4, sizeof(v3_ipv4), (enum ip_family)5, &src, &src, &p, &why),
	    -EINVAL);
}

/* ---- the IPv4 header in front ---- */

static void expect_ip_drop(const uint8_t *buf, size_t len, enum vrrp_drop_reason want)
{
	struct ip_addr s, d;
	static struct vrrp_pkt p;
	enum vrrp_drop_reason why;
	uint8_t ttl;

	assert_int_equal(vrrp_pkt_parse_ipv4(buf, len, &s, &d, &ttl, &p, &why), -EBADMSG);
	assert_string_equal(vrrp_drop_reason_name(why), vrrp_drop_reason_name(want));
}

static void test_drop_ip_header(void **state)
{
	uint8_t b[sizeof(v3_ipv4_ip) + 4];

	(void)state;
	expect_ip_drop(v3_ipv4_ip, 19, VRRP_DROP_TOO_SHORT);
	memcpy(b, v3_ipv4_ip, sizeof(v3_ipv4_ip));
	b[0] = 0x65; /* IP version 6 */
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_HEADER);
	b[0] = 0x44; /* IHL 16 bytes */
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_HEADER);
	b[0] = 0x4f; /* IHL 60 bytes, past the data */
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_HEADER);
	memcpy(b, v3_ipv4_ip, sizeof(v3_ipv4_ip));
	b[3] = 0x21; /* total length beyond what was received */
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_HEADER);
	b[3] = 0x13; /* total length below the header */
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_HEADER);
	memcpy(b, v3_ipv4_ip, sizeof(v3_ipv4_ip));
	b[6] = 0x20; /* more fragments */
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_HEADER);
	b[6] = 0x40;
	b[7] = 0x01; /* fragment offset 8 */
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_HEADER);
	memcpy(b, v3_ipv4_ip, sizeof(v3_ipv4_ip));
	b[9] = 17;
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_IP_PROTOCOL);
	/* the VRRP part's own reasons come through */
	memcpy(b, v3_ipv4_ip, sizeof(v3_ipv4_ip));
	b[27] ^= 0xff;
	expect_ip_drop(b, sizeof(v3_ipv4_ip), VRRP_DROP_BAD_CHECKSUM);
}

static void test_parse_ipv4_options_and_trailer(void **state)
{
	struct ip_addr s, d, want_src = ip("192.0.2.1");
	static struct vrrp_pkt p;
	enum vrrp_drop_reason why;
	uint8_t b[sizeof(v3_ipv4_ip) + 4 + 3], ttl = 0;

	(void)state;
	/* IHL 6 with one NOP-padded option word, and 3 bytes of link padding
	 * after the datagram */
	memcpy(b, v3_ipv4_ip, 20);
	b[0] = 0x46;
	b[3] = 0x24;
	b[8] = 64;
	memset(b + 20, 0x01, 4);
	memcpy(b + 24, v3_ipv4_ip + 20, sizeof(v3_ipv4_ip) - 20);
	memset(b + sizeof(v3_ipv4_ip) + 4, 0xee, 3);
	assert_int_equal(vrrp_pkt_parse_ipv4(b, sizeof(b), &s, &d, &ttl, &p, &why), 0);
	assert_int_equal(ttl, 64); /* reported, judged by the runtime */
	assert_int_equal(p.vrid, 51);

	/* source known even when the VRRP part is dropped */
	memset(&s, 0, sizeof(s));
	b[24] = 0x51;
	assert_int_equal(vrrp_pkt_parse_ipv4(b, sizeof(b), &s, &d, &ttl, &p, &why), -EBADMSG);
	assert_int_equal(why, VRRP_DROP_BAD_VERSION);
	assert_true(ip_equal(&s, &want_src));
}

static void test_drop_reason_names(void **state)
{
	(void)state;
	for (int i = 0; i < VRRP_DROP__COUNT; i++) {
		const char *n = vrrp_drop_reason_name((enum vrrp_drop_reason)i);

		assert_non_null(n);
		assert_string_not_equal(n, "unknown");
		for (const char *c = n; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
		for (int j = 0; j < i; j++)
			assert_string_not_equal(n, vrrp_drop_reason_name((enum vrrp_drop_reason)j));
	}
	assert_string_equal(vrrp_drop_reason_name(VRRP_DROP_ADDR_COUNT_MISMATCH),
			    "addr_count_mismatch");
	assert_string_equal(vrrp_drop_reason_name(VRRP_DROP_BAD_TTL), "bad_ttl");
	assert_string_equal(vrrp_drop_reason_name(VRRP_DROP__COUNT), "unknown");
	assert_string_equal(vrrp_drop_reason_name((enum vrrp_drop_reason) - 1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_v3_ipv4),
	    cmocka_unit_test(test_build_v3_ipv6),
	    cmocka_unit_test(test_build_v2_ipv4),
	    cmocka_unit_test(test_parse_v3_ipv4),
	    cmocka_unit_test(test_parse_v3_ipv6),
	    cmocka_unit_test(test_parse_v2_ipv4),
	    cmocka_unit_test(test_parse_v3_rsvd_ignored),
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_zero_addrs),
	    cmocka_unit_test(test_255_addrs),
	    cmocka_unit_test(test_checksum_odd_length),
	    cmocka_unit_test(test_build_errors),
	    cmocka_unit_test(test_drop_vrrp),
	    cmocka_unit_test(test_drop_checksum),
	    cmocka_unit_test(test_drop_fields),
	    cmocka_unit_test(test_parse_caller_errors),
	    cmocka_unit_test(test_drop_ip_header),
	    cmocka_unit_test(test_parse_ipv4_options_and_trailer),
	    cmocka_unit_test(test_drop_reason_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
