/* The keepalived configuration language, as keepalived itself reads it:
 * lines of keywords and arguments, blocks in `{` `}`, comments `#` and `!`,
 * quoted strings, `include` with globs, `@ID` / `@^ID` conditional lines
 * decided for one config-id, and `$NAME=VALUE` parameters. The parser is
 * pure: files and globs come through a reader the caller gives (vipctl
 * reads the disk, the fuzz target hands back bytes). */
#ifndef VIPD_IMPORT_KEEPALIVED_H
#define VIPD_IMPORT_KEEPALIVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/arena.h"

/* What the parser may read. Both return 0 or a negative errno. */
struct kad_reader {
	/* The whole file, malloc'd and NUL-terminated (the parser frees it). */
	int (*read)(void *arg, const char *path, char **buf, size_t *len);
	/* The paths a pattern names, sorted; malloc'd array of malloc'd strings
	 * (the parser frees them). No match: 0 with *n == 0. */
	int (*glob)(void *arg, const char *pattern, char ***paths, size_t *n);
	void *arg;
};

/* One message: "FILE:LINE: warning: TEXT" (or error). */
struct kad_msg {
	const char *file;
	int line;
	bool error;
	const char *text;
};

struct kad_msgs {
	struct kad_msg *v;
	size_t n, cap;
	size_t errors;
};

/* One statement: a keyword, its arguments, and the block it opens. */
struct kad_node {
	const char *file; /* the file it was read from (an include's own path) */
	int line;
	const char **argv; /* argv[0] the keyword */
	bool *quoted;	   /* per argument: it was written (partly) in quotes */
	size_t argc;
	bool has_block;
	struct kad_node *child; /* first statement of the block */
	struct kad_node *next;
	bool used; /* set by the mapper: carried over, or warned about */
};

/* A parsed file: its statements, for one config-id. */
struct kad_tree {
	const char *file;
	const char *config_id;
	struct kad_node *root; /* first top-level statement */
};

/* ---- keepalived_lex.c ---- */

enum kad_tok_kind { KAD_WORD, KAD_OPEN, KAD_CLOSE, KAD_EOL };

struct kad_tok {
	enum kad_tok_kind kind;
	const char *text; /* KAD_WORD */
	bool quoted;
	const char *file;
	int line;
};

struct kad_toks {
	struct kad_tok *v;
	size_t n, cap;
};

/* Limits that keep a hostile input bounded (the fuzz target). */
#define KAD_INCLUDE_DEPTH 8
#define KAD_MAX_INCLUDES  256 /* files read through include, in all */
#define KAD_MAX_TOKENS	  (1u << 19)
#define KAD_MAX_LINE	  (64u * 1024)

/* Tokens of `path` (and of what it includes), for config-id `id`.
 * Problems are added to msgs; returns 0, or -1 when the file itself cannot
 * be read (reported). */
int kad_lex_file(struct arena *a, const struct kad_reader *rd, const char *path, const char *id,
		 struct kad_toks *out, struct kad_msgs *msgs);
/* The same over a buffer already in memory (file names the messages). */
int kad_lex_buffer(struct arena *a, const struct kad_reader *rd, const char *file, const char *buf,
		   size_t len, const char *id, struct kad_toks *out, struct kad_msgs *msgs);

/* Splits a command line the way keepalived runs a script without a shell:
 * at unquoted spaces, single and double quotes grouping. NULL-terminated
 * argv in the arena; *argc its length. */
const char **kad_split_command(struct arena *a, const char *cmd, size_t *argc);

/* ---- keepalived_parse.c ---- */

/* Parses a file into a tree. -1 when the file cannot be read. */
int kad_parse_file(struct arena *a, const struct kad_reader *rd, const char *path,
		   const char *config_id, struct kad_tree *out, struct kad_msgs *msgs);
int kad_parse_buffer(struct arena *a, const struct kad_reader *rd, const char *file,
		     const char *buf, size_t len, const char *config_id, struct kad_tree *out,
		     struct kad_msgs *msgs);

/* Messages. The text is copied into the arena. */
__attribute__((format(printf, 6, 7))) void kad_msg_add(struct arena *a, struct kad_msgs *m,
						       bool error, const char *file, int line,
						       const char *fmt, ...);
void kad_msgs_print(const struct kad_msgs *m, FILE *out);
void kad_msgs_done(struct kad_msgs *m);

/* Tree helpers for the mapper. */
const struct kad_node *kad_find(const struct kad_node *first, const char *kw);
const char *kad_arg(const struct kad_node *n, size_t i); /* NULL past the end */

/* ---- keepalived_map.c ---- */

struct kad_import_opts {
	const char *cluster_name; /* NULL: "NODE1-NODE2" */
	const char *nodes[2];	  /* the config-ids, also the node names */
	bool virtual_mac_known;	  /* the model knows vrrp.virtual_mac */
};

/* The two nodes' trees -> cluster.yaml text (malloc'd, in *yaml). Returns
 * 0 when something usable was found and the files agree, else -1 (errors
 * in msgs); warnings for everything not carried over, also listed in the
 * file's comment header. */
int kad_import(struct arena *a, struct kad_tree *t1, struct kad_tree *t2,
	       const struct kad_import_opts *o, char **yaml, struct kad_msgs *msgs);

#endif
