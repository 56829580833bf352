/* src/util: the arena, the string map and the diagnostics list whose
 * printed form tests/bad compares byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/strmap.h"

static void test_arena(void **state)
{
	struct arena a;
	char *s, *big, *grown;
	int *ints;

	(void)state;
	arena_init(&a);
	ints = arena_alloc(&a, 10 * sizeof(*ints));
	for (int i = 0; i < 10; i++)
		assert_int_equal(ints[i], 0); /* zeroed */
	assert_int_equal((uintptr_t)ints % alignof(max_align_t), 0);
	s = arena_strdup(&a, "vlan100");
	assert_string_equal(s, "vlan100");
	assert_int_equal((uintptr_t)arena_alloc(&a, 1) % alignof(max_align_t), 0);
	assert_string_equal(arena_strndup(&a, "bond0.100", 5), "bond0");
	/* larger than a block: gets its own */
	big = arena_alloc(&a, 200000);
	memset(big, 0x5a, 200000);
	assert_string_equal(s, "vlan100"); /* earlier data untouched */
	for (int i = 0; i < 10; i++)
		ints[i] = i;
	grown = arena_grow(&a, ints, 10, 20, sizeof(*ints));
	for (int i = 0; i < 10; i++)
		assert_int_equal(((int *)grown)[i], i);
	for (int i = 10; i < 20; i++)
		assert_int_equal(((int *)grown)[i], 0);
	assert_true(a.used_bytes >= 200000 + 20 * sizeof(int));
	arena_done(&a);
	assert_null(a.head);
	assert_int_equal(a.used_bytes, 0);
}

static void test_strmap(void **state)
{
	struct strmap m;
	char keys[3000][8];
	size_t v = 0;

	(void)state;
	strmap_init(&m);
	assert_false(strmap_get(&m, "eth0", &v)); /* empty map, no table yet */
	for (size_t i = 0; i < 3000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "if%zu", i);
		assert_true(strmap_put(&m, keys[i], i));
	}
	assert_int_equal(m.count, 3000);
	assert_true(m.cap >= 6000); /* at most half full */
	for (size_t i = 0; i < 3000; i++) {
		assert_true(strmap_get(&m, keys[i], &v));
		assert_int_equal(v, i);
	}
	/* a duplicate keeps the first value */
	assert_false(strmap_put(&m, "if7", 99));
	assert_true(strmap_get(&m, "if7", &v));
	assert_int_equal(v, 7);
	assert_false(strmap_get(&m, "if3000", &v));
	assert_true(strmap_get(&m, "if1", NULL));
	strmap_done(&m);
	assert_int_equal(m.count, 0);
	/* FNV-1a test vectors */
	assert_int_equal(strmap_hash(""), 0x811c9dc5u);
	assert_int_equal(strmap_hash("a"), 0xe40c292cu);
	assert_int_equal(strmap_hash("foobar"), 0xbf9cf968u);
	assert_int_equal(strmap_hash_bytes(strmap_hash("foo"), "bar", 3), strmap_hash("foobar"));
}

static char *print(struct diag_list *dl)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	diag_list_print(dl, f);
	fclose(f);
	return buf;
}

static void test_diag(void **state)
{
	struct diag_list dl;

	(void)state;
	diag_list_init(&dl, "tests/bad/x.yaml");
	assert_false(diag_list_has_errors(&dl));
	diag_warning(&dl, (struct src_pos){7, 3}, "w %d", 1);
	assert_false(diag_list_has_errors(&dl));
	diag_error(&dl, (struct src_pos){9, 5}, "second at 9:5");
	diag_error(&dl, (struct src_pos){3, 10}, "at 3:10");
	diag_error(&dl, (struct src_pos){9, 5}, "third at 9:5");
	diag_error(&dl, (struct src_pos){3, 2}, "at 3:2");
	diag_error(&dl, (struct src_pos){0, 0}, "whole file");
	for (int i = 0; i < 20; i++) /* past the first allocation */
		diag_error(&dl, (struct src_pos){100 + i, 1}, "n%d", i);
	assert_int_equal(dl.count, 26);
	assert_int_equal(dl.errors, 25);
	assert_true(diag_list_has_errors(&dl));
	diag_list_sort(&dl);
	/* by line, then column, then the order they were added in */
	assert_string_equal(dl.items[0].msg, "whole file");
	assert_string_equal(dl.items[1].msg, "at 3:2");
	assert_string_equal(dl.items[2].msg, "at 3:10");
	assert_string_equal(dl.items[3].msg, "w 1");
	assert_string_equal(dl.items[4].msg, "second at 9:5");
	assert_string_equal(dl.items[5].msg, "third at 9:5");
	assert_string_equal(dl.items[25].msg, "n19");
	dl.count = 4; /* print the first four only; done() still frees all */
	assert_string_equal(print(&dl), "tests/bad/x.yaml: error: whole file\n"
					"tests/bad/x.yaml:3:2: error: at 3:2\n"
					"tests/bad/x.yaml:3:10: error: at 3:10\n"
					"tests/bad/x.yaml:7:3: warning: w 1\n");
	dl.count = 26;
	diag_list_done(&dl);
	assert_null(dl.items);
	assert_int_equal(dl.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arena),
	    cmocka_unit_test(test_strmap),
	    cmocka_unit_test(test_diag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
