/* src/util/ipaddr.c: parsing with and without prefix, printing, subnet
 * membership and the address classes validation refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/ipaddr.h"

static struct ip_addr pfx(const char *text)
{
	struct ip_addr a;
	const char *why = "unset";

	assert_int_equal(ip_parse(text, true, &a, &why), 0);
	assert_null(why);
	return a;
}

static struct ip_addr host(const char *text)
{
	struct ip_addr a;
	const char *why;

	assert_int_equal(ip_parse(text, false, &a, &why), 0);
	return a;
}

static const char *bad(const char *text, bool want_prefix)
{
	struct ip_addr a;
	const char *why = NULL;

	assert_true(ip_parse(text, want_prefix, &a, &why) < 0);
	assert_non_null(why);
	return why;
}

static void test_parse_v4(void **state)
{
	struct ip_addr a = pfx("192.0.2.10/24");
	const uint8_t want[4] = {192, 0, 2, 10};

	(void)state;
	assert_int_equal(a.family, IP_V4);
	assert_int_equal(a.plen, 24);
	assert_memory_equal(a.bytes, want, 4);
	assert_int_equal(ip_len(&a), 4);
	assert_int_equal(pfx("192.0.2.1/0").plen, 0);
	assert_int_equal(pfx("192.0.2.1/32").plen, 32);
	assert_int_equal(host("192.0.2.1").plen, 32); /* a host address */
}

static void test_parse_v6(void **state)
{
	struct ip_addr a = pfx("2001:db8::1/64");

	(void)state;
	assert_int_equal(a.family, IP_V6);
	assert_int_equal(a.plen, 64);
	assert_int_equal(a.bytes[0], 0x20);
	assert_int_equal(a.bytes[1], 0x01);
	assert_int_equal(a.bytes[15], 1);
	assert_int_equal(ip_len(&a), 16);
	assert_int_equal(pfx("::/0").plen, 0);
	assert_int_equal(pfx("fe80::1/128").plen, 128);
	assert_int_equal(host("2001:db8::1").plen, 128);
	assert_int_equal(pfx("::ffff:192.0.2.1/96").family, IP_V6);
}

static void test_parse_errors(void **state)
{
	(void)state;
	assert_string_equal(bad("192.0.2.1", true), "needs a prefix length (/N)");
	assert_string_equal(bad("192.0.2.1/24", false), "takes no prefix length");
	assert_string_equal(bad("192.0.2.1/33", true), "has a prefix length out of range 0..32");
	assert_string_equal(bad("2001:db8::1/129", true),
			    "has a prefix length out of range 0..128");
	assert_string_equal(bad("192.0.2.1/", true), "has a prefix length that is not a number");
	assert_string_equal(bad("192.0.2.1/-1", true), "has a prefix length that is not a number");
	assert_string_equal(bad("192.0.2.1/24x", true), "has a prefix length that is not a number");
	assert_string_equal(bad("192.0.2.1/99999999999999999999", true),
			    "has a prefix length out of range 0..32");
	assert_string_equal(bad("192.0.2.300/24", true), "is not an IPv4 address");
	assert_string_equal(bad("192.0.2/24", true), "is not an IPv4 address");
	assert_string_equal(bad("2001:db8:::1/64", true), "is not an IPv6 address");
	assert_string_equal(bad("adc1", false), "is not an IPv4 address");
	assert_string_equal(bad("", false), "is not an IP address");
	assert_string_equal(bad("/24", true), "is not an IP address");
	/* longer than any address: refused before copying */
	assert_string_equal(bad("1111111111111111111111111111111111111111111111111111111111111111"
				"1111/24",
				true),
			    "is not an IP address");
}

static void test_print(void **state)
{
	char buf[IP_STR_MAX];
	struct ip_addr a = pfx("2001:0db8:0000:0000:0000:0000:0000:0010/64");

	(void)state;
	assert_string_equal(ip_ntop(&a, buf), "2001:db8::10");
	assert_string_equal(ip_ntop_prefix(&a, buf), "2001:db8::10/64");
	a = pfx("198.51.100.2/24");
	assert_string_equal(ip_ntop(&a, buf), "198.51.100.2");
	assert_string_equal(ip_ntop_prefix(&a, buf), "198.51.100.2/24");
	assert_string_equal(ip_family_name(IP_V4), "ipv4");
	assert_string_equal(ip_family_name(IP_V6), "ipv6");
}

