/* Instance specs: built from the node record, compared across a reload,
 * freed. Applying the difference is runtime.c's; this file calls
 * no other runtime file. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vrrp_inst_spec_set_names(struct vrrp_inst_spec *s, const char *name, const char *ifname,
			     const char *advert_ifname, const char *netns, const char *vmac_ifname)
{
	const char *in[] = {name, ifname, advert_ifname, netns, vmac_ifname};
	const char **out[] = {&s->name, &s->ifname, &s->advert_ifname, &s->netns, &s->vmac_ifname};
	const size_t cap[] = {VRRP_RT_NAME_MAX, VRRP_RT_IFNAME_MAX, VRRP_RT_IFNAME_MAX,
			      VRRP_RT_NETNS_MAX, VRRP_RT_IFNAME_MAX};
	size_t len[5], total = 0;
	char *block, *at;

	for (size_t i = 0; i < 5; i++) {
		len[i] = in[i] ? strnlen(in[i], cap[i] - 1) : 0;
		total += len[i] + 1;
	}
	block = malloc(total);
	if (!block)
		return -ENOMEM;
	at = block;
	for (size_t i = 0; i < 5; i++) {
		if (len[i])
			memcpy(at, in[i], len[i]);
		at[len[i]] = '\0';
		*out[i] = at;
		at += len[i] + 1;
	}
	free(s->names);
	s->names = block;
	return 0;
}

static int spec_fill(const struct node_inst *ni, size_t index, struct vrrp_inst_spec *s)
{
	memset(s, 0, sizeof(*s));
	if (vrrp_inst_spec_set_names(s, ni->name, ni->ifname, ni->advert_ifname, ni->netns,
				     ni->vmac_ifname) < 0)
		return -ENOMEM;
	if (ni->vmac_ifname)
		memcpy(s->vmac, ni->vmac, sizeof(s->vmac));
	s->slot = ni->slot;
	s->family = ni->family;
	s->method = ni->method;
	s->vrid = ni->vrid;
	s->unicast = ni->unicast;
	s->packet_socket = ni->packet_socket;
	s->fsm.version = ni->version;
	s->fsm.priority = ni->priority;
	s->fsm.advert_interval_ms = ni->advert_interval_ms;
	s->fsm.preempt = ni->preempt;
	s->fsm.preempt_delay_ms = ni->preempt_delay_ms;
	s->fsm.own_addr = ni->own;
	s->fsm.single_peer = s->unicast;
	s->fsm.link_settle_ms = MODEL_LINK_SETTLE_MS;
	s->peer = ni->peer;
	s->garp_count = ni->garp_count;
	s->garp_interval_ms = ni->garp_interval_ms;
	s->garp_refresh_ms = ni->garp_refresh_ms;
	s->record_index = index;
	/* the runtime owns its copy: it moves the list from spec to spec */
	s->vips = calloc(ni->n_vips ? ni->n_vips : 1, sizeof(*s->vips));
	if (!s->vips) {
		rt_spec_done(s);
		return -ENOMEM;
	}
	memcpy(s->vips, ni->vips, ni->n_vips * sizeof(*s->vips));
	s->n_vips = ni->n_vips;
	return 0;
}

int vrrp_rt_specs_from_record(const struct node_record *r, struct vrrp_inst_spec **out, size_t *n)
{
	struct vrrp_inst_spec *v = calloc(r->n_insts ? r->n_insts : 1, sizeof(*v));

	*out = NULL;
	*n = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_insts; i++) {
		if (spec_fill(&r->insts[i], i, &v[i]) < 0) {
			vrrp_rt_specs_free(v, i);
			return -ENOMEM;
		}
	}
	*out = v;
	*n = r->n_insts;
	return 0;
}

void rt_spec_done(struct vrrp_inst_spec *s)
{
	free(s->vips);
	s->vips = NULL;
	s->n_vips = 0;
	free(s->names);
	s->names = NULL;
	s->name = s->ifname = s->advert_ifname = s->netns = s->vmac_ifname = "";
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
	       a->vrid == b->vrid && a->unicast == b->unicast &&
	       a->packet_socket == b->packet_socket && x->version == y->version &&
	       x->priority == y->priority && x->advert_interval_ms == y->advert_interval_ms &&
	       x->preempt == y->preempt && x->preempt_delay_ms == y->preempt_delay_ms &&
	       x->single_peer == y->single_peer && addr_same(&x->own_addr, &y->own_addr) &&
	       addr_same(&a->peer, &b->peer) && a->garp_count == b->garp_count &&
	       a->garp_interval_ms == b->garp_interval_ms &&
	       a->garp_refresh_ms == b->garp_refresh_ms &&
	       strcmp(a->vmac_ifname, b->vmac_ifname) == 0;
}

bool rt_spec_same_vmac(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b)
{
	return a->vmac_ifname[0] && strcmp(a->vmac_ifname, b->vmac_ifname) == 0 &&
	       strcmp(a->netns, b->netns) == 0 && strcmp(a->ifname, b->ifname) == 0 &&
	       memcmp(a->vmac, b->vmac, sizeof(a->vmac)) == 0;
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
