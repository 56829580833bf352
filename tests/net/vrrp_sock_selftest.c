/* vrrp_sock_selftest -- the raw VRRP sockets (src/net/vrrp_sock.c) against
 * a real kernel: their socket filter, receive buffer and the kernel's drop
 * count (SO_RXQ_OVFL).
 *
 * Usage: vrrp_sock_selftest
 *
 * Runs as root in a network namespace of its own (unshare), on its
 * loopback: a plain raw socket of protocol 112 sends, a socket of
 * vrrp_sock_open receives. Phases, one cmocka test each: options (the
 * filter is attached, the buffer at least VRRP_SOCK_RCVBUF), IPv4 and IPv6
 * delivery (adverts of both versions pass, IPv4 with IP options too;
 * version 7, type 2 and a too short advert do not: a marker sent last
 * shows that nothing else was queued before it), kernel drops (a burst the
 * buffer cannot hold: what was read plus what the kernel says it dropped
 * is what was sent). Exits 0, 1 on failures, 77 when it cannot run here. */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/vrrp_sock.h"
#include "../selftest.h"

#define MARKER_VRID 99
#define BURST	    20000

struct pkt {
	uint8_t bytes[64];
	size_t len;
};

/* A VRRP message: first byte, VRID, and len bytes in all (zeros after). */
static struct pkt vrrp(uint8_t first, uint8_t vrid, size_t len)
{
	struct pkt p = {.len = len};

	p.bytes[0] = first;
	if (len > 1)
		p.bytes[1] = vrid;
	return p;
}

static int lo_up(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!rc && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static void loopback(enum ip_family fam, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == IP_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		*len = sizeof(*sin6);
	}
}

/* A plain raw socket of protocol 112: the kernel writes the IP header. */
static int sender(enum ip_family fam)
{
	int fd =
	    socket(fam == IP_V4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, VRRP_SOCK_PROTO);

	fail_unless(fd >= 0, "raw sender socket: %s", strerror(errno));
	return fd;
}

static void send_pkt(int fd, enum ip_family fam, const struct pkt *p)
{
	struct sockaddr_storage ss;
	socklen_t len;

	loopback(fam, &ss, &len);
	fail_unless(sendto(fd, p->bytes, p->len, 0, (struct sockaddr *)&ss, len) == (ssize_t)p->len,
		    "send %zu bytes: %s", p->len, strerror(errno));
}

static int receiver(enum ip_family fam)
{
	int fd = vrrp_sock_open(fam, "lo", (int)if_nametoindex("lo"), false);

	fail_unless(fd >= 0, "vrrp_sock_open(%s, lo): %s", ip_family_name(fam), strerror(-fd));
	return fd;
}

/* The next packet (waiting up to 2 s): its VRRP part's VRID, or -1 when
 * none came. */
static int recv_vrid(int fd, enum ip_family fam, struct vrrp_sock_rx *rx)
{
	uint8_t buf[VRRP_SOCK_MAX_WIRE];
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t at = 0;
	int n;

	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	n = vrrp_sock_recv(fd, fam, buf, sizeof(buf), rx);
	fail_unless(n > 0, "vrrp_sock_recv: %s", strerror(-n));
	if (fam == IP_V4)
		at = (size_t)(buf[0] & 0xf) * 4;
	fail_unless((size_t)n >= at + 2, "a packet of %d bytes passed the filter", n);
	return buf[at + 1];
}

static void test_options(void **state)
{
	(void)state;
	for (enum ip_family fam = IP_V4; fam <= IP_V6; fam++) {
		int fd = receiver(fam), buf = 0;
		socklen_t len = 0;

		fail_unless(getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, NULL, &len) == 0 && len > 0,
			    "%s: no socket filter attached (%s, %u instructions)",
			    ip_family_name(fam), strerror(errno), len);
		len = sizeof(buf);
		fail_unless(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, &len) == 0 &&
				buf >= VRRP_SOCK_RCVBUF,
			    "%s: receive buffer %d, asked for %d", ip_family_name(fam), buf,
			    VRRP_SOCK_RCVBUF);
		close(fd);
	}
}

/* Sends what the filter must refuse between adverts it must pass, then a
 * marker; reads until the marker: only the adverts came before it. */
