/* Sockets in other namespaces, and the monotonic clock. */
#include "check/check_io.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/netns.h"

/* Failing to come back would leave the thread in the wrong namespace for
 * everything after, and nothing sensible can follow: abort, as netns.c
 * does. */
int check_socket_in(struct net_ctx *ctx, const char *netns, int domain, int type, int proto)
{
	bool away = netns && *netns;
	int fd, err = 0;

	if (away) {
		int nsfd = net_ns_fd(ctx, netns);

		if (nsfd < 0)
			return nsfd;
		if (setns(nsfd, CLONE_NEWNET) < 0)
			return -errno;
	}
	fd = socket(domain, type | SOCK_CLOEXEC, proto);
	if (fd < 0)
		err = -errno;
	if (away && setns(ctx->own_fd, CLONE_NEWNET) < 0) {
		fprintf(stderr,
			"vipd: cannot return to the own network namespace: %s; this is a bug\n",
			strerror(errno));
		abort();
	}
	return fd < 0 ? err : fd;
}

uint64_t check_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* +1 ms keeps 0 free for "never" in the counters */
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u + 1000u;
}

uint64_t check_now_ms(void)
{
	return check_now_us() / 1000u;
}

int check_iface_ids(int fd, const char *ifname, int *ifindex, uint8_t mac[6])
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EPFNOSUPPORT; /* ARP and NA/NS here speak Ethernet only */
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}
