/* What the kernel self-tests (tests/check, tests/net) share: cmocka, a
 * check with a message, and their exit status. Each phase is a cmocka test;
 * a failed check ends it with the message and the failing file:line. */
#ifndef VIPD_TESTS_SELFTEST_H
#define VIPD_TESTS_SELFTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Fails the running test at this line unless cond holds, printing the
 * printf-style message (what was measured: assert_true() would only name
 * the expression). */
#define fail_unless(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

/* meson's "skipped": the test cannot run here (not root, kernel lacks a
 * module) */
#define SELFTEST_EXIT_SKIP 77

/* cmocka returns the number of failed tests (or -1): 1 for any failure, so
 * that no count reads as 77 */
static inline int selftest_exit_status(int cmocka_rc)
{
	return cmocka_rc == 0 ? 0 : 1;
}

#endif
