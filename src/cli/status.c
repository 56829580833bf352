/* vipctl status [--interface IF] [--zone Z] [--namespace NS] [--watch [SECS]]
 *
 * The daemon's status document (docs/json.md) as a table an operator reads
 * at a glance, one row per instance: state, priority, health signals, VIPs,
 * who holds them, since when and why. The filters are applied here, in
 * vipctl, to the table and to -o json alike (the document keeps its shape,
 * with fewer instances). --watch redraws every SECS (default 1) until
 * Ctrl-C, and keeps trying while the daemon is away (a restart). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

enum {
	COL_NAME,
	COL_VRID,
	COL_STATE,
	COL_PRIO,
	COL_HEALTH,
	COL_VIPS,
	COL_OWNER,
	COL_SINCE,
	COL_REASON,
	COL_COUNT
};

static const char *const headers[COL_COUNT] = {"INSTANCE", "VRID",  "STATE", "PRIO",  "HEALTH",
					       "VIPS",	   "OWNER", "SINCE", "REASON"};

#define CELL_MAX 256

struct row {
	char cell[COL_COUNT][CELL_MAX];
};

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static bool in_zones(json_t *inst, const char *zone)
{
	json_t *z;
	size_t i;

	if (json_is_string(json_object_get(inst, "zone")) && strcmp(str(inst, "zone"), zone) == 0)
		return true;
	json_array_foreach(json_object_get(inst, "zones"), i, z)
	{
		if (json_is_string(z) && strcmp(json_string_value(z), zone) == 0)
			return true;
	}
	return false;
}

bool cli_instance_selected(const struct cli_opts *o, json_t *inst)
{
	json_t *ns = json_object_get(inst, "namespace");

	if (o->filter_interface && strcmp(str(inst, "interface"), o->filter_interface) != 0)
		return false;
	if (o->filter_zone && !in_zones(inst, o->filter_zone))
		return false;
	if (o->filter_namespace) {
		const char *want = o->filter_namespace;

		if (strcmp(want, "-") == 0 || !*want) /* the daemon's own namespace */
			return !json_is_string(ns);
		return json_is_string(ns) && strcmp(json_string_value(ns), want) == 0;
	}
	return true;
}

/* "3s", "4m12s", "2h05m", "3d04h" since an ISO-8601 UTC time. */
static void age_text(const char *iso, char *buf, size_t len)
{
	struct tm tm = {0};
	long s;

	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "-");
		return;
	}
	s = (long)(time(NULL) - timegm(&tm));
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", s / 86400, s % 86400 / 3600);
}

/* The signals of the clusterIpMethod from "health": {"signals": {"link":
 * {"state": "up"}, "gateway": {"state": "down"}}}: "link:up gw:DOWN";
 * "-" for method vrrp (nothing to check); the verdict alone ("ok",
 * "DOWN") from a daemon that does not report signals. */
