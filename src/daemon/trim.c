/* Giving memory back after work the loop will not do again: the start,
 * a reload, a GET of the model (docs/decisions.md, "vipd's memory").
 * Twice: at once the heap (what the parse freed amid it), and once things
 * have settled (TRIM_SETTLE_S later) the heap again and the file pages
 * (util/file_pages.h). Not at once for the file pages: the loop's first
 * passes still fault in code of their own (the libraries' lazy binding
 * runs the dynamic linker at each function's first call), so pages given
 * back before them came straight back. */
#include <malloc.h>

#include <event2/event.h>

#include "daemon/daemon.h"
#include "util/file_pages.h"

#define TRIM_SETTLE_S 10

static void on_settled(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	size_t released_kb = 0;

	(void)fd;
	(void)what;
	(void)malloc_trim(0);
	if (file_pages_release(&released_kb) == 0)
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_DEBUG, "%zu KiB of file pages released",
			    released_kb);
}

void daemon_trim(struct daemon *d)
{
	const struct timeval settle = {.tv_sec = TRIM_SETTLE_S};

	(void)malloc_trim(0);
	if (!d->trim_ev)
		d->trim_ev = evtimer_new(d->base, on_settled, d);
	/* no event (out of memory): the pages stay, which costs memory only */
	if (d->trim_ev)
		(void)evtimer_add(d->trim_ev, &settle);
}

void daemon_trim_done(struct daemon *d)
{
	if (d->trim_ev)
		event_free(d->trim_ev);
	d->trim_ev = NULL;
}
