#include "daemon/hook_queue.h"

enum hook_queue_verdict hook_queue_offer(struct hook_queue *q)
{
	q->queued++;
	if (!q->running) {
		q->running = true;
		q->started++;
		return HOOK_QUEUE_START;
	}
	if (q->waiting)
		q->collapsed++;
	q->waiting = true;
	return HOOK_QUEUE_WAIT;
}

bool hook_queue_done(struct hook_queue *q)
{
	if (!q->waiting) {
		q->running = false;
		return false;
	}
	q->waiting = false;
	q->started++;
	return true; /* still running: the waiting job took its place */
}

void hook_queue_drop_waiting(struct hook_queue *q)
{
	if (!q->waiting)
		return;
	q->waiting = false;
	q->collapsed++;
}
