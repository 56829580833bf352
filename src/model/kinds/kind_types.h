/* The interface kinds' types and options, as struct iface (model.h)
 * holds them: enum iface_type, its spellings, and the options each kind's
 * keys fill (struct kind_opts). A new kind adds its constant, spelling
 * (kind_enums.c) and options here. */
#ifndef VIPD_MODEL_KINDS_KIND_TYPES_H
#define VIPD_MODEL_KINDS_KIND_TYPES_H

#include "model/values.h"

enum iface_type {
	IFACE_ETHERNET,
	IFACE_VLAN,
	IFACE_BOND,
	IFACE_LACP,
	IFACE_VETH,	 /* macvlan */
	IFACE_VETH_PEER, /* veth pair */
	IFACE_BRIDGE,
	IFACE_TYPE_COUNT
};

/* The spelling of each type in `type:` (kind_enums.c). Every kind's vtable
 * takes its name from here, so that a message can name a type without the
 * kinds' registry (which names the kinds, whose checks print types). */
#define IFACE_TYPE_NAME_SIZE 16
extern const char iface_type_names[IFACE_TYPE_COUNT][IFACE_TYPE_NAME_SIZE];

/* Options of the kinds. Every kind file owns the keys that fill its part. */
struct vlan_opts {
	struct str_val parent;
	struct u32_val id;
};
struct bond_opts {
	struct names_val members;
	struct u32_val mode;	  /* enum bond_mode */
	struct u32_val lacp_rate; /* lacp only: 0 slow, 1 fast */
	struct u32_val xmit_hash_policy;
	struct u32_val miimon; /* ms */
	struct u32_val min_links;
	struct str_val primary;
};
struct macvlan_opts {
	struct str_val parent;
	struct u32_val mode; /* enum macvlan_mode */
};
struct veth_peer_opts {
	struct str_val peer;
	struct str_val peer_namespace;
};
struct bridge_opts {
	struct names_val members;
	struct bool_val stp;
	struct u32_val forward_delay; /* ms */
};

/* Every kind's options: an interface fills the part of its kind. */
struct kind_opts {
	struct vlan_opts vlan;
	struct bond_opts bond; /* bond and lacp */
	struct macvlan_opts macvlan;
	struct veth_peer_opts veth_peer;
	struct bridge_opts bridge;
};

#endif
