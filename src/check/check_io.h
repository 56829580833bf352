/* What the probes share for their kernel I/O: a socket created inside a
 * network namespace, and the clock the fall/rise funnel is fed with. */
#ifndef VIPD_CHECK_CHECK_IO_H
#define VIPD_CHECK_CHECK_IO_H

#include <stdint.h>

struct net_ctx;

/* socket(domain, type, proto) inside namespace `netns` (NULL or "" = the
 * context's own): setns there, socket(), setns back, as net_nl_socket
 * does. A socket keeps the namespace it was made in for its life, so
 * everything after (bind, ioctl, send) happens there without another
 * setns. type gets SOCK_CLOEXEC. fd, or a negative errno. */
int check_socket_in(struct net_ctx *ctx, const char *netns, int domain, int type, int proto);

/* Index and MAC address of interface `ifname`, asked through socket `fd`.
 * Returns 0 or a negative errno (-EPFNOSUPPORT: not an Ethernet device). */
int check_iface_ids(int fd, const char *ifname, int *ifindex, uint8_t mac[6]);

/* CLOCK_MONOTONIC in milliseconds: never 0, never goes back. */
uint64_t check_now_ms(void);
/* The same in microseconds, for round-trip times. */
uint64_t check_now_us(void);

#endif
