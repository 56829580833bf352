/* vipctl plan / apply: read the kernel, plan, print, and (apply) carry the
 * steps out with rollback. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/kinds/kind.h"
#include "net/netns.h"
#include "net/nl_apply.h"
#include "net/nl_live.h"
#include "plan/plan.h"

#define APPLY_LOCK "/run/vipd/apply.lock"

/* The namespaces the file names. Only they are read: other namespaces
 * under /run/netns may belong to containers or, on a test host, to the
 * other node of the same cluster, whose links carry the same alias. So a
 * link vipd created in a namespace the file no longer names is left alone
 * (docs/apply.md). */
static int collect_namespaces(const struct model *m, char ***out, size_t *n)
{
	char **names = calloc(2 * m->n_ifaces + 1, sizeof(*names));
	size_t count = 0;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];
		const char *cand[2] = {ifc->netns.v, NULL};

		/* a pair's other end may live elsewhere */
		(void)ifc->kind->pair_peer(ifc, &cand[1]);

		for (int k = 0; k < 2; k++) {
			bool dup = false;

			if (!cand[k])
				continue;
			for (size_t j = 0; j < count && !dup; j++)
				dup = strcmp(names[j], cand[k]) == 0;
			if (!dup)
				names[count++] = strdup(cand[k]);
		}
	}
	*out = names;
	*n = count;
	return 0;
}

static int read_and_plan(const struct model *m, int node, struct net_ctx *ctx,
			 struct live_state *live, struct plan *plan)
{
	struct diag_list dl;
	char **ns = NULL;
	size_t n_ns = 0;
	int rc;

	rc = collect_namespaces(m, &ns, &n_ns);
	if (rc == 0)
		rc = net_read_live(ctx, (const char *const *)ns, n_ns, live);
	netns_list_free(ns, n_ns);
	if (rc < 0) {
		fprintf(stderr, "vipctl: error: cannot read the kernel's links: %s\n",
			strerror(-rc));
		return EXIT_FAIL;
	}
	diag_list_init(&dl, m->file);
	rc = plan_build(m, node, live, plan, &dl);
	diag_list_sort(&dl);
	diag_list_print(&dl, stderr);
	diag_list_done(&dl);
	return rc < 0 ? EXIT_BADCONF : EXIT_OK;
}

static json_t *step_json(const struct plan_step *s)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "op", plan_op_name(s->op), "namespace", s->netns,
			 "interface", s->name, "text", s->text);
}

/* vrrp.virtual_mac: the links vipd itself makes and removes with its
 * instances (docs/vmac.md); apply leaves them alone. NULL when none. */
static json_t *vmac_links_json(const struct model *m)
{
	json_t *a = NULL;

	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *vi = &m->instances[i];
		const struct iface *ifc = &m->ifaces[vi->iface];
		uint8_t mac[6];
		char text[18];

		if (!vi->vmac_ifname)
			continue;
		model_vmac_mac(vi, mac);
		snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			 mac[2], mac[3], mac[4], mac[5]);
		if (!a)
			a = json_array();
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s?}", "interface",
						   vi->vmac_ifname, "parent", ifc->name, "mac",
						   text, "namespace", ifc->netns.v));
	}
	return a;
}

static void print_vmac_links(json_t *links)
{
	size_t i;
	json_t *l;

	printf("virtual MAC links (vipd makes and removes them with its instances; not "
	       "apply's):\n");
	json_array_foreach(links, i, l)
	    printf("      %s on %s, %s\n", json_string_value(json_object_get(l, "interface")),
		   json_string_value(json_object_get(l, "parent")),
		   json_string_value(json_object_get(l, "mac")));
}

static void print_plan(const struct model *m, int node, const struct plan *p, bool json)
{
	json_t *links = vmac_links_json(m);

	if (json) {
		json_t *steps = json_array();

		for (size_t i = 0; i < p->n; i++)
			json_array_append_new(steps, step_json(&p->steps[i]));
		json_t *root = json_pack("{s:o}", "steps", steps);

		if (links)
			json_object_set_new(root, "virtual_mac_links", links);

		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
		return;
	}
	if (p->n == 0)
		printf("nothing to do: the kernel matches %s for node %s\n", m->file,
		       m->nodes[node].v);
	for (size_t i = 0; i < p->n; i++)
		printf("%4zu. %s\n", i + 1, p->steps[i].text);
	if (links)
		print_vmac_links(links);
	json_decref(links);
}

