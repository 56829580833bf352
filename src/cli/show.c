/* vipctl show and validate: the resolved model for one node, as text or
 * as JSON (src/model/model_json.c builds the JSON, which vipd serves too). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/kinds/kind.h"
#include "model/model_json.h"

static void print_text(const struct model *m, int node)
{
	char buf[IP_STR_MAX], src[IP_STR_MAX], peer[IP_STR_MAX], iv[32], to[32];
	int w = 32; /* the INSTANCE column */

	printf("cluster %s, node %s (peer %s)\n\n", m->cluster_name.v, m->nodes[node].v,
	       m->nodes[1 - node].v);
	printf("interfaces (creation order):\n");
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[m->order[i]];
		char line[1024], kind_text[128];
		size_t off = 0;

#define APPEND(...)                                                                                \
	off +=                                                                                     \
	    (size_t)snprintf(line + off, off < sizeof(line) ? sizeof(line) - off : 0, __VA_ARGS__)
		APPEND("  %-15s %-9s", ifc->name, ifc->kind->name);
		if (ifc->parent_idx >= 0)
			APPEND(" parent %s", m->ifaces[ifc->parent_idx].name);
		ifc->kind->show_line(ifc, kind_text, sizeof(kind_text));
		APPEND("%s", kind_text);
		if (ifc->master_idx >= 0)
			APPEND(" in %s", m->ifaces[ifc->master_idx].name);
		if (ifc->mtu.set)
			APPEND(" mtu %u", ifc->mtu.v);
		if (ifc->netns.v)
			APPEND(" netns %s", ifc->netns.v);
		for (size_t a = 0; a < ifc->addrs[node].n; a++)
			APPEND(" %s", ip_ntop_prefix(&ifc->addrs[node].v[a].v, buf));
		/* the probe timing in force: the timeout as applied (written, or
		 * 80% of the interval) */
		if (ifc->gateway4.set || ifc->gateway6.set)
			APPEND(" gateway_check interval %s timeout %s%s",
			       model_fmt_duration(ifc->gwcheck.interval.v, iv),
			       model_fmt_duration(ifc->gwcheck.timeout.v, to),
			       ifc->gwcheck.timeout.set ? "" : " (80% of interval)");
#undef APPEND
		if (off >= sizeof(line))
			off = sizeof(line) - 1;
		while (off > 0 && line[off - 1] == ' ')
			off--;
		line[off] = '\0';
		puts(line);
	}
	/* pinned VRIDs make longer names (".../vrid51"): the column follows */
	for (size_t i = 0; i < m->n_instances; i++)
		if (strlen(m->instances[i].name) > (size_t)w)
			w = (int)strlen(m->instances[i].name);
	printf("\nVRRP instances:\n");
	printf("  %-*s %4s %4s %-8s %-40s %s\n", w, "INSTANCE", "VRID", "PRIO", "ADVERT", "PAIR",
	       "VIPS");
	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *vi = &m->instances[i];
		const struct iface *ifc = &m->ifaces[vi->iface];
		char pair[2 * IP_STR_MAX + 32];

		if (vi->advert_iface != vi->iface)
			snprintf(pair, sizeof(pair), "%s -> %s via %s",
				 ip_ntop(&vi->addr[node], src), ip_ntop(&vi->addr[1 - node], peer),
				 m->ifaces[vi->advert_iface].name);
		else
			snprintf(pair, sizeof(pair), "%s -> %s", ip_ntop(&vi->addr[node], src),
				 ip_ntop(&vi->addr[1 - node], peer));
		printf("  %-*s %4u %4u %-8s %-40s %zu%s%s\n", w, vi->name, vi->vrid,
		       vi->priority[node], model_fmt_duration(ifc->vrrp.advert_interval.v, iv),
		       pair, vi->n_vips, vi->vmac_ifname ? "  virtual MAC on " : "",
		       vi->vmac_ifname ? vi->vmac_ifname : "");
	}
}

static void print_argv(const char *label, const struct argv_val *a)
{
	if (!a->set)
		return;
	printf(" %s", label);
	for (size_t i = 0; i < a->argc; i++)
		printf(" %s", a->argv[i]);
}

static void print_hooks(const struct hooks_cfg *h)
{
	char label[16];

	for (int e = 0; e < HOOK_EVENT_COUNT; e++) {
		snprintf(label, sizeof(label), "%s:", hook_event_name((enum hook_event)e));
		print_argv(label, &h->cmd[e]);
	}
}

