/* The keepalived language, line by line: conditionals, parameters,
 * includes, then words, quotes and braces. keepalived reads its file a
 * line at a time, so the tokens keep their line and an end-of-line mark. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import/keepalived.h"

#define KAD_MAX_VARS	  1024
#define KAD_SUBST_ROUNDS  8
#define KAD_CONTINUED_MAX 256 /* lines of one multi-line parameter */

struct kad_var {
	const char *name;
	const char *value;
};

struct lex_ctx {
	struct arena *a;
	const struct kad_reader *rd;
	const char *id;
	struct kad_toks *out;
	struct kad_msgs *msgs;
	struct kad_var *vars;
	size_t n_vars, cap_vars;
	int depth;
	unsigned includes; /* files read through include so far */
	bool full;	   /* KAD_MAX_TOKENS reached (said once) */
};

/* ---- tokens ---- */

static void push(struct lex_ctx *c, enum kad_tok_kind k, const char *text, bool quoted,
		 const char *file, int line)
{
	struct kad_toks *t = c->out;

	if (t->n >= KAD_MAX_TOKENS) {
		if (!c->full)
			kad_msg_add(c->a, c->msgs, true, file, line,
				    "more than %u words: the rest of the configuration is ignored",
				    KAD_MAX_TOKENS);
		c->full = true;
		return;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;

		t->v = arena_grow(c->a, t->v, t->n, cap, sizeof(*t->v));
		t->cap = cap;
	}
	t->v[t->n++] =
	    (struct kad_tok){.kind = k, .text = text, .quoted = quoted, .file = file, .line = line};
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static bool is_name_char(char ch, bool first)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One escape inside quotes, as keepalived's (and the shell's) $'...': *p
 * is at the backslash; returns the character and advances *p past it. */
static char unescape(const char **p)
{
	const char *s = *p + 1;
	char ch = *s++;
	int v = 0;

	switch (ch) {
	case 'a':
		ch = '\a';
		break;
	case 'b':
		ch = '\b';
		break;
	case 'E':
		ch = 27;
		break;
	case 'f':
		ch = '\f';
		break;
	case 'n':
		ch = '\n';
		break;
	case 'r':
		ch = '\r';
		break;
	case 't':
		ch = '\t';
		break;
	case 'v':
		ch = '\v';
		break;
	case 'x':
		while (hex_value(*s) >= 0)
			v = (v * 16 + hex_value(*s++)) & 0xff;
		ch = (char)v;
		break;
	case 'c':
		ch = *s ? (char)(*s++ & 0x1f) : 'c';
		break;
	default:
		if (ch >= '0' && ch <= '7') {
			v = ch - '0';
			for (int i = 0; i < 2 && *s >= '0' && *s <= '7'; i++)
				v = v * 8 + (*s++ - '0');
			ch = (char)(v & 0xff);
		}
		break;
	}
	*p = s;
	return ch ? ch : ' ';
}

/* One word at *p: quotes group and vanish, braces end it. scratch holds
 * at least the rest of the line; the word is copied to the arena at its
 * own length (a long line of short words stays linear). */
static const char *read_word(struct lex_ctx *c, const char **pp, char *scratch, bool *quoted,
			     const char *file, int line)
{
	const char *p = *pp;
	size_t n = 0;
	char inq = 0;

	*quoted = false;
	while (*p && (inq || (!is_space(*p) && *p != '{' && *p != '}'))) {
		if (!inq && (*p == '"' || *p == '\'')) {
			inq = *p++;
			*quoted = true;
		} else if (inq && *p == inq) {
			inq = 0;
			p++;
		} else if (inq && *p == '\\' && p[1]) {
			scratch[n++] = unescape(&p);
		} else {
			scratch[n++] = *p++;
		}
	}
	if (inq)
		kad_msg_add(c->a, c->msgs, false, file, line,
			    "quote %c is not closed: the string ends at the end of the line", inq);
	*pp = p;
	return arena_strndup(c->a, scratch, n);
}

static bool is_include(const char *w)
{
	static const char *const kws[] = {"include",  "includer", "includem",
					  "includew", "includeb", "includea"};

	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (strcmp(w, kws[i]) == 0)
			return true;
	return false;
}

static void lex_text(struct lex_ctx *c, const char *file, const char *buf, size_t len);

