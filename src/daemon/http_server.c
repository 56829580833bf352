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
 * it accepts. We give it a pass-through filter over a socket bufferevent:
 * the filter's free_context tells us when evhttp frees the connection, so
 * the count of open connections is exact. A connection over the cap gets
 * its bufferevent too (returning NULL would make evhttp create its own,
 * uncounted), is counted as refused, and its socket is shut down from an
 * event made active at once, before any byte of it is read: evhttp then
 * reads the end of the stream and frees it. */
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

struct http_conn {
	struct http_server *srv;
	struct bufferevent *bev; /* the filter evhttp uses */
	struct http_conn *next;	 /* in srv->refusing */
	bool refused;
	bool shut;
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
	struct http_conn *refusing; /* refused, not yet freed by evhttp */
	struct event *sweep;	    /* shuts the refused ones' sockets */
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

/* evhttp freed the connection's bufferevent. */
static void conn_gone(void *arg)
{
	struct http_conn *c = arg;
	struct http_server *s = c->srv;

	if (c->refused) {
		struct http_conn **pp = &s->refusing;

		while (*pp && *pp != c)
			pp = &(*pp)->next;
		if (*pp)
			*pp = c->next;
	} else {
		s->open--;
	}
	free(c);
}

/* Runs right after the accept that refused: the sockets are set by now. */
static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct http_server *s = arg;

	(void)fd;
	(void)what;
	for (struct http_conn *c = s->refusing; c; c = c->next) {
		evutil_socket_t sock = bufferevent_getfd(bufferevent_get_underlying(c->bev));

		if (!c->shut && sock >= 0)
			shutdown(sock, SHUT_RDWR);
		c->shut = true;
	}
}

static struct bufferevent *new_conn(struct event_base *base, void *arg)
{
	struct http_server *s = arg;
	struct http_conn *c = calloc(1, sizeof(*c));
	struct bufferevent *under;

	if (!c)
		return NULL;
	c->srv = s;
	under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	c->bev =
	    under ? bufferevent_filter_new(under, NULL, NULL, BEV_OPT_CLOSE_ON_FREE, conn_gone, c)
		  : NULL;
	if (!c->bev) {
		if (under)
			bufferevent_free(under);
		free(c);
		return NULL;
	}
	if (s->open >= s->max_conns) {
		c->refused = true;
		c->next = s->refusing;
		s->refusing = c;
		s->refused++;
		event_active(s->sweep, EV_TIMEOUT, 1);
	} else {
		s->open++;
	}
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
	s->sweep = event_new(base, -1, 0, on_sweep, s);
	if (!s->http || !s->sweep) {
		http_server_free(s);
		return NULL;
	}
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(s->http, HTTP_SERVER_TIMEOUT_SECONDS);
	evhttp_set_max_headers_size(s->http, HTTP_SERVER_HEADERS_MAX);
	evhttp_set_max_body_size(s->http, HTTP_SERVER_BODY_MAX);
	evhttp_set_bevcb(s->http, new_conn, s);
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
	if (s->http)
		evhttp_free(s->http); /* frees the connections: conn_gone needs s */
	if (s->sweep)
		event_free(s->sweep);
	free(s);
}
