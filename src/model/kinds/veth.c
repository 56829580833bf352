/* veth (V-ETH): a MAC-level virtual interface over a parent (macvlan). */
#include "model/kinds/kind.h"
#include "model/validate.h"

#include <stdio.h>
#include <string.h>

// clang-format off
static const struct key_spec veth_key_specs[] = {
	{.name = "parent", .type = KT_IFNAME, .offset = offsetof(struct iface, opts.macvlan.parent),
	 .required = true, .help = "the ethernet, vlan, bond, lacp or bridge it sits on"},
	{.name = "mode", .type = KT_ENUM, .offset = offsetof(struct iface, opts.macvlan.mode),
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

	p = validate_ref(vc, ifc, "parent", ifc->opts.macvlan.parent.v,
			 ifc->opts.macvlan.parent.pos);
	if (p < 0)
		return;
	parent = &vc->m->ifaces[p];
	ifc->parent_idx = p;
	if (!(parents & TYPE_BIT(parent->type))) {
		diag_error(vc->dl, ifc->opts.macvlan.parent.pos,
			   "%s: parent %s is a %s; a veth (macvlan) parent must be an %s",
			   ifc->name, parent->name, parent->kind->name,
			   validate_types_text(parents, types, sizeof(types)));
		return;
	}
	/* The kernel refuses a macvlan on a port: the bond or bridge owns the
	 * port's receive handler. */
	if (validate_is_port(vc->m, parent))
		diag_error(vc->dl, ifc->opts.macvlan.parent.pos,
			   "%s: parent %s is a port of %s %s; the kernel refuses a macvlan on a "
			   "bond or bridge port (use %s as parent)",
			   ifc->name, parent->name, vc->m->ifaces[parent->master_idx].kind->name,
			   vc->m->ifaces[parent->master_idx].name,
			   vc->m->ifaces[parent->master_idx].name);
	validate_mtu_below_parent(vc, ifc, parent);
}

static void veth_link_opts(const struct iface *ifc, struct link_opts *out)
{
	snprintf(out->parent, sizeof(out->parent), "%s", ifc->opts.macvlan.parent.v);
	out->macvlan_mode = macvlan_mode_kernel[ifc->opts.macvlan.mode.v];
}

/* The kernel takes a macvlan's mode and parent at creation only. */
static bool veth_same_creation(const struct link_opts *want, const struct link_opts *have)
{
	return want->macvlan_mode == have->macvlan_mode &&
	       (!*have->parent || strcmp(want->parent, have->parent) == 0);
}

static void veth_create_text(const struct iface *ifc, const struct link_opts *o, const char *ns,
			     const char *(*ns_text)(const char *ns), char *buf, size_t len)
{
	(void)o, (void)ns, (void)ns_text;
	snprintf(buf, len, "create macvlan %s (parent %s, mode %s)", ifc->name,
		 ifc->opts.macvlan.parent.v, macvlan_mode_names[ifc->opts.macvlan.mode.v]);
}

static void veth_show(const struct model *m, const struct iface *ifc,
		      const struct kind_show_out *out)
{
	(void)m;
	out->str(out->ctx, "parent", ifc->opts.macvlan.parent.v);
	out->str(out->ctx, "mode", macvlan_mode_names[ifc->opts.macvlan.mode.v]);
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
    .link_opts = veth_link_opts,
    .same_creation = veth_same_creation,
    .create_text = veth_create_text,
    .show = veth_show,
    .show_line = iface_kind_no_show_line,
    .ports = KIND_PORTS_NONE,
    .segment = KIND_SEGMENT_PARENT,
};
