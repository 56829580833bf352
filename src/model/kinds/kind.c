/* The kind registry and the keys shared by every interface. */
#include "model/kinds/kind.h"

#include <stddef.h>
#include <string.h>

// clang-format off
static const struct iface_kind *const all_kinds[IFACE_TYPE_COUNT] = {
	[IFACE_ETHERNET] = &kind_ethernet,   [IFACE_VLAN] = &kind_vlan,
	[IFACE_BOND] = &kind_bond,	     [IFACE_LACP] = &kind_lacp,
	[IFACE_VETH] = &kind_veth,	     [IFACE_VETH_PEER] = &kind_veth_peer,
	[IFACE_BRIDGE] = &kind_bridge,
};
// clang-format on

const struct iface_kind *iface_kind_get(enum iface_type t)
{
	return t < IFACE_TYPE_COUNT ? all_kinds[t] : NULL;
}

const struct iface_kind *iface_kind_by_name(const char *name)
{
	for (size_t i = 0; i < IFACE_TYPE_COUNT; i++)
		if (strcmp(all_kinds[i]->name, name) == 0)
			return all_kinds[i];
	return NULL;
}

const struct iface_kind *iface_kind_by_netlink(const char *netlink_kind)
{
	for (size_t i = 0; i < IFACE_TYPE_COUNT; i++)
		if (all_kinds[i]->netlink_kind &&
		    strcmp(all_kinds[i]->netlink_kind, netlink_kind) == 0)
			return all_kinds[i];
	return NULL;
}

const char *iface_kind_list(void)
{
	return "ethernet, vlan, bond, lacp, veth, veth-peer, bridge";
}

/* What `type:` accepts, for the key table: tests/unit/model/test_keys.c
 * checks it against the registry. */
#define IFACE_KIND_NAMES "ethernet | vlan | bond | lacp | veth | veth-peer | bridge"

#define U32(s, f) offsetof(s, f)

// clang-format off
static const struct key_spec priority_key_specs[] = {
	{.name = "preferred", .type = KT_U32, .offset = U32(struct priority_cfg, preferred),
	 .min = 1, .max = 254, .def = 200, .has_default = true,
	 .help = "priority of the node that prefers the slot (nodes[0] for master, nodes[1] "
		 "for backup)"},
	{.name = "other", .type = KT_U32, .offset = U32(struct priority_cfg, other), .min = 1,
	 .max = 254, .def = 100, .has_default = true, .help = "priority of the other node"},
};
// clang-format on
static const struct key_table priority_keys = KEY_TABLE("priority", priority_key_specs);

// clang-format off
static const struct key_spec vrrp_key_specs[] = {
	{.name = "version", .type = KT_U32, .offset = U32(struct vrrp_cfg, version), .min = 2,
	 .max = 3, .def = 3, .has_default = true,
	 .help = "3 = RFC 5798 (IPv4 and IPv6), 2 = RFC 3768 (IPv4 only)"},
	{.name = "advert_interval", .type = KT_DURATION,
	 .offset = U32(struct vrrp_cfg, advert_interval), .min = 10, .max = 255000, .step = 10,
	 .def = 1000, .has_default = true,
	 .help = "time between two adverts of the master",
	 .range_text = "10ms..40950ms in 10ms steps for version 3, 1s..255s in whole seconds "
		       "for version 2"},
	{.name = "priority", .type = KT_STRUCT, .offset = U32(struct vrrp_cfg, priority),
	 .sub = &priority_keys, .help = "{preferred, other}"},
	{.name = "preempt", .type = KT_BOOL, .offset = U32(struct vrrp_cfg, preempt), .def = 1,
	 .has_default = true, .help = "the preferred node takes its slot back when it returns"},
	{.name = "preempt_delay", .type = KT_DURATION,
	 .offset = U32(struct vrrp_cfg, preempt_delay), .min = 0, .max = 3600000, .def = 0,
	 .has_default = true, .help = "wait this long before preempting a lower-priority master"},
	{.name = "unicast", .type = KT_BOOL, .offset = U32(struct vrrp_cfg, unicast), .def = 1,
	 .has_default = true,
	 .help = "adverts between the communication pair; false: multicast 224.0.0.18 / ff02::12"},
	{.name = "virtual_router_id", .type = KT_U32,
	 .offset = U32(struct vrrp_cfg, virtual_router_id), .min = 1, .max = 255,
	 .help = "explicit VRID of the interface's first instance per family; the others follow "
		 "(default: automatic)"},
	{.name = "via", .type = KT_IFNAME, .offset = U32(struct vrrp_cfg, via),
	 .help = "send the adverts over this interface's communication pair (a dedicated HA "
		 "link); the VIPs and their link and gateway checks stay here (default: the "
		 "interface itself)"},
	{.name = "track", .type = KT_TRACK, .offset = U32(struct vrrp_cfg, track),
	 .range_text = "[CHECK | {check: CHECK, weight: -253..-1 | 1..253}, ...]",
	 .help = "service checks (checks:) the instances follow: a bare name resigns while "
		 "it fails, a weight is added to the advertised priority while it fails; an "
		 "interface's list replaces the cluster's"},
	{.name = "virtual_mac", .type = KT_BOOL, .offset = U32(struct vrrp_cfg, virtual_mac),
	 .def = 0, .has_default = true,
	 .help = "RFC 5798 virtual MAC: each instance's VIPs live on a macvlan of its own "
		 "(vm<family>-<VRID>-<interface>) with 00:00:5e:00:01:VRID (IPv4) or "
		 "00:00:5e:00:02:VRID (IPv6), so clients never relearn a MAC on failover"},
	{.name = "packet_socket", .type = KT_BOOL, .offset = U32(struct vrrp_cfg, packet_socket),
	 .def = 0, .has_default = true,
	 .help = "the master's adverts leave as link-layer frames (a packet socket): no route "
		 "lookup and no IP output, about half its CPU with many instances; they bypass "
		 "netfilter and IPsec, and unicast ones go to the peer's MAC from the neighbour "
		 "table (through the kernel's IP path while it is not verified)"},
};
// clang-format on
const struct key_table vrrp_keys = KEY_TABLE("vrrp", vrrp_key_specs);

