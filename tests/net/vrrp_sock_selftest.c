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
#include <stdlib.h>
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
	ifr.ifr_flags |= IFF_UP | IFF_MULTICAST;
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
	int fd = vrrp_sock_open(fam);

	fail_unless(fd >= 0, "vrrp_sock_open(%s): %s", ip_family_name(fam), strerror(-fd));
	return fd;
}

/* The next packet (waiting up to 2 s): its VRRP part's VRID, or -1 when
 * none came. */
static int recv_vrid_on(int fd, enum ip_family fam, struct vrrp_sock_rx *rx, int ifindex)
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
	fail_unless(rx->ifindex == ifindex, "arrived on ifindex %d, not %d", rx->ifindex, ifindex);
	return buf[at + 1];
}

static int recv_vrid(int fd, enum ip_family fam, struct vrrp_sock_rx *rx)
{
	return recv_vrid_on(fd, fam, rx, (int)if_nametoindex("lo"));
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

/* A burst read in one call: each packet whole, in order, with its
 * interface; then nothing is left. */
static void test_batch_receive(void **state)
{
	struct vrrp_sock_batch *b = vrrp_sock_batch_new(8);
	int tx = sender(IP_V6), rx_fd = receiver(IP_V6);
	struct pollfd pfd = {.fd = rx_fd, .events = POLLIN};
	int n;

	(void)state;
	fail_unless(b != NULL, "vrrp_sock_batch_new");
	for (uint8_t vrid = 1; vrid <= 5; vrid++) {
		struct pkt p = vrrp(0x31, vrid, 8 + vrid);

		send_pkt(tx, IP_V6, &p);
	}
	fail_unless(poll(&pfd, 1, 2000) == 1, "nothing to read");
	usleep(20000); /* loopback delivers at once; let all five queue */
	n = vrrp_sock_recv_batch(rx_fd, b);
	fail_unless(n == 5, "%d packets in one read, 5 were sent", n);
	for (int i = 0; i < n; i++) {
		struct vrrp_sock_rx rx;
		size_t len;
		const uint8_t *buf = vrrp_sock_batch_at(b, (unsigned)i, IP_V6, &len, &rx);

		fail_unless(buf[1] == i + 1 && len == (size_t)(9 + i),
			    "packet %d: vrid %d, %zu bytes", i, buf[1], len);
		fail_unless(rx.ifindex == (int)if_nametoindex("lo") && !rx.to_group &&
				rx.hop_limit > 0,
			    "packet %d: ifindex %d, to_group %d, hop limit %d", i, rx.ifindex,
			    rx.to_group, rx.hop_limit);
	}
	fail_unless(vrrp_sock_recv_batch(rx_fd, b) == -EAGAIN, "more was queued");
	vrrp_sock_batch_free(b);
	close(tx);
	close(rx_fd);
}

static void send_group(int fd, enum ip_family fam, const struct pkt *p)
{
	struct ip_addr g;
	struct sockaddr_storage ss = {0};
	socklen_t len;

	vrrp_sock_group(fam, &g);
	if (fam == IP_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, g.bytes, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, g.bytes, 16);
		sin6->sin6_scope_id = if_nametoindex("vs0");
		len = sizeof(*sin6);
	}
	fail_unless(sendto(fd, p->bytes, p->len, 0, (struct sockaddr *)&ss, len) == (ssize_t)p->len,
		    "send to the group: %s", strerror(errno));
}

/* A veth pair in the test's namespace: vs0 sends, vs1 receives. */
static void veth_pair(void)
{
	static bool made;

	if (made)
		return;
	fail_unless(
	    system("ip link add vs0 type veth peer name vs1 && "
		   "sysctl -qw net.ipv6.conf.vs0.accept_dad=0 net.ipv6.conf.vs1.accept_dad=0 "
		   "net.ipv4.conf.vs1.accept_local=1 net.ipv4.conf.all.rp_filter=0 "
		   "net.ipv4.conf.vs1.rp_filter=0 && "
		   "ip addr add 192.0.2.1/24 dev vs0 && ip addr add 192.0.2.2/24 dev vs1 && "
		   "ip link set vs0 up && ip link set vs1 up") == 0,
	    "making the veth pair vs0/vs1");
	made = true;
}

