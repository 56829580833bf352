/* The hook queue: one job at a time, in order, waiting ones collapse to
 * the latest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daemon/hook_queue.h"

static void test_idle_starts_at_once(void **state)
{
	struct hook_queue q = {0};

	(void)state;
	assert_int_equal(hook_queue_offer(&q), HOOK_QUEUE_START);
	assert_true(q.running);
	assert_false(hook_queue_done(&q));
	assert_false(q.running);
	assert_int_equal(hook_queue_offer(&q), HOOK_QUEUE_START);
	assert_int_equal(q.started, 2);
	assert_int_equal(q.collapsed, 0);
}

/* MASTER runs; BACKUP, MASTER, BACKUP arrive meanwhile: only the last
 * BACKUP runs after it, then nothing. */
static void test_waiting_collapse_to_latest(void **state)
{
	struct hook_queue q = {0};

	(void)state;
	assert_int_equal(hook_queue_offer(&q), HOOK_QUEUE_START);
	assert_int_equal(hook_queue_offer(&q), HOOK_QUEUE_WAIT);
	assert_int_equal(hook_queue_offer(&q), HOOK_QUEUE_WAIT);
	assert_int_equal(hook_queue_offer(&q), HOOK_QUEUE_WAIT);
	assert_int_equal(q.collapsed, 2);
	assert_true(hook_queue_done(&q)); /* the latest starts */
	assert_true(q.running);
	assert_false(q.waiting);
	assert_false(hook_queue_done(&q));
	assert_false(q.running);
	assert_int_equal(q.queued, 4);
	assert_int_equal(q.started, 2);
}

/* MASTER runs, BACKUP waits, then MASTER again: nothing is left to wait. */
static void test_drop_waiting(void **state)
{
	struct hook_queue q = {0};

	(void)state;
	hook_queue_offer(&q);
	assert_int_equal(hook_queue_offer(&q), HOOK_QUEUE_WAIT);
	hook_queue_drop_waiting(&q);
	assert_false(q.waiting);
	assert_int_equal(q.collapsed, 1);
	hook_queue_drop_waiting(&q); /* nothing waits: no count */
	assert_int_equal(q.collapsed, 1);
	assert_false(hook_queue_done(&q));
	assert_int_equal(q.started, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idle_starts_at_once),
	    cmocka_unit_test(test_waiting_collapse_to_latest),
	    cmocka_unit_test(test_drop_waiting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