// clang-format off
static const struct key_spec garp_key_specs[] = {
	{.name = "count", .type = KT_U32, .offset = U32(struct garp_cfg, count), .min = 1,
	 .max = 100, .def = 5, .has_default = true,
	 .help = "gratuitous ARPs / unsolicited NAs sent per VIP on takeover"},
	{.name = "interval", .type = KT_DURATION, .offset = U32(struct garp_cfg, interval),
	 .min = 1, .max = 10000, .def = 100, .has_default = true, .help = "between two of them"},
	{.name = "refresh", .type = KT_DURATION, .offset = U32(struct garp_cfg, refresh),
	 .min = 0, .max = 3600000, .def = 0, .has_default = true,
	 .help = "repeat them this often while master (0s: never)"},
};
// clang-format on
const struct key_table garp_keys = KEY_TABLE("garp", garp_key_specs);

// clang-format off
static const struct key_spec gwcheck_key_specs[] = {
	{.name = "interval", .type = KT_DURATION, .offset = U32(struct gwcheck_cfg, interval),
	 .min = 10, .max = 60000, .def = 500, .has_default = true,
	 .help = "one probe (ARP / neighbour solicitation) per interval"},
	{.name = "timeout", .type = KT_DURATION, .offset = U32(struct gwcheck_cfg, timeout),
	 .min = 10, .max = 60000, .def = 400, .has_default = true,
	 .default_text = "80% of interval",
	 .help = "a probe without answer after this long failed; at most interval (unset: "
		 "80% of it, rounded down to the ms)"},
	{.name = "fall", .type = KT_U32, .offset = U32(struct gwcheck_cfg, fall), .min = 1,
	 .max = 100, .def = 3, .has_default = true,
	 .help = "failed probes in a row before the gateway counts as lost"},
	{.name = "rise", .type = KT_U32, .offset = U32(struct gwcheck_cfg, rise), .min = 1,
	 .max = 100, .def = 2, .has_default = true,
	 .help = "answered probes in a row before it counts as back"},
};
// clang-format on
const struct key_table gwcheck_keys = KEY_TABLE("gateway_check", gwcheck_key_specs);

// clang-format off
static const struct key_spec bfd_key_specs[] = {
	{.name = "interval", .type = KT_DURATION, .offset = U32(struct bfd_cfg, interval),
	 .min = 10, .max = 10000, .def = 10, .has_default = true,
	 .help = "BFD Desired Min TX and Required Min RX once the session is Up (1 s before, "
		 "RFC 5880 6.8.3); the slower side of the pair sets the pace"},
	{.name = "multiplier", .type = KT_U32, .offset = U32(struct bfd_cfg, multiplier),
	 .min = 2, .max = 255, .def = 3, .has_default = true,
	 .help = "Detect Mult: the peer is lost after this many intervals without a packet "
		 "(1 is refused: one lost packet would move every VIP)"},
	{.name = "enabled", .type = KT_BOOL, .offset = U32(struct bfd_cfg, enabled),
	 .default_text = "true once bfd is written",
	 .help = "false: no session on this interface's advert path despite cluster.bfd"},
};
// clang-format on
const struct key_table bfd_keys = KEY_TABLE("bfd", bfd_key_specs);