static void health_text(json_t *inst, char *buf, size_t len)
{
	json_t *sig = json_object_get(json_object_get(inst, "health"), "signals"), *v;
	const char *key;
	size_t used = 0;

	buf[0] = '\0';
	json_object_foreach(sig, key, v)
	{
		const char *state = json_string_value(json_object_get(v, "state"));
		int n;

		if (!state)
			continue;
		n = snprintf(buf + used, len - used, "%s%s:%s", used ? " " : "",
			     strcmp(key, "gateway") == 0 ? "gw" : key,
			     strcmp(state, "down") == 0 ? "DOWN" : state);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (used)
		return;
	if (!json_is_true(json_object_get(inst, "healthy")))
		snprintf(buf, len, "DOWN");
	else
		snprintf(buf, len, "%s", strcmp(str(inst, "method"), "vrrp") == 0 ? "-" : "ok");
}

static void owner_text(json_t *inst, char *buf, size_t len)
{
	json_t *master = json_object_get(inst, "master");

	if (strcmp(str(inst, "state"), "MASTER") == 0)
		snprintf(buf, len, "this node");
	else if (!json_is_object(master))
		snprintf(buf, len, "-");
	else if (json_is_true(json_object_get(master, "self")))
		snprintf(buf, len, "this node");
	else
		snprintf(buf, len, "peer %s", str(master, "address"));
}

static void vips_text(json_t *inst, char *buf, size_t len)
{
	json_t *vips = json_object_get(inst, "vips");
	size_t n = json_array_size(vips);

	if (n == 0)
		snprintf(buf, len, "-");
	else if (n == 1)
		snprintf(buf, len, "%s", json_string_value(json_array_get(vips, 0)));
	else
		snprintf(buf, len, "%s +%zu", json_string_value(json_array_get(vips, 0)), n - 1);
}

/* Why it is in this state: what it waits for, why it is unhealthy, else
 * the cause and reason of its last transition. */
static void reason_text(json_t *inst, char *buf, size_t len)
{
	json_t *last = json_object_get(inst, "last_transition");

	if (json_is_string(json_object_get(inst, "waiting")))
		snprintf(buf, len, "waiting: %s", str(inst, "waiting"));
	else if (!json_is_true(json_object_get(inst, "healthy")))
		snprintf(buf, len, "unhealthy: %s", str(inst, "health_reason"));
	else if (json_is_object(last) &&
		 strncmp(str(last, "reason"), str(last, "cause"), strlen(str(last, "cause"))) == 0)
		snprintf(buf, len, "%s", str(last, "reason")); /* "unhealthy: ..." already */
	else if (json_is_object(last))
		snprintf(buf, len, "%s: %s", str(last, "cause"), str(last, "reason"));
	else
		snprintf(buf, len, "-");
}

static void fill_row(json_t *inst, struct row *r)
{
	json_t *prio = json_object_get(inst, "priority");

	snprintf(r->cell[COL_NAME], CELL_MAX, "%s", str(inst, "name"));
	snprintf(r->cell[COL_VRID], CELL_MAX, "%lld",
		 (long long)json_integer_value(json_object_get(inst, "vrid")));
	snprintf(r->cell[COL_STATE], CELL_MAX, "%s", str(inst, "state"));
	snprintf(r->cell[COL_PRIO], CELL_MAX, "%lld/%lld",
		 (long long)json_integer_value(json_object_get(prio, "effective")),
		 (long long)json_integer_value(json_object_get(prio, "configured")));
	health_text(inst, r->cell[COL_HEALTH], CELL_MAX);
	vips_text(inst, r->cell[COL_VIPS], CELL_MAX);
	owner_text(inst, r->cell[COL_OWNER], CELL_MAX);
	age_text(
	    json_string_value(json_object_get(json_object_get(inst, "last_transition"), "time")),
	    r->cell[COL_SINCE], CELL_MAX);
	reason_text(inst, r->cell[COL_REASON], CELL_MAX);
}

static void print_row(const char cells[COL_COUNT][CELL_MAX], const int *width)
{
	for (int c = 0; c < COL_COUNT; c++) {
		if (c == COL_REASON)
			printf("%s\n", cells[c]);
		else if (c == COL_VRID)
			printf("%*s  ", width[c], cells[c]);
		else
			printf("%-*s  ", width[c], cells[c]);
	}
}

static void print_table(struct row *rows, size_t n)
{
	int width[COL_COUNT];
	char head[COL_COUNT][CELL_MAX];

	for (int c = 0; c < COL_COUNT; c++) {
		width[c] = (int)strlen(headers[c]);
		snprintf(head[c], CELL_MAX, "%s", headers[c]);
		for (size_t i = 0; i < n; i++)
			if ((int)strlen(rows[i].cell[c]) > width[c])
				width[c] = (int)strlen(rows[i].cell[c]);
	}
	print_row((const char(*)[CELL_MAX])head, width);
	for (size_t i = 0; i < n; i++)
		print_row((const char(*)[CELL_MAX])rows[i].cell, width);
}

static void print_header(json_t *st, size_t shown, size_t total)
{
	json_t *inst;
	size_t i, masters = 0;
	char up[32];

	json_array_foreach(json_object_get(st, "instances"), i, inst)
	{
		masters += strcmp(str(inst, "state"), "MASTER") == 0;
	}
	age_text(str(st, "started"), up, sizeof(up));
	printf("vipd %s, cluster %s, node %s, pid %lld, up %s%s\n", str(st, "version"),
	       str(st, "cluster"), str(st, "node"),
	       (long long)json_integer_value(json_object_get(st, "pid")), up,
	       json_is_true(json_object_get(st, "drained")) ? ", DRAINED" : "");
	printf("%zu instances, %zu MASTER here", total, masters);
	if (shown != total)
		printf(", %zu shown (filtered)", shown);
	printf("\n\n");
}

/* One line per BFD session (issue 16, docs/bfd.md), after the table. */
static void print_bfd(json_t *st)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(st, "bfd"), i, s)
	{
		if (i == 0)
			printf("\nBFD sessions:\n");
		printf("  %s %s peer %s: %s (%s), detection %lld ms, %lld flaps, %lld takeovers\n",
		       str(s, "interface"), str(s, "family"), str(s, "peer"), str(s, "state"),
		       str(s, "diag"),
		       (long long)json_integer_value(json_object_get(s, "detection_time_us")) /
			   1000,
		       (long long)json_integer_value(json_object_get(s, "flaps")),
		       (long long)json_integer_value(json_object_get(s, "takeovers")));
	}
}

