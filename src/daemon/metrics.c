/* The Prometheus text exposition format (version 0.0.4) of the live state:
 * what `vipctl metrics` prints and GET /metrics serves (http.c). Every
 * series is listed in docs/operations.md; names start with vipd_, and every
 * per-instance series carries the labels instance, interface, vrid,
 * family, slot, method, in that order. A family's HELP and TYPE come once,
 * before its samples. Counters reset when vipd restarts or the instance
 * restarts (a reload that changes it): Prometheus' rate() copes. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "daemon/http_server.h"
#include "daemon/metrics_fmt.h"

#define LABELS_MAX 512

static void inst_labels(const struct vrrp_inst *inst, char *buf, size_t len)
{
	const struct vrrp_inst_spec *sp = &inst->spec;
	char name[2 * VRRP_RT_NAME_MAX], ifn[2 * VRRP_RT_IFNAME_MAX];

	metrics_escape(name, sizeof(name), sp->name);
	metrics_escape(ifn, sizeof(ifn), sp->ifname);
	snprintf(buf, len,
		 "instance=\"%s\",interface=\"%s\",vrid=\"%u\",family=\"%s\",slot=\"%s\","
		 "method=\"%s\"",
		 name, ifn, sp->vrid, ip_family_name(sp->family), vip_slot_name(sp->slot),
		 vip_method_name(sp->method));
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One value per instance: a function or a counter's offset gives it. */
typedef double (*inst_value_fn)(const struct vrrp_inst *inst);

static double inst_value(const struct vrrp_inst *inst, inst_value_fn fn, size_t offset)
{
	uint64_t n;

	if (fn)
		return fn(inst);
	memcpy(&n, (const char *)inst + offset, sizeof(n));
	return (double)n;
}

static void per_instance(FILE *out, const struct daemon *d, const char *name, const char *type,
			 const char *help, inst_value_fn fn, size_t offset)
{
	char labels[LABELS_MAX];

	family(out, name, type, help);
	for (size_t i = 0; i < d->rt.n_insts; i++) {
		inst_labels(d->rt.insts[i], labels, sizeof(labels));
		fprintf(out, "%s{%s} %.17g\n", name, labels,
			inst_value(d->rt.insts[i], fn, offset));
	}
}

static const char *state_of(const struct vrrp_inst *inst)
{
	return inst->wait_reason[0] ? "WAITING" : vrrp_fsm_state_name(inst->fsm.state);
}

static void states(FILE *out, const struct daemon *d)
{
	static const char *const names[] = {"INIT", "BACKUP", "MASTER", "FAULT", "WAITING"};
	char labels[LABELS_MAX];

	family(out, "vipd_instance_state", "gauge",
	       "1 for the state the instance is in (INIT, BACKUP, MASTER, FAULT, WAITING), else 0");
	for (size_t i = 0; i < d->rt.n_insts; i++) {
		inst_labels(d->rt.insts[i], labels, sizeof(labels));
		for (size_t s = 0; s < sizeof(names) / sizeof(names[0]); s++)
			fprintf(out, "vipd_instance_state{%s,state=\"%s\"} %d\n", labels, names[s],
				strcmp(state_of(d->rt.insts[i]), names[s]) == 0);
	}
}

static double v_master(const struct vrrp_inst *i)
{
	return i->fsm.state == VRRP_FSM_MASTER;
}
static double v_prio(const struct vrrp_inst *i)
{
	return vrrp_fsm_effective_priority(&i->cfg, &i->fsm);
}
static double v_prio_cfg(const struct vrrp_inst *i)
{
	return i->spec.fsm.priority;
}
static double v_healthy(const struct vrrp_inst *i)
{
	return i->fsm.healthy;
}
static double v_vips(const struct vrrp_inst *i)
{
	return (double)i->spec.n_vips;
}
static double v_held(const struct vrrp_inst *i)
{
	/* what the kernel holds: a VIP it refused is not counted */
	return i->vips_held ? (double)(i->spec.n_vips - vrrp_inst_vips_missing(i)) : 0;
}
static double v_last_change(const struct vrrp_inst *i)
{
	return i->has_transition ? (double)i->last_transition_wall_ms / 1000.0 : 0;
}

/* A counter is a uint64_t of struct vrrp_inst (COUNTER gives its offset);
 * a gauge that needs a rule has a function. */
#define COUNTER(member) .offset = offsetof(struct vrrp_inst, member) + COUNTER_IS_U64(member)
/* 0, and a compile error unless member is 8 bytes wide */
#define COUNTER_IS_U64(member)                                                                     \
	(0 * sizeof(char[sizeof(((struct vrrp_inst *)0)->member) == 8 ? 1 : -1]))

