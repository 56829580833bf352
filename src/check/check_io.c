/* The monotonic clock and interface ids of the checks. */
#include "check/check_io.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

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
