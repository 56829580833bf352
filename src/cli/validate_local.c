/* vipctl validate's look at this machine: whether the programs the file
 * names (hooks, exec checks) are executable here. src/model cannot know
 * (it does no I/O, and a file is validated anywhere), so these are
 * warnings, and a missing program is only reported on a node of the
 * cluster, where it will run (docs/checks.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static void check_program(struct diag_list *dl, const struct argv_val *a, const char *what,
			  const char *node)
{
	struct stat st;

	if (!a->set)
		return;
	if (stat(a->argv[0], &st) == 0) {
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			diag_warning(dl, a->pos, "%s %s is not an executable file on this machine",
				     what, a->argv[0]);
		return;
	}
	if (node && errno == ENOENT)
		diag_warning(dl, a->pos, "%s %s does not exist on this machine (node %s)", what,
			     a->argv[0], node);
}

static void check_hooks(struct diag_list *dl, const struct hooks_cfg *h, const char *ctx,
			const char *node)
{
	char what[192];

	for (int e = 0; e < HOOK_EVENT_COUNT; e++) {
		snprintf(what, sizeof(what), "%s: %s", ctx, hook_event_name((enum hook_event)e));
		check_program(dl, &h->cmd[e], what, node);
	}
}

/* The node this machine is: --node when it names one, else the host name
 * when it is one of cluster.nodes; NULL: not a node of this cluster. */
static const char *this_node(const struct model *m, const char *node_opt)
{
	char host[256];
	int i;

	if (node_opt)
		return model_node_index(m, node_opt) >= 0 ? node_opt : NULL;
	if (gethostname(host, sizeof(host)) < 0)
		return NULL;
	host[sizeof(host) - 1] = '\0';
	i = model_node_index(m, host);
	return i >= 0 ? m->nodes[i].v : NULL;
}

void cli_check_programs(const struct model *m, const char *node_opt, struct diag_list *dl)
{
	const char *node = this_node(m, node_opt);
	char ctx[128];

	check_hooks(dl, &m->hooks, "cluster.hooks", node);
	for (size_t i = 0; i < m->n_groups; i++) {
		snprintf(ctx, sizeof(ctx), "sync_groups.%s.hooks", m->groups[i].name);
		check_hooks(dl, &m->groups[i].hooks, ctx, node);
	}
	for (size_t i = 0; i < m->n_checks; i++) {
		snprintf(ctx, sizeof(ctx), "checks.%s: command", m->checks[i].name);
		check_program(dl, &m->checks[i].command, ctx, node);
	}
}
