/* Raw VRRP sockets. See vrrp_sock.h for the contract. */
#include "net/vrrp_sock.h"

#include <errno.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void vrrp_sock_group(enum ip_family fam, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)fam;
	if (fam == IP_V4) {
		static const uint8_t g4[4] = {224, 0, 0, 18};

		memcpy(out->bytes, g4, 4);
		out->plen = 32;
	} else {
		out->bytes[0] = 0xff;
		out->bytes[1] = 0x02;
		out->bytes[15] = 0x12;
		out->plen = 128;
	}
}

static int setint(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) < 0 ? -errno : 0;
}

/* The socket filter (see vrrp_sock.h): X = where VRRP starts (IPv4: the
 * header length, the raw socket hands the IP header; IPv6: 0, the payload
 * only); A = its first byte; the least length for that version; the
 * packet must reach it. Reading past the end makes the kernel drop it. */
static const struct sock_filter advert_filter[] = {
    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), /* [0]: patched to X = 0 for IPv6 */
    BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VRRP_SOCK_V3_ADVERT, 0, 2),
    BPF_STMT(BPF_LD | BPF_IMM, VRRP_SOCK_V3_MIN_LEN),
    BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VRRP_SOCK_V2_ADVERT, 0, 6),
    BPF_STMT(BPF_LD | BPF_IMM, VRRP_SOCK_V2_MIN_LEN),
    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
    BPF_STMT(BPF_MISC | BPF_TAX, 0),
    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0xffffffffu), /* deliver it whole */
    BPF_STMT(BPF_RET | BPF_K, 0),	    /* drop it */
};

#define ADVERT_FILTER_LEN (sizeof(advert_filter) / sizeof(advert_filter[0]))

static int attach_filter(int fd, enum ip_family fam)
{
	struct sock_filter prog[ADVERT_FILTER_LEN];
	struct sock_fprog fprog = {.len = ADVERT_FILTER_LEN, .filter = prog};

	memcpy(prog, advert_filter, sizeof(prog));
	if (fam == IP_V6)
		prog[0] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0)
		return -errno;
	return 0;
}

int vrrp_sock_set_rcvbuf(int fd, int bytes)
{
	int rc = setint(fd, SOL_SOCKET, SO_RCVBUFFORCE, bytes);

	if (rc == -EPERM)
		rc = setint(fd, SOL_SOCKET, SO_RCVBUF, bytes);
	return rc;
}

/* The buffer, and the kernel's drop count with every packet. */
static int size_rcvbuf(int fd)
{
	int rc = vrrp_sock_set_rcvbuf(fd, VRRP_SOCK_RCVBUF);

	if (!rc)
		rc = setint(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
	return rc;
}

static int setup_v4(int fd)
{
	int rc = setint(fd, IPPROTO_IP, IP_HDRINCL, 1);

	if (!rc)
		rc = setint(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
	if (!rc)
		rc = setint(fd, IPPROTO_IP, IP_PKTINFO, 1); /* the receiving interface */
	return rc;
}

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78 /* linux/in6.h, Linux 4.15 */
#endif

/* IPV6_FREEBIND: the kernel takes the IPV6_PKTINFO source of each advert
 * as it is. Without it every send checks that the source is a local
 * address, a walk of a hash of every address in the namespace (256
 * buckets: 10 % of a master's CPU at 1000 instances, and chains of ~60
 * addresses at 8188): IPv4 adverts, built whole with IP_HDRINCL, never
 * had that check. The source is the communication-pair address or the
 * interface's link-local one, as the runtime knows them (runtime_io.c);
 * as for IPv4, the kernel no longer refuses one that is not (or no
 * longer) local: a unicast pair whose address has gone has lost its
 * connected route with it, and the send fails there. */
static int setup_v6(int fd)
{
	int rc = setint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_SOCK_HOP_LIMIT);

	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);

	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_SOCK_HOP_LIMIT);
	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	return rc;
}

int vrrp_sock_open(enum ip_family fam)
{
	int domain = fam == IP_V4 ? AF_INET : AF_INET6;
	int fd = socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_SOCK_PROTO);
	int rc;

	if (fd < 0)
		return -errno;
	rc = attach_filter(fd, fam);
	if (!rc)
		rc = size_rcvbuf(fd);
	if (!rc)
		rc = setint(fd, SOL_SOCKET, SO_PRIORITY, 6); /* TC_PRIO_INTERACTIVE */
	if (!rc)
		rc = fam == IP_V4 ? setup_v4(fd) : setup_v6(fd);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

/* A datagram socket bound to no port receives nothing: it only holds the
 * membership, which makes the interface accept the group's packets. */
