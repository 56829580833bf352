/* Carrying out a plan (plan/plan.h) on the kernel, all or nothing.
 *
 * The steps run in order. On the first failure the steps already done are
 * undone in reverse order, so that the kernel is left as it was:
 *   NETNS_ADD  → the namespace is deleted
 *   LINK_ADD   → the link is deleted (a veth with its other end)
 *   LINK_DEL   → the link is created again as it was, with its addresses,
 *                master and admin state; a veth's other end likewise; a
 *                bond's or bridge's ports are enslaved again
 *   LINK_MOVE  → moved back, with its addresses, master and admin state
 *   MTU / MAC / MASTER / UP → the old value (old_* of the step)
 *   ADDR_ADD   → deleted;  ADDR_DEL → added again with its IFA_PROTO
 * For LINK_DEL and LINK_MOVE the executor reads the link from the kernel
 * right before the step and undoes from that reading, not from step.link:
 * the kernel's view is the one to restore, addresses included.
 *
 * Kind semantics of LINK_ADD (step.netns is where the link is created):
 *   vlan    parent (same namespace), vlan_id
 *   bond    bond_mode, lacp_rate (802.3ad only), xmit_hash, miimon_ms,
 *           min_links. primary needs the port enslaved: when a later
 *           PLAN_LINK_MASTER step enslaves the link named link.primary of a
 *           bond that this plan creates, that step also makes it primary.
 *   macvlan parent (same namespace), macvlan_mode (0: kernel default)
 *   veth    this end in step.netns, the other end veth_peer created
 *           directly in veth_peer_ns ("" = own)
 *   bridge  stp, forward_delay_ms (0: kernel default)
 * and for every kind: alias, mtu and mac when non-zero. */
#ifndef VIPD_NET_NL_APPLY_H
#define VIPD_NET_NL_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "net/netns.h"
#include "plan/plan.h"

struct net_apply_report {
	size_t n_steps;	   /* in the plan */
	size_t done;	   /* carried out before the failure (all of them on success) */
	int failed_step;   /* index of the failed step, -1 when none failed */
	int error;	   /* its negative errno, 0 when none failed */
	char reason[256];  /* the kernel's reason: strerror, and its own words if any */
	char message[512]; /* "step 3 (create vlan vlan100 ...): <reason>" */
	bool rolled_back;  /* after a failure: every step done was undone, the
			    * kernel is as it was (also when none was done) */
	size_t n_undo_failed;
	char undo_message[512]; /* the first undo that failed, like message */
};

/* Returns 0, or the failed step's negative errno after the rollback
 * (rep says whether that rollback was complete). rep may be NULL. */
int net_apply(struct net_ctx *ctx, const struct plan *p, struct net_apply_report *rep);

#endif
