/* vipd: the daemon's one context. Everything that lives as long as the
 * process is in here; there is no other mutable global. */
#ifndef VIPD_DAEMON_DAEMON_H
#define VIPD_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "model/loader.h"
#include "model/model.h"
#include "model/node_record.h"
#include "util/diag.h"
#include "vrrp/runtime.h"

#define VIPD_DEFAULT_CONFIG  "/etc/vipd/cluster.yaml"
#define VIPD_DEFAULT_CONTROL "/run/vipd/vipd.sock"

struct event;
struct evconnlistener;
struct evhttp;
struct control_client;
struct health;
struct api;
struct hooks;
struct http_server;
struct reloader;
struct bfd_runner;
struct bfd_path;

#define EVENTS_KEEP 256 /* recent events kept for `subscribe` with a backlog */

struct daemon;

/* A kept event: its number and its compact JSON text (a text is a tenth
 * of the memory of its tree: issue 16). */
struct daemon_kept_event {
	uint64_t seq;
	char *text;
};

/* events.c: the recent events, oldest first from `head`. */
struct daemon_events {
	struct daemon_kept_event ring[EVENTS_KEEP];
	size_t head, count;
	uint64_t seq; /* of the last event; the first is 1 */
	/* Where each new event goes at once (the subscribers): given to
	 * events_init by main.c, as control.c sits above events.c. */
	void (*push)(struct daemon *d, const json_t *event);
	/* Who else hears of each instance event after it was kept (main.c:
	 * the sync groups and the hooks), from inside the step: it must not
	 * call back into the runtime. */
	void (*relay)(struct daemon *d, const struct vrrp_inst *inst, enum vrrp_rt_event what);
};

struct daemon {
	/* command line */
	const char *config_path;
	const char *node_opt; /* --node, NULL: the host name */
	const char *control_path;
	const char *control_group; /* --control-group: may connect and read */
	bool foreground;
	bool cleanup_only; /* --cleanup */

	struct event_base *base;
	struct vrrp_rt rt;
	/* the file in force as read, kept with --http only: GET /api/v1/model makes its model again
	 * (the model itself is freed once the record is compiled) */
	struct model_text config_text;
	/* the file in force compiled for this node (model/node_record.h):
	 * what the runtime, health, status and metrics read, by index;
	 * swapped together with config_text on reload */
	struct node_record *record;
	/* link, gateway and service checks, sync groups (health.h) */
	struct health *health;
	/* transition hooks (hooks.h), for the record in force */
	struct hooks *hooks;
	/* BFD sessions, one per advert path with bfd (bfd.h, issue 16) */
	struct bfd_runner *bfd;
	char node_name[64];
	int64_t started_wall_ms;
	uint64_t reloads, reload_failures;
	/* vrrp_rt_apply calls: the instance and socket arrays changed (a
	 * streamed status stops its lists when this moves, status.c) */
	uint64_t applies;
	int exit_code;

	struct event *sig_ev[3]; /* TERM, INT, HUP */
	struct evconnlistener *listener;
	struct control_client *clients; /* open control connections */
	struct event *watchdog_ev;
	uint64_t watchdog_usec;

	/* the operator's surface: events.c, metrics.c, http.c, api*.c */
	struct daemon_events events;
	/* --http ADDR:PORT (or its older name --metrics-listen); NULL: no HTTP */
	const char *metrics_listen;
	const char *http_token_file; /* --http-token-file: writes allowed with it */
	struct http_server *http;
	struct api *api; /* the REST API and the event stream (api.h) */

	struct reloader *reloader; /* reload.c: the parse off the loop */
	struct event *trim_ev;	   /* trim.c: the settled trim, when due */
};

/* config.c: what one load produced. daemon_load_parse reads, validates
 * and compiles the file for the node and touches nothing else (reload.c
 * runs it on a worker thread); daemon_load_finish, on the loop, logs every
 * diagnostic and, if errors is not NULL, appends the errors to it as
 * "file:line:col: error: msg" strings, and hands the record and the file's
 * bytes over (NULL, {NULL, 0} on failure). They return 0, -EINVAL (bad config),
 * -ENOMEM or another -errno (unreadable). */
