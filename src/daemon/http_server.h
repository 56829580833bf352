/* A bounded HTTP server on evhttp (http_server.c) that serves one page:
 * GET (or HEAD) on one path, 404 elsewhere, other methods refused. Apart
 * from the daemon so that tests/fuzz/fuzz_http.c runs the same server. */
#ifndef VIPD_DAEMON_HTTP_SERVER_H
#define VIPD_DAEMON_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct evconnlistener;
struct evhttp;
struct http_server;

#define HTTP_SERVER_HEADERS_MAX	    8192
#define HTTP_SERVER_BODY_MAX	    1024
#define HTTP_SERVER_TIMEOUT_SECONDS 10
#define HTTP_SERVER_MAX_CONNS	    64

/* The page: malloc'd text and its length, or NULL (500). */
typedef char *(*http_page_fn)(void *ctx, size_t *len);

/* path: "/metrics" (NULL: no page of its own, the caller sets its paths
 * on http_server_evhttp); content_type of the page; max_conns: connections
 * served at once, more are closed at once and counted. */
struct http_server *http_server_new(struct event_base *base, const char *path,
				    const char *content_type, http_page_fn page, void *ctx,
				    size_t max_conns);
/* Listens on host (numeric) and port (0: any). 0 or -errno. */
int http_server_listen(struct http_server *s, const char *host, uint16_t port);
/* The listening socket's listener (NULL before http_server_listen). */
struct evconnlistener *http_server_listener(const struct http_server *s);
/* Its evhttp, for more paths than the page's (api_register): a callback set
 * there replaces the server's own for that path (evhttp_set_gencb: every
 * path but the page's). */
struct evhttp *http_server_evhttp(const struct http_server *s);
/* fn(arg) after each counted connection closed (a streamed answer learns
 * there that its client went: api_stream.c). */
void http_server_set_close_hook(struct http_server *s, void (*fn)(void *arg), void *arg);
/* The port listened on, in host order. */
uint16_t http_server_port(const struct http_server *s);
size_t http_server_open_conns(const struct http_server *s);
uint64_t http_server_refused(const struct http_server *s);
/* Closes every connection (frees s). */
void http_server_free(struct http_server *s);

#endif
