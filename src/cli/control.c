/* vipctl reload | drain | undrain, and what every verb that talks to the
 * daemon's control socket shares: one JSON request on a line, one JSON
 * line back (docs/json.md, "Control socket"). status.c and events.c hold
 * the other verbs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"

#define REPLY_MAX (16u << 20) /* a status of thousands of instances fits */

int cli_control_connect(const char *path, int timeout_s)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = timeout_s};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (timeout_s > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_send_line(int fd, const char *line)
{
	if (send_all(fd, line, strlen(line)) < 0)
		return -1;
	return send_all(fd, "\n", 1);
}

static char *take_line(struct cli_conn *c)
{
	char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL, *line;
	size_t n;

	if (!nl)
		return NULL;
	n = (size_t)(nl - c->buf);
	line = malloc(n + 1);
	if (!line)
		return NULL;
	memcpy(line, c->buf, n);
	line[n] = '\0';
	memmove(c->buf, nl + 1, c->len - n - 1);
	c->len -= n + 1;
	return line;
}

static int fill(struct cli_conn *c)
{
	ssize_t got;

	if (c->len == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 65536;
		char *nb = cap <= REPLY_MAX ? realloc(c->buf, cap) : NULL;

		if (!nb)
			return -1;
		c->buf = nb;
		c->cap = cap;
	}
	got = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	if (got <= 0)
		return -1; /* EOF, error, timeout, or EINTR (Ctrl-C): the caller decides */
	c->len += (size_t)got;
	return 0;
}

char *cli_conn_readline(struct cli_conn *c)
{
	char *line;

	while (!(line = take_line(c)))
		if (fill(c) < 0)
			return NULL;
	return line;
}

int cli_conn_open(struct cli_conn *c, const char *path, int timeout_s)
{
	memset(c, 0, sizeof(*c));
	c->fd = cli_control_connect(path, timeout_s);
	return c->fd < 0 ? -1 : 0;
}

void cli_conn_close(struct cli_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

json_t *cli_request(const struct cli_opts *o, const json_t *req)
{
	char *text = json_dumps(req, JSON_COMPACT), *line = NULL;
	struct cli_conn c;
	json_error_t jerr;
	json_t *reply;

	if (cli_conn_open(&c, o->control, 30) < 0) {
		fprintf(stderr, "vipctl: error: cannot connect to %s: %s (is vipd running?)\n",
			o->control, strerror(errno));
		free(text);
		return NULL;
	}
	if (text && cli_send_line(c.fd, text) == 0)
		line = cli_conn_readline(&c);
	cli_conn_close(&c);
	free(text);
	reply = line && *line ? json_loads(line, 0, &jerr) : NULL;
	free(line);
	if (!json_is_object(reply)) {
		fprintf(stderr, "vipctl: error: no valid reply from vipd on %s\n", o->control);
		json_decref(reply);
		return NULL;
	}
	return reply;
}

json_t *cli_result_or_report(json_t *reply)
{
	json_t *errors = json_object_get(reply, "errors"), *e;
	size_t i;

	if (json_is_true(json_object_get(reply, "ok")))
		return json_object_get(reply, "result");
	json_array_foreach(errors, i, e) fprintf(stderr, "%s\n", json_string_value(e));
	fprintf(stderr, "vipctl: error: %s\n",
		json_string_value(json_object_get(reply, "error")) ?: "request failed");
	return NULL;
}

static int run(struct cli_opts *o, const char *cmd)
{
	json_t *req = json_pack("{s:s}", "cmd", cmd);
	json_t *reply = cli_request(o, req), *res;
	int rc = EXIT_OK;

	json_decref(req);
	if (!reply)
		return EXIT_FAIL;
	res = cli_result_or_report(reply);
	if (!res)
		rc = strcmp(cmd, "reload") == 0 ? EXIT_BADCONF : EXIT_FAIL;
	else if (o->json)
		json_dumpf(res, stdout, JSON_INDENT(2)), putchar('\n');
	else if (strcmp(cmd, "reload") == 0)
		printf("reloaded: %lld instances\n",
		       (long long)json_integer_value(json_object_get(res, "instances")));
	else
		printf("%s\n", json_is_true(json_object_get(res, "drained"))
				   ? "drained: every instance advertises priority 1"
				   : "undrained: configured priorities restored");
	json_decref(reply);
	return rc;
}

int cmd_reload(struct cli_opts *o)
{
	return run(o, "reload");
}

int cmd_drain(struct cli_opts *o)
{
	return run(o, "drain");
}

int cmd_undrain(struct cli_opts *o)
{
	return run(o, "undrain");
}
