/* VRRP state machine: RFC 5798 section 6.4 (RFC 3768 6.4 for v2) plus the
 * health rules of DESIGN section 3. Pure: no I/O, no clock, no globals
 * except the const name tables. See fsm.h for the contract. */
#include "vrrp/fsm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const state_names[VRRP_FSM_STATE_COUNT] = {
    [VRRP_FSM_INIT] = "INIT",
    [VRRP_FSM_BACKUP] = "BACKUP",
    [VRRP_FSM_MASTER] = "MASTER",
    [VRRP_FSM_FAULT] = "FAULT",
};

static const char *const event_names[VRRP_FSM_EV_COUNT] = {
    [VRRP_FSM_EV_STARTUP] = "startup",
    [VRRP_FSM_EV_SHUTDOWN] = "shutdown",
    [VRRP_FSM_EV_ADVERT_RECEIVED] = "advert-received",
    [VRRP_FSM_EV_MASTER_DOWN_TIMER] = "master-down-timer",
    [VRRP_FSM_EV_ADVERT_TIMER] = "advert-timer",
    [VRRP_FSM_EV_PREEMPT_TIMER] = "preempt-timer",
    [VRRP_FSM_EV_HEALTH_CHANGED] = "health-changed",
    [VRRP_FSM_EV_DRAIN] = "drain",
    [VRRP_FSM_EV_UNDRAIN] = "undrain",
    [VRRP_FSM_EV_LINK_DOWN] = "link-down",
    [VRRP_FSM_EV_LINK_UP] = "link-up",
    [VRRP_FSM_EV_WEIGHT_CHANGED] = "weight-changed",
    [VRRP_FSM_EV_PEER_DOWN] = "peer-down",
    [VRRP_FSM_EV_MAC_LEAKED] = "mac-leaked",
};

static const char *const action_names[VRRP_FSM_ACT_COUNT] = {
    [VRRP_FSM_ACT_SEND_ADVERT] = "send-advert",	  [VRRP_FSM_ACT_ARM_TIMER] = "arm-timer",
    [VRRP_FSM_ACT_CANCEL_TIMER] = "cancel-timer", [VRRP_FSM_ACT_ADD_VIPS] = "add-vips",
    [VRRP_FSM_ACT_REMOVE_VIPS] = "remove-vips",	  [VRRP_FSM_ACT_SEND_GARP] = "send-garp",
};

static const char *const timer_names[VRRP_FSM_TIMER_COUNT] = {
    [VRRP_FSM_TIMER_ADVERT] = "advert",
    [VRRP_FSM_TIMER_MASTER_DOWN] = "master-down",
    [VRRP_FSM_TIMER_PREEMPT] = "preempt",
};

static const char *const cause_names[VRRP_FSM_CAUSE_COUNT] = {
    [VRRP_FSM_CAUSE_STARTUP] = "startup",
    [VRRP_FSM_CAUSE_SHUTDOWN] = "shutdown",
    [VRRP_FSM_CAUSE_MASTER_DOWN] = "master-down",
    [VRRP_FSM_CAUSE_PEER_RESIGNED] = "peer-resigned",
    [VRRP_FSM_CAUSE_HIGHER_PRIORITY] = "higher-priority",
    [VRRP_FSM_CAUSE_ADDRESS_TIE] = "address-tie",
    [VRRP_FSM_CAUSE_PREEMPT] = "preempt",
    [VRRP_FSM_CAUSE_UNHEALTHY] = "unhealthy",
    [VRRP_FSM_CAUSE_DRAINED] = "drained",
    [VRRP_FSM_CAUSE_LINK_DOWN] = "link-down",
    [VRRP_FSM_CAUSE_LINK_UP] = "link-up",
    [VRRP_FSM_CAUSE_PEER_DOWN] = "peer-down",
};

static const char *name_of(const char *const *table, size_t n, unsigned v)
{
	return v < n && table[v] ? table[v] : "?";
}

static int index_of(const char *const *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (table[i] && strcmp(table[i], name) == 0)
			return (int)i;
	return -1;
}

const char *vrrp_fsm_state_name(enum vrrp_fsm_state s)
{
	return name_of(state_names, VRRP_FSM_STATE_COUNT, s);
}

const char *vrrp_fsm_event_name(enum vrrp_fsm_event_type e)
{
	return name_of(event_names, VRRP_FSM_EV_COUNT, e);
}

const char *vrrp_fsm_action_name(enum vrrp_fsm_action_type a)
{
	return name_of(action_names, VRRP_FSM_ACT_COUNT, a);
}

const char *vrrp_fsm_timer_name(enum vrrp_fsm_timer t)
{
	return name_of(timer_names, VRRP_FSM_TIMER_COUNT, t);
}

const char *vrrp_fsm_cause_name(enum vrrp_fsm_cause c)
{
	return name_of(cause_names, VRRP_FSM_CAUSE_COUNT, c);
}

int vrrp_fsm_state_from_name(const char *name)
{
	return index_of(state_names, VRRP_FSM_STATE_COUNT, name);
}

