/* Streamed HTTP answers (doc_stream.h): GET /api/v1/status and /metrics.
 * The headers go first with a chunked body (evhttp_send_reply_start), then
 * the document a few batches at a time: the next ones only once evhttp has
 * written the last to the socket (evhttp_send_reply_chunk_with_cb), so an
 * answer holds at most about DOC_STREAM_HIGH bytes. A HEAD gets the
 * headers alone.
 *
 * A client that goes mid-answer: libevent 2.1 frees the connection and
 * leaves the reply in progress to us, taken off it (as api_sse.c says):
 * the write callback never comes. The server calls api_streams_sweep from
 * every connection's close callback (http_server.c); the sweep, run from
 * an event made active there (not inside evhttp's free), ends the answers
 * whose connection is gone, which frees their request. Each batch's loop
 * time is taken off the API's budget (api.c), as a whole answer's was;
 * /metrics, which the budget never gated, is not counted. */
#include <stdlib.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "daemon/api.h"
#include "daemon/doc_stream.h"

struct api_stream {
	struct api_streams *all;
	struct api_stream *next;
	struct evhttp_request *req;
	struct doc_stream *doc;
	struct evbuffer *chunk;
	int64_t *budget_us; /* api.c's loop budget, or NULL (/metrics) */
};

struct api_streams {
	struct api_stream *list;
	struct event *sweep;
	size_t n;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void unlink_stream(struct api_stream *st)
{
	struct api_stream **pp = &st->all->list;

	while (*pp && *pp != st)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = st->next;
		st->all->n--;
	}
}

static void stream_free(struct api_stream *st)
{
	unlink_stream(st);
	doc_stream_free(st->doc);
	if (st->chunk)
		evbuffer_free(st->chunk);
	free(st);
}

static void on_sent(struct evhttp_connection *conn, void *arg);

/* The next batches, sent as one chunk; their time is taken off the
 * budget unless the caller (the request's handler, which api.c times
 * whole) does. */
static void pump(struct api_stream *st, bool timed)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(st->req);
	uint64_t start = now_us();
	enum doc_stream_rc rc;

	if (!conn) { /* the client went: ending the reply frees it */
		evhttp_send_reply_end(st->req);
		stream_free(st);
		return;
	}
	rc = doc_stream_fill(st->doc, st->chunk);
	if (st->budget_us && !timed)
		*st->budget_us -= (int64_t)(now_us() - start);
	if (rc == DOC_STREAM_ERR) {
		/* a cut document must not look whole: close, do not end it */
		stream_free(st);
		evhttp_connection_free(conn); /* frees the request */
		return;
	}
	if (rc == DOC_STREAM_MORE) {
		evhttp_send_reply_chunk_with_cb(st->req, st->chunk, on_sent, st);
		return;
	}
	evhttp_send_reply_chunk(st->req, st->chunk);
	evhttp_send_reply_end(st->req);
	stream_free(st);
}

/* evhttp wrote the last chunk to the socket. */
static void on_sent(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	pump(arg, false);
}

void api_stream_start(struct api_streams *all, struct evhttp_request *req, const char *type,
		      struct doc_stream *doc, int64_t *budget_us)
{
	struct api_stream *st = doc ? calloc(1, sizeof(*st)) : NULL;

	if (st)
		st->chunk = evbuffer_new();
	if (!st || !st->chunk) {
		free(st);
		doc_stream_free(doc);
		api_reply_error(req, 500, "out of memory");
		return;
	}
	api_set_headers(req, type);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		evbuffer_free(st->chunk);
		free(st);
		doc_stream_free(doc);
		evhttp_send_reply(req, 200, "OK", NULL);
		return;
	}
	*st = (struct api_stream){.all = all,
				  .next = all->list,
				  .req = req,
				  .doc = doc,
				  .chunk = st->chunk,
				  .budget_us = budget_us};
	all->list = st;
	all->n++;
	evhttp_send_reply_start(req, 200, "OK");
	pump(st, true);
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct api_streams *all = arg;
	struct api_stream *st, *next;

	(void)fd;
	(void)what;
	for (st = all->list; st; st = next) {
		next = st->next;
		if (!evhttp_request_get_connection(st->req)) {
			evhttp_send_reply_end(st->req);
			stream_free(st);
		}
	}
}

void api_streams_sweep(void *arg)
{
	struct api_streams *all = arg;

	if (all && all->n)
		event_active(all->sweep, EV_TIMEOUT, 1);
}

struct api_streams *api_streams_new(struct event_base *base)
{
	struct api_streams *all = calloc(1, sizeof(*all));

	if (!all)
		return NULL;
	all->sweep = event_new(base, -1, 0, on_sweep, all);
	if (!all->sweep) {
		free(all);
		return NULL;
	}
	return all;
}

size_t api_streams_count(const struct api_streams *all)
{
	return all ? all->n : 0;
}

/* vipd stops (before evhttp_free): an answer still on its connection is
 * freed with it; one whose client went is ours to end. */
void api_streams_free(struct api_streams *all)
{
	if (!all)
		return;
	while (all->list) {
		struct api_stream *st = all->list;

		if (!evhttp_request_get_connection(st->req))
			evhttp_send_reply_end(st->req);
		stream_free(st);
	}
	event_free(all->sweep);
	free(all);
}
