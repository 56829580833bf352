/* Raw VRRP sockets. See vrrp_sock.h for the contract. */
#include "net/vrrp_sock.h"

#include <errno.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
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

/* The buffer, and the kernel's drop count with every packet. */
static int size_rcvbuf(int fd)
{
	int rc = setint(fd, SOL_SOCKET, SO_RCVBUFFORCE, VRRP_SOCK_RCVBUF);

	if (rc == -EPERM)
		rc = setint(fd, SOL_SOCKET, SO_RCVBUF, VRRP_SOCK_RCVBUF);
	if (!rc)
		rc = setint(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
	return rc;
}

static int setup_v4(int fd, int ifindex, bool multicast)
{
	int rc = setint(fd, IPPROTO_IP, IP_HDRINCL, 1);

	if (!rc)
		rc = setint(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
	if (!rc && multicast) {
		struct ip_mreqn mr = {.imr_ifindex = ifindex};

		mr.imr_multiaddr.s_addr = htonl(0xe0000012); /* 224.0.0.18 */
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			rc = -errno;
	}
	return rc;
}

static int setup_v6(int fd, int ifindex, bool multicast)
{
	int rc = setint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_SOCK_HOP_LIMIT);

	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_SOCK_HOP_LIMIT);
	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
	if (!rc)
		rc = setint(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	if (!rc && multicast) {
		struct ipv6_mreq mr = {.ipv6mr_interface = (unsigned)ifindex};
		struct ip_addr g;

		vrrp_sock_group(IP_V6, &g);
		memcpy(&mr.ipv6mr_multiaddr, g.bytes, 16);
		if (setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
			rc = -errno;
	}
	return rc;
}

int vrrp_sock_open(enum ip_family fam, const char *ifname, int ifindex, bool multicast)
{
	int domain = fam == IP_V4 ? AF_INET : AF_INET6;
	int fd = socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_SOCK_PROTO);
	int rc;

	if (fd < 0)
		return -errno;
	rc = attach_filter(fd, fam);
	if (!rc)
		rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				(socklen_t)strlen(ifname)) < 0
			 ? -errno
			 : 0;
	if (!rc)
		rc = size_rcvbuf(fd);
	if (!rc)
		rc = setint(fd, SOL_SOCKET, SO_PRIORITY, 6); /* TC_PRIO_INTERACTIVE */
	if (!rc)
		rc = fam == IP_V4 ? setup_v4(fd, ifindex, multicast)
				  : setup_v6(fd, ifindex, multicast);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int vrrp_sock_open_tx(enum ip_family fam, const char *ifname, int ifindex)
{
	static const struct sock_filter drop_all[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_fprog fprog = {.len = 1, .filter = (struct sock_filter *)drop_all};
	int fd = vrrp_sock_open(fam, ifname, ifindex, false);

	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

static int send_v4(int fd, const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};

	memcpy(&sin.sin_addr, dst->bytes, 4);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -errno;
	return 0;
}

static int send_v6(int fd, int ifindex, const struct ip_addr *src, const struct ip_addr *dst,
		   const uint8_t *buf, size_t len)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_name = &sin6,
			     .msg_namelen = sizeof(sin6),
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	struct in6_pktinfo pi = {.ipi6_ifindex = (unsigned)ifindex};

	memcpy(&sin6.sin6_addr, dst->bytes, 16);
	if (ip_is_link_local(dst) || ip_is_multicast(dst))
		sin6.sin6_scope_id = (uint32_t)ifindex;
	memcpy(&pi.ipi6_addr, src->bytes, 16);
	memset(cbuf.buf, 0, sizeof(cbuf.buf));
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(fd, &msg, 0) < 0)
		return -errno;
	return 0;
}

int vrrp_sock_send(int fd, enum ip_family fam, int ifindex, const struct ip_addr *src,
		   const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	if (fam == IP_V4)
		return send_v4(fd, dst, buf, len);
	return send_v6(fd, ifindex, src, dst, buf, len);
}

/* What came with a packet: the kernel's drop count (both families), the
 * hop limit and destination (IPv6). */
static void ancillary(struct msghdr *msg, struct vrrp_sock_rx *rx)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&rx->kernel_drops, CMSG_DATA(c), sizeof(rx->kernel_drops));
			rx->has_kernel_drops = true;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
			int hl;

			memcpy(&hl, CMSG_DATA(c), sizeof(hl));
			rx->hop_limit = hl;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->dst.family = IP_V6;
			rx->dst.plen = 128;
			memcpy(rx->dst.bytes, &pi.ipi6_addr, 16);
		}
	}
}

/* Room for every control message either family asks for. */
union rx_cbuf {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
		 CMSG_SPACE(sizeof(uint32_t))];
	struct cmsghdr align;
};

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
	ssize_t n;

	memset(rx, 0, sizeof(*rx));
	rx->hop_limit = -1;
	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (fam == IP_V6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&from;

		rx->src.family = IP_V6;
		rx->src.plen = 128;
		memcpy(rx->src.bytes, &sin6->sin6_addr, 16);
	}
	ancillary(&msg, rx);
	return (int)n;
}
