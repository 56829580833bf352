/* The ARP probe's socket filter, run by the kernel without privileges: a
 * classic BPF program attached to an AF_UNIX datagram socket sees each
 * datagram from its first byte, as a SOCK_RAW packet socket sees a frame
 * from its Ethernet header. And which decoded replies are an answer to our
 * probe (gw_arp_is_answer). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/gw_arp.h"
#include "net/arpnd.h"

static const uint8_t mac_gw[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac_me[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

static struct ip_addr ip(const char *text)
{
	struct ip_addr a;
	const char *why;

	assert_int_equal(ip_parse(text, false, &a, &why), 0);
	return a;
}

/* ---- the answer's fields (gw_arp_is_answer) ---- */

static const uint8_t mac_other[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x03};

/* The reply the gateway sends to our probe. */
static struct arpnd_arp reply(void)
{
	struct arpnd_arp a = {
	    .op = ARPND_ARP_REPLY, .spa = ip("192.0.2.1"), .tpa = ip("192.0.2.11")};

	memcpy(a.sha, mac_gw, 6);
	memcpy(a.tha, mac_me, 6);
	return a;
}

static struct gw_arp_expect expect(const uint8_t *asked_mac)
{
	struct gw_arp_expect e = {
	    .gateway = ip("192.0.2.1"), .own = ip("192.0.2.11"), .asked_mac = asked_mac};

	memcpy(e.own_mac, mac_me, 6);
	return e;
}

static void test_the_gateways_reply_to_us_is_the_answer(void **state)
{
	struct arpnd_arp a = reply();
	struct gw_arp_expect broadcast = expect(NULL), unicast = expect(mac_gw);

	(void)state;
	assert_true(gw_arp_is_answer(&a, &broadcast));
	assert_true(gw_arp_is_answer(&a, &unicast));
	/* after a broadcast probe, a new MAC of the gateway is learnt */
	memcpy(a.sha, mac_other, 6);
	assert_true(gw_arp_is_answer(&a, &broadcast));
}

static void test_what_is_not_an_answer_to_our_probe(void **state)
{
	struct gw_arp_expect broadcast = expect(NULL), unicast = expect(mac_gw);
	struct arpnd_arp a;

	(void)state;
	a = reply();
	a.op = ARPND_ARP_REQUEST; /* the gateway asking */
	assert_false(gw_arp_is_answer(&a, &broadcast));
	a = reply();
	a.tpa = ip("192.0.2.12"); /* the answer to another host */
	assert_false(gw_arp_is_answer(&a, &broadcast));
	a = reply();
	memcpy(a.tha, mac_other, 6); /* addressed to another MAC */
	assert_false(gw_arp_is_answer(&a, &broadcast));
	a = reply();
	a.spa = ip("192.0.2.2"); /* another host's address */
	assert_false(gw_arp_is_answer(&a, &broadcast));
	a = reply();
	memcpy(a.sha, mac_other, 6); /* a unicast probe asked mac_gw: someone else answers */
	assert_false(gw_arp_is_answer(&a, &unicast));
}

/* Does a frame pass the filter for gw? */
static bool passes(const char *gw_text, const uint8_t *frame, size_t len)
{
	struct ip_addr gw = ip(gw_text);
	struct sock_filter code[GW_ARP_FILTER_LEN];
	struct sock_fprog prog = {.len = GW_ARP_FILTER_LEN, .filter = code};
	uint8_t buf[128];
	int sv[2];
	ssize_t n;

	gw_arp_filter(&gw, code);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)), 0);
	assert_int_equal(send(sv[0], frame, len, 0), (ssize_t)len);
	n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	close(sv[0]);
	close(sv[1]);
	if (n < 0)
		assert_int_equal(errno, EAGAIN);
	return n == (ssize_t)len;
}

static void test_reply_from_gateway_passes(void **state)
{
	struct ip_addr gw = ip("192.0.2.1"), me = ip("192.0.2.11");
	uint8_t f[ARPND_ARP_FRAME_LEN];
	int len = arpnd_arp_request_build(mac_gw, mac_me, &gw, &me, f, sizeof(f));

	(void)state;
	assert_true(len > 0);
	f[21] = ARPND_ARP_REPLY; /* ar$op low byte */
	assert_true(passes("192.0.2.1", f, (size_t)len));
}

/* a request from the gateway's address proves nothing about our probe */
static void test_request_from_gateway_dropped(void **state)
{
	struct ip_addr gw = ip("192.0.2.1"), me = ip("192.0.2.11");
	uint8_t f[ARPND_ARP_FRAME_LEN];
	int len = arpnd_arp_request_build(mac_gw, NULL, &gw, &me, f, sizeof(f));

	(void)state;
	assert_false(passes("192.0.2.1", f, (size_t)len));
}

/* our own request (sender = us), and another host's answer */
static void test_other_senders_dropped(void **state)
{
	struct ip_addr gw = ip("192.0.2.1"), me = ip("192.0.2.11"), other = ip("192.0.2.2");
	uint8_t f[ARPND_ARP_FRAME_LEN];
	int len = arpnd_arp_request_build(mac_me, NULL, &me, &gw, f, sizeof(f));

	(void)state;
	assert_false(passes("192.0.2.1", f, (size_t)len));
	len = arpnd_arp_request_build(mac_gw, mac_me, &other, &me, f, sizeof(f));
	assert_false(passes("192.0.2.1", f, (size_t)len));
}

/* the gateway's address in the right place, but not an ARP frame */
static void test_not_arp_dropped(void **state)
{
	struct ip_addr gw = ip("192.0.2.1"), me = ip("192.0.2.11");
	uint8_t f[ARPND_ARP_FRAME_LEN];
	int len = arpnd_arp_request_build(mac_gw, mac_me, &gw, &me, f, sizeof(f));

	(void)state;
	f[12] = 0x08;
	f[13] = 0x00; /* IPv4 */
	assert_false(passes("192.0.2.1", f, (size_t)len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reply_from_gateway_passes),
	    cmocka_unit_test(test_request_from_gateway_dropped),
	    cmocka_unit_test(test_the_gateways_reply_to_us_is_the_answer),
	    cmocka_unit_test(test_what_is_not_an_answer_to_our_probe),
	    cmocka_unit_test(test_other_senders_dropped),
	    cmocka_unit_test(test_not_arp_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