/* The namespace's socket, a member of no group, reads the group on an
 * interface while a membership socket holds it there, and only then. */
static void group_delivery(enum ip_family fam)
{
	int tx, rx_fd, lo, in, join, off = 0;
	struct pkt before = vrrp(0x31, 1, 12), during = vrrp(0x31, 2, 12),
		   after = vrrp(0x31, 3, 12);
	struct vrrp_sock_rx rx;
	int vrid;

	veth_pair();
	tx = sender(fam);
	rx_fd = receiver(fam);
	lo = (int)if_nametoindex("vs0"); /* out of here */
	in = (int)if_nametoindex("vs1"); /* into here */
	usleep(100000);			 /* the IPv6 link-local addresses (no DAD) and carrier */
	if (fam == IP_V4) {
		struct ip_mreqn mr = {.imr_ifindex = lo};

		fail_unless(setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) == 0 &&
				setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)) ==
				    0,
			    "sender's multicast options: %s", strerror(errno));
	} else {
		fail_unless(
		    setsockopt(tx, IPPROTO_IPV6, IPV6_MULTICAST_IF, &lo, sizeof(lo)) == 0 &&
			setsockopt(tx, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) == 0,
		    "sender's multicast options: %s", strerror(errno));
	}
	/* veth delivers from the backlog, after the send returns: each send
	 * is given time to arrive before the membership changes */
	send_group(tx, fam, &before);
	usleep(50000);
	join = vrrp_sock_join(fam, in);
	fail_unless(join >= 0, "vrrp_sock_join(%s, vs1): %s", ip_family_name(fam), strerror(-join));
	send_group(tx, fam, &during);
	usleep(50000);
	close(join);
	send_group(tx, fam, &after);
	vrid = recv_vrid_on(rx_fd, fam, &rx, in);
	fail_unless(vrid == 2 && rx.to_group,
		    "%s: vrid %d (to the group: %d) read first, 2 was due", ip_family_name(fam),
		    vrid, rx.to_group);
	vrid = recv_vrid_on(rx_fd, fam, &rx, in);
	fail_unless(vrid == -1, "%s: vrid %d read after the membership ended", ip_family_name(fam),
		    vrid);
	close(tx);
	close(rx_fd);
}

static void test_group_delivery(void **state)
{
	(void)state;
	group_delivery(IP_V4);
	group_delivery(IP_V6);
}

struct tx_failures {
	int n;
	void *tag;
	int err;
};

static void note_tx_failure(void *arg, void *tag, const uint8_t *buf, size_t len, int err)
{
	struct tx_failures *f = arg;

	(void)buf;
	(void)len;
	f->n++;
	f->tag = tag;
	f->err = err;
}

/* ::1/128 */
static struct ip_addr loopback6(void)
{
	struct ip_addr one = {.family = IP_V6, .plen = 128};

	one.bytes[15] = 1;
	return one;
}

/* Queued adverts leave in order at the flush; the one the kernel refuses
 * (an interface that does not exist) is reported with its tag, and the
 * others still leave. */