struct daemon_loaded {
	struct model_text text;
	struct node_record *record;
	int node;
	int rc;
	struct diag_list dl;
};
void daemon_load_parse(const char *path, const char *node_opt, struct daemon_loaded *l);
int daemon_load_finish(struct daemon *d, struct daemon_loaded *l, struct model_text *text,
		       struct node_record **rec, json_t *errors);
/* Both at once, on the loop: the start's load. */
int daemon_load(struct daemon *d, struct model_text *text, struct node_record **rec,
		json_t *errors);
void daemon_config_free(struct model_text *text, struct node_record *rec);
/* A parsed reload: if valid, apply the difference and swap. 0 or <0. */
int daemon_reload_apply(struct daemon *d, struct daemon_loaded *l, json_t *errors);
/* First start: sweep left-over VIPs, start every instance. */
int daemon_start_instances(struct daemon *d);

/* leftovers.c: daemon_remove_leftovers sweeps left-over VIPs
 * (vrrp_rt_remove_leftovers) in the daemon's own namespace, the specs' and
 * those remembered in CONTROL_PATH.netns; returns how many it removed, or
 * -ENOMEM. daemon_remember_netns writes the specs' namespaces there (with
 * the ones already remembered when keep_old), before any VIP is added in
 * them. */
int daemon_remove_leftovers(struct daemon *d, const struct vrrp_inst_spec *specs, size_t n);
void daemon_remember_netns(struct daemon *d, const struct vrrp_inst_spec *specs, size_t n,
			   bool keep_old);

/* drain.c: drain (every instance advertises priority 1, masters resign) or
 * undrain, with its event, remembered in CONTROL_PATH.drained so that a
 * restarted vipd starts drained; daemon_restore_drain reads that at start,
 * before any instance runs. */
void daemon_set_drained(struct daemon *d, bool drained, const char *by);
void daemon_restore_drain(struct daemon *d);

/* control.c: the unix stream socket, one JSON object per line each way.
 * -EADDRINUSE: another vipd answers there; -ENOTSOCK: the path is not a
 * socket (never removed); -ESRCH: no such --control-group; or another
 * -errno. */
int control_open(struct daemon *d);
void control_close(struct daemon *d);

/* Subscribed connections get `event` as one line (control.c). */
void control_broadcast(struct daemon *d, const json_t *event);

/* status.c: `vipctl status -o json` (docs/json.md); brief: without the
 * instances' counters and with no sockets (the page's GET
 * /api/v1/status?counters=false) */
json_t *status_json(const struct daemon *d);
json_t *status_json_brief(const struct daemon *d);
/* One entry of its "instances" (GET /api/v1/instances/NAME), or NULL. */
json_t *status_instance_json(const struct daemon *d, const char *name);
/* The same document streamed (doc_stream.h), dumped with jansson's flags
 * and framed: prefix + document + suffix, the bytes json_dumps gives. */
struct doc_stream;
struct doc_stream *status_stream_new(const struct daemon *d, bool brief, size_t flags,
				     const char *prefix, const char *suffix);

/* events.c: every transition and health change, and drain/undrain/reload,
 * as one JSON object each (docs/json.md, "vipctl events"), kept in a ring
 * and handed to `push` (control_broadcast: the subscribers). events_init
 * hooks into the runtime. */
void events_init(struct daemon *d, void (*push)(struct daemon *d, const json_t *event));
void events_done(struct daemon *d);
/* A hook ended or could not start (hooks.h's report callback). */
struct hook_runner;
struct hook_job;
void events_hook(struct daemon *d, const struct hook_runner *r, const struct hook_job *job,
		 int code, bool timed_out, uint64_t duration_ms, const char *result);
/* A service check changed state (health_on_check's callback; arg: the
 * daemon): type "check". */
struct check_state;
void events_check(void *arg, const char *name, const char *type, const struct check_state *cs);
/* A daemon-wide event: type "drain", "undrain", "reload", "reload-failed". */
void events_daemon(struct daemon *d, const char *type, const char *reason);
/* A BFD session changed state (bfd_change_fn; arg: the daemon). */
void events_bfd(void *arg, const struct bfd_path *p, int from);
/* The i-th of the last n kept events (i = 0 the oldest of them), as
 * json_dumps(JSON_COMPACT) wrote it when it happened; borrowed. */
