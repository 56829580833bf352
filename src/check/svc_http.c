/* The http probe: GET path over a connection made from a socket in the
 * check's namespace; ok when the status line's code is `expect`. Only the
 * status line is read, then the connection is closed.
 *
 * Not libevent's evhttp client: in libevent 2.1 it makes its own socket
 * when it connects (evhttp_connection_base_bufferevent_new wants a
 * bufferevent with no fd), in whatever namespace the thread is in then,
 * and it retries and reconnects on its own. Here the socket is made in the
 * namespace (svc_connect), the request is one write of a few hundred
 * bytes, and the answer is read until its first line: a non-blocking
 * exchange driven by the loop, never a blocking call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "check/svc_parse.h"
#include "check/svc_probe_internal.h"

#define HTTP_REQ_MAX  1024
#define HTTP_RESP_MAX 512

struct http_state {
	int fd;
	struct event *ev;
	char req[HTTP_REQ_MAX];
	size_t req_len, sent;
	char resp[HTTP_RESP_MAX];
	size_t resp_len;
};

static void http_close(struct http_state *h)
{
	if (h->ev) {
		event_free(h->ev);
		h->ev = NULL;
	}
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

static void http_end(struct svc_probe *p, bool ok, const char *detail)
{
	http_close(p->priv);
	svc_attempt_end(p, ok, detail);
}

static void http_fail(struct svc_probe *p, const char *what, int err)
{
	char detail[SVC_DETAIL_MAX];

	snprintf(detail, sizeof(detail), "GET %.60s at %s: %s%s%s", p->http_path, p->subject, what,
		 err ? " " : "", err ? svc_connect_error(err) : "");
	http_end(p, false, detail);
}

static void http_status(struct svc_probe *p, unsigned code)
{
	char detail[SVC_DETAIL_MAX];
	bool ok = code == p->cfg.expect;

	if (ok)
		snprintf(detail, sizeof(detail), "GET %.80s -> %u", p->http_path, code);
	else
		snprintf(detail, sizeof(detail), "GET %.80s -> %u (expect %u)", p->http_path, code,
			 (unsigned)p->cfg.expect);
	http_end(p, ok, detail);
}

static void http_read(struct svc_probe *p)
{
	struct http_state *h = p->priv;
	ssize_t n = recv(h->fd, h->resp + h->resp_len, sizeof(h->resp) - h->resp_len, 0);
	unsigned code = 0;
	int r;

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			http_fail(p, "read:", -errno);
		return;
	}
	if (n == 0) {
		http_fail(p, "closed before a status line", 0);
		return;
	}
	h->resp_len += (size_t)n;
	r = svc_http_status(h->resp, h->resp_len, &code);
	if (r > 0)
		http_status(p, code);
	else if (r < 0 || h->resp_len == sizeof(h->resp))
		http_fail(p, "not an HTTP status line", 0);
}

/* 1 when the whole request is out, 0 for more later, or a negative errno. */
static int http_write(struct http_state *h)
{
	ssize_t n = send(h->fd, h->req + h->sent, h->req_len - h->sent, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	h->sent += (size_t)n;
	return h->sent == h->req_len;
}

static void http_on_event(evutil_socket_t fd, short what, void *arg);

static int http_watch(struct svc_probe *p, short what)
{
	struct http_state *h = p->priv;

	if (h->ev)
		event_free(h->ev);
	h->ev = event_new(p->base, h->fd, what | EV_PERSIST, http_on_event, p);
	return h->ev && event_add(h->ev, NULL) == 0 ? 0 : -ENOMEM;
}

static void http_on_event(evutil_socket_t fd, short what, void *arg)
{
	struct svc_probe *p = arg;
	struct http_state *h = p->priv;
	int err;

	if (what & EV_READ) {
		http_read(p);
		return;
	}
	if (h->sent == 0 && (err = svc_connect_result(fd)) < 0) {
		http_fail(p, "connect", err);
		return;
	}
	err = http_write(h);
	if (err < 0)
		http_fail(p, "send:", err);
	else if (err == 1 && http_watch(p, EV_READ) < 0)
		http_fail(p, "event:", -ENOMEM);
}

static void http_request(struct svc_probe *p)
{
	struct http_state *h = p->priv;
	int n;

	n = snprintf(h->req, sizeof(h->req),
		     "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: vipd-check\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n",
		     p->http_path, p->http_host ? p->http_host : p->subject);
	h->req_len = n < 0 ? 0 : (size_t)n >= sizeof(h->req) ? sizeof(h->req) - 1 : (size_t)n;
	h->sent = 0;
	h->resp_len = 0;
}

static void http_begin(struct svc_probe *p)
{
	struct http_state *h = p->priv;
	bool done;
	int fd = svc_connect(p, &done);

	if (fd < 0) {
		http_fail(p, "connect", fd);
		return;
	}
	h->fd = fd;
	http_request(p);
	if (http_watch(p, EV_WRITE) < 0)
		http_fail(p, "event:", -ENOMEM);
}

static void http_expire(struct svc_probe *p, char *detail, size_t size)
{
	struct http_state *h = p->priv;
	const char *stage = h->sent == 0       ? "no connection"
			    : h->resp_len == 0 ? "no answer"
					       : "no full status line";

	snprintf(detail, size, "GET %.60s at %s: %s within %u ms", p->http_path, p->subject, stage,
		 p->cfg.timeout_ms);
	http_close(h);
}

static int http_init(struct svc_probe *p)
{
	struct http_state *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->fd = -1;
	p->priv = h;
	return 0;
}

static void http_fini(struct svc_probe *p)
{
	http_close(p->priv);
	free(p->priv);
	p->priv = NULL;
}

const struct svc_kind svc_http_kind = {
    .name = "http",
    .init = http_init,
    .begin = http_begin,
    .expire = http_expire,
    .fini = http_fini,
};
