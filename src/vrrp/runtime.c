/* Runtime top level: init/done, applying the specs (at start and on each
 * reload, as a difference: DESIGN 3, a reload moves no VIP whose instance
 * did not change), the start-up sweep of leftover VIPs, drain, shutdown.
 * Above every other runtime file (see runtime_internal.h). */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/vip.h"
#include "plan/live.h"

int vrrp_rt_init_env(struct vrrp_rt *rt, struct event_base *base, const struct vrrp_rt_env *env,
		     void *env_ctx)
{
	memset(rt, 0, sizeof(*rt));
	rt->base = base;
	rt->env = env;
	rt->env_ctx = env_ctx;
	rt->log_level = VRRP_RT_LOG_INFO;
	rt->rx_pkt = malloc(sizeof(*rt->rx_pkt));
	rt->tx_pkt = malloc(sizeof(*rt->tx_pkt));
	if (!rt->rx_pkt || !rt->tx_pkt || rt_log_init(rt) < 0)
		return -ENOMEM;
	return net_ctx_init(&rt->net);
}

int vrrp_rt_init(struct vrrp_rt *rt, struct event_base *base)
{
	return vrrp_rt_init_env(rt, base, &vrrp_rt_env_sys, rt);
}

void vrrp_rt_done(struct vrrp_rt *rt)
{
	for (size_t i = 0; i < rt->n_insts; i++)
		rt_inst_free(rt->insts[i]);
	free(rt->insts);
	rt->insts = NULL;
	rt->n_insts = 0;
	rt_garp_queue_done(rt);
	rt_vips_queue_done(rt);
	/* sockets and VIP sides went with their last instance */
	free(rt->socks);
	rt->socks = NULL;
	free(rt->vsides);
	rt->vsides = NULL;
	free(rt->rx_pkt);
	rt->rx_pkt = NULL;
	free(rt->tx_pkt);
	rt->tx_pkt = NULL;
	rt_env_sys_done(rt);
	net_ctx_done(&rt->net);
	rt_log_done(rt);
}

void vrrp_rt_shutdown(struct vrrp_rt *rt)
{
	for (size_t i = 0; i < rt->n_insts; i++)
		rt_inst_stop(rt->insts[i], false);
}

void vrrp_rt_set_drained(struct vrrp_rt *rt, bool drained)
{
	struct vrrp_fsm_event ev = {.type = drained ? VRRP_FSM_EV_DRAIN : VRRP_FSM_EV_UNDRAIN};

	if (rt->drained == drained)
		return;
	rt->drained = drained;
	vrrp_rt_log(rt, VRRP_RT_LOG_INFO, "%s: %zu instances", drained ? "drain" : "undrain",
		    rt->n_insts);
	for (size_t i = 0; i < rt->n_insts; i++)
		rt_inst_step(rt->insts[i], &ev);
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
		bool keep_link;

		if (j >= 0 && rt_spec_same_params(&inst->spec, &specs[j])) {
			inst->spec.record_index = specs[j].record_index;
			if (!rt_spec_same_vips(&inst->spec, &specs[j])) {
				rt_inst_update_vips(inst, &specs[j]);
				st->vips_updated++;
			} else {
				st->unchanged++;
			}
			keep[(*n_keep)++] = inst;
			continue;
		}
		/* A restart keeps the instance's virtual MAC link when the new
		 * spec names the same one (its successor adopts it, down):
		 * deleting a macvlan waits for the kernel's RCU grace periods
		 * (some 40 ms under rtnl), and a reload that restarts many
		 * would block the loop past the peer's Master_Down_Interval
		 * (chaos seed 11: eight in 300 ms). */
		keep_link = j >= 0 && rt_spec_same_vmac(&inst->spec, &specs[j]);
		vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "%s by the new configuration%s",
			      j >= 0 ? "changed" : "removed",
			      keep_link ? " (its virtual MAC link kept)" : "");
		rt_inst_stop(inst, keep_link);
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

/* Removes what was left over in netns: on every interface, every address
 * tagged VIPD_ADDR_PROTO_VIP, and on the specs' interfaces every address
 * equal to one of their VIPs. A missing namespace has nothing left over:
 * no log. */
static int sweep_netns(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n,
		       const char *netns)
{
	const struct vrrp_rt_env *env = rt->env;
	struct vip_found *f = NULL;
	size_t nf = 0;
	int removed = 0;
	/* ifname is named's: a dump lists an interface's addresses together,
	 * so the name is looked up about once per interface and family */
	char ifname[IF_NAMESIZE] = "";
	int named = 0;

	if (env->addr_list(rt->env_ctx, netns, 0, &f, &nf) < 0)
		return 0;
	for (size_t i = 0; i < nf; i++) {
		char a[IP_STR_MAX];
		bool tagged = f[i].proto == VIPD_ADDR_PROTO_VIP;
		int err;

		if (f[i].ifindex != named &&
		    env->ifname(rt->env_ctx, netns, f[i].ifindex, ifname) < 0)
			snprintf(ifname, sizeof(ifname), "#%d", f[i].ifindex);
		named = f[i].ifindex;
		if (!tagged && !is_config_vip(specs, n, netns, ifname, &f[i].addr))
			continue;
		err = env->addr_del(rt->env_ctx, netns, f[i].ifindex, &f[i].addr);
		vrrp_rt_log(rt, err ? VRRP_RT_LOG_ERR : VRRP_RT_LOG_INFO,
			    "[%s%s%sif %s] left-over VIP %s %s%s%s", *netns ? "netns " : "", netns,
			    *netns ? " " : "", ifname, ip_ntop_prefix(&f[i].addr, a),
			    err ? "not removed: " : "removed", err ? strerror(-err) : "",
			    tagged ? " (tagged vipd)" : "");
		removed += err == 0;
	}
	free(f);
	return removed;
}

