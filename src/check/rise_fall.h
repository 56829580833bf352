/* The one funnel every check result goes through: fall/rise hysteresis,
 * counters and the reason text of the last change (OpenBSD relayd style:
 * a probe says "ok" or "not ok" once per attempt, only this decides).
 *
 * Pure: no clock (the caller passes now_ms), no I/O, no globals.
 *
 * States. A check starts UNKNOWN. `rise` consecutive successes make it UP,
 * `fall` consecutive failures make it DOWN, from UNKNOWN as from the other
 * state; a mixed sequence that reaches neither threshold leaves it where it
 * is. UNKNOWN is "up, not yet confirmed": the daemon treats it as healthy,
 * so a node that just started does not advertise priority 1 for the first
 * fall x interval only because no probe has been answered yet. Its
 * consequence, stated here so that nobody is surprised: a check that
 * flaps from the start without ever reaching a threshold stays UNKNOWN,
 * which is what an UP check would do with the same sequence (it stays UP).
 * UNKNOWN -> UP is reported as a change (BECAME_UP); the daemon sees
 * healthy -> healthy and does nothing, but the log and status show it.
 *
 * Thresholds of 0 count as 1. */
#ifndef VIPD_CHECK_RISE_FALL_H
#define VIPD_CHECK_RISE_FALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK_TEXT_MAX 160

enum check_status {
	CHECK_UNKNOWN = 0,
	CHECK_UP,
	CHECK_DOWN,
};

enum check_change {
	CHECK_CHANGE_NONE = 0,
	CHECK_CHANGE_BECAME_UP,
	CHECK_CHANGE_BECAME_DOWN,
};

struct check_state {
	/* configuration (check_state_init) */
	uint32_t fall; /* consecutive failures that make it DOWN */
	uint32_t rise; /* consecutive successes that make it UP */
	bool counts;   /* append " (k/n probes)" to the texts; off for
			* event-driven checks, where one event is the truth */

	/* state */
	enum check_status status;
	uint32_t ok_run;	 /* consecutive successes, 0 after a failure */
	uint32_t fail_run;	 /* consecutive failures, 0 after a success */
	uint64_t probes;	 /* results seen */
	uint64_t oks;		 /* of which successes */
	uint64_t changes;	 /* status changes, UNKNOWN -> x included */
	uint64_t last_change_ms; /* now_ms of the last change; 0: none yet */
	uint64_t last_ms;	 /* now_ms of the last result; 0: none yet */
	/* The texts, of at most CHECK_TEXT_MAX - 1 characters, in util/text.h
	 * slots: never NULL, and an empty one costs a pointer. */
	const char *detail; /* last result: its detail + counts */
	const char *reason; /* the detail that made the last change */
};

void check_state_init(struct check_state *st, uint32_t fall, uint32_t rise, bool counts);
/* Gives the texts back; init makes the state usable again. */
void check_state_done(struct check_state *st);

/* Applies one result. detail says what the probe saw ("gateway 192.0.2.1
 * unreachable", "gateway 192.0.2.1 answers"); with counts on, the stored
 * texts get the run against its threshold appended: "gateway 192.0.2.1
 * unreachable (3/3 probes)", or "(7 probes in a row)" past the threshold.
 * Returns what changed; on a change, st->reason holds the text. */
enum check_change check_result(struct check_state *st, bool ok, uint64_t now_ms,
			       const char *detail);

/* What a probe saw that is no result (an answer while its link settles):
 * the detail only; nothing is counted and the status stays. */
void check_note(struct check_state *st, const char *detail);
/* A verdict that no probe gave: the check's interface went down, so it is
 * DOWN at once (force_down), or it came back, so it starts afresh as
 * UNKNOWN with its runs cleared (restart) and needs `rise` fresh results.
 * Probes and oks are not counted; a status change is, as for a result.
 * Returns what changed (a restart to UNKNOWN counts in `changes` but
 * returns CHECK_CHANGE_NONE: there is no "became unknown"). */
enum check_change check_force_down(struct check_state *st, uint64_t now_ms, const char *detail);
enum check_change check_restart(struct check_state *st, uint64_t now_ms, const char *detail);

/* Healthy for the daemon: UP or UNKNOWN. */
bool check_healthy(const struct check_state *st);

/* "unknown", "up", "down"; "invalid" outside the enum. */
const char *check_status_name(enum check_status s);
/* "none", "became-up", "became-down"; "invalid" outside the enum. */
const char *check_change_name(enum check_change c);

#endif
