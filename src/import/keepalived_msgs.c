/* Messages of the importer, "FILE:LINE: warning: TEXT": one list for both
 * files and what they include, in the order they were found. */
#include <stdarg.h>
#include <stdio.h>

#include "import/keepalived_internal.h"

void kad_msg_add(struct arena *a, struct kad_msgs *m, bool error, const char *file, int line,
		 const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;

		m->v = arena_grow(a, m->v, m->n, cap, sizeof(*m->v));
		m->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	m->v[m->n++] = (struct kad_msg){
	    .file = file, .line = line, .error = error, .text = arena_strdup(a, buf)};
	if (error)
		m->errors++;
}

void kad_msgs_print(const struct kad_msgs *m, FILE *out)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct kad_msg *g = &m->v[i];

		if (g->line > 0)
			fprintf(out, "%s:%d: %s: %s\n", g->file, g->line,
				g->error ? "error" : "warning", g->text);
		else
			fprintf(out, "%s: %s: %s\n", g->file, g->error ? "error" : "warning",
				g->text);
	}
}

void kad_msgs_done(struct kad_msgs *m)
{
	/* the messages live in the caller's arena */
	m->v = NULL;
	m->n = m->cap = m->errors = 0;
}

void ka_warnf(struct map_ctx *m, struct ka_where w, const char *fmt, ...)
{
	char buf[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kad_msg_add(m->c->a, m->c->msgs, false, w.file, w.line, "%s", buf);
}

void ka_errorf(struct map_ctx *m, struct ka_where w, const char *fmt, ...)
{
	char buf[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kad_msg_add(m->c->a, m->c->msgs, true, w.file, w.line, "%s", buf);
}

void *ka_grow(struct arena *a, void *v, size_t n, size_t elem)
{
	/* room for 4 at first, then doubled whenever n reaches a power of
	 * two: the copies (and the arena's old arrays) stay linear in n */
	if (n == 0)
		return arena_grow(a, v, 0, 4, elem);
	if (n >= 4 && (n & (n - 1)) == 0)
		return arena_grow(a, v, n, n * 2, elem);
	return v;
}
