/* Tokens -> statements: a keyword with its words up to the end of its line,
 * and the block a `{` opens (statements may follow the `{` and precede
 * the `}` on the same line, as in `virtual_ipaddress { 192.0.2.10 }`). */
#include <string.h>

#include "import/keepalived.h"

#define KAD_MAX_DEPTH 32

struct parse_ctx {
	struct arena *a;
	const struct kad_toks *t;
	size_t pos;
	struct kad_msgs *msgs;
};

static struct kad_node *new_node(struct parse_ctx *c, size_t from, size_t to)
{
	struct kad_node *n = arena_alloc(c->a, sizeof(*n));
	size_t argc = to - from;

	n->file = c->t->v[from].file;
	n->line = c->t->v[from].line;
	n->argv = arena_alloc(c->a, (argc + 1) * sizeof(*n->argv));
	n->quoted = arena_alloc(c->a, (argc + 1) * sizeof(*n->quoted));
	for (size_t i = 0; i < argc; i++) {
		n->argv[i] = c->t->v[from + i].text;
		n->quoted[i] = c->t->v[from + i].quoted;
	}
	n->argc = argc;
	return n;
}

static struct kad_node *parse_block(struct parse_ctx *c, int depth, const struct kad_tok *open);

/* A `{` with no keyword before it: its block is read and dropped. */
static void stray_block(struct parse_ctx *c, int depth)
{
	const struct kad_tok *open = &c->t->v[c->pos++];

	kad_msg_add(c->a, c->msgs, false, open->file, open->line,
		    "a block without a keyword before its '{' is ignored");
	(void)parse_block(c, depth + 1, open);
}

/* One statement starting at a word: its words, then its block if a `{`
 * follows on the same line. */
static struct kad_node *statement(struct parse_ctx *c, int depth)
{
	size_t from = c->pos;
	struct kad_node *n;

	while (c->pos < c->t->n && c->t->v[c->pos].kind == KAD_WORD)
		c->pos++;
	n = new_node(c, from, c->pos);
	if (c->pos < c->t->n && c->t->v[c->pos].kind == KAD_OPEN) {
		const struct kad_tok *open = &c->t->v[c->pos++];

		n->has_block = true;
		n->child = parse_block(c, depth + 1, open);
	}
	return n;
}

/* Statements up to the `}` that closes `open` (NULL: the top level, up to
 * the end). */
static struct kad_node *parse_block(struct parse_ctx *c, int depth, const struct kad_tok *open)
{
	struct kad_node *first = NULL, **tail = &first;

	if (depth > KAD_MAX_DEPTH) {
		kad_msg_add(c->a, c->msgs, true, open->file, open->line,
			    "blocks nested deeper than %d: the rest is ignored", KAD_MAX_DEPTH);
		c->pos = c->t->n;
		return NULL;
	}
	while (c->pos < c->t->n) {
		const struct kad_tok *k = &c->t->v[c->pos];

		switch (k->kind) {
		case KAD_EOL:
			c->pos++;
			break;
		case KAD_CLOSE:
			c->pos++;
			if (open)
				return first;
			kad_msg_add(c->a, c->msgs, false, k->file, k->line,
				    "'}' without an open block is ignored");
			break;
		case KAD_OPEN:
			stray_block(c, depth);
			break;
		case KAD_WORD:
			*tail = statement(c, depth);
			tail = &(*tail)->next;
			break;
		}
	}
	if (open)
		kad_msg_add(c->a, c->msgs, false, open->file, open->line,
			    "the block opened here is not closed before the end of the file");
	return first;
}

int kad_parse_buffer(struct arena *a, const struct kad_reader *rd, const char *file,
		     const char *buf, size_t len, const char *config_id, struct kad_tree *out,
		     struct kad_msgs *msgs)
{
	struct kad_toks toks = {0};
	struct parse_ctx c = {.a = a, .t = &toks, .msgs = msgs};

	kad_lex_buffer(a, rd, file, buf, len, config_id, &toks, msgs);
	out->file = arena_strdup(a, file);
	out->config_id = config_id ? arena_strdup(a, config_id) : NULL;
	out->root = parse_block(&c, 0, NULL);
	return 0;
}

int kad_parse_file(struct arena *a, const struct kad_reader *rd, const char *path,
		   const char *config_id, struct kad_tree *out, struct kad_msgs *msgs)
{
	struct kad_toks toks = {0};
	struct parse_ctx c = {.a = a, .t = &toks, .msgs = msgs};

	if (kad_lex_file(a, rd, path, config_id, &toks, msgs) < 0)
		return -1;
	out->file = arena_strdup(a, path);
	out->config_id = config_id ? arena_strdup(a, config_id) : NULL;
	out->root = parse_block(&c, 0, NULL);
	return 0;
}

const struct kad_node *kad_find(const struct kad_node *first, const char *kw)
{
	for (const struct kad_node *n = first; n; n = n->next)
		if (n->argc && strcmp(n->argv[0], kw) == 0)
			return n;
	return NULL;
}

const char *kad_arg(const struct kad_node *n, size_t i)
{
	return n && i < n->argc ? n->argv[i] : NULL;
}
