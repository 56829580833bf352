/* libFuzzer target for the metrics listener's HTTP request path
 * (src/daemon/http_server.c): the same server vipd runs, on evhttp, with
 * its limits and its connection cap, on 127.0.0.1 (a port of its own).
 * Links: http_server.c + libevent.
 *
 * Input: one control byte, then what the clients send.
 *   bits 0-1: how many clients connect at once (1..4) to a server capped at
 *             2, so the third and fourth are refused
 *   bits 2-4: into how many pieces each client's bytes are cut, written a
 *             loop turn apart (partial request lines and headers)
 * Each client sends the same bytes, then shuts its writing side; they are
 * arbitrary: methods, paths, headers, bodies, pipelined requests.
 * Seeds: tests/fuzz/corpus/http/.
 *
 * Besides "no crash, no leak", it checks: every connection ends (evhttp
 * closes it: served, refused, bad request or end of the stream) within a
 * bound of loop turns; an answer starts with "HTTP/" and stays bounded; a
 * 200 is the page's (its Content-Type); the clients over the cap are
 * counted as refused; and once all are closed the server counts none open
 * (its count follows evhttp's closes). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "daemon/http_server.h"

#define CAP	  2
#define MAX_REPLY (64u << 10)
#define PAGE	  "vipd_up 1\n"

struct client {
	int fd;
	size_t sent;
	bool shut;
	bool eof;
	size_t got;
	char reply[MAX_REPLY + 1];
};

static struct event_base *base;
static struct http_server *srv;
static uint16_t port;

static char *page(void *ctx, size_t *len)
{
	(void)ctx;
	*len = strlen(PAGE);
	return strdup(PAGE);
}

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN); /* as vipd: evhttp writes to closed clients */
	base = event_base_new();
	srv = base ? http_server_new(base, "/metrics", "text/plain", page, NULL, CAP) : NULL;
	if (!srv || http_server_listen(srv, "127.0.0.1", 0) < 0)
		abort();
	port = http_server_port(srv);
}

/* Non-blocking: the server accepts it in the next turn of its loop. */
static int connect_one(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 ||
	    (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS)) {
		perror("fuzz_http: connect");
		abort();
	}
	return fd;
}

static void pump(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void read_reply(struct client *c)
{
	while (!c->eof) {
		char buf[4096];
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			c->eof = true; /* closed, or reset (a refused one) */
		if (n <= 0)
			return;
		if (c->got + (size_t)n > MAX_REPLY)
			abort(); /* an answer beyond any bound */
		memcpy(c->reply + c->got, buf, (size_t)n);
		c->got += (size_t)n;
	}
}

static void check_reply(const struct client *c)
{
	if (c->got == 0)
		return; /* closed without an answer (refused, or the stream ended) */
	/* evhttp answers in the request's version: "HTTP/0.1 200 OK" */
	if (c->got < 12 || memcmp(c->reply, "HTTP/", 5) != 0)
		abort();
	/* a 200 is the page (a HEAD's has no body, but its headers) */
	if (memcmp(c->reply + 8, " 200 ", 5) == 0 &&
	    !memmem(c->reply, c->got, "Content-Type: text/plain", 24))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct client cl[4];
	size_t n_clients, pieces, body_len, piece;
	uint64_t refused_before;
	bool done = false;

	if (size < 1)
		return 0;
	if (!base)
		setup();
	n_clients = (size_t)(data[0] & 3) + 1;
	pieces = (size_t)((data[0] >> 2) & 7) + 1;
	data++;
	body_len = size - 1;
	piece = body_len / pieces + 1;
	refused_before = http_server_refused(srv);
	for (size_t i = 0; i < n_clients; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].fd = connect_one();
	}
	for (int turn = 0; turn < 2000 && !done; turn++) {
		done = true;
		for (size_t i = 0; i < n_clients; i++) {
			struct client *c = &cl[i];

			if (c->sent < body_len) {
				size_t n = body_len - c->sent < piece ? body_len - c->sent : piece;
				ssize_t w = send(c->fd, data + c->sent, n, MSG_NOSIGNAL);

				if (w > 0)
					c->sent += (size_t)w;
				else if (w < 0 && errno != EAGAIN)
					c->sent = body_len; /* the server closed: done writing */
			}
			if (c->sent == body_len && !c->shut) {
				shutdown(c->fd, SHUT_WR);
				c->shut = true;
			}
			read_reply(c);
			if (!c->eof)
				done = false;
		}
		pump();
	}
	if (!done) {
		fprintf(stderr, "fuzz_http: %zu open, %llu refused: a connection never closed\n",
			http_server_open_conns(srv), (unsigned long long)http_server_refused(srv));
		abort();
	}
	for (int turn = 0; turn < 100 && http_server_open_conns(srv) > 0; turn++)
		pump();
	if (http_server_open_conns(srv) != 0)
		abort(); /* the count of open connections missed a close */
	if (n_clients > CAP && http_server_refused(srv) - refused_before != n_clients - CAP)
		abort(); /* over the cap, and not refused */
	for (size_t i = 0; i < n_clients; i++) {
		/* a reset, not a FIN: thousands of runs a second would otherwise
		 * leave the ephemeral ports in TIME_WAIT */
		struct linger lin = {.l_onoff = 1, .l_linger = 0};

		check_reply(&cl[i]);
		setsockopt(cl[i].fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
		close(cl[i].fd);
	}
	return 0;
}
