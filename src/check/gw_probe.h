/* The `gw` signal: does the gateway of an address family answer on the
 * interface? One API over the two probe kinds: ARP for IPv4 (gw_arp.c),
 * Neighbor Solicitation for IPv6 (gw_nd.c).
 *
 * Timing. A probe goes out at once, then every interval_ms (deadline-based,
 * no drift). An answer within timeout_ms is a success, reported as soon as
 * it arrives; none is a failure, reported when the timeout expires.
 * timeout_ms above interval_ms is cut to interval_ms: a probe is concluded
 * before the next one goes out. Every result goes through check_result()
 * (rise_fall.h) with the configured fall/rise; the callback comes on a
 * change only (UNKNOWN -> UP included). After the gateway stops answering,
 * DOWN comes within fall x interval + timeout (the last probe it answered
 * may have left just before it died), and at least (fall - 1) x interval +
 * timeout after the first unanswered probe left.
 *
 * A failure to send (the link is down, the interface is gone, the source
 * address is not there) is a failed probe at once, with the reason in the
 * text. The socket is reopened at the next interval after a failure if
 * the interface's index changed or it vanished, so an interface deleted and
 * re-created is followed; an interface missing at gw_probe_new is not an
 * error either: every probe fails until it appears.
 *
 * The probe never touches VRRP state: the daemon maps the callback (and
 * gw_probe_state()) to vrrp_inst_set_healthy(). UNKNOWN, the state before
 * the first threshold is reached, counts as healthy (see rise_fall.h).
 *
 * Callbacks run from the event loop; a callback may call gw_probe_free()
 * on its own probe (nothing touches the probe after the callback). */
#ifndef VIPD_CHECK_GW_PROBE_H
#define VIPD_CHECK_GW_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "check/rise_fall.h"
#include "util/ipaddr.h"

struct event_base;
struct net_ctx;
struct gw_probe;

struct gw_probe_cfg {
	const char *netns;	/* NULL or "" = the daemon's own; copied */
	const char *ifname;	/* the L3 interface (vlan100, not bond0); copied */
	enum ip_family family;	/* IP_V4: ARP; IP_V6: neighbor solicitation */
	struct ip_addr own;	/* the node's own address on ifname: ARP sender
				 * (ar$spa) / NS source, a global one for IPv6 */
	struct ip_addr gateway; /* the address probed */
	uint32_t interval_ms;	/* between probes; >= 10 */
	uint32_t timeout_ms;	/* per probe; cut to interval_ms */
	uint32_t fall;		/* consecutive failures for DOWN */
	uint32_t rise;		/* consecutive successes for UP */
	/* After the link returns (gw_probe_set_link), failures are not counted
	 * before the first answer for this long: the link may not forward yet. */
	uint32_t link_settle_ms;
	/* Optional: a probe could not be sent (err: a negative errno); called
	 * with gw_probe_new's arg, before the failure is counted, so that the
	 * daemon can ask its link watch whether the link is still there
	 * (link_watch_recheck): the kernel may tell a lost carrier late. */
	void (*send_failed)(void *arg, int err);
};

/* up: the new state; reason: "gateway 192.0.2.1 unreachable (3/3 probes)",
 * "gateway 2001:db8::1 answers (2/2 probes)", "gateway 192.0.2.1
 * unreachable: send on vlan100: Network is down (3/3 probes)". The text is
 * only valid during the call. */
typedef void (*gw_probe_cb)(void *arg, bool up, const char *reason);

struct gw_probe_status {
	const char *method; /* "arp" | "nd" */
	enum check_status status;
	uint32_t ok_run, fail_run; /* consecutive successes / failures */
	uint64_t last_change_ms;   /* check_now_ms() clock; 0: never changed */
	uint64_t changes;
	char reason[CHECK_TEXT_MAX]; /* of the last change */
	char detail[CHECK_TEXT_MAX]; /* of the last probe */
	uint64_t sent;		     /* probes sent */
	uint64_t answered;	     /* answered within the timeout */
	uint64_t late;		     /* answers with no probe outstanding */
	uint64_t discarded;	     /* frames read that were not an answer */
	uint64_t send_errors;	     /* probes that could not go out */
	uint32_t last_rtt_us;	     /* of the last answer */
	bool gw_mac_known;	     /* a gateway MAC has been learnt */
	uint8_t gw_mac[6];	     /*   from its last answer */
};

/* NULL with errno set: EINVAL for a bad configuration (families differ,
 * interval < 10 ms, names too long), ENOMEM. Nothing is sent before the
 * loop runs. */
struct gw_probe *gw_probe_new(struct event_base *base, struct net_ctx *ctx,
			      const struct gw_probe_cfg *cfg, gw_probe_cb cb, void *arg);

void gw_probe_state(const struct gw_probe *p, struct gw_probe_status *out);

/* Healthy for the daemon: UP or UNKNOWN. */
bool gw_probe_healthy(const struct gw_probe *p);

/* The interface's link went down or came back (the daemon's link watch
 * says so). Down: probing pauses and the check is DOWN at once with
 * reason (a gateway cannot answer over a dead link, and waiting for fall
 * probes would only delay the verdict). Up: the check starts afresh,
 * UNKNOWN with no counts, and a probe goes out at once, so the verdict
 * after a link returns comes from fresh samples only: failures counted
 * while the link was down are never the gateway's. Unanswered probes in
 * the first cfg.link_settle_ms after the return, before the first answer,
 * are not counted either (the port may not forward yet). Callbacks as for
 * any change. A repeated call with the same value does nothing. */
void gw_probe_set_link(struct gw_probe *p, bool up, const char *reason);

void gw_probe_free(struct gw_probe *p);

#endif
