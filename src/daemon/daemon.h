/* vipd: the daemon's one context. Everything that lives as long as the
 * process is in here; there is no other mutable global. */
#ifndef VIPD_DAEMON_DAEMON_H
#define VIPD_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "vrrp/runtime.h"

#define VIPD_DEFAULT_CONFIG  "/etc/vipd/cluster.yaml"
#define VIPD_DEFAULT_CONTROL "/run/vipd/vipd.sock"

struct event;
struct evconnlistener;
struct control_client;

struct daemon {
	/* command line */
	const char *config_path;
	const char *node_opt; /* --node, NULL: the host name */
	const char *control_path;
	bool foreground;
	bool cleanup_only; /* --cleanup */

	struct event_base *base;
	struct vrrp_rt rt;
	struct model *model; /* the configuration in force */
	int node;	     /* index in cluster.nodes */
	char node_name[64];
	int64_t started_wall_ms;
	uint64_t reloads, reload_failures;
	int exit_code;

	struct event *sig_ev[3]; /* TERM, INT, HUP */
	struct evconnlistener *listener;
	struct control_client *clients; /* open control connections */
	struct event *watchdog_ev;
	uint64_t watchdog_usec;
};

/* config.c: load the file aside. On success *out is the model and *node
 * this node's index; on failure every diagnostic is logged and, if errors
 * is not NULL, appended to it as "file:line:col: error: msg" strings.
 * Returns 0, -EINVAL (bad config) or another -errno (unreadable). */
int daemon_load(struct daemon *d, struct model **out, int *node, json_t *errors);
/* Reload: load aside; if valid, apply the difference and swap. 0 or <0. */
int daemon_reload(struct daemon *d, json_t *errors);
/* First start: sweep left-over VIPs, start every instance. */
int daemon_start_instances(struct daemon *d);

/* control.c: the unix stream socket, one JSON object per line each way. */
int control_open(struct daemon *d);
void control_close(struct daemon *d);

/* status.c */
json_t *status_json(const struct daemon *d);

/* notify.c: sd_notify without libsystemd. */
void notify_send(const char *msg);
int notify_watchdog_start(struct daemon *d);

#endif
