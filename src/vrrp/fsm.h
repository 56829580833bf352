/* The VRRP state machine (RFC 5798, and RFC 3768 for version 2) as a pure
 * step function: (config, state, event, now) -> new state + actions.
 *
 * It never does I/O and reads no clock: the runtime feeds it events (timer
 * expiries, received adverts, health and drain changes) and carries out the
 * returned actions in order. That is what lets tests replay RFC scenarios
 * with a fake clock and no sockets.
 *
 * Timers: ARM_TIMER (re)starts the named timer, replacing any pending one;
 * CANCEL_TIMER stops it. The machine remembers which timers it armed, so an
 * expiry that raced with a cancel is ignored (and counted), not acted on.
 *
 * Times are milliseconds. Skew_Time is rounded UP to the millisecond so a
 * backup never declares the master down before the exact RFC time:
 * priority 100, advert 100 ms -> skew 61 ms, Master_Down_Interval 361 ms. */
#ifndef VIPD_VRRP_FSM_H
#define VIPD_VRRP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

enum vrrp_fsm_state {
	VRRP_FSM_INIT,	 /* RFC 5798 Initialize */
	VRRP_FSM_BACKUP, /* RFC 5798 Backup */
	VRRP_FSM_MASTER, /* RFC 5798 Master */
	/* The advert interface is down (DESIGN 3): no VRRP, no VIPs, no timers.
	 * keepalived's FAULT, FRR's Initialize. Left for BACKUP when it returns. */
	VRRP_FSM_FAULT,
	VRRP_FSM_STATE_COUNT,
};

enum vrrp_fsm_event_type {
	VRRP_FSM_EV_STARTUP,
	VRRP_FSM_EV_SHUTDOWN,
	VRRP_FSM_EV_ADVERT_RECEIVED,   /* uses ev.advert */
	VRRP_FSM_EV_MASTER_DOWN_TIMER, /* Master_Down_Timer expired */
	VRRP_FSM_EV_ADVERT_TIMER,      /* Adver_Timer expired */
	VRRP_FSM_EV_PREEMPT_TIMER,     /* preempt_delay elapsed */
	VRRP_FSM_EV_HEALTH_CHANGED,    /* uses ev.healthy */
	VRRP_FSM_EV_DRAIN,
	VRRP_FSM_EV_UNDRAIN,
	VRRP_FSM_EV_LINK_DOWN, /* the advert interface went down */
	VRRP_FSM_EV_LINK_UP,   /* ... and is back */
	/* The sum of the weights of the failing weighted checks (vrrp.track)
	 * changed: uses ev.priority_delta */
	VRRP_FSM_EV_WEIGHT_CHANGED,
	/* BFD lost the peer (its session went from Up to Down by detection
	 * time): a BACKUP that has heard a master takes over at once, as if
	 * Master_Down_Timer had fired; ignored in any other state */
	VRRP_FSM_EV_PEER_DOWN,
	/* The VIPs' virtual MAC left this node while BACKUP (its link raised
	 * by someone else, then lowered again): the switch may now send the
	 * VIPs' clients here. A BACKUP that has heard a master sends
	 * priority 0, which makes the master announce the VIPs again
	 * (RFC 5798 6.4.3: a master answers priority 0 at once); ignored in
	 * any other state */
	VRRP_FSM_EV_MAC_LEAKED,
	VRRP_FSM_EV_COUNT,
};

enum vrrp_fsm_timer {
	VRRP_FSM_TIMER_ADVERT,
	VRRP_FSM_TIMER_MASTER_DOWN,
	VRRP_FSM_TIMER_PREEMPT,
	VRRP_FSM_TIMER_COUNT,
};

enum vrrp_fsm_action_type {
	VRRP_FSM_ACT_SEND_ADVERT,  /* uses priority: the Priority field to send */
	VRRP_FSM_ACT_ARM_TIMER,	   /* uses timer, delay_ms */
	VRRP_FSM_ACT_CANCEL_TIMER, /* uses timer */
	VRRP_FSM_ACT_ADD_VIPS,
	VRRP_FSM_ACT_REMOVE_VIPS,
	VRRP_FSM_ACT_SEND_GARP, /* GARP/unsolicited NA; the runtime repeats garp.count times */
	VRRP_FSM_ACT_COUNT,
};

