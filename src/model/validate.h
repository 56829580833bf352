/* Validation: cross-interface rules once every interface is parsed.
 * Kinds call the helpers here from their check(). */
#ifndef VIPD_MODEL_VALIDATE_H
#define VIPD_MODEL_VALIDATE_H

#include "model/model.h"
#include "util/strmap.h"

struct validate_ctx {
	struct model *m;
	struct diag_list *dl;
	struct strmap vlan_ids; /* "parent/id" → vlan index, for duplicates */
};

/* ---- validate_refs.c: the helpers the kinds' check() and validate_vrrp.c
 * share; they call no check back. ---- */

/* Resolve a named reference (parent, member, primary): reports a missing
 * name at the reference's position. Returns the index or -1. */
long validate_ref(struct validate_ctx *vc, const struct iface *owner, const char *role,
		  const char *name, struct src_pos pos);
/* Error if the child's mtu is above its parent's (both set). */
void validate_mtu_below_parent(struct validate_ctx *vc, const struct iface *child,
			       const struct iface *parent);
/* Members of bond / lacp / bridge: existence, not twice, one master, same namespace. */
void validate_members(struct validate_ctx *vc, struct iface *master, struct names_val *members,
		      unsigned allowed_types_mask, bool allow_peer_ends);
/* Is the interface (or, for a veth-peer, its host end) a port of a bond or bridge? */
bool validate_is_port(const struct model *m, const struct iface *ifc);
/* Same namespace (NULL: the daemon's own)? */
bool validate_same_ns(const char *a, const char *b);
/* "namespace X" or "the daemon's namespace", for messages. */
const char *validate_ns_text(const char *ns, char *buf, size_t len);
/* A description like "ethernet, bond or lacp" of a mask of types. */
const char *validate_types_text(unsigned mask, char *buf, size_t len);

#define TYPE_BIT(t) (1u << (t))

/* ---- the steps of model_validate after the kinds' checks ---- */

/* validate_addr.c: node addresses, VIPs and gateways, cluster-wide uniqueness. */
void validate_addresses(struct validate_ctx *vc);
/* validate_vrrp.c: resolve vrrp.via into via_idx; after the kinds' checks
 * (it asks whether the target is a port), before the addresses. */
void validate_via(struct validate_ctx *vc);
/* validate_vrrp.c: VRRP and probe parameters after inheritance. */
void validate_vrrp(struct validate_ctx *vc);
/* validate_bfd.c: bfd on the advert paths (issue 16), after validate_via. */
void validate_bfd(struct validate_ctx *vc);

/* validate_checks.c: vrrp.track names against checks:, after the
 * interfaces inherit the cluster's vrrp. */
void validate_tracks(struct validate_ctx *vc);

/* ---- the steps model.c runs, each its own file ---- */

/* validate.c: the whole pipeline after parsing: references, kinds,
 * addresses, VIPs. */
void model_validate(struct model *m, struct diag_list *dl);
/* order.c: creation order; reports cycles. */
void model_order(struct model *m, struct diag_list *dl);
/* compile.c: VRRP instances and VRIDs. */
void model_compile(struct model *m, struct diag_list *dl);
/* validate_checks.c, after compile: sync group members to instances, each
 * instance's group and track list; the warnings of weights that cannot
 * move a VIP. */
void model_link_groups(struct model *m, struct diag_list *dl);
/* vrrp.virtual_mac (vmac.c), after compile: names each instance's macvlan
 * and reports a name another interface has, and an interface that cannot
 * carry a macvlan (a port of a bond or bridge). */
void model_vmac(struct model *m, struct diag_list *dl);

#endif
