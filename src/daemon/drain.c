/* Drain and undrain, and their state across restarts (docs/operations.md,
 * "Drain"): a drained node stays drained when vipd restarts or crashes, so
 * a restart during maintenance does not pull the VIPs back. The state is a
 * file named for the control socket, with ".drained" added
 * (/run/vipd/vipd.sock.drained by default; two vipd on one host have two
 * sockets): gone at reboot, like the drain an operator made for one run of
 * the machine. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"

static int state_path(const struct daemon *d, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.drained", d->control_path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Writes or removes the state file; a failure is logged, never fatal: the
 * drain itself has happened. */
static void state_save(struct daemon *d, bool drained)
{
	char path[256];
	int fd;

	if (state_path(d, path, sizeof(path)) < 0)
		return;
	if (!drained) {
		if (unlink(path) < 0 && errno != ENOENT)
			vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN, "cannot remove %s: %s", path,
				    strerror(errno));
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN,
			    "cannot write %s: %s (the drain is lost if vipd restarts)", path,
			    strerror(errno));
		return;
	}
	close(fd);
}

void daemon_set_drained(struct daemon *d, bool drained, const char *by)
{
	if (d->rt.drained != drained) /* first the cause, then the transitions it brings */
		events_daemon(d, drained ? "drain" : "undrain", by);
	vrrp_rt_set_drained(&d->rt, drained);
	state_save(d, drained);
}

void daemon_restore_drain(struct daemon *d)
{
	char path[256];

	if (state_path(d, path, sizeof(path)) < 0 || access(path, F_OK) < 0)
		return;
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO,
		    "%s exists: starting drained (vipctl undrain brings the VIPs back)", path);
	daemon_set_drained(d, true, "drained before the restart");
}
