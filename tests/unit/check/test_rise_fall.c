/* The fall/rise funnel: thresholds from UNKNOWN and from either state,
 * runs broken by the other outcome, counters and texts, and a gateway
 * flapping faster than fall x interval replayed on a fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "check/rise_fall.h"
#include "util/text.h"

#define OK   "gateway 192.0.2.1 answers"
#define FAIL "gateway 192.0.2.1 unreachable"

static void test_initial_unknown_is_healthy(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 3, 2, true);
	assert_int_equal(st.status, CHECK_UNKNOWN);
	assert_true(check_healthy(&st));
	assert_int_equal(st.last_change_ms, 0);
	assert_int_equal(st.probes, 0);
	assert_string_equal(st.reason, "");
	check_state_done(&st);
}

static void test_rise_from_unknown(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 3, 2, true);
	assert_int_equal(check_result(&st, true, 100, OK), CHECK_CHANGE_NONE);
	assert_string_equal(st.detail, OK " (1/2 probes)");
	assert_int_equal(st.status, CHECK_UNKNOWN);
	assert_int_equal(check_result(&st, true, 200, OK), CHECK_CHANGE_BECAME_UP);
	assert_int_equal(st.status, CHECK_UP);
	assert_string_equal(st.reason, OK " (2/2 probes)");
	assert_int_equal(st.last_change_ms, 200);
	assert_int_equal(st.changes, 1);
	check_state_done(&st);
}

/* Nothing answered yet and the node is still healthy: only the fall-th
 * failure in a row makes it DOWN. */
static void test_fall_from_unknown(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 3, 2, true);
	assert_int_equal(check_result(&st, false, 100, FAIL), CHECK_CHANGE_NONE);
	assert_int_equal(check_result(&st, false, 200, FAIL), CHECK_CHANGE_NONE);
	assert_true(check_healthy(&st));
	assert_string_equal(st.detail, FAIL " (2/3 probes)");
	assert_int_equal(check_result(&st, false, 300, FAIL), CHECK_CHANGE_BECAME_DOWN);
	assert_false(check_healthy(&st));
	assert_string_equal(st.reason, FAIL " (3/3 probes)");
	assert_int_equal(st.fail_run, 3);
	assert_int_equal(st.ok_run, 0);
	check_state_done(&st);
}

static void test_fall_run_broken_by_success(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 3, 2, true);
	check_result(&st, true, 1, OK);
	check_result(&st, true, 2, OK);
	assert_int_equal(check_result(&st, false, 3, FAIL), CHECK_CHANGE_NONE);
	assert_int_equal(check_result(&st, false, 4, FAIL), CHECK_CHANGE_NONE);
	assert_int_equal(check_result(&st, true, 5, OK), CHECK_CHANGE_NONE);
	assert_int_equal(st.fail_run, 0);
	assert_int_equal(check_result(&st, false, 6, FAIL), CHECK_CHANGE_NONE);
	assert_int_equal(check_result(&st, false, 7, FAIL), CHECK_CHANGE_NONE);
	assert_int_equal(st.status, CHECK_UP);
	assert_int_equal(check_result(&st, false, 8, FAIL), CHECK_CHANGE_BECAME_DOWN);
	assert_int_equal(st.last_change_ms, 8);
	check_state_done(&st);
}

static void test_rise_run_broken_by_failure(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 2, 3, true);
	check_result(&st, false, 1, FAIL);
	check_result(&st, false, 2, FAIL);
	assert_int_equal(st.status, CHECK_DOWN);
	check_result(&st, true, 3, OK);
	check_result(&st, true, 4, OK);
	check_result(&st, false, 5, FAIL);
	assert_string_equal(st.detail, FAIL " (1/2 probes)");
	check_result(&st, true, 6, OK);
	check_result(&st, true, 7, OK);
	assert_int_equal(st.status, CHECK_DOWN);
	assert_int_equal(check_result(&st, true, 8, OK), CHECK_CHANGE_BECAME_UP);
	assert_string_equal(st.reason, OK " (3/3 probes)");
	assert_int_equal(st.probes, 8);
	assert_int_equal(st.oks, 5);
	assert_int_equal(st.changes, 2);
	check_state_done(&st);
}

