/* bfd: (issue 16) after inheritance and vrrp.via. A BFD session runs per
 * advert path, between the interface's communication pair, so an
 * interface's own bfd must be one its path can run:
 * - the adverts of an interface with vrrp.via go over the via interface,
 *   whose bfd the session follows: a different bfd here would be ignored;
 * - the interface must carry adverts (VIPs here, or a via to it) and have a
 *   communication pair (an address of one family on each node): single-hop
 *   BFD (RFC 5881) runs between those two addresses;
 * - a detection time at or above VRRP's own (3 x advert_interval) gains
 *   nothing: a warning. */
#include <stdio.h>
#include <string.h>

#include "model/validate.h"

static bool same_pos(struct src_pos a, struct src_pos b)
{
	return a.line == b.line && a.col == b.col;
}

/* bfd written on the interface itself (not only inherited from the cluster) */
static bool own_bfd(const struct model *m, const struct iface *ifc)
{
	const struct bfd_cfg *b = &ifc->bfd;

	if (!b->interval.set && !b->multiplier.set && !b->enabled.set)
		return false;
	return !(m->bfd.interval.set || m->bfd.multiplier.set || m->bfd.enabled.set) ||
	       !same_pos(b->pos, m->bfd.pos);
}

static bool same_bfd(const struct bfd_cfg *a, const struct bfd_cfg *b)
{
	return a->on == b->on &&
	       (!a->on || (a->interval.v == b->interval.v && a->multiplier.v == b->multiplier.v));
}

static bool has_pair(const struct iface *ifc)
{
	for (size_t i = 0; i < ifc->addrs[0].n; i++)
		for (size_t j = 0; j < ifc->addrs[1].n; j++)
			if (ifc->addrs[0].v[i].v.family == ifc->addrs[1].v[j].v.family)
				return true;
	return false;
}

static bool carries_adverts(const struct model *m, size_t idx)
{
	const struct iface *ifc = &m->ifaces[idx];

	if (ifc->n_vips && ifc->via_idx < 0)
		return true;
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (m->ifaces[i].n_vips && m->ifaces[i].via_idx == (long)idx)
			return true;
	return false;
}

static void check_via_bfd(struct validate_ctx *vc, const struct iface *ifc)
{
	const struct iface *t = &vc->m->ifaces[ifc->via_idx];

	if (same_bfd(&ifc->bfd, &t->bfd))
		return;
	diag_error(vc->dl, ifc->bfd.pos,
		   "%s: bfd %s here, but the adverts go via %s, where bfd is %s; the session "
		   "runs on the advert path: write bfd on %s",
		   ifc->name, ifc->bfd.on ? "is on" : "is off", t->name,
		   t->bfd.on ? "set otherwise" : "off", t->name);
}

static void check_path(struct validate_ctx *vc, size_t idx)
{
	const struct iface *ifc = &vc->m->ifaces[idx];

	if (!carries_adverts(vc->m, idx))
		diag_error(vc->dl, ifc->bfd.pos,
			   "%s: bfd has no session to run: no VRRP instance sends its adverts over "
			   "%s (it has no VIPs, and no vrrp.via names it)",
			   ifc->name, ifc->name);
	else if (model_nodes_known(vc->m) && !has_pair(ifc))
		diag_error(vc->dl, ifc->bfd.pos,
			   "%s: bfd needs a communication pair (an address of one family on each "
			   "node) to run between; %s has none",
			   ifc->name, ifc->name);
}

/* BFD that detects no sooner than VRRP itself only adds packets. */
static void check_gain(struct validate_ctx *vc, const struct iface *ifc)
{
	uint64_t bfd_ms = (uint64_t)ifc->bfd.interval.v * ifc->bfd.multiplier.v;
	uint64_t vrrp_ms = 3ull * ifc->vrrp.advert_interval.v;

	if (bfd_ms >= vrrp_ms)
		diag_warning(vc->dl, ifc->bfd.pos,
			     "%s: bfd detects a lost peer after %llu ms, VRRP alone after %llu ms "
			     "(3 x advert_interval): bfd gains nothing here",
			     ifc->name, (unsigned long long)bfd_ms, (unsigned long long)vrrp_ms);
}

void validate_bfd(struct validate_ctx *vc)
{
	const struct model *m = vc->m;

	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];

		if (!ifc->kind || !own_bfd(m, ifc))
			continue;
		if (ifc->via_idx >= 0 && ifc->n_vips) {
			check_via_bfd(vc, ifc);
			continue;
		}
		if (!ifc->bfd.on)
			continue;
		check_path(vc, i);
		check_gain(vc, ifc);
	}
}