static bool vmac_in_specs(const struct vrrp_inst_spec *specs, size_t n, const char *netns,
			  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(specs[i].vmac_ifname, name) == 0 && strcmp(specs[i].netns, netns) == 0)
			return true;
	return false;
}

/* The virtual MAC links a crashed run left in netns that no spec names (the
 * file dropped virtual_mac or the instance meanwhile): deleted. The specs'
 * own are adopted when their instances start. */
static void sweep_vmac_links(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n,
			     const char *netns)
{
	char names[256][VRRP_RT_IFNAME_MAX];
	size_t count = 0;

	if (!rt->env->vmac_list || rt->env->vmac_list(rt->env_ctx, netns, names, 256, &count) < 0)
		return;
	for (size_t i = 0; i < count; i++) {
		struct vrrp_rt_vside v = {.rt = rt};

		if (vmac_in_specs(specs, n, netns, names[i]))
			continue;
		snprintf(v.ifname, sizeof(v.ifname), "%s", names[i]);
		snprintf(v.netns, sizeof(v.netns), "%s", netns);
		rt->env->vmac_delete(rt->env_ctx, &v);
		vrrp_rt_log(rt, VRRP_RT_LOG_INFO, "[%s%s%s%s] left-over virtual MAC link removed",
			    *netns ? "netns " : "", netns, *netns ? " " : "", names[i]);
	}
}

static bool seen_netns(const char *const *list, size_t n, const char *netns)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], netns) == 0)
			return true;
	return false;
}

/* The daemon's own namespace (""), the specs' and the extra ones, each
 * once. *out is malloc'd (the names are not copied). -ENOMEM. */
static int leftover_namespaces(const struct vrrp_inst_spec *specs, size_t n,
			       const char *const *extra, size_t n_extra, const char ***out,
			       size_t *count)
{
	const char **v = malloc((1 + n + n_extra) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	v[k++] = "";
	for (size_t i = 0; i < n; i++)
		if (!seen_netns(v, k, specs[i].netns))
			v[k++] = specs[i].netns;
	for (size_t i = 0; i < n_extra; i++)
		if (!seen_netns(v, k, extra[i]))
			v[k++] = extra[i];
	*out = v;
	*count = k;
	return 0;
}

int vrrp_rt_remove_leftovers(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n,
			     const char *const *netns, size_t n_netns)
{
	const char **all;
	size_t n_all;
	int removed = 0;

	if (!rt->env->addr_tags(rt->env_ctx))
		vrrp_rt_log(rt, VRRP_RT_LOG_WARN,
			    "this kernel keeps no address tags (IFA_PROTO, Linux 6.1): only VIPs "
			    "the file names are found and removed; a VIP of an interface or "
			    "namespace no longer in the file stays");
	if (leftover_namespaces(specs, n, netns, n_netns, &all, &n_all) < 0)
		return 0;
	for (size_t i = 0; i < n_all; i++) {
		removed += sweep_netns(rt, specs, n, all[i]);
		sweep_vmac_links(rt, specs, n, all[i]);
	}
	free(all);
	return removed;
}

void vrrp_rt_addr_removed(struct vrrp_rt *rt, const char *netns, int ifindex,
			  const struct ip_addr *addr)
{
	netns = netns ? netns : "";
	for (size_t i = 0; i < rt->n_insts; i++) {
		struct vrrp_inst *inst = rt->insts[i];

		/* the interface first: a removal elsewhere costs no VIP scan */
		if (!inst->vips_held || !inst->vside || strcmp(inst->spec.netns, netns) != 0 ||
		    (addr && inst->vside->ifindex != ifindex))
			continue;
		if (addr && (addr->family != inst->spec.family || !rt_vips_has(inst, addr)))
			continue;
		rt_vips_reconcile(inst);
		rt_inst_hold_check(inst);
	}
}

void vrrp_rt_link_changed(struct vrrp_rt *rt, const char *netns, const char *ifname)
{
	netns = netns ? netns : "";
	for (size_t i = 0; i < rt->n_insts; i++) {
		struct vrrp_inst *inst = rt->insts[i];
		const struct vrrp_rt_vside *v = inst->vside;

		if (!v || !v->parent[0] || strcmp(v->netns, netns) != 0 ||
		    (ifname && strcmp(v->ifname, ifname) != 0))
			continue;
		rt_vips_vmac_check(inst);
	}
}

int vrrp_rt_remove_vmac_links(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n)
{
	int removed = 0;

	for (size_t i = 0; i < n; i++) {
		struct vrrp_rt_vside v = {.rt = rt};

		if (!specs[i].vmac_ifname[0] ||
		    rt->env->ifindex(rt->env_ctx, specs[i].netns, specs[i].vmac_ifname) < 0)
			continue;
		snprintf(v.ifname, sizeof(v.ifname), "%s", specs[i].vmac_ifname);
		snprintf(v.netns, sizeof(v.netns), "%s", specs[i].netns);
		snprintf(v.parent, sizeof(v.parent), "%s", specs[i].ifname);
		rt->env->vmac_delete(rt->env_ctx, &v);
		vrrp_rt_log(rt, VRRP_RT_LOG_INFO, "[%s] removed the virtual MAC link", v.ifname);
		removed++;
	}
	return removed;
}
