/* Health of the VRRP instances from their clusterIpMethod (DESIGN 3):
 *
 *   vrrp      always healthy
 *   link      the VIP interface is operationally up (check/link_watch.h)
 *   gw        the gateway of the instance's family answers on the VIP
 *             interface (check/gw_probe.h: ARP, neighbor solicitation),
 *             with the interface's gateway_check interval/timeout/fall/rise
 *   link+gw   both
 *
 * One link item per (namespace, interface) and one gateway probe per
 * (namespace, interface, family), shared by every instance that needs
 * them: the node record's check tables (model/node_record.h), which
 * deduplicated them; an instance is bound to its checks by their indexes
 * in the record. The VIP interface decides, never the advert one (vrrp.via). A
 * check's state UNKNOWN (not judged yet) counts as healthy.
 *
 * The checks never touch VRRP state (STYLE 8): this module is the one
 * place that maps their changes to vrrp_inst_set_healthy(). On every
 * change of a signal it recomputes the instances that use it; the reason
 * names the failing signal ("gateway 192.0.2.1 unreachable (3/3 probes)",
 * "link eth0 down: no carrier (operstate lowerlayerdown)"), or is
 * "healthy".
 *
 * Reload (STYLE 4): health_sync() with the new record before
 * vrrp_rt_apply(), health_commit() after. Checks whose (namespace,
 * interface[, family]) and settings are unchanged keep their state (no
 * re-probing from UNKNOWN); removed ones are freed at the commit; new ones
 * start. A gateway probe whose gateway, source address or gateway_check
 * settings changed is replaced by a fresh one. The record must live until
 * the next health_sync() (the daemon keeps it as long as its specs run). */
#ifndef VIPD_DAEMON_HEALTH_H
#define VIPD_DAEMON_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "check/gw_probe.h"
#include "check/rise_fall.h"
#include "model/model.h"
#include "model/node_record.h"
#include "vrrp/runtime.h"

struct health;

/* Installs itself as rt's hooks (new instances are bound to their checks
 * and told their health before they start). NULL on ENOMEM. */
struct health *health_new(struct vrrp_rt *rt);
/* Unbinds every instance, removes the hooks, stops every check. Call it
 * before vrrp_rt_done(). */
void health_free(struct health *h);

/* The checks of record r: kept, or created. Returns how many could not
 * be created (logged; their instances stay healthy). */
int health_sync(struct health *h, const struct node_record *r);
/* After vrrp_rt_apply(): every instance re-bound and re-judged, checks no
 * longer needed freed. */
void health_commit(struct health *h);

/* An instance's event (vrrp_rt.on_event, relayed by the daemon): a
 * member of a sync group whose own state changed (its VIPs cannot be
 * held, it entered FAULT) has its group judged again from the loop. */
void health_inst_event(struct health *h, const struct vrrp_inst *inst, enum vrrp_rt_event what);

/* A service check changed state (up, down): for the event stream. */
typedef void (*health_check_fn)(void *arg, const char *name, const char *type,
				const struct check_state *cs);
void health_on_check(struct health *h, health_check_fn fn, void *arg);

/* The "health" object of an instance in `vipctl status -o json`
 * (docs/json.md). */
json_t *health_inst_json(const struct vrrp_inst *inst);
/* The "checks" array of `vipctl status -o json`: every service check. */
json_t *health_checks_json(const struct health *h);

/* ---- read-only views, for metrics ---- */
struct health_link_view {
	const char *netns; /* "" = the daemon's own */
	const char *ifname;
	const struct check_state *cs; /* NULL while it cannot be watched */
	const char *error;	      /* why not, "" otherwise */
	size_t users;		      /* instances judged by it */
};
struct health_gw_view {
	const char *netns;
	const char *ifname;
	enum ip_family family;
	const struct gw_probe_cfg *cfg; /* gateway, source, timing */
	struct gw_probe_status st;	/* zeroed when the probe could not start */
	bool running;
	size_t users;
};
struct health_svc_view {
	const char *name;
	const char *type; /* "process", "tcp", "http", "exec" */
	const struct check_state *cs;
	const char *error; /* why it could not start, "" otherwise */
	bool running;
	size_t users; /* instances tracking it */
};
bool health_svc_get(const struct health *h, size_t i, struct health_svc_view *out);
/* The i-th check, false past the last. */
bool health_link_get(const struct health *h, size_t i, struct health_link_view *out);
bool health_gw_get(const struct health *h, size_t i, struct health_gw_view *out);

#endif
