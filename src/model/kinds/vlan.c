/* vlan: an 802.1Q sub-interface over an ethernet, bond or lacp parent. */
#include "model/kinds/kind.h"
#include "model/validate.h"

#include <stdio.h>
#include <string.h>

// clang-format off
static const struct key_spec vlan_key_specs[] = {
	{.name = "parent", .type = KT_IFNAME, .offset = offsetof(struct iface, opts.vlan.parent),
	 .required = true, .help = "the ethernet, bond or lacp interface carrying the tag"},
	{.name = "id", .type = KT_U32, .offset = offsetof(struct iface, opts.vlan.id), .min = 1,
	 .max = 4094, .required = true, .help = "802.1Q VLAN id"},
};
// clang-format on

static void vlan_check(struct validate_ctx *vc, struct iface *ifc)
{
	const unsigned parents =
	    TYPE_BIT(IFACE_ETHERNET) | TYPE_BIT(IFACE_BOND) | TYPE_BIT(IFACE_LACP);
	struct iface *parent;
	char key[64], types[96];
	long p;

	p = validate_ref(vc, ifc, "parent", ifc->opts.vlan.parent.v, ifc->opts.vlan.parent.pos);
	if (p < 0)
		return;
	parent = &vc->m->ifaces[p];
	ifc->parent_idx = p;
	if (!(parents & TYPE_BIT(parent->type))) {
		diag_error(vc->dl, ifc->opts.vlan.parent.pos,
			   "%s: parent %s is a %s; a vlan's parent must be an %s", ifc->name,
			   parent->name, parent->kind->name,
			   validate_types_text(parents, types, sizeof(types)));
		return;
	}
	if (validate_is_port(vc->m, parent)) {
		const struct iface *master = &vc->m->ifaces[parent->master_idx];

		/* A bridge is no vlan parent here, so only a bond can be offered. */
		if (master->type == IFACE_BRIDGE)
			diag_error(
			    vc->dl, ifc->opts.vlan.parent.pos,
			    "%s: parent %s is a port of bridge %s; a vlan's parent must be an "
			    "ethernet, bond or lacp that is not a bridge port",
			    ifc->name, parent->name, master->name);
		else
			diag_error(vc->dl, ifc->opts.vlan.parent.pos,
				   "%s: parent %s is a port of %s %s; put the vlan on %s instead",
				   ifc->name, parent->name, master->kind->name, master->name,
				   master->name);
	}
	validate_mtu_below_parent(vc, ifc, parent);
	if (!ifc->opts.vlan.id.set)
		return;
	snprintf(key, sizeof(key), "%s/%u", parent->name, ifc->opts.vlan.id.v);
	{
		size_t other;
		char *k = arena_strdup(&vc->m->arena, key);

		if (!strmap_put(&vc->vlan_ids, k, (size_t)(ifc - vc->m->ifaces))) {
			strmap_get(&vc->vlan_ids, k, &other);
			diag_error(vc->dl, ifc->opts.vlan.id.pos,
				   "%s: vlan id %u is already used on %s by %s (line %d)",
				   ifc->name, ifc->opts.vlan.id.v, parent->name,
				   vc->m->ifaces[other].name, vc->m->ifaces[other].pos.line);
		}
	}
}

static void vlan_link_opts(const struct iface *ifc, struct link_opts *out)
{
	snprintf(out->parent, sizeof(out->parent), "%s", ifc->opts.vlan.parent.v);
	out->vlan_id = (uint16_t)ifc->opts.vlan.id.v;
}

/* The kernel takes a vlan's id and parent at creation only. */
static bool vlan_same_creation(const struct link_opts *want, const struct link_opts *have)
{
	return want->vlan_id == have->vlan_id &&
	       (!*have->parent || strcmp(want->parent, have->parent) == 0);
}

static void vlan_create_text(const struct iface *ifc, const struct link_opts *o, const char *ns,
			     const char *(*ns_text)(const char *ns), char *buf, size_t len)
{
	(void)o, (void)ns, (void)ns_text;
	snprintf(buf, len, "create vlan %s (parent %s, id %u)", ifc->name, ifc->opts.vlan.parent.v,
		 ifc->opts.vlan.id.v);
}

static void vlan_show(const struct model *m, const struct iface *ifc,
		      const struct kind_show_out *out)
{
	(void)m;
	out->str(out->ctx, "parent", ifc->opts.vlan.parent.v);
	out->num(out->ctx, "id", ifc->opts.vlan.id.v);
}

static void vlan_show_line(const struct iface *ifc, char *buf, size_t len)
{
	snprintf(buf, len, " id %u", ifc->opts.vlan.id.v);
}

const struct iface_kind kind_vlan = {
    .type = IFACE_VLAN,
    .name = iface_type_names[IFACE_VLAN],
    .summary = "802.1Q VLAN sub-interface over an ethernet, bond or lacp",
    .netlink_kind = "vlan",
    .keys = KEY_TABLE("vlan", vlan_key_specs),
    .check = vlan_check,
    .members = iface_kind_no_members,
    .ports_down = iface_kind_no_ports_down,
    .pair_peer = iface_kind_no_pair,
    .deletion_rank = 0,
    .link_opts = vlan_link_opts,
    .same_creation = vlan_same_creation,
    .create_text = vlan_create_text,
    .show = vlan_show,
    .show_line = vlan_show_line,
    .ports = KIND_PORTS_NONE,
    .segment = KIND_SEGMENT_OWN,
};
