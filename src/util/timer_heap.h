/* A binary min-heap of timers by (due time, arming order): the daemon's
 * VRRP timers (src/vrrp/runtime_env.c) wait here, and one libevent event
 * waits for the earliest. A libevent event per timer was 144 of the 160
 * bytes of each of a thousand instances' timers (issue 16's memory). The
 * keys live in the heap's own array, so that ordering reads one block
 * and not every timer; a timer keeps its place in the array. Timers due
 * at the same time leave in the order they were armed, as libevent's
 * common timeouts did. */
#ifndef VIPD_UTIL_TIMER_HEAP_H
#define VIPD_UTIL_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMER_HEAP_OUT SIZE_MAX /* a node's slot while it is not in a heap */

/* Embedded in the caller's timer; its field is the heap's. */
struct timer_heap_node {
	size_t slot;
};

struct timer_heap_entry {
	uint64_t due;
	uint64_t seq;
	struct timer_heap_node *node;
};

struct timer_heap {
	struct timer_heap_entry *v;
	size_t n, cap;
	uint64_t next_seq;
};

void timer_heap_node_init(struct timer_heap_node *x);
bool timer_heap_holds(const struct timer_heap_node *x);
/* Room for n nodes in all: with it, timer_heap_put cannot fail. 0 or
 * -ENOMEM. */
int timer_heap_reserve(struct timer_heap *h, size_t n);
/* x due at due, after every node armed before it for the same time; a
 * node already in the heap moves. -ENOMEM when there was no room (see
 * timer_heap_reserve), else 0. */
int timer_heap_put(struct timer_heap *h, struct timer_heap_node *x, uint64_t due);
/* x out of the heap, if it is in. */
void timer_heap_remove(struct timer_heap *h, struct timer_heap_node *x);
/* The earliest (its due time in *due if due is not NULL), or NULL. */
struct timer_heap_node *timer_heap_top(const struct timer_heap *h, uint64_t *due);
/* The arming order the next put gets: a node armed from now on has one
 * at least this. */
uint64_t timer_heap_next_seq(const struct timer_heap *h);
/* The arming order of x, which is in the heap. */
uint64_t timer_heap_seq(const struct timer_heap *h, const struct timer_heap_node *x);
void timer_heap_done(struct timer_heap *h);

#endif
