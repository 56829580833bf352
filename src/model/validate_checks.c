/* Issue 13's references: vrrp.track names against checks:, sync group
 * members against the compiled instances, and the warnings of a track
 * that cannot do what it is written for (docs/checks.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/keys.h"
#include "model/validate.h"

/* ---- vrrp.track ---- */

static const char *nearest_check(const struct model *m, const char *name)
{
	const char *best = NULL;
	unsigned best_d = strlen(name) <= 4 ? 2 : 3;

	for (size_t i = 0; i < m->n_checks; i++) {
		unsigned d = keys_edit_distance(name, m->checks[i].name);

		if (d < best_d) {
			best_d = d;
			best = m->checks[i].name;
		}
	}
	return best;
}

/* Returns false when a name is unknown (reported). */
static bool resolve_list(struct validate_ctx *vc, struct track_list *tl, const char *ctx)
{
	struct model *m = vc->m;
	bool ok = true;

	for (size_t i = 0; i < tl->n; i++) {
		struct track_ref *r = &tl->v[i];
		const char *near;

		if (strmap_get(&m->by_check, r->name, &r->check)) {
			r->resolved = true;
			continue;
		}
		ok = false;
		near = nearest_check(m, r->name);
		if (near)
			diag_error(vc->dl, r->pos,
				   "%s: track: no check named '%s' under checks: (did you mean "
				   "'%s'?)",
				   ctx, r->name, near);
		else if (m->n_checks)
			diag_error(vc->dl, r->pos,
				   "%s: track: no check named '%s' under checks:", ctx, r->name);
		else
			diag_error(
			    vc->dl, r->pos,
			    "%s: track: no check named '%s': the file has no checks: section", ctx,
			    r->name);
	}
	return ok;
}

/* A list an interface wrote itself, not the cluster's it inherited. */
static bool own_list(const struct model *m, const struct iface *ifc)
{
	return ifc->vrrp.track.set && ifc->vrrp.track.v != m->vrrp.track.v;
}

/* A check that no list in force tracks still runs and is reported in
 * status, events and metrics, but it moves no VIP: more often a forgotten
 * track than a wish, so it is a warning. */
static void warn_untracked(struct validate_ctx *vc)
{
	struct model *m = vc->m;
	bool *tracked;

	if (!m->n_checks)
		return;
	tracked = calloc(m->n_checks, sizeof(*tracked));
	if (!tracked)
		abort();
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct track_list *tl = &m->ifaces[i].vrrp.track;

		for (size_t j = 0; j < tl->n; j++)
			if (tl->v[j].resolved)
				tracked[tl->v[j].check] = true;
	}
	for (size_t i = 0; i < m->n_checks; i++)
		if (!tracked[i])
			diag_warning(vc->dl, m->checks[i].pos,
				     "checks.%s: no interface's vrrp.track names it; it runs and "
				     "is reported, but moves no VIP",
				     m->checks[i].name);
	free(tracked);
}

void validate_tracks(struct validate_ctx *vc)
{
	struct model *m = vc->m;
	char ctx[64];
	bool ok = resolve_list(vc, &m->vrrp.track, "cluster.vrrp");

	for (size_t i = 0; i < m->n_ifaces; i++) {
		struct iface *ifc = &m->ifaces[i];

		if (!own_list(m, ifc))
			continue;
		snprintf(ctx, sizeof(ctx), "%s.vrrp", ifc->name);
		ok = resolve_list(vc, &ifc->vrrp.track, ctx) && ok;
	}
	/* a misspelt name leaves its check untracked: one message is enough */
	if (ok)
		warn_untracked(vc);
}

/* ---- sync groups ---- */

static bool member_matches(const struct model *m, const struct group_member *gm,
			   const struct vrrp_instance *vi)
{
	if (gm->iface && strcmp(m->ifaces[vi->iface].name, gm->iface) != 0)
		return false;
	return vi->slot == gm->slot && (!gm->family || (int)vi->family == gm->family);
}

static const char *nearest_iface(const struct model *m, const char *name)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (size_t i = 0; i < m->n_ifaces; i++) {
		unsigned d = keys_edit_distance(name, m->ifaces[i].name);

		if (d < best_d) {
			best_d = d;
			best = m->ifaces[i].name;
		}
	}
	return best;
}

/* Who holds an instance: its group and the member that put it there. */
struct holder {
	long group;
	const struct group_member *by;
};

static void report_twice(struct model *m, struct diag_list *dl, const struct sync_group *g,
			 const struct group_member *gm, const struct vrrp_instance *vi,
			 const struct holder *h)
{
	const struct sync_group *other = &m->groups[h->group];

	diag_error(dl, gm->pos,
		   "sync_groups.%s: member '%s': instance %s is already in sync group %s (member "
		   "'%s' at %d:%d); an instance is in at most one group",
		   g->name, gm->text, vi->name, other->name, h->by->text, h->by->pos.line,
		   h->by->pos.col);
	diag_error(dl, h->by->pos,
		   "sync_groups.%s: member '%s': instance %s is also in sync group %s (member "
		   "'%s' at %d:%d); an instance is in at most one group",
		   other->name, h->by->text, vi->name, g->name, gm->text, gm->pos.line,
		   gm->pos.col);
}

