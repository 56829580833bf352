/* lacp: a bonding master in 802.3ad mode. */
#include "model/kinds/kind.h"
#include "model/validate.h"

#include <stdio.h>

// clang-format off
static const struct key_spec lacp_key_specs[] = {
	{.name = "members", .type = KT_IFNAMES, .offset = offsetof(struct iface, opts.bond.members),
	 .required = true, .help = "ethernet ports aggregated by LACP"},
	{.name = "lacp_rate", .type = KT_ENUM, .offset = offsetof(struct iface, opts.bond.lacp_rate),
	 .enum_names = lacp_rate_names, .def = 0, .has_default = true,
	 .help = "LACPDU rate asked of the partner: slow = 30s, fast = 1s"},
	{.name = "xmit_hash_policy", .type = KT_ENUM,
	 .offset = offsetof(struct iface, opts.bond.xmit_hash_policy), .enum_names = xmit_hash_names,
	 .def = 0, .has_default = true, .help = "transmit hash over the members"},
	{.name = "miimon", .type = KT_DURATION, .offset = offsetof(struct iface, opts.bond.miimon),
	 .min = 0, .max = 10000, .def = 100, .has_default = true,
	 .help = "link monitoring interval of the members (0ms: off)"},
	{.name = "min_links", .type = KT_U32, .offset = offsetof(struct iface, opts.bond.min_links),
	 .min = 0, .max = 1024, .def = 0, .has_default = true,
	 .help = "members that must be up for the bundle to be up"},
};
// clang-format on

static void lacp_check(struct validate_ctx *vc, struct iface *ifc)
{
	validate_members(vc, ifc, &ifc->opts.bond.members, TYPE_BIT(IFACE_ETHERNET), false);
	if (ifc->opts.bond.min_links.v > ifc->opts.bond.members.n && ifc->opts.bond.members.n > 0)
		diag_error(vc->dl, ifc->opts.bond.min_links.pos,
			   "%s: min_links %u exceeds its %zu members (allowed: 0..%zu)", ifc->name,
			   ifc->opts.bond.min_links.v, ifc->opts.bond.members.n,
			   ifc->opts.bond.members.n);
}

static const struct names_val *lacp_members(const struct iface *ifc)
{
	return &ifc->opts.bond.members;
}

/* An 802.3ad bond's ports must be down while they are enslaved. */
static bool lacp_ports_down(const struct iface *ifc)
{
	(void)ifc;
	return true;
}

static void lacp_link_opts(const struct iface *ifc, struct link_opts *out)
{
	kind_bond_link_opts(ifc, BOND_KERNEL_8023AD, out);
}

static void lacp_create_text(const struct iface *ifc, const struct link_opts *o, const char *ns,
			     const char *(*ns_text)(const char *ns), char *buf, size_t len)
{
	(void)o, (void)ns, (void)ns_text;
	snprintf(buf, len, "create bond %s (802.3ad, lacp_rate %s, %s)", ifc->name,
		 lacp_rate_names[ifc->opts.bond.lacp_rate.v],
		 xmit_hash_names[ifc->opts.bond.xmit_hash_policy.v]);
}

static void lacp_show(const struct model *m, const struct iface *ifc,
		      const struct kind_show_out *out)
{
	(void)m;
	kind_bond_show_common(ifc, "802.3ad", out);
	out->str(out->ctx, "lacp_rate", lacp_rate_names[ifc->opts.bond.lacp_rate.v]);
	out->num(out->ctx, "min_links", ifc->opts.bond.min_links.v);
}

const struct iface_kind kind_lacp = {
    .type = IFACE_LACP,
    .name = iface_type_names[IFACE_LACP],
    .summary = "802.3ad link aggregation (a bond in mode 802.3ad)",
    .netlink_kind = "bond",
    .keys = KEY_TABLE("lacp", lacp_key_specs),
    .check = lacp_check,
    .members = lacp_members,
    .ports_down = lacp_ports_down,
    .pair_peer = iface_kind_no_pair,
    .deletion_rank = 2,
    .link_opts = lacp_link_opts,
    .same_creation = kind_bond_same_creation,
    .create_text = lacp_create_text,
    .show = lacp_show,
    .show_line = iface_kind_no_show_line,
    .ports = KIND_PORTS_AGGREGATE,
    .segment = KIND_SEGMENT_OWN,
};
