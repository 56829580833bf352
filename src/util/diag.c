#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_list_init(struct diag_list *dl, const char *file)
{
	memset(dl, 0, sizeof(*dl));
	dl->file = file;
}

void diag_list_done(struct diag_list *dl)
{
	for (size_t i = 0; i < dl->count; i++)
		free(dl->items[i].msg);
	free(dl->items);
	memset(dl, 0, sizeof(*dl));
}

void diag_vadd(struct diag_list *dl, enum diag_severity sev, struct src_pos pos, const char *fmt,
	       va_list ap)
{
	struct diag *d;

	if (dl->count == dl->cap) {
		size_t cap = dl->cap ? dl->cap * 2 : 16;
		struct diag *items = realloc(dl->items, cap * sizeof(*items));

		if (!items)
			abort();
		dl->items = items;
		dl->cap = cap;
	}
	d = &dl->items[dl->count];
	d->pos = pos;
	d->severity = sev;
	d->seq = dl->count;
	if (vasprintf(&d->msg, fmt, ap) < 0)
		abort();
	dl->count++;
	if (sev == DIAG_ERROR)
		dl->errors++;
}

void diag_error(struct diag_list *dl, struct src_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(dl, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag_list *dl, struct src_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(dl, DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

static int diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_list_sort(struct diag_list *dl)
{
	if (dl->count > 1)
		qsort(dl->items, dl->count, sizeof(dl->items[0]), diag_cmp);
}

char *diag_line(const struct diag_list *dl, const struct diag *d)
{
	const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";
	char *line = NULL;
	int n;

	if (d->pos.line > 0)
		n = asprintf(&line, "%s:%d:%d: %s: %s", dl->file, d->pos.line, d->pos.col, sev,
			     d->msg);
	else
		n = asprintf(&line, "%s: %s: %s", dl->file, sev, d->msg);
	return n < 0 ? NULL : line;
}

void diag_list_print(struct diag_list *dl, FILE *out)
{
	for (size_t i = 0; i < dl->count; i++) {
		char *line = diag_line(dl, &dl->items[i]);

		if (line)
			fprintf(out, "%s\n", line);
		free(line);
	}
}

bool diag_list_has_errors(const struct diag_list *dl)
{
	return dl->errors > 0;
}
