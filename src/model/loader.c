/* The one loader of vipd and vipctl (loader.h). */
#include "model/loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

static const char *file_type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* What MODEL_FILE_ROOT_ONLY asks of the file, judged before it is read. */
static int judge_trust(const struct stat *st, struct diag_list *dl)
{
	const struct src_pos nowhere = {0, 0};

	if (!S_ISREG(st->st_mode)) {
		diag_error(dl, nowhere, "is %s; vipd reads its configuration from a regular file",
			   file_type_name(st->st_mode));
		return -EINVAL;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		diag_error(dl, nowhere,
			   "is owned by uid %u; vipd reads a file owned by root only (chown root)",
			   (unsigned)st->st_uid);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		diag_error(dl, nowhere,
			   "is writable by group or others (mode %04o); whoever can write it "
			   "decides what vipd does as root (chmod go-w)",
			   (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* The file's bytes, if it may be read; every refusal is a diagnostic. */
static int read_config(const char *path, enum model_file_trust trust, char **buf, size_t *len,
		       struct diag_list *dl)
{
	struct stat st;
	int fd = file_open_stat(path, &st), rc;

	if (fd < 0) {
		diag_error(dl, (struct src_pos){0, 0}, "cannot read: %s", strerror(-fd));
		return fd;
	}
	if (trust == MODEL_FILE_ROOT_ONLY && (rc = judge_trust(&st, dl)) < 0) {
		close(fd);
		return rc;
	}
	rc = file_read_fd(fd, MODEL_FILE_MAX_LEN, buf, len);
	if (rc == -EFBIG)
		diag_error(dl, (struct src_pos){0, 0},
			   "is larger than %u MiB; refused (a cluster of 4094 VLANs with 81,880 "
			   "VIPs takes 8)",
			   MODEL_FILE_MAX_LEN >> 20);
	else if (rc < 0)
		diag_error(dl, (struct src_pos){0, 0}, "cannot read: %s", strerror(-rc));
	return rc;
}

/* text: NULL, or where the bytes read go when the load succeeds. */
static int load_file(const char *path, enum model_file_trust trust, struct model **out,
		     struct model_text *text, struct diag_list *dl)
{
	size_t len = 0;
	char *buf = NULL;
	int rc;

	*out = NULL;
	rc = read_config(path, trust, &buf, &len, dl);
	if (rc < 0)
		return rc;
	rc = model_load_buffer(buf, len, path, out, dl);
	if (text && rc >= 0) {
		/* kept while the file is in force: no slack from the read's growth */
		char *exact = realloc(buf, len ? len : 1);

		text->bytes = exact ? exact : buf;
		text->len = len;
	} else {
		free(buf);
	}
	diag_list_sort(dl);
	if (rc < 0) {
		model_free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return 0;
}

int model_load_file(const char *path, enum model_file_trust trust, struct model **out,
		    struct diag_list *dl)
{
	return load_file(path, trust, out, NULL, dl);
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

int model_load_for_node(const char *path, enum model_file_trust trust, const char *node_opt,
			struct model **out, int *node, struct model_text *text,
			struct diag_list *dl)
{
	int rc;

	if (text)
		*text = (struct model_text){0};
	rc = load_file(path, trust, out, text, dl);
	if (rc < 0)
		return rc;
	rc = model_pick_node(*out, node_opt, dl);
	if (rc < 0) {
		model_free(*out);
		*out = NULL;
		if (text) {
			free(text->bytes);
			*text = (struct model_text){0};
		}
		return rc;
	}
	*node = rc;
	return 0;
}
