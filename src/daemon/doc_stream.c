/* Streamed replies (doc_stream.h): the driver's fill loop and the
 * producers' JSON helpers. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "daemon/doc_stream.h"

enum doc_stream_rc doc_stream_fill(struct doc_stream *s, struct evbuffer *out)
{
	size_t before = evbuffer_get_length(out), after;
	enum doc_stream_rc rc = DOC_STREAM_MORE;

	while (rc == DOC_STREAM_MORE && evbuffer_get_length(out) < DOC_STREAM_HIGH)
		rc = s->next(s, out);
	after = evbuffer_get_length(out);
	s->sent += after > before ? after - before : 0;
	return rc;
}

void doc_stream_free(struct doc_stream *s)
{
	bool trim;

	if (!s)
		return;
	trim = s->sent >= DOC_STREAM_TRIM_AT;
	s->free(s);
	if (trim)
		(void)malloc_trim(0);
}

static int add_cb(const char *buf, size_t size, void *data)
{
	return evbuffer_add(data, buf, size);
}

int doc_stream_dump(const json_t *json, struct evbuffer *out, size_t flags)
{
	return json ? json_dump_callback(json, add_cb, out, flags | JSON_ENCODE_ANY) : -1;
}

int doc_stream_add_escaped(struct evbuffer *out, const char *text, size_t len)
{
	json_t *s = json_stringn(text, len);
	char *quoted = s ? json_dumps(s, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	size_t n = quoted ? strlen(quoted) : 0;
	int rc = n >= 2 ? evbuffer_add(out, quoted + 1, n - 2) : -1;

	free(quoted);
	json_decref(s);
	return rc;
}
