/* An interface kind: its keys, its checks and what it asks of the kernel.
 * One file per kind under src/model/kinds/, each ending in a const vtable. */
#ifndef VIPD_MODEL_KINDS_KIND_H
#define VIPD_MODEL_KINDS_KIND_H

#include "model/keys.h"
#include "model/kinds/link_opts.h"
#include "model/model.h"

struct validate_ctx;

/* What a master asks of its ports (validate_members). */
enum kind_ports {
	KIND_PORTS_UNSET,     /* not filled in: tests/unit/model/test_kinds.c fails */
	KIND_PORTS_NONE,      /* the kind has no ports */
	KIND_PORTS_AGGREGATE, /* at least one; the kernel gives them the master's mtu (bond) */
	KIND_PORTS_SWITCH,    /* any number; the master's mtu is at most each port's (bridge) */
};

/* The L2 segment a link is on, for VRID uniqueness (compile.c): links on
 * one segment hear each other's adverts. */
enum kind_segment {
	KIND_SEGMENT_UNSET,  /* not filled in: tests/unit/model/test_kinds.c fails */
	KIND_SEGMENT_OWN,    /* its own (a vlan's tag starts a new one) */
	KIND_SEGMENT_PARENT, /* its parent's wire (a macvlan) */
	KIND_SEGMENT_PORTS,  /* its ports' too, and its name is the segment's (a bridge) */
};

/* Where a kind writes its options for `vipctl show`, key by key in the
 * order shown: src/model/model_json.c renders them as JSON. */
struct kind_show_out {
	void *ctx;
	void (*str)(void *ctx, const char *key, const char *v); /* v NULL: null */
	void (*num)(void *ctx, const char *key, long long v);
	void (*flag)(void *ctx, const char *key, bool v);
	void (*names)(void *ctx, const char *key, const struct names_val *v);
};

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
	/* the options its link is created with, as the planner asks for them */
	void (*link_opts)(const struct iface *ifc, struct link_opts *out);
	/* can a live link of netlink_kind with options `have` stay for `want`?
	 * false: the kernel takes one of them at creation only, so the link is
	 * deleted and created again */
	bool (*same_creation)(const struct link_opts *want, const struct link_opts *have);
	/* the text of the plan step that creates it, without the mtu; `ns` is
	 * where it is created, and every namespace is spelled by ns_text */
	void (*create_text)(const struct iface *ifc, const struct link_opts *o, const char *ns,
			    const char *(*ns_text)(const char *ns), char *buf, size_t len);
	/* `vipctl show -o json`: its options, besides the common keys */
	void (*show)(const struct model *m, const struct iface *ifc,
		     const struct kind_show_out *out);
	/* `vipctl show` text: what its line adds after the parent ("" nothing) */
	void (*show_line)(const struct iface *ifc, char *buf, size_t len);
	enum kind_ports ports;
	enum kind_segment segment;
};

/* ---- one file per kind: ethernet.c, vlan.c, ... ---- */

extern const struct iface_kind kind_ethernet;
extern const struct iface_kind kind_vlan;
extern const struct iface_kind kind_bond;
extern const struct iface_kind kind_lacp;
extern const struct iface_kind kind_veth;
extern const struct iface_kind kind_veth_peer;
extern const struct iface_kind kind_bridge;

/* ---- bond.c: what lacp, a bond in 802.3ad mode, shares with it ---- */

#define BOND_KERNEL_8023AD 4 /* the kernel's number of mode 802.3ad */
void kind_bond_link_opts(const struct iface *ifc, uint8_t kernel_mode, struct link_opts *out);
bool kind_bond_same_creation(const struct link_opts *want, const struct link_opts *have);
/* members, mode, miimon_ms, xmit_hash_policy */
void kind_bond_show_common(const struct iface *ifc, const char *mode,
			   const struct kind_show_out *out);

/* ---- kind.c: the registry and the keys every interface shares ---- */

const struct iface_kind *iface_kind_get(enum iface_type t);
const struct iface_kind *iface_kind_by_name(const char *name);
/* The first kind created as IFLA_INFO_KIND `netlink_kind`; NULL if none. */
const struct iface_kind *iface_kind_by_netlink(const char *netlink_kind);

/* ---- kind_noop.c: the hooks of kinds without that trait ---- */
const struct names_val *iface_kind_no_members(const struct iface *ifc);
bool iface_kind_no_ports_down(const struct iface *ifc);
const struct str_val *iface_kind_no_pair(const struct iface *ifc, const char **netns);
void iface_kind_no_link_opts(const struct iface *ifc, struct link_opts *out);
bool iface_kind_always_same(const struct link_opts *want, const struct link_opts *have);
/* "create <netlink_kind> <name>" */
void iface_kind_plain_create_text(const struct iface *ifc, const struct link_opts *o,
				  const char *ns, const char *(*ns_text)(const char *ns), char *buf,
				  size_t len);
void iface_kind_no_show(const struct model *m, const struct iface *ifc,
			const struct kind_show_out *out);
void iface_kind_no_show_line(const struct iface *ifc, char *buf, size_t len);
/* "ethernet, vlan, bond, lacp, veth, veth-peer, bridge" */
const char *iface_kind_list(void);

/* Keys every interface accepts (mtu, mac, namespace, zone, addresses, ...). */
extern const struct key_table common_iface_keys;
extern const struct key_table vrrp_keys;
extern const struct key_table garp_keys;
extern const struct key_table gwcheck_keys;
extern const struct key_table bfd_keys;
extern const struct key_table cluster_keys;
extern const struct key_table
    file_keys; /* the top level: cluster, interfaces, checks, sync_groups */

/* ---- keys_checks.c: issue 13's sections ---- */
extern const struct key_table check_keys;      /* one entry of checks: */
extern const struct key_table hooks_keys;      /* cluster.hooks, sync_groups.NAME.hooks */
extern const struct key_table sync_group_keys; /* one entry of sync_groups: */
/* The check types (bits of enum svc_type) a key of check_keys belongs to;
 * 0: every type's (type, interval, timeout, fall, rise). */
unsigned check_key_types(const char *key);
/* The key a check of type t cannot do without ("port" for tcp). */
const char *check_required_key(enum svc_type t);

/* ---- kind_enums.c: below the kinds, which name these tables ---- */

/* Kernel values of the enum keys (index = position in the key's names). */
extern const char *const bond_mode_names[];
extern const uint8_t bond_mode_kernel[];
extern const char *const lacp_rate_names[];
extern const char *const xmit_hash_names[];
extern const char *const macvlan_mode_names[];
extern const uint32_t macvlan_mode_kernel[];

#endif