int vrrp_fsm_cause_from_name(const char *name)
{
	return index_of(cause_names, VRRP_FSM_CAUSE_COUNT, name);
}

enum vrrp_fsm_event_type vrrp_fsm_timer_event(enum vrrp_fsm_timer t)
{
	switch (t) {
	case VRRP_FSM_TIMER_ADVERT:
		return VRRP_FSM_EV_ADVERT_TIMER;
	case VRRP_FSM_TIMER_MASTER_DOWN:
		return VRRP_FSM_EV_MASTER_DOWN_TIMER;
	default:
		return VRRP_FSM_EV_PREEMPT_TIMER;
	}
}

const char *vrrp_fsm_describe_transition(const struct vrrp_fsm_transition *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s -> %s (%s)", vrrp_fsm_state_name(t->from),
		 vrrp_fsm_state_name(t->to), t->reason);
	return buf;
}

void vrrp_fsm_init(struct vrrp_fsm *st)
{
	memset(st, 0, sizeof(*st));
	st->state = VRRP_FSM_INIT;
	st->healthy = true;
}

int vrrp_fsm_cfg_check(const struct vrrp_fsm_cfg *cfg, const char **why)
{
	uint32_t iv = cfg->advert_interval_ms;

	*why = NULL;
	if (cfg->version != 2 && cfg->version != 3)
		*why = "version must be 2 or 3";
	else if (cfg->priority < 1 || cfg->priority > 254)
		*why = "priority out of range 1..254";
	else if (cfg->version == 3 && (iv < 10 || iv > 40950 || iv % 10 != 0))
		*why = "v3 advert interval must be 10..40950 ms in 10 ms steps";
	else if (cfg->version == 2 && (iv < 1000 || iv > 255000 || iv % 1000 != 0))
		*why = "v2 advert interval must be 1..255 whole seconds";
	else if (cfg->own_addr.family != IP_V4 && cfg->own_addr.family != IP_V6)
		*why = "own address has no family";
	else if (cfg->version == 2 && cfg->own_addr.family != IP_V4)
		*why = "v2 is IPv4 only";
	return *why ? -EINVAL : 0;
}

uint8_t vrrp_fsm_priority_for(const struct vrrp_fsm_cfg *cfg, bool healthy, bool drained, int delta)
{
	int p = (int)cfg->priority + delta;

	if (!healthy || drained)
		return 1;
	return (uint8_t)(p < 1 ? 1 : p > 254 ? 254 : p);
}

uint8_t vrrp_fsm_effective_priority(const struct vrrp_fsm_cfg *cfg, const struct vrrp_fsm *st)
{
	return vrrp_fsm_priority_for(cfg, st->healthy, st->drained, st->priority_delta);
}

/* Rounded up: an early Master_Down would be a false takeover, a late one
 * by under a millisecond costs nothing. */
uint32_t vrrp_fsm_skew_time_ms(uint8_t priority, uint32_t master_adver_interval_ms)
{
	uint64_t n = (uint64_t)(256u - priority) * master_adver_interval_ms;

	return (uint32_t)((n + 255) / 256);
}

uint32_t vrrp_fsm_master_down_interval_ms(uint8_t priority, uint32_t master_adver_interval_ms)
{
	return 3 * master_adver_interval_ms +
	       vrrp_fsm_skew_time_ms(priority, master_adver_interval_ms);
}

/* ---- action emitters ---- */

static struct vrrp_fsm_action *push(struct vrrp_fsm_actions *out, enum vrrp_fsm_action_type t)
{
	struct vrrp_fsm_action *a;

