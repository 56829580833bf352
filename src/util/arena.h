/* Bump allocator: a model is built once and freed whole, so per-object
 * free() calls would only cost time (41,000 VIPs load in one pass). */
#ifndef VIPD_UTIL_ARENA_H
#define VIPD_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_bytes;
};

void arena_init(struct arena *a);
void arena_done(struct arena *a);
/* Zeroed, aligned for any type; aborts on out-of-memory (a config loader
 * cannot do anything useful without memory). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Grow an array stored in the arena; old contents are copied. */
void *arena_grow(struct arena *a, void *old, size_t old_count, size_t new_count, size_t elem);

#endif
