/* The planner: model + live kernel state → an ordered list of steps that
 * make the kernel match the file. Pure: src/net carries the steps out. */
#ifndef VIPD_PLAN_PLAN_H
#define VIPD_PLAN_PLAN_H

#include "model/model.h"
#include "plan/live.h"
#include "util/diag.h"

enum plan_op {
	PLAN_NETNS_ADD,	  /* create namespace `netns` as `ip netns add` does */
	PLAN_LINK_ADD,	  /* create `link` (all its options) in `netns` */
	PLAN_LINK_DEL,	  /* delete `name` in `netns`; `link` is the snapshot for undo */
	PLAN_LINK_MOVE,	  /* move `name` from `netns` to `to_netns` */
	PLAN_LINK_MTU,	  /* set mtu (old_mtu for undo) */
	PLAN_LINK_MAC,	  /* set mac (old_mac for undo) */
	PLAN_LINK_MASTER, /* enslave to `master`, "" = release (old_master for undo) */
	PLAN_LINK_UP,	  /* admin state `up` (old_up for undo) */
	PLAN_ADDR_ADD,	  /* add `addr` to `name` with IFA_PROTO addr.proto */
	PLAN_ADDR_DEL,	  /* remove `addr` from `name` */
	PLAN_OP_COUNT
};

struct plan_step {
	enum plan_op op;
	char netns[LIVE_NS_MAX];
	char name[LIVE_NAME_MAX];
	struct live_link link; /* ADD: what to create; DEL: what existed */
	char to_netns[LIVE_NS_MAX];
	uint32_t mtu, old_mtu;
	uint8_t mac[6], old_mac[6];
	char master[LIVE_NAME_MAX], old_master[LIVE_NAME_MAX];
	bool up, old_up;
	struct live_addr addr;
	char text[192]; /* "create vlan vlan100 (parent bond0, id 100)" */
};

struct plan {
	struct plan_step *steps;
	size_t n, cap;
};

/* Plans node `node` of the model against `live`. Problems that make the file
 * impossible to apply on this node (missing ethernet port, name taken by a
 * foreign interface) are diagnostics; then the plan must not be run.
 * Returns 0 or -EINVAL. */
int plan_build(const struct model *m, int node, const struct live_state *live, struct plan *out,
	       struct diag_list *dl);
void plan_free(struct plan *p);
const char *plan_op_name(enum plan_op op); /* stable names for -o json */
/* The alias that marks links of this cluster: "vipd:<cluster>". */
void plan_owner_alias(const struct model *m, char *buf, size_t len);

#endif
