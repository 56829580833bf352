/* The order of one hook runner's jobs (a sync group's, or an instance's
 * outside any group): strictly one at a time, in transition order, and
 * while one runs the waiting ones collapse to the latest, since only the
 * state the group or instance is in now is worth acting on (a conntrackd
 * "primary" script that finishes after the node became backup again
 * would be the wrong last word). keepalived runs its notify scripts
 * concurrently, so a later BACKUP script can finish before an earlier
 * MASTER one; this queue is why vipd's cannot.
 *
 * Pure: the runner (hooks.c) starts and reaps the processes; this only
 * says which job comes next. Jobs are opaque indexes into the runner's
 * own storage (two slots: running and waiting). */
#ifndef VIPD_DAEMON_HOOK_QUEUE_H
#define VIPD_DAEMON_HOOK_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct hook_queue {
	bool running;	  /* a job runs now */
	bool waiting;	  /* one job waits for it to end */
	uint64_t queued;  /* jobs offered */
	uint64_t started; /* jobs started */
	/* jobs replaced by a later one before they could start */
	uint64_t collapsed;
};

enum hook_queue_verdict {
	HOOK_QUEUE_START, /* nothing runs: start this job now */
	HOOK_QUEUE_WAIT,  /* it waits for the running one (any earlier waiting one is dropped) */
};

/* A transition produced a job. */
enum hook_queue_verdict hook_queue_offer(struct hook_queue *q);
/* The waiting job is no longer wanted (the state went back to the one
 * the running job acts on): counted as collapsed. */
void hook_queue_drop_waiting(struct hook_queue *q);
/* The running job ended (exit, kill at its timeout, or failure to start).
 * True: start the waiting job now (it is the running one from here). */
bool hook_queue_done(struct hook_queue *q);

#endif
