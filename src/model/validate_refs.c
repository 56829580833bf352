/* References between interfaces (parent, member, vrrp.via) and the texts
 * their messages share. The kinds' check() and validate_vrrp.c call these;
 * they sit below both and call nothing above them, only the accessors. */
#include "model/validate.h"

#include <stdio.h>
#include <string.h>

#include "model/kinds/kind.h"

const char *validate_types_text(unsigned mask, char *buf, size_t len)
{
	size_t off = 0, n = 0, total = 0;

	for (int t = 0; t < IFACE_TYPE_COUNT; t++)
		total += (mask >> t) & 1;
	buf[0] = '\0';
	for (int t = 0; t < IFACE_TYPE_COUNT && off < len; t++) {
		if (!((mask >> t) & 1))
			continue;
		n++;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					n == 1 ? "" : (n == total ? " or " : ", "),
					iface_type_name((enum iface_type)t));
	}
	return buf;
}

long validate_ref(struct validate_ctx *vc, const struct iface *owner, const char *role,
		  const char *name, struct src_pos pos)
{
	size_t peer;
	long idx;

	if (!name)
		return -1;
	idx = model_iface_index(vc->m, name);
	if (idx < 0 && strmap_get(&vc->m->by_peer_name, name, &peer)) {
		diag_error(
		    vc->dl, pos,
		    "%s: %s %s is the other end of veth-peer %s (line %d); that end can only "
		    "be a bridge member",
		    owner->name, role, name, vc->m->ifaces[peer].name,
		    vc->m->ifaces[peer].pos.line);
		return -1;
	}
	if (idx < 0) {
		diag_error(vc->dl, pos, "%s: %s %s is not defined under interfaces", owner->name,
			   role, name);
		return -1;
	}
	if (&vc->m->ifaces[idx] == owner) {
		diag_error(vc->dl, pos, "%s: %s cannot be the interface itself", owner->name, role);
		return -1;
	}
	if (!vc->m->ifaces[idx].kind)
		return -1; /* its own error is reported already */
	return idx;
}

void validate_mtu_below_parent(struct validate_ctx *vc, const struct iface *child,
			       const struct iface *parent)
{
	if (child->mtu.set && parent->mtu.set && child->mtu.v > parent->mtu.v)
		diag_error(vc->dl, child->mtu.pos, "%s: mtu %u exceeds parent %s mtu %u",
			   child->name, child->mtu.v, parent->name, parent->mtu.v);
}

bool validate_is_port(const struct model *m, const struct iface *ifc)
{
	(void)m;
	return ifc->master_idx >= 0;
}

const char *validate_ns_text(const char *ns, char *buf, size_t len)
{
	if (!ns)
		return "the daemon's namespace";
	snprintf(buf, len, "namespace %s", ns);
	return buf;
}

bool validate_same_ns(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A pair's other end (a veth-peer's host end), named in a bridge's members. */
static void validate_peer_end_member(struct validate_ctx *vc, struct iface *master,
				     struct name_ref *ref, size_t peer_idx)
{
	struct iface *vp = &vc->m->ifaces[peer_idx];
	const char *pns = NULL;
	char a[96], b[96];

	if (vp->peer_end_master >= 0) {
		diag_error(
		    vc->dl, ref->pos,
		    "%s: member %s is already a member of %s (line %d); an interface has one "
		    "master",
		    master->name, ref->name, vc->m->ifaces[vp->peer_end_master].name,
		    vc->m->ifaces[vp->peer_end_master].pos.line);
		return;
	}
	(void)vp->kind->pair_peer(vp, &pns);
	if (!validate_same_ns(pns, master->netns.v)) {
		diag_error(vc->dl, ref->pos,
			   "%s: member %s lives in %s but %s lives in %s; a bridge and its ports "
			   "share one namespace",
			   master->name, ref->name, validate_ns_text(pns, a, sizeof(a)),
			   master->name, validate_ns_text(master->netns.v, b, sizeof(b)));
		return;
	}
	vp->peer_end_master = master - vc->m->ifaces;
	vp->peer_end_bridged = true;
}

static void validate_member(struct validate_ctx *vc, struct iface *master, struct name_ref *ref,
			    unsigned mask, bool allow_peer_ends)
{
	struct model *m = vc->m;
	char types[128], a[96], b[96];
	size_t peer;
	long idx = model_iface_index(m, ref->name);
	struct iface *mem;

	if (idx < 0 && allow_peer_ends && strmap_get(&m->by_peer_name, ref->name, &peer)) {
		validate_peer_end_member(vc, master, ref, peer);
		return;
	}
	idx = validate_ref(vc, master, "member", ref->name, ref->pos);
	if (idx < 0)
		return;
	mem = &m->ifaces[idx];
	ref->idx = idx;
	if (!(mask & TYPE_BIT(mem->type))) {
		diag_error(vc->dl, ref->pos, "%s: member %s is a %s; a %s's members must be %s",
			   master->name, mem->name, mem->kind->name, master->kind->name,
			   validate_types_text(mask, types, sizeof(types)));
		return;
	}
	if (mem->master_idx >= 0) {
		struct iface *other = &m->ifaces[mem->master_idx];

		if (other == master)
			diag_error(vc->dl, ref->pos, "%s: member %s is listed twice", master->name,
				   mem->name);
		else
			diag_error(
			    vc->dl, ref->pos,
			    "%s: member %s is already a member of %s (line %d); an interface "
			    "has one master",
			    master->name, mem->name, other->name, other->pos.line);
		return;
	}
	if (!validate_same_ns(mem->netns.v, master->netns.v)) {
		diag_error(vc->dl, ref->pos,
			   "%s: member %s lives in %s but %s lives in %s; a %s and its members "
			   "share one namespace",
			   master->name, mem->name, validate_ns_text(mem->netns.v, a, sizeof(a)),
			   master->name, validate_ns_text(master->netns.v, b, sizeof(b)),
			   master->kind->name);
		return;
	}
	mem->master_idx = (long)(master - m->ifaces);
	/* The kernel forces a bond's MTU onto its members. */
	if (master->kind->ports == KIND_PORTS_AGGREGATE && mem->mtu.set && master->mtu.set &&
	    mem->mtu.v != master->mtu.v)
		diag_error(vc->dl, mem->mtu.pos,
			   "%s: mtu %u differs from its %s %s mtu %u (the kernel gives members the "
			   "bond's mtu)",
			   mem->name, mem->mtu.v, master->kind->name, master->name, master->mtu.v);
	if (master->kind->ports == KIND_PORTS_SWITCH && mem->mtu.set && master->mtu.set &&
	    mem->mtu.v < master->mtu.v)
		diag_error(vc->dl, master->mtu.pos, "%s: mtu %u exceeds member %s mtu %u",
			   master->name, master->mtu.v, mem->name, mem->mtu.v);
}

void validate_members(struct validate_ctx *vc, struct iface *master, struct names_val *members,
		      unsigned allowed_types_mask, bool allow_peer_ends)
{
	if (members->set && members->n == 0 && master->kind->ports != KIND_PORTS_SWITCH)
		diag_error(vc->dl, members->pos, "%s: a %s needs at least one member", master->name,
			   master->kind->name);
	for (size_t i = 0; i < members->n; i++)
		validate_member(vc, master, &members->v[i], allowed_types_mask, allow_peer_ends);
}