static void test_texts(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 3, 2, true);
	for (int i = 0; i < 5; i++)
		check_result(&st, false, (uint64_t)i + 1, FAIL);
	assert_string_equal(st.detail, FAIL " (5 probes in a row)");
	assert_string_equal(st.reason, FAIL " (3/3 probes)"); /* kept from the change */
	check_result(&st, true, 10, NULL);
	assert_string_equal(st.detail, "ok (1/2 probes)");

	check_state_done(&st);
	check_state_init(&st, 1, 1, false); /* event-driven: no counts */
	assert_int_equal(check_result(&st, false, 1, "link eth0 down: no carrier"),
			 CHECK_CHANGE_BECAME_DOWN);
	assert_string_equal(st.reason, "link eth0 down: no carrier");
	check_state_done(&st);
	check_state_init(&st, 1, 1, true);
	check_result(&st, true, 1, OK);
	assert_string_equal(st.reason, OK " (1/1 probe)");
	check_state_done(&st);
}

static void test_zero_thresholds_are_one(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 0, 0, true);
	assert_int_equal(st.fall, 1);
	assert_int_equal(st.rise, 1);
	assert_int_equal(check_result(&st, false, 1, FAIL), CHECK_CHANGE_BECAME_DOWN);
	assert_int_equal(check_result(&st, true, 2, OK), CHECK_CHANGE_BECAME_UP);
	check_state_done(&st);
}

/* A gateway that flaps every half_period_ms (up first, from offset_ms on
 * the probe clock), probed every interval_ms for duration_ms. Returns the
 * number of transitions; *downs those to DOWN. */
static unsigned flap(uint32_t half_period_ms, uint32_t offset_ms, uint32_t interval_ms,
		     uint32_t fall, uint32_t rise, uint32_t duration_ms, unsigned *downs,
		     enum check_status *final)
{
	struct check_state st;
	unsigned changes = 0;

	*downs = 0;
	check_state_init(&st, fall, rise, true);
	for (uint32_t t = 0; t < duration_ms; t += interval_ms) {
		bool up = ((t + offset_ms) / half_period_ms) % 2 == 0;
		enum check_change c = check_result(&st, up, (uint64_t)t + 1, up ? OK : FAIL);

		changes += c != CHECK_CHANGE_NONE;
		*downs += c == CHECK_CHANGE_BECAME_DOWN;
	}
	*final = st.status;
	check_state_done(&st);
	return changes;
}

/* Up 150 ms, down 150 ms, probed every 100 ms with fall 3 rise 2: each
 * down phase holds at most 2 probes, never 3 in a row. Depending on the
 * phase the probes see ok,ok,fail repeating (one change: UNKNOWN -> UP,
 * then it stays up) or ok,fail,fail repeating (never two successes in a
 * row: it stays UNKNOWN, i.e. healthy). Never DOWN, no flapping. */
static void test_flap_150ms_interval_100ms(void **state)
{
	enum check_status final;
	unsigned downs;

	(void)state;
	assert_int_equal(flap(150, 0, 100, 3, 2, 10000, &downs, &final), 1);
	assert_int_equal(downs, 0);
	assert_int_equal(final, CHECK_UP);

	assert_int_equal(flap(150, 50, 100, 3, 2, 10000, &downs, &final), 0);
	assert_int_equal(downs, 0);
	assert_int_equal(final, CHECK_UNKNOWN);

	/* every other phase in 10 ms steps: never a DOWN, at most one UP */
	for (uint32_t off = 0; off < 300; off += 10) {
		unsigned n = flap(150, off, 100, 3, 2, 10000, &downs, &final);

		assert_true(n <= 1);
		assert_int_equal(downs, 0);
	}
}

/* The same gateway without hysteresis (fall 1 rise 1) flaps with it:
 * what fall/rise buy. */
static void test_flap_without_hysteresis(void **state)
{
	enum check_status final;
	unsigned downs;
	unsigned n = flap(150, 0, 100, 1, 1, 10000, &downs, &final);

	(void)state;
	/* 100 probes, pattern ok,ok,fail: UP, then DOWN and UP every 300 ms */
	assert_int_equal(n, 1 + 2 * 33);
	assert_int_equal(downs, 33);
}

