/* src/model/load_limits.c and loader.c: what a hostile or broken file
 * cannot do. Deep nesting, alias expansion and extra documents are refused
 * before libyaml composes the document; vipd refuses a file that is not
 * regular, too large, or writable by someone other than root. */
#include "model_test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/load_limits.h"
#include "model/loader.h"

/* A valid file with an anchor used twice: aliases stay allowed. */
static const char with_alias[] = MT_HEAD "  eth0:\n"
					 "    type: ethernet\n"
					 "    gateway_check: &gc {interval: 200ms, fall: 2}\n"
					 "  eth1:\n"
					 "    type: ethernet\n"
					 "    gateway_check: *gc\n";

static char *repeat(const char *open, const char *close, size_t n)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = malloc(n * (lo + lc) + 1), *p = s;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	for (size_t i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

static void test_aliases_still_load(void **state)
{
	struct model *m = mt_load_ok(with_alias);

	(void)state;
	model_free(m);
}

/* 200,000 levels of '[' (400 KB): libyaml alone takes minutes on it, as
 * it checks every open level on every token; refused at level 17. */
static void test_deep_flow_nesting_refused(void **state)
{
	char *deep = repeat("[", "]", 200000);

	(void)state;
	mt_expect_one(deep, 1, 17, "nesting deeper than 16 levels", NULL);
	free(deep);
}

static void test_deep_block_nesting_refused(void **state)
{
	char text[4096] = "";
	size_t off = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%*sk%d:\n", 2 * i, "", i);
	snprintf(text + off, sizeof(text) - off, "%*sv\n", 40, "");
	mt_expect_one(text, 17, 33, "nesting deeper than 16 levels", NULL);
}

/* Nine levels of nine aliases each: 9^9 nodes if walked. */
static void test_alias_bomb_refused(void **state)
{
	char text[8192];
	size_t off = (size_t)snprintf(text, sizeof(text), "a0: &a0 [x, x, x, x, x, x, x, x, x]\n");

	(void)state;
	for (int i = 1; i < 10; i++) {
		off += (size_t)snprintf(text + off, sizeof(text) - off, "a%d: &a%d [", i, i);
		for (int j = 0; j < 9; j++)
			off += (size_t)snprintf(text + off, sizeof(text) - off, "%s*a%d",
						j ? ", " : "", i - 1);
		off += (size_t)snprintf(text + off, sizeof(text) - off, "]\n");
	}
	mt_expect_one(text, 8, 10, "more than 8000000 YAML nodes", NULL);
}

static void test_second_document_refused(void **state)
{
	(void)state;
	mt_expect_one(MT_HEAD "  eth0: {type: ethernet}\n---\ncluster: {}\n", 6, 1,
		      "a second YAML document", NULL);
}

static void test_nul_refused(void **state)
{
	static const char text[] = MT_HEAD "  eth0: {type: \"ether\0net\"}\n";
	struct diag_list dl;
	struct model *m = NULL;

	(void)state;
	diag_list_init(&dl, "t.yaml");
	assert_int_equal(model_load_buffer(text, sizeof(text) - 1, "t.yaml", &m, &dl), -EINVAL);
	assert_int_equal(dl.errors, 1);
	assert_non_null(strstr(dl.items[0].msg, "NUL byte"));
	diag_list_done(&dl);
	model_free(m);
}

/* ---- the loader: what vipd accepts as its file ---- */

struct tmp {
	char dir[64];
	char path[128];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "/tmp/vipd-limits-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/cluster.yaml", t->dir);
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Loads path; returns the result, and the one error's message in msg. */
static int load(const char *path, enum model_file_trust trust, char *msg, size_t len)
{
	struct diag_list dl;
	struct model *m = NULL;
	int rc;

	diag_list_init(&dl, path);
	rc = model_load_file(path, trust, &m, &dl);
	msg[0] = '\0';
	if (dl.count)
		snprintf(msg, len, "%s", dl.items[0].msg);
	assert_true(rc == 0 ? dl.errors == 0 : dl.errors == 1);
	diag_list_done(&dl);
	model_free(m);
	return rc;
}

static void test_trusted_file_loads(void **state)
{
	struct tmp *t = *state;
	char msg[256];

	write_file(t->path, with_alias, 0644);
	assert_int_equal(load(t->path, MODEL_FILE_ROOT_ONLY, msg, sizeof(msg)), 0);
}

static void test_writable_by_others_refused(void **state)
{
	struct tmp *t = *state;
	char msg[256];

	write_file(t->path, with_alias, 0664);
	assert_int_equal(load(t->path, MODEL_FILE_ROOT_ONLY, msg, sizeof(msg)), -EPERM);
	assert_non_null(strstr(msg, "writable by group or others (mode 0664)"));
	/* vipctl reads it */
	assert_int_equal(load(t->path, MODEL_FILE_ANY, msg, sizeof(msg)), 0);
}

static void test_foreign_owner_refused(void **state)
{
	struct tmp *t = *state;
	char msg[256];

	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	write_file(t->path, with_alias, 0644);
	assert_int_equal(chown(t->path, 65534, 65534), 0);
	assert_int_equal(load(t->path, MODEL_FILE_ROOT_ONLY, msg, sizeof(msg)), -EPERM);
	assert_non_null(strstr(msg, "owned by uid 65534"));
}

/* A FIFO with no writer would block a reader for ever: refused at once. */
static void test_fifo_refused_without_blocking(void **state)
{
	struct tmp *t = *state;
	char msg[256];

	assert_int_equal(mkfifo(t->path, 0600), 0);
	assert_int_equal(load(t->path, MODEL_FILE_ROOT_ONLY, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "is a FIFO"));
}

static void test_directory_refused(void **state)
{
	struct tmp *t = *state;
	char msg[256];

	assert_int_equal(load(t->dir, MODEL_FILE_ROOT_ONLY, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "is a directory"));
}

static void test_oversized_file_refused(void **state)
{
	struct tmp *t = *state;
	char msg[256];
	static const char line[] = "# a comment line, repeated past the limit: text that parses\n";
	FILE *f = fopen(t->path, "w");

	assert_non_null(f);
	for (size_t n = 0; n * (sizeof(line) - 1) <= MODEL_FILE_MAX_LEN; n++)
		fputs(line, f);
	assert_int_equal(fclose(f), 0);
	chmod(t->path, 0644);
	assert_int_equal(load(t->path, MODEL_FILE_ANY, msg, sizeof(msg)), -EFBIG);
	assert_non_null(strstr(msg, "is larger than 32 MiB"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aliases_still_load),
	    cmocka_unit_test(test_deep_flow_nesting_refused),
	    cmocka_unit_test(test_deep_block_nesting_refused),
	    cmocka_unit_test(test_alias_bomb_refused),
	    cmocka_unit_test(test_second_document_refused),
	    cmocka_unit_test(test_nul_refused),
	    cmocka_unit_test_setup_teardown(test_trusted_file_loads, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_writable_by_others_refused, tmp_setup,
					    tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_owner_refused, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_fifo_refused_without_blocking, tmp_setup,
					    tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_directory_refused, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_oversized_file_refused, tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
