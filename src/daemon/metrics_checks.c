/* The health checks' series (link watch, gateway probes), appended to the
 * exposition by metrics.c from the read-only views of health.h. One
 * sample per check, not per instance: several instances share a check
 * (vipd_instance_healthy has the per-instance verdict). A check not judged
 * yet (UNKNOWN) counts as up, as it does for health. */
#include <stdio.h>

#include "daemon/daemon.h"
#include "daemon/health.h"
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

static void links(FILE *out, const struct daemon *d)
{
	struct health_link_view v;
	char where[256];

	family(out, "vipd_link_up", "gauge",
	       "1 while a watched VIP interface is operationally up (link signal)");
	for (size_t i = 0; health_link_get(d->health, i, &v); i++) {
		where_labels(v.ifname, v.netns, where, sizeof(where));
		fprintf(out, "vipd_link_up{%s} %d\n", where, v.cs && v.cs->status != CHECK_DOWN);
	}
	family(out, "vipd_link_changes_total", "counter", "changes of the link signal");
	for (size_t i = 0; health_link_get(d->health, i, &v); i++) {
		where_labels(v.ifname, v.netns, where, sizeof(where));
		fprintf(out, "vipd_link_changes_total{%s} %llu\n", where,
			(unsigned long long)(v.cs ? v.cs->changes : 0));
	}
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

static void gateways(FILE *out, const struct daemon *d)
{
	struct health_gw_view v;
	char labels[384];

	for (size_t s = 0; s < sizeof(gw_series) / sizeof(gw_series[0]); s++) {
		family(out, gw_series[s].name, gw_series[s].type, gw_series[s].help);
		for (size_t i = 0; health_gw_get(d->health, i, &v); i++) {
			gw_labels(&v, labels, sizeof(labels));
			fprintf(out, "%s{%s} %.17g\n", gw_series[s].name, labels,
				gw_series[s].fn(&v));
		}
	}
}

void metrics_write_checks(FILE *out, const struct daemon *d)
{
	if (!d->health)
		return;
	links(out, d);
	gateways(out, d);
}
