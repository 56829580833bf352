#include "util/timer_heap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void timer_heap_node_init(struct timer_heap_node *x)
{
	x->slot = TIMER_HEAP_OUT;
}

bool timer_heap_holds(const struct timer_heap_node *x)
{
	return x->slot != TIMER_HEAP_OUT;
}

static bool earlier(const struct timer_heap_entry *a, const struct timer_heap_entry *b)
{
	return a->due != b->due ? a->due < b->due : a->seq < b->seq;
}

static void place(struct timer_heap *h, size_t i, const struct timer_heap_entry *e)
{
	h->v[i] = *e;
	e->node->slot = i;
}

static void sift_up(struct timer_heap *h, size_t i)
{
	struct timer_heap_entry e = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!earlier(&e, &h->v[parent]))
			break;
		place(h, i, &h->v[parent]);
		i = parent;
	}
	place(h, i, &e);
}

static void sift_down(struct timer_heap *h, size_t i)
{
	struct timer_heap_entry e = h->v[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= h->n)
			break;
		if (child + 1 < h->n && earlier(&h->v[child + 1], &h->v[child]))
			child++;
		if (!earlier(&h->v[child], &e))
			break;
		place(h, i, &h->v[child]);
		i = child;
	}
	place(h, i, &e);
}

/* The entry at i changed its key or was filled in: it finds its place. */
static void settle(struct timer_heap *h, size_t i)
{
	if (i > 0 && earlier(&h->v[i], &h->v[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}

int timer_heap_reserve(struct timer_heap *h, size_t n)
{
	size_t cap = h->cap ? h->cap : 16;
	struct timer_heap_entry *v;

	if (n <= h->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	v = realloc(h->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	h->v = v;
	h->cap = cap;
	return 0;
}

void timer_heap_remove(struct timer_heap *h, struct timer_heap_node *x)
{
	size_t i = x->slot;

	if (i == TIMER_HEAP_OUT)
		return;
	x->slot = TIMER_HEAP_OUT;
	if (i == --h->n)
		return;
	place(h, i, &h->v[h->n]); /* the last entry fills the hole */
	settle(h, i);
}

int timer_heap_put(struct timer_heap *h, struct timer_heap_node *x, uint64_t due)
{
	size_t i = x->slot;

	if (i == TIMER_HEAP_OUT) {
		if (h->n == h->cap && timer_heap_reserve(h, h->n + 1) < 0)
			return -ENOMEM;
		i = h->n++;
		h->v[i].node = x;
		x->slot = i;
	}
	/* a timer already in moves from where it is (a backup's master-down
	 * timer moves at each advert): no hole to fill */
	h->v[i].due = due;
	h->v[i].seq = h->next_seq++;
	settle(h, i);
	return 0;
}

struct timer_heap_node *timer_heap_top(const struct timer_heap *h, uint64_t *due)
{
	if (!h->n)
		return NULL;
	if (due)
		*due = h->v[0].due;
	return h->v[0].node;
}

uint64_t timer_heap_next_seq(const struct timer_heap *h)
{
	return h->next_seq;
}

uint64_t timer_heap_seq(const struct timer_heap *h, const struct timer_heap_node *x)
{
	return h->v[x->slot].seq;
}

void timer_heap_done(struct timer_heap *h)
{
	for (size_t i = 0; i < h->n; i++)
		h->v[i].node->slot = TIMER_HEAP_OUT;
	free(h->v);
	memset(h, 0, sizeof(*h));
}
