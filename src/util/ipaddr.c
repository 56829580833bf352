#include "util/ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ip_len(const struct ip_addr *a)
{
	return a->family == IP_V4 ? 4 : 16;
}

const char *ip_family_name(enum ip_family f)
{
	return f == IP_V4 ? "ipv4" : "ipv6";
}

int ip_parse(const char *text, bool want_prefix, struct ip_addr *out, const char **why)
{
	char buf[IP_STR_MAX];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long plen;
	char *end;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (alen == 0 || alen >= sizeof(buf)) {
		*why = "is not an IP address";
		return -1;
	}
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (strchr(buf, ':')) {
		if (inet_pton(AF_INET6, buf, out->bytes) != 1) {
			*why = "is not an IPv6 address";
			return -1;
		}
		out->family = IP_V6;
	} else {
		if (inet_pton(AF_INET, buf, out->bytes) != 1) {
			*why = "is not an IPv4 address";
			return -1;
		}
		out->family = IP_V4;
	}
	out->plen = out->family == IP_V4 ? 32 : 128;
	if (!slash) {
		if (want_prefix) {
			*why = "needs a prefix length (/N)";
			return -1;
		}
		return 0;
	}
	if (!want_prefix) {
		*why = "takes no prefix length";
		return -1;
	}
	if (slash[1] < '0' || slash[1] > '9') {
		*why = "has a prefix length that is not a number";
		return -1;
	}
	plen = strtoul(slash + 1, &end, 10);
	if (*end != '\0') {
		*why = "has a prefix length that is not a number";
		return -1;
	}
	if (plen > (out->family == IP_V4 ? 32u : 128u)) {
		*why = out->family == IP_V4 ? "has a prefix length out of range 0..32"
					    : "has a prefix length out of range 0..128";
		return -1;
	}
	out->plen = (uint8_t)plen;
	return 0;
}

const char *ip_ntop(const struct ip_addr *a, char buf[IP_STR_MAX])
{
	if (!inet_ntop(a->family == IP_V4 ? AF_INET : AF_INET6, a->bytes, buf, IP_STR_MAX))
		snprintf(buf, IP_STR_MAX, "?");
	return buf;
}

const char *ip_ntop_prefix(const struct ip_addr *a, char buf[IP_STR_MAX])
{
	size_t n;

	ip_ntop(a, buf);
	n = strlen(buf);
	snprintf(buf + n, IP_STR_MAX - n, "/%u", a->plen);
	return buf;
}

bool ip_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, ip_len(a)) == 0;
}

static bool ip_prefix_match(const uint8_t *x, const uint8_t *y, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(x, y, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (x[full] & mask) == (y[full] & mask);
	}
	return true;
}

bool ip_in_subnet(const struct ip_addr *addr, const struct ip_addr *net)
{
	return addr->family == net->family && ip_prefix_match(addr->bytes, net->bytes, net->plen);
}

/* host bits all equal to `bit` (0 or 1) */
static bool ip_host_bits_are(const struct ip_addr *a, int bit)
{
	size_t len = ip_len(a);

	for (size_t i = 0; i < len * 8; i++) {
		if (i < a->plen)
			continue;
		if ((int)((a->bytes[i / 8] >> (7 - i % 8)) & 1) != bit)
			return false;
	}
	return true;
}

bool ip_is_network_address(const struct ip_addr *a)
{
	size_t max = ip_len(a) * 8;

	/* /31, /32, /127 and /128 have no network address to avoid */
	return (size_t)a->plen + 1 < max && ip_host_bits_are(a, 0);
}

bool ip_is_broadcast_address(const struct ip_addr *a)
{
	return a->family == IP_V4 && a->plen < 31 && ip_host_bits_are(a, 1);
}

bool ip_is_multicast(const struct ip_addr *a)
{
	if (a->family == IP_V4)
		return (a->bytes[0] & 0xf0) == 0xe0;
	return a->bytes[0] == 0xff;
}

bool ip_is_link_local(const struct ip_addr *a)
{
	if (a->family == IP_V4)
		return a->bytes[0] == 169 && a->bytes[1] == 254;
	return a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

bool ip_is_unspecified(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->bytes, zero, ip_len(a)) == 0;
}
