/* libFuzzer target for the VRRP codec. Links: vrrp_pure_lib + util_lib.
 *
 * Input: one control byte, then the packet.
 *   bits 0-1: 0 = VRRP over IPv4, 1 = VRRP over IPv6,
 *             2 = IPv4 datagram (vrrp_pkt_parse_ipv4), 3 = all three
 *   bit 2:    write the correct checksum first, so that the fuzzer gets past
 *             it to the field checks and the address copy
 * Seeds: tests/fuzz/corpus/vrrp_packet/.
 *
 * Besides "no crash", it checks that whatever parses builds again and parses
 * back to the same fields, and that a drop always names its reason. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp/packet.h"

#define MAX_IN (VRRP_PKT_IPV4_HDR_LEN + 60 + VRRP_PKT_MAX_LEN + VRRP_PKT_V2_AUTH_LEN)

static struct ip_addr addr(enum ip_family fam, uint8_t last)
{
	struct ip_addr a;

	memset(&a, 0, sizeof(a));
	a.family = (uint8_t)fam;
	a.plen = fam == IP_V4 ? 32 : 128;
	a.bytes[0] = fam == IP_V4 ? 10 : 0xfe;
	a.bytes[1] = fam == IP_V4 ? 0 : 0x80;
	a.bytes[ip_len(&a) - 1] = last;
	return a;
}

/* v3: pseudo-header then message, summed in one buffer; v2: message only */
static void fix_csum(uint8_t *msg, size_t len, const struct ip_addr *src, const struct ip_addr *dst)
{
	static uint8_t tmp[40 + MAX_IN];
	size_t alen = ip_len(src), ph = 0;
	uint16_t c;

	if (len < VRRP_PKT_HDR_LEN)
		return;
	msg[6] = msg[7] = 0;
	memset(tmp, 0, 40);
	if (msg[0] >> 4 == 3) {
		memcpy(tmp, src->bytes, alen);
		memcpy(tmp + alen, dst->bytes, alen);
		ph = 2 * alen;
		tmp[ph + (alen == 4 ? 1 : 7)] = VRRP_PKT_PROTO;
		tmp[ph + 2] = (uint8_t)(len >> 8);
		tmp[ph + 3] = (uint8_t)len;
		ph += alen == 4 ? 4 : 8;
	}
	memcpy(tmp + ph, msg, len);
	c = vrrp_pkt_inet_checksum(tmp, ph + len);
	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

static int same(const struct vrrp_pkt *a, const struct vrrp_pkt *b)
{
	if (a->version != b->version || a->type != b->type || a->vrid != b->vrid ||
	    a->priority != b->priority || a->max_adver_int_cs != b->max_adver_int_cs ||
	    a->adver_int_s != b->adver_int_s || a->auth_type != b->auth_type ||
	    a->family != b->family || a->n_addrs != b->n_addrs)
		return 0;
	for (unsigned i = 0; i < a->n_addrs; i++)
		if (!ip_equal(&a->addrs[i], &b->addrs[i]))
			return 0;
	return 1;
}

static void check_ipv4_roundtrip(const struct vrrp_pkt *p, const struct ip_addr *src,
				 const struct ip_addr *dst)
{
	static uint8_t buf[VRRP_PKT_IPV4_HDR_LEN + VRRP_PKT_MAX_LEN];
	static struct vrrp_pkt q;
	enum vrrp_drop_reason why;
	struct ip_addr s, d;
	uint8_t ttl;
	int n = vrrp_pkt_build_ipv4(p, src, dst, buf, sizeof(buf));

	if (n != (int)(VRRP_PKT_IPV4_HDR_LEN + vrrp_pkt_len(p)))
		abort();
	if (vrrp_pkt_inet_checksum(buf, VRRP_PKT_IPV4_HDR_LEN) != 0)
		abort();
	if (vrrp_pkt_parse_ipv4(buf, (size_t)n, &s, &d, &ttl, &q, &why) != 0)
		abort();
	if (!same(p, &q) || !ip_equal(&s, src) || !ip_equal(&d, dst) || ttl != VRRP_PKT_TTL)
		abort();
}

static void check_result(int rc, enum vrrp_drop_reason why, const struct vrrp_pkt *p,
			 const struct ip_addr *src, const struct ip_addr *dst)
{
	static uint8_t buf[VRRP_PKT_MAX_LEN + VRRP_PKT_V2_AUTH_LEN];
	static struct vrrp_pkt q;
	enum vrrp_drop_reason why2;
	int n;

	if (rc != 0) {
		if (rc != -EBADMSG || why == VRRP_DROP_NONE ||
		    !strcmp(vrrp_drop_reason_name(why), "unknown"))
			abort();
		return;
	}
	n = vrrp_pkt_build(p, src, dst, buf, sizeof(buf));
	if (n < 0 || (size_t)n != vrrp_pkt_len(p))
		abort();
	if (vrrp_pkt_parse(buf, (size_t)n, (enum ip_family)p->family, src, dst, &q, &why2) != 0)
		abort();
	if (!same(p, &q))
		abort();
	if (p->family == IP_V4)
		check_ipv4_roundtrip(p, src, dst);
}

static void run_vrrp(const uint8_t *data, size_t len, enum ip_family fam, int fix)
{
	static uint8_t buf[MAX_IN];
	static struct vrrp_pkt p;
	struct ip_addr src = addr(fam, 1), dst = addr(fam, 2);
	enum vrrp_drop_reason why;
	int rc;

	memcpy(buf, data, len);
	if (fix)
		fix_csum(buf, len, &src, &dst);
	rc = vrrp_pkt_parse(buf, len, fam, &src, &dst, &p, &why);
	check_result(rc, why, &p, &src, &dst);
}

static void run_ipv4(const uint8_t *data, size_t len, int fix)
{
	static uint8_t buf[MAX_IN];
	static struct vrrp_pkt p;
	struct ip_addr src, dst;
	enum vrrp_drop_reason why;
	size_t ihl, total;
	uint8_t ttl;
	int rc;

	memcpy(buf, data, len);
	if (fix && len >= VRRP_PKT_IPV4_HDR_LEN) {
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		total = (size_t)(buf[2] << 8 | buf[3]);
		if (total > len)
			total = len;
		if (ihl >= VRRP_PKT_IPV4_HDR_LEN && ihl <= total) {
			src = addr(IP_V4, 0);
			dst = src;
			memcpy(src.bytes, buf + 12, 4);
			memcpy(dst.bytes, buf + 16, 4);
			fix_csum(buf + ihl, total - ihl, &src, &dst);
		}
	}
	rc = vrrp_pkt_parse_ipv4(buf, len, &src, &dst, &ttl, &p, &why);
	check_result(rc, why, &p, &src, &dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;
	int fix;

	if (size < 1 || size - 1 > MAX_IN)
		return 0;
	mode = data[0] & 3;
	fix = (data[0] >> 2) & 1;
	data++;
	size--;
	if (mode == 0 || mode == 3)
		run_vrrp(data, size, IP_V4, fix);
	if (mode == 1 || mode == 3)
		run_vrrp(data, size, IP_V6, fix);
	if (mode == 2 || mode == 3)
		run_ipv4(data, size, fix);
	return 0;
}
