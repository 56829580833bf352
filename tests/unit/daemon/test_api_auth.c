/* src/daemon/api_auth.c: the token file's rules and the bearer check. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/api.h"

#define TOKEN "0123456789abcdef-token"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_api_auth.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void test_the_first_line_trimmed_is_the_token(void **state)
{
	const char *why;
	char *tok;

	(void)state;
	tok = api_token_load(write_file("t1", "  " TOKEN " \r\nsecond line\n", 0600), &why);
	assert_non_null(tok);
	assert_string_equal(tok, TOKEN);
	free(tok);
	tok = api_token_load(write_file("t2", TOKEN, 0400), &why);
	assert_non_null(tok);
	free(tok);
}

static void test_a_file_others_may_read_or_write_is_refused(void **state)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0620, 0602, 0660};
	const char *why = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_null(api_token_load(write_file("open", TOKEN "\n", modes[i]), &why));
		assert_non_null(strstr(why, "others"));
	}
}

static void test_short_spaced_missing_and_linked_tokens_are_refused(void **state)
{
	char link_path[128];
	const char *why = NULL, *target;

	(void)state;
	assert_null(api_token_load(write_file("short", "0123456789abcde\n", 0600), &why));
	assert_non_null(strstr(why, "at least 16"));
	assert_null(api_token_load(write_file("empty", "\n\n", 0600), &why));
	assert_null(api_token_load(write_file("space", "0123456789 abcdef\n", 0600), &why));
	assert_non_null(strstr(why, "spaces"));
	snprintf(link_path, sizeof(link_path), "%s/none", dir);
	assert_null(api_token_load(link_path, &why));
	target = write_file("target", TOKEN "\n", 0600);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	assert_int_equal(symlink(target, link_path), 0);
	assert_null(api_token_load(link_path, &why));
	assert_non_null(strstr(why, "symbolic link"));
	assert_null(api_token_load(dir, &why));
}

static void test_only_the_exact_bearer_token_matches(void **state)
{
	(void)state;
	assert_true(api_token_matches(TOKEN, "Bearer " TOKEN));
	assert_true(api_token_matches(TOKEN, "bearer " TOKEN)); /* the scheme has no case */
	assert_false(api_token_matches(TOKEN, NULL));
	assert_false(api_token_matches(TOKEN, ""));
	assert_false(api_token_matches(TOKEN, "Bearer "));
	assert_false(api_token_matches(TOKEN, TOKEN));
	assert_false(api_token_matches(TOKEN, "Basic " TOKEN));
	assert_false(api_token_matches(TOKEN, "Bearer " TOKEN "x"));
	assert_false(api_token_matches(TOKEN, "Bearer 0123456789abcdef-toke"));
	assert_false(api_token_matches(TOKEN, "Bearer 0123456789abcdef-tokeN"));
	assert_false(api_token_matches(TOKEN, "Bearer  " TOKEN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_first_line_trimmed_is_the_token),
	    cmocka_unit_test(test_a_file_others_may_read_or_write_is_refused),
	    cmocka_unit_test(test_short_spaced_missing_and_linked_tokens_are_refused),
	    cmocka_unit_test(test_only_the_exact_bearer_token_matches),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
