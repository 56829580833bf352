/* GARP / unsolicited NA senders. See garp.h for the contract. */
#include "net/garp.h"

#include <errno.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/arpnd.h"

int garp_open(int ifindex)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* Protocol 0: bound to the device for sending, receives nothing. */
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int garp_link_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		rc = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return rc;
}

static int send_frame(int fd, int ifindex, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = ARPND_ETH_ALEN};

	memcpy(sll.sll_addr, frame, ARPND_ETH_ALEN); /* the frame's destination */
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int garp_send_arp(int fd, int ifindex, const uint8_t mac[6], const struct ip_addr *vip)
{
	uint8_t frame[ARPND_ARP_FRAME_LEN];
	int len = arpnd_garp_build(mac, vip, frame, sizeof(frame));

	if (len < 0)
		return len;
	return send_frame(fd, ifindex, frame, (size_t)len);
}

int garp_send_na(int fd, int ifindex, const uint8_t mac[6], const struct ip_addr *src,
		 const struct ip_addr *vip)
{
	uint8_t frame[ARPND_ND_FRAME_LEN];
	uint8_t *icmp6 = frame + ARPND_ETH_HLEN + ARPND_IP6_HLEN;
	struct ip_addr all_nodes = {.family = IP_V6, .plen = 128};
	int len = arpnd_na_build(mac, vip, ARPND_NA_UNSOLICITED, icmp6, ARPND_ND_LEN);

	if (len < 0)
		return len;
	all_nodes.bytes[0] = 0xff;
	all_nodes.bytes[1] = 0x02;
	all_nodes.bytes[15] = 0x01;
	len = arpnd_ip6_frame_build(mac, NULL, src, &all_nodes, icmp6, (size_t)len, frame,
				    sizeof(frame));
	if (len < 0)
		return len;
	return send_frame(fd, ifindex, frame, (size_t)len);
}
