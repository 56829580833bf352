/* GET /api/v1/events: the event stream as Server-Sent Events (docs/api.md).
 * Each event is `id: SEQ` and `data: JSON` (the JSON of `vipctl events`,
 * docs/json.md), pushed as events.c emits it, as control.c pushes to its
 * subscribers. A client that resumes with Last-Event-ID gets the kept
 * events after it first; ?backlog=N asks for the last N.
 *
 * Nothing is buffered without bound: a stream whose unsent output passes
 * BACKLOG_MAX is dropped at the next event (its socket's send buffer is
 * fixed at STREAM_SNDBUF, so the kernel does not hide megabytes of it),
 * and one that has not taken everything for STALL_TICKS keepalives in a
 * row is dropped at the last (a client that stopped reading). The
 * keepalive (a comment line every KEEPALIVE_S) also finds clients that
 * vanished without a word. At most SSE_MAX streams (api.c refuses more
 * with 503).
 *
 * A client that closes its end is seen without a close callback (a
 * connection has one, and it is left to the server that counts them):
 * libevent 2.1 then frees the connection and leaves the reply in progress
 * to us, taken off it (evhttp_request_get_connection is NULL); every
 * TICK_S, and before each event, such a stream is ended, which frees the
 * reply. Nothing here keeps a pointer to a connection. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/api.h"
#include "daemon/daemon.h"

#define BACKLOG_MAX   (256u << 10)
#define TICK_S	      1
#define KEEPALIVE_S   15	 /* a multiple of TICK_S */
#define STALL_TICKS   4		 /* keepalives */
#define STREAM_IDLE_S 3600	 /* evhttp's own limit, above the keepalive's */
#define STREAM_SNDBUF (32 << 10) /* the kernel's part of a stream's backlog (doubled) */

struct sse_client {
	struct api_sse *s;
	struct evhttp_request *req;
	struct sse_client *next;
	unsigned stalled; /* keepalives with output still unsent */
};

struct api_sse {
	struct daemon *d;
	struct sse_client *clients;
	struct event *tick;
	unsigned ticks;
	size_t n;
};

/* NULL once the client went (the reply is then ours alone). */
static struct evhttp_connection *conn_of(const struct sse_client *c)
{
	return evhttp_request_get_connection(c->req);
}

static size_t pending(const struct sse_client *c)
{
	struct evhttp_connection *conn = conn_of(c);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;

	return bev ? evbuffer_get_length(bufferevent_get_output(bev)) : 0;
}

static void unlink_client(struct sse_client *c)
{
	struct sse_client **pp = &c->s->clients;

	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = c->next;
		c->s->n--;
	}
}

/* The client went: ending the reply frees it. */
static void end_gone(struct sse_client *c)
{
	unlink_client(c);
	evhttp_send_reply_end(c->req);
	free(c);
}

/* Frees the connection, and with it the reply (whoever counts
 * connections hears of it through the connection's close callback). */
static void drop(struct sse_client *c, const char *why)
{
	struct daemon *d = c->s->d;
	struct evhttp_connection *conn = conn_of(c);

	vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN, "http: an event stream %s: dropped", why);
	unlink_client(c);
	free(c);
	evhttp_connection_free(conn);
}

static void send_text(struct sse_client *c, const char *text, size_t len)
{
	struct evbuffer *buf = evbuffer_new();

	if (!buf)
		return;
	evbuffer_add(buf, text, len);
	evhttp_send_reply_chunk(c->req, buf);
	evbuffer_free(buf);
}

/* One event: data, its JSON (NULL: none, out of memory). */
static void send_data(struct sse_client *c, long long seq, const char *data)
{
	struct evbuffer *buf = data ? evbuffer_new() : NULL;

	if (!buf)
		return;
	evbuffer_add_printf(buf, "id: %lld\ndata: %s\n\n", seq, data);
	evhttp_send_reply_chunk(c->req, buf);
	evbuffer_free(buf);
}

static void send_event(struct sse_client *c, const json_t *ev)
{
	char *data = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);

	send_data(c, (long long)json_integer_value(json_object_get(ev, "seq")), data);
	free(data);
}

/* A kept one: its text is the compact JSON of the event (jansson keeps
 * the keys' order either way). */
static void send_kept(struct sse_client *c, const struct daemon_kept_event *ev)
{
	if (ev)
		send_data(c, (long long)ev->seq, ev->text);
}

