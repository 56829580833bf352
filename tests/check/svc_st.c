/* The fixture of svc_selftest (svc_st.h). */
#include "svc_st.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "check/check_io.h"

static char scratch[64];

void st_on_result(void *arg, bool ok, const char *detail)
{
	struct st_results *r = arg;

	if (r->t->verbose)
		print_message("  result %d: %s (%s)\n", r->n + 1, ok ? "ok" : "fail", detail);
	if (r->n < ST_MAX_RESULTS) {
		r->ok[r->n] = ok;
		snprintf(r->detail[r->n], sizeof(r->detail[r->n]), "%s", detail);
		r->at_ms[r->n] = check_now_ms();
	}
	r->n++;
	event_base_loopbreak(r->t->base);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(bool *)arg = true;
}

bool st_wait(struct st_results *r, int n, unsigned max_ms)
{
	struct timeval tv = {.tv_sec = max_ms / 1000, .tv_usec = (max_ms % 1000) * 1000};
	bool expired = false;
	struct event *ev = evtimer_new(r->t->base, on_deadline, &expired);

	evtimer_add(ev, &tv);
	while (r->n < n && !expired)
		event_base_loop(r->t->base, EVLOOP_ONCE);
	event_free(ev);
	return r->n >= n;
}

int st_last(const struct st_results *r)
{
	int i = r->n - 1;

	return i < ST_MAX_RESULTS ? i : ST_MAX_RESULTS - 1;
}

int st_listen(struct ck *t, const char *ns, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	bool v6 = strchr(addr, ':') != NULL;
	int one = 1;
	int fd =
	    net_socket_in(&t->ctx, ns, v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		print_error("socket in %s: %s\n", ns, strerror(-fd));
		return -1;
	}
	if (v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, v6 ? sizeof(*sin6) : sizeof(*sin)) < 0 ||
	    listen(fd, 16) < 0) {
		print_error("listen on %s port %u in %s: %s\n", addr, port, ns, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- the HTTP responder ---- */

struct st_conn {
	struct st_http *h;
	int fd;
	struct event *ev;
	char buf[1024];
	size_t len;
};

static void conn_free(struct st_conn *c)
{
	event_free(c->ev);
	close(c->fd);
	free(c);
}

static void note_request(struct st_http *h, const char *req)
{
	const char *eol = strstr(req, "\r\n"), *host = strstr(req, "\r\nHost: ");

	if (h->request_line[0])
		return;
	if (eol)
		snprintf(h->request_line, sizeof(h->request_line), "%.*s", (int)(eol - req), req);
	if (host) {
		const char *end = strstr(host + 2, "\r\n");

		if (end)
			snprintf(h->host, sizeof(h->host), "%.*s", (int)(end - host - 8), host + 8);
	}
}

/* Reads the whole request before answering: closing a socket with unread
 * data sends a reset, which could reach the client before the answer. */
static void conn_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct st_conn *c = arg;
	char resp[128];
	ssize_t n = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	int len;

	(void)what;
	if (n <= 0) {
		conn_free(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (!strstr(c->buf, "\r\n\r\n"))
		return;
	note_request(c->h, c->buf);
	len = snprintf(resp, sizeof(resp), "HTTP/1.0 %u Test\r\nContent-Length: 0\r\n\r\n",
		       c->h->status);
	if (write(fd, resp, (size_t)len) < 0)
		print_error("responder: write: %s\n", strerror(errno));
	shutdown(fd, SHUT_WR);
	/* the client closes; its FIN ends this connection (read 0) */
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct st_http *h = arg;
	struct st_conn *c;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	(void)what;
	if (fd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	h->conns++;
	c->h = h;
	c->fd = fd;
	c->ev = event_new(event_get_base(h->accept_ev), fd, EV_READ | EV_PERSIST, conn_on_read, c);
	event_add(c->ev, NULL);
}

bool st_http_start(struct ck *t, struct st_http *h, int lfd, unsigned status, bool hang)
{
	memset(h, 0, sizeof(*h));
	h->lfd = lfd;
	h->status = status;
	h->hang = hang;
	if (hang)
		return lfd >= 0; /* never accepted: handshakes fill the backlog */
	h->accept_ev = event_new(t->base, lfd, EV_READ | EV_PERSIST, on_accept, h);
	return lfd >= 0 && h->accept_ev && event_add(h->accept_ev, NULL) == 0;
}

void st_http_stop(struct st_http *h)
{
	/* connections still open are left to the process's end: a test
	 * never keeps one past its result */
	if (h->accept_ev)
		event_free(h->accept_ev);
	h->accept_ev = NULL;
	if (h->lfd >= 0)
		close(h->lfd);
	h->lfd = -1;
}

/* ---- files and processes ---- */

bool st_scratch_init(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/probes13-st-XXXXXX");
	if (!mkdtemp(scratch) || chmod(scratch, 0777) < 0) {
		print_error("scratch folder: %s\n", strerror(errno));
		return false;
	}
	return true;
}

void st_scratch_done(void)
{
	char cmd[128];

	if (!scratch[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch);
	if (system(cmd) != 0)
		print_error("could not remove %s\n", scratch);
}

const char *st_path(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", scratch, name);
	return p;
}

bool st_sleep_copy(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "cp /bin/sleep %s", st_path(name));
	return system(cmd) == 0;
}

bool st_pid_gone(pid_t pid)
{
	char path[64], buf[256], *close_paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	close_paren = strrchr(buf, ')');
	return close_paren && close_paren[1] == ' ' &&
	       (close_paren[2] == 'Z' || close_paren[2] == 'X');
}
