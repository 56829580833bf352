/* An interface kind: its keys, its checks and what it asks of the kernel.
 * One file per kind under src/model/kinds/, each ending in a const vtable. */
#ifndef VIPD_MODEL_KINDS_KIND_H
#define VIPD_MODEL_KINDS_KIND_H

#include "model/keys.h"
#include "model/model.h"

struct validate_ctx;

struct iface_kind {
	enum iface_type type;
	const char *name;	  /* as written in `type:`: iface_type_names[type] */
	const char *summary;	  /* one line for `vipctl explain` */
	const char *netlink_kind; /* rtnetlink IFLA_INFO_KIND; NULL: never created (ethernet) */
	struct key_table keys;	  /* the kind's own keys, besides the common ones */
	/* Cross-interface checks once every interface is parsed and names resolve. */
	void (*check)(struct validate_ctx *vc, struct iface *ifc);
	/* The planner's questions (every hook filled: tests/unit/model/test_kinds.c). */
	/* a master's ports (bond, lacp, bridge); NULL: the kind has none */
	const struct names_val *(*members)(const struct iface *ifc);
	/* must a port be down while it is enslaved (and is it set up by the
	 * enslaving), rather than come up by itself? */
	bool (*ports_down)(const struct iface *ifc);
	/* the other end of a pair and its namespace (NULL: the daemon's own);
	 * NULL: the kind is no pair */
	const struct str_val *(*pair_peer)(const struct iface *ifc, const char **netns);
	/* live links of netlink_kind are deleted by rank: stacked links (0)
	 * before pairs (1) before the rest (2) */
	int deletion_rank;
};

/* ---- one file per kind: ethernet.c, vlan.c, ... ---- */

extern const struct iface_kind kind_ethernet;
extern const struct iface_kind kind_vlan;
extern const struct iface_kind kind_bond;
extern const struct iface_kind kind_lacp;
extern const struct iface_kind kind_veth;
extern const struct iface_kind kind_veth_peer;
extern const struct iface_kind kind_bridge;

/* ---- kind.c: the registry and the keys every interface shares ---- */

const struct iface_kind *iface_kind_get(enum iface_type t);
const struct iface_kind *iface_kind_by_name(const char *name);
/* The first kind created as IFLA_INFO_KIND `netlink_kind`; NULL if none. */
const struct iface_kind *iface_kind_by_netlink(const char *netlink_kind);

/* ---- kind_noop.c: the hooks of kinds without that trait ---- */
const struct names_val *iface_kind_no_members(const struct iface *ifc);
bool iface_kind_no_ports_down(const struct iface *ifc);
const struct str_val *iface_kind_no_pair(const struct iface *ifc, const char **netns);
/* "ethernet, vlan, bond, lacp, veth, veth-peer, bridge" */
const char *iface_kind_list(void);

/* Keys every interface accepts (mtu, mac, namespace, zone, addresses, ...). */
extern const struct key_table common_iface_keys;
extern const struct key_table vrrp_keys;
extern const struct key_table garp_keys;
extern const struct key_table gwcheck_keys;
extern const struct key_table cluster_keys;

/* ---- kind_enums.c: below the kinds, which name these tables ---- */

/* Kernel values of the enum keys (index = position in the key's names). */
extern const char *const bond_mode_names[];
extern const uint8_t bond_mode_kernel[];
extern const char *const lacp_rate_names[];
extern const char *const xmit_hash_names[];
extern const char *const macvlan_mode_names[];
extern const uint32_t macvlan_mode_kernel[];

#endif
