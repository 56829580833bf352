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

/* Where a value that takes part in an error came from, so that a message
 * at one value can name the other: "" when written at the checked place,
 * " (from cluster.vrrp, line 4)" when inherited, " (default)" otherwise.
 * cluster is NULL when the checked place is the cluster itself. */
static const char *origin(const struct u32_val *v, const struct u32_val *cluster,
			  const char *section, char *buf, size_t len)
{
	if (!v->set)
		snprintf(buf, len, " (default)");
	else if (!cluster || is_own(v, cluster))
		buf[0] = '\0';
	else
		snprintf(buf, len, " (from cluster.%s, line %d)", section, v->pos.line);
	return buf;
}

struct vrrp_check {
	const char *ctx;	   /* "cluster.vrrp" or the interface name */
	const struct vrrp_cfg *c;  /* the values in force */
	const struct vrrp_cfg *cl; /* the cluster's, NULL when checking the cluster */
	const struct gwcheck_cfg *g;
	const struct gwcheck_cfg *gcl;
};

static bool own(const struct vrrp_check *k, const struct u32_val *v, const struct u32_val *cl)
{
	return k->cl ? is_own(v, cl) : v->set;
}

static void check_interval(struct validate_ctx *vc, const struct vrrp_check *k)
{
	const struct vrrp_cfg *c = k->c;
	const struct u32_val *iv = &c->advert_interval;
	const struct u32_val *cl_iv = k->cl ? &k->cl->advert_interval : NULL;
	const struct u32_val *cl_ver = k->cl ? &k->cl->version : NULL;
	bool own_iv = own(k, iv, cl_iv), own_ver = own(k, &c->version, cl_ver);
	bool v2_bad = c->version.v == 2 && (iv->v < 1000 || iv->v % 1000);
	char t[32], from[64];

	if (!own_iv && !own_ver)
		return; /* reported where both were written */
	model_fmt_duration(iv->v, t);
	if (c->version.v == 3 && iv->v > 40950)
		diag_error(
		    vc->dl, own_iv ? iv->pos : c->version.pos,
		    "%s: advert_interval %s%s out of range for VRRP version 3 (10ms..40950ms "
		    "in 10ms steps)",
		    k->ctx, t, origin(iv, cl_iv, "vrrp", from, sizeof(from)));
	if (v2_bad && own_iv)
		diag_error(vc->dl, iv->pos,
			   "%s: advert_interval %s is not valid for VRRP version 2%s (1s..255s in "
			   "whole seconds; sub-second adverts need version 3)",
			   k->ctx, t, origin(&c->version, cl_ver, "vrrp", from, sizeof(from)));
	else if (v2_bad)
		diag_error(
		    vc->dl, c->version.pos,
		    "%s: VRRP version 2 needs advert_interval in whole seconds (1s..255s), but "
		    "%s inherits %s%s",
		    k->ctx, k->ctx, t, origin(iv, cl_iv, "vrrp", from, sizeof(from)));
}

static void check_priority(struct validate_ctx *vc, const struct vrrp_check *k)
{
	const struct priority_cfg *p = &k->c->priority;
	const struct priority_cfg *cp = k->cl ? &k->cl->priority : NULL;
	bool own_pref = own(k, &p->preferred, cp ? &cp->preferred : NULL);
	bool own_other = own(k, &p->other, cp ? &cp->other : NULL);
	char a[64], b[64];

	if ((!own_pref && !own_other) || p->preferred.v > p->other.v)
		return;
	diag_error(vc->dl, own_pref ? p->preferred.pos : p->other.pos,
		   "%s: priority preferred %u%s must be above other %u%s, or the slots would not "
		   "prefer a node",
		   k->ctx, p->preferred.v,
		   origin(&p->preferred, cp ? &cp->preferred : NULL, "vrrp", a, sizeof(a)),
		   p->other.v, origin(&p->other, cp ? &cp->other : NULL, "vrrp", b, sizeof(b)));
}

/* An unwritten timeout is 80% of the interval in force (the loader sets it),
 * so only a written one can exceed its interval: it is kept wherever it was
 * written and checked against the interval in force at each place. When the
 * interface shortens the interval under a timeout it inherits, the error is
 * at the interval, the value written there, and says how to mend it. */
