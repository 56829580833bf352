/* IPv4 gateway probe: ARP request for the gateway from the node's own
 * address on an AF_PACKET socket of the interface (RFC 826).
 *
 * The first probe, and every probe after an unanswered one, is broadcast;
 * after an answer the next probes are unicast to the MAC that answered
 * (as a host's ARP cache refresh does): a segment with thousands of hosts
 * is spared 10 broadcasts a second per VIP interface. If the gateway
 * changes its MAC (replaced, or a first-hop redundancy failover without a
 * virtual MAC), one unicast probe goes unanswered and the next broadcast
 * one learns the new MAC: it costs one failure, less than any fall > 1.
 *
 * Only a reply to our own request is an answer (docs/security.md): an ARP
 * reply from the gateway's address (ar$spa) to our address and MAC (ar$tpa,
 * ar$tha), and after a unicast probe from the MAC it was sent to (ar$sha):
 * a host that merely claims the gateway's address, or a request the
 * gateway sends, does not keep a dead gateway alive. A kernel socket
 * filter passes only ARP replies with ar$spa = gateway, so the frames of
 * the rest of the segment never wake the loop; what passes it and still
 * is no answer (our own outgoing frames, replies to others, malformed
 * ones) is counted in `discarded`. */
#ifndef VIPD_CHECK_GW_ARP_H
#define VIPD_CHECK_GW_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "net/arpnd.h"
#include "util/ipaddr.h"

struct gw_kind;

/* What an answer to our probe must carry. */
struct gw_arp_expect {
	struct ip_addr gateway;		 /* ar$spa */
	struct ip_addr own;		 /* ar$tpa */
	uint8_t own_mac[ARPND_ETH_ALEN]; /* ar$tha */
	const uint8_t
	    *asked_mac; /* ar$sha when the probe was unicast to it; NULL after a broadcast */
};

/* Is arp (decoded) the answer to our probe? Pure, exposed for the test. */
bool gw_arp_is_answer(const struct arpnd_arp *arp, const struct gw_arp_expect *e);

extern const struct gw_kind gw_arp_kind;

#define GW_ARP_FILTER_LEN 8

/* The socket filter for gateway gw (IPv4): ethertype ARP, ar$spa = gw and
 * ar$op = reply. Pure, exposed for the unit test. */
void gw_arp_filter(const struct ip_addr *gw, struct sock_filter code[GW_ARP_FILTER_LEN]);

#endif
