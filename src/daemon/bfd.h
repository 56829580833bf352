/* The daemon's BFD sessions (issue 16; docs/bfd.md): one per advert path
 * of the node record (namespace, advert interface, family: the pair's two
 * addresses), shared by every instance on it, run in the daemon's loop.
 *
 * The protocol is src/bfd (codec, session state machine: pure); the
 * sockets are net/bfd_sock.c (receive: one per (namespace, family); send:
 * one per session, bound to its interface and address). This file keeps
 * the sessions, their timers and what a session's change means for VRRP:
 * Up -> Down by detection time (the peer went silent) is handed to every
 * instance on the path (vrrp_inst_peer_down), whose BACKUP takes over at
 * once if it follows a master. A session that never came Up, a peer that
 * says Down, or one that says AdminDown (a clean stop: its priority 0
 * already hands over) changes nothing. */
#ifndef VIPD_DAEMON_BFD_H
#define VIPD_DAEMON_BFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "bfd/bfd_session.h"
#include "model/node_record.h"
#include "vrrp/runtime.h"

struct event_base;
struct event;
struct bfd_runner;

/* One session: an advert path. Fields are readable for status. */
struct bfd_path {
	struct bfd_runner *r;
	char netns[VRRP_RT_NETNS_MAX]; /* "" = the daemon's own */
	char ifname[VRRP_RT_IFNAME_MAX];
	enum ip_family family;
	struct ip_addr own, peer;
	uint32_t interval_ms;
	uint8_t multiplier;
	struct bfd_session s;
	int fd; /* send socket; -1 while it cannot be opened (retried) */
	int open_err;
	uint16_t sport;
	struct bfd_rx *rx;
	struct event *timer;
	int64_t changed_wall_ms;   /* CLOCK_REALTIME of the last state change */
	uint64_t takeovers;	   /* instances that took over on its loss */
	uint64_t untrusted_losses; /* losses within 1 s of coming Up: left to VRRP */
	uint64_t send_errors;
	/* The loop's lateness, to tell a stall of this daemon (or its host)
	 * from a silent peer when the session expires: when its timer is due
	 * (0: not armed), how late the tick that runs ran, the most a tick
	 * ran late, how many ran later than a transmit interval (the peer
	 * saw a gap in our packets), and when the peer's last packet came. */
	uint64_t timer_due_us;
	uint64_t tick_late_us;
	uint64_t late_max_us;
	uint64_t late_ticks;
	uint64_t last_rx_us;
	bool keep; /* sync's mark */
};

/* What a session change tells the daemon (events.c): after it was logged. */
typedef void (*bfd_change_fn)(void *arg, const struct bfd_path *p, enum bfd_state from);

struct bfd_runner *bfd_runner_new(struct event_base *base, struct vrrp_rt *rt);
void bfd_runner_on_change(struct bfd_runner *r, bfd_change_fn fn, void *arg);
/* The sessions the record's instances need: unchanged paths keep their
 * session, new ones start Down, gone ones say AdminDown and close. */
void bfd_runner_sync(struct bfd_runner *r, const struct node_record *rec);
/* A clean stop: every session says AdminDown (RFC 5880 6.8.16). */
void bfd_runner_stop(struct bfd_runner *r);
void bfd_runner_free(struct bfd_runner *r);

/* The session of an instance's advert path, NULL: none. */
const struct bfd_path *bfd_runner_path_of(const struct bfd_runner *r, const struct vrrp_inst *inst);
size_t bfd_runner_count(const struct bfd_runner *r);
const struct bfd_path *bfd_runner_path(const struct bfd_runner *r, size_t i);

/* docs/json.md "bfd": one session */
json_t *bfd_path_json(const struct bfd_path *p);

#endif