/* A pattern relative to the including file's folder, as keepalived does. */
static char *include_pattern(const char *file, const char *pat)
{
	const char *slash = strrchr(file, '/');
	size_t dlen = slash ? (size_t)(slash - file) + 1 : 0;
	char *out;

	if (pat[0] == '/' || !dlen)
		return strdup(pat);
	out = malloc(dlen + strlen(pat) + 1);
	if (!out)
		return NULL;
	memcpy(out, file, dlen);
	strcpy(out + dlen, pat);
	return out;
}

static void include_one(struct lex_ctx *c, const char *path, const char *from, int line)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	/* includes that include each other more than once multiply: bounded */
	if (++c->includes > KAD_MAX_INCLUDES) {
		if (c->includes == KAD_MAX_INCLUDES + 1)
			kad_msg_add(c->a, c->msgs, true, from, line,
				    "include %s: more than %d files included in all: the rest is "
				    "ignored",
				    path, KAD_MAX_INCLUDES);
		return;
	}
	rc = c->rd && c->rd->read ? c->rd->read(c->rd->arg, path, &buf, &len) : -ENOENT;
	if (rc < 0) {
		kad_msg_add(c->a, c->msgs, false, from, line, "include %s: cannot read it (%s)",
			    path, strerror(-rc));
		return;
	}
	c->depth++;
	lex_text(c, arena_strdup(c->a, path), buf, len);
	c->depth--;
	free(buf);
}

static void do_include(struct lex_ctx *c, const char *pat, const char *file, int line)
{
	char *full = include_pattern(file, pat);
	char **paths = NULL;
	size_t n = 0;
	int rc;

	if (!full)
		return;
	if (c->depth >= KAD_INCLUDE_DEPTH) {
		kad_msg_add(c->a, c->msgs, true, file, line,
			    "include %s: includes nested deeper than %d (a loop?)", pat,
			    KAD_INCLUDE_DEPTH);
		free(full);
		return;
	}
	rc = c->rd && c->rd->glob ? c->rd->glob(c->rd->arg, full, &paths, &n) : -ENOSYS;
	if (rc < 0)
		kad_msg_add(c->a, c->msgs, false, file, line, "include %s: %s", pat, strerror(-rc));
	else if (n == 0)
		kad_msg_add(c->a, c->msgs, false, file, line, "include %s matched no file", pat);
	for (size_t i = 0; i < n; i++) {
		include_one(c, paths[i], file, line);
		free(paths[i]);
	}
	free(paths);
	free(full);
}

/* Words of one logical line; an include is followed here. */
static void tokenize(struct lex_ctx *c, const char *text, const char *file, int line)
{
	const char *p = text;
	size_t first = c->out->n;
	char *scratch = malloc(strlen(text) + 1);

	if (!scratch)
		return;
	for (;;) {
		bool quoted;
		const char *w;

		while (is_space(*p))
			p++;
		if (!*p || *p == '#' || *p == '!')
			break;
		if (*p == '{' || *p == '}') {
			push(c, *p == '{' ? KAD_OPEN : KAD_CLOSE, NULL, false, file, line);
			p++;
			continue;
		}
		w = read_word(c, &p, scratch, &quoted, file, line);
		push(c, KAD_WORD, w, quoted, file, line);
	}
	free(scratch);
	if (c->out->n > first && c->out->v[first].kind == KAD_WORD && !c->out->v[first].quoted &&
	    is_include(c->out->v[first].text)) {
		size_t end = c->out->n, n = 0;
		const char **pats = arena_alloc(c->a, (end - first) * sizeof(*pats));

		/* the include line itself is no statement; its patterns are kept
		 * aside, since the included tokens take their places */
		for (size_t i = first + 1; i < end; i++)
			if (c->out->v[i].kind == KAD_WORD)
				pats[n++] = c->out->v[i].text;
		c->out->n = first;
		if (!n)
			kad_msg_add(c->a, c->msgs, false, file, line,
				    "include without a file name");
		for (size_t i = 0; i < n; i++)
			do_include(c, pats[i], file, line);
		return;
	}
	if (c->out->n > first)
		push(c, KAD_EOL, NULL, false, file, line);
}

static const char *var_get(const struct lex_ctx *c, const char *name, size_t len)
{
	for (size_t i = c->n_vars; i-- > 0;)
		if (strlen(c->vars[i].name) == len && memcmp(c->vars[i].name, name, len) == 0)
			return c->vars[i].value;
	return NULL;
}