static void delivery(enum ip_family fam)
{
	const struct pkt sent[] = {
	    vrrp(0x71, 1, 12), /* version 7 */
	    vrrp(0x31, 2, 12), /* v3, one IPv4 address: passes */
	    vrrp(0x32, 3, 12), /* type 2 */
	    vrrp(0x31, 4, 7),  /* v3 shorter than its 8-byte header */
	    vrrp(0x21, 5, 15), /* v2 shorter than header + authentication data */
	    vrrp(0x21, 6, 20), /* v2, one address: passes */
	    vrrp(0x31, 7, 8),  /* v3, no address: the least that passes */
	    vrrp(0x12, 8, 40), /* version 1 */
	    vrrp(0x31, MARKER_VRID, 8),
	};
	const int passes[] = {2, 6, 7, MARKER_VRID};
	int tx = sender(fam), rx_fd = receiver(fam);
	struct vrrp_sock_rx rx;

	for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++)
		send_pkt(tx, fam, &sent[i]);
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		int vrid = recv_vrid(rx_fd, fam, &rx);

		fail_unless(vrid == passes[i], "%s: received vrid %d where %d was due",
			    ip_family_name(fam), vrid, passes[i]);
	}
	/* what the filter refused is no drop the kernel reports either */
	fail_unless(!rx.has_kernel_drops, "%s: the kernel reports %u drops", ip_family_name(fam),
		    rx.kernel_drops);
	close(tx);
	close(rx_fd);
}

static void test_ipv4_delivery(void **state)
{
	(void)state;
	delivery(IP_V4);
}

static void test_ipv6_delivery(void **state)
{
	(void)state;
	delivery(IP_V6);
}

/* The filter finds VRRP after the IPv4 header's options (IHL 6 here). */
static void test_ipv4_options_delivery(void **state)
{
	const uint8_t nop_eol[4] = {1, 1, 1, 0}; /* three NOPs, end of list */
	int tx = sender(IP_V4), rx_fd = receiver(IP_V4);
	struct pkt advert = vrrp(0x31, 11, 12), short_one = vrrp(0x31, 12, 7);
	struct pkt marker = vrrp(0x31, MARKER_VRID, 8);
	struct vrrp_sock_rx rx;
	int vrid;

	(void)state;
	fail_unless(setsockopt(tx, IPPROTO_IP, IP_OPTIONS, nop_eol, sizeof(nop_eol)) == 0,
		    "IP_OPTIONS: %s", strerror(errno));
	send_pkt(tx, IP_V4, &short_one);
	send_pkt(tx, IP_V4, &advert);
	send_pkt(tx, IP_V4, &marker);
	vrid = recv_vrid(rx_fd, IP_V4, &rx);
	fail_unless(vrid == 11, "behind IP options: vrid %d received first, 11 was due", vrid);
	vrid = recv_vrid(rx_fd, IP_V4, &rx);
	fail_unless(vrid == MARKER_VRID, "behind IP options: vrid %d received, the marker was due",
		    vrid);
	close(tx);
	close(rx_fd);
}

/* More adverts than the buffer holds, unread: the kernel drops the rest
 * and says how many with the next packet read after them. */
static void test_kernel_drops(void **state)
{
	struct pkt advert = vrrp(0x31, 1, 12), marker = vrrp(0x31, MARKER_VRID, 8);
	int tx = sender(IP_V4), rx_fd = receiver(IP_V4);
	struct vrrp_sock_rx rx;
	unsigned read = 0;
	int vrid;

	(void)state;
	for (int i = 0; i < BURST; i++)
		send_pkt(tx, IP_V4, &advert);
	while ((vrid = recv_vrid(rx_fd, IP_V4, &rx)) == 1) {
		fail_unless(!rx.has_kernel_drops || rx.kernel_drops == 0,
			    "a packet queued before the drops reports %u", rx.kernel_drops);
		read++;
	}
	fail_unless(vrid == -1, "vrid %d among the burst", vrid);
	fail_unless(read > 0 && read < BURST, "%u of %d read: the buffer held them all?", read,
		    BURST);
	send_pkt(tx, IP_V4, &marker);
	vrid = recv_vrid(rx_fd, IP_V4, &rx);
	fail_unless(vrid == MARKER_VRID, "vrid %d where the marker was due", vrid);
	fail_unless(rx.has_kernel_drops && read + rx.kernel_drops == BURST,
		    "%u read + %u dropped (reported: %d) is not the %d sent", read, rx.kernel_drops,
		    rx.has_kernel_drops, BURST);
	close(tx);
	close(rx_fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_options),	  cmocka_unit_test(test_ipv4_delivery),
	    cmocka_unit_test(test_ipv6_delivery), cmocka_unit_test(test_ipv4_options_delivery),
	    cmocka_unit_test(test_kernel_drops),
	};
	int rc;

	if (geteuid() != 0) {
		printf("SKIPPED: vrrp_sock_selftest needs root (a network namespace)\n");
		return SELFTEST_EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIPPED: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return SELFTEST_EXIT_SKIP;
	}
	rc = lo_up();
	if (rc < 0) {
		printf("lo up: %s\n", strerror(-rc));
		return 1;
	}
	return selftest_exit_status(
	    cmocka_run_group_tests_name("vrrp_sock_selftest", tests, NULL, NULL));
}
