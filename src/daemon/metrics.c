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

#include <event2/buffer.h>

#include "daemon/daemon.h"
#include "daemon/doc_stream.h"
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

static double inst_value(const struct vrrp_inst *inst, inst_value_fn fn, size_t offset,
			 size_t width)
{
	uint64_t n64;
	uint32_t n32;

	if (fn)
		return fn(inst);
	if (width == sizeof(n32)) {
		memcpy(&n32, (const char *)inst + offset, sizeof(n32));
		return (double)n32;
	}
	memcpy(&n64, (const char *)inst + offset, sizeof(n64));
	return (double)n64;
}

/* One instance's sample of a per-instance series. */
static void per_instance(FILE *out, const char *name, const struct vrrp_inst *inst,
			 inst_value_fn fn, size_t offset, size_t width)
{
	char labels[LABELS_MAX];

	inst_labels(inst, labels, sizeof(labels));
	fprintf(out, "%s{%s} %.17g\n", name, labels, inst_value(inst, fn, offset, width));
}

static const char *state_of(const struct vrrp_inst *inst)
{
	return inst->wait_reason[0] ? "WAITING" : vrrp_fsm_state_name(inst->fsm.state);
}

static void states_family(FILE *out)
{
	family(out, "vipd_instance_state", "gauge",
	       "1 for the state the instance is in (INIT, BACKUP, MASTER, FAULT, WAITING), else 0");
}

static void states(FILE *out, const struct vrrp_inst *inst)
{
	static const char *const names[] = {"INIT", "BACKUP", "MASTER", "FAULT", "WAITING"};
	char labels[LABELS_MAX];

	inst_labels(inst, labels, sizeof(labels));
	for (size_t s = 0; s < sizeof(names) / sizeof(names[0]); s++)
		fprintf(out, "vipd_instance_state{%s,state=\"%s\"} %d\n", labels, names[s],
			strcmp(state_of(inst), names[s]) == 0);
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
	/* what the kernel holds: a VIP it refused is not counted, nor one
	 * still waiting in the VIP queue to be added; one waiting to be
	 * removed is */
	return (double)vrrp_inst_vips_in_kernel(i);
}
static double v_last_change(const struct vrrp_inst *i)
{
	return i->has_transition ? (double)i->last_transition_wall_ms / 1000.0 : 0;
}

/* A counter is a uint64_t or uint32_t of struct vrrp_inst (COUNTER gives
 * its offset and width); a gauge that needs a rule has a function. */
#define COUNTER(member)                                                                            \
	.offset = offsetof(struct vrrp_inst, member) + COUNTER_IS_U64_OR_U32(member),              \
	.width = sizeof(((struct vrrp_inst *)0)->member)
/* 0, and a compile error unless member is 8 or 4 bytes wide */
#define COUNTER_IS_U64_OR_U32(member)                                                              \
	(0 * sizeof(char[sizeof(((struct vrrp_inst *)0)->member) == 8 ||                           \
				 sizeof(((struct vrrp_inst *)0)->member) == 4                      \
			     ? 1                                                                   \
			     : -1]))

