/* What the daemon's listeners (control socket, HTTP) share. */
#include <string.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "daemon/daemon.h"

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evconnlistener_enable(arg);
}

/* Listeners are freed only after the loop has stopped, so the resume
 * timer can never find its listener gone. */
void daemon_accept_backoff(struct daemon *d, struct evconnlistener *l, const char *who)
{
	const struct timeval pause = {.tv_sec = 1};
	int err = EVUTIL_SOCKET_ERROR();

	vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN, "%s: accept: %s; pausing for 1 s", who,
		    strerror(err));
	evconnlistener_disable(l);
	event_base_once(d->base, -1, EV_TIMEOUT, on_resume, l, &pause);
}
