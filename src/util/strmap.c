#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 2166136261u
#define FNV_PRIME  16777619u

uint32_t strmap_hash_bytes(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint32_t strmap_hash(const char *s)
{
	return strmap_hash_bytes(FNV_OFFSET, s, strlen(s));
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_done(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static void strmap_rehash(struct strmap *m, size_t cap)
{
	struct strmap_slot *old = m->slots;
	size_t old_cap = m->cap;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots)
		abort();
	m->cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		size_t j;

		if (!old[i].key)
			continue;
		j = strmap_hash(old[i].key) & (cap - 1);
		while (m->slots[j].key)
			j = (j + 1) & (cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

bool strmap_put(struct strmap *m, const char *key, size_t value)
{
	size_t j;

	if ((m->count + 1) * 2 > m->cap)
		strmap_rehash(m, m->cap ? m->cap * 2 : 16);
	j = strmap_hash(key) & (m->cap - 1);
	while (m->slots[j].key) {
		if (strcmp(m->slots[j].key, key) == 0)
			return false;
		j = (j + 1) & (m->cap - 1);
	}
	m->slots[j].key = key;
	m->slots[j].value = value;
	m->count++;
	return true;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	size_t j;

	if (!m->cap)
		return false;
	j = strmap_hash(key) & (m->cap - 1);
	while (m->slots[j].key) {
		if (strcmp(m->slots[j].key, key) == 0) {
			if (value)
				*value = m->slots[j].value;
			return true;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return false;
}
