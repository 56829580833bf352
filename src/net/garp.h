/* Gratuitous ARP (IPv4) and unsolicited Neighbor Advertisement (IPv6)
 * senders on an AF_PACKET socket of the VIP's interface. One call sends one
 * frame; how many and how often (garp.count, garp.interval, garp.refresh)
 * is the runtime's business. */
#ifndef VIPD_NET_GARP_H
#define VIPD_NET_GARP_H

#include <stdint.h>

#include "util/ipaddr.h"

/* Send-only packet socket on ifindex of the current namespace: it binds
 * to no protocol, so it never queues received frames. fd or -errno. */
int garp_open(int ifindex);

/* The interface's hardware address (6 bytes) in the current namespace. */
int garp_link_mac(const char *ifname, uint8_t mac[6]);

/* Broadcast ARP announcement of an IPv4 vip from mac. 0 or -errno. */
int garp_send_arp(int fd, int ifindex, const uint8_t mac[6], const struct ip_addr *vip);

/* Unsolicited NA (Override set, Solicited clear) for an IPv6 vip to
 * ff02::1, from src (the interface's link-local address, or the VIP
 * itself when it has none). 0 or -errno. */
int garp_send_na(int fd, int ifindex, const uint8_t mac[6], const struct ip_addr *src,
		 const struct ip_addr *vip);

#endif