static const struct {
	const char *name, *type, *help;
	inst_value_fn fn;
	size_t offset; /* fn NULL: the counter at this offset */
} inst_series[] = {
    {"vipd_instance_master", "gauge", "1 while this node is MASTER of the instance", v_master},
    {"vipd_instance_priority", "gauge",
     "effective priority advertised (1 when unhealthy or drained)", v_prio},
    {"vipd_instance_priority_configured", "gauge", "priority from the file", v_prio_cfg},
    {"vipd_instance_healthy", "gauge", "1 when the clusterIpMethod's signals hold", v_healthy},
    {"vipd_instance_vips", "gauge", "VIPs configured on the instance", v_vips},
    {"vipd_instance_vips_held", "gauge", "VIPs this node holds for the instance", v_held},
    {"vipd_instance_last_transition_timestamp_seconds", "gauge",
     "wall-clock time of the last transition, 0 before any", v_last_change},
    {"vipd_transitions_total", "counter", "state transitions", NULL,
     COUNTER(fsm.counters.transitions)},
    {"vipd_became_master_total", "counter", "transitions to MASTER", NULL,
     COUNTER(fsm.counters.became_master)},
    {"vipd_adverts_sent_total", "counter", "VRRP adverts sent, any priority", NULL,
     COUNTER(fsm.counters.adverts_sent)},
    {"vipd_adverts_received_total", "counter", "VRRP adverts accepted", NULL,
     COUNTER(fsm.counters.adverts_received)},
    {"vipd_priority0_sent_total", "counter", "priority-0 adverts sent (resign, shutdown)", NULL,
     COUNTER(fsm.counters.prio0_sent)},
    {"vipd_priority0_received_total", "counter", "priority-0 adverts received", NULL,
     COUNTER(fsm.counters.prio0_received)},
    {"vipd_garp_sent_total", "counter", "gratuitous ARP / unsolicited NA frames sent", NULL,
     COUNTER(garp_sent)},
    {"vipd_learned_interval_changes_total", "counter",
     "changes of the master's advert interval a backup follows (VRRPv3)", NULL,
     COUNTER(fsm.counters.interval_changes)},
    {"vipd_priority0_answers_deferred_total", "counter",
     "priority-0 adverts a master answered with its next advert, not at once (one per interval)",
     NULL, COUNTER(fsm.counters.prio0_answers_deferred)},
    {"vipd_vip_set_differs_total", "counter",
     "adverts accepted although their VIP list differs from ours in part (a reload on one node)",
     NULL, COUNTER(vip_set_differs)},
    {"vipd_send_errors_total", "counter", "adverts that could not be sent", NULL,
     COUNTER(send_errors)},
    {"vipd_vip_errors_total", "counter", "VIP add/remove failures", NULL, COUNTER(vip_errors)},
    {"vipd_vip_repairs_total", "counter", "VIPs removed by someone else and re-added", NULL,
     COUNTER(vip_repairs)},
};

/* Drop reasons an instance can be told from; others only when non-zero. */
static bool always_shown(enum vrrp_drop_reason r)
{
	return r == VRRP_DROP_BAD_TTL || r == VRRP_DROP_UNKNOWN_PEER ||
	       r == VRRP_DROP_VERSION_MISMATCH || r == VRRP_DROP_INTERVAL_MISMATCH ||
	       r == VRRP_DROP_INTERVAL_OUT_OF_BOUNDS || r == VRRP_DROP_OWNER_PRIORITY ||
	       r == VRRP_DROP_VIP_SET_MISMATCH;
}

static void inst_drops(FILE *out, const struct vrrp_inst *inst)
{
	char labels[LABELS_MAX];
	uint64_t drops[VRRP_DROP__COUNT];

	inst_labels(inst, labels, sizeof(labels));
	vrrp_inst_drops(inst, drops);
	for (int r = 1; r < VRRP_DROP__COUNT; r++) {
		uint64_t n = drops[r];

		if (n || always_shown((enum vrrp_drop_reason)r))
			fprintf(out, "vipd_adverts_dropped_total{%s,reason=\"%s\"} %llu\n", labels,
				vrrp_drop_reason_name((enum vrrp_drop_reason)r),
				(unsigned long long)n);
	}
}

