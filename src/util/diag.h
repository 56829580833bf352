/* Diagnostics: compiler-style messages with a source position.
 * Loaders append every problem they find; callers print them all at once. */
#ifndef VIPD_UTIL_DIAG_H
#define VIPD_UTIL_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct src_pos {
	int line; /* 1-based; 0 = no position (whole file) */
	int col;  /* 1-based */
};

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	struct src_pos pos;
	enum diag_severity severity;
	char *msg;
	size_t seq; /* insertion order, keeps the sort stable */
};

struct diag_list {
	const char *file; /* as the user named it */
	struct diag *items;
	size_t count, cap;
	size_t errors;
};

void diag_list_init(struct diag_list *dl, const char *file);
void diag_list_done(struct diag_list *dl);

__attribute__((format(printf, 3, 4))) void diag_error(struct diag_list *dl, struct src_pos pos,
						      const char *fmt, ...);
__attribute__((format(printf, 3, 4))) void diag_warning(struct diag_list *dl, struct src_pos pos,
							const char *fmt, ...);
void diag_vadd(struct diag_list *dl, enum diag_severity sev, struct src_pos pos, const char *fmt,
	       va_list ap);

/* Sort by position; prints "FILE:LINE:COL: error: MSG" one per line. */
void diag_list_sort(struct diag_list *dl);
void diag_list_print(struct diag_list *dl, FILE *out);
/* One diagnostic as a line without its newline: "FILE:LINE:COL: error: MSG"
 * ("FILE: error: MSG" without a position). Malloc'd; NULL when out of
 * memory. */
char *diag_line(const struct diag_list *dl, const struct diag *d);
bool diag_list_has_errors(const struct diag_list *dl);

#endif
