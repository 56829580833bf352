/* bench-txpath: what the kernel charges a sender for VRRPv3 IPv6 adverts,
 * by socket kind, with nothing of a daemon around it (docs/decisions.md,
 * "Scale: where the CPU goes"). It sends RATE unicast adverts a second,
 * round robin over the links m0..m{N-1} of its namespace (each with
 * 2001:db8:<i+1>::11/64 and a permanent neighbour ::12, as txpath.py sets
 * up), in batches of one sendmmsg every TICK ms, and prints its own CPU.
 *
 *   raw:    IPv6 raw socket, IPV6_PKTINFO, IPV6_CHECKSUM: vipd's path.
 *   packet: AF_PACKET SOCK_DGRAM, bound to no protocol (it receives
 *           nothing): the IPv6 header and checksum made here, the peer's
 *           MAC given per frame; no route lookup, no IP output.
 *
 * usage: bench-txpath raw|packet N RATE SECONDS [TICK_MS]  (in the lab's
 * namespace; txpath.py runs it). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "util/inet_csum.h"
#include "util/ipaddr.h"

#define BATCH_MAX   1024
#define VRRP_LEN    40 /* VRRPv3 header and two IPv6 VIPs */
#define IP6_HDR_LEN 40
#define VRRP_PROTO  112
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

struct slot {
	struct iovec iov;
	uint8_t frame[IP6_HDR_LEN + VRRP_LEN];
	union {
		struct sockaddr_in6 in6;
		struct sockaddr_ll ll;
	} to;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cmsg;
};

struct link {
	int ifindex;
	struct ip_addr own, peer;
	uint8_t peer_mac[6];
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
	       (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

/* The lab's addressing (txpath.py): link i is m<i>, its pair /64 is
 * 2001:db8:<i+1>::, the peer's MAC 02:00:00:00:<i>. */
static int link_get(int i, struct link *l)
{
	char name[IFNAMSIZ], text[INET6_ADDRSTRLEN];
	const char *why;

	snprintf(name, sizeof(name), "m%d", i);
	l->ifindex = (int)if_nametoindex(name);
	if (!l->ifindex)
		return -errno;
	snprintf(text, sizeof(text), "2001:db8:%x::11", i + 1);
	ip_parse(text, false, &l->own, &why);
	snprintf(text, sizeof(text), "2001:db8:%x::12", i + 1);
	ip_parse(text, false, &l->peer, &why);
	memcpy(l->peer_mac, (uint8_t[6]){2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}, 6);
	return 0;
}

static int open_raw(void)
{
	int fd = socket(AF_INET6, SOCK_RAW, VRRP_PROTO);
	int csum_offset = 6, hops = 255, on = 1;

	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &csum_offset, sizeof(csum_offset)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on)) < 0)
		return -1;
	return fd;
}

static void vrrp_fill(uint8_t *p)
{
	memset(p, 0, VRRP_LEN);
	p[0] = 0x31; /* version 3, advertisement */
	p[1] = 1;    /* VRID */
	p[2] = 200;  /* priority */
	p[3] = 2;    /* two addresses */
	p[5] = 100;  /* 1 s in centiseconds */
}

