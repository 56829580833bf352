/* A reply written a batch at a time (issue 16: its memory must not grow
 * with the instance count). The status document (status.c) and the
 * metrics exposition (metrics.c) are producers; the control socket
 * (control.c) and the HTTP server (api_stream.c) drive them: they ask for
 * more only once what they sent has drained below DOC_STREAM_LOW, so a
 * reply holds at most about DOC_STREAM_HIGH bytes, and one producer's
 * batch, in memory at once. A producer keeps no pointer into the runtime
 * between batches, only indexes, so a reload between two batches is safe
 * (each producer says what its document shows then). */
#ifndef VIPD_DAEMON_DOC_STREAM_H
#define VIPD_DAEMON_DOC_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct evbuffer;

#define DOC_STREAM_HIGH (64u << 10) /* fill up to this */
#define DOC_STREAM_LOW	(16u << 10) /* refill when the output is below this */

enum doc_stream_rc {
	DOC_STREAM_MORE = 0, /* call again once out drained */
	DOC_STREAM_DONE = 1, /* the document is complete */
	DOC_STREAM_ERR = -1, /* out of memory: the document is cut, close */
};

struct doc_stream {
	/* Appends the next batch to out. */
	enum doc_stream_rc (*next)(struct doc_stream *s, struct evbuffer *out);
	void (*free)(struct doc_stream *s);
	size_t sent; /* bytes produced so far (doc_stream_fill counts them) */
};

/* A document at least this long gives the allocator's free pages back to
 * the kernel when it is freed (malloc_trim: docs/decisions.md, "vipd's
 * memory"): its batches were freed in the heap's middle, where glibc does
 * not trim by itself. */
#define DOC_STREAM_TRIM_AT (256u << 10)

/* Batches until out holds DOC_STREAM_HIGH bytes or the document ends. */
enum doc_stream_rc doc_stream_fill(struct doc_stream *s, struct evbuffer *out);
/* Frees s (NULL: nothing); trims the heap after a long document. */
void doc_stream_free(struct doc_stream *s);

/* Helpers of the producers. json (jansson's json_t) dumped with flags onto
 * out, without a copy of the whole text: 0 or -1. */
int doc_stream_dump(const json_t *json, struct evbuffer *out, size_t flags);
/* text as the inside of a JSON string (without its quotes), escaped as
 * jansson escapes it, appended to out: 0 or -1 (not UTF-8, out of memory).
 * A text cut into pieces at line ends escapes to the pieces' escapes. */
int doc_stream_add_escaped(struct evbuffer *out, const char *text, size_t len);

#endif