static void test_batch_send(void **state)
{
	struct vrrp_sock_txq *q = vrrp_sock_txq_new(4);
	int rx_fd = receiver(IP_V6), tx_fd = vrrp_sock_open(IP_V6), lo = (int)if_nametoindex("lo");
	struct ip_addr one;
	struct tx_failures f = {0};
	struct vrrp_sock_rx rx;
	int bad_tag;

	(void)state;
	fail_unless(q != NULL && tx_fd >= 0, "txq or socket");
	one = loopback6();
	for (uint8_t vrid = 1; vrid <= 4; vrid++) {
		struct pkt p = vrrp(0x31, vrid, 12);

		fail_unless(vrrp_sock_txq_add(q, tx_fd, IP_V6, vrid == 2 ? 999999 : lo, &one, &one,
					      p.bytes, p.len, vrid == 2 ? &bad_tag : NULL) == 0,
			    "queueing advert %d", vrid);
	}
	fail_unless(vrrp_sock_txq_add(q, tx_fd, IP_V6, lo, &one, &one, (const uint8_t *)"x", 1,
				      NULL) == -ENOSPC,
		    "a full queue took more");
	fail_unless(recv_vrid(rx_fd, IP_V6, &rx) == -1, "something left before the flush");
	vrrp_sock_txq_flush(q, note_tx_failure, &f);
	fail_unless(vrrp_sock_txq_len(q) == 0, "the flush left %u queued", vrrp_sock_txq_len(q));
	fail_unless(f.n == 1 && f.tag == &bad_tag && f.err == -ENODEV,
		    "%d failures reported (tag %p, %s)", f.n, f.tag, strerror(-f.err));
	for (int want = 1; want <= 4; want += want == 1 ? 2 : 1) {
		int vrid = recv_vrid(rx_fd, IP_V6, &rx);

		fail_unless(vrid == want, "vrid %d received, %d was due", vrid, want);
	}
	vrrp_sock_txq_free(q);
	close(tx_fd);
	close(rx_fd);
}

/* The queue's bytes run out before its slots when its messages are
 * large: the largest message always fits an empty queue, the next one
 * waits for a flush, and the flush makes room again. */
static void test_batch_pool(void **state)
{
	struct vrrp_sock_txq *q = vrrp_sock_txq_new(4);
	int tx_fd = vrrp_sock_open(IP_V6), lo = (int)if_nametoindex("lo");
	static uint8_t big[VRRP_SOCK_MAX_WIRE];
	struct ip_addr one;
	struct pkt p = vrrp(0x31, 7, 12);

	(void)state;
	fail_unless(q != NULL && tx_fd >= 0, "txq or socket");
	one = loopback6();
	memcpy(big, p.bytes, p.len);
	fail_unless(vrrp_sock_txq_room(q, sizeof(big)), "an empty queue has no room for %zu bytes",
		    sizeof(big));
	fail_unless(vrrp_sock_txq_add(q, tx_fd, IP_V6, lo, &one, &one, big, sizeof(big), NULL) == 0,
		    "the largest message refused");
	fail_unless(!vrrp_sock_txq_room(q, p.len), "room after the largest message");
	fail_unless(vrrp_sock_txq_add(q, tx_fd, IP_V6, lo, &one, &one, p.bytes, p.len, NULL) ==
			-ENOSPC,
		    "a full pool took more");
	fail_unless(vrrp_sock_txq_add(q, tx_fd, IP_V6, lo, &one, &one, big, sizeof(big) + 1,
				      NULL) == -EMSGSIZE,
		    "a message over VRRP_SOCK_MAX_WIRE queued");
	vrrp_sock_txq_flush(q, NULL, NULL);
	fail_unless(vrrp_sock_txq_room(q, sizeof(big)), "no room after the flush");
	vrrp_sock_txq_free(q);
	close(tx_fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_options),	   cmocka_unit_test(test_ipv4_delivery),
	    cmocka_unit_test(test_ipv6_delivery),  cmocka_unit_test(test_ipv4_options_delivery),
	    cmocka_unit_test(test_kernel_drops),   cmocka_unit_test(test_batch_receive),
	    cmocka_unit_test(test_group_delivery), cmocka_unit_test(test_batch_send),
	    cmocka_unit_test(test_batch_pool),
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
	rc = lo_up(); /* up, and multicast: the group tests use it */
	if (rc < 0) {
		printf("lo up: %s\n", strerror(-rc));
		return 1;
	}
	return selftest_exit_status(
	    cmocka_run_group_tests_name("vrrp_sock_selftest", tests, NULL, NULL));
}
