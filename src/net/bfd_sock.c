#include "net/bfd_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/bfd_sock_consts.h"

static int setopt(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) < 0 ? -errno : 0;
}

static socklen_t to_sockaddr(const struct ip_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == IP_V4) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, a->bytes, 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	memcpy(&in6->sin6_addr, a->bytes, 16);
	return sizeof(*in6);
}

static void from_bytes(struct ip_addr *a, enum ip_family f, const void *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)f;
	a->plen = f == IP_V4 ? 32 : 128;
	memcpy(a->bytes, bytes, f == IP_V4 ? 4 : 16);
}

static int rx_options(int fd, enum ip_family family)
{
	int err;

	if (family == IP_V4) {
		if ((err = setopt(fd, IPPROTO_IP, IP_PKTINFO, 1)) < 0 ||
		    (err = setopt(fd, IPPROTO_IP, IP_RECVTTL, 1)) < 0)
			return err;
		return 0;
	}
	if ((err = setopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)) < 0 ||
	    (err = setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0 ||
	    (err = setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)) < 0)
		return err;
	return 0;
}

int bfd_sock_open_rx(struct net_ctx *ctx, const char *netns, enum ip_family family)
{
	struct ip_addr any;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, err;

	fd = net_socket_in(ctx, netns, family == IP_V4 ? AF_INET : AF_INET6,
			   SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP);
	if (fd < 0)
		return fd;
	memset(&any, 0, sizeof(any));
	any.family = (uint8_t)family;
	sl = to_sockaddr(&any, BFD_SOCK_PORT, &ss);
	err = rx_options(fd, family);
	if (!err)
		err = setopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!err && bind(fd, (struct sockaddr *)&ss, sl) < 0)
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static void read_cmsgs(struct msghdr *mh, struct bfd_sock_rx *rx, enum ip_family f)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = pi.ipi_ifindex;
			from_bytes(&rx->dst, f, &pi.ipi_addr);
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
			int ttl;

			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
			rx->ttl = ttl;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = (int)pi.ipi6_ifindex;
			from_bytes(&rx->dst, f, &pi.ipi6_addr);
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
			int hl;

			memcpy(&hl, CMSG_DATA(c), sizeof(hl));
			rx->ttl = hl;
		}
	}
}

int bfd_sock_recv(int fd, uint8_t *buf, size_t len, struct bfd_sock_rx *rx)
{
	struct sockaddr_storage from;
	union {
		char buf[256];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr mh = {.msg_name = &from,
			    .msg_namelen = sizeof(from),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf.buf,
			    .msg_controllen = sizeof(cbuf.buf)};
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	memset(rx, 0, sizeof(*rx));
	rx->ttl = -1;
	if (from.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&from;

		from_bytes(&rx->src, IP_V4, &in->sin_addr);
		rx->sport = ntohs(in->sin_port);
		read_cmsgs(&mh, rx, IP_V4);
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&from;

		from_bytes(&rx->src, IP_V6, &in6->sin6_addr);
		rx->sport = ntohs(in6->sin6_port);
		read_cmsgs(&mh, rx, IP_V6);
	}
	return (int)n;
}

static int tx_options(int fd, const char *ifname, enum ip_family family)
{
	int err;

	if (ifname && ifname[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		return -errno;
	if (family == IP_V4) {
		err = setopt(fd, IPPROTO_IP, IP_TTL, BFD_SOCK_TTL);
		if (!err)
			err = setopt(fd, IPPROTO_IP, IP_TOS, 0xc0); /* CS6: network control */
		return err;
	}
	err = setopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, BFD_SOCK_TTL);
	if (!err)
		err = setopt(fd, IPPROTO_IPV6, IPV6_TCLASS, 0xc0);
	return err;
}

/* A source port from the hint up, wrapping in the RFC 5881 range. */
static int bind_port(int fd, const struct ip_addr *src, uint16_t hint, uint16_t *sport)
{
	const unsigned span = BFD_SOCK_SRC_MAX - BFD_SOCK_SRC_MIN + 1;
	unsigned start = hint >= BFD_SOCK_SRC_MIN ? (unsigned)hint - BFD_SOCK_SRC_MIN : hint % span;

	for (unsigned i = 0; i < span; i++) {
		uint16_t port = (uint16_t)(BFD_SOCK_SRC_MIN + (start + i) % span);
		struct sockaddr_storage ss;
		socklen_t sl = to_sockaddr(src, port, &ss);

		if (bind(fd, (struct sockaddr *)&ss, sl) == 0) {
			*sport = port;
			return 0;
		}
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

int bfd_sock_open_tx(struct net_ctx *ctx, const char *netns, const char *ifname,
		     const struct ip_addr *src, uint16_t hint, uint16_t *sport)
{
	int fd = net_socket_in(ctx, netns, src->family == IP_V4 ? AF_INET : AF_INET6,
			       SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP);
	int err;

	if (fd < 0)
		return fd;
	err = tx_options(fd, ifname, (enum ip_family)src->family);
	if (!err && src->family == IP_V6)
		err = setopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	if (!err && src->family == IP_V6) /* the address may still be tentative (DAD) */
		err = setopt(fd, SOL_IP, IP_FREEBIND, 1);
	if (!err)
		err = bind_port(fd, src, hint, sport);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int bfd_sock_send(int fd, const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(dst, BFD_SOCK_PORT, &ss);

	if (sendto(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) < 0)
		return -errno;
	return 0;
}
