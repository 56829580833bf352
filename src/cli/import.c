/* vipctl import keepalived NODE1.conf NODE2.conf [--name NAME] [--nodes A,B]:
 * the cluster file on stdout, warnings on stderr (src/import does the
 * work; this file reads the disk and picks the node names). */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "import/keepalived.h"
#include "model/keys.h"
#include "model/kinds/kind.h"
#include "util/file.h"

#define IMPORT_MAX_FILE (16u * 1024 * 1024)

static int read_disk(void *arg, const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = file_open_stat(path, &st);

	(void)arg;
	if (fd < 0)
		return fd;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return file_read_fd(fd, IMPORT_MAX_FILE, buf, len);
}

static int glob_disk(void *arg, const char *pattern, char ***paths, size_t *n)
{
	glob_t g;
	int rc = glob(pattern, GLOB_BRACE, NULL, &g);

	(void)arg;
	*paths = NULL;
	*n = 0;
	if (rc == GLOB_NOMATCH)
		return 0;
	if (rc != 0)
		return rc == GLOB_NOSPACE ? -ENOMEM : -EIO;
	*paths = calloc(g.gl_pathc + 1, sizeof(**paths));
	if (!*paths) {
		globfree(&g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		(*paths)[(*n)++] = strdup(g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

/* A node's name from its file: "lb1.conf" -> lb1, "keepalived.conf.lb1"
 * -> lb1, ".../lb1/keepalived.conf" -> lb1. */
static char *name_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s = strdup(b ? b + 1 : path);
	size_t l;

	if (!s)
		return NULL;
	if (strncmp(s, "keepalived.conf.", 16) == 0)
		memmove(s, s + 16, strlen(s + 16) + 1);
	l = strlen(s);
	if (l > 5 && strcmp(s + l - 5, ".conf") == 0)
		s[l - 5] = '\0';
	if (!*s || strcmp(s, "keepalived") == 0 || strcmp(s, "keepalived.conf") == 0) {
		char dir[PATH_MAX];
		const char *d;

		free(s);
		snprintf(dir, sizeof(dir), "%s", path);
		if (!strrchr(dir, '/'))
			return strdup("");
		*strrchr(dir, '/') = '\0';
		d = strrchr(dir, '/');
		return strdup(d ? d + 1 : dir);
	}
	return s;
}

static int pick_nodes(const struct cli_opts *o, char *nodes[2])
{
	if (o->import_nodes) {
		const char *comma = strchr(o->import_nodes, ',');

		if (!comma || comma == o->import_nodes || !comma[1] || strchr(comma + 1, ',')) {
			fprintf(stderr, "vipctl: error: --nodes takes two names: --nodes A,B\n");
			return -1;
		}
		nodes[0] = strndup(o->import_nodes, (size_t)(comma - o->import_nodes));
		nodes[1] = strdup(comma + 1);
	} else {
		nodes[0] = name_from_path(o->argv[1]);
		nodes[1] = name_from_path(o->argv[2]);
		if (nodes[0] && nodes[1] && (!*nodes[0] || strcmp(nodes[0], nodes[1]) == 0)) {
			free(nodes[0]);
			free(nodes[1]);
			nodes[0] = strdup("node1");
			nodes[1] = strdup("node2");
		}
	}
	return nodes[0] && nodes[1] ? 0 : -1;
}

/* A JSON string of text that may not be UTF-8 (keepalived's files are
 * bytes): as it is when it is, else with '?' for every non-ASCII byte. */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s);
	char *c;

	if (j || !(c = strdup(s)))
		return j ? j : json_string("?");
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(c);
	free(c);
	return j;
}

/* -o json: one line, {"ok", "yaml", "diagnostics"} (docs/json.md). */
static void print_json(const struct kad_msgs *msgs, const char *yaml)
{
	json_t *root = json_object(), *diags = json_array();

	for (size_t i = 0; i < msgs->n; i++) {
		const struct kad_msg *g = &msgs->v[i];

		json_array_append_new(diags,
				      json_pack("{s:o, s:i, s:i, s:s, s:o}", "file",
						json_text(g->file), "line", g->line, "col", 0,
						"severity", g->error ? "error" : "warning",
						"message", json_text(g->text)));
	}
	json_object_set_new(root, "ok", json_boolean(yaml != NULL));
	json_object_set_new(root, "yaml", yaml ? json_string(yaml) : json_null());
	json_object_set_new(root, "diagnostics", diags);
	json_dumpf(root, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	putchar('\n');
	json_decref(root);
}

int cmd_import(struct cli_opts *o)
{
	struct kad_reader rd = {.read = read_disk, .glob = glob_disk};
	struct kad_msgs msgs = {0};
	struct kad_tree t[2];
	struct arena a;
	char *nodes[2] = {NULL, NULL}, *yaml = NULL;
	int rc = EXIT_BADCONF;

	if (o->argc != 3 || strcmp(o->argv[0], "keepalived") != 0) {
		fprintf(stderr, "usage: vipctl import keepalived NODE1.conf NODE2.conf "
				"[--name NAME] [--nodes NODE1,NODE2]\n");
		return EXIT_BADCONF;
	}
	if (pick_nodes(o, nodes) < 0)
		goto out;
	arena_init(&a);
	if (kad_parse_file(&a, &rd, o->argv[1], nodes[0], &t[0], &msgs) == 0 &&
	    kad_parse_file(&a, &rd, o->argv[2], nodes[1], &t[1], &msgs) == 0) {
		struct kad_import_opts io = {
		    .cluster_name = o->import_name,
		    .nodes = {nodes[0], nodes[1]},
		    .virtual_mac_known = keys_find(&vrrp_keys, "virtual_mac") != NULL,
		};

		if (kad_import(&a, &t[0], &t[1], &io, &yaml, &msgs) == 0) {
			if (!o->json)
				fputs(yaml, stdout);
			rc = EXIT_OK;
		}
	}
	if (o->json)
		print_json(&msgs, yaml);
	kad_msgs_print(&msgs, stderr);
	free(yaml);
	kad_msgs_done(&msgs);
	arena_done(&a);
out:
	free(nodes[0]);
	free(nodes[1]);
	return rc;
}
