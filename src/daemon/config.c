/* Loading the configuration: at start, and aside on reload (STYLE 4:
 * build aside, swap on success). The parse (daemon_load_parse) touches no
 * daemon state, so that reload.c runs it on a worker thread; what follows
 * it (logging, applying) runs on the event loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/bfd.h"
#include "daemon/daemon.h"
#include "daemon/hooks.h"
#include "daemon/health.h"
#include "model/loader.h"

/* Logs every diagnostic and collects the errors' lines. */
static void report(struct daemon *d, const struct diag_list *dl, json_t *errors)
{
	for (size_t i = 0; i < dl->count; i++) {
		const struct diag *dg = &dl->items[i];
		bool err = dg->severity == DIAG_ERROR;
		char *line = diag_line(dl, dg);

		if (!line)
			continue;
		vrrp_rt_log(&d->rt, err ? VRRP_RT_LOG_ERR : VRRP_RT_LOG_WARN, "%s", line);
		if (errors && err)
			json_array_append_new(errors, json_string(line));
		free(line);
	}
}

void daemon_load_parse(const char *path, const char *node_opt, struct daemon_loaded *l)
{
	struct model *m = NULL;

	memset(l, 0, sizeof(*l));
	diag_list_init(&l->dl, path);
	l->rc = model_load_for_node(path, MODEL_FILE_ROOT_ONLY, node_opt, &m, &l->node, &l->text,
				    &l->dl);
	if (l->rc < 0)
		return;
	/* compiled once: nothing joins by name, and the model (a thousand
	 * instances: over a megabyte) is not kept */
	l->record = node_record_new(m, l->node);
	model_free(m);
	if (!l->record) {
		daemon_config_free(&l->text, NULL);
		l->rc = -ENOMEM;
	}
}

int daemon_load_finish(struct daemon *d, struct daemon_loaded *l, struct model_text *text,
		       struct node_record **rec, json_t *errors)
{
	int rc = l->rc;

	report(d, &l->dl, errors);
	diag_list_done(&l->dl);
	/* the bytes serve GET /api/v1/model only: without --http they are
	 * not kept (0.13 MB at 1000 instances) */
	if (!d->metrics_listen) {
		free(l->text.bytes);
		l->text = (struct model_text){0};
	}
	*text = l->text;
	*rec = l->record;
	if (rc == -ENOMEM && !l->record)
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR, "loading %s: out of memory", d->config_path);
	if (rc == 0)
		snprintf(d->node_name, sizeof(d->node_name), "%s", (*rec)->node_name);
	memset(l, 0, sizeof(*l));
	return rc;
}

int daemon_load(struct daemon *d, struct model_text *text, struct node_record **rec, json_t *errors)
{
	struct daemon_loaded l;

	daemon_load_parse(d->config_path, d->node_opt, &l);
	return daemon_load_finish(d, &l, text, rec, errors);
}

void daemon_config_free(struct model_text *text, struct node_record *rec)
{
	node_record_free(rec);
	free(text->bytes);
	*text = (struct model_text){0};
}

int daemon_start_instances(struct daemon *d)
{
	struct vrrp_inst_spec *specs;
	size_t n;
	int removed;

	if (vrrp_rt_specs_from_record(d->record, &specs, &n) < 0)
		return -ENOMEM;
	removed = daemon_remove_leftovers(d, specs, n);
	daemon_remember_netns(d, specs, n, false); /* before a VIP can be added */
	if (removed > 0)
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "removed %d left-over VIPs before joining",
			    removed);
	health_sync(d->health, d->record); /* checks first: instances start bound */
	d->hooks = hooks_new(d, d->record, NULL, events_hook);
	if (!d->hooks) {
		vrrp_rt_specs_free(specs, n);
		return -ENOMEM;
	}
	vrrp_rt_apply(&d->rt, specs, n);
	d->applies++;
	health_commit(d->health);
	bfd_runner_sync(d->bfd, d->record); /* the instances exist: a loss reaches them */
	vrrp_rt_specs_free(specs, n);
	return 0;
}

int daemon_reload_apply(struct daemon *d, struct daemon_loaded *l, json_t *errors)
{
	struct model_text text;
	struct node_record *rec;
	struct vrrp_inst_spec *specs;
	struct hooks *hooks;
	size_t n;
	int rc;

	rc = daemon_load_finish(d, l, &text, &rec, errors);
	if (rc < 0) {
		d->reload_failures++;
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR,
			    "reload failed: the configuration in force is unchanged");
		return rc;
	}
	if (vrrp_rt_specs_from_record(rec, &specs, &n) < 0) {
		daemon_config_free(&text, rec);
		d->reload_failures++;
		return -ENOMEM;
	}
	hooks = hooks_new(d, rec, d->hooks, events_hook); /* running hooks go on */
	if (!hooks) {
		vrrp_rt_specs_free(specs, n);
		daemon_config_free(&text, rec);
		d->reload_failures++;
		return -ENOMEM;
	}
	hooks_free(d->hooks); /* those of groups and instances that are gone */
	d->hooks = hooks;
	daemon_remember_netns(d, specs, n, true); /* a new namespace: before its VIPs */
	health_sync(d->health, rec);		  /* unchanged checks keep their state */
	vrrp_rt_apply(&d->rt, specs, n);	  /* kept instances take rec's indexes */
	d->applies++;
	health_commit(d->health);
	bfd_runner_sync(d->bfd, rec); /* unchanged paths keep their session */
	vrrp_rt_specs_free(specs, n);
	daemon_config_free(&d->config_text, d->record);
	d->config_text = text;
	d->record = rec;
	d->reloads++;
	return 0;
}
