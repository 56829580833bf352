/* The VIP side of an interface: its index (VIPs are added there), its MAC
 * and a send-only packet socket (GARP/NA), shared by every instance whose
 * VIPs live on it, whatever interface carries their adverts (vrrp.via).
 * The environment (runtime_env.h) opens and closes them. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The VIP side of an instance: its own macvlan with vrrp.virtual_mac,
 * else its interface (shared). */
static const char *vside_ifname(const struct vrrp_inst_spec *sp)
{
	return sp->vmac_ifname[0] ? sp->vmac_ifname : sp->ifname;
}

static void vside_close(struct vrrp_rt_vside *v)
{
	if (v->io)
		v->rt->env->vside_close(v->rt->env_ctx, v);
	free(v);
}

/* The instance is gone: its macvlan goes with it (docs/vmac.md). */
static void vside_remove(struct vrrp_rt_vside *v)
{
	if (v->parent[0] && v->io) {
		vrrp_rt_log(v->rt, VRRP_RT_LOG_INFO, "[%s] removing the virtual MAC link",
			    v->ifname);
		v->rt->env->vmac_delete(v->rt->env_ctx, v);
	}
	vside_close(v);
}

static struct vrrp_rt_vside *vside_open(struct vrrp_rt *rt, const struct vrrp_inst_spec *sp,
					int *err)
{
	struct vrrp_rt_vside *v = calloc(1, sizeof(*v));

	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	v->rt = rt;
	snprintf(v->ifname, sizeof(v->ifname), "%s", vside_ifname(sp));
	snprintf(v->netns, sizeof(v->netns), "%s", sp->netns);
	if (sp->vmac_ifname[0]) {
		snprintf(v->parent, sizeof(v->parent), "%s", sp->ifname);
		memcpy(v->vmac, sp->vmac, sizeof(v->vmac));
		v->family = sp->family;
	}
	*err = rt->env->vside_open(rt->env_ctx, v);
	if (*err) {
		vside_close(v);
		return NULL;
	}
	v->has_link_local = rt_find_link_local(rt, v->netns, v->ifindex, &v->link_local);
	return v;
}

static struct vrrp_rt_vside *vside_find(struct vrrp_rt *rt, const struct vrrp_inst_spec *sp)
{
	for (size_t i = 0; i < rt->n_vsides; i++) {
		struct vrrp_rt_vside *v = rt->vsides[i];

		if (strcmp(v->ifname, vside_ifname(sp)) == 0 && strcmp(v->netns, sp->netns) == 0)
			return v;
	}
	return NULL;
}

struct vrrp_rt_vside *rt_vside_attach(struct vrrp_inst *inst, int *err)
{
	struct vrrp_rt *rt = inst->rt;
	struct vrrp_rt_vside *v = vside_find(rt, &inst->spec), **nv;

	if (!v) {
		nv = realloc(rt->vsides, (rt->n_vsides + 1) * sizeof(*nv));
		if (!nv) {
			*err = -ENOMEM;
			return NULL;
		}
		rt->vsides = nv;
		v = vside_open(rt, &inst->spec, err);
		if (!v)
			return NULL;
		rt->vsides[rt->n_vsides++] = v;
	}
	v->refs++;
	inst->vside = v;
	return v;
}

static void detach(struct vrrp_inst *inst, bool remove)
{
	struct vrrp_rt_vside *v = inst->vside;
	struct vrrp_rt *rt = inst->rt;

	if (!v)
		return;
	inst->vside = NULL;
	if (--v->refs > 0)
		return;
	for (size_t i = 0; i < rt->n_vsides; i++) {
		if (rt->vsides[i] == v) {
			rt->vsides[i] = rt->vsides[--rt->n_vsides];
			break;
		}
	}
	if (remove)
		vside_remove(v);
	else
		vside_close(v);
}

void rt_vside_detach(struct vrrp_inst *inst)
{
	detach(inst, false);
}

void rt_vside_release(struct vrrp_inst *inst)
{
	detach(inst, true);
}

/* RFC 4861 7.2.6: an unsolicited NA comes from the interface's link-local
 * address. Right after the link came up it may still be tentative (DAD):
 * it is looked up again on each use until found, the VIP standing in. */
const struct ip_addr *rt_vside_na_source(struct vrrp_rt_vside *v, const struct ip_addr *vip)
{
	if (!v->has_link_local)
		v->has_link_local = rt_find_link_local(v->rt, v->netns, v->ifindex, &v->link_local);
	return v->has_link_local ? &v->link_local : vip;
}

int rt_vside_reopen(struct vrrp_rt_vside *v)
{
	struct vrrp_rt *rt = v->rt;
	int rc;

	if (v->io)
		rt->env->vside_close(rt->env_ctx, v);
	v->io = NULL;
	v->up = false;
	v->has_link_local = false;
	rc = rt->env->vside_open(rt->env_ctx, v);
	if (rc < 0) {
		v->io = NULL;
		vrrp_rt_log(rt, VRRP_RT_LOG_ERR, "[%s] making the virtual MAC link again: %s",
			    v->ifname, strerror(-rc));
		return rc;
	}
	vrrp_rt_log(rt, VRRP_RT_LOG_INFO, "[%s] virtual MAC link made again", v->ifname);
	return 0;
}

int rt_vside_set_up(struct vrrp_rt_vside *v, bool up)
{
	int rc;

	if (!v || !v->parent[0] || v->up == up)
		return 0;
	/* a link someone deleted (or one that could not be made again) is
	 * made again before it is raised: a backup whose link went may still
	 * take over */
	if (up && !v->io && rt_vside_reopen(v) < 0)
		return -ENODEV;
	rc = v->rt->env->vmac_set_up(v->rt->env_ctx, v, up);
	if (rc == -ENODEV && up && rt_vside_reopen(v) == 0)
		rc = v->rt->env->vmac_set_up(v->rt->env_ctx, v, up);
	if (rc < 0) {
		vrrp_rt_log(v->rt, VRRP_RT_LOG_ERR, "[%s] setting the virtual MAC link %s: %s",
			    v->ifname, up ? "up" : "down", strerror(-rc));
		return rc;
	}
	v->up = up;
	/* a link-local address comes and goes with the link */
	v->has_link_local = false;
	return 0;
}
