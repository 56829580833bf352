/* The numbers of RFC 5881 that net/bfd_sock.c uses; bfd/bfd_packet.h has
 * the same (the net layer may not include src/bfd), and the daemon's
 * runner asserts that they agree. */
#ifndef VIPD_NET_BFD_SOCK_CONSTS_H
#define VIPD_NET_BFD_SOCK_CONSTS_H

#define BFD_SOCK_PORT	 3784  /* single-hop control packets */
#define BFD_SOCK_SRC_MIN 49152 /* source ports */
#define BFD_SOCK_SRC_MAX 65535
#define BFD_SOCK_TTL	 255 /* GTSM */

#endif
