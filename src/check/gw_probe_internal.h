/* What gw_probe.c (timing, funnel, callback) shares with the two probe
 * kinds (wire I/O): gw_arp.c and gw_nd.c. Private to src/check. */
#ifndef VIPD_CHECK_GW_PROBE_INTERNAL_H
#define VIPD_CHECK_GW_PROBE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <net/if.h>

#include "check/gw_probe.h"
#include "net/arpnd.h"
#include "util/netdev_limits.h" /* LIVE_NS_MAX */

struct event;

/* One probe kind: how to open its socket, send one probe, read one frame.
 * Each ends its file as a const table of these. */
struct gw_kind {
	const char *method; /* "arp" | "nd" */
	/* Opens p->fd inside p's namespace, bound to p->ifname, and fills
	 * p->ifindex and p->mac. 0 or a negative errno (fd left -1). */
	int (*open)(struct gw_probe *p);
	/* Sends one probe for p->cfg.gateway. 0 or a negative errno. */
	int (*send)(struct gw_probe *p);
	/* Reads one datagram: 1 if it is from the gateway (p->gw_mac set
	 * when it carried one), 0 if read and discarded (counted in
	 * p->discarded), -EAGAIN when nothing is left, another negative
	 * errno on a socket error. */
	int (*recv)(struct gw_probe *p);
};

struct gw_probe {
	struct event_base *base;
	struct net_ctx *ctx;
	char netns[LIVE_NS_MAX];
	char ifname[IFNAMSIZ];
	struct gw_probe_cfg cfg; /* netns and ifname point at the copies */
	const struct gw_kind *kind;
	char subject[IP_STR_MAX + 16]; /* "gateway 192.0.2.1" */

	/* the socket and what the kind learnt when it opened it */
	int fd; /* -1: closed; opened at the next probe */
	int ifindex;
	uint8_t mac[ARPND_ETH_ALEN];
	uint8_t gw_mac[ARPND_ETH_ALEN]; /* from the gateway's last answer */
	bool gw_mac_known;
	bool unicast;	    /* ARP: the last probe was answered: ask gw_mac directly */
	bool asked_unicast; /* ARP: the probe out was sent to gw_mac (its answer must come from it)
			     */

	struct event *tick;	  /* sends a probe */
	struct event *expire;	  /* the outstanding probe's timeout */
	struct event *rx;	  /* p->fd readable */
	struct event *notify;	  /* runs the callback, from the loop */
	uint64_t next_ms;	  /* deadline of the next tick */
	bool outstanding;	  /* a probe is out, neither answered nor expired */
	bool paused;		  /* the interface is down: no probes (gw_probe_set_link) */
	uint64_t settle_until_ms; /* link back: no failure counted before then... */
	bool settling;		  /* ... unless an answer came first */
	uint64_t sent_us;

	struct check_state cs;
	enum check_status notified; /* what the callback was last told */
	gw_probe_cb cb;
	void *arg;

	uint64_t sent, answered, late, discarded, send_errors;
	uint32_t last_rtt_us;
};

#endif