static void fill_raw(struct slot *s, struct msghdr *m, const struct link *l)
{
	struct cmsghdr *c;
	struct in6_pktinfo pi = {.ipi6_ifindex = (unsigned)l->ifindex};

	memcpy(&pi.ipi6_addr, l->own.bytes, 16);
	vrrp_fill(s->frame);
	s->iov = (struct iovec){.iov_base = s->frame, .iov_len = VRRP_LEN};
	s->to.in6 = (struct sockaddr_in6){.sin6_family = AF_INET6};
	memcpy(&s->to.in6.sin6_addr, l->peer.bytes, 16);
	m->msg_name = &s->to.in6;
	m->msg_namelen = sizeof(s->to.in6);
	m->msg_control = s->cmsg.buf;
	m->msg_controllen = sizeof(s->cmsg.buf);
	c = CMSG_FIRSTHDR(m);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

static void fill_packet(struct slot *s, struct msghdr *m, const struct link *l)
{
	struct ip6_hdr *h = (struct ip6_hdr *)s->frame;
	uint8_t *vrrp = s->frame + IP6_HDR_LEN;
	uint32_t sum;

	memset(h, 0, sizeof(*h));
	h->ip6_flow = htonl(6u << 28);
	h->ip6_plen = htons(VRRP_LEN);
	h->ip6_nxt = VRRP_PROTO;
	h->ip6_hlim = 255;
	memcpy(&h->ip6_src, l->own.bytes, 16);
	memcpy(&h->ip6_dst, l->peer.bytes, 16);
	vrrp_fill(vrrp);
	sum = inet_csum_add(inet_csum_pseudo(&l->own, &l->peer, VRRP_LEN, VRRP_PROTO), vrrp,
			    VRRP_LEN);
	vrrp[6] = (uint8_t)(inet_csum_fold(sum) >> 8);
	vrrp[7] = (uint8_t)inet_csum_fold(sum);
	s->iov = (struct iovec){.iov_base = s->frame, .iov_len = sizeof(s->frame)};
	s->to.ll = (struct sockaddr_ll){.sll_family = AF_PACKET,
					.sll_protocol = htons(ETH_P_IPV6),
					.sll_ifindex = l->ifindex,
					.sll_halen = 6};
	memcpy(s->to.ll.sll_addr, l->peer_mac, 6);
	m->msg_name = &s->to.ll;
	m->msg_namelen = sizeof(s->to.ll);
}

static void nap_until(double t)
{
	double w = t - now_s();
	struct timespec ts;

	if (w <= 0)
		return;
	ts.tv_sec = (time_t)w;
	ts.tv_nsec = (long)((w - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	static struct slot slots[BATCH_MAX];
	static struct mmsghdr msgs[BATCH_MAX];
	bool packet = argc > 1 && strcmp(argv[1], "packet") == 0;
	int n_links = argc > 2 ? atoi(argv[2]) : 0, rate = argc > 3 ? atoi(argv[3]) : 0;
	double seconds = argc > 4 ? atof(argv[4]) : 0, tick = (argc > 5 ? atof(argv[5]) : 5) / 1e3;
	int per_tick = (int)(rate * tick + 0.5), fd;
	struct link *links;
	long sent = 0, next_link = 0;
	double t0, c0, due;

	if (argc < 5 || (!packet && strcmp(argv[1], "raw") != 0) || n_links < 1 || per_tick < 1 ||
	    per_tick > BATCH_MAX || seconds <= 0) {
		fprintf(stderr, "usage: bench-txpath raw|packet N RATE SECONDS [TICK_MS]\n"
				"  (RATE x TICK between 1 and 1024 frames a batch)\n");
		return 2;
	}
	links = calloc((size_t)n_links, sizeof(*links));
	for (int i = 0; links && i < n_links; i++)
		if (link_get(i, &links[i]) < 0) {
			fprintf(stderr, "bench-txpath: m%d: %s\n", i, strerror(errno));
			return 1;
		}
	fd = packet ? socket(AF_PACKET, SOCK_DGRAM, 0) : open_raw();
	if (!links || fd < 0) {
		perror("bench-txpath");
		return 1;
	}
	t0 = due = now_s();
	c0 = cpu_s();
	while (now_s() - t0 < seconds) {
		for (int i = 0; i < per_tick; i++, next_link = (next_link + 1) % n_links) {
			memset(&msgs[i], 0, sizeof(msgs[i]));
			if (packet)
				fill_packet(&slots[i], &msgs[i].msg_hdr, &links[next_link]);
			else
				fill_raw(&slots[i], &msgs[i].msg_hdr, &links[next_link]);
			msgs[i].msg_hdr.msg_iov = &slots[i].iov;
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		if (sendmmsg(fd, msgs, (unsigned)per_tick, 0) < 0) {
			perror("sendmmsg");
			return 1;
		}
		sent += per_tick;
		due += tick;
		nap_until(due);
	}
	printf("%s %d links %.0f frames/s batch %d: cpu %.2f %% of a core\n", argv[1], n_links,
	       (double)sent / (now_s() - t0), per_tick, 100 * (cpu_s() - c0) / (now_s() - t0));
	return 0;
}
