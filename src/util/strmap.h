/* String → index map (open addressing, FNV-1a). Keys are borrowed, not
 * copied: they must outlive the map (they live in the model's arena). */
#ifndef VIPD_UTIL_STRMAP_H
#define VIPD_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key;
	size_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap; /* power of two */
	size_t count;
};

void strmap_init(struct strmap *m);
void strmap_done(struct strmap *m);
/* Returns false (and leaves the map unchanged) if the key is present. */
bool strmap_put(struct strmap *m, const char *key, size_t value);
bool strmap_get(const struct strmap *m, const char *key, size_t *value);
uint32_t strmap_hash(const char *s);
uint32_t strmap_hash_bytes(uint32_t h, const void *p, size_t n);

#endif
