#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/file.h"

struct model *cli_load_model_diags(const char *path, struct diag_list *dl)
{
	struct model *m = NULL;
	size_t len = 0;
	char *buf = file_read_all(path, &len);
	int rc, err = errno;

	diag_list_init(dl, path);
	if (!buf) {
		diag_error(dl, (struct src_pos){0, 0}, "cannot read: %s", strerror(err));
		diag_list_print(dl, stderr);
		return NULL;
	}
	rc = model_load_buffer(buf, len, path, &m, dl);
	free(buf);
	diag_list_sort(dl);
	diag_list_print(dl, stderr);
	if (rc < 0) {
		model_free(m);
		return NULL;
	}
	return m;
}

struct model *cli_load_model(const char *path)
{
	struct diag_list dl;
	struct model *m = cli_load_model_diags(path, &dl);

	diag_list_done(&dl);
	return m;
}

int cli_pick_node(const struct model *m, const char *node_opt)
{
	char host[256];
	int idx;

	if (node_opt) {
		idx = model_node_index(m, node_opt);
		if (idx < 0)
			fprintf(stderr,
				"vipctl: error: --node %s is not a node of cluster %s (%s, %s)\n",
				node_opt, m->cluster_name.v, m->nodes[0].v, m->nodes[1].v);
		return idx;
	}
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	idx = model_node_index(m, host);
	if (idx < 0)
		fprintf(stderr,
			"vipctl: error: this host is '%s', not a node of cluster %s (%s, %s); name "
			"the node with --node\n",
			host, m->cluster_name.v, m->nodes[0].v, m->nodes[1].v);
	return idx;
}
