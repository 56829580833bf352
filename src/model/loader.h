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

/* A file of MODEL_FILE_MAX_LEN bytes or more is refused before it is
 * parsed (the 81,880-VIP file of bench/validate has 7.4 MB). */
#define MODEL_FILE_MAX_LEN (32u * 1024 * 1024)

/* Whom a file must come from (docs/security.md). */
enum model_file_trust {
	/* vipctl: any readable file, a pipe too (vipctl validate -c <(...)) */
	MODEL_FILE_ANY,
	/* vipd, which runs what the file says as root: a regular file (a FIFO
	 * would stall the event loop), owned by root or the daemon's user,
	 * writable by nobody else */
	MODEL_FILE_ROOT_ONLY,
};

/* Reads and loads path. dl: initialised by the caller (diag_list_init with
 * path), sorted on return. 0 with *out set, or a negative errno with *out
 * NULL: -EINVAL (the file has errors, or is not a regular file where trust
 * asks one), -EPERM (its owner or mode), -EFBIG (too large), or the read's. */
int model_load_file(const char *path, enum model_file_trust trust, struct model **out,
		    struct diag_list *dl);

/* The index of this node in cluster.nodes: node_opt (--node) when given,
 * else the host name; or -EINVAL with an error in dl, at cluster.nodes,
 * naming both nodes ("... not a node of cluster C (a, b) ..."). */
int model_pick_node(const struct model *m, const char *node_opt, struct diag_list *dl);

/* The bytes a model was loaded from: model_load_buffer makes the same
 * model of them again (the daemon keeps them instead of the model). */
struct model_text {
	char *bytes; /* malloc'd */
	size_t len;
};

/* model_load_file, then model_pick_node: 0 with *out and *node set, and,
 * if text is not NULL, the bytes read in *text (the caller frees
 * text->bytes; {NULL, 0} on failure). */
int model_load_for_node(const char *path, enum model_file_trust trust, const char *node_opt,
			struct model **out, int *node, struct model_text *text,
			struct diag_list *dl);

#endif
