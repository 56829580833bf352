/* libFuzzer target for the ARP / ND codec. Links: net_pure_lib + util_lib.
 *
 * Input: one control byte, then the message.
 *   bits 0-1: 0 = Ethernet frame with ARP (arpnd_arp_parse),
 *             1 = bare ARP (arpnd_arp_parse_payload),
 *             2 = ICMPv6 Neighbor Advertisement (arpnd_na_parse),
 *             3 = all three
 * Seeds: tests/fuzz/corpus/arpnd/.
 *
 * Besides "no crash", it checks that a drop always names its reason, that
 * what parses builds again and parses back to the same fields, and that a
 * frame built around the input carries a checksum that verifies. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/arpnd.h"

#define MAX_IN 2048

static void check_drop(int rc, enum arpnd_drop_reason why)
{
	if (rc != -EBADMSG || why == ARPND_DROP_NONE ||
	    !strcmp(arpnd_drop_reason_name(why), "unknown"))
		abort();
}

/* A request or reply rebuilt as a request keeps sender and target; a GARP
 * is also its own announcement. */
static void arp_roundtrip(const struct arpnd_arp *a)
{
	uint8_t frame[ARPND_ARP_FRAME_LEN];
	enum arpnd_drop_reason why;
	struct arpnd_arp b;

	if (arpnd_arp_request_build(a->sha, NULL, &a->spa, &a->tpa, frame, sizeof(frame)) !=
	    ARPND_ARP_FRAME_LEN)
		abort();
	if (arpnd_arp_parse(frame, sizeof(frame), &b, &why) != 0)
		abort();
	if (b.op != ARPND_ARP_REQUEST || memcmp(b.sha, a->sha, ARPND_ETH_ALEN) ||
	    !ip_equal(&b.spa, &a->spa) || !ip_equal(&b.tpa, &a->tpa))
		abort();
}

static void run_arp(const uint8_t *data, size_t len, int frame)
{
	enum arpnd_drop_reason why;
	struct arpnd_arp a;
	int rc = frame ? arpnd_arp_parse(data, len, &a, &why)
		       : arpnd_arp_parse_payload(data, len, &a, &why);

	if (rc != 0) {
		check_drop(rc, why);
		return;
	}
	if (a.op != ARPND_ARP_REQUEST && a.op != ARPND_ARP_REPLY)
		abort();
	arp_roundtrip(&a);
}

static void na_roundtrip(const struct arpnd_na *na)
{
	static const uint8_t no_mac[ARPND_ETH_ALEN];
	uint8_t flags = (uint8_t)((na->router ? ARPND_NA_ROUTER : 0) |
				  (na->solicited ? ARPND_NA_SOLICITED : 0) |
				  (na->override ? ARPND_NA_OVERRIDE : 0));
	uint8_t msg[ARPND_ND_LEN];
	enum arpnd_drop_reason why;
	struct arpnd_na b;

	if (arpnd_na_build(na->has_tlla ? na->tlla : no_mac, &na->target, flags, msg,
			   sizeof(msg)) != ARPND_ND_LEN)
		abort();
	if (arpnd_na_parse(msg, sizeof(msg), &b, &why) != 0)
		abort();
	if (!ip_equal(&b.target, &na->target) || b.router != na->router ||
	    b.solicited != na->solicited || b.override != na->override || !b.has_tlla)
		abort();
	if (na->has_tlla && memcmp(b.tlla, na->tlla, ARPND_ETH_ALEN))
		abort();
}

/* Wraps the input, whatever it is, in an Ethernet + IPv6 frame: the filled
 * checksum must verify over the copied message. */
static void frame_checksum(const uint8_t *data, size_t len)
{
	static uint8_t frame[ARPND_ETH_HLEN + ARPND_IP6_HLEN + MAX_IN];
	static const uint8_t mac[ARPND_ETH_ALEN] = {0x02, 0, 0, 0, 0, 1};
	struct ip_addr src, dst, group;
	uint8_t *msg = frame + ARPND_ETH_HLEN + ARPND_IP6_HLEN;
	int n;

	memset(&src, 0, sizeof(src));
	src.family = IP_V6;
	src.plen = 128;
	src.bytes[0] = 0xfe;
	src.bytes[1] = 0x80;
	src.bytes[15] = len >= 1 ? data[0] : 1;
	arpnd_solicited_node(&src, &group);
	dst = group;
	n = arpnd_ip6_frame_build(mac, NULL, &src, &dst, data, len, frame, sizeof(frame));
	if (len < 4) {
		if (n != -EINVAL)
			abort();
		return;
	}
	if (n != (int)(ARPND_ETH_HLEN + ARPND_IP6_HLEN + len))
		abort();
	if (arpnd_icmp6_checksum(&src, &dst, msg, len) != 0)
		abort();
}

static void run_na(const uint8_t *data, size_t len)
{
	enum arpnd_drop_reason why;
	struct arpnd_na na;
	int rc = arpnd_na_parse(data, len, &na, &why);

	frame_checksum(data, len);
	if (rc != 0) {
		check_drop(rc, why);
		return;
	}
	na_roundtrip(&na);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;

	if (size < 1 || size - 1 > MAX_IN)
		return 0;
	mode = data[0] & 3;
	data++;
	size--;
	if (mode == 0 || mode == 3)
		run_arp(data, size, 1);
	if (mode == 1 || mode == 3)
		run_arp(data, size, 0);
	if (mode == 2 || mode == 3)
		run_na(data, size);
	return 0;
}
