/* Loading the configuration: at start, and aside on reload (STYLE 4:
 * build aside, swap on success). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/health.h"
#include "util/file.h"

/* Logs every diagnostic line and collects the errors. */
static void report(struct daemon *d, struct diag_list *dl, json_t *errors)
{
	char *text = NULL, *save = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return;
	diag_list_sort(dl);
	diag_list_print(dl, mem);
	fclose(mem);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool err = strstr(line, ": error: ") != NULL;

		vrrp_rt_log(&d->rt, err ? VRRP_RT_LOG_ERR : VRRP_RT_LOG_WARN, "%s", line);
		if (errors && err)
			json_array_append_new(errors, json_string(line));
	}
	free(text);
}

static void add_error(struct daemon *d, json_t *errors, const char *fmt, const char *a,
		      const char *b)
{
	char line[512];

	snprintf(line, sizeof(line), fmt, a, b);
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR, "%s", line);
	if (errors)
		json_array_append_new(errors, json_string(line));
}

static int pick_node(struct daemon *d, const struct model *m, json_t *errors)
{
	char host[256] = "";
	const char *name = d->node_opt;
	int idx;

	if (!name) {
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	idx = model_node_index(m, name);
	if (idx < 0) {
		add_error(d, errors, "%s: error: node '%s' is not in cluster.nodes (use --node)",
			  d->config_path, name);
		return -EINVAL;
	}
	snprintf(d->node_name, sizeof(d->node_name), "%s", name);
	return idx;
}

int daemon_load(struct daemon *d, struct model **out, int *node, json_t *errors)
{
	struct diag_list dl;
	struct model *m = NULL;
	size_t len = 0;
	char *buf = file_read_all(d->config_path, &len);
	int rc;

	*out = NULL;
	if (!buf) {
		rc = -errno;
		add_error(d, errors, "%s: error: cannot read: %s", d->config_path, strerror(-rc));
		return rc;
	}
	diag_list_init(&dl, d->config_path);
	rc = model_load_buffer(buf, len, d->config_path, &m, &dl);
	free(buf);
	report(d, &dl, errors);
	diag_list_done(&dl);
	if (rc == 0)
		rc = *node = pick_node(d, m, errors);
	if (rc < 0) {
		model_free(m);
		return -EINVAL;
	}
	*out = m;
	return 0;
}

int daemon_start_instances(struct daemon *d)
{
	struct vrrp_inst_spec *specs;
	size_t n;
	int removed;

	if (vrrp_rt_specs_from_model(d->model, d->node, &specs, &n) < 0)
		return -ENOMEM;
	removed = vrrp_rt_remove_leftovers(&d->rt, specs, n);
	if (removed > 0)
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "removed %d left-over VIPs before joining",
			    removed);
	health_sync(d->health, d->model, d->node); /* checks first: instances start bound */
	vrrp_rt_apply(&d->rt, specs, n);
	health_commit(d->health);
	vrrp_rt_specs_free(specs, n);
	return 0;
}

int daemon_reload(struct daemon *d, json_t *errors)
{
	struct model *m;
	struct vrrp_inst_spec *specs;
	size_t n;
	int node, rc;

	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "reloading %s", d->config_path);
	rc = daemon_load(d, &m, &node, errors);
	if (rc < 0) {
		d->reload_failures++;
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR,
			    "reload failed: the configuration in force is unchanged");
		return rc;
	}
	if (vrrp_rt_specs_from_model(m, node, &specs, &n) < 0) {
		model_free(m);
		d->reload_failures++;
		return -ENOMEM;
	}
	health_sync(d->health, m, node); /* unchanged checks keep their state */
	vrrp_rt_apply(&d->rt, specs, n);
	health_commit(d->health);
	vrrp_rt_specs_free(specs, n);
	model_free(d->model);
	d->model = m;
	d->node = node;
	d->reloads++;
	return 0;
}
