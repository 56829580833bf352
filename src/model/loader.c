/* The one loader of vipd and vipctl (loader.h). */
#include "model/loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"

int model_load_file(const char *path, struct model **out, struct diag_list *dl)
{
	size_t len = 0;
	char *buf = file_read_all(path, &len);
	int rc;

	*out = NULL;
	if (!buf) {
		rc = -errno;
		diag_error(dl, (struct src_pos){0, 0}, "cannot read: %s", strerror(-rc));
		return rc;
	}
	rc = model_load_buffer(buf, len, path, out, dl);
	free(buf);
	diag_list_sort(dl);
	if (rc < 0) {
		model_free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return 0;
}

int model_pick_node(const struct model *m, const char *node_opt, struct diag_list *dl)
{
	char host[256] = "";
	int idx;

	if (node_opt) {
		idx = model_node_index(m, node_opt);
		if (idx < 0)
			diag_error(dl, m->nodes[0].pos,
				   "--node %s is not a node of cluster %s (%s, %s)", node_opt,
				   m->cluster_name.v, m->nodes[0].v, m->nodes[1].v);
		return idx < 0 ? -EINVAL : idx;
	}
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	idx = model_node_index(m, host);
	if (idx < 0)
		diag_error(dl, m->nodes[0].pos,
			   "this host is '%s', not a node of cluster %s (%s, %s); name the node "
			   "with --node",
			   host, m->cluster_name.v, m->nodes[0].v, m->nodes[1].v);
	return idx < 0 ? -EINVAL : idx;
}

int model_load_for_node(const char *path, const char *node_opt, struct model **out, int *node,
			struct diag_list *dl)
{
	int rc = model_load_file(path, out, dl);

	if (rc < 0)
		return rc;
	rc = model_pick_node(*out, node_opt, dl);
	if (rc < 0) {
		model_free(*out);
		*out = NULL;
		return rc;
	}
	*node = rc;
	return 0;
}
