/* The reader's index of dumped links: sorted by (namespace, ifindex) once
 * the link dumps are in, then looked up by both the reader (nl_live.c) and
 * the address dump's parser (nl_live_parse.c). Below both, so that the
 * parser does not call back up into the reader. */
#include <stdlib.h>

#include "net/nl_live_internal.h"

static int cmp_rd(const void *a, const void *b)
{
	const struct rd_link *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return (x->l.ifindex > y->l.ifindex) - (x->l.ifindex < y->l.ifindex);
}

struct rd_link *rd_find(struct reader *rd, size_t ns, int ifindex)
{
	struct rd_link key = {.ns = ns, .l.ifindex = ifindex};

	if (ifindex <= 0 || rd->n == 0)
		return NULL;
	return bsearch(&key, rd->v, rd->n, sizeof(*rd->v), cmp_rd);
}

void rd_sort(struct reader *rd)
{
	if (rd->n)
		qsort(rd->v, rd->n, sizeof(*rd->v), cmp_rd);
}