static void test_equal(void **state)
{
	struct ip_addr a = pfx("192.0.2.1/24"), b = pfx("192.0.2.1/16"), c = pfx("192.0.2.2/24");
	struct ip_addr v6 = pfx("::ffff:192.0.2.1/120");

	(void)state;
	assert_true(ip_equal(&a, &b)); /* the address only, not the prefix */
	assert_false(ip_equal(&a, &c));
	assert_false(ip_equal(&a, &v6)); /* a mapped IPv6 address is another family */
}

static void test_in_subnet(void **state)
{
	struct ip_addr net = pfx("192.0.2.2/24"), n26 = pfx("192.0.2.65/26");
	struct ip_addr all = pfx("0.0.0.0/0"), one = pfx("192.0.2.2/32");
	struct ip_addr n6 = pfx("2001:db8::2/127");

	(void)state;
	assert_true(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {192, 0, 2, 255}}, &net));
	assert_true(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {192, 0, 2, 0}}, &net));
	assert_false(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {198, 51, 100, 0}}, &net));
	/* a prefix that does not end on a byte: 192.0.2.64..127 */
	assert_true(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {192, 0, 2, 127}}, &n26));
	assert_false(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {192, 0, 2, 128}}, &n26));
	assert_false(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {192, 0, 2, 63}}, &n26));
	assert_true(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {203, 0, 113, 9}}, &all));
	assert_true(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {192, 0, 2, 2}}, &one));
	assert_false(
	    ip_in_subnet(&(struct ip_addr){.family = IP_V4, .bytes = {192, 0, 2, 3}}, &one));
	assert_true(ip_in_subnet(
	    &(struct ip_addr){.family = IP_V6, .bytes = {0x20, 0x01, 0x0d, 0xb8, [15] = 3}}, &n6));
	assert_false(ip_in_subnet(
	    &(struct ip_addr){.family = IP_V6, .bytes = {0x20, 0x01, 0x0d, 0xb8, [15] = 4}}, &n6));
	/* families never mix, not even 0.0.0.0/0 */
	assert_false(ip_in_subnet(&n6, &all));
}

static void test_classes(void **state)
{
	struct ip_addr a;

	(void)state;
	a = pfx("192.0.2.0/24");
	assert_true(ip_is_network_address(&a));
	assert_false(ip_is_broadcast_address(&a));
	a = pfx("192.0.2.255/24");
	assert_true(ip_is_broadcast_address(&a));
	assert_false(ip_is_network_address(&a));
	/* host bits all one across a byte edge (113 is odd: the last address of
	 * its /23), and host bits zero in one byte only */
	a = pfx("203.0.113.255/23");
	assert_true(ip_is_broadcast_address(&a));
	a = pfx("203.0.113.0/23");
	assert_false(ip_is_network_address(&a));
	/* /31 (RFC 3021) and /32 have neither */
	a = pfx("192.0.2.0/31");
	assert_false(ip_is_network_address(&a));
	a = pfx("192.0.2.1/31");
	assert_false(ip_is_broadcast_address(&a));
	a = pfx("192.0.2.0/32");
	assert_false(ip_is_network_address(&a));
	/* IPv6: the subnet-router anycast address, never a broadcast */
	a = pfx("2001:db8::/64");
	assert_true(ip_is_network_address(&a));
	a = pfx("2001:db8::ffff:ffff:ffff:ffff/64");
	assert_false(ip_is_broadcast_address(&a));
	a = pfx("2001:db8::/127");
	assert_false(ip_is_network_address(&a));

	assert_true(ip_is_multicast(&(struct ip_addr){.family = IP_V4, .bytes = {224, 0, 0, 18}}));
	assert_true(ip_is_multicast(&(struct ip_addr){.family = IP_V4, .bytes = {239, 1, 1, 1}}));
	assert_false(ip_is_multicast(&(struct ip_addr){.family = IP_V4, .bytes = {240, 0, 0, 1}}));
	a = host("ff02::12");
	assert_true(ip_is_multicast(&a));
	a = host("fe80::1");
	assert_true(ip_is_link_local(&a));
	assert_false(ip_is_multicast(&a));
	a = host("febf::1");
	assert_true(ip_is_link_local(&a));
	a = host("fec0::1");
	assert_false(ip_is_link_local(&a));
	a = host("169.254.1.1");
	assert_true(ip_is_link_local(&a));
	a = host("169.255.1.1");
	assert_false(ip_is_link_local(&a));
	a = host("0.0.0.0");
	assert_true(ip_is_unspecified(&a));
	a = host("::");
	assert_true(ip_is_unspecified(&a));
	a = host("::1");
	assert_false(ip_is_unspecified(&a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_v4),	 cmocka_unit_test(test_parse_v6),
	    cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_print),
	    cmocka_unit_test(test_equal),	 cmocka_unit_test(test_in_subnet),
	    cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
