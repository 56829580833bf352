/* --http ADDR:PORT (its older name: --metrics-listen): a small HTTP server
 * (http_server.c, on libevent's evhttp) on the daemon's loop that serves
 * GET /metrics (metrics.c, streamed by api_stream.c) and hands every other path to the API (api.c,
 * api.h). Meant for loopback (127.0.0.1:9712, [::1]:9712): the reads tell
 * a lot about the cluster; any other address is logged as a warning. ADDR
 * is numeric, IPv6 in brackets; ":PORT" is 127.0.0.1:PORT.
 *
 * Bounds (docs/security.md, http_server.c): headers, bodies (api_register
 * raises the body's for the API's writes when they are allowed), idle time
 * and a cap on connections at once (more are closed at once and counted:
 * vipd_http_connections_refused_total): HTTP_SERVER_MAX_CONNS, plus
 * API_SSE_MAX with the API on, whose event streams are long-lived
 * connections. Out of descriptors the listener pauses for a second instead
 * of spinning the loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/listener.h>

#include "daemon/api.h"
#include "daemon/daemon.h"
#include "daemon/http_server.h"

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
	/* the event streams stay open: room for them beside the short requests */
	d->http = http_server_new(d->base, NULL, NULL, NULL, d,
				  HTTP_SERVER_MAX_CONNS + (d->api ? API_SSE_MAX : 0));
	if (!d->http)
		return -ENOMEM;
	/* /metrics streamed (api_stream.c), outside the API's rate limit */
	if (evhttp_set_cb(http_server_evhttp(d->http), "/metrics", api_serve_metrics, d) < 0) {
		http_close(d);
		return -ENOMEM;
	}
	http_server_set_close_hook(d->http, api_conn_closed, d);
	api_register(d, http_server_evhttp(d->http)); /* every other path */
	rc = http_server_listen(d->http, host, port);
	if (rc < 0) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR,
			    "--http (--metrics-listen) %s: cannot listen: %s", d->metrics_listen,
			    strerror(-rc));
		http_close(d);
		return rc;
	}
	evconnlistener_set_error_cb(http_server_listener(d->http), on_listen_error);
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
	http_server_free(d->http);
	d->http = NULL;
}
