/* The planner. Steps come in this order, each part in the model's creation
 * order (parents and members first) or its reverse:
 *   1. namespaces the file names and the kernel lacks;
 *   2. deletion of links vipd created that the file no longer names (or that
 *      must be re-created because an option only settable at creation
 *      changed), children first;
 *   3. MTU decreases, children first (a child may never exceed its parent);
 *   4. per interface: create (and move to its namespace), raise MTU, set
 *      MAC, enslave members (down while enslaved), addresses, admin up.
 * Ethernet ports are never created or deleted, foreign links never touched. */
#include "plan/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "plan/plan_internal.h"

const char *plan_op_name(enum plan_op op)
{
	static const char *const names[] = {
	    [PLAN_NETNS_ADD] = "netns-add",	[PLAN_LINK_ADD] = "link-add",
	    [PLAN_LINK_DEL] = "link-del",	[PLAN_LINK_MOVE] = "link-move",
	    [PLAN_LINK_MTU] = "link-mtu",	[PLAN_LINK_MAC] = "link-mac",
	    [PLAN_LINK_MASTER] = "link-master", [PLAN_LINK_UP] = "link-up",
	    [PLAN_ADDR_ADD] = "addr-add",	[PLAN_ADDR_DEL] = "addr-del",
	};
	return op < PLAN_OP_COUNT && names[op] ? names[op] : "?";
}

void plan_owner_alias(const struct model *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", VIPD_ALIAS_PREFIX, m->cluster_name.v);
}

void plan_free(struct plan *p)
{
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

static void plan_namespaces(struct plan_ctx *pc)
{
	const struct model *m = pc->m;

	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[m->order[i]];
		const char *names[2] = {ifc->netns.v, NULL};

		(void)ifc->kind->pair_peer(ifc, &names[1]); /* a pair's other end */
		for (int k = 0; k < 2; k++) {
			struct plan_step *s;
			bool planned = false;

			if (!names[k] || live_has_netns(pc->live, names[k]))
				continue;
			for (size_t j = 0; j < pc->plan->n; j++)
				planned |= pc->plan->steps[j].op == PLAN_NETNS_ADD &&
					   strcmp(pc->plan->steps[j].netns, names[k]) == 0;
			if (planned)
				continue;
			s = plan_push(pc, PLAN_NETNS_ADD, names[k], NULL);
			snprintf(s->text, sizeof(s->text), "create namespace %s", names[k]);
		}
	}
}

int plan_build(const struct model *m, int node, const struct live_state *live, struct plan *out,
	       struct diag_list *dl)
{
	struct plan_ctx pc = {.m = m, .node = node, .live = live, .plan = out, .dl = dl};
	size_t errors = dl->errors;

	memset(out, 0, sizeof(*out));
	plan_owner_alias(m, pc.alias, sizeof(pc.alias));
	pc.state = calloc(m->n_ifaces + 1, sizeof(*pc.state));
	if (!pc.state)
		return -ENOMEM;
	plan_match_live(&pc);
	if (dl->errors == errors) {
		plan_namespaces(&pc);
		plan_deletions(&pc);
		plan_mtu_decreases(&pc);
		for (size_t i = 0; i < m->n_ifaces; i++)
			plan_iface(&pc, m->order[i]);
	}
	free(pc.state);
	if (dl->errors != errors) {
		plan_free(out);
		return -EINVAL;
	}
	return 0;
}
