/* vipctl: shared pieces of the subcommands. */
#ifndef VIPD_CLI_CLI_H
#define VIPD_CLI_CLI_H

#include <stdbool.h>

#include <jansson.h>

#include "model/model.h"

#define VIPD_DEFAULT_CONFIG  "/etc/vipd/cluster.yaml"
#define VIPD_DEFAULT_CONTROL "/run/vipd/vipd.sock"

/* Exit codes: 0 ok, 1 runtime failure, 2 bad config or usage. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_BADCONF = 2 };

struct cli_opts {
	const char *config;
	const char *node;
	const char *control;
	bool json;
	bool text; /* -o text given explicitly (events: human lines, not JSON) */
	int argc;  /* the verb's own arguments */
	char **argv;
	/* status, events: only instances on this interface / in this zone /
	 * namespace ("-": the daemon's own); NULL: all. Filtered in vipctl. */
	const char *filter_interface;
	const char *filter_zone;
	const char *filter_namespace;
	bool watch;		  /* status --watch[=SECS] [SECS] */
	double watch_secs;	  /* 0: the default, 1 s */
	long backlog;		  /* events --backlog N: the last N kept events first */
	const char *import_name;  /* import: --name, the cluster's name */
	const char *import_nodes; /* import: --nodes A,B, the config-ids and node names */
};

/* Read and load the file; prints every diagnostic to stderr. NULL on errors. */
struct model *cli_load_model(const char *path);
/* The same, and leaves the diagnostics, sorted, in *dl (initialised here;
 * the caller calls diag_list_done). A file that cannot be read is one
 * error without position. */
struct model *cli_load_model_diags(const char *path, struct diag_list *dl);
/* The same without printing. */
struct model *cli_load_model_quiet(const char *path, struct diag_list *dl);
/* validate_local.c: warnings (at their positions, into dl) for hooks and
 * exec checks whose program is not executable on this machine; a missing
 * one only when this machine is a node of the cluster (node_opt, else the
 * host name). */
void cli_check_programs(const struct model *m, const char *node_opt, struct diag_list *dl);
/* --node, else the host name; prints why on failure (at path's cluster.nodes).
 * Returns the index or a negative errno. */
int cli_pick_node(const struct model *m, const char *path, const char *node_opt);

int cmd_validate(struct cli_opts *o);
int cmd_show(struct cli_opts *o);
int cmd_explain(struct cli_opts *o);
/* schema.c: the JSON Schema of the file (docs/schema.md); new reference. */
json_t *cli_schema_json(void);
int cmd_schema(struct cli_opts *o);
/* control.c: talk to the daemon on --control SOCK */
int cmd_reload(struct cli_opts *o);
int cmd_drain(struct cli_opts *o);
int cmd_undrain(struct cli_opts *o);
/* status.c */
int cmd_status(struct cli_opts *o);
/* events.c: vipctl events | metrics */
int cmd_events(struct cli_opts *o);
int cmd_metrics(struct cli_opts *o);
/* control.c, for the other verbs that talk to the daemon */
int cli_control_connect(const char *path, int timeout_s); /* fd, or -1 with errno */
int cli_send_line(int fd, const char *line);		  /* adds the newline */
/* A connection that reads line by line (a stream may carry many lines). */
struct cli_conn {
	int fd;
	char *buf;
	size_t len, cap;
};
/* timeout_s: receive timeout, 0 = none. 0, or -1 with errno. */
int cli_conn_open(struct cli_conn *c, const char *path, int timeout_s);
/* The next line without its newline (malloc'd); NULL at EOF, on error,
 * timeout or a signal (errno says which). */
char *cli_conn_readline(struct cli_conn *c);
void cli_conn_close(struct cli_conn *c);
/* Sends req (borrowed), returns the parsed reply or NULL (reason printed). */
json_t *cli_request(const struct cli_opts *o, const json_t *req);
/* ok: the borrowed result; else prints the error and every "errors" line. */
json_t *cli_result_or_report(json_t *reply);
/* The instance passes --interface/--zone/--namespace. */
bool cli_instance_selected(const struct cli_opts *o, json_t *inst);
int cmd_plan(struct cli_opts *o);
/* import.c: vipctl import keepalived A.conf B.conf */
int cmd_import(struct cli_opts *o);
int cmd_apply(struct cli_opts *o);

#endif
