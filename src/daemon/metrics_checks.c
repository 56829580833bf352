/* The health checks' series (link watch, gateway probes), appended to the
 * exposition by metrics.c from the read-only views of health.h. One
 * sample per check, not per instance: several instances share a check
 * (vipd_instance_healthy has the per-instance verdict). A check not judged
 * yet (UNKNOWN) counts as up, as it does for health. */
#include <stdio.h>

#include "daemon/daemon.h"
#include "daemon/health.h"
#include "daemon/hooks.h"
#include "daemon/metrics_fmt.h"

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* interface="...",namespace="..." */
static void where_labels(const char *ifname, const char *netns, char *buf, size_t len)
{
	char ifn[2 * VRRP_RT_IFNAME_MAX], ns[2 * VRRP_RT_NETNS_MAX];

	metrics_escape(ifn, sizeof(ifn), ifname);
	metrics_escape(ns, sizeof(ns), netns);
	snprintf(buf, len, "interface=\"%s\",namespace=\"%s\"", ifn, ns);
}

/* Item i of the link series: its family (i = 0), then link i - 1. */
static bool link_item(FILE *out, const struct daemon *d, bool changes, size_t i)
{
	struct health_link_view v;
	char where[256];

	if (i == 0) {
		if (changes)
			family(out, "vipd_link_changes_total", "counter",
			       "changes of the link signal");
		else
			family(out, "vipd_link_up", "gauge",
			       "1 while a watched VIP interface is operationally up (link signal)");
		return true;
	}
	if (!health_link_get(d->health, i - 1, &v))
		return false;
	where_labels(v.ifname, v.netns, where, sizeof(where));
	if (changes)
		fprintf(out, "vipd_link_changes_total{%s} %llu\n", where,
			(unsigned long long)(v.cs ? v.cs->changes : 0));
	else
		fprintf(out, "vipd_link_up{%s} %d\n", where, v.cs && v.cs->status != CHECK_DOWN);
	return true;
}

static void gw_labels(const struct health_gw_view *v, char *buf, size_t len)
{
	char gw[IP_STR_MAX], where[256];

	where_labels(v->ifname, v->netns, where, sizeof(where));
	snprintf(buf, len, "%s,family=\"%s\",method=\"%s\",gateway=\"%s\"", where,
		 ip_family_name(v->family), v->family == IP_V4 ? "arp" : "nd",
		 ip_ntop(&v->cfg->gateway, gw));
}

typedef double (*gw_value_fn)(const struct health_gw_view *v);

static double g_up(const struct health_gw_view *v)
{
	return v->running && v->st.status != CHECK_DOWN;
}
static double g_sent(const struct health_gw_view *v)
{
	return (double)v->st.sent;
}
static double g_answered(const struct health_gw_view *v)
{
	return (double)v->st.answered;
}
static double g_errors(const struct health_gw_view *v)
{
	return (double)v->st.send_errors;
}
static double g_changes(const struct health_gw_view *v)
{
	return (double)v->st.changes;
}
static double g_rtt(const struct health_gw_view *v)
{
	return v->st.last_rtt_us / 1e6;
}

static const struct {
	const char *name, *type, *help;
	gw_value_fn fn;
} gw_series[] = {
    {"vipd_gateway_up", "gauge", "1 while the gateway answers (gw signal)", g_up},
    {"vipd_gateway_probes_sent_total", "counter", "ARP / neighbor solicitation probes sent",
     g_sent},
    {"vipd_gateway_probes_answered_total", "counter", "probes answered within the timeout",
     g_answered},
    {"vipd_gateway_probe_send_errors_total", "counter", "probes that could not be sent", g_errors},
    {"vipd_gateway_changes_total", "counter", "changes of the gw signal", g_changes},
    {"vipd_gateway_probe_rtt_seconds", "gauge", "round-trip time of the last answer", g_rtt},
};

static bool gw_item(FILE *out, const struct daemon *d, size_t k, size_t i)
{
	struct health_gw_view v;
	char labels[384];

	if (i == 0) {
		family(out, gw_series[k].name, gw_series[k].type, gw_series[k].help);
		return true;
	}
	if (!health_gw_get(d->health, i - 1, &v))
		return false;
	gw_labels(&v, labels, sizeof(labels));
	fprintf(out, "%s{%s} %.17g\n", gw_series[k].name, labels, gw_series[k].fn(&v));
	return true;
}

typedef double (*svc_value_fn)(const struct health_svc_view *v);

