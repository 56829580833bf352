/* util/timer_heap.c: the earliest first, the arming order among equals,
 * moves and removals anywhere in the heap, against a plain list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/timer_heap.h"

#define NODES 300

static void test_equal_times_leave_in_arming_order(void **state)
{
	struct timer_heap h = {0};
	struct timer_heap_node x[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		timer_heap_node_init(&x[i]);
		assert_int_equal(timer_heap_put(&h, &x[i], i == 2 ? 5 : 10), 0);
	}
	assert_ptr_equal(timer_heap_top(&h, NULL), &x[2]);
	timer_heap_remove(&h, &x[2]);
	for (int i = 0; i < 5; i++) {
		if (i == 2)
			continue;
		assert_ptr_equal(timer_heap_top(&h, NULL), &x[i]);
		timer_heap_remove(&h, &x[i]);
		assert_false(timer_heap_holds(&x[i]));
	}
	assert_null(timer_heap_top(&h, NULL));
	timer_heap_done(&h);
}

/* The reference: the node armed that is earliest by (due, arming order). */
static struct timer_heap_node *reference_top(struct timer_heap_node *x, const bool *in,
					     const uint64_t *due, const uint64_t *order)
{
	int best = -1;

	for (int i = 0; i < NODES; i++)
		if (in[i] && (best < 0 || due[i] < due[best] ||
			      (due[i] == due[best] && order[i] < order[best])))
			best = i;
	return best < 0 ? NULL : &x[best];
}

static void test_random_operations_match_a_plain_list(void **state)
{
	struct timer_heap h = {0};
	static struct timer_heap_node x[NODES];
	static bool in[NODES];
	static uint64_t due[NODES], order[NODES];
	uint64_t armed = 0;
	unsigned seed = 12345;

	(void)state;
	for (int i = 0; i < NODES; i++)
		timer_heap_node_init(&x[i]);
	assert_int_equal(timer_heap_reserve(&h, NODES), 0);
	for (int step = 0; step < 20000; step++) {
		int i = (int)(rand_r(&seed) % NODES);

		switch (rand_r(&seed) % 3) {
		case 0: /* arm or move, times that often collide */
			due[i] = rand_r(&seed) % 50;
			order[i] = armed++;
			assert_int_equal(timer_heap_put(&h, &x[i], due[i]), 0);
			in[i] = true;
			break;
		case 1:
			timer_heap_remove(&h, &x[i]);
			in[i] = false;
			break;
		default: /* the earliest leaves, as a firing timer does */
			if (timer_heap_top(&h, NULL)) {
				uint64_t top_due;
				struct timer_heap_node *top = timer_heap_top(&h, &top_due);

				assert_int_equal(top_due, due[top - x]);
				timer_heap_remove(&h, top);
				in[top - x] = false;
			}
		}
		assert_ptr_equal(timer_heap_top(&h, NULL), reference_top(x, in, due, order));
		for (int k = 0; k < NODES; k++)
			assert_int_equal(timer_heap_holds(&x[k]), in[k]);
	}
	timer_heap_done(&h);
	for (int k = 0; k < NODES; k++)
		assert_false(timer_heap_holds(&x[k]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_equal_times_leave_in_arming_order),
	    cmocka_unit_test(test_random_operations_match_a_plain_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
