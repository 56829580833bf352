/* veth-peer (V-ETH(peer)): a veth pair. The entry is the end that lives in
 * `namespace`; `peer` names the other end, which lives in `peer_namespace`
 * (the daemon's own by default) and may be a bridge member. */
#include "model/kinds/kind.h"
#include "model/validate.h"

#include <stdio.h>
#include <string.h>

// clang-format off
static const struct key_spec veth_peer_key_specs[] = {
	{.name = "peer", .type = KT_IFNAME, .offset = offsetof(struct iface, opts.veth_peer.peer),
	 .required = true, .help = "name of the other end of the pair"},
	{.name = "peer_namespace", .type = KT_NSNAME,
	 .offset = offsetof(struct iface, opts.veth_peer.peer_namespace),
	 .help = "namespace of the other end (default: the daemon's own)"},
};
// clang-format on

static void veth_peer_check(struct validate_ctx *vc, struct iface *ifc)
{
	const char *peer = ifc->opts.veth_peer.peer.v;
	const char *ns = ifc->netns.v ? ifc->netns.v : "";
	const char *pns =
	    ifc->opts.veth_peer.peer_namespace.v ? ifc->opts.veth_peer.peer_namespace.v : "";

	if (!peer)
		return;
	if (strcmp(peer, ifc->name) == 0 && strcmp(ns, pns) == 0)
		diag_error(vc->dl, ifc->opts.veth_peer.peer.pos,
			   "%s: peer has the same name in the same namespace as the interface",
			   ifc->name);
	if (model_iface_index(vc->m, peer) >= 0)
		diag_error(vc->dl, ifc->opts.veth_peer.peer.pos,
			   "%s: peer %s is also defined as an interface; a veth-peer's other end "
			   "is created by the pair and must not be listed again",
			   ifc->name, peer);
}

static const struct str_val *veth_peer_pair(const struct iface *ifc, const char **netns)
{
	*netns = ifc->opts.veth_peer.peer_namespace.v;
	return &ifc->opts.veth_peer.peer;
}

static const char *ns_or_empty(const char *ns)
{
	return ns ? ns : "";
}

static void veth_peer_link_opts(const struct iface *ifc, struct link_opts *out)
{
	snprintf(out->veth_peer, sizeof(out->veth_peer), "%s", ifc->opts.veth_peer.peer.v);
	snprintf(out->veth_peer_ns, sizeof(out->veth_peer_ns), "%s",
		 ns_or_empty(ifc->opts.veth_peer.peer_namespace.v));
}

/* A pair is created with its other end's name. */
static bool veth_peer_same_creation(const struct link_opts *want, const struct link_opts *have)
{
	return !*have->veth_peer || strcmp(want->veth_peer, have->veth_peer) == 0;
}

static void veth_peer_create_text(const struct iface *ifc, const struct link_opts *o,
				  const char *ns, const char *(*ns_text)(const char *ns), char *buf,
				  size_t len)
{
	snprintf(buf, len, "create veth %s in %s, peer %s in %s", ifc->name, ns_text(ns),
		 o->veth_peer, ns_text(o->veth_peer_ns));
}

static void veth_peer_show(const struct model *m, const struct iface *ifc,
			   const struct kind_show_out *out)
{
	out->str(out->ctx, "peer", ifc->opts.veth_peer.peer.v);
	out->str(out->ctx, "peer_namespace", ifc->opts.veth_peer.peer_namespace.v);
	out->str(out->ctx, "peer_master",
		 ifc->peer_end_master >= 0 ? m->ifaces[ifc->peer_end_master].name : NULL);
}

const struct iface_kind kind_veth_peer = {
    .type = IFACE_VETH_PEER,
    .name = iface_type_names[IFACE_VETH_PEER],
    .summary = "V-ETH(peer): a veth pair, this end in `namespace`, the other in "
	       "`peer_namespace`",
    .netlink_kind = "veth",
    .keys = KEY_TABLE("veth-peer", veth_peer_key_specs),
    .check = veth_peer_check,
    .members = iface_kind_no_members,
    .ports_down = iface_kind_no_ports_down,
    .pair_peer = veth_peer_pair,
    .deletion_rank = 1,
    .link_opts = veth_peer_link_opts,
    .same_creation = veth_peer_same_creation,
    .create_text = veth_peer_create_text,
    .show = veth_peer_show,
    .show_line = iface_kind_no_show_line,
    .ports = KIND_PORTS_NONE,
    .segment = KIND_SEGMENT_OWN,
};