	if (out->count == VRRP_FSM_MAX_ACTIONS) {
		out->overflow = true;
		return NULL;
	}
	a = &out->items[out->count++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

static void emit(struct vrrp_fsm_actions *out, enum vrrp_fsm_action_type t)
{
	push(out, t);
}

static void send_advert(struct vrrp_fsm *st, struct vrrp_fsm_actions *out, uint8_t priority)
{
	struct vrrp_fsm_action *a = push(out, VRRP_FSM_ACT_SEND_ADVERT);

	if (!a)
		return;
	a->priority = priority;
	st->counters.adverts_sent++;
	if (priority == 0)
		st->counters.prio0_sent++;
}

static void arm(struct vrrp_fsm *st, struct vrrp_fsm_actions *out, enum vrrp_fsm_timer t,
		uint32_t delay_ms, uint64_t now_ms)
{
	struct vrrp_fsm_action *a = push(out, VRRP_FSM_ACT_ARM_TIMER);

	if (!a)
		return;
	a->timer = t;
	a->delay_ms = delay_ms;
	st->timers[t].armed = true;
	st->timers[t].deadline_ms = now_ms + delay_ms;
}

/* Only timers we armed are cancelled, so action lists stay exact. */
static void cancel(struct vrrp_fsm *st, struct vrrp_fsm_actions *out, enum vrrp_fsm_timer t)
{
	struct vrrp_fsm_action *a;

	if (!st->timers[t].armed)
		return;
	st->timers[t].armed = false;
	a = push(out, VRRP_FSM_ACT_CANCEL_TIMER);
	if (a)
		a->timer = t;
}

__attribute__((format(printf, 5, 6))) static void
transition(struct vrrp_fsm *st, struct vrrp_fsm_actions *out, enum vrrp_fsm_state to,
	   enum vrrp_fsm_cause cause, const char *fmt, ...)
{
	struct vrrp_fsm_transition *t = &out->transition;
	va_list ap;

	if (out->has_transition)
		out->overflow = true; /* two transitions in one step: this is a bug */
	out->has_transition = true;
	t->from = st->state;
	t->to = to;
	t->cause = cause;
	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
	st->state = to;
	st->counters.transitions++;
	if (to == VRRP_FSM_MASTER)
		st->counters.became_master++;
	else if (to == VRRP_FSM_BACKUP)
		st->counters.became_backup++;
}

/* ---- shared state changes ---- */

static uint32_t master_down_ms(const struct vrrp_fsm_cfg *cfg, const struct vrrp_fsm *st)
{
	return vrrp_fsm_master_down_interval_ms(vrrp_fsm_effective_priority(cfg, st),
						st->master_adver_interval_ms);
}

/* RFC 5798 6.4.3 "transition to Master". Also cancels what a backup may
 * have pending, so the runtime never sees a stale master-down expiry act. */
static void enter_master(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			 struct vrrp_fsm_actions *out)
{
	cancel(st, out, VRRP_FSM_TIMER_MASTER_DOWN);
	cancel(st, out, VRRP_FSM_TIMER_PREEMPT);
	st->lower_seen = false;
	st->peer_resigned = false;
	st->master_adver_interval_ms = cfg->advert_interval_ms;
	st->releasing = false;
	st->prio0_answered = false;
	st->prio0_answer_due = false;
	/* VIPs and GARP before the advert: the old master releases when it
	 * hears us, and by then clients already find the VIPs here. */
	emit(out, VRRP_FSM_ACT_ADD_VIPS);
	emit(out, VRRP_FSM_ACT_SEND_GARP);
	send_advert(st, out, vrrp_fsm_effective_priority(cfg, st));
	arm(st, out, VRRP_FSM_TIMER_ADVERT, cfg->advert_interval_ms, now_ms);
}

/* MASTER -> BACKUP; the caller sends priority 0. keep_vips: a resigning
 * master keeps them until the peer is heard.
 *
 * release_then_tell: a master that gives its VIPs up at once removes them
 * BEFORE it sends priority 0. Priority 0 makes the peer announce the VIPs
 * (master_answer_prio0), and that announcement must be the last word the
 * segment hears about them. With vrrp.virtual_mac both nodes own the same
 * MAC, and the kernel still sends from our link while the VIPs go (the
 * MLD report of the groups an IPv6 address leaves, a jiffy after its
 * removal): told first, the peer's answer could reach the switch before
 * that report, which then moves the MAC to our port, where the link is
 * down: the VIP dark at the peer that holds it (chaos seed 11, docs/vmac.md).
 * The runtime lowers the link with the VIPs, so after the removal nothing
 * leaves it. Without a virtual MAC the order changes nothing. */
static void leave_master(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			 struct vrrp_fsm_actions *out, bool keep_vips)
{
	st->releasing = keep_vips;
	if (!keep_vips)
		emit(out, VRRP_FSM_ACT_REMOVE_VIPS);
	arm(st, out, VRRP_FSM_TIMER_MASTER_DOWN, master_down_ms(cfg, st), now_ms);
	st->backup_since_ms = now_ms;
	st->lower_seen = false;
	st->peer_resigned = false;
}

static void stop_preempt(struct vrrp_fsm *st, struct vrrp_fsm_actions *out)
{
	st->lower_seen = false;
	cancel(st, out, VRRP_FSM_TIMER_PREEMPT);
}

static void note_master(struct vrrp_fsm *st, const struct vrrp_fsm_advert *adv, uint64_t now_ms)
{
	st->master_known = true;
	st->master_addr = adv->src;
	st->master_priority = adv->priority;
	st->last_advert_ms = now_ms;
	st->peer_resigned = adv->priority == 0;
}

/* v3 backups follow the master's interval (RFC 5798 6.4.2), within the
 * bound on_advert enforced; v2 never differs from ours, bad intervals
 * having been discarded already. A change from the interval followed
 * last (the configured one at first) is reported once, for the log. */
static void learn_interval(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
			   const struct vrrp_fsm_advert *adv, struct vrrp_fsm_actions *out)
{
	uint32_t was = st->learned_interval_ms ? st->learned_interval_ms : cfg->advert_interval_ms;

	if (cfg->version != 3)
		return;
	st->master_adver_interval_ms = adv->max_advert_int_ms;
	st->learned_interval_ms = adv->max_advert_int_ms;
	if (adv->max_advert_int_ms == was)
		return;
	st->counters.interval_changes++;
	out->interval_changed = true;
	out->interval_was_ms = was;
	out->interval_now_ms = adv->max_advert_int_ms;
}

/* RFC 3768 7.1: v2 discards an advert whose interval is not ours. A v3
 * interval of 0 would make Master_Down_Interval 0: a takeover on the next
 * tick, so it is refused too. */
static bool interval_acceptable(const struct vrrp_fsm_cfg *cfg, const struct vrrp_fsm_advert *adv)
{
	if (cfg->version == 2)
		return adv->max_advert_int_ms == cfg->advert_interval_ms;
	return adv->max_advert_int_ms != 0;
}

/* v3: a master's interval above the tolerance is not followed but dropped
 * (fsm.h, VRRP_FSM_INTERVAL_TOLERANCE): one spoofed 4095 cs would park a
 * master that yields to it for 3 x 40.95 s. Shorter ones are followed: a
 * faster master only makes us judge it sooner. */
static bool interval_in_bounds(const struct vrrp_fsm_cfg *cfg, const struct vrrp_fsm_advert *adv)
{
	return (uint64_t)adv->max_advert_int_ms <=
	       (uint64_t)cfg->advert_interval_ms * VRRP_FSM_INTERVAL_TOLERANCE;
}

/* Unsigned byte order of the primary addresses, RFC 5798 6.4.3. */
static bool addr_greater(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family > b->family;
	return memcmp(a->bytes, b->bytes, ip_len(a)) > 0;
}

/* ---- STARTUP / SHUTDOWN ---- */

/* Backup with nothing known of the master: at startup and when the advert
 * interface returns. We never own the addresses (no priority 255), so a
 * node always begins as Backup and takes its slot through a normal
 * transition. */
static void enter_backup(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			 uint32_t extra_wait_ms, struct vrrp_fsm_actions *out)
{
	st->master_adver_interval_ms = cfg->advert_interval_ms;
	st->master_known = false;
	st->backup_since_ms = now_ms;
	st->lower_seen = false;
	st->peer_resigned = false;
	st->releasing = false;
	arm(st, out, VRRP_FSM_TIMER_MASTER_DOWN, master_down_ms(cfg, st) + extra_wait_ms, now_ms);
}

static void on_startup(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
		       struct vrrp_fsm_actions *out)
{
	if (st->state != VRRP_FSM_INIT) {
		st->counters.ignored_events++;
		return;
	}
	if (st->link_down) {
		transition(st, out, VRRP_FSM_FAULT, VRRP_FSM_CAUSE_LINK_DOWN,
			   "startup: advert interface down");
		st->counters.faults++;
		return;
	}
	enter_backup(cfg, st, now_ms, 0, out);
	transition(st, out, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_STARTUP, "startup");
}

static void on_shutdown(struct vrrp_fsm *st, struct vrrp_fsm_actions *out)
{
	switch (st->state) {
	case VRRP_FSM_BACKUP:
		cancel(st, out, VRRP_FSM_TIMER_MASTER_DOWN);
		cancel(st, out, VRRP_FSM_TIMER_PREEMPT);
		st->lower_seen = false;
		if (st->releasing)
			emit(out, VRRP_FSM_ACT_REMOVE_VIPS);
		st->releasing = false;
		transition(st, out, VRRP_FSM_INIT, VRRP_FSM_CAUSE_SHUTDOWN, "shutdown");
		break;
	case VRRP_FSM_MASTER:
		/* Priority 0 lets the peer take over after its Skew_Time; the
		 * VIPs go before it (release_then_tell). */
		cancel(st, out, VRRP_FSM_TIMER_ADVERT);
		emit(out, VRRP_FSM_ACT_REMOVE_VIPS);
		send_advert(st, out, 0);
		transition(st, out, VRRP_FSM_INIT, VRRP_FSM_CAUSE_SHUTDOWN,
			   "shutdown: priority 0 sent");
		break;
	case VRRP_FSM_FAULT:
		transition(st, out, VRRP_FSM_INIT, VRRP_FSM_CAUSE_SHUTDOWN, "shutdown");
		break;
	default:
		st->counters.ignored_events++;
		break;
	}
}

/* ---- ADVERT_RECEIVED ---- */

/* A lower-priority master while we may preempt. preempt_delay counts from
 * the first such advert; until it has elapsed we treat the master as alive. */
static void backup_preempt(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
			   const struct vrrp_fsm_advert *adv, uint64_t now_ms,
			   struct vrrp_fsm_actions *out)
{
	char a[IP_STR_MAX];
	uint64_t waited;

	if (!st->lower_seen) {
		st->lower_seen = true;
		st->lower_since_ms = now_ms;
	}
	waited = now_ms - st->lower_since_ms;
	if (waited >= cfg->preempt_delay_ms) {
		enter_master(cfg, st, now_ms, out);
		transition(st, out, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT,
			   "preempting lower priority %u from %s", adv->priority,
			   ip_ntop(&adv->src, a));
		return;
	}
	learn_interval(cfg, st, adv, out);
	arm(st, out, VRRP_FSM_TIMER_MASTER_DOWN, master_down_ms(cfg, st), now_ms);
	if (!st->timers[VRRP_FSM_TIMER_PREEMPT].armed) {
		arm(st, out, VRRP_FSM_TIMER_PREEMPT, (uint32_t)(cfg->preempt_delay_ms - waited),
		    now_ms);
		st->counters.preempts_delayed++;
	}
}

/* RFC 5798 6.4.2, with one addition: a master advertising priority 1 is
 * unhealthy or drained (DESIGN 3: it loses to any healthy node), so we
 * take over from it even with preempt off. */
static void backup_on_advert(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
			     const struct vrrp_fsm_advert *adv, uint64_t now_ms,
			     struct vrrp_fsm_actions *out)
{
	uint8_t prio = vrrp_fsm_effective_priority(cfg, st);

	note_master(st, adv, now_ms);
	if (st->releasing && adv->priority > 0) {
		/* the peer is master now: the VIPs we kept can go */
		emit(out, VRRP_FSM_ACT_REMOVE_VIPS);
		st->releasing = false;
	}
	if (adv->priority == 0) {
		stop_preempt(st, out);
		arm(st, out, VRRP_FSM_TIMER_MASTER_DOWN,
		    cfg->single_peer ? 0
				     : vrrp_fsm_skew_time_ms(prio, st->master_adver_interval_ms),
		    now_ms);
		return;
	}
	if (adv->priority < prio && (cfg->preempt || adv->priority == 1)) {
		if (!st->pending) {
			backup_preempt(cfg, st, adv, now_ms, out);
			return;
		}
		/* Our checks have not risen since they (re)started: taking the
		 * slot now could mean giving it back a moment later. */
		st->counters.preempts_pending++;
	}
	stop_preempt(st, out);
	learn_interval(cfg, st, adv, out);
	arm(st, out, VRRP_FSM_TIMER_MASTER_DOWN, master_down_ms(cfg, st), now_ms);
}

/* RFC 5798 6.4.3. */

/* Announce the VIPs again: an advert and ONE GARP/NA round (not a burst:
 * with hundreds of instances bursts feed a storm while both nodes start). */
static void master_announce(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			    bool urgent, struct vrrp_fsm_actions *out)
{
	struct vrrp_fsm_action *garp;

	st->last_reassert_ms = now_ms;
	st->counters.reasserts++;
	send_advert(st, out, vrrp_fsm_effective_priority(cfg, st));
	garp = push(out, VRRP_FSM_ACT_SEND_GARP);
	if (garp) {
		garp->single_round = true;
		garp->urgent = urgent;
	}
	arm(st, out, VRRP_FSM_TIMER_ADVERT, cfg->advert_interval_ms, now_ms);
}

/* Two masters (a healed split): the lower one yields when it hears us, but
 * while it was master it sent GARPs, so clients may still send to it. The
 * first lower advert of an episode (none heard for 3 intervals) is always
 * answered: that is the round that repairs the clients. Within an episode
 * (a peer that cannot hear us keeps advertising) the rounds are thinned
 * to one per max(1 s, 3 advert intervals). */
static void master_reassert(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			    struct vrrp_fsm_actions *out)
{
	uint64_t episode_gap = 3ull * cfg->advert_interval_ms;
	uint64_t thin = episode_gap < 1000 ? 1000 : episode_gap;
	bool new_episode = !st->last_lower_ms || now_ms - st->last_lower_ms > episode_gap;

	st->last_lower_ms = now_ms;
	if (!new_episode && now_ms - st->last_reassert_ms < thin)
		return;
	master_announce(cfg, st, now_ms, false, out);
}

/* No advert heard from the peer for 3 intervals, as master (a lower one)
 * or before (the master we followed or preempted). */
static bool peer_silent(const struct vrrp_fsm_cfg *cfg, const struct vrrp_fsm *st, uint64_t now_ms)
{
	uint64_t heard =
	    st->last_lower_ms > st->last_advert_ms ? st->last_lower_ms : st->last_advert_ms;

	return !heard || now_ms - heard > 3ull * cfg->advert_interval_ms;
}

/* A peer that thought it was master is leaving (it heard us, or it
 * resigns): it may have announced our VIPs meanwhile, so we announce them
 * again. The first answer goes out at once: it is the round that repairs
 * the clients. Anyone on the segment can forge priority 0, so a flood of
 * them must not become a GARP flood: within an advert interval of the
 * last answer, one more round is owed and goes with the next advert
 * (on_advert_timer), never more than one per interval. */
static void master_answer_prio0(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
				uint64_t now_ms, struct vrrp_fsm_actions *out)
{
	if (st->prio0_answered && now_ms - st->prio0_answer_ms < cfg->advert_interval_ms) {
		st->prio0_answer_due = true;
		st->counters.prio0_answers_deferred++;
		return;
	}
	st->prio0_answered = true;
	st->prio0_answer_ms = now_ms;
	st->prio0_answer_due = false;
	/* A peer that was advertising (two masters: it yields) sent its
	 * priority 0 right after our takeover's first round, which covers
	 * it; one silent for 3 intervals was a backup whose virtual MAC
	 * link leaked (or a master we could not hear): clients may be at
	 * its port since our last round, so this one goes at once */
	master_announce(cfg, st, now_ms, peer_silent(cfg, st, now_ms), out);
}

static void master_on_advert(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
			     const struct vrrp_fsm_advert *adv, uint64_t now_ms,
			     struct vrrp_fsm_actions *out)
{
	uint8_t prio = vrrp_fsm_effective_priority(cfg, st);
	char a[IP_STR_MAX];

	if (adv->priority == 0) {
		master_answer_prio0(cfg, st, now_ms, out);
		return;
	}
	if (adv->priority < prio ||
	    (adv->priority == prio && !addr_greater(&adv->src, &cfg->own_addr))) {
		st->counters.adverts_lower_ignored++;
		master_reassert(cfg, st, now_ms, out);
		return;
	}
	note_master(st, adv, now_ms);
	learn_interval(cfg, st, adv, out);
	cancel(st, out, VRRP_FSM_TIMER_ADVERT);
	/* Priority 0 on the way out: the master we yield to may not have heard
	 * us as master (our adverts lost in the split), yet we announced the
	 * VIPs; this tells it to announce them again (master_on_advert). It
	 * follows the VIPs' removal (release_then_tell). */
	leave_master(cfg, st, now_ms, out, false);
	send_advert(st, out, 0);
	ip_ntop(&adv->src, a);
	if (adv->priority > prio)
		transition(st, out, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_HIGHER_PRIORITY,
			   "higher priority %u from %s", adv->priority, a);
	else
		transition(st, out, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_ADDRESS_TIE,
			   "equal priority %u from higher address %s", adv->priority, a);
}

static void on_advert(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
		      const struct vrrp_fsm_advert *adv, uint64_t now_ms,
		      struct vrrp_fsm_actions *out)
{
	if (st->state == VRRP_FSM_INIT || st->state == VRRP_FSM_FAULT) {
		st->counters.ignored_events++;
		return;
	}
	if (!interval_acceptable(cfg, adv)) {
		st->counters.adverts_bad_interval++;
		return;
	}
	/* No instance owns its VIPs' addresses (fsm.h: priority 1..254), so
	 * 255 comes from a stranger or a forger: it would win every election. */
	if (adv->priority == 255) {
		st->counters.adverts_priority_255++;
		return;
	}
	if (cfg->version == 3 && !interval_in_bounds(cfg, adv)) {
		st->counters.adverts_interval_out_of_bounds++;
		return;
	}
	st->counters.adverts_received++;
	if (adv->priority == 0)
		st->counters.prio0_received++;
	if (st->state == VRRP_FSM_BACKUP)
		backup_on_advert(cfg, st, adv, now_ms, out);
	else
		master_on_advert(cfg, st, adv, now_ms, out);
}

/* ---- timers ---- */

/* True when the expiry is for a timer we still have armed in a state that
 * uses it, and its deadline has come; consumes the timer. An expiry before
 * the deadline waits again for the rest: either an advert re-armed the
 * timer after it fired and before its expiry was stepped (the runtime
 * reads waiting adverts first: runtime_inst.c), or the timer's clock ran
 * ahead of ours (libevent arms from the time its loop pass began). */
static bool timer_live(struct vrrp_fsm *st, enum vrrp_fsm_timer t, enum vrrp_fsm_state want,
		       uint64_t now_ms, struct vrrp_fsm_actions *out)
{
	struct vrrp_fsm_action *a;

	if (st->state != want || !st->timers[t].armed) {
		st->counters.stale_timers++;
		return false;
	}
	if (now_ms < st->timers[t].deadline_ms) {
		a = push(out, VRRP_FSM_ACT_ARM_TIMER);
		if (a) {
			a->timer = t;
			a->delay_ms = (uint32_t)(st->timers[t].deadline_ms - now_ms);
		}
		return false;
	}
	st->timers[t].armed = false;
	return true;
}

static void on_master_down(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			   struct vrrp_fsm_actions *out)
{
	bool resigned = st->peer_resigned;
	uint64_t since = st->backup_since_ms;
	char a[IP_STR_MAX] = "?";

	if (!timer_live(st, VRRP_FSM_TIMER_MASTER_DOWN, VRRP_FSM_BACKUP, now_ms, out))
		return;
	if (st->master_known && st->last_advert_ms > since)
		since = st->last_advert_ms;
	if (st->master_known)
		ip_ntop(&st->master_addr, a);
	enter_master(cfg, st, now_ms, out);
	if (resigned)
		transition(st, out, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PEER_RESIGNED,
			   "priority 0 from peer %s (resigned)", a);
	else if (st->master_known)
		transition(st, out, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN,
			   "peer %s silent for %llu ms", a, (unsigned long long)(now_ms - since));
	else
		transition(st, out, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_MASTER_DOWN,
			   "no advert for %llu ms", (unsigned long long)(now_ms - since));
}

/* BFD lost the peer: a BACKUP that follows a master takes over now
 * instead of at Master_Down_Interval. One that never heard a master
 * already runs its own Master_Down_Timer and is left to it. */
static void on_peer_down(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			 struct vrrp_fsm_actions *out)
{
	char a[IP_STR_MAX];

	if (st->state != VRRP_FSM_BACKUP || !st->master_known) {
		st->counters.ignored_events++;
		return;
	}
	ip_ntop(&st->master_addr, a);
	st->counters.peer_down_takeovers++;
	enter_master(cfg, st, now_ms, out);
	transition(st, out, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PEER_DOWN,
		   "peer %s lost by BFD, last advert %llu ms ago", a,
		   (unsigned long long)(now_ms - st->last_advert_ms));
}

/* The round owed to a priority 0 that came within an interval of the
 * last answer (master_answer_prio0), with this advert. */
static void answer_prio0_late(struct vrrp_fsm *st, uint64_t now_ms, struct vrrp_fsm_actions *out)
{
	struct vrrp_fsm_action *garp = push(out, VRRP_FSM_ACT_SEND_GARP);

	if (garp)
		garp->single_round = true;
	st->prio0_answer_due = false;
	st->prio0_answer_ms = now_ms;
	st->last_reassert_ms = now_ms;
	st->counters.reasserts++;
}

static void on_advert_timer(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			    struct vrrp_fsm_actions *out)
{
	uint64_t next;

	if (!timer_live(st, VRRP_FSM_TIMER_ADVERT, VRRP_FSM_MASTER, now_ms, out))
		return;
	send_advert(st, out, vrrp_fsm_effective_priority(cfg, st));
	if (st->prio0_answer_due)
		answer_prio0_late(st, now_ms, out);
	/* The next advert is due one interval after this one was due, not after
	 * it was sent: a loop busy with many instances must not stretch the
	 * interval (and approach the backup's Master_Down_Interval). More than
	 * an interval late, start afresh rather than send a burst. */
	next = st->timers[VRRP_FSM_TIMER_ADVERT].deadline_ms + cfg->advert_interval_ms;
	if (next <= now_ms)
		next = now_ms + cfg->advert_interval_ms;
	arm(st, out, VRRP_FSM_TIMER_ADVERT, (uint32_t)(next - now_ms), now_ms);
}

static void on_preempt_timer(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
			     struct vrrp_fsm_actions *out)
{
	uint8_t lower = st->master_priority;
	uint64_t waited = now_ms - st->lower_since_ms;
	char a[IP_STR_MAX];

	if (!timer_live(st, VRRP_FSM_TIMER_PREEMPT, VRRP_FSM_BACKUP, now_ms, out))
		return;
	/* Re-check: the timer only says the delay is over, not that we still win. */
	if (!st->lower_seen || st->pending || lower >= vrrp_fsm_effective_priority(cfg, st)) {
		st->counters.ignored_events++;
		return;
	}
	ip_ntop(&st->master_addr, a);
	enter_master(cfg, st, now_ms, out);
	transition(st, out, VRRP_FSM_MASTER, VRRP_FSM_CAUSE_PREEMPT,
		   "preempting lower priority %u from %s after %llu ms", lower, a,
		   (unsigned long long)waited);
}

/* ---- health and drain ---- */

/* Health, drain and the tracked checks' weight all move the effective
 * priority. A master whose priority changes but stays above 1 says so at
 * once (the peer preempts if it now outranks us). A master that drops to
 * priority 1 resigns exactly once: the drop is an edge, and a re-elected
 * priority-1 master sees no further drop, so it keeps the VIPs instead of
 * flapping while the peer is away. */
static void on_priority_input(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
			      const struct vrrp_fsm_event *ev, uint64_t now_ms,
			      struct vrrp_fsm_actions *out)
{
	uint8_t before = vrrp_fsm_effective_priority(cfg, st);
	uint8_t after;
	bool drain = ev->type == VRRP_FSM_EV_DRAIN || ev->type == VRRP_FSM_EV_UNDRAIN;

	if (ev->type == VRRP_FSM_EV_HEALTH_CHANGED) {
		st->healthy = ev->healthy;
		st->pending = ev->healthy && ev->pending;
	} else if (ev->type == VRRP_FSM_EV_WEIGHT_CHANGED) {
		st->priority_delta = ev->priority_delta;
	} else {
		st->drained = ev->type == VRRP_FSM_EV_DRAIN;
	}
	after = vrrp_fsm_effective_priority(cfg, st);
	if (after == before || st->state == VRRP_FSM_INIT || st->state == VRRP_FSM_FAULT)
		return;
	if (st->state == VRRP_FSM_BACKUP) {
		/* Outranking changed: the next advert decides, and a recovered
		 * node's preempt delay counts from then. */
		stop_preempt(st, out);
		return;
	}
	if (after > 1) {
		send_advert(st, out, after);
		arm(st, out, VRRP_FSM_TIMER_ADVERT, cfg->advert_interval_ms, now_ms);
		return;
	}
	cancel(st, out, VRRP_FSM_TIMER_ADVERT);
	send_advert(st, out, 0);
	st->master_adver_interval_ms = cfg->advert_interval_ms;
	leave_master(cfg, st, now_ms, out, true);
	st->counters.resignations++;
	if (drain)
		transition(st, out, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_DRAINED, "drained: resign");
	else if (ev->type == VRRP_FSM_EV_WEIGHT_CHANGED)
		transition(st, out, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_UNHEALTHY,
			   "tracked checks' weight %d: priority 1, resign", st->priority_delta);
	else
		transition(st, out, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_UNHEALTHY, "unhealthy: resign");
}

/* ---- the advert interface ---- */

/* Down: nothing can be sent or heard, so the instance cannot take part in
 * VRRP. It leaves Master at once and gives up its VIPs: the peer, which
 * stops hearing us, takes them over; keeping them here would leave two
 * masters, and the heal would be a silent one. */
static void on_link_down(struct vrrp_fsm *st, struct vrrp_fsm_actions *out)
{
	enum vrrp_fsm_state was = st->state;

	st->link_down = true;
	if (was == VRRP_FSM_INIT || was == VRRP_FSM_FAULT)
		return;
	for (int t = 0; t < VRRP_FSM_TIMER_COUNT; t++)
		cancel(st, out, (enum vrrp_fsm_timer)t);
	if (was == VRRP_FSM_MASTER || st->releasing)
		emit(out, VRRP_FSM_ACT_REMOVE_VIPS);
	st->releasing = false;
	st->lower_seen = false;
	st->counters.faults++;
	transition(st, out, VRRP_FSM_FAULT, VRRP_FSM_CAUSE_LINK_DOWN,
		   was == VRRP_FSM_MASTER ? "advert interface down: VIPs released"
					  : "advert interface down");
}

/* Back: Backup, as at startup; taking the slot again is an ordinary
 * preemption (or Master_Down) with its full announcement. */
static void on_link_up(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st, uint64_t now_ms,
		       struct vrrp_fsm_actions *out)
{
	st->link_down = false;
	if (st->state != VRRP_FSM_FAULT)
		return;
	enter_backup(cfg, st, now_ms, cfg->link_settle_ms, out);
	transition(st, out, VRRP_FSM_BACKUP, VRRP_FSM_CAUSE_LINK_UP, "advert interface up");
}

/* Priority 0 from a BACKUP asks the master it follows to announce the
 * VIPs again (master_answer_prio0, at most one round per interval); with
 * no master heard, nobody is asked (a backup peer would take it as a
 * resignation and take over early). */
static void on_mac_leaked(struct vrrp_fsm *st, struct vrrp_fsm_actions *out)
{
	if (st->state == VRRP_FSM_BACKUP && st->master_known)
		send_advert(st, out, 0);
}

void vrrp_fsm_step(const struct vrrp_fsm_cfg *cfg, struct vrrp_fsm *st,
		   const struct vrrp_fsm_event *ev, uint64_t now_ms, struct vrrp_fsm_actions *out)
{
	memset(out, 0, sizeof(*out));
	switch (ev->type) {
	case VRRP_FSM_EV_STARTUP:
		on_startup(cfg, st, now_ms, out);
		break;
	case VRRP_FSM_EV_SHUTDOWN:
		on_shutdown(st, out);
		break;
	case VRRP_FSM_EV_ADVERT_RECEIVED:
		on_advert(cfg, st, &ev->advert, now_ms, out);
		break;
	case VRRP_FSM_EV_MASTER_DOWN_TIMER:
		on_master_down(cfg, st, now_ms, out);
		break;
	case VRRP_FSM_EV_ADVERT_TIMER:
		on_advert_timer(cfg, st, now_ms, out);
		break;
	case VRRP_FSM_EV_PREEMPT_TIMER:
		on_preempt_timer(cfg, st, now_ms, out);
		break;
	case VRRP_FSM_EV_HEALTH_CHANGED:
	case VRRP_FSM_EV_WEIGHT_CHANGED:
	case VRRP_FSM_EV_DRAIN:
	case VRRP_FSM_EV_UNDRAIN:
		on_priority_input(cfg, st, ev, now_ms, out);
		break;
	case VRRP_FSM_EV_LINK_DOWN:
		on_link_down(st, out);
		break;
	case VRRP_FSM_EV_LINK_UP:
		on_link_up(cfg, st, now_ms, out);
		break;
	case VRRP_FSM_EV_PEER_DOWN:
		on_peer_down(cfg, st, now_ms, out);
		break;
	case VRRP_FSM_EV_MAC_LEAKED:
		on_mac_leaked(st, out);
		break;
	default:
		st->counters.ignored_events++; /* unknown event type: this is a bug */
		break;
	}
}
