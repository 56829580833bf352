/* Least privilege (docs/security.md): vipd keeps the capabilities its
 * work needs and drops the rest, bounding set included, so that a bug in
 * a parser or a check cannot be turned into more than network
 * configuration. What each kept capability is for:
 *
 *   CAP_NET_ADMIN  addresses (VIPs), links, netlink changes
 *   CAP_NET_RAW    VRRP raw sockets, AF_PACKET for GARP/NA and ARP probes
 *   CAP_SYS_ADMIN  setns() into the network namespaces the file names
 *
 * and, until the control socket is set up, CAP_CHOWN (its --control-group)
 * and CAP_SETPCAP (to drop the bounding set afterwards). No new privileges
 * either: nothing vipd starts can gain any. */
#include <errno.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

#include "daemon/daemon.h"

#define EVERY_SET (CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET)

static const int kept_always[] = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN};
static const int kept_for_setup[] = {CAP_CHOWN, CAP_SETPCAP};

/* Under systemd the unit's bounding set may lack some of them already: a
 * capability vipd does not have is not asked for (capset would refuse),
 * and the bounding set is left to the unit when CAP_SETPCAP is gone. */
static int keep_only(bool setting_up)
{
	bool had_always[3], had_setup[2], can_bound;

	capng_get_caps_process();
	for (size_t i = 0; i < 3; i++)
		had_always[i] = capng_have_capability(CAPNG_PERMITTED, kept_always[i]);
	for (size_t i = 0; i < 2; i++)
		had_setup[i] = capng_have_capability(CAPNG_PERMITTED, kept_for_setup[i]);
	can_bound = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < 3; i++)
		if (had_always[i] && capng_update(CAPNG_ADD, EVERY_SET, kept_always[i]) < 0)
			return -EINVAL;
	for (size_t i = 0; setting_up && i < 2; i++)
		if (had_setup[i] && capng_update(CAPNG_ADD, EVERY_SET, kept_for_setup[i]) < 0)
			return -EINVAL;
	/* libcap-ng drops the bounding set first, while CAP_SETPCAP is in effect */
	return capng_apply(can_bound ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS) < 0 ? -EPERM : 0;
}

int privs_drop_for_setup(void)
{
	int rc;

	if (geteuid() != 0)
		return 0; /* nothing to drop; the kernel will refuse what is missing */
	rc = keep_only(true);
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		rc = -errno;
	return rc;
}

int privs_drop(void)
{
	return geteuid() != 0 ? 0 : keep_only(false);
}

/* A child that only parses (api_validate.c): no capability at all. */
int privs_drop_all(void)
{
	if (geteuid() != 0)
		return 0;
	capng_clear(CAPNG_SELECT_CAPS);
	return capng_apply(CAPNG_SELECT_CAPS) < 0 ? -EPERM : 0;
}
