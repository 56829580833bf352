/* Limits on a file's YAML before it is composed (load_limits.h). */
#include "model/load_limits.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

struct anchor {
	char *name;
	uint64_t nodes; /* of the anchored subtree */
};

/* An open mapping or sequence. */
struct frame {
	char *anchor;	/* owned; NULL: none */
	uint64_t first; /* nodes counted before it */
};

struct scan {
	struct diag_list *dl;
	struct frame stack[LOAD_MAX_DEPTH];
	unsigned depth;
	uint64_t nodes; /* aliases expanded */
	struct anchor anchors[LOAD_MAX_ANCHORS];
	size_t n_anchors;
	unsigned documents;
};

static struct src_pos event_pos(const yaml_event_t *ev)
{
	return (struct src_pos){.line = (int)ev->start_mark.line + 1,
				.col = (int)ev->start_mark.column + 1};
}

/* Anchors may be redefined: an alias names the latest. */
static const struct anchor *anchor_find(const struct scan *s, const char *name)
{
	for (size_t i = s->n_anchors; i-- > 0;)
		if (strcmp(s->anchors[i].name, name) == 0)
			return &s->anchors[i];
	return NULL;
}

static int anchor_add(struct scan *s, const yaml_event_t *ev, char *name, uint64_t nodes)
{
	if (s->n_anchors == LOAD_MAX_ANCHORS) {
		diag_error(s->dl, event_pos(ev), "more than %d YAML anchors (&name); refused",
			   LOAD_MAX_ANCHORS);
		free(name);
		return -EINVAL;
	}
	s->anchors[s->n_anchors++] = (struct anchor){.name = name, .nodes = nodes};
	return 0;
}

static char *dup_anchor(const yaml_char_t *a)
{
	char *d;

	if (!a)
		return NULL;
	d = strdup((const char *)a);
	if (!d)
		abort();
	return d;
}

static int count(struct scan *s, const yaml_event_t *ev, uint64_t nodes)
{
	s->nodes += nodes;
	if (s->nodes <= LOAD_MAX_NODES)
		return 0;
	diag_error(s->dl, event_pos(ev),
		   "the file has more than %u YAML nodes (aliases expanded); refused",
		   LOAD_MAX_NODES);
	return -EINVAL;
}

static int open_collection(struct scan *s, const yaml_event_t *ev, const yaml_char_t *anchor)
{
	if (s->depth == LOAD_MAX_DEPTH) {
		diag_error(s->dl, event_pos(ev),
			   "nesting deeper than %d levels; refused (a cluster file needs 6)",
			   LOAD_MAX_DEPTH);
		return -EINVAL;
	}
	s->stack[s->depth++] = (struct frame){.anchor = dup_anchor(anchor), .first = s->nodes};
	return count(s, ev, 1);
}

static int close_collection(struct scan *s, const yaml_event_t *ev)
{
	struct frame *f;

	if (s->depth == 0) /* libyaml never does this; the composer would say so */
		return 0;
	f = &s->stack[--s->depth];
	if (!f->anchor)
		return 0;
	return anchor_add(s, ev, f->anchor, s->nodes - f->first);
}

static int on_alias(struct scan *s, const yaml_event_t *ev)
{
	const struct anchor *a = anchor_find(s, (const char *)ev->data.alias.anchor);

	/* an undefined alias is the composer's error to report */
	return a ? count(s, ev, a->nodes) : 0;
}

static int on_scalar(struct scan *s, const yaml_event_t *ev)
{
	int rc = count(s, ev, 1);

	if (rc == 0 && ev->data.scalar.anchor)
		rc = anchor_add(s, ev, dup_anchor(ev->data.scalar.anchor), 1);
	return rc;
}

static int on_document(struct scan *s, const yaml_event_t *ev)
{
	if (++s->documents < 2)
		return 0;
	diag_error(s->dl, event_pos(ev),
		   "a second YAML document starts here; the file must hold exactly one");
	return -EINVAL;
}

/* 1: the stream ended (or libyaml gave up: not our error to report), 0: go
 * on, <0: a limit was passed. */
static int on_event(struct scan *s, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		return on_document(s, ev);
	case YAML_MAPPING_START_EVENT:
		return open_collection(s, ev, ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_START_EVENT:
		return open_collection(s, ev, ev->data.sequence_start.anchor);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return close_collection(s, ev);
	case YAML_SCALAR_EVENT:
		return on_scalar(s, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(s, ev);
	default:
		return 0;
	}
}

static void scan_done(struct scan *s)
{
	for (unsigned i = 0; i < s->depth; i++)
		free(s->stack[i].anchor);
	for (size_t i = 0; i < s->n_anchors; i++)
		free(s->anchors[i].name);
}

int load_check_limits(const char *buf, size_t len, struct diag_list *dl)
{
	struct scan *s = calloc(1, sizeof(*s));
	yaml_parser_t parser;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	s->dl = dl;
	if (!yaml_parser_initialize(&parser)) {
		free(s);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (rc == 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev))
			break; /* a syntax error: the composer reports it */
		rc = on_event(s, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	scan_done(s);
	free(s);
	return rc < 0 ? rc : 0;
}