/* Removes the instances the filters reject; returns how many there were. */
static size_t apply_filters(const struct cli_opts *o, json_t *st)
{
	json_t *insts = json_object_get(st, "instances");
	size_t total = json_array_size(insts);

	for (size_t i = json_array_size(insts); i-- > 0;)
		if (!cli_instance_selected(o, json_array_get(insts, i)))
			json_array_remove(insts, i);
	return total;
}

static void print_status(const struct cli_opts *o, json_t *st)
{
	json_t *insts = json_object_get(st, "instances");
	size_t total = apply_filters(o, st), n = json_array_size(insts);
	struct row *rows;

	if (o->json) {
		json_dumpf(st, stdout, o->watch ? JSON_COMPACT : JSON_INDENT(2));
		putchar('\n');
		return;
	}
	print_header(st, n, total);
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		fill_row(json_array_get(insts, i), &rows[i]);
	print_table(rows, n);
	print_bfd(st);
	free(rows);
}

static int status_once(const struct cli_opts *o)
{
	json_t *req = json_pack("{s:s}", "cmd", "status");
	json_t *reply = cli_request(o, req), *res;

	json_decref(req);
	if (!reply)
		return EXIT_FAIL;
	res = cli_result_or_report(reply);
	if (res)
		print_status(o, res);
	json_decref(reply);
	return res ? EXIT_OK : EXIT_FAIL;
}

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int watch(const struct cli_opts *o)
{
	struct sigaction sa = {.sa_handler = on_sigint};
	double secs = o->watch_secs > 0 ? o->watch_secs : 1.0;
	bool tty = isatty(STDOUT_FILENO);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!interrupted) {
		struct timespec ts = {.tv_sec = (time_t)secs,
				      .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};
		time_t now = time(NULL);
		char when[32];

		if (tty && !o->json)
			fputs("\033[H\033[2J", stdout);
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		if (!o->json)
			printf("every %gs, %s (Ctrl-C to stop)\n", secs, when);
		status_once(o);
		fflush(stdout);
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !interrupted)
			;
	}
	return EXIT_OK;
}

int cmd_status(struct cli_opts *o)
{
	char *end;

	if (o->argc > 0 && o->watch) { /* --watch 2: getopt leaves the 2 */
		o->watch_secs = strtod(o->argv[0], &end);
		if (*end || o->watch_secs <= 0) {
			fprintf(stderr, "vipctl: error: --watch takes seconds > 0, not '%s'\n",
				o->argv[0]);
			return EXIT_BADCONF;
		}
		o->argc--, o->argv++;
	}
	if (o->argc > 0) {
		fprintf(stderr, "vipctl: error: status: unexpected argument '%s'\n", o->argv[0]);
		return EXIT_BADCONF;
	}
	return o->watch ? watch(o) : status_once(o);
}