static double s_up(const struct health_svc_view *v)
{
	return v->running && v->cs->status != CHECK_DOWN;
}
static double s_probes(const struct health_svc_view *v)
{
	return (double)v->cs->probes;
}
static double s_failures(const struct health_svc_view *v)
{
	return (double)(v->cs->probes - v->cs->oks);
}
static double s_changes(const struct health_svc_view *v)
{
	return (double)v->cs->changes;
}

static const struct {
	const char *name, *type, *help;
	svc_value_fn fn;
} svc_series[] = {
    {"vipd_check_up", "gauge", "1 while a service check passes (or is not judged yet)", s_up},
    {"vipd_check_probes_total", "counter", "service check attempts", s_probes},
    {"vipd_check_failures_total", "counter", "service check attempts that failed", s_failures},
    {"vipd_check_changes_total", "counter", "changes of a service check's state", s_changes},
};

static bool svc_item(FILE *out, const struct daemon *d, size_t k, size_t i)
{
	struct health_svc_view v;
	char name[160];

	if (i == 0) {
		family(out, svc_series[k].name, svc_series[k].type, svc_series[k].help);
		return true;
	}
	if (!health_svc_get(d->health, i - 1, &v))
		return false;
	metrics_escape(name, sizeof(name), v.name);
	fprintf(out, "%s{check=\"%s\",type=\"%s\"} %.17g\n", svc_series[k].name, name, v.type,
		svc_series[k].fn(&v));
	return true;
}

static double h_timeouts(const struct hook_runner *r)
{
	return (double)r->stats.timeouts;
}
static double h_last_duration(const struct hook_runner *r)
{
	return r->stats.last_duration_ms / 1e3;
}

/* One sample per runner. */
static void hook_gauges(FILE *out, const struct hooks *h, const char *series, const char *type,
			const char *help, double (*fn)(const struct hook_runner *r))
{
	char name[2 * VRRP_RT_NAME_MAX];

	family(out, series, type, help);
	for (size_t i = 0; h && i < h->n; i++) {
		const struct hook_runner *r = h->v[i];

		if (!r)
			continue;
		metrics_escape(name, sizeof(name), r->name);
		fprintf(out, "%s{%s=\"%s\"} %.17g\n", series, r->group ? "group" : "instance", name,
			fn(r));
	}
}

/* One line per runner and hook event that has run. */
static void hooks(FILE *out, const struct daemon *d)
{
	const struct hooks *h = d->hooks;
	char name[2 * VRRP_RT_NAME_MAX];

	family(out, "vipd_hook_runs_total", "counter",
	       "transition hooks run, by result (ok: exit 0; failed: other exit, killed, or "
	       "not started)");
	for (size_t i = 0; h && i < h->n; i++) {
		const struct hook_runner *r = h->v[i];

		if (!r)
			continue;
		metrics_escape(name, sizeof(name), r->name);
		for (int e = 0; e < HOOK_EVENT_COUNT; e++) {
			if (!r->stats.runs[e])
				continue;
			fprintf(out,
				"vipd_hook_runs_total{%s=\"%s\",hook=\"%s\",result=\"ok\"} %llu\n",
				r->group ? "group" : "instance", name, hook_event_name(e),
				(unsigned long long)(r->stats.runs[e] - r->stats.failures[e]));
			fprintf(
			    out,
			    "vipd_hook_runs_total{%s=\"%s\",hook=\"%s\",result=\"failed\"} %llu\n",
			    r->group ? "group" : "instance", name, hook_event_name(e),
			    (unsigned long long)r->stats.failures[e]);
		}
	}
	hook_gauges(out, h, "vipd_hook_timeouts_total", "counter", "hooks killed at their timeout",
		    h_timeouts);
	hook_gauges(out, h, "vipd_hook_last_duration_seconds", "gauge",
		    "how long the last hook ran", h_last_duration);
}

#define N_GW  (sizeof(gw_series) / sizeof(gw_series[0]))
#define N_SVC (sizeof(svc_series) / sizeof(svc_series[0]))

/* Sections: the two link series, the gateway series, the service
 * series, each a family and one item per check, then the hooks' series
 * as one item (a hook runner per instance or group at most). */
size_t metrics_checks_sections(void)
{
	return 2 + N_GW + N_SVC + 1;
}

bool metrics_checks_item(FILE *out, const struct daemon *d, size_t sec, size_t i)
{
	if (!d->health)
		return false;
	if (sec < 2)
		return link_item(out, d, sec == 1, i);
	sec -= 2;
	if (sec < N_GW)
		return gw_item(out, d, sec, i);
	sec -= N_GW;
	if (sec < N_SVC)
		return svc_item(out, d, sec, i);
	if (i > 0)
		return false;
	hooks(out, d);
	return true;
}