static void no_match(struct model *m, struct diag_list *dl, const struct sync_group *g,
		     const struct group_member *gm)
{
	const char *near;

	if (gm->iface && model_iface_index(m, gm->iface) < 0) {
		near = nearest_iface(m, gm->iface);
		diag_error(dl, gm->pos,
			   "sync_groups.%s: member '%s': interface %s is not defined under "
			   "interfaces%s%s%s",
			   g->name, gm->text, gm->iface, near ? " (did you mean '" : "",
			   near ? near : "", near ? "'?)" : "");
		return;
	}
	diag_error(dl, gm->pos,
		   "sync_groups.%s: member '%s' matches no VRRP instance (no %s VIPs%s%s on %s)",
		   g->name, gm->text, vip_slot_name(gm->slot), gm->family ? " of " : "",
		   gm->family ? ip_family_name((enum ip_family)gm->family) : "",
		   gm->iface ? gm->iface : "any interface");
}

static void link_member(struct model *m, struct diag_list *dl, size_t gi,
			const struct group_member *gm, struct holder *held)
{
	struct sync_group *g = &m->groups[gi];
	bool matched = false, reported = false;

	for (size_t k = 0; k < m->n_instances; k++) {
		struct vrrp_instance *vi = &m->instances[k];

		if (!member_matches(m, gm, vi))
			continue;
		matched = true;
		if (held[k].group == (long)gi)
			continue; /* two members of one group naming it: harmless */
		if (held[k].group >= 0) {
			if (!reported)
				report_twice(m, dl, g, gm, vi, &held[k]);
			reported = true;
			continue;
		}
		held[k].group = (long)gi;
		held[k].by = gm;
		vi->sync_group = (long)gi;
		g->members[g->n_members++] = k;
	}
	if (!matched)
		no_match(m, dl, g, gm);
}

/* ---- weights that cannot move a VIP ---- */

static void warn_weights(struct model *m, struct diag_list *dl, const struct iface *ifc,
			 bool *warned_cluster)
{
	const struct track_list *tl = &ifc->vrrp.track;
	bool cluster = !own_list(m, ifc);
	uint32_t pref = ifc->vrrp.priority.preferred.v, other = ifc->vrrp.priority.other.v;
	uint32_t gap = pref > other ? pref - other : 0;
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "%s.vrrp", cluster ? "cluster" : ifc->name);
	for (size_t i = 0; i < tl->n; i++) {
		const struct track_ref *r = &tl->v[i];
		uint32_t w = (uint32_t)(r->weight < 0 ? -r->weight : r->weight);

		if (!r->has_weight || (cluster && warned_cluster[i]))
			continue;
		if (!ifc->vrrp.preempt.v)
			diag_warning(dl, r->weight_pos,
				     "%s: track: the weight of check %s can never move the VIPs of "
				     "%s: preempt is false there, so the other node never takes "
				     "over from a master whose priority dropped",
				     ctx, r->name, ifc->name);
		else if (w < gap)
			diag_warning(dl, r->weight_pos,
				     "%s: track: weight %d of check %s can never move the VIPs of "
				     "%s: its priorities %u and %u differ by %u (write a weight "
				     "beyond that, or the bare name to resign)",
				     ctx, (int)r->weight, r->name, ifc->name, pref, other, gap);
		else
			continue;
		if (cluster)
			warned_cluster[i] = true;
	}
}

void model_link_groups(struct model *m, struct diag_list *dl)
{
	struct holder *held = calloc(m->n_instances ? m->n_instances : 1, sizeof(*held));
	bool *warned = calloc(m->vrrp.track.n ? m->vrrp.track.n : 1, sizeof(*warned));
	bool *seen = calloc(m->n_ifaces ? m->n_ifaces : 1, sizeof(*seen));

	if (!held || !warned || !seen)
		abort();
	for (size_t k = 0; k < m->n_instances; k++) {
		struct vrrp_instance *vi = &m->instances[k];

		vi->sync_group = -1;
		vi->track = &m->ifaces[vi->iface].vrrp.track;
		held[k].group = -1;
		if (!seen[vi->iface])
			warn_weights(m, dl, &m->ifaces[vi->iface], warned);
		seen[vi->iface] = true;
	}
	for (size_t gi = 0; gi < m->n_groups; gi++) {
		struct sync_group *g = &m->groups[gi];

		g->members = arena_alloc(&m->arena, (m->n_instances ? m->n_instances : 1) *
							sizeof(*g->members));
		for (size_t j = 0; j < g->n_written; j++)
			link_member(m, dl, gi, &g->written[j], held);
	}
	free(held);
	free(warned);
	free(seen);
}
