/* Instance specs: built from the model for this node, compared across a
 * reload, and applied as a difference (DESIGN 3: a reload moves no VIP
 * whose instance did not change). Also the start-up sweep of leftover
 * VIPs. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/vip.h"
#include "plan/live.h"

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

/* ---- apply ---- */

struct apply_stats {
	size_t unchanged, started, restarted, stopped, vips_updated, failed;
};

static void start_new(struct vrrp_rt *rt, struct vrrp_inst_spec *spec, struct vrrp_inst **keep,
		      size_t *n_keep, struct apply_stats *st)
{
	struct vrrp_inst *inst = rt_inst_new(rt, spec);

	if (!inst) {
		vrrp_rt_log(rt, VRRP_RT_LOG_ERR, "[vr %s] cannot create: out of memory",
			    spec->name);
		st->failed++;
		return;
	}
	keep[(*n_keep)++] = inst;
	rt_inst_start(inst);
}

/* Matches the running instance against specs; returns the matching spec's
 * index (marked used) or -1. */
static long match(struct vrrp_inst *inst, struct vrrp_inst_spec *specs, bool *used, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!used[i] && rt_spec_same_key(&inst->spec, &specs[i])) {
			used[i] = true;
			return (long)i;
		}
	return -1;
}

/* First pass: running instances. Returns false if a changed spec must start. */
static void diff_running(struct vrrp_rt *rt, struct vrrp_inst_spec *specs, size_t n, bool *used,
			 bool *restart, struct vrrp_inst **keep, size_t *n_keep,
			 struct apply_stats *st)
{
	for (size_t i = 0; i < rt->n_insts; i++) {
		struct vrrp_inst *inst = rt->insts[i];
		long j = match(inst, specs, used, n);

		if (j >= 0 && rt_spec_same_params(&inst->spec, &specs[j])) {
			if (!rt_spec_same_vips(&inst->spec, &specs[j])) {
				rt_inst_update_vips(inst, &specs[j]);
				st->vips_updated++;
			} else {
				st->unchanged++;
			}
			keep[(*n_keep)++] = inst;
			continue;
		}
		vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "%s by the new configuration",
			      j >= 0 ? "changed" : "removed");
		rt_inst_stop(inst);
		rt_inst_free(inst);
		if (j >= 0)
			restart[j] = true;
		else
			st->stopped++;
	}
}

void vrrp_rt_apply(struct vrrp_rt *rt, struct vrrp_inst_spec *specs, size_t n)
{
	size_t cap = rt->n_insts + n, n_keep = 0;
	struct vrrp_inst **keep = calloc(cap ? cap : 1, sizeof(*keep));
	bool *used = calloc(n ? n : 1, sizeof(bool));
	bool *restart = calloc(n ? n : 1, sizeof(bool));
	struct apply_stats st = {0};

	if (!keep || !used || !restart) {
		vrrp_rt_log(rt, VRRP_RT_LOG_ERR, "applying configuration: out of memory");
		free(keep);
		free(used);
		free(restart);
		return;
	}
	diff_running(rt, specs, n, used, restart, keep, &n_keep, &st);
	free(rt->insts);
	rt->insts = keep;
	rt->n_insts = n_keep;
	for (size_t i = 0; i < n; i++) {
		if (used[i] && !restart[i])
			continue;
		start_new(rt, &specs[i], rt->insts, &rt->n_insts, &st);
		if (restart[i])
			st.restarted++;
		else
			st.started++;
	}
	vrrp_rt_log(rt, VRRP_RT_LOG_INFO,
		    "configuration applied: %zu instances (%zu unchanged, %zu VIP lists updated, "
		    "%zu started, %zu restarted, %zu stopped%s)",
		    rt->n_insts, st.unchanged, st.vips_updated, st.started, st.restarted,
		    st.stopped, st.failed ? ", some failed" : "");
	free(used);
	free(restart);
}

/* ---- leftovers ---- */

static bool is_config_vip(const struct vrrp_inst_spec *specs, size_t n, const char *netns,
			  const char *ifname, const struct ip_addr *a)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(specs[i].netns, netns) != 0 || strcmp(specs[i].ifname, ifname) != 0)
			continue;
		for (size_t k = 0; k < specs[i].n_vips; k++)
			if (ip_equal(&specs[i].vips[k], a))
				return true;
	}
	return false;
}

static int sweep_iface(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n,
		       const struct vrrp_inst_spec *sp)
{
	int err = 0, ifindex, removed = 0;
	struct nl_sock *nl = rt_nl(rt, sp->netns, &err);
	struct vip_found *f = NULL;
	size_t nf = 0;
	char a[IP_STR_MAX];

	if (!nl)
		return 0;
	if (rt_ns_enter(rt, sp->netns) == 0) {
		ifindex = (int)if_nametoindex(sp->ifname);
		rt_ns_leave(rt, sp->netns);
		if (ifindex > 0 && vip_list(nl, ifindex, &f, &nf) == 0) {
			for (size_t i = 0; i < nf; i++) {
				if (f[i].proto != VIPD_ADDR_PROTO_VIP &&
				    !is_config_vip(specs, n, sp->netns, sp->ifname, &f[i].addr))
					continue;
				err = vip_del(nl, ifindex, &f[i].addr);
				vrrp_rt_log(
				    rt, err ? VRRP_RT_LOG_ERR : VRRP_RT_LOG_INFO,
				    "[if %s] left-over VIP %s %s%s%s", sp->ifname,
				    ip_ntop_prefix(&f[i].addr, a),
				    err ? "not removed: " : "removed", err ? strerror(-err) : "",
				    f[i].proto == VIPD_ADDR_PROTO_VIP ? " (tagged vipd)" : "");
				removed += err == 0;
			}
			free(f);
		}
	}
	return removed;
}

int vrrp_rt_remove_leftovers(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n)
{
	int removed = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(specs[j].netns, specs[i].netns) == 0 &&
			       strcmp(specs[j].ifname, specs[i].ifname) == 0;
		if (!seen)
			removed += sweep_iface(rt, specs, n, &specs[i]);
	}
	return removed;
}
