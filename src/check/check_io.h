/* What the probes share for their kernel I/O: the clock the fall/rise
 * funnel is fed with, and interface ids. Their sockets are made inside
 * their namespace by net_socket_in (net/netns.h). */
#ifndef VIPD_CHECK_CHECK_IO_H
#define VIPD_CHECK_CHECK_IO_H

#include <stdint.h>

/* Index and MAC address of interface `ifname`, asked through socket `fd`.
 * Returns 0 or a negative errno (-EPFNOSUPPORT: not an Ethernet device). */
int check_iface_ids(int fd, const char *ifname, int *ifindex, uint8_t mac[6]);

/* CLOCK_MONOTONIC in milliseconds: never 0, never goes back. */
uint64_t check_now_ms(void);
/* The same in microseconds, for round-trip times. */
uint64_t check_now_us(void);

#endif
