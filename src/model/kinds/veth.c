/* veth (V-ETH): a MAC-level virtual interface over a parent (macvlan). */
#include "model/kinds/kind.h"
#include "model/validate.h"

// clang-format off
static const struct key_spec veth_key_specs[] = {
	{.name = "parent", .type = KT_IFNAME, .offset = offsetof(struct iface, macvlan.parent),
	 .required = true, .help = "the ethernet, vlan, bond, lacp or bridge it sits on"},
	{.name = "mode", .type = KT_ENUM, .offset = offsetof(struct iface, macvlan.mode),
	 .enum_names = macvlan_mode_names, .def = 2, .has_default = true,
	 .help = "macvlan mode"},
};
// clang-format on

static void veth_check(struct validate_ctx *vc, struct iface *ifc)
{
	const unsigned parents = TYPE_BIT(IFACE_ETHERNET) | TYPE_BIT(IFACE_VLAN) |
				 TYPE_BIT(IFACE_BOND) | TYPE_BIT(IFACE_LACP) |
				 TYPE_BIT(IFACE_BRIDGE);
	struct iface *parent;
	char types[96];
	long p;

	p = validate_ref(vc, ifc, "parent", ifc->macvlan.parent.v, ifc->macvlan.parent.pos);
	if (p < 0)
		return;
	parent = &vc->m->ifaces[p];
	ifc->parent_idx = p;
	if (!(parents & TYPE_BIT(parent->type))) {
		diag_error(vc->dl, ifc->macvlan.parent.pos,
			   "%s: parent %s is a %s; a veth (macvlan) parent must be an %s",
			   ifc->name, parent->name, parent->kind->name,
			   validate_types_text(parents, types, sizeof(types)));
		return;
	}
	/* The kernel refuses a macvlan on a port: the bond or bridge owns the
	 * port's receive handler. */
	if (validate_is_port(vc->m, parent))
		diag_error(vc->dl, ifc->macvlan.parent.pos,
			   "%s: parent %s is a port of %s %s; the kernel refuses a macvlan on a "
			   "bond or bridge port (use %s as parent)",
			   ifc->name, parent->name, vc->m->ifaces[parent->master_idx].kind->name,
			   vc->m->ifaces[parent->master_idx].name,
			   vc->m->ifaces[parent->master_idx].name);
	validate_mtu_below_parent(vc, ifc, parent);
}

const struct iface_kind kind_veth = {
    .type = IFACE_VETH,
    .name = iface_type_names[IFACE_VETH],
    .summary = "V-ETH: MAC-level virtual interface over a parent (macvlan)",
    .netlink_kind = "macvlan",
    .keys = KEY_TABLE("veth", veth_key_specs),
    .check = veth_check,
    .members = iface_kind_no_members,
    .ports_down = iface_kind_no_ports_down,
    .pair_peer = iface_kind_no_pair,
    .deletion_rank = 0,
};
