/* Shared by the model unit tests: load a YAML text and look at the
 * diagnostics. Header-only so that each test stays one executable. */
#ifndef VIPD_TESTS_MODEL_TEST_H
#define VIPD_TESTS_MODEL_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"

/* Loads text; the diagnostics stay in *dl (initialised here, done by the caller). */
static inline int mt_load(const char *yaml, struct model **m, struct diag_list *dl)
{
	diag_list_init(dl, "t.yaml");
	return model_load_buffer(yaml, strlen(yaml), "t.yaml", m, dl);
}

static inline void mt_print(struct diag_list *dl)
{
	diag_list_sort(dl);
	diag_list_print(dl, stderr);
}

/* A model that must load without any diagnostic (warnings included). */
static inline struct model *mt_load_ok(const char *yaml)
{
	struct diag_list dl;
	struct model *m = NULL;
	int rc = mt_load(yaml, &m, &dl);

	if (rc != 0 || dl.count)
		mt_print(&dl);
	assert_int_equal(rc, 0);
	assert_int_equal(dl.count, 0);
	diag_list_done(&dl);
	return m;
}

/* The diagnostic at line:col whose message contains text, or NULL. */
static inline const struct diag *mt_find(const struct diag_list *dl, int line, int col,
					 const char *text)
{
	for (size_t i = 0; i < dl->count; i++) {
		const struct diag *d = &dl->items[i];

		if (d->pos.line == line && d->pos.col == col && strstr(d->msg, text))
			return d;
	}
	return NULL;
}

/* Loads a file that must fail with exactly one error, at line:col, whose
 * message contains every text given (NULL-terminated). */
static inline void mt_expect_one(const char *yaml, int line, int col, ...)
{
	struct diag_list dl;
	struct model *m = NULL;
	const char *text;
	va_list ap;
	int rc = mt_load(yaml, &m, &dl);

	if (dl.count != 1)
		mt_print(&dl);
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(dl.count, 1);
	assert_int_equal(dl.errors, 1);
	if (dl.items[0].pos.line != line || dl.items[0].pos.col != col)
		mt_print(&dl);
	assert_int_equal(dl.items[0].pos.line, line);
	assert_int_equal(dl.items[0].pos.col, col);
	va_start(ap, col);
	while ((text = va_arg(ap, const char *))) {
		if (!strstr(dl.items[0].msg, text))
			fprintf(stderr, "message '%s' lacks '%s'\n", dl.items[0].msg, text);
		assert_non_null(strstr(dl.items[0].msg, text));
	}
	va_end(ap);
	diag_list_done(&dl);
	model_free(m);
}

#define MT_HEAD "cluster:\n  name: lab\n  nodes: [adc1, adc2]\ninterfaces:\n"

/* The instance named "IFACE/SLOT/FAMILY/METHOD"; fails the test if absent. */
static inline const struct vrrp_instance *mt_inst(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->n_instances; i++)
		if (strcmp(m->instances[i].name, name) == 0)
			return &m->instances[i];
	fail_msg("no instance %s", name);
	return NULL;
}

#endif
