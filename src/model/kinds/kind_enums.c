/* The spellings of the types, and the values of the kinds' enum keys (bond
 * mode, lacp rate, xmit hash, macvlan mode): their spellings, which the
 * kinds' key tables accept, and what the kernel is given for each. Below
 * the kinds and the registry: the kinds name these tables, and
 * iface_type_name (access.c) reads the types'. */
#include "model/kinds/kind.h"

/* One spelling per type: the kinds' vtables point here (kind_types.h). */
// clang-format off
const char iface_type_names[IFACE_TYPE_COUNT][IFACE_TYPE_NAME_SIZE] = {
	[IFACE_ETHERNET] = "ethernet",	[IFACE_VLAN] = "vlan",
	[IFACE_BOND] = "bond",		[IFACE_LACP] = "lacp",
	[IFACE_VETH] = "veth",		[IFACE_VETH_PEER] = "veth-peer",
	[IFACE_BRIDGE] = "bridge",
};
// clang-format on

const char *const bond_mode_names[] = {"active-backup", "balance-rr",  "balance-xor", "broadcast",
				       "balance-tlb",	"balance-alb", NULL};
const uint8_t bond_mode_kernel[] = {1, 0, 2, 3, 5, 6};
const char *const lacp_rate_names[] = {"slow", "fast", NULL};
const char *const xmit_hash_names[] = {"layer2",   "layer3+4", "layer2+3",
				       "encap2+3", "encap3+4", NULL};
const char *const macvlan_mode_names[] = {"private", "vepa", "bridge", "passthru", "source", NULL};
const uint32_t macvlan_mode_kernel[] = {1, 2, 4, 8, 16};
