/* vipctl: shared pieces of the subcommands. */
#ifndef VIPD_CLI_CLI_H
#define VIPD_CLI_CLI_H

#include <stdbool.h>

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
	int argc; /* the verb's own arguments */
	char **argv;
};

/* Read and load the file; prints every diagnostic to stderr. NULL on errors. */
struct model *cli_load_model(const char *path);
/* The same, and leaves the diagnostics, sorted, in *dl (initialised here;
 * the caller calls diag_list_done). A file that cannot be read is one
 * error without position. */
struct model *cli_load_model_diags(const char *path, struct diag_list *dl);
/* --node, else the host name; prints why on failure. Returns the index or -1. */
int cli_pick_node(const struct model *m, const char *node_opt);

int cmd_validate(struct cli_opts *o);
int cmd_show(struct cli_opts *o);
int cmd_explain(struct cli_opts *o);
/* control.c: talk to the daemon on --control SOCK */
int cmd_status(struct cli_opts *o);
int cmd_reload(struct cli_opts *o);
int cmd_drain(struct cli_opts *o);
int cmd_undrain(struct cli_opts *o);
int cmd_plan(struct cli_opts *o);
int cmd_apply(struct cli_opts *o);

#endif