/* Why a transition happened; stable names for logs and status JSON. */
enum vrrp_fsm_cause {
	VRRP_FSM_CAUSE_STARTUP,
	VRRP_FSM_CAUSE_SHUTDOWN,
	VRRP_FSM_CAUSE_MASTER_DOWN,	/* Master_Down_Timer fired: peer silent */
	VRRP_FSM_CAUSE_PEER_RESIGNED,	/* priority 0 received, then Skew_Time passed */
	VRRP_FSM_CAUSE_HIGHER_PRIORITY, /* master saw a higher priority */
	VRRP_FSM_CAUSE_ADDRESS_TIE,	/* master saw equal priority from a higher address */
	VRRP_FSM_CAUSE_PREEMPT,		/* backup outranks the current master */
	VRRP_FSM_CAUSE_UNHEALTHY,	/* master resigned: health check failed */
	VRRP_FSM_CAUSE_DRAINED,		/* master resigned: operator drain */
	VRRP_FSM_CAUSE_LINK_DOWN,	/* advert interface down: FAULT */
	VRRP_FSM_CAUSE_LINK_UP,		/* advert interface back: FAULT -> BACKUP */
	VRRP_FSM_CAUSE_PEER_DOWN,	/* BFD lost the master (PEER_DOWN) */
	VRRP_FSM_CAUSE_COUNT,
};

/* Constant per instance, from the compiled model. */
struct vrrp_fsm_cfg {
	uint8_t version;	     /* 2 (RFC 3768) or 3 (RFC 5798) */
	uint8_t priority;	     /* configured Priority, 1..254 (never the owner's 255) */
	uint32_t advert_interval_ms; /* Advertisement_Interval; v3: 10..40950 in 10 ms steps,
				      * v2: 1000..255000 in whole seconds */
	bool preempt;		     /* Preempt_Mode */
	uint32_t preempt_delay_ms;   /* 0: preempt as soon as a lower master is heard */
	struct ip_addr own_addr;     /* our primary address: breaks equal-priority ties */
	/* Unicast between the node pair: the resigning master's peer is the only
	 * backup there is, so Skew_Time (which lets several backups arbitrate)
	 * only delays the takeover. With it set, a priority-0 advert makes the
	 * backup master at once. */
	bool single_peer;
	/* Added to the first Master_Down_Interval after the advert interface
	 * returns: a link that is up may not forward yet, and a backup that
	 * hears nothing meanwhile would make itself a second master. */
	uint32_t link_settle_ms;
};

/* How far a v3 backup follows a master's advertised interval (RFC 5798
 * 6.4.2): up to this many times its own configured one. An advert beyond
 * it is dropped: one spoofed advert with 4095 cs would otherwise stretch
 * Master_Down_Interval to 131 s. 2 lets a rolling change double the
 * interval in one step (docs/vrrp.md, "Timers and priorities"). */
#define VRRP_FSM_INTERVAL_TOLERANCE 2

/* An advert the runtime has already parsed and filtered (VRID, peer address). */
struct vrrp_fsm_advert {
	struct ip_addr src;	    /* sender's primary address */
	uint8_t priority;	    /* Priority field, 0..255 */
	uint32_t max_advert_int_ms; /* v3 Max Adver Int (centiseconds x 10); v2 Adver Int x 1000 */
};

struct vrrp_fsm_event {
	enum vrrp_fsm_event_type type;
	struct vrrp_fsm_advert advert; /* ADVERT_RECEIVED */
	bool healthy;		       /* HEALTH_CHANGED: the new value */
	/* HEALTH_CHANGED: healthy, but some signal has not been confirmed yet
	 * (a check that just started or restarted after its link returned). */
	bool pending;
	/* WEIGHT_CHANGED: added to the configured priority while healthy and
	 * not drained (negative lowers it), clamped to 1..254 */
	int16_t priority_delta;
};

