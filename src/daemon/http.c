/* --http ADDR:PORT (its older name: --metrics-listen): a small HTTP server
 * (libevent's evhttp) on the daemon's loop that serves GET /metrics
 * (metrics.c) and hands every other path to the API (api.c, api.h).
 * Meant for loopback (127.0.0.1:9712, [::1]:9712): the reads tell a lot
 * about the cluster; any other address is logged as a warning. ADDR is
 * numeric, IPv6 in brackets; ":PORT" is 127.0.0.1:PORT.
 *
 * Bounds (docs/security.md): headers of at most HEADERS_MAX bytes, bodies
 * of at most BODY_MAX (a GET has none; api_register raises it for the
 * API's writes when they are allowed), a connection idle for
 * TIMEOUT_SECONDS is closed, and out of descriptors the listener pauses
 * for a second instead of spinning the loop. libevent 2.1 has no cap on
 * connections (2.2's evhttp_set_max_connections): the idle timeout and a
 * loopback address are what bound them here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "daemon/api.h"
#include "daemon/daemon.h"

#define CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"
#define HEADERS_MAX	8192
#define BODY_MAX	1024
#define TIMEOUT_SECONDS 10

static void on_metrics(struct evhttp_request *req, void *arg)
{
	struct daemon *d = arg;
	struct evbuffer *body;
	size_t len = 0;
	char *text;

	text = metrics_text(d, &len);
	body = evbuffer_new();
	if (!text || !body) {
		free(text);
		if (body)
			evbuffer_free(body);
		evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", CONTENT_TYPE);
	evbuffer_add(body, text, len);
	free(text);
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

/* "127.0.0.1:9712" or "[::1]:9712" into host and port; ":9712" is
 * loopback's. */
static int split_listen(const char *spec, char *host, size_t len, uint16_t *port)
{
	const char *colon = strrchr(spec, ':'), *h = spec;
	size_t hlen;
	char *end;
	long p;

	if (!colon)
		return -EINVAL;
	if (colon == spec)
		h = "127.0.0.1";
	hlen = colon == spec ? strlen(h) : (size_t)(colon - spec);
	if (spec[0] == '[') {
		if (colon[-1] != ']')
			return -EINVAL;
		h = spec + 1;
		hlen -= 2;
	}
	p = strtol(colon + 1, &end, 10);
	if (*end || p < 1 || p > 65535 || hlen == 0 || hlen >= len)
		return -EINVAL;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)p;
	return 0;
}

/* EMFILE, ENFILE: accept fails while the socket stays readable. */
static void on_listen_error(struct evconnlistener *l, void *arg)
{
	daemon_accept_backoff(arg, l, "metrics");
}

static bool loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

int http_open(struct daemon *d)
{
	struct evhttp_bound_socket *bound;
	char host[64];
	uint16_t port;
	int rc;

	if (!d->metrics_listen)
		return 0;
	rc = split_listen(d->metrics_listen, host, sizeof(host), &port);
	if (rc < 0) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR,
			    "--http (--metrics-listen) %s: want ADDR:PORT, e.g. 127.0.0.1:9712",
			    d->metrics_listen);
		return rc;
	}
	d->http = evhttp_new(d->base);
	if (!d->http)
		return -ENOMEM;
	evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(d->http, TIMEOUT_SECONDS);
	evhttp_set_max_headers_size(d->http, HEADERS_MAX);
	evhttp_set_max_body_size(d->http, BODY_MAX);
	evhttp_set_cb(d->http, "/metrics", on_metrics, d);
	api_register(d, d->http); /* every other path */
	bound = evhttp_bind_socket_with_handle(d->http, host, port);
	if (!bound) {
		rc = errno ? -errno : -EADDRNOTAVAIL;
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR,
			    "--http (--metrics-listen) %s: cannot listen: %s", d->metrics_listen,
			    strerror(-rc));
		http_close(d);
		return rc;
	}
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(bound), on_listen_error);
	if (!loopback(host))
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN,
			    "metrics on %s: not a loopback address, anyone who reaches it reads "
			    "the cluster's state",
			    d->metrics_listen);
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "metrics on http://%s/metrics", d->metrics_listen);
	return 0;
}

void http_close(struct daemon *d)
{
	api_close(d); /* its streams, before their connections go */
	if (d->http) {
		evhttp_free(d->http);
		d->http = NULL;
	}
}
