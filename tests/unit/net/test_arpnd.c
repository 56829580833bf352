/* ARP / ND codec: byte-exact frames worked out by hand from RFC 826, 5227,
 * 4861 and 2464, round trips, and one crafted buffer per drop reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "net/arpnd.h"

static const uint8_t mac_a[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t mac_gw[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
static const uint8_t mac_1[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static struct ip_addr ip(const char *text)
{
	struct ip_addr a;
	const char *why;

	assert_int_equal(ip_parse(text, false, &a, &why), 0);
	return a;
}

/* ---- ARP ---- */

/* RFC 5227 2.3 announcement of 192.0.2.10 by 52:54:00:12:34:56: broadcast,
 * request, sender IP = target IP, target MAC zero, padded to 60 bytes. */
static const uint8_t garp[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
    0xc0, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x0a,
};

/* 198.51.100.2 asking who has 198.51.100.1 */
static const uint8_t probe[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
    0xc6, 0x33, 0x64, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x33, 0x64, 0x01,
};

/* the gateway's answer, as a NIC delivers it (with padding) */
static const uint8_t reply[60] = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc,
    0xc6, 0x33, 0x64, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0xc6, 0x33, 0x64, 0x02,
};

static void test_garp_bytes(void **state)
{
	struct ip_addr vip = ip("192.0.2.10");
	uint8_t buf[64];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(arpnd_garp_build(mac_a, &vip, buf, sizeof(buf)), 60);
	assert_memory_equal(buf, garp, sizeof(garp));
}

static void test_arp_request_bytes(void **state)
{
	struct ip_addr own = ip("198.51.100.2"), gw = ip("198.51.100.1");
	uint8_t buf[60];

	(void)state;
	assert_int_equal(arpnd_arp_request_build(mac_a, NULL, &own, &gw, buf, sizeof(buf)), 60);
	assert_memory_equal(buf, probe, sizeof(probe));
	/* unicast refresh: only the Ethernet destination changes */
	assert_int_equal(arpnd_arp_request_build(mac_a, mac_gw, &own, &gw, buf, sizeof(buf)), 60);
	assert_memory_equal(buf, mac_gw, 6);
	assert_memory_equal(buf + 6, probe + 6, sizeof(probe) - 6);
}