static void var_set(struct lex_ctx *c, const char *name, size_t len, const char *value,
		    const char *file, int line)
{
	if (c->n_vars >= KAD_MAX_VARS) {
		kad_msg_add(c->a, c->msgs, true, file, line, "more than %d parameters",
			    KAD_MAX_VARS);
		return;
	}
	if (c->n_vars == c->cap_vars) {
		size_t cap = c->cap_vars ? c->cap_vars * 2 : 16;

		c->vars = arena_grow(c->a, c->vars, c->n_vars, cap, sizeof(*c->vars));
		c->cap_vars = cap;
	}
	c->vars[c->n_vars++] = (struct kad_var){.name = arena_strndup(c->a, name, len),
						.value = arena_strdup(c->a, value)};
}

/* One round of $NAME / ${NAME} replacement; NULL when nothing changed. A
 * $NAME needs whitespace (or the end) after it; undefined names stay. */
static char *subst_once(struct lex_ctx *c, const char *s)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *out = malloc(cap);
	bool changed = false;

	if (!out)
		return NULL;
	while (*s) {
		const char *name = NULL, *val;
		size_t nlen = 0, skip = 0;

		if (s[0] == '$' && s[1] == '{') {
			const char *e = strchr(s + 2, '}');

			if (e) {
				name = s + 2;
				nlen = (size_t)(e - name);
				skip = nlen + 3;
			}
		} else if (s[0] == '$' && is_name_char(s[1], true)) {
			name = s + 1;
			while (is_name_char(name[nlen], false))
				nlen++;
			if (name[nlen] && !is_space(name[nlen]))
				name = NULL;
			skip = nlen + 1;
		}
		val = name ? var_get(c, name, nlen) : NULL;
		if (!val) {
			out[n++] = *s++;
			continue;
		}
		if (n + strlen(val) + strlen(s) + 1 > KAD_MAX_LINE) {
			free(out);
			return NULL;
		}
		cap = n + strlen(val) + strlen(s) + 1;
		out = realloc(out, cap);
		if (!out)
			return NULL;
		memcpy(out + n, val, strlen(val));
		n += strlen(val);
		s += skip;
		changed = true;
	}
	out[n] = '\0';
	if (!changed) {
		free(out);
		return NULL;
	}
	return out;
}

static char *substitute(struct lex_ctx *c, const char *text)
{
	char *cur = NULL;

	if (!c->n_vars || !strchr(text, '$'))
		return NULL;
	for (int r = 0; r < KAD_SUBST_ROUNDS; r++) {
		char *next = subst_once(c, cur ? cur : text);

		if (!next)
			break;
		free(cur);
		cur = next;
	}
	return cur;
}

/* `@ID rest` / `@^ID rest`: the rest when it applies to this config-id,
 * NULL when the line is for another node. */
static const char *conditional(const struct lex_ctx *c, const char *p)
{
	bool neg = p[1] == '^';
	const char *w = p + (neg ? 2 : 1), *e = w;
	bool match;

	while (*e && !is_space(*e))
		e++;
	match = c->id && strlen(c->id) == (size_t)(e - w) && memcmp(c->id, w, (size_t)(e - w)) == 0;
	if (match == neg)
		return NULL;
	while (is_space(*e))
		e++;
	return e;
}

/* `$NAME=VALUE`: the length of NAME when p is a definition, else 0. */
static size_t definition(const char *p)
{
	size_t n = 1;

	if (p[0] != '$' || !is_name_char(p[1], true))
		return 0;
	while (is_name_char(p[n], false))
		n++;
	return p[n] == '=' ? n - 1 : 0;
}

static void lex_logical(struct lex_ctx *c, const char *text, const char *file, int line, int round);

static void lex_substituted(struct lex_ctx *c, char *text, const char *file, int line, int round)
{
	char *save = NULL;

	/* a multi-line parameter brings its lines back */
	for (char *piece = strtok_r(text, "\n", &save); piece; piece = strtok_r(NULL, "\n", &save))
		lex_logical(c, piece, file, line, round + 1);
}

/* One line after the physical reading: conditional, definition,
 * substitution (whose result may be a conditional line again), words. */
