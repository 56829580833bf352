/* Least privilege (docs/security.md): vipd keeps the capabilities its
 * work needs and drops the rest, bounding set included, so that a bug in
 * a parser or a check cannot be turned into more than network
 * configuration. What each kept capability is for:
 *
 *   CAP_NET_ADMIN  addresses (VIPs), links, netlink changes
 *   CAP_NET_RAW    VRRP raw sockets, AF_PACKET for GARP/NA and ARP probes
 *   CAP_SYS_ADMIN  setns() into the network namespaces the file names
 *
 * No new privileges either: nothing vipd starts can gain any. */
#include <errno.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

#include "daemon/daemon.h"

int privs_drop(void)
{
	if (geteuid() != 0)
		return 0; /* nothing to drop; the kernel will refuse what is missing */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			  CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN, -1) < 0)
		return -EINVAL;
	if (capng_apply(CAPNG_SELECT_BOTH) < 0)
		return -EPERM;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}