struct vrrp_fsm_action {
	enum vrrp_fsm_action_type type;
	uint8_t priority;	   /* SEND_ADVERT: 0 (resign/shutdown), else effective priority */
	enum vrrp_fsm_timer timer; /* ARM_TIMER, CANCEL_TIMER */
	uint32_t delay_ms;	   /* ARM_TIMER: from now */
	bool single_round;	   /* SEND_GARP: one round, not the garp.count burst */
	/* SEND_GARP, single_round: sent at once even while a burst runs
	 * (whose next round may be an interval away): it answers priority 0
	 * from a peer that was not advertising, whose link may have taken
	 * the VIPs' MAC (VRRP_FSM_EV_MAC_LEAKED) */
	bool urgent;
};

#define VRRP_FSM_MAX_ACTIONS 8 /* the longest path (preempt takeover) needs 6 */
#define VRRP_FSM_REASON_MAX  96

struct vrrp_fsm_transition {
	enum vrrp_fsm_state from, to;
	enum vrrp_fsm_cause cause;
	char reason[VRRP_FSM_REASON_MAX]; /* "peer 192.0.2.12 silent for 361 ms" */
};

struct vrrp_fsm_actions {
	size_t count;
	struct vrrp_fsm_action items[VRRP_FSM_MAX_ACTIONS];
	bool has_transition; /* at most one per step */
	struct vrrp_fsm_transition transition;
	bool overflow; /* more actions or transitions than fit: this is a bug */
	/* v3: the master's interval this machine follows changed (the runtime
	 * logs it once per change): from interval_was_ms to interval_now_ms. */
	bool interval_changed;
	uint32_t interval_was_ms, interval_now_ms;
};

/* Counters that a peer's packets move are 64 bits wide; those that move
 * once per transition or decision at most are 32 bits (136 years of a
 * transition a second): an instance carries them all, a thousand times
 * (issue 16's memory). */
struct vrrp_fsm_counters {
	uint64_t adverts_sent;	   /* SEND_ADVERT actions emitted, any priority */
	uint64_t adverts_received; /* accepted for processing in BACKUP or MASTER */
	uint64_t prio0_received;
	uint64_t adverts_lower_ignored; /* MASTER: lower priority, discarded (RFC 5798 6.4.3) */
	uint64_t adverts_bad_interval;	/* v2: interval differs from ours; v3: zero */
	/* v3: interval above VRRP_FSM_INTERVAL_TOLERANCE x ours: dropped */
	uint64_t adverts_interval_out_of_bounds;
	uint64_t adverts_priority_255; /* the owner's priority: nobody owns a VIP here */
	/* MASTER: priority-0 adverts not answered at once (one answer per
	 * advert interval; the next advert carries the deferred round) */
	uint64_t prio0_answers_deferred;
	uint64_t reasserts;	 /* MASTER: advert + GARP answering a lower master */
	uint64_t ignored_events; /* events meaningless in the current state */
	uint32_t transitions;
	uint32_t became_master;
	uint32_t became_backup;
	uint32_t prio0_sent;
	uint32_t interval_changes;    /* the master's interval we follow changed */
	uint32_t resignations;	      /* MASTER -> BACKUP for health or drain */
	uint32_t preempts_delayed;    /* PREEMPT timer armed */
	uint32_t preempts_pending;    /* a preempt held back: our checks have not risen */
	uint32_t faults;	      /* entered FAULT (advert interface down) */
	uint32_t stale_timers;	      /* expiry of a timer not armed (raced with a cancel) */
	uint32_t peer_down_takeovers; /* BACKUP -> MASTER on PEER_DOWN (BFD) */
};

struct vrrp_fsm_timer_state {
	bool armed;
	uint64_t deadline_ms;
};