// clang-format off
static const struct key_spec cluster_key_specs[] = {
	{.name = "name", .type = KT_SPECIAL, .required = true, .type_text = "string",
	 .range_text = "non-empty text", .help = "cluster name; also seeds the automatic VRIDs"},
	{.name = "nodes", .type = KT_SPECIAL, .required = true, .type_text = "list",
	 .range_text = "[NODE, NODE]: exactly two distinct names",
	 .help = "the two node names; nodes[0] prefers the master slot"},
	{.name = "vrrp", .type = KT_STRUCT, .offset = offsetof(struct model, vrrp),
	 .sub = &vrrp_keys, .help = "VRRP defaults; an interface may override any of them"},
	{.name = "garp", .type = KT_STRUCT, .offset = offsetof(struct model, garp),
	 .sub = &garp_keys, .help = "gratuitous ARP / unsolicited NA on takeover"},
	{.name = "gateway_check", .type = KT_STRUCT, .offset = offsetof(struct model, gwcheck),
	 .sub = &gwcheck_keys, .help = "gateway probe defaults"},
	{.name = "bfd", .type = KT_STRUCT, .offset = offsetof(struct model, bfd), .sub = &bfd_keys,
	 .help = "one BFD session (RFC 5880, single hop RFC 5881) per advert path: a backup "
		 "takes over as soon as it loses the master (off unless written)"},
	{.name = "hooks", .type = KT_STRUCT, .offset = offsetof(struct model, hooks),
	 .sub = &hooks_keys,
	 .help = "transition hooks of every instance outside a sync group"},
};
// clang-format on
const struct key_table cluster_keys = KEY_TABLE("cluster", cluster_key_specs);

// clang-format off
static const struct key_spec common_key_specs[] = {
	{.name = "type", .type = KT_SPECIAL, .required = true, .type_text = "enum",
	 .range_text = IFACE_KIND_NAMES, .help = "the interface kind"},
	{.name = "mtu", .type = KT_U32, .offset = offsetof(struct iface, mtu), .min = 68,
	 .max = 65535, .help = "unset: leave the kernel's value"},
	{.name = "mac", .type = KT_MAC, .offset = offsetof(struct iface, mac),
	 .help = "unset: the kernel's (or a random one for created interfaces)"},
	{.name = "namespace", .type = KT_NSNAME, .offset = offsetof(struct iface, netns),
	 .help = "network namespace the interface lives in (created if missing)"},
	{.name = "zone", .type = KT_STRING, .offset = offsetof(struct iface, zone),
	 .help = "free-form zone label, inherited by the VIPs"},
	{.name = "addresses", .type = KT_SPECIAL, .type_text = "mapping",
	 .range_text = "{NODE: [ADDR/PLEN, ...]} per node of cluster.nodes",
	 .help = "node-local addresses per node; the first of each family forms the "
		 "communication pair"},
	{.name = "gateway", .type = KT_SPECIAL, .type_text = "mapping",
	 .range_text = "{ipv4: ADDR, ipv6: ADDR} without prefix length",
	 .help = "the upstream router of each family, probed by gw and link+gw"},
	{.name = "gateway_check", .type = KT_STRUCT, .offset = offsetof(struct iface, gwcheck),
	 .sub = &gwcheck_keys, .help = "overrides cluster.gateway_check"},
	{.name = "bfd", .type = KT_STRUCT, .offset = offsetof(struct iface, bfd), .sub = &bfd_keys,
	 .help = "overrides cluster.bfd; the session runs on the advert path (this interface, "
		 "or the one vrrp.via names, whose bfd it follows)"},
	{.name = "vips", .type = KT_SPECIAL, .type_text = "mapping",
	 .range_text = "{master: [VIP, ...], backup: [VIP, ...]}; VIP: ADDR/PLEN or {address: "
		       "ADDR/PLEN, clusterIpMethod: vrrp | link | gw | link+gw, zone: TEXT, vrid: "
		       "1..255}",
	 .help = "the VIPs of the two slots: master is preferred by nodes[0], backup by "
		 "nodes[1]"},
	{.name = "vrrp", .type = KT_STRUCT, .offset = offsetof(struct iface, vrrp),
	 .sub = &vrrp_keys, .help = "overrides cluster.vrrp"},
};
// clang-format on
const struct key_table common_iface_keys = KEY_TABLE("interface", common_key_specs);

/* The top level of the file. model.c walks it by hand (the cluster before
 * the interfaces, which refer to its node names); `vipctl schema` walks it
 * like every other table, so a new section added here is in the schema. */
// clang-format off
static const struct key_spec file_key_specs[] = {
	{.name = "cluster", .type = KT_STRUCT, .offset = 0, .sub = &cluster_keys, .required = true,
	 .help = "the cluster: its name, its two nodes and the defaults"},
	{.name = "interfaces", .type = KT_SPECIAL, .required = true, .type_text = "mapping",
	 .range_text = "{NAME: {type: TYPE, ...}}",
	 .help = "the interfaces, by name; each one's keys are its type's and the common ones"},
	{.name = "checks", .type = KT_SPECIAL, .type_text = "mapping",
	 .range_text = "{NAME: {type: TYPE, ...}}",
	 .help = "service checks, by name (`vipctl explain checks`); vrrp.track refers to them"},
	{.name = "sync_groups", .type = KT_SPECIAL, .type_text = "mapping",
	 .range_text = "{NAME: {members: [...], hooks: {...}}}",
	 .help = "instances that hand over together, by group name (`vipctl explain sync_groups`)"},
};
// clang-format on
const struct key_table file_keys = KEY_TABLE("file", file_key_specs);
