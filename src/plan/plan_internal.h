/* Shared state of one planning run. Internal to src/plan. */
#ifndef VIPD_PLAN_PLAN_INTERNAL_H
#define VIPD_PLAN_PLAN_INTERNAL_H

#include "plan/plan.h"

struct iface_plan_state {
	const struct live_link *live;  /* in its namespace, NULL when missing */
	const struct live_link *moved; /* ours, still where it was created: to move */
	const struct live_link *peer;  /* veth-peer: the live other end */
	const char *create_ns;	       /* where the kernel creates it */
	bool recreate;		       /* ours, but an option fixed at creation differs */
	bool created;		       /* created by this plan */
};

struct plan_ctx {
	const struct model *m;
	int node;
	const struct live_state *live;
	struct plan *plan;
	struct diag_list *dl;
	char alias[LIVE_ALIAS_MAX];
	struct iface_plan_state *state; /* by interface index */
};

/* plan_steps.c */
struct plan_step *plan_push(struct plan_ctx *pc, enum plan_op op, const char *netns,
			    const char *name);
const char *plan_ns_text(const char *ns);

/* plan_match.c */
void plan_match_live(struct plan_ctx *pc);
void plan_link_spec(const struct plan_ctx *pc, const struct iface *ifc, struct live_link *out);
bool plan_in_model(const struct plan_ctx *pc, const struct live_link *l);
/* plan_links.c */
void plan_deletions(struct plan_ctx *pc);
void plan_mtu_decreases(struct plan_ctx *pc);
void plan_iface(struct plan_ctx *pc, size_t idx);
/* plan_addr.c */
void plan_addresses(struct plan_ctx *pc, const struct iface *ifc, const struct live_link *live);

#endif