/* Runtime state; fields are readable for status output, written only by the step. */
struct vrrp_fsm {
	enum vrrp_fsm_state state;
	bool healthy; /* runtime inputs: both feed the effective priority */
	bool drained;
	/* the third input: the failing weighted checks' sum (WEIGHT_CHANGED) */
	int16_t priority_delta;
	/* Healthy but not yet confirmed by fresh samples: a BACKUP does not
	 * preempt while it is set (it still takes over from a silent master:
	 * a VIP is never left without an owner). */
	bool pending;
	bool link_down;			   /* the advert interface is down: FAULT */
	uint32_t master_adver_interval_ms; /* RFC 5798 Master_Adver_Interval */
	bool master_known;		   /* have we heard a master since startup? */
	struct ip_addr master_addr;	   /* last master heard */
	uint8_t master_priority;	   /* its last advertised priority */
	uint64_t last_advert_ms;	   /* when we last accepted its advert */
	uint64_t backup_since_ms;	   /* when we last entered BACKUP */
	bool peer_resigned;		   /* last advert had priority 0 */
	bool lower_seen;		   /* preempt delay running since lower_since_ms */
	/* Resigned but still holding the VIPs until the peer is heard as master
	 * (make-before-break: no client request hits a node without them). */
	bool releasing;
	uint64_t last_reassert_ms;
	/* The master interval last followed; 0: none yet (the configured one).
	 * Kept across transitions, so that a change is reported once. */
	uint32_t learned_interval_ms;
	/* MASTER: the last priority-0 answer (at most one per interval), and
	 * one more is owed with the next advert */
	bool prio0_answered;
	uint64_t prio0_answer_ms;
	bool prio0_answer_due;
	uint64_t last_lower_ms; /* MASTER: when a lower master was last heard */
	uint64_t lower_since_ms;
	struct vrrp_fsm_timer_state timers[VRRP_FSM_TIMER_COUNT];
	struct vrrp_fsm_counters counters;
};

/* INIT, healthy, not drained, link up. Send HEALTH_CHANGED (and LINK_DOWN)
 * before STARTUP if the first check result is already known. */
void vrrp_fsm_init(struct vrrp_fsm *st);

/* 0, or -EINVAL with a reason in *why (version, priority, interval range/step). */
int vrrp_fsm_cfg_check(const struct vrrp_fsm_cfg *cfg, const char **why);

void vrrp_fsm_step(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
		   const struct vrrp_fsm_event *ev, uint64_t now_ms, struct vrrp_fsm_actions *out);

/* The priority advertised with these inputs: (healthy && !drained) ?
 * configured priority + delta, clamped to 1..254 : 1. The one place it is
 * derived: the machine, the runtime's log and the daemon's status, events
 * and metrics all ask here, so that they cannot disagree. A delta that
 * takes the priority down to 1 makes the node advertise what an unhealthy
 * one does (the peer takes over even without preempt); 255 stays the
 * owner's, which nobody is here. */
uint8_t vrrp_fsm_priority_for(const struct vrrp_fsm_cfg *cfg, bool healthy, bool drained,
			      int delta);
/* What st advertises now: vrrp_fsm_priority_for(cfg, st->healthy,
 * st->drained, st->priority_delta). */
uint8_t vrrp_fsm_effective_priority(const struct vrrp_fsm_cfg *cfg, const struct vrrp_fsm *st);
/* ceil((256 - priority) * interval / 256) */
uint32_t vrrp_fsm_skew_time_ms(uint8_t priority, uint32_t master_adver_interval_ms);
/* 3 * interval + Skew_Time */
uint32_t vrrp_fsm_master_down_interval_ms(uint8_t priority, uint32_t master_adver_interval_ms);

/* The expiry event of a timer, for the runtime's timer callback. */
enum vrrp_fsm_event_type vrrp_fsm_timer_event(enum vrrp_fsm_timer t);

/* Name tables: "MASTER", "advert-received", "send-advert", "master-down", ... */
const char *vrrp_fsm_state_name(enum vrrp_fsm_state s);
const char *vrrp_fsm_event_name(enum vrrp_fsm_event_type e);
const char *vrrp_fsm_action_name(enum vrrp_fsm_action_type a);
const char *vrrp_fsm_timer_name(enum vrrp_fsm_timer t);
const char *vrrp_fsm_cause_name(enum vrrp_fsm_cause c);
/* Reverse lookups: the enum value, or -1 for an unknown name. */
int vrrp_fsm_state_from_name(const char *name);
int vrrp_fsm_cause_from_name(const char *name);

/* "BACKUP -> MASTER (peer 192.0.2.12 silent for 361 ms)"; returns buf. */
const char *vrrp_fsm_describe_transition(const struct vrrp_fsm_transition *t, char *buf,
					 size_t len);

#endif
