/* IP addresses with prefix length, parsed and printed without touching the
 * network: the model layer uses these instead of socket headers. */
#ifndef VIPD_UTIL_IPADDR_H
#define VIPD_UTIL_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ip_family {
	IP_V4 = 4,
	IP_V6 = 6,
};

struct ip_addr {
	uint8_t family; /* enum ip_family */
	uint8_t plen;	/* prefix length; 32/128 for a host address */
	uint8_t bytes[16];
};

#define IP_STR_MAX 64 /* "addr/plen" fits */

/* "192.0.2.1/24", "2001:db8::1/64". want_prefix: the "/N" is required;
 * without it, a prefix is refused. Returns 0 or a negative value with a
 * reason in *why, a predicate that follows the text ("is not an IPv4
 * address", "needs a prefix length (/N)"). */
int ip_parse(const char *text, bool want_prefix, struct ip_addr *out, const char **why);
/* Formats without the prefix, or with it ("%s/%u"). */
const char *ip_ntop(const struct ip_addr *a, char buf[IP_STR_MAX]);
const char *ip_ntop_prefix(const struct ip_addr *a, char buf[IP_STR_MAX]);
bool ip_equal(const struct ip_addr *a, const struct ip_addr *b); /* address only */
/* Is addr inside net's prefix? (families must match) */
bool ip_in_subnet(const struct ip_addr *addr, const struct ip_addr *net);
/* Network / broadcast / host-bits-zero tests for the prefix of a. */
bool ip_is_network_address(const struct ip_addr *a);
bool ip_is_broadcast_address(const struct ip_addr *a);
bool ip_is_multicast(const struct ip_addr *a);
bool ip_is_link_local(const struct ip_addr *a);
bool ip_is_unspecified(const struct ip_addr *a);
size_t ip_len(const struct ip_addr *a);	      /* 4 or 16 */
const char *ip_family_name(enum ip_family f); /* "ipv4" / "ipv6" */

#endif
