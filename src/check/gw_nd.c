/* Neighbor Discovery wire I/O of the IPv6 gateway probe. */
#include "check/gw_nd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/icmp6.h>
#include <netinet/in.h>

#include "check/check_io.h"
#include "check/gw_probe_internal.h"
#include "net/netns.h"

#define ND_RECV_MAX 1280 /* an NA is 32 bytes; options may make it longer */

static int set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) < 0 ? -errno : 0;
}

/* Type 136 only, this interface only, hop limits 255 out, hop limit and
 * interface reported in. */
static int nd_setup(struct gw_probe *p)
{
	struct icmp6_filter filt;
	int err;

	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_ADVERT, &filt);
	if (setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0)
		return -errno;
	err = check_iface_ids(p->fd, p->ifname, &p->ifindex, p->mac);
	if (!err && setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, p->ifname,
			       (socklen_t)strlen(p->ifname)) < 0)
		err = -errno;
	if (!err)
		err = set_int(p->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ARPND_ND_HOP_LIMIT);
	if (!err)
		err = set_int(p->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ARPND_ND_HOP_LIMIT);
	if (!err)
		err = set_int(p->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	if (!err)
		err = set_int(p->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, p->ifindex);
	if (!err)
		err = set_int(p->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
	if (!err)
		err = set_int(p->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	return err;
}

static int nd_open(struct gw_probe *p)
{
	uint8_t junk[ND_RECV_MAX];
	int err;

	p->fd = net_socket_in(p->ctx, p->netns, AF_INET6, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (p->fd < 0) {
		err = p->fd;
		p->fd = -1;
		return err;
	}
	err = nd_setup(p);
	if (err) {
		close(p->fd);
		p->fd = -1;
		return err;
	}
	/* whatever arrived before the filter was on */
	while (recv(p->fd, junk, sizeof(junk), MSG_DONTWAIT) >= 0)
		;
	return 0;
}

/* From the node's own address, on the interface: IPV6_PKTINFO names both,
 * so no bind() is needed and routing has no say. */
static int nd_send(struct gw_probe *p)
{
	uint8_t msg[ARPND_ND_LEN];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl = {0};
	struct sockaddr_in6 dst = {.sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)p->ifindex};
	struct iovec iov = {.iov_base = msg};
	struct msghdr mh = {.msg_name = &dst,
			    .msg_namelen = sizeof(dst),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo pi = {.ipi6_ifindex = (unsigned)p->ifindex};
	struct ip_addr group;
	int len = arpnd_ns_build(p->mac, &p->cfg.gateway, msg, sizeof(msg));

	if (len < 0)
		return len;
	iov.iov_len = (size_t)len;
	arpnd_solicited_node(&p->cfg.gateway, &group);
	memcpy(&dst.sin6_addr, group.bytes, sizeof(dst.sin6_addr));
	memcpy(&pi.ipi6_addr, p->cfg.own.bytes, sizeof(pi.ipi6_addr));
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	if (sendmsg(p->fd, &mh, 0) < 0)
		return -errno;
	return 0;
}

/* Hop limit and arrival interface from the control messages; -1 if the
 * kernel did not say (it always does with the options set). */
static void nd_ancillary(struct msghdr *mh, int *hops, int *ifindex)
{
	*hops = -1;
	*ifindex = -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_HOPLIMIT && cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(hops, CMSG_DATA(cm), sizeof(*hops));
		} else if (cm->cmsg_type == IPV6_PKTINFO &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			*ifindex = (int)pi.ipi6_ifindex;
		}
	}
}

static int nd_recv(struct gw_probe *p)
{
	uint8_t msg[ND_RECV_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_in6 from;
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(msg)};
	struct msghdr mh = {.msg_name = &from,
			    .msg_namelen = sizeof(from),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	enum arpnd_drop_reason why;
	struct arpnd_na na;
	int hops, ifindex;
	ssize_t n = recvmsg(p->fd, &mh, MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	nd_ancillary(&mh, &hops, &ifindex);
	/* RFC 4861 7.1.2: an NA with another hop limit crossed a router */
	if (hops != ARPND_ND_HOP_LIMIT || ifindex != p->ifindex ||
	    arpnd_na_parse(msg, (size_t)n, &na, &why) < 0 ||
	    !ip_equal(&na.target, &p->cfg.gateway)) {
		p->discarded++;
		return 0;
	}
	if (na.has_tlla) {
		memcpy(p->gw_mac, na.tlla, sizeof(p->gw_mac));
		p->gw_mac_known = true;
	}
	return 1;
}

const struct gw_kind gw_nd_kind = {
    .method = "nd",
    .open = nd_open,
    .send = nd_send,
    .recv = nd_recv,
};