static void test_arp_build_errors(void **state)
{
	struct ip_addr v4 = ip("192.0.2.10"), v6 = ip("2001:db8::10");
	uint8_t buf[60];

	(void)state;
	assert_int_equal(arpnd_garp_build(mac_a, &v6, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(arpnd_garp_build(mac_a, &v4, buf, 59), -ENOSPC);
	assert_int_equal(arpnd_arp_request_build(mac_a, NULL, &v4, &v6, buf, sizeof(buf)), -EINVAL);
}

static void test_arp_parse_reply(void **state)
{
	struct ip_addr gw = ip("198.51.100.1"), own = ip("198.51.100.2");
	enum arpnd_drop_reason why;
	struct arpnd_arp a;

	(void)state;
	assert_int_equal(arpnd_arp_parse(reply, sizeof(reply), &a, &why), 0);
	assert_int_equal(why, ARPND_DROP_NONE);
	assert_int_equal(a.op, ARPND_ARP_REPLY);
	assert_memory_equal(a.sha, mac_gw, 6);
	assert_true(ip_equal(&a.spa, &gw));
	assert_memory_equal(a.tha, mac_a, 6);
	assert_true(ip_equal(&a.tpa, &own));
	assert_memory_equal(a.eth_src, mac_gw, 6);

	/* unpadded, and without the Ethernet header (SOCK_DGRAM) */
	assert_int_equal(arpnd_arp_parse(reply, 42, &a, &why), 0);
	assert_int_equal(arpnd_arp_parse_payload(reply + 14, 28, &a, &why), 0);
	assert_int_equal(a.op, ARPND_ARP_REPLY);
	assert_true(ip_equal(&a.spa, &gw));
	assert_memory_equal(a.eth_src, "\0\0\0\0\0\0", 6);
}

static void test_arp_roundtrip(void **state)
{
	struct ip_addr vip = ip("192.0.2.10");
	enum arpnd_drop_reason why;
	struct arpnd_arp a;
	uint8_t buf[60];

	(void)state;
	assert_int_equal(arpnd_garp_build(mac_a, &vip, buf, sizeof(buf)), 60);
	assert_int_equal(arpnd_arp_parse(buf, sizeof(buf), &a, &why), 0);
	assert_int_equal(a.op, ARPND_ARP_REQUEST);
	assert_true(ip_equal(&a.spa, &vip));
	assert_true(ip_equal(&a.tpa, &vip));
	assert_memory_equal(a.sha, mac_a, 6);
}

static void expect_arp_drop(const uint8_t *buf, size_t len, enum arpnd_drop_reason want)
{
	enum arpnd_drop_reason why;
	struct arpnd_arp a;

	assert_int_equal(arpnd_arp_parse(buf, len, &a, &why), -EBADMSG);
	assert_string_equal(arpnd_drop_reason_name(why), arpnd_drop_reason_name(want));
}

static void test_arp_drops(void **state)
{
	uint8_t b[60];

	(void)state;
	expect_arp_drop(reply, 13, ARPND_DROP_TOO_SHORT);
	expect_arp_drop(reply, 41, ARPND_DROP_TOO_SHORT);
	memcpy(b, reply, sizeof(b));
	b[13] = 0x00; /* IPv4 ethertype */
	expect_arp_drop(b, sizeof(b), ARPND_DROP_BAD_ETHERTYPE);
	memcpy(b, reply, sizeof(b));
	b[15] = 6; /* IEEE 802 hardware */
	expect_arp_drop(b, sizeof(b), ARPND_DROP_BAD_HW_TYPE);
	memcpy(b, reply, sizeof(b));
	b[16] = 0x86; /* IPv6 as protocol */
	b[17] = 0xdd;
	expect_arp_drop(b, sizeof(b), ARPND_DROP_BAD_PROTO_TYPE);
	memcpy(b, reply, sizeof(b));
	b[18] = 8;
	expect_arp_drop(b, sizeof(b), ARPND_DROP_BAD_ADDR_LEN);
	memcpy(b, reply, sizeof(b));
	b[19] = 16;
	expect_arp_drop(b, sizeof(b), ARPND_DROP_BAD_ADDR_LEN);
	memcpy(b, reply, sizeof(b));
	b[21] = 3; /* RARP request */
	expect_arp_drop(b, sizeof(b), ARPND_DROP_BAD_OP);
	b[21] = 0;
	expect_arp_drop(b, sizeof(b), ARPND_DROP_BAD_OP);
}

/* ---- Neighbor Discovery ---- */

/* Unsolicited NA for 2001:db8::10 at 02:00:00:00:00:01, O only, in a frame
 * from fe80::1 to all-nodes ff02::1 (MAC 33:33:00:00:00:01). ICMPv6
 * checksum: pseudo-header fe80+0001+ff02+0001+(0000+0020)+(0000+003a),
 * message 8800+2000+2001+0db8+0010+0201+0200+0001 = 2d7a9, folded d7ab,
 * inverted 2854. */
static const uint8_t na_frame[86] = {
    0x33,
    0x33,
    0x00,
    0x00,
    0x00,
    0x01,
    0x02,
    0x00,
    0x00,
    0x00,
    0x00,
    0x01,
    0x86,
    0xdd,
    /* IPv6: payload 32, next header 58, hop limit 255 */
    0x60,
    0x00,
    0x00,
    0x00,
    0x00,
    0x20,
    0x3a,
    0xff,
    0xfe,
    0x80,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x01,
    0xff,
    0x02,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x01,
    /* NA: type 136, code 0, checksum, flags O */
    0x88,
    0x00,
    0x28,
    0x54,
    0x20,
    0x00,
    0x00,
    0x00,
    0x20,
    0x01,
    0x0d,
    0xb8,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x10,
    /* Target Link-Layer Address option, 1 unit */
    0x02,
    0x01,
    0x02,
    0x00,
    0x00,
    0x00,
    0x00,
    0x01,
};

/* NS for gateway 2001:db8:100::1 from 2001:db8:100::2 to its solicited-node
 * group ff02::1:ff00:1 (MAC 33:33:ff:00:00:01), SLLA 02:00:00:00:00:01.
 * Checksum: 2001+0db8+0100+0002 + ff02+0001+ff00+0001 + 0020+003a +
 * 8700+2001+0db8+0100+0001+0101+0200+0001 = 2e5d5, folded e5d7, inverted
 * 1a28. */
static const uint8_t ns_msg[32] = {
    0x87, 0x00, 0x1a, 0x28, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
};

static void test_na_bytes(void **state)
{
	struct ip_addr vip = ip("2001:db8::10"), src = ip("fe80::1"), dst = ip("ff02::1");
	uint8_t msg[32], frame[100];

	(void)state;
	assert_int_equal(arpnd_na_build(mac_1, &vip, ARPND_NA_UNSOLICITED, msg, sizeof(msg)), 32);
	/* the body as a raw ICMPv6 socket gets it: checksum left to the kernel */
	assert_memory_equal(msg, na_frame + 54, 2);
	assert_int_equal(msg[2] | msg[3], 0);
	assert_memory_equal(msg + 4, na_frame + 58, 28);
	assert_int_equal(arpnd_icmp6_checksum(&src, &dst, msg, sizeof(msg)), 0x2854);

	assert_int_equal(
	    arpnd_ip6_frame_build(mac_1, NULL, &src, &dst, msg, sizeof(msg), frame, sizeof(frame)),
	    86);
	assert_memory_equal(frame, na_frame, sizeof(na_frame));
	assert_int_equal(arpnd_icmp6_checksum(&src, &dst, frame + 54, 32), 0);
}

static void test_na_frame_in_place(void **state)
{
	struct ip_addr vip = ip("2001:db8::10"), src = ip("fe80::1"), dst = ip("ff02::1");
	uint8_t frame[ARPND_ND_FRAME_LEN];
	uint8_t *body = frame + ARPND_ETH_HLEN + ARPND_IP6_HLEN;

	(void)state;
	assert_int_equal(arpnd_na_build(mac_1, &vip, ARPND_NA_UNSOLICITED, body, ARPND_ND_LEN),
			 ARPND_ND_LEN);
	assert_int_equal(arpnd_ip6_frame_build(mac_1, NULL, &src, &dst, body, ARPND_ND_LEN, frame,
					       sizeof(frame)),
			 ARPND_ND_FRAME_LEN);
	assert_memory_equal(frame, na_frame, sizeof(na_frame));
	/* and from the very start of the buffer, overlapping the headers */
	assert_int_equal(arpnd_na_build(mac_1, &vip, ARPND_NA_UNSOLICITED, frame, ARPND_ND_LEN),
			 ARPND_ND_LEN);
	assert_int_equal(arpnd_ip6_frame_build(mac_1, NULL, &src, &dst, frame, ARPND_ND_LEN, frame,
					       sizeof(frame)),
			 ARPND_ND_FRAME_LEN);
	assert_memory_equal(frame, na_frame, sizeof(na_frame));
}

static void test_ns_bytes(void **state)
{
	struct ip_addr gw = ip("2001:db8:100::1"), own = ip("2001:db8:100::2"), group;
	struct ip_addr want = ip("ff02::1:ff00:1");
	uint8_t msg[32], frame[100], mac[6];
	static const uint8_t group_mac[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x01};

	(void)state;
	assert_int_equal(arpnd_ns_build(mac_1, &gw, msg, sizeof(msg)), 32);
	assert_int_equal(msg[2] | msg[3], 0);
	assert_memory_equal(msg + 4, ns_msg + 4, 28);
	arpnd_solicited_node(&gw, &group);
	assert_true(ip_equal(&group, &want));
	assert_int_equal(arpnd_icmp6_checksum(&own, &group, msg, sizeof(msg)), 0x1a28);
	arpnd_ip6_mcast_mac(&group, mac);
	assert_memory_equal(mac, group_mac, 6);
	assert_int_equal(arpnd_ip6_frame_build(mac_1, NULL, &own, &group, msg, sizeof(msg), frame,
					       sizeof(frame)),
			 86);
	assert_memory_equal(frame, group_mac, 6);
	assert_memory_equal(frame + 54, ns_msg, sizeof(ns_msg));

	/* DAD: no source link-layer address option */
	assert_int_equal(arpnd_ns_build(NULL, &gw, msg, sizeof(msg)), 24);
	assert_memory_equal(msg + 4, ns_msg + 4, 20);
}

static void test_nd_build_errors(void **state)
{
	struct ip_addr v4 = ip("192.0.2.1"), v6 = ip("2001:db8::1"), mc = ip("ff02::1");
	uint8_t buf[100];

	(void)state;
	assert_int_equal(arpnd_na_build(mac_1, &v4, ARPND_NA_UNSOLICITED, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(arpnd_na_build(mac_1, &mc, ARPND_NA_UNSOLICITED, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(arpnd_na_build(mac_1, &v6, 0x01, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(arpnd_na_build(mac_1, &v6, ARPND_NA_UNSOLICITED, buf, 31), -ENOSPC);
	assert_int_equal(arpnd_ns_build(mac_1, &v4, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(arpnd_ns_build(mac_1, &v6, buf, 31), -ENOSPC);
	assert_int_equal(arpnd_ns_build(NULL, &v6, buf, 23), -ENOSPC);
	/* a unicast destination needs its MAC */
	assert_int_equal(arpnd_ip6_frame_build(mac_1, NULL, &v6, &v6, ns_msg, 32, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(
	    arpnd_ip6_frame_build(mac_1, mac_gw, &v6, &v6, ns_msg, 32, buf, sizeof(buf)), 86);
	assert_int_equal(
	    arpnd_ip6_frame_build(mac_1, mac_gw, &v4, &v6, ns_msg, 32, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(arpnd_ip6_frame_build(mac_1, mac_gw, &v6, &v6, ns_msg, 32, buf, 85),
			 -ENOSPC);
	assert_int_equal(
	    arpnd_ip6_frame_build(mac_1, mac_gw, &v6, &v6, ns_msg, 3, buf, sizeof(buf)), -EINVAL);
}

static void test_solicited_node(void **state)
{
	struct ip_addr a = ip("2001:db8::abcd:ef12:3456"), want = ip("ff02::1:ff12:3456"), g;
	uint8_t mac[6];
	static const uint8_t want_mac[6] = {0x33, 0x33, 0xff, 0x12, 0x34, 0x56};

	(void)state;
	arpnd_solicited_node(&a, &g);
	assert_true(ip_equal(&g, &want));
	assert_int_equal(g.plen, 128);
	arpnd_ip6_mcast_mac(&g, mac);
	assert_memory_equal(mac, want_mac, 6);
}

/* Pseudo-header of :: -> :: with length 1: 0001 + 003a, message byte 01
 * padded to 0100: 013b, inverted fec4. */
static void test_icmp6_checksum_odd(void **state)
{
	struct ip_addr zero = ip("::");
	const uint8_t msg[2] = {0x01, 0xff};

	(void)state;
	assert_int_equal(arpnd_icmp6_checksum(&zero, &zero, msg, 1), 0xfec4);
}

static void test_na_parse(void **state)
{
	struct ip_addr vip = ip("2001:db8::10");
	enum arpnd_drop_reason why;
	struct arpnd_na na;
	uint8_t b[48];

	(void)state;
	assert_int_equal(arpnd_na_parse(na_frame + 54, 32, &na, &why), 0);
	assert_int_equal(why, ARPND_DROP_NONE);
	assert_true(ip_equal(&na.target, &vip));
	assert_false(na.router);
	assert_false(na.solicited);
	assert_true(na.override);
	assert_true(na.has_tlla);
	assert_memory_equal(na.tlla, mac_1, 6);

	/* solicited reply from a router, no option */
	memcpy(b, na_frame + 54, 24);
	b[4] = ARPND_NA_ROUTER | ARPND_NA_SOLICITED;
	assert_int_equal(arpnd_na_parse(b, 24, &na, &why), 0);
	assert_true(na.router);
	assert_true(na.solicited);
	assert_false(na.override);
	assert_false(na.has_tlla);

	/* an unknown 2-unit option (RFC 4861 4.6: skipped) before the TLLA */
	memset(b + 24, 0, 16);
	b[24] = 99;
	b[25] = 2;
	memcpy(b + 40, na_frame + 54 + 24, 8);
	assert_int_equal(arpnd_na_parse(b, 48, &na, &why), 0);
	assert_true(na.has_tlla);
	assert_memory_equal(na.tlla, mac_1, 6);
}

static void expect_na_drop(const uint8_t *buf, size_t len, enum arpnd_drop_reason want)
{
	enum arpnd_drop_reason why;
	struct arpnd_na na;

	assert_int_equal(arpnd_na_parse(buf, len, &na, &why), -EBADMSG);
	assert_string_equal(arpnd_drop_reason_name(why), arpnd_drop_reason_name(want));
}

static void test_na_drops(void **state)
{
	const uint8_t *na = na_frame + 54;
	uint8_t b[40];

	(void)state;
	expect_na_drop(na, 0, ARPND_DROP_TOO_SHORT);
	expect_na_drop(na, 23, ARPND_DROP_TOO_SHORT);
	expect_na_drop(ns_msg, sizeof(ns_msg), ARPND_DROP_BAD_ICMP_TYPE);
	memcpy(b, na, 32);
	b[1] = 1;
	expect_na_drop(b, 32, ARPND_DROP_BAD_ICMP_CODE);
	memcpy(b, na, 32);
	b[8] = 0xff; /* target ff01:db8::10 */
	expect_na_drop(b, 32, ARPND_DROP_BAD_TARGET);
	memcpy(b, na, 32);
	b[25] = 0; /* zero-length option */
	expect_na_drop(b, 32, ARPND_DROP_BAD_OPTION);
	b[25] = 2; /* 16 bytes claimed, 8 present */
	expect_na_drop(b, 32, ARPND_DROP_BAD_OPTION);
	memcpy(b, na, 32);
	b[32] = 1; /* one stray byte after the option */
	expect_na_drop(b, 33, ARPND_DROP_BAD_OPTION);
}

static void test_drop_reason_names(void **state)
{
	(void)state;
	for (int i = 0; i < ARPND_DROP__COUNT; i++) {
		const char *n = arpnd_drop_reason_name((enum arpnd_drop_reason)i);

		assert_non_null(n);
		assert_string_not_equal(n, "unknown");
		for (const char *c = n; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
		for (int j = 0; j < i; j++)
			assert_string_not_equal(n,
						arpnd_drop_reason_name((enum arpnd_drop_reason)j));
	}
	assert_string_equal(arpnd_drop_reason_name(ARPND_DROP_BAD_OP), "bad_op");
	assert_string_equal(arpnd_drop_reason_name(ARPND_DROP__COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_garp_bytes),	      cmocka_unit_test(test_arp_request_bytes),
	    cmocka_unit_test(test_arp_build_errors),  cmocka_unit_test(test_arp_parse_reply),
	    cmocka_unit_test(test_arp_roundtrip),     cmocka_unit_test(test_arp_drops),
	    cmocka_unit_test(test_na_bytes),	      cmocka_unit_test(test_na_frame_in_place),
	    cmocka_unit_test(test_ns_bytes),	      cmocka_unit_test(test_nd_build_errors),
	    cmocka_unit_test(test_solicited_node),    cmocka_unit_test(test_icmp6_checksum_odd),
	    cmocka_unit_test(test_na_parse),	      cmocka_unit_test(test_na_drops),
	    cmocka_unit_test(test_drop_reason_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
