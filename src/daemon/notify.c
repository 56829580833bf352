/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path,
 * or "@name" for the abstract namespace). Silent when not under systemd. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/daemon.h"

void notify_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len;
	int fd;

	if (!path || !*path || strlen(path) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)!sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sun, (socklen_t)len);
	close(fd);
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	notify_send("WATCHDOG=1");
}

/* WATCHDOG_USEC (for us if WATCHDOG_PID is unset or ours): ping at half
 * the period, from the event loop, so a stuck loop stops the pings. */
int notify_watchdog_start(struct daemon *d)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	struct timeval tv;
	uint64_t half;

	if (!usec || !*usec)
		return 0;
	if (pid && *pid && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	d->watchdog_usec = strtoull(usec, NULL, 10);
	if (d->watchdog_usec == 0)
		return 0;
	half = d->watchdog_usec / 2;
	tv.tv_sec = (time_t)(half / 1000000);
	tv.tv_usec = (suseconds_t)(half % 1000000);
	d->watchdog_ev = event_new(d->base, -1, EV_PERSIST, on_watchdog, d);
	if (!d->watchdog_ev || event_add(d->watchdog_ev, &tv) < 0)
		return -ENOMEM;
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "systemd watchdog: ping every %llu ms",
		    (unsigned long long)(half / 1000));
	return 0;
}
