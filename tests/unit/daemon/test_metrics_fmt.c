/* src/daemon/metrics_fmt.c: label values as Prometheus wants them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "daemon/metrics_fmt.h"

static void test_plain_text_is_unchanged(void **state)
{
	char out[64];

	(void)state;
	metrics_escape(out, sizeof(out), "vlan100/master/ipv4/gw");
	assert_string_equal(out, "vlan100/master/ipv4/gw");
}

static void test_backslash_quote_and_newline_are_escaped(void **state)
{
	char out[64];

	(void)state;
	metrics_escape(out, sizeof(out), "a\"b\\c\nd");
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
}

/* a cut never leaves half an escape (a lone backslash would eat the
 * closing quote of the label) */
static void test_cut_never_splits_an_escape(void **state)
{
	char out[4];

	(void)state;
	metrics_escape(out, sizeof(out), "ab\"c");
	assert_string_equal(out, "ab");
	metrics_escape(out, sizeof(out), "a\"");
	assert_string_equal(out, "a\\\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_text_is_unchanged),
	    cmocka_unit_test(test_backslash_quote_and_newline_are_escaped),
	    cmocka_unit_test(test_cut_never_splits_an_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