static void print_check(const struct svc_check *c)
{
	char buf[IP_STR_MAX], iv[32], to[32];

	printf("  %-15s %-7s", c->name, svc_type_name(c->type));
	if (c->type == SVC_PROCESS)
		printf(" name %s", c->process.v);
	else if (c->type == SVC_TCP)
		printf(" %s port %u", ip_ntop(&c->address.v, buf), c->port.v);
	else if (c->type == SVC_HTTP)
		printf(" %s expect %u", c->url.v, c->expect.v);
	else if (c->type == SVC_EXEC) {
		printf(" user %s", c->user.v);
		print_argv("run", &c->command);
	}
	if (c->netns.v)
		printf(" netns %s", c->netns.v);
	printf(" every %s timeout %s fall %u rise %u\n",
	       model_fmt_duration(c->timing.interval.v, iv),
	       model_fmt_duration(c->timing.timeout.v, to), c->timing.fall.v, c->timing.rise.v);
}

/* Checks, each instance's tracks, the groups and the hooks. */
static void print_services(const struct model *m)
{
	if (m->n_checks) {
		printf("\nchecks:\n");
		for (size_t i = 0; i < m->n_checks; i++)
			print_check(&m->checks[i]);
		printf("\ntracked by:\n");
		for (size_t i = 0; i < m->n_instances; i++) {
			const struct vrrp_instance *vi = &m->instances[i];

			if (!vi->track || !vi->track->n)
				continue;
			printf("  %-32s", vi->name);
			for (size_t j = 0; j < vi->track->n; j++) {
				const struct track_ref *r = &vi->track->v[j];

				if (r->has_weight)
					printf(" %s(%+d)", r->name, (int)r->weight);
				else
					printf(" %s(resign)", r->name);
			}
			putchar('\n');
		}
	}
	if (m->n_groups) {
		printf("\nsync groups:\n");
		for (size_t i = 0; i < m->n_groups; i++) {
			const struct sync_group *g = &m->groups[i];

			printf("  %-15s", g->name);
			for (size_t j = 0; j < g->n_members; j++)
				printf(" %s", m->instances[g->members[j]].name);
			print_hooks(&g->hooks);
			putchar('\n');
		}
	}
	if (m->hooks.set) {
		printf("\nhooks (instances outside a group):");
		print_hooks(&m->hooks);
		putchar('\n');
	}
}

int cmd_show(struct cli_opts *o)
{
	struct model *m = cli_load_model(o->config);
	int node;

	if (!m)
		return EXIT_BADCONF;
	node = cli_pick_node(m, o->config, o->node);
	if (node < 0) {
		model_free(m);
		return EXIT_BADCONF;
	}
	if (o->json) {
		json_t *root = model_show_json(m, node);

		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
	} else {
		print_text(m, node);
		print_services(m);
	}
	model_free(m);
	return EXIT_OK;
}

static void print_compact(json_t *r)
{
	json_dumpf(r, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(r);
}

/* With -o json the verdict is on stdout either way; stderr still gets the
 * diagnostics as text. */
int cmd_validate(struct cli_opts *o)
{
	struct diag_list dl;
	struct model *m = cli_load_model_quiet(o->config, &dl);

	if (m)
		cli_check_programs(m, o->node, &dl);
	diag_list_sort(&dl);
	diag_list_print(&dl, stderr);
	if (o->json && !m)
		print_compact(json_pack("{s:b, s:o}", "valid", 0, "errors", model_diags_json(&dl)));
	else if (o->json)
		print_compact(json_pack("{s:b, s:s, s:i, s:i, s:o}", "valid", 1, "cluster",
					m->cluster_name.v, "interfaces", (int)m->n_ifaces,
					"instances", (int)m->n_instances, "warnings",
					model_diags_json(&dl)));
	else if (m)
		printf("%s: ok: cluster %s, %zu interface%s, %zu VRRP instance%s\n", o->config,
		       m->cluster_name.v, m->n_ifaces, m->n_ifaces == 1 ? "" : "s", m->n_instances,
		       m->n_instances == 1 ? "" : "s");
	diag_list_done(&dl);
	if (!m)
		return EXIT_BADCONF;
	model_free(m);
	return EXIT_OK;
}
