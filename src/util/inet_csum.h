/* The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-headers that
 * VRRPv3 and ICMPv6 put in front of their messages. Pure. */
#ifndef VIPD_UTIL_INET_CSUM_H
#define VIPD_UTIL_INET_CSUM_H

#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

/* One's complement sum of 16-bit big-endian words, chainable; only the last
 * chunk of a chain may have an odd length (its last byte is zero-padded). */
uint32_t inet_csum_add(uint32_t sum, const uint8_t *p, size_t n);
/* Fold the carries and complement: the value to store, or 0 when a message
 * whose checksum field is filled in verifies. */
uint16_t inet_csum_fold(uint32_t sum);
/* The pseudo-header sum: addresses, upper-layer length and protocol
 * (RFC 768 layout for IPv4, RFC 8200 8.1 for IPv6). */
uint32_t inet_csum_pseudo(const struct ip_addr *src, const struct ip_addr *dst, size_t len,
			  uint8_t proto);

#endif
