/* Instance specs: built from the model for this node, compared across a
 * reload, freed. Applying the difference is runtime.c's; this file calls
 * no other runtime file. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void host_plen(struct ip_addr *a)
{
	a->plen = a->family == IP_V4 ? 32 : 128;
}

static int spec_fill(const struct model *m, const struct vrrp_instance *vi, int node,
		     struct vrrp_inst_spec *s)
{
	const struct iface *ifc = &m->ifaces[vi->iface];
	const struct iface *adv = &m->ifaces[vi->advert_iface];
	const char *ns = model_iface_netns(m, ifc);

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", vi->name);
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifc->name);
	snprintf(s->advert_ifname, sizeof(s->advert_ifname), "%s", adv->name);
	snprintf(s->netns, sizeof(s->netns), "%s", ns ? ns : "");
	s->slot = vi->slot;
	s->family = vi->family;
	s->method = vi->method;
	s->vrid = vi->vrid;
	s->unicast = ifc->vrrp.unicast.v;
	s->fsm.version = (uint8_t)ifc->vrrp.version.v;
	s->fsm.priority = vi->priority[node];
	s->fsm.advert_interval_ms = ifc->vrrp.advert_interval.v;
	s->fsm.preempt = ifc->vrrp.preempt.v;
	s->fsm.preempt_delay_ms = ifc->vrrp.preempt_delay.v;
	s->fsm.own_addr = vi->addr[node];
	s->fsm.single_peer = s->unicast;
	s->fsm.link_settle_ms = MODEL_LINK_SETTLE_MS;
	host_plen(&s->fsm.own_addr);
	s->peer = vi->addr[1 - node];
	host_plen(&s->peer);
	s->garp_count = m->garp.count.v;
	s->garp_interval_ms = m->garp.interval.v;
	s->garp_refresh_ms = m->garp.refresh.v;
	s->vips = calloc(vi->n_vips ? vi->n_vips : 1, sizeof(*s->vips));
	if (!s->vips)
		return -ENOMEM;
	for (size_t i = 0; i < vi->n_vips; i++)
		s->vips[i] = ifc->vips[vi->vips[i]].addr;
	s->n_vips = vi->n_vips;
	return 0;
}

int vrrp_rt_specs_from_model(const struct model *m, int node, struct vrrp_inst_spec **out,
			     size_t *n)
{
	struct vrrp_inst_spec *v = calloc(m->n_instances ? m->n_instances : 1, sizeof(*v));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_instances; i++) {
		if (!m->instances[i].has_pair || m->instances[i].n_vips == 0)
			continue;
		if (spec_fill(m, &m->instances[i], node, &v[k]) < 0) {
			vrrp_rt_specs_free(v, k);
			return -ENOMEM;
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

void rt_spec_done(struct vrrp_inst_spec *s)
{
	free(s->vips);
	s->vips = NULL;
	s->n_vips = 0;
}

void vrrp_rt_specs_free(struct vrrp_inst_spec *specs, size_t n)
{
	for (size_t i = 0; specs && i < n; i++)
		rt_spec_done(&specs[i]);
	free(specs);
}

bool rt_spec_same_key(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b)
{
	return strcmp(a->ifname, b->ifname) == 0 && a->slot == b->slot && a->family == b->family &&
	       a->method == b->method;
}

static bool addr_same(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && a->plen == b->plen && (a->family == 0 || ip_equal(a, b));
}

bool rt_spec_same_params(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b)
{
	const struct vrrp_fsm_cfg *x = &a->fsm, *y = &b->fsm;

	return strcmp(a->netns, b->netns) == 0 && strcmp(a->advert_ifname, b->advert_ifname) == 0 &&
	       a->vrid == b->vrid && a->unicast == b->unicast && x->version == y->version &&
	       x->priority == y->priority && x->advert_interval_ms == y->advert_interval_ms &&
	       x->preempt == y->preempt && x->preempt_delay_ms == y->preempt_delay_ms &&
	       x->single_peer == y->single_peer && addr_same(&x->own_addr, &y->own_addr) &&
	       addr_same(&a->peer, &b->peer) && a->garp_count == b->garp_count &&
	       a->garp_interval_ms == b->garp_interval_ms &&
	       a->garp_refresh_ms == b->garp_refresh_ms;
}

bool rt_spec_same_vips(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b)
{
	if (a->n_vips != b->n_vips)
		return false;
	for (size_t i = 0; i < a->n_vips; i++)
		if (!addr_same(&a->vips[i], &b->vips[i]))
			return false;
	return true;
}