void api_sse_broadcast(struct api_sse *s, const json_t *event)
{
	struct sse_client *c, *next;

	for (c = s->clients; c; c = next) {
		next = c->next;
		if (!conn_of(c))
			end_gone(c);
		else if (pending(c) > BACKLOG_MAX)
			drop(c, "fell more than 256 KiB behind");
		else
			send_event(c, event);
	}
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	static const char keepalive[] = ": keepalive\n\n";
	struct api_sse *s = arg;
	struct sse_client *c, *next;

	bool keep;

	(void)fd;
	(void)what;
	keep = ++s->ticks % (KEEPALIVE_S / TICK_S) == 0;
	for (c = s->clients; c; c = next) {
		next = c->next;
		if (!conn_of(c)) {
			end_gone(c);
			continue;
		}
		if (!keep)
			continue;
		c->stalled = pending(c) ? c->stalled + 1 : 0;
		if (c->stalled >= STALL_TICKS)
			drop(c, "took nothing for a minute");
		else
			send_text(c, keepalive, sizeof(keepalive) - 1);
	}
}

/* The number of kept events to send first: those after Last-Event-ID,
 * else ?backlog=N, else none. */
static size_t backlog_of(const struct api_sse *s, struct evhttp_request *req)
{
	const char *last =
	    evhttp_find_header(evhttp_request_get_input_headers(req), "Last-Event-ID");
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	size_t kept = events_kept(s->d), n = 0;
	struct evkeyvalq args;
	const char *want;

	if (last) {
		long long seen = strtoll(last, NULL, 10);

		for (size_t i = 0; i < kept; i++)
			if ((long long)events_recent(s->d, kept, i)->seq > seen)
				n++;
		return n;
	}
	if (query && evhttp_parse_query_str(query, &args) == 0) {
		want = evhttp_find_header(&args, "backlog");
		if (want && strtol(want, NULL, 10) > 0)
			n = (size_t)strtol(want, NULL, 10);
		evhttp_clear_headers(&args);
	}
	return n < kept ? n : kept;
}

static void limit_sndbuf(struct evhttp_connection *conn)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(conn);
	int size = STREAM_SNDBUF;

	if (bev)
		(void)setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_SNDBUF, &size,
				 sizeof(size));
}

void api_sse_start(struct api_sse *s, struct evhttp_request *req)
{
	static const char hello[] = "retry: 1000\n: vipd events\n\n";
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct sse_client *c = calloc(1, sizeof(*c));
	size_t n = backlog_of(s, req);

	if (!c) {
		evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
		return;
	}
	c->s = s;
	c->req = req;
	evhttp_add_header(h, "Content-Type", "text/event-stream");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	evhttp_send_reply_start(req, HTTP_OK, "OK");
	/* evhttp would close a stream whose client sends nothing after its
	 * idle time; the keepalive and the stall rule judge streams instead */
	evhttp_connection_set_timeout(evhttp_request_get_connection(req), STREAM_IDLE_S);
	limit_sndbuf(evhttp_request_get_connection(req));
	c->next = s->clients;
	s->clients = c;
	s->n++;
	send_text(c, hello, sizeof(hello) - 1);
	for (size_t i = 0; i < n; i++)
		send_kept(c, events_recent(s->d, n, i));
}

size_t api_sse_count(const struct api_sse *s)
{
	return s ? s->n : 0;
}

struct api_sse *api_sse_new(struct daemon *d)
{
	const struct timeval every = {.tv_sec = TICK_S};
	struct api_sse *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	s->tick = event_new(d->base, -1, EV_PERSIST, on_tick, s);
	if (!s->tick || event_add(s->tick, &every) < 0) {
		if (s->tick)
			event_free(s->tick);
		free(s);
		return NULL;
	}
	return s;
}

/* The loop has stopped: what each stream has pending (the shutdown's
 * events) goes straight to its socket if it takes it now, as control.c
 * does for its subscribers; evhttp_free closes the connections and frees
 * their replies, a stream whose client went is ended here. */
void api_sse_free(struct api_sse *s)
{
	if (!s)
		return;
	while (s->clients) {
		struct sse_client *c = s->clients;
		struct evhttp_connection *conn = conn_of(c);
		struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
		struct evbuffer *out = bev ? bufferevent_get_output(bev) : NULL;
		size_t len = out ? evbuffer_get_length(out) : 0;
		unsigned char *data = len ? evbuffer_pullup(out, -1) : NULL;

		if (data)
			(void)!send(bufferevent_getfd(bev), data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (!conn) {
			end_gone(c);
			continue;
		}
		s->clients = c->next;
		s->n--;
		free(c);
	}
	event_free(s->tick);
	free(s);
}
