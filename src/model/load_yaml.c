/* The YAML nodes themselves: positions, what a node is, expected types and
 * duplicate keys. Below every other loader file. */
#include <stdlib.h>
#include <string.h>

#include "model/load.h"

struct src_pos load_pos(const yaml_node_t *n)
{
	return (struct src_pos){.line = (int)n->start_mark.line + 1,
				.col = (int)n->start_mark.column + 1};
}

yaml_node_t *load_node(struct load_ctx *lc, int index)
{
	return yaml_document_get_node(lc->doc, index);
}

static const char *scalar_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

const char *load_node_what(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (!is_plain(n))
		return "a quoted string";
	if (n->data.scalar.length == 0 || strcmp(scalar_text(n), "~") == 0 ||
	    strcmp(scalar_text(n), "null") == 0)
		return "nothing";
	return "a scalar";
}

bool load_expect(struct load_ctx *lc, yaml_node_t *n, yaml_node_type_t type, const char *ctx,
		 const char *key)
{
	static const char *const want[] = {[YAML_SCALAR_NODE] = "a single value",
					   [YAML_SEQUENCE_NODE] = "a list",
					   [YAML_MAPPING_NODE] = "a mapping"};

	if (n->type == type)
		return true;
	diag_error(lc->dl, load_pos(n), "%s: %s must be %s, got %s", ctx, key, want[type],
		   load_node_what(n));
	return false;
}

static int key_cmp(const void *a, const void *b)
{
	const yaml_node_t *x = *(yaml_node_t *const *)a, *y = *(yaml_node_t *const *)b;
	int c = strcmp(scalar_text(x), scalar_text(y));

	if (c)
		return c;
	return x->start_mark.index < y->start_mark.index ? -1 : 1;
}

bool load_check_dup_keys(struct load_ctx *lc, yaml_node_t *map, const char *ctx)
{
	size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	yaml_node_t **keys;
	size_t nk = 0;
	bool ok = true;

	if (n < 2)
		return true;
	keys = calloc(n, sizeof(*keys));
	if (!keys)
		abort();
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = load_node(lc, p->key);

		if (k->type == YAML_SCALAR_NODE)
			keys[nk++] = k;
	}
	/* Sorting keeps a 4094-entry interfaces: mapping at n log n. */
	qsort(keys, nk, sizeof(*keys), key_cmp);
	for (size_t i = 1; i < nk; i++) {
		if (strcmp(scalar_text(keys[i]), scalar_text(keys[i - 1])) != 0)
			continue;
		size_t first = i - 1;

		while (first > 0 && strcmp(scalar_text(keys[first - 1]), scalar_text(keys[i])) == 0)
			first--;
		diag_error(lc->dl, load_pos(keys[i]), "%s: duplicate key '%s' (first at %d:%d)",
			   ctx, scalar_text(keys[i]), load_pos(keys[first]).line,
			   load_pos(keys[first]).col);
		ok = false;
	}
	free(keys);
	return ok;
}

bool load_key_repeated(struct load_ctx *lc, yaml_node_t *map, const yaml_node_pair_t *pair)
{
	const char *name = scalar_text(load_node(lc, pair->key));

	for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < pair; p++) {
		yaml_node_t *k = load_node(lc, p->key);

		if (k->type == YAML_SCALAR_NODE && strcmp(scalar_text(k), name) == 0)
			return true;
	}
	return false;
}