struct plan_session {
	struct model *m;
	int node;
	struct net_ctx ctx;
	struct live_state live;
	struct plan plan;
	bool ctx_ok;
};

static int session_open(struct plan_session *ps, struct cli_opts *o)
{
	int rc;

	memset(ps, 0, sizeof(*ps));
	ps->m = cli_load_model(o->config);
	if (!ps->m)
		return EXIT_BADCONF;
	ps->node = cli_pick_node(ps->m, o->config, o->node);
	if (ps->node < 0)
		return EXIT_BADCONF;
	rc = net_ctx_init(&ps->ctx);
	if (rc < 0) {
		fprintf(stderr, "vipctl: error: %s\n", strerror(-rc));
		return EXIT_FAIL;
	}
	ps->ctx_ok = true;
	return read_and_plan(ps->m, ps->node, &ps->ctx, &ps->live, &ps->plan);
}

static void session_close(struct plan_session *ps)
{
	plan_free(&ps->plan);
	live_state_free(&ps->live);
	if (ps->ctx_ok)
		net_ctx_done(&ps->ctx);
	model_free(ps->m);
}

int cmd_plan(struct cli_opts *o)
{
	struct plan_session ps;
	int rc = session_open(&ps, o);

	if (rc == EXIT_OK)
		print_plan(ps.m, ps.node, &ps.plan, o->json);
	session_close(&ps);
	return rc;
}

/* One apply at a time: two would plan against the same state. */
static int take_lock(void)
{
	int fd;

	mkdir("/run/vipd", 0755);
	fd = open(APPLY_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	return fd;
}

static int report_apply(const struct plan *p, const struct net_apply_report *rep, bool json)
{
	if (json) {
		json_t *done = json_array();

		for (size_t i = 0; i < rep->done && i < p->n; i++)
			json_array_append_new(done, step_json(&p->steps[i]));
		json_t *root = json_pack("{s:b, s:o, s:i}", "ok", rep->failed_step < 0, "steps",
					 done, "failed_step", rep->failed_step);

		if (rep->failed_step >= 0) {
			json_object_set_new(root, "error", json_string(rep->reason));
			json_object_set_new(root, "rolled_back", json_boolean(rep->rolled_back));
		}
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
	} else if (rep->failed_step < 0) {
		for (size_t i = 0; i < p->n; i++)
			printf("done: %s\n", p->steps[i].text);
		printf("applied %zu steps\n", p->n);
	}
	if (rep->failed_step >= 0) {
		fprintf(stderr, "vipctl: error: step %d (%s) failed: %s\n", rep->failed_step + 1,
			p->steps[rep->failed_step].text, rep->reason);
		fprintf(
		    stderr,
		    rep->rolled_back
			? "vipctl: rolled back the %d steps before it; the kernel is as before\n"
			: "vipctl: error: rollback of the %d steps before it was incomplete; check "
			  "`vipctl plan`\n",
		    rep->failed_step);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_apply(struct cli_opts *o)
{
	struct net_apply_report rep;
	struct plan_session ps;
	int lock = take_lock();
	int rc;

	if (lock < 0) {
		fprintf(stderr, "vipctl: error: cannot lock %s: %s\n", APPLY_LOCK,
			lock == -EBUSY ? "another apply is running" : strerror(-lock));
		return EXIT_FAIL;
	}
	rc = session_open(&ps, o);
	if (rc == EXIT_OK && ps.plan.n == 0) {
		print_plan(ps.m, ps.node, &ps.plan, o->json);
	} else if (rc == EXIT_OK) {
		memset(&rep, 0, sizeof(rep));
		net_apply(&ps.ctx, &ps.plan, &rep);
		rc = report_apply(&ps.plan, &rep, o->json);
	}
	session_close(&ps);
	close(lock);
	return rc;
}
