/* bond: a Linux bonding master in one of the non-LACP modes. */
#include "model/kinds/kind.h"
#include "model/validate.h"

#include <stdio.h>
#include <string.h>

enum { BOND_ACTIVE_BACKUP, BOND_BALANCE_RR, BOND_BALANCE_XOR, BOND_BROADCAST, BOND_TLB, BOND_ALB };

// clang-format off
static const struct key_spec bond_key_specs[] = {
	{.name = "members", .type = KT_IFNAMES, .offset = offsetof(struct iface, opts.bond.members),
	 .required = true, .help = "ethernet ports enslaved to the bond"},
	{.name = "mode", .type = KT_ENUM, .offset = offsetof(struct iface, opts.bond.mode),
	 .enum_names = bond_mode_names, .def = BOND_ACTIVE_BACKUP, .has_default = true,
	 .help = "bonding mode (for 802.3ad use type: lacp)"},
	{.name = "primary", .type = KT_IFNAME, .offset = offsetof(struct iface, opts.bond.primary),
	 .help = "preferred member (active-backup, balance-tlb, balance-alb)"},
	{.name = "miimon", .type = KT_DURATION, .offset = offsetof(struct iface, opts.bond.miimon),
	 .min = 0, .max = 10000, .def = 100, .has_default = true,
	 .help = "link monitoring interval of the members (0ms: off)"},
	{.name = "xmit_hash_policy", .type = KT_ENUM,
	 .offset = offsetof(struct iface, opts.bond.xmit_hash_policy), .enum_names = xmit_hash_names,
	 .def = 0, .has_default = true, .help = "transmit hash (balance-xor, balance-tlb)"},
};
// clang-format on

static void check_primary(struct validate_ctx *vc, const struct iface *ifc)
{
	char names[256];
	size_t off = 0;

	names[0] = '\0';
	for (size_t i = 0; i < ifc->opts.bond.members.n; i++) {
		if (strcmp(ifc->opts.bond.members.v[i].name, ifc->opts.bond.primary.v) == 0)
			return;
		if (off < sizeof(names))
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
						i ? ", " : "", ifc->opts.bond.members.v[i].name);
	}
	diag_error(vc->dl, ifc->opts.bond.primary.pos,
		   "%s: primary %s is not one of its members (%s)", ifc->name,
		   ifc->opts.bond.primary.v, names);
}

static void bond_check(struct validate_ctx *vc, struct iface *ifc)
{
	uint32_t mode = ifc->opts.bond.mode.v;
	bool has_primary = mode == BOND_ACTIVE_BACKUP || mode == BOND_TLB || mode == BOND_ALB;
	bool has_hash = mode == BOND_BALANCE_XOR || mode == BOND_TLB;

	validate_members(vc, ifc, &ifc->opts.bond.members, TYPE_BIT(IFACE_ETHERNET), false);
	if (ifc->opts.bond.primary.v && !has_primary)
		diag_error(vc->dl, ifc->opts.bond.primary.pos,
			   "%s: primary is not used in mode %s (only active-backup, balance-tlb, "
			   "balance-alb)",
			   ifc->name, bond_mode_names[mode]);
	if (ifc->opts.bond.xmit_hash_policy.set && !has_hash)
		diag_error(vc->dl, ifc->opts.bond.xmit_hash_policy.pos,
			   "%s: xmit_hash_policy is not used in mode %s (only balance-xor, "
			   "balance-tlb; lacp has it too)",
			   ifc->name, bond_mode_names[mode]);
	if (ifc->opts.bond.primary.v && ifc->opts.bond.members.n)
		check_primary(vc, ifc);
}

static const struct names_val *bond_members(const struct iface *ifc)
{
	return &ifc->opts.bond.members;
}

/* A bond's ports must be down while they are enslaved. */
static bool bond_ports_down(const struct iface *ifc)
{
	(void)ifc;
	return true;
}

void kind_bond_link_opts(const struct iface *ifc, uint8_t kernel_mode, struct link_opts *out)
{
	out->bond_mode = kernel_mode;
	out->lacp_rate = (uint8_t)ifc->opts.bond.lacp_rate.v;
	out->xmit_hash = (uint8_t)ifc->opts.bond.xmit_hash_policy.v;
	out->miimon_ms = ifc->opts.bond.miimon.v;
	out->min_links = ifc->opts.bond.min_links.v;
	if (ifc->opts.bond.primary.v)
		snprintf(out->primary, sizeof(out->primary), "%s", ifc->opts.bond.primary.v);
}

/* The mode, miimon and hash are set at creation only (and lacp_rate and
 * min_links in 802.3ad mode); the primary can change on a live bond. */
bool kind_bond_same_creation(const struct link_opts *want, const struct link_opts *have)
{
	return want->bond_mode == have->bond_mode && want->miimon_ms == have->miimon_ms &&
	       want->xmit_hash == have->xmit_hash &&
	       (want->bond_mode != BOND_KERNEL_8023AD ||
		(want->lacp_rate == have->lacp_rate && want->min_links == have->min_links));
}

void kind_bond_show_common(const struct iface *ifc, const char *mode,
			   const struct kind_show_out *out)
{
	out->names(out->ctx, "members", &ifc->opts.bond.members);
	out->str(out->ctx, "mode", mode);
	out->num(out->ctx, "miimon_ms", ifc->opts.bond.miimon.v);
	out->str(out->ctx, "xmit_hash_policy", xmit_hash_names[ifc->opts.bond.xmit_hash_policy.v]);
}

static void bond_link_opts(const struct iface *ifc, struct link_opts *out)
{
	kind_bond_link_opts(ifc, bond_mode_kernel[ifc->opts.bond.mode.v], out);
}

static void bond_create_text(const struct iface *ifc, const struct link_opts *o, const char *ns,
			     const char *(*ns_text)(const char *ns), char *buf, size_t len)
{
	(void)o, (void)ns, (void)ns_text;
	snprintf(buf, len, "create bond %s (%s)", ifc->name,
		 bond_mode_names[ifc->opts.bond.mode.v]);
}

static void bond_show(const struct model *m, const struct iface *ifc,
		      const struct kind_show_out *out)
{
	(void)m;
	kind_bond_show_common(ifc, bond_mode_names[ifc->opts.bond.mode.v], out);
	out->str(out->ctx, "primary", ifc->opts.bond.primary.v);
}

const struct iface_kind kind_bond = {
    .type = IFACE_BOND,
    .name = iface_type_names[IFACE_BOND],
    .summary = "bonding master (active-backup, balance-*, broadcast)",
    .netlink_kind = "bond",
    .keys = KEY_TABLE("bond", bond_key_specs),
    .check = bond_check,
    .members = bond_members,
    .ports_down = bond_ports_down,
    .pair_peer = iface_kind_no_pair,
    .deletion_rank = 2,
    .link_opts = bond_link_opts,
    .same_creation = kind_bond_same_creation,
    .create_text = bond_create_text,
    .show = bond_show,
    .show_line = iface_kind_no_show_line,
    .ports = KIND_PORTS_AGGREGATE,
    .segment = KIND_SEGMENT_OWN,
};
