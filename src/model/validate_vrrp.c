/* VRRP and probe parameters, checked after an interface inherits the
 * cluster's defaults. A value is reported where it was written: a cluster
 * default once, an interface override at the interface. */
#include <stdio.h>
#include <string.h>

#include "model/kinds/kind.h"
#include "model/validate.h"

static bool same_pos(struct src_pos a, struct src_pos b)
{
	return a.line == b.line && a.col == b.col;
}

/* Report only once per written value: an interface that inherits both
 * values from the cluster repeats the cluster's problem. */
static bool is_own(const struct u32_val *v, const struct u32_val *cluster)
{
	return v->set && (!cluster->set || !same_pos(v->pos, cluster->pos));
}

static void check_interval(struct validate_ctx *vc, const char *ctx, const struct vrrp_cfg *c,
			   bool report)
{
	uint32_t iv = c->advert_interval.v;
	struct src_pos pos = c->advert_interval.set ? c->advert_interval.pos : c->version.pos;

	if (!report)
		return;
	if (c->version.v == 3 && iv > 40950)
		diag_error(vc->dl, pos,
			   "%s: advert_interval %ums out of range for VRRP version 3 (10ms..40950ms "
			   "in 10ms steps)",
			   ctx, iv);
	if (c->version.v == 2 && (iv < 1000 || iv % 1000))
		diag_error(vc->dl, pos,
			   "%s: advert_interval %ums is not valid for VRRP version 2 (1s..255s in "
			   "whole seconds; sub-second adverts need version 3)",
			   ctx, iv);
}

static void check_priority(struct validate_ctx *vc, const char *ctx, const struct vrrp_cfg *c,
			   bool report)
{
	if (report && c->priority.preferred.v <= c->priority.other.v)
		diag_error(vc->dl,
			   c->priority.preferred.set ? c->priority.preferred.pos
						     : c->priority.other.pos,
			   "%s: priority preferred %u must be above other %u, or the slots would not "
			   "prefer a node",
			   ctx, c->priority.preferred.v, c->priority.other.v);
}

static void check_gwcheck(struct validate_ctx *vc, const char *ctx, const struct gwcheck_cfg *g,
			  bool report)
{
	if (report && g->timeout.v > g->interval.v)
		diag_error(vc->dl, g->timeout.set ? g->timeout.pos : g->interval.pos,
			   "%s: gateway_check timeout %ums exceeds its interval %ums", ctx,
			   g->timeout.v, g->interval.v);
}

static void check_v2_ipv6(struct validate_ctx *vc, const struct iface *ifc)
{
	char buf[IP_STR_MAX];

	if (ifc->vrrp.version.v != 2)
		return;
	for (size_t i = 0; i < ifc->n_vips; i++) {
		if (ifc->vips[i].addr.family != IP_V6)
			continue;
		diag_error(vc->dl, ifc->vips[i].pos,
			   "%s: vip %s is IPv6 but VRRP version 2 (RFC 3768) carries IPv4 only; "
			   "use vrrp.version 3",
			   ifc->name, ip_ntop_prefix(&ifc->vips[i].addr, buf));
	}
}

void validate_vrrp(struct validate_ctx *vc)
{
	const struct model *m = vc->m;

	check_interval(vc, "cluster.vrrp", &m->vrrp, true);
	check_priority(vc, "cluster.vrrp", &m->vrrp, true);
	check_gwcheck(vc, "cluster", &m->gwcheck, true);
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];
		const struct vrrp_cfg *c = &ifc->vrrp;
		const struct gwcheck_cfg *g = &ifc->gwcheck;

		if (!ifc->kind)
			continue;
		check_interval(vc, ifc->name, c,
			       is_own(&c->version, &m->vrrp.version) ||
				       is_own(&c->advert_interval, &m->vrrp.advert_interval));
		check_priority(vc, ifc->name, c,
			       is_own(&c->priority.preferred, &m->vrrp.priority.preferred) ||
				       is_own(&c->priority.other, &m->vrrp.priority.other));
		check_gwcheck(vc, ifc->name, g,
			      is_own(&g->timeout, &m->gwcheck.timeout) ||
				      is_own(&g->interval, &m->gwcheck.interval));
		check_v2_ipv6(vc, ifc);
	}
}
