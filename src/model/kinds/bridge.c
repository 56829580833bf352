/* bridge: a Linux bridge whose ports are interfaces of the file or the
 * host ends of veth-peers. */
#include "model/kinds/kind.h"
#include "model/validate.h"

// clang-format off
static const struct key_spec bridge_key_specs[] = {
	{.name = "members", .type = KT_IFNAMES, .offset = offsetof(struct iface, opts.bridge.members),
	 .help = "ports: ethernet, vlan, bond, lacp, veth, or a veth-peer's peer end"},
	{.name = "stp", .type = KT_BOOL, .offset = offsetof(struct iface, opts.bridge.stp), .def = 0,
	 .has_default = true, .help = "spanning tree protocol"},
	{.name = "forward_delay", .type = KT_DURATION,
	 .offset = offsetof(struct iface, opts.bridge.forward_delay), .min = 2000, .max = 30000,
	 .step = 1000, .def = 15000, .has_default = true,
	 .help = "STP listening/learning time (used when stp is true)"},
};
// clang-format on

static void bridge_check(struct validate_ctx *vc, struct iface *ifc)
{
	const unsigned ports = TYPE_BIT(IFACE_ETHERNET) | TYPE_BIT(IFACE_VLAN) |
			       TYPE_BIT(IFACE_BOND) | TYPE_BIT(IFACE_LACP) | TYPE_BIT(IFACE_VETH) |
			       TYPE_BIT(IFACE_VETH_PEER);

	validate_members(vc, ifc, &ifc->opts.bridge.members, ports, true);
	if (ifc->opts.bridge.forward_delay.set && !ifc->opts.bridge.stp.v)
		diag_warning(vc->dl, ifc->opts.bridge.forward_delay.pos,
			     "%s: forward_delay has no effect while stp is false", ifc->name);
}

static const struct names_val *bridge_members(const struct iface *ifc)
{
	return &ifc->opts.bridge.members;
}

static void bridge_link_opts(const struct iface *ifc, struct link_opts *out)
{
	out->stp = ifc->opts.bridge.stp.v;
	out->forward_delay_ms = ifc->opts.bridge.forward_delay.v;
}

/* Set at creation only; the forward delay matters with stp alone. */
static bool bridge_same_creation(const struct link_opts *want, const struct link_opts *have)
{
	return want->stp == have->stp &&
	       (!want->stp || want->forward_delay_ms == have->forward_delay_ms);
}

static void bridge_show(const struct model *m, const struct iface *ifc,
			const struct kind_show_out *out)
{
	(void)m;
	out->names(out->ctx, "members", &ifc->opts.bridge.members);
	out->flag(out->ctx, "stp", ifc->opts.bridge.stp.v);
	out->num(out->ctx, "forward_delay_ms", ifc->opts.bridge.forward_delay.v);
}

const struct iface_kind kind_bridge = {
    .type = IFACE_BRIDGE,
    .name = iface_type_names[IFACE_BRIDGE],
    .summary = "Linux bridge over ports of the file and veth-peer ends",
    .netlink_kind = "bridge",
    .keys = KEY_TABLE("bridge", bridge_key_specs),
    .check = bridge_check,
    .members = bridge_members,
    .ports_down = iface_kind_no_ports_down,
    .pair_peer = iface_kind_no_pair,
    .deletion_rank = 2,
    .link_opts = bridge_link_opts,
    .same_creation = bridge_same_creation,
    .create_text = iface_kind_plain_create_text,
    .show = bridge_show,
    .show_line = iface_kind_no_show_line,
    .ports = KIND_PORTS_SWITCH,
    .segment = KIND_SEGMENT_PORTS,
};