size_t events_kept(const struct daemon *d);
const struct daemon_kept_event *events_recent(const struct daemon *d, size_t n, size_t i);
/* "2026-11-26T12:38:39.123Z" */
json_t *events_time_json(int64_t wall_ms);

/* metrics.c: the Prometheus text exposition (docs/operations.md), streamed
 * (doc_stream.h); json_string: as `{"ok":true,"result":{"text":"..."}}`
 * and a line end, the control socket's answer. */
struct doc_stream *metrics_stream_new(const struct daemon *d, bool json_string);
/* metrics_checks.c: the health checks' and hooks' series, as sections
 * of items that metrics.c streams: item 0 of a section is its family's
 * HELP and TYPE, the others its samples; false when section sec has no
 * item i (nothing at all without health checks). */
size_t metrics_checks_sections(void);
bool metrics_checks_item(FILE *out, const struct daemon *d, size_t sec, size_t i);
void metrics_write_bfd(FILE *out, const struct daemon *d);

/* reload.c: reload (SIGHUP, `vipctl reload`) parsed on a worker thread,
 * applied on the loop. daemon_reload_request asks for one: `done` (may be
 * NULL) is called on the loop with the outcome (rc 0 or <0, errors: the
 * error lines, borrowed) of the first parse that starts after the request;
 * requests made while a parse runs share the next one. A waiter whose
 * client went away is cancelled (not called, freed). NULL: out of memory. */
struct reload_waiter;
typedef void (*daemon_reload_done_fn)(struct daemon *d, void *ctx, int rc, json_t *errors);
int daemon_reload_init(struct daemon *d);
struct reload_waiter *daemon_reload_request(struct daemon *d, const char *by,
					    daemon_reload_done_fn done, void *ctx);
void daemon_reload_cancel(struct daemon *d, struct reload_waiter *w);
bool daemon_reload_running(const struct daemon *d);
void daemon_reload_close(struct daemon *d);

/* listen.c: a listener out of descriptors (EMFILE, ENFILE) stays readable
 * and fails every accept: log it (who: "control", "metrics") and pause it
 * for a second instead of spinning the loop. */
struct evconnlistener;
void daemon_accept_backoff(struct daemon *d, struct evconnlistener *l, const char *who);

/* http.c: --http (--metrics-listen), GET /metrics on evhttp, and the API
 * (api.h) on the same server. 0 or -errno. */
int http_open(struct daemon *d);
void http_close(struct daemon *d);

/* privs.c: at start, keep CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN (setns)
 * and, for the control socket's setup, CAP_CHOWN and CAP_SETPCAP; drop every
 * other capability, the bounding set's too, and set no_new_privs. Once the
 * sockets are set up, privs_drop keeps the first three alone. 0 or -errno;
 * no-ops when not root. */
int privs_drop_for_setup(bool switch_users);
int privs_drop(bool switch_users);
/* Whether record r has an exec check that runs as another user than root:
 * privs_drop keeps what switching users takes (CAP_SETUID, CAP_SETGID,
 * CAP_KILL). */
bool privs_needs_users(const struct node_record *r);
/* vipd has CAP_SETUID, CAP_SETGID and CAP_KILL (the unit's bounding set
 * may lack them: packaging/systemd/exec-checks.conf adds them). */
bool privs_can_switch_users(void);
/* every capability, in a child that only parses (api_validate.c) */
int privs_drop_all(void);

/* trim.c: after the start, a reload or a parse of the model: the heap's
 * free pages given back now, and the heap's and the start's file pages
 * (util/file_pages.h) once the loop has settled. daemon_trim_done at exit. */
void daemon_trim(struct daemon *d);
void daemon_trim_done(struct daemon *d);

/* notify.c: sd_notify without libsystemd. */
void notify_send(const char *msg);
int notify_watchdog_start(struct daemon *d);

#endif
