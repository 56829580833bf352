/* ARP wire I/O of the IPv4 gateway probe. */
#include "check/gw_arp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>

#include "check/check_io.h"
#include "check/gw_probe_internal.h"
#include "net/netns.h"

/* ar$spa sits after the Ethernet header (14), ar$hrd/pro/hln/pln/op (8)
 * and ar$sha (6); ar$op after ar$hrd/pro/hln/pln (6). */
#define GW_ARP_SPA_OFFSET (ARPND_ETH_HLEN + 8 + ARPND_ETH_ALEN)
#define GW_ARP_OP_OFFSET  (ARPND_ETH_HLEN + 6)

void gw_arp_filter(const struct ip_addr *gw, struct sock_filter code[GW_ARP_FILTER_LEN])
{
	/* BPF_LD|BPF_W|BPF_ABS loads big-endian: compare with the address
	 * as a host-order number */
	uint32_t spa = (uint32_t)gw->bytes[0] << 24 | (uint32_t)gw->bytes[1] << 16 |
		       (uint32_t)gw->bytes[2] << 8 | gw->bytes[3];
	const struct sock_filter prog[GW_ARP_FILTER_LEN] = {
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPND_ETHERTYPE_ARP, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, GW_ARP_SPA_OFFSET),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, spa, 0, 3),
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, GW_ARP_OP_OFFSET),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPND_ARP_REPLY, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff), /* the whole frame */
	    BPF_STMT(BPF_RET | BPF_K, 0),      /* dropped in the kernel */
	};

	memcpy(code, prog, sizeof(prog));
}

bool gw_arp_is_answer(const struct arpnd_arp *arp, const struct gw_arp_expect *e)
{
	return arp->op == ARPND_ARP_REPLY && ip_equal(&arp->spa, &e->gateway) &&
	       ip_equal(&arp->tpa, &e->own) && memcmp(arp->tha, e->own_mac, ARPND_ETH_ALEN) == 0 &&
	       (!e->asked_mac || memcmp(arp->sha, e->asked_mac, ARPND_ETH_ALEN) == 0);
}

/* Opened with protocol 0, so nothing is queued before the filter is on;
 * bind() then names the protocol and the interface. */
static int arp_open(struct gw_probe *p)
{
	struct sock_filter code[GW_ARP_FILTER_LEN];
	struct sock_fprog prog = {.len = GW_ARP_FILTER_LEN, .filter = code};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP)};
	int err;

	p->fd = net_socket_in(p->ctx, p->netns, AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
	if (p->fd < 0) {
		err = p->fd;
		p->fd = -1;
		return err;
	}
	gw_arp_filter(&p->cfg.gateway, code);
	err = check_iface_ids(p->fd, p->ifname, &p->ifindex, p->mac);
	if (!err && setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		err = -errno;
	sll.sll_ifindex = p->ifindex;
	if (!err && bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		err = -errno;
	if (err) {
		close(p->fd);
		p->fd = -1;
	}
	return err;
}

static int arp_send(struct gw_probe *p)
{
	static const uint8_t bcast[ARPND_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t *dst = p->unicast ? p->gw_mac : NULL;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = p->ifindex,
				  .sll_halen = ARPND_ETH_ALEN};
	uint8_t frame[ARPND_ARP_FRAME_LEN];
	int len = arpnd_arp_request_build(p->mac, dst, &p->cfg.own, &p->cfg.gateway, frame,
					  sizeof(frame));

	if (len < 0)
		return len;
	p->asked_unicast = dst != NULL;
	memcpy(sll.sll_addr, dst ? dst : bcast, ARPND_ETH_ALEN);
	if (sendto(p->fd, frame, (size_t)len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

static int arp_recv(struct gw_probe *p)
{
	uint8_t frame[256];
	struct sockaddr_ll from;
	socklen_t flen = sizeof(from);
	struct gw_arp_expect want = {.gateway = p->cfg.gateway, .own = p->cfg.own};
	enum arpnd_drop_reason why;
	struct arpnd_arp arp;
	ssize_t n =
	    recvfrom(p->fd, frame, sizeof(frame), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);

	if (n < 0)
		return -errno;
	memcpy(want.own_mac, p->mac, sizeof(want.own_mac));
	want.asked_mac = p->asked_unicast ? p->gw_mac : NULL;
	/* our own frames pass the filter only if someone else used the
	 * gateway's address; they are never an answer */
	if (from.sll_pkttype == PACKET_OUTGOING ||
	    arpnd_arp_parse(frame, (size_t)n, &arp, &why) < 0 || !gw_arp_is_answer(&arp, &want)) {
		p->discarded++;
		return 0;
	}
	memcpy(p->gw_mac, arp.sha, sizeof(p->gw_mac));
	p->gw_mac_known = true;
	return 1;
}

const struct gw_kind gw_arp_kind = {
    .method = "arp",
    .open = arp_open,
    .send = arp_send,
    .recv = arp_recv,
};
