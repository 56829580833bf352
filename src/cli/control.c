/* vipctl status | reload | drain | undrain: one request to the daemon's
 * control socket, one JSON line back (docs/json.md, "Control socket"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"

#define REPLY_MAX (16u << 20) /* a status of thousands of instances fits */

static int connect_control(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 30};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
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

/* Reads up to the first newline. */
static char *recv_line(int fd)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);

	while (buf) {
		ssize_t got = recv(fd, buf + n, cap - n, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (memchr(buf + n - (size_t)got, '\n', (size_t)got))
			break;
		if (n == cap) {
			char *nb = cap < REPLY_MAX ? realloc(buf, (cap *= 2) + 1) : NULL;

			if (!nb)
				break;
			buf = nb;
		}
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* Sends {"cmd": cmd}; returns the parsed reply or NULL (reason printed). */
static json_t *request(const struct cli_opts *o, const char *cmd)
{
	char req[64], *line;
	json_error_t jerr;
	json_t *reply;
	int fd = connect_control(o->control);

	if (fd < 0) {
		fprintf(stderr, "vipctl: error: cannot connect to %s: %s (is vipd running?)\n",
			o->control, strerror(errno));
		return NULL;
	}
	snprintf(req, sizeof(req), "{\"cmd\": \"%s\"}\n", cmd);
	line = send_all(fd, req, strlen(req)) == 0 ? recv_line(fd) : NULL;
	close(fd);
	reply = line && *line ? json_loads(line, 0, &jerr) : NULL;
	free(line);
	if (!json_is_object(reply)) {
		fprintf(stderr, "vipctl: error: no valid reply from vipd on %s\n", o->control);
		json_decref(reply);
		return NULL;
	}
	return reply;
}

/* ok: the result; otherwise prints the error and every "errors" line. */
static json_t *result_or_report(json_t *reply)
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

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void vips_text(json_t *inst, char *buf, size_t len)
{
	json_t *v;
	size_t i, used = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(inst, "vips"), i, v)
	{
		int n =
		    snprintf(buf + used, len - used, "%s%s", i ? "," : "", json_string_value(v));

		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}

static void print_instance(json_t *inst)
{
	json_t *prio = json_object_get(inst, "priority"), *master = json_object_get(inst, "master");
	char pr[16], vips[512], who[IP_STR_MAX + 8];

	snprintf(pr, sizeof(pr), "%lld/%lld",
		 (long long)json_integer_value(json_object_get(prio, "effective")),
		 (long long)json_integer_value(json_object_get(prio, "configured")));
	if (!json_is_object(master))
		snprintf(who, sizeof(who), "-");
	else if (json_is_true(json_object_get(master, "self")))
		snprintf(who, sizeof(who), "self");
	else
		snprintf(who, sizeof(who), "%s", str(master, "address"));
	vips_text(inst, vips, sizeof(vips));
	printf("%-28s %4lld  %-7s %-8s %-9s %-24s %s\n", str(inst, "name"),
	       (long long)json_integer_value(json_object_get(inst, "vrid")), str(inst, "state"), pr,
	       json_is_true(json_object_get(inst, "healthy")) ? "ok" : "UNHEALTHY", who, vips);
	if (json_is_string(json_object_get(inst, "waiting")))
		printf("%-28s waiting: %s\n", "", str(inst, "waiting"));
}

static void print_status(json_t *st)
{
	json_t *inst;
	size_t i;

	printf("vipd %s, cluster %s, node %s, pid %lld, started %s%s\n", str(st, "version"),
	       str(st, "cluster"), str(st, "node"),
	       (long long)json_integer_value(json_object_get(st, "pid")), str(st, "started"),
	       json_is_true(json_object_get(st, "drained")) ? ", DRAINED" : "");
	printf("%-28s %4s  %-7s %-8s %-9s %-24s %s\n", "INSTANCE", "VRID", "STATE", "PRIO",
	       "HEALTH", "MASTER", "VIPS");
	json_array_foreach(json_object_get(st, "instances"), i, inst) print_instance(inst);
}

static int run(struct cli_opts *o, const char *cmd)
{
	json_t *reply = request(o, cmd), *res;
	int rc = EXIT_OK;

	if (!reply)
		return EXIT_FAIL;
	res = result_or_report(reply);
	if (!res)
		rc = strcmp(cmd, "reload") == 0 ? EXIT_BADCONF : EXIT_FAIL;
	else if (o->json)
		json_dumpf(res, stdout, JSON_INDENT(2)), putchar('\n');
	else if (strcmp(cmd, "status") == 0)
		print_status(res);
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

int cmd_status(struct cli_opts *o)
{
	return run(o, "status");
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