static const struct inst_series_t {
	const char *name, *type, *help;
	inst_value_fn fn;
	size_t offset; /* fn NULL: the counter at this offset, */
	size_t width;  /* this wide (4 or 8) */
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
    {"vipd_garp_errors_total", "counter", "gratuitous ARP / unsolicited NA frames refused", NULL,
     COUNTER(garp_errors)},
    {"vipd_vmac_repairs_total", "counter",
     "virtual MAC links put back after someone changed them (docs/vmac.md)", NULL,
     COUNTER(vmac_repairs)},
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

static void socket_drops_family(FILE *out)
{
	family(out, "vipd_socket_dropped_total", "counter",
	       "packets a VRRP socket dropped before any instance (malformed, unknown VRID)");
}

static void socket_drops(FILE *out, const struct vrrp_rt_sock *s)
{
	char ifn[2 * VRRP_RT_IFNAME_MAX], ns[2 * VRRP_RT_NETNS_MAX];
	uint64_t drops[VRRP_DROP__COUNT];

	vrrp_sock_drops(s, drops);
	metrics_escape(ifn, sizeof(ifn), s->ifname);
	metrics_escape(ns, sizeof(ns), s->netns);
	for (int r = 1; r < VRRP_DROP__COUNT; r++)
		if (drops[r] || r == VRRP_DROP_UNKNOWN_VRID)
			fprintf(out,
				"vipd_socket_dropped_total{interface=\"%s\",namespace=\"%s\","
				"family=\"%s\",reason=\"%s\"} %llu\n",
				ifn, ns, ip_family_name(s->family),
				vrrp_drop_reason_name((enum vrrp_drop_reason)r),
				(unsigned long long)drops[r]);
}

static void socket_kernel_drops_family(FILE *out)
{
	family(out, "vipd_socket_kernel_drops_total", "counter",
	       "packets the kernel dropped for a VRRP socket before vipd read them (receive "
	       "buffer full, IPsec policy; SO_RXQ_OVFL, known with the next packet)");
}

static void socket_kernel_drops(FILE *out, const struct vrrp_rt_sock *s)
{
	char ifn[2 * VRRP_RT_IFNAME_MAX], ns[2 * VRRP_RT_NETNS_MAX];

	metrics_escape(ifn, sizeof(ifn), s->ifname);
	metrics_escape(ns, sizeof(ns), s->netns);
	fprintf(out,
		"vipd_socket_kernel_drops_total{interface=\"%s\",namespace=\"%s\","
		"family=\"%s\"} %llu\n",
		ifn, ns, ip_family_name(s->family), (unsigned long long)s->kernel_drops);
}

static void daemon_series(FILE *out, const struct daemon *d)
{
	char cluster[256], node[128];

	metrics_escape(cluster, sizeof(cluster), d->record->cluster_name);
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
	family(out, "vipd_garp_queue_depth", "gauge",
	       "GARP/NA frames waiting in the paced queue (docs/vrrp.md)");
	fprintf(out, "vipd_garp_queue_depth %llu\n", (unsigned long long)d->rt.garp.depth);
	family(out, "vipd_garp_queue_deferred_total", "counter",
	       "GARP/NA frames that waited behind at least a full burst");
	fprintf(out, "vipd_garp_queue_deferred_total %llu\n",
		(unsigned long long)d->rt.garp.deferred);
	family(out, "vipd_vip_queue_depth", "gauge",
	       "VIP additions and removals waiting in the paced queue (docs/vrrp.md)");
	fprintf(out, "vipd_vip_queue_depth %llu\n", (unsigned long long)d->rt.vipq.depth);
	family(out, "vipd_vip_queue_deferred_total", "counter",
	       "times VIP additions or removals were left for a later loop pass");
	fprintf(out, "vipd_vip_queue_deferred_total %llu\n",
		(unsigned long long)d->rt.vipq.deferred);
	family(out, "vipd_vip_queue_cancelled_total", "counter",
	       "an addition and a removal of one VIP that cancelled out in the queue");
	fprintf(out, "vipd_vip_queue_cancelled_total %llu\n",
		(unsigned long long)d->rt.vipq.cancelled);
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

static void drops_family(FILE *out)
{
	family(out, "vipd_adverts_dropped_total", "counter",
	       "received adverts dropped for this instance, by reason (docs/vrrp.md)");
}

/* ---- the streamed exposition ----
 *
 * The exposition is a list of sections, each a family header (item 0)
 * then one item per instance, socket or check (metrics_checks_item); the
 * daemon's series and the BFD sessions' are one item each (a few lines,
 * a few per advert path);
 * METRICS_BATCH items are written at a time. Between two batches only the
 * section and item indexes are kept: after a reload the next item is read
 * from the arrays in force (every sample carries its labels, so the text
 * stays a valid exposition). */
#define METRICS_BATCH 32
#define N_SERIES      (sizeof(inst_series) / sizeof(inst_series[0]))

enum {
	SEC_DAEMON,
	SEC_STATES,
	SEC_SERIES, /* N_SERIES of them */
	SEC_DROPS = SEC_SERIES + N_SERIES,
	SEC_SOCK_DROPS,
	SEC_SOCK_KERNEL,
	SEC_CHECKS, /* metrics_checks_sections() of them, then the BFD series */
};

#define SEC_BFD (SEC_CHECKS + metrics_checks_sections())
#define SEC_END (SEC_BFD + 1)

/* Writes item i of section sec; false when the section has no item i. */
static bool emit(FILE *out, const struct daemon *d, size_t sec, size_t i)
{
	const struct inst_series_t *is = NULL;
	size_t n = 1;

	if (sec == SEC_STATES || (sec >= SEC_SERIES && sec < SEC_DROPS) || sec == SEC_DROPS)
		n = 1 + d->rt.n_insts;
	else if (sec == SEC_SOCK_DROPS || sec == SEC_SOCK_KERNEL)
		n = 1 + d->rt.n_socks;
	if (sec == SEC_BFD) {
		if (i == 0)
			metrics_write_bfd(out, d);
		return i == 0;
	}
	if (sec >= SEC_CHECKS)
		return metrics_checks_item(out, d, sec - SEC_CHECKS, i);
	if (i >= n)
		return false;
	if (sec >= SEC_SERIES && sec < SEC_DROPS)
		is = &inst_series[sec - SEC_SERIES];
	switch (sec) {
	case SEC_DAEMON:
		daemon_series(out, d);
		break;
	case SEC_STATES:
		i ? states(out, d->rt.insts[i - 1]) : states_family(out);
		break;
	case SEC_DROPS:
		i ? inst_drops(out, d->rt.insts[i - 1]) : drops_family(out);
		break;
	case SEC_SOCK_DROPS:
		i ? socket_drops(out, d->rt.socks[i - 1]) : socket_drops_family(out);
		break;
	case SEC_SOCK_KERNEL:
		i ? socket_kernel_drops(out, d->rt.socks[i - 1]) : socket_kernel_drops_family(out);
		break;
	default:
		if (i)
			per_instance(out, is->name, d->rt.insts[i - 1], is->fn, is->offset,
				     is->width);
		else
			family(out, is->name, is->type, is->help);
	}
	return true;
}

struct metrics_stream {
	struct doc_stream base; /* first: the driver's handle */
	const struct daemon *d;
	struct evbuffer *batch; /* what f wrote */
	FILE *f;
	bool json; /* the control socket's answer: a JSON string */
	bool started;
	size_t sec, i;
};

static ssize_t batch_write(void *cookie, const char *buf, size_t size)
{
	return evbuffer_add(cookie, buf, size) < 0 ? -1 : (ssize_t)size;
}

/* The batch onto out: as it is, or escaped inside the JSON string. */
static int move_batch(struct metrics_stream *m, struct evbuffer *out)
{
	unsigned char *text;
	size_t len;
	int rc;

	if (fflush(m->f) != 0)
		return -1;
	len = evbuffer_get_length(m->batch);
	if (!m->json || !len)
		return evbuffer_add_buffer(out, m->batch);
	text = evbuffer_pullup(m->batch, -1);
	rc = text ? doc_stream_add_escaped(out, (const char *)text, len) : -1;
	evbuffer_drain(m->batch, len);
	return rc;
}

static enum doc_stream_rc metrics_next(struct doc_stream *base, struct evbuffer *out)
{
	static const char head[] = "{\"ok\":true,\"result\":{\"text\":\"", tail[] = "\"}}\n";
	struct metrics_stream *m = (struct metrics_stream *)base;

	if (!m->started && m->json && evbuffer_add(out, head, sizeof(head) - 1) < 0)
		return DOC_STREAM_ERR;
	m->started = true;
	for (size_t k = 0; k < METRICS_BATCH && m->sec < SEC_END; k++) {
		if (emit(m->f, m->d, m->sec, m->i)) {
			m->i++;
		} else {
			m->sec++;
			m->i = 0;
		}
	}
	if (move_batch(m, out) < 0)
		return DOC_STREAM_ERR;
	if (m->sec < SEC_END)
		return DOC_STREAM_MORE;
	if (m->json && evbuffer_add(out, tail, sizeof(tail) - 1) < 0)
		return DOC_STREAM_ERR;
	return DOC_STREAM_DONE;
}

static void metrics_stream_free(struct doc_stream *base)
{
	struct metrics_stream *m = (struct metrics_stream *)base;

	if (m->f)
		fclose(m->f);
	if (m->batch)
		evbuffer_free(m->batch);
	free(m);
}

struct doc_stream *metrics_stream_new(const struct daemon *d, bool json_string)
{
	const cookie_io_functions_t io = {.write = batch_write};
	struct metrics_stream *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->base = (struct doc_stream){.next = metrics_next, .free = metrics_stream_free};
	m->d = d;
	m->json = json_string;
	m->batch = evbuffer_new();
	m->f = m->batch ? fopencookie(m->batch, "w", io) : NULL;
	if (!m->f) {
		metrics_stream_free(&m->base);
		return NULL;
	}
	return &m->base;
}