/* Outages longer than fall x interval are seen, each once. */
static void test_flap_slow(void **state)
{
	enum check_status final;
	unsigned downs;
	unsigned n = flap(1000, 0, 100, 3, 2, 10000, &downs, &final);

	(void)state;
	/* 5 down phases of 10 probes each: UP first, then DOWN/UP per cycle;
	 * the last down phase (t 9000..9900) ends the run DOWN */
	assert_int_equal(downs, 5);
	assert_int_equal(n, 10);
	assert_int_equal(final, CHECK_DOWN);
}

/* An empty text costs no allocation, and a detail that says the same as
 * before is not copied again (a check repeats its detail every probe). */
static void test_texts_are_allocated_only_when_they_change(void **state)
{
	struct check_state st;
	const char *kept;

	(void)state;
	check_state_init(&st, 3, 2, false);
	assert_ptr_equal(st.detail, text_empty);
	assert_ptr_equal(st.reason, text_empty);
	check_result(&st, false, 1, FAIL);
	kept = st.detail;
	assert_ptr_not_equal(kept, text_empty);
	check_result(&st, false, 2, FAIL);
	assert_ptr_equal(st.detail, kept);
	assert_ptr_equal(st.reason, text_empty); /* no change yet: still "" */
	check_note(&st, "");
	assert_ptr_equal(st.detail, text_empty);
	check_state_done(&st);
	assert_ptr_equal(st.detail, text_empty);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(check_status_name(CHECK_UNKNOWN), "unknown");
	assert_string_equal(check_status_name(CHECK_UP), "up");
	assert_string_equal(check_status_name(CHECK_DOWN), "down");
	assert_string_equal(check_status_name((enum check_status)7), "invalid");
	assert_string_equal(check_change_name(CHECK_CHANGE_NONE), "none");
	assert_string_equal(check_change_name(CHECK_CHANGE_BECAME_UP), "became-up");
	assert_string_equal(check_change_name(CHECK_CHANGE_BECAME_DOWN), "became-down");
	assert_string_equal(check_change_name((enum check_change)9), "invalid");
}

/* The link under a check went down and came back (the chaos driver's
 * second finding): two failures counted before the link went must not
 * combine with one after it into a DOWN; the verdict after the return
 * comes from fresh results only. */
static void test_force_down_and_restart(void **state)
{
	struct check_state st;

	(void)state;
	check_state_init(&st, 3, 2, true);
	check_result(&st, true, 100, OK);
	check_result(&st, true, 200, OK);
	check_result(&st, false, 300, FAIL);
	check_result(&st, false, 400, FAIL);
	assert_int_equal(st.status, CHECK_UP);
	assert_int_equal(check_force_down(&st, 410, "link eth0 down"), CHECK_CHANGE_BECAME_DOWN);
	assert_int_equal(st.status, CHECK_DOWN);
	assert_string_equal(st.reason, "link eth0 down");
	assert_int_equal(st.probes, 4); /* not a probe */
	assert_int_equal(check_force_down(&st, 420, "link eth0 down"), CHECK_CHANGE_NONE);
	assert_int_equal(st.changes, 2);
	assert_int_equal(check_restart(&st, 900, "link back"), CHECK_CHANGE_NONE);
	assert_int_equal(st.status, CHECK_UNKNOWN);
	assert_int_equal(st.changes, 3);
	assert_int_equal(st.fail_run, 0);
	assert_true(check_healthy(&st));
	/* one failure after the return is one, not the third */
	assert_int_equal(check_result(&st, false, 1000, FAIL), CHECK_CHANGE_NONE);
	assert_string_equal(st.detail, FAIL " (1/3 probes)");
	check_result(&st, true, 1100, OK);
	assert_int_equal(check_result(&st, true, 1200, OK), CHECK_CHANGE_BECAME_UP);
	check_state_done(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_initial_unknown_is_healthy),
	    cmocka_unit_test(test_rise_from_unknown),
	    cmocka_unit_test(test_fall_from_unknown),
	    cmocka_unit_test(test_fall_run_broken_by_success),
	    cmocka_unit_test(test_rise_run_broken_by_failure),
	    cmocka_unit_test(test_texts),
	    cmocka_unit_test(test_zero_thresholds_are_one),
	    cmocka_unit_test(test_flap_150ms_interval_100ms),
	    cmocka_unit_test(test_flap_without_hysteresis),
	    cmocka_unit_test(test_flap_slow),
	    cmocka_unit_test(test_texts_are_allocated_only_when_they_change),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_force_down_and_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