int vrrp_sock_join(enum ip_family fam, int ifindex)
{
	int fd = socket(fam == IP_V4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fam == IP_V4) {
		struct ip_mreqn mr = {.imr_ifindex = ifindex};

		mr.imr_multiaddr.s_addr = htonl(0xe0000012); /* 224.0.0.18 */
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			rc = -errno;
	} else {
		struct ipv6_mreq mr = {.ipv6mr_interface = (unsigned)ifindex};
		struct ip_addr g;

		vrrp_sock_group(IP_V6, &g);
		memcpy(&mr.ipv6mr_multiaddr, g.bytes, 16);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
			rc = -errno;
	}
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

/* ---- send ---- */

union tx_cbuf {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct cmsghdr align;
};

/* The interface of one packet and, for IPv6, its source. IPv4 has its
 * source in the header it brings (IP_HDRINCL): the packet info only picks
 * the interface, for unicast and multicast alike (the socket is bound to
 * none). */
static void fill_pktinfo(struct msghdr *msg, enum ip_family fam, int ifindex,
			 const struct ip_addr *src)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);

	memset(msg->msg_control, 0, msg->msg_controllen);
	if (fam == IP_V4) {
		struct in_pktinfo pi = {.ipi_ifindex = ifindex};

		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = {.ipi6_ifindex = (unsigned)ifindex};

		memcpy(&pi.ipi6_addr, src->bytes, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
}

static socklen_t fill_dst(struct sockaddr_storage *ss, enum ip_family fam, int ifindex,
			  const struct ip_addr *dst)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == IP_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst->bytes, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, dst->bytes, 16);
	if (ip_is_link_local(dst) || ip_is_multicast(dst))
		sin6->sin6_scope_id = (uint32_t)ifindex;
	return sizeof(*sin6);
}

int vrrp_sock_send(int fd, enum ip_family fam, int ifindex, const struct ip_addr *src,
		   const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct sockaddr_storage to;
	union tx_cbuf cbuf;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_name = &to,
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};

	msg.msg_namelen = fill_dst(&to, fam, ifindex, dst);
	fill_pktinfo(&msg, fam, ifindex, src);
	if (sendmsg(fd, &msg, 0) < 0)
		return -errno;
	return 0;
}

/* ---- receive ---- */

/* What came with a packet: the kernel's drop count, the receiving
 * interface (both families), the hop limit and destination (IPv6). */
static void ancillary(struct msghdr *msg, struct vrrp_sock_rx *rx)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&rx->kernel_drops, CMSG_DATA(c), sizeof(rx->kernel_drops));
			rx->has_kernel_drops = true;
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
			int hl;

			memcpy(&hl, CMSG_DATA(c), sizeof(hl));
			rx->hop_limit = hl;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = (int)pi.ipi6_ifindex;
			rx->dst.family = IP_V6;
			rx->dst.plen = 128;
			memcpy(rx->dst.bytes, &pi.ipi6_addr, 16);
		}
	}
}

/* Whether the packet went to the VRRP group: IPv4 from the destination in
 * the header (the codec checks that header later), IPv6 from its packet
 * information. */
static bool sent_to_group(enum ip_family fam, const uint8_t *buf, size_t len,
			  const struct vrrp_sock_rx *rx)
{
	struct ip_addr g;

	vrrp_sock_group(fam, &g);
	if (fam == IP_V4)
		return len >= 20 && memcmp(buf + 16, g.bytes, 4) == 0;
	return rx->dst.family == IP_V6 && memcmp(rx->dst.bytes, g.bytes, 16) == 0;
}

/* Room for every control message either family asks for. */
union rx_cbuf {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
		 CMSG_SPACE(sizeof(uint32_t))];
	struct cmsghdr align;
};

static void rx_finish(enum ip_family fam, struct msghdr *msg, const uint8_t *buf, size_t len,
		      struct vrrp_sock_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->hop_limit = -1;
	if (fam == IP_V6) {
		const struct sockaddr_in6 *sin6 = msg->msg_name;

		rx->src.family = IP_V6;
		rx->src.plen = 128;
		memcpy(rx->src.bytes, &sin6->sin6_addr, 16);
	}
	ancillary(msg, rx);
	rx->to_group = sent_to_group(fam, buf, len, rx);
}

