/* Undoing the steps of a plan that failed half-way. Internal to
 * nl_apply*.c; the rules are in nl_apply.h. */
#ifndef VIPD_NET_NL_UNDO_H
#define VIPD_NET_NL_UNDO_H

#include "net/nl_ops.h"
#include "plan/plan.h"

/* What the kernel had before a LINK_DEL, LINK_MOVE or lowering LINK_MTU. */
struct undo_snap {
	bool taken;
	struct live_link link; /* with its addresses */
	struct live_link peer; /* a veth's other end, when has_peer */
	bool has_peer;
	struct live_state ports; /* a bond's or bridge's ports (links only) */
	struct live_state below; /* MTU: the namespace's links, for the vlans and
				  * macvlans the kernel lowers with their parent */
};

struct apply_run {
	struct net_ctx *ctx;
	const struct plan *plan;
	struct nl_ops o;
	struct undo_snap *undo; /* per step */
};

/* Reads what undoing step i needs (LINK_DEL, LINK_MOVE, a LINK_MTU that
 * lowers; others need nothing). */
int undo_snapshot(struct apply_run *r, size_t i);
/* Undoes step i, which was carried out. */
int undo_step(struct apply_run *r, size_t i);
void undo_free(struct apply_run *r);

/* "step I (text): reason" for step s failing with err. */
void apply_describe(const struct plan_step *s, size_t i, int err, const struct nlu_err *e,
		    char *reason, size_t rlen, char *msg, size_t mlen);

#endif
