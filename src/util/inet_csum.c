#include "util/inet_csum.h"

uint32_t inet_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t inet_csum_pseudo(const struct ip_addr *src, const struct ip_addr *dst, size_t len,
			  uint8_t proto)
{
	size_t alen = ip_len(src);
	uint32_t sum = inet_csum_add(0, src->bytes, alen);

	sum = inet_csum_add(sum, dst->bytes, alen);
	if (src->family == IP_V6)
		sum += (uint32_t)(len >> 16); /* 32-bit upper-layer length */
	return sum + (uint32_t)(len & 0xffff) + proto;
}