int vrrp_sock_recv(int fd, enum ip_family fam, uint8_t *buf, size_t cap, struct vrrp_sock_rx *rx)
{
	struct sockaddr_storage from;
	union rx_cbuf cbuf;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr msg = {.msg_name = &from,
			     .msg_namelen = sizeof(from),
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	rx_finish(fam, &msg, buf, (size_t)n, rx);
	return (int)n;
}

/* One slot of a batch: its buffer, address and control space. */
struct rx_slot {
	struct sockaddr_storage from;
	union rx_cbuf cbuf;
	struct iovec iov;
	uint8_t buf[VRRP_SOCK_RX_MAX];
};

struct vrrp_sock_batch {
	unsigned cap;
	struct mmsghdr *msgs;
	struct rx_slot *slots;
};

struct vrrp_sock_batch *vrrp_sock_batch_new(unsigned cap)
{
	struct vrrp_sock_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->cap = cap;
	b->msgs = calloc(cap, sizeof(*b->msgs));
	b->slots = calloc(cap, sizeof(*b->slots));
	if (!b->msgs || !b->slots) {
		vrrp_sock_batch_free(b);
		return NULL;
	}
	return b;
}

void vrrp_sock_batch_free(struct vrrp_sock_batch *b)
{
	if (!b)
		return;
	free(b->msgs);
	free(b->slots);
	free(b);
}

int vrrp_sock_recv_batch(int fd, struct vrrp_sock_batch *b)
{
	int n;

	for (unsigned i = 0; i < b->cap; i++) {
		struct rx_slot *sl = &b->slots[i];
		struct msghdr *m = &b->msgs[i].msg_hdr;

		sl->iov.iov_base = sl->buf;
		sl->iov.iov_len = sizeof(sl->buf);
		m->msg_name = &sl->from;
		m->msg_namelen = sizeof(sl->from);
		m->msg_iov = &sl->iov;
		m->msg_iovlen = 1;
		m->msg_control = sl->cbuf.buf;
		m->msg_controllen = sizeof(sl->cbuf.buf);
		m->msg_flags = 0;
	}
	n = recvmmsg(fd, b->msgs, b->cap, 0, NULL);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

const uint8_t *vrrp_sock_batch_at(struct vrrp_sock_batch *b, unsigned i, enum ip_family fam,
				  size_t *len, struct vrrp_sock_rx *rx)
{
	struct rx_slot *sl = &b->slots[i];

	*len = b->msgs[i].msg_len;
	rx_finish(fam, &b->msgs[i].msg_hdr, sl->buf, *len, rx);
	return sl->buf;
}

/* ---- batched send ---- */

#define IP6_HDR_LEN 40

struct tx_slot {
	struct sockaddr_storage to;
	union tx_cbuf cbuf;
	struct iovec iov;
	int fd;
	void *tag;
	size_t len;
	size_t msg_off; /* where the message starts: past a frame's IPv6 header */
	uint8_t *buf;	/* in the queue's pool */
};

/* The queue's bytes, shared by its slots back to back: an advert is
 * usually under 100 bytes, and a buffer of the largest one per slot was
 * 84 KiB a queue (issue 16's memory). Room for the largest message with
 * its header, and for cap ordinary ones. */
#define TX_SLOT_TYPICAL 160
#define TX_SLOT_MAX	(IP6_HDR_LEN + VRRP_SOCK_MAX_WIRE)

static size_t txq_pool_size(unsigned cap)
{
	size_t typical = (size_t)cap * TX_SLOT_TYPICAL;

	return typical > TX_SLOT_MAX ? typical : TX_SLOT_MAX;
}

struct vrrp_sock_txq {
	unsigned cap, n;
	struct mmsghdr *msgs;
	struct tx_slot *slots;
	uint8_t *pool;
	size_t pool_size, pool_used;
};

struct vrrp_sock_txq *vrrp_sock_txq_new(unsigned cap)
{
	struct vrrp_sock_txq *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->cap = cap;
	q->msgs = calloc(cap, sizeof(*q->msgs));
	q->slots = calloc(cap, sizeof(*q->slots));
	q->pool_size = txq_pool_size(cap);
	q->pool = malloc(q->pool_size);
	if (!q->msgs || !q->slots || !q->pool) {
		vrrp_sock_txq_free(q);
		return NULL;
	}
	return q;
}

void vrrp_sock_txq_free(struct vrrp_sock_txq *q)
{
	if (!q)
		return;
	free(q->msgs);
	free(q->slots);
	free(q->pool);
	free(q);
}

unsigned vrrp_sock_txq_len(const struct vrrp_sock_txq *q)
{
	return q->n;
}

bool vrrp_sock_txq_room(const struct vrrp_sock_txq *q, size_t len)
{
	return q->n < q->cap && q->pool_used + IP6_HDR_LEN + len <= q->pool_size;
}

/* The queue's next slot with the message copied in at off (room for a
 * frame's IPv6 header before it), its iovec and an empty header; NULL
 * with *err when the queue is full or the message too long. Counted in
 * q->n by the caller once the rest is filled. */
static struct tx_slot *slot_fill(struct vrrp_sock_txq *q, int fd, const uint8_t *buf, size_t len,
				 size_t off, void *tag, int *err)
{
	struct tx_slot *sl;
	struct msghdr *m;

	*err = len > VRRP_SOCK_MAX_WIRE ? -EMSGSIZE : !vrrp_sock_txq_room(q, len) ? -ENOSPC : 0;
	if (*err)
		return NULL;
	sl = &q->slots[q->n];
	sl->buf = q->pool + q->pool_used;
	q->pool_used += off + len;
	memcpy(sl->buf + off, buf, len);
	sl->len = off + len;
	sl->msg_off = off;
	sl->fd = fd;
	sl->tag = tag;
	sl->iov.iov_base = sl->buf;
	sl->iov.iov_len = sl->len;
	m = &q->msgs[q->n].msg_hdr;
	memset(m, 0, sizeof(*m));
	m->msg_name = &sl->to;
	m->msg_iov = &sl->iov;
	m->msg_iovlen = 1;
	return sl;
}

int vrrp_sock_txq_add(struct vrrp_sock_txq *q, int fd, enum ip_family fam, int ifindex,
		      const struct ip_addr *src, const struct ip_addr *dst, const uint8_t *buf,
		      size_t len, void *tag)
{
	int err;
	struct tx_slot *sl = slot_fill(q, fd, buf, len, 0, tag, &err);
	struct msghdr *m = &q->msgs[q->n].msg_hdr;

	if (!sl)
		return err;
	m->msg_namelen = fill_dst(&sl->to, fam, ifindex, dst);
	m->msg_control = sl->cbuf.buf;
	m->msg_controllen = sizeof(sl->cbuf.buf);
	fill_pktinfo(m, fam, ifindex, src);
	q->n++;
	return 0;
}

int vrrp_sock_open_frames(void)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	return fd < 0 ? -errno : fd;
}

void vrrp_sock_group_mac(enum ip_family fam, uint8_t mac[6])
{
	static const uint8_t v4[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};
	static const uint8_t v6[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x12};

	memcpy(mac, fam == IP_V4 ? v4 : v6, 6);
}

/* The IPv6 header the kernel's IP output would put in front of an advert
 * (RFC 8200 3; the hop limit RFC 5798 5.1.1.3 asks for). */
static void ip6_header_put(uint8_t *h, size_t payload, const struct ip_addr *src,
			   const struct ip_addr *dst)
{
	memset(h, 0, IP6_HDR_LEN);
	h[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
	h[4] = (uint8_t)(payload >> 8);
	h[5] = (uint8_t)payload;
	h[6] = VRRP_SOCK_PROTO;
	h[7] = VRRP_SOCK_HOP_LIMIT;
	memcpy(h + 8, src->bytes, 16);
	memcpy(h + 24, dst->bytes, 16);
}

int vrrp_sock_txq_add_frame(struct vrrp_sock_txq *q, int fd, enum ip_family fam, int ifindex,
			    const uint8_t mac[6], const struct ip_addr *src,
			    const struct ip_addr *dst, const uint8_t *buf, size_t len, void *tag)
{
	size_t off = fam == IP_V6 ? IP6_HDR_LEN : 0;
	int err;
	struct tx_slot *sl = slot_fill(q, fd, buf, len, off, tag, &err);
	struct sockaddr_ll *ll;

	if (!sl)
		return err;
	if (off)
		ip6_header_put(sl->buf, len, src, dst);
	memset(&sl->to, 0, sizeof(sl->to));
	ll = (struct sockaddr_ll *)&sl->to;
	ll->sll_family = AF_PACKET;
	ll->sll_protocol = htons(fam == IP_V4 ? ETH_P_IP : ETH_P_IPV6);
	ll->sll_ifindex = ifindex;
	ll->sll_halen = 6;
	memcpy(ll->sll_addr, mac, 6);
	q->msgs[q->n].msg_hdr.msg_namelen = sizeof(*ll);
	q->n++;
	return 0;
}

/* Messages [from, to) all go to one socket. */
static void flush_run(struct vrrp_sock_txq *q, unsigned from, unsigned to,
		      vrrp_sock_tx_failed_fn failed, void *arg)
{
	while (from < to) {
		int n = sendmmsg(q->slots[from].fd, q->msgs + from, to - from, 0);

		if (n < 0) {
			/* the first message's error; the rest are tried again */
			struct tx_slot *sl = &q->slots[from];

			if (failed)
				failed(arg, sl->tag, sl->buf + sl->msg_off, sl->len - sl->msg_off,
				       -errno);
			from++;
		} else {
			from += (unsigned)n;
		}
	}
}

void vrrp_sock_txq_flush(struct vrrp_sock_txq *q, vrrp_sock_tx_failed_fn failed, void *arg)
{
	unsigned from = 0;

	for (unsigned i = 1; i <= q->n; i++) {
		if (i == q->n || q->slots[i].fd != q->slots[from].fd) {
			flush_run(q, from, i, failed, arg);
			from = i;
		}
	}
	q->n = 0;
	q->pool_used = 0;
}