static void socket_drops(FILE *out, const struct daemon *d)
{
	family(out, "vipd_socket_dropped_total", "counter",
	       "packets a VRRP socket dropped before any instance (malformed, unknown VRID)");
	for (size_t i = 0; i < d->rt.n_socks; i++) {
		const struct vrrp_rt_sock *s = d->rt.socks[i];
		char ifn[2 * VRRP_RT_IFNAME_MAX], ns[2 * VRRP_RT_NETNS_MAX];

		metrics_escape(ifn, sizeof(ifn), s->ifname);
		metrics_escape(ns, sizeof(ns), s->netns);
		for (int r = 1; r < VRRP_DROP__COUNT; r++)
			if (s->drops[r] || r == VRRP_DROP_UNKNOWN_VRID)
				fprintf(
				    out,
				    "vipd_socket_dropped_total{interface=\"%s\",namespace=\"%s\","
				    "family=\"%s\",reason=\"%s\"} %llu\n",
				    ifn, ns, ip_family_name(s->family),
				    vrrp_drop_reason_name((enum vrrp_drop_reason)r),
				    (unsigned long long)s->drops[r]);
	}
}

static void socket_kernel_drops(FILE *out, const struct daemon *d)
{
	family(out, "vipd_socket_kernel_drops_total", "counter",
	       "packets the kernel dropped for a VRRP socket before vipd read them (receive "
	       "buffer full, IPsec policy; SO_RXQ_OVFL, known with the next packet)");
	for (size_t i = 0; i < d->rt.n_socks; i++) {
		const struct vrrp_rt_sock *s = d->rt.socks[i];
		char ifn[2 * VRRP_RT_IFNAME_MAX], ns[2 * VRRP_RT_NETNS_MAX];

		metrics_escape(ifn, sizeof(ifn), s->ifname);
		metrics_escape(ns, sizeof(ns), s->netns);
		fprintf(out,
			"vipd_socket_kernel_drops_total{interface=\"%s\",namespace=\"%s\","
			"family=\"%s\"} %llu\n",
			ifn, ns, ip_family_name(s->family), (unsigned long long)s->kernel_drops);
	}
}

static void daemon_series(FILE *out, const struct daemon *d)
{
	char cluster[256], node[128];

	metrics_escape(cluster, sizeof(cluster), d->model->cluster_name.v);
	metrics_escape(node, sizeof(node), d->node_name);
	family(out, "vipd_info", "gauge", "always 1; the labels say what runs");
	fprintf(out, "vipd_info{version=\"%s\",cluster=\"%s\",node=\"%s\"} 1\n", VIPD_VERSION,
		cluster, node);
	family(out, "vipd_start_time_seconds", "gauge", "when vipd started, Unix time");
	fprintf(out, "vipd_start_time_seconds %.3f\n", (double)d->started_wall_ms / 1000.0);
	family(out, "vipd_drained", "gauge", "1 while `vipctl drain` is in force");
	fprintf(out, "vipd_drained %d\n", d->rt.drained);
	family(out, "vipd_reloads_total", "counter", "successful reloads");
	fprintf(out, "vipd_reloads_total %llu\n", (unsigned long long)d->reloads);
	family(out, "vipd_reload_failures_total", "counter", "refused reloads (file errors)");
	fprintf(out, "vipd_reload_failures_total %llu\n", (unsigned long long)d->reload_failures);
	family(out, "vipd_instances", "gauge", "VRRP instances running on this node");
	fprintf(out, "vipd_instances %zu\n", d->rt.n_insts);
	family(out, "vipd_events_total", "counter", "events emitted (`vipctl events`)");
	fprintf(out, "vipd_events_total %llu\n", (unsigned long long)d->events.seq);
	if (d->http) {
		family(out, "vipd_http_connections_open", "gauge",
		       "connections open on --metrics-listen");
		fprintf(out, "vipd_http_connections_open %zu\n", http_server_open_conns(d->http));
		family(out, "vipd_http_connections_refused_total", "counter",
		       "connections closed at once: the cap of open ones was reached");
		fprintf(out, "vipd_http_connections_refused_total %llu\n",
			(unsigned long long)http_server_refused(d->http));
	}
}

char *metrics_text(const struct daemon *d, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (!out)
		return NULL;
	daemon_series(out, d);
	states(out, d);
	for (size_t s = 0; s < sizeof(inst_series) / sizeof(inst_series[0]); s++)
		per_instance(out, d, inst_series[s].name, inst_series[s].type, inst_series[s].help,
			     inst_series[s].fn, inst_series[s].offset);
	family(out, "vipd_adverts_dropped_total", "counter",
	       "received adverts dropped for this instance, by reason (docs/vrrp.md)");
	for (size_t i = 0; i < d->rt.n_insts; i++)
		inst_drops(out, d->rt.insts[i]);
	socket_drops(out, d);
	socket_kernel_drops(out, d);
	metrics_write_checks(out, d);
	metrics_write_bfd(out, d);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
