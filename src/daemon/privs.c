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
 * and CAP_SETPCAP (to drop the bounding set afterwards). When the file at
 * start has an exec check that does not run as root (`user:`, "nobody"
 * when not written), also CAP_SETUID and CAP_SETGID
 * (the check's child switches to that user) and CAP_KILL (its process
 * group, then another user's, is killed at its timeout); a reload that
 * adds such a check later finds them gone, and the check says so. No new
 * privileges either: nothing vipd starts can gain any. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

#include "daemon/daemon.h"

#define EVERY_SET (CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET)

static const int kept_always[] = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN};
static const int kept_for_setup[] = {CAP_CHOWN, CAP_SETPCAP};
static const int kept_for_users[] = {CAP_SETUID, CAP_SETGID, CAP_KILL};

/* Under systemd the unit's bounding set may lack some of them already: a
 * capability vipd does not have is not asked for (capset would refuse),
 * and the bounding set is left to the unit when CAP_SETPCAP is gone. */
static int keep_only(bool setting_up, bool switch_users)
{
	bool had_always[3], had_setup[2], had_users[3], can_bound;

	capng_get_caps_process();
	for (size_t i = 0; i < 3; i++)
		had_always[i] = capng_have_capability(CAPNG_PERMITTED, kept_always[i]);
	for (size_t i = 0; i < 2; i++)
		had_setup[i] = capng_have_capability(CAPNG_PERMITTED, kept_for_setup[i]);
	for (size_t i = 0; i < 3; i++)
		had_users[i] = capng_have_capability(CAPNG_PERMITTED, kept_for_users[i]);
	can_bound = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < 3; i++)
		if (had_always[i] && capng_update(CAPNG_ADD, EVERY_SET, kept_always[i]) < 0)
			return -EINVAL;
	for (size_t i = 0; setting_up && i < 2; i++)
		if (had_setup[i] && capng_update(CAPNG_ADD, EVERY_SET, kept_for_setup[i]) < 0)
			return -EINVAL;
	for (size_t i = 0; switch_users && i < 3; i++)
		if (had_users[i] && capng_update(CAPNG_ADD, EVERY_SET, kept_for_users[i]) < 0)
			return -EINVAL;
	/* libcap-ng drops the bounding set first, while CAP_SETPCAP is in effect */
	return capng_apply(can_bound ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS) < 0 ? -EPERM : 0;
}

int privs_drop_for_setup(bool switch_users)
{
	int rc;

	if (geteuid() != 0)
		return 0; /* nothing to drop; the kernel will refuse what is missing */
	rc = keep_only(true, switch_users);
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		rc = -errno;
	return rc;
}

int privs_drop(bool switch_users)
{
	return geteuid() != 0 ? 0 : keep_only(false, switch_users);
}

bool privs_needs_users(const struct node_record *r)
{
	for (size_t i = 0; r && i < r->n_svcs; i++)
		if (r->svcs[i].type == SVC_EXEC &&
		    !(r->svcs[i].user && strcmp(r->svcs[i].user, "root") == 0))
			return true; /* a user, or "nobody" when none is written */
	return false;
}

bool privs_can_switch_users(void)
{
	if (geteuid() != 0)
		return false;
	capng_get_caps_process();
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_SETUID) &&
	       capng_have_capability(CAPNG_EFFECTIVE, CAP_SETGID) &&
	       capng_have_capability(CAPNG_EFFECTIVE, CAP_KILL);
}

/* A child that only parses (api_validate.c): no capability at all. */
int privs_drop_all(void)
{
	if (geteuid() != 0)
		return 0;
	capng_clear(CAPNG_SELECT_CAPS);
	return capng_apply(CAPNG_SELECT_CAPS) < 0 ? -EPERM : 0;
}
