/* The bounded HTTP server (http_server.h) on libevent's evhttp.
 *
 * Bounds (docs/security.md): headers of at most HTTP_SERVER_HEADERS_MAX
 * bytes, bodies of at most HTTP_SERVER_BODY_MAX (a GET has none), a
 * connection idle for HTTP_SERVER_TIMEOUT_SECONDS is closed, and at most
 * max_conns connections are open at once.
 *
 * libevent 2.1 has no cap on connections (2.2's
 * evhttp_set_max_connections), nor a way to hand evhttp a connection we
 * accepted (2.1.12 does not export evhttp_get_request). What it offers is
 * evhttp_set_bevcb: evhttp asks us for the bufferevent of every connection
 * it accepts, then builds its connection on it (the bufferevent's callback
 * argument is that connection). We count the connection there, and from an
 * event made active at once (it runs before any byte of the connection is
 * read) fetch the connection and set its close callback, which uncounts
 * it: an exact count. Our own reference on the bufferevent keeps it valid
 * until then even if evhttp dropped the connection meanwhile (its
 * callbacks are then cleared). A connection over the cap is counted as
 * refused and its socket shut down from the same event: evhttp reads the
 * end of the stream and frees it. (A pass-through filter bufferevent, whose
 * free callback would have counted too, loses the answer of a
 * `Connection: close` request: evhttp frees it once the filter, not the
 * socket, took the bytes.) That the callback argument is the connection is
 * how libevent 2.1 builds it, not its documented interface: the build
 * refuses another series, and each adoption checks that the connection's
 * bufferevent is ours before it is used. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "daemon/http_server.h"

#if EVENT__NUMERIC_VERSION < 0x02010000 || EVENT__NUMERIC_VERSION >= 0x02020000
#error                                                                                             \
    "http_server.c counts connections as libevent 2.1's evhttp builds them; 2.2 has evhttp_set_max_connections and evhttp_get_request: use those"
#endif

struct http_conn {
	struct http_server *srv;
	struct bufferevent *bev; /* until adopted: our reference */
	struct http_conn *next;	 /* in srv->adopting */
	bool refused;
};

struct http_server {
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	const char *content_type;
	http_page_fn page;
	void *ctx;
	size_t max_conns, open;
	uint64_t refused;
	struct http_conn *adopting;  /* accepted, close callback not yet set */
	void (*on_close)(void *arg); /* http_server_set_close_hook */
	void *on_close_arg;
	struct event *adopt; /* sets it, or shuts a refused socket */
};

static void on_page(struct evhttp_request *req, void *arg)
{
	struct http_server *s = arg;
	struct evbuffer *body;
	size_t len = 0;
	char *text;

	text = s->page(s->ctx, &len);
	body = evbuffer_new();
	if (!text || !body) {
		free(text);
		if (body)
			evbuffer_free(body);
		evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", s->content_type);
	evbuffer_add(body, text, len);
	free(text);
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, HTTP_NOTFOUND, "not here");
}

/* evhttp closes a connection we counted. */
static void on_closed(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *c = arg;

	(void)evcon;
	c->srv->open--;
	if (c->srv->on_close)
		c->srv->on_close(c->srv->on_close_arg);
	free(c);
}

static void adopt_one(struct http_conn *c)
{
	void *evcon = NULL;

	bufferevent_getcb(c->bev, NULL, NULL, NULL, &evcon);
	if (c->refused) {
		evutil_socket_t fd = bufferevent_getfd(c->bev);

		if (evcon && fd >= 0)
			shutdown(fd, SHUT_RDWR);
	} else if (evcon && evhttp_connection_get_bufferevent(evcon) == c->bev) {
		evhttp_connection_set_closecb(evcon, on_closed, c);
		bufferevent_decref(c->bev);
		return;
	} else {
		c->srv->open--; /* evhttp gave it up before it was adopted */
	}
	bufferevent_decref(c->bev);
	free(c);
}

/* Runs right after the accepts: every connection is set up by now. */
static void on_adopt(evutil_socket_t fd, short what, void *arg)
{
	struct http_server *s = arg;
	struct http_conn *c = s->adopting, *next;

	(void)fd;
	(void)what;
	s->adopting = NULL;
	for (; c; c = next) {
		next = c->next;
		adopt_one(c);
	}
}

static struct bufferevent *new_conn(struct event_base *base, void *arg)
{
	struct http_server *s = arg;
	struct http_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->srv = s;
	c->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		free(c);
		return NULL;
	}
	bufferevent_incref(c->bev); /* valid until on_adopt, whatever evhttp does */
	if (s->open >= s->max_conns) {
		c->refused = true;
		s->refused++;
	} else {
		s->open++;
	}
	c->next = s->adopting;
	s->adopting = c;
	event_active(s->adopt, EV_TIMEOUT, 1);
	return c->bev;
}

struct http_server *http_server_new(struct event_base *base, const char *path,
				    const char *content_type, http_page_fn page, void *ctx,
				    size_t max_conns)
{
	struct http_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	*s = (struct http_server){.base = base,
				  .content_type = content_type,
				  .page = page,
				  .ctx = ctx,
				  .max_conns = max_conns};
	s->http = evhttp_new(base);
	s->adopt = event_new(base, -1, 0, on_adopt, s);
	if (!s->http || !s->adopt) {
		http_server_free(s);
		return NULL;
	}
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(s->http, HTTP_SERVER_TIMEOUT_SECONDS);
	evhttp_set_max_headers_size(s->http, HTTP_SERVER_HEADERS_MAX);
	evhttp_set_max_body_size(s->http, HTTP_SERVER_BODY_MAX);
	evhttp_set_bevcb(s->http, new_conn, s);
	if (path)
		evhttp_set_cb(s->http, path, on_page, s);
	evhttp_set_gencb(s->http, on_other, s);
	return s;
}

int http_server_listen(struct http_server *s, const char *host, uint16_t port)
{
	errno = 0;
	s->bound = evhttp_bind_socket_with_handle(s->http, host, port);
	if (!s->bound)
		return errno ? -errno : -EADDRNOTAVAIL;
	return 0;
}

struct evconnlistener *http_server_listener(const struct http_server *s)
{
	return s->bound ? evhttp_bound_socket_get_listener(s->bound) : NULL;
}

void http_server_set_close_hook(struct http_server *s, void (*fn)(void *arg), void *arg)
{
	s->on_close = fn;
	s->on_close_arg = arg;
}

struct evhttp *http_server_evhttp(const struct http_server *s)
{
	return s->http;
}

uint16_t http_server_port(const struct http_server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (!s->bound ||
	    getsockname(evhttp_bound_socket_get_fd(s->bound), (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

size_t http_server_open_conns(const struct http_server *s)
{
	return s ? s->open : 0;
}

uint64_t http_server_refused(const struct http_server *s)
{
	return s ? s->refused : 0;
}

void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	if (s->adopt)
		on_adopt(-1, 0, s); /* before evhttp_free: the close callbacks need s */
	if (s->http)
		evhttp_free(s->http);
	if (s->adopt)
		event_free(s->adopt);
	free(s);
}