static void lex_logical(struct lex_ctx *c, const char *text, const char *file, int line, int round)
{
	const char *p = text;
	size_t nlen;
	char *sub;

	while (is_space(*p))
		p++;
	if (*p == '@') {
		p = conditional(c, p);
		if (!p)
			return;
	}
	nlen = definition(p);
	if (nlen) {
		var_set(c, p + 1, nlen, p + nlen + 2, file, line);
		return;
	}
	sub = round < 2 ? substitute(c, p) : NULL;
	if (sub) {
		lex_substituted(c, sub, file, line, round);
		free(sub);
		return;
	}
	tokenize(c, p, file, line);
}

/* A definition's value continued with a trailing backslash on the next
 * lines: the lines are kept apart (the value is several lines). */
static size_t read_continued(struct lex_ctx *c, const char *buf, size_t len, size_t pos,
			     char **text, int *lines)
{
	size_t tl = strlen(*text);

	while (tl && (*text)[tl - 1] == '\\' && pos < len && *lines < KAD_CONTINUED_MAX) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		char *t;

		if (tl + l + 2 > KAD_MAX_LINE)
			break;
		t = realloc(*text, tl + l + 2);
		if (!t)
			break;
		t[tl - 1] = '\n';
		memcpy(t + tl, buf + pos, l);
		t[tl + l] = '\0';
		for (size_t i = tl; i < tl + l; i++)
			if (t[i] == '\0')
				t[i] = ' ';
		*text = t;
		tl = strlen(t);
		pos += l + (nl ? 1 : 0);
		(*lines)++;
	}
	(void)c;
	return pos;
}

static void lex_text(struct lex_ctx *c, const char *file, const char *buf, size_t len)
{
	size_t pos = 0;
	int line = 0;

	while (pos < len && !c->full) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		int first = ++line, extra = 0;
		char *text;

		if (l > KAD_MAX_LINE) {
			kad_msg_add(c->a, c->msgs, true, file, line,
				    "line longer than %u bytes: ignored", KAD_MAX_LINE);
			pos += l + (nl ? 1 : 0);
			continue;
		}
		text = malloc(l + 1);
		if (!text)
			return;
		for (size_t i = 0; i < l; i++) /* a NUL byte cannot end the line early */
			text[i] = buf[pos + i] ? buf[pos + i] : ' ';
		text[l] = '\0';
		pos += l + (nl ? 1 : 0);
		{
			const char *p = text;

			while (is_space(*p))
				p++;
			if (*p == '$' && definition(p))
				pos = read_continued(c, buf, len, pos, &text, &extra);
		}
		lex_logical(c, text, file, first, 0);
		line += extra;
		free(text);
	}
}

int kad_lex_buffer(struct arena *a, const struct kad_reader *rd, const char *file, const char *buf,
		   size_t len, const char *id, struct kad_toks *out, struct kad_msgs *msgs)
{
	struct lex_ctx c = {.a = a, .rd = rd, .id = id, .out = out, .msgs = msgs};

	lex_text(&c, arena_strdup(a, file), buf, len);
	return 0;
}

int kad_lex_file(struct arena *a, const struct kad_reader *rd, const char *path, const char *id,
		 struct kad_toks *out, struct kad_msgs *msgs)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = rd && rd->read ? rd->read(rd->arg, path, &buf, &len) : -ENOENT;

	if (rc < 0) {
		kad_msg_add(a, msgs, true, arena_strdup(a, path), 0, "cannot read it: %s",
			    strerror(-rc));
		return -1;
	}
	kad_lex_buffer(a, rd, path, buf, len, id, out, msgs);
	free(buf);
	return 0;
}

const char **kad_split_command(struct arena *a, const char *cmd, size_t *argc)
{
	size_t cap = strlen(cmd) / 2 + 2, n = 0;
	const char **argv = arena_alloc(a, cap * sizeof(*argv));
	char *w = malloc(strlen(cmd) + 1);
	const char *p = cmd;

	for (;;) {
		size_t k = 0;
		char inq = 0;

		while (is_space(*p) || *p == '\n')
			p++;
		if (!*p || !w)
			break;
		while (*p && (inq || (!is_space(*p) && *p != '\n'))) {
			if (!inq && (*p == '"' || *p == '\''))
				inq = *p++;
			else if (inq && *p == inq)
				inq = 0, p++;
			else
				w[k++] = *p++;
		}
		argv[n++] = arena_strndup(a, w, k);
	}
	free(w);
	argv[n] = NULL;
	*argc = n;
	return argv;
}