static void check_gwcheck(struct validate_ctx *vc, const struct vrrp_check *k)
{
	const struct gwcheck_cfg *g = k->g, *cg = k->gcl;
	bool own_to = own(k, &g->timeout, cg ? &cg->timeout : NULL);
	bool own_iv = own(k, &g->interval, cg ? &cg->interval : NULL);
	char a[64], b[64], t[32], i[32], hint[160] = "";

	if ((!own_to && !own_iv) || g->timeout.v <= g->interval.v)
		return;
	if (!own_to && g->timeout.set)
		snprintf(
		    hint, sizeof(hint),
		    " (write %s's own gateway_check.timeout, or none in cluster.gateway_check: "
		    "an unwritten timeout is 80%% of the interval)",
		    k->ctx);
	diag_error(
	    vc->dl, own_to ? g->timeout.pos : g->interval.pos,
	    "%s: gateway_check timeout %s%s exceeds its interval %s%s; a probe must time out "
	    "within its interval%s",
	    k->ctx, model_fmt_duration(g->timeout.v, t),
	    origin(&g->timeout, cg ? &cg->timeout : NULL, "gateway_check", a, sizeof(a)),
	    model_fmt_duration(g->interval.v, i),
	    origin(&g->interval, cg ? &cg->interval : NULL, "gateway_check", b, sizeof(b)), hint);
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

/* vrrp.via: the target carries the adverts, so it must be an interface
 * with layer 3 in the same namespace. Whether it has a communication pair
 * of each family with VIPs is checked with the addresses. */
static void check_via(struct validate_ctx *vc, struct iface *ifc)
{
	const struct str_val *via = &ifc->vrrp.via;
	const struct iface *t, *master;
	char a[96], b[96];
	long idx = validate_ref(vc, ifc, "vrrp.via", via->v, via->pos);

	if (idx < 0)
		return;
	t = &vc->m->ifaces[idx];
	if (t->master_idx >= 0) {
		master = &vc->m->ifaces[t->master_idx];
		diag_error(vc->dl, via->pos,
			   "%s: vrrp.via %s is a port of %s %s; a port has no addresses to "
			   "advertise from (use %s, or an interface on it)",
			   ifc->name, t->name, master->kind->name, master->name, master->name);
	} else if (t->vrrp.via.v) {
		diag_error(vc->dl, via->pos,
			   "%s: vrrp.via %s sends its own adverts via %s; name the interface that "
			   "carries them (via does not chain)",
			   ifc->name, t->name, t->vrrp.via.v);
	} else if (!validate_same_ns(t->netns.v, ifc->netns.v)) {
		diag_error(vc->dl, via->pos,
			   "%s: vrrp.via %s lives in %s but %s lives in %s; the adverts must leave "
			   "from the VIPs' namespace",
			   ifc->name, t->name, validate_ns_text(t->netns.v, a, sizeof(a)),
			   ifc->name, validate_ns_text(ifc->netns.v, b, sizeof(b)));
	} else {
		ifc->via_idx = idx;
	}
}

void validate_via(struct validate_ctx *vc)
{
	for (size_t i = 0; i < vc->m->n_ifaces; i++) {
		struct iface *ifc = &vc->m->ifaces[i];

		if (ifc->kind && ifc->vrrp.via.v)
			check_via(vc, ifc);
	}
}

void validate_vrrp(struct validate_ctx *vc)
{
	const struct model *m = vc->m;
	struct vrrp_check k = {.ctx = "cluster.vrrp", .c = &m->vrrp, .g = &m->gwcheck};

	check_interval(vc, &k);
	check_priority(vc, &k);
	k.ctx = "cluster";
	check_gwcheck(vc, &k);
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];

		if (!ifc->kind)
			continue;
		k = (struct vrrp_check){.ctx = ifc->name,
					.c = &ifc->vrrp,
					.cl = &m->vrrp,
					.g = &ifc->gwcheck,
					.gcl = &m->gwcheck};
		check_interval(vc, &k);
		check_priority(vc, &k);
		check_gwcheck(vc, &k);
		check_v2_ipv6(vc, ifc);
	}
}
