/* vipctl events [--backlog N] [--interface IF]: the daemon's event stream,
 * one JSON object per line (docs/json.md, "vipctl events"), until Ctrl-C or
 * the daemon goes away; -o text prints one readable line per event.
 * vipctl metrics: the Prometheus text exposition over the control socket. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"

static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t stream_fd = -1;

/* shutdown() is async-signal-safe and ends a recv() already waiting. */
static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
	if (stream_fd >= 0)
		shutdown(stream_fd, SHUT_RDWR);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

/* "2026-11-26T12:43:40.995Z nodeB eth0/master/ipv4/vrrp BACKUP -> MASTER
 * [master-down] peer 192.0.2.11 silent for 361 ms (priority 100)" */
static void print_text(json_t *ev)
{
	const char *type = str(ev, "type");

	printf("%s %s ", str(ev, "time"), str(ev, "node"));
	if (strcmp(type, "transition") == 0)
		printf("%s %s -> %s [%s] %s (priority %lld)\n", str(ev, "instance"),
		       str(ev, "from"), str(ev, "to"), str(ev, "cause"), str(ev, "reason"),
		       (long long)json_integer_value(json_object_get(ev, "priority")));
	else if (strcmp(type, "health") == 0)
		printf("%s %s: %s (priority %lld)\n", str(ev, "instance"),
		       json_is_true(json_object_get(ev, "healthy")) ? "healthy" : "UNHEALTHY",
		       str(ev, "reason"),
		       (long long)json_integer_value(json_object_get(ev, "priority")));
	else if (strcmp(type, "vip_repair") == 0)
		printf("%s %s\n", str(ev, "instance"), str(ev, "reason"));
	else if (strcmp(type, "bfd") == 0) /* docs/bfd.md */
		printf(
		    "bfd %s %s peer %s: %s -> %s (%s)%s\n", str(ev, "interface"), str(ev, "family"),
		    str(ev, "peer"), str(ev, "from"), str(ev, "to"), str(ev, "diag"),
		    json_is_true(json_object_get(ev, "peer_admin_down")) ? ", peer AdminDown" : "");
	else
		printf("%s: %s\n", type, str(ev, "reason"));
}

/* Events of an instance pass the filters; daemon-wide ones always do. */
static bool selected(const struct cli_opts *o, json_t *ev)
{
	if (!json_is_string(json_object_get(ev, "instance")))
		return true;
	return !o->filter_interface || strcmp(str(ev, "interface"), o->filter_interface) == 0;
}

static int stream(const struct cli_opts *o, struct cli_conn *c)
{
	json_error_t jerr;
	char *line;

	while (!interrupted && (line = cli_conn_readline(c))) {
		json_t *ev = json_loads(line, 0, &jerr);

		if (ev && selected(o, ev)) {
			if (o->text)
				print_text(ev);
			else
				printf("%s\n", line);
			fflush(stdout);
		}
		json_decref(ev);
		free(line);
	}
	if (interrupted)
		return EXIT_OK;
	fprintf(stderr, "vipctl: vipd on %s closed the event stream\n", o->control);
	return EXIT_FAIL;
}

static int subscribe(const struct cli_opts *o, struct cli_conn *c)
{
	json_t *req = json_pack("{s:s, s:I}", "cmd", "subscribe", "backlog",
				(json_int_t)(o->backlog > 0 ? o->backlog : 0));
	char *text = json_dumps(req, JSON_COMPACT), *line = NULL;
	json_error_t jerr;
	json_t *reply;
	int rc = -1;

	json_decref(req);
	if (text && cli_send_line(c->fd, text) == 0)
		line = cli_conn_readline(c);
	free(text);
	reply = line ? json_loads(line, 0, &jerr) : NULL;
	free(line);
	if (!reply)
		fprintf(stderr, "vipctl: error: no valid reply from vipd on %s\n", o->control);
	else if (cli_result_or_report(reply))
		rc = 0;
	json_decref(reply);
	return rc;
}

int cmd_events(struct cli_opts *o)
{
	struct sigaction sa = {.sa_handler = on_sigint}; /* no SA_RESTART: recv returns */
	struct cli_conn c;
	int rc;

	if (o->argc > 0) {
		fprintf(stderr, "vipctl: error: events: unexpected argument '%s'\n", o->argv[0]);
		return EXIT_BADCONF;
	}
	if (cli_conn_open(&c, o->control, 0) < 0) {
		fprintf(stderr, "vipctl: error: cannot connect to %s: %s (is vipd running?)\n",
			o->control, strerror(errno));
		return EXIT_FAIL;
	}
	stream_fd = c.fd;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = subscribe(o, &c) == 0 ? stream(o, &c) : EXIT_FAIL;
	stream_fd = -1;
	cli_conn_close(&c);
	return rc;
}

int cmd_metrics(struct cli_opts *o)
{
	json_t *req = json_pack("{s:s}", "cmd", "metrics");
	json_t *reply = cli_request(o, req), *res;

	json_decref(req);
	if (!reply)
		return EXIT_FAIL;
	res = cli_result_or_report(reply);
	if (res && o->json)
		json_dumpf(res, stdout, JSON_INDENT(2)), putchar('\n');
	else if (res)
		fputs(str(res, "text"), stdout);
	json_decref(reply);
	return res ? EXIT_OK : EXIT_FAIL;
}
