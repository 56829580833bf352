/* The BFD sessions' series (issue 16; docs/operations.md): one label set
 * per session (interface, namespace, family, peer). */
#include <stdio.h>

#include "daemon/bfd.h"
#include "daemon/daemon.h"
#include "daemon/metrics_fmt.h"

typedef double (*bfd_value_fn)(const struct bfd_path *p);

static double v_up(const struct bfd_path *p)
{
	return p->s.state == BFD_STATE_UP;
}
static double v_detect(const struct bfd_path *p)
{
	return (double)p->s.detect_time_us / 1e6;
}
static double v_tx(const struct bfd_path *p)
{
	return (double)bfd_session_tx_interval_us(&p->s) / 1e6;
}
static double v_flaps(const struct bfd_path *p)
{
	return (double)p->s.counters.downs;
}
static double v_takeovers(const struct bfd_path *p)
{
	return (double)p->takeovers;
}
static double v_rx(const struct bfd_path *p)
{
	return (double)p->s.counters.rx;
}
static double v_tx_pkts(const struct bfd_path *p)
{
	return (double)p->s.counters.tx;
}
static double v_late(const struct bfd_path *p)
{
	return (double)p->late_ticks;
}

static const struct {
	const char *name, *type, *help;
	bfd_value_fn fn;
} series[] = {
    {"vipd_bfd_up", "gauge", "1 while the BFD session of the advert path is Up", v_up},
    {"vipd_bfd_detection_seconds", "gauge",
     "the detection time in force: the peer's multiplier x the agreed interval", v_detect},
    {"vipd_bfd_tx_interval_seconds", "gauge", "the agreed transmit interval, before jitter", v_tx},
    {"vipd_bfd_flaps_total", "counter", "Up -> Down transitions of the session", v_flaps},
    {"vipd_bfd_takeovers_total", "counter",
     "instances that took over at once because the session lost the peer", v_takeovers},
    {"vipd_bfd_packets_received_total", "counter", "control packets accepted", v_rx},
    {"vipd_bfd_packets_sent_total", "counter", "control packets sent", v_tx_pkts},
    {"vipd_bfd_late_timer_ticks_total", "counter",
     "the session's timer ran later than a transmit interval: this daemon or its host stalled "
     "(the peer saw a gap in its packets)",
     v_late},
};

static void labels(const struct bfd_path *p, char *buf, size_t len)
{
	char ns[2 * VRRP_RT_NETNS_MAX], ifn[2 * VRRP_RT_IFNAME_MAX], a[IP_STR_MAX];

	metrics_escape(ifn, sizeof(ifn), p->ifname);
	metrics_escape(ns, sizeof(ns), p->netns);
	snprintf(buf, len, "interface=\"%s\",namespace=\"%s\",family=\"%s\",peer=\"%s\"", ifn, ns,
		 p->family == IP_V4 ? "ipv4" : "ipv6", ip_ntop(&p->peer, a));
}

void metrics_write_bfd(FILE *out, const struct daemon *d)
{
	char l[512];

	if (bfd_runner_count(d->bfd) == 0)
		return;
	for (size_t s = 0; s < sizeof(series) / sizeof(series[0]); s++) {
		fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", series[s].name, series[s].help,
			series[s].name, series[s].type);
		for (size_t i = 0; i < bfd_runner_count(d->bfd); i++) {
			const struct bfd_path *p = bfd_runner_path(d->bfd, i);

			labels(p, l, sizeof(l));
			fprintf(out, "%s{%s} %.6g\n", series[s].name, l, series[s].fn(p));
		}
	}
}
