/* The one loader of vipd and vipctl: read the file, load and validate it,
 * pick this node. Every problem, "cannot read" and "not a node" included,
 * is a diagnostic in the caller's list with its position, so callers print
 * or log the list as they like and nobody parses printed text. The only
 * file of src/model that does I/O (the read, through util/file.c, and
 * gethostname). */
#ifndef VIPD_MODEL_LOADER_H
#define VIPD_MODEL_LOADER_H

#include "model/model.h"
#include "util/diag.h"

/* Reads and loads path. dl: initialised by the caller (diag_list_init with
 * path), sorted on return. 0 with *out set, or a negative errno (-EINVAL:
 * the file has errors; *out NULL). */
int model_load_file(const char *path, struct model **out, struct diag_list *dl);

/* The index of this node in cluster.nodes: node_opt (--node) when given,
 * else the host name; or -EINVAL with an error in dl, at cluster.nodes,
 * naming both nodes ("... not a node of cluster C (a, b) ..."). */
int model_pick_node(const struct model *m, const char *node_opt, struct diag_list *dl);

/* model_load_file, then model_pick_node: 0 with *out and *node set. */
int model_load_for_node(const char *path, const char *node_opt, struct model **out, int *node,
			struct diag_list *dl);

#endif
