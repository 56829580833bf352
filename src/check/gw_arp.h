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
 * An ARP reply or an ARP request whose sender address (ar$spa) is the
 * gateway is an answer: a gateway that asks for us is alive too. A kernel
 * socket filter passes only ARP frames with ar$spa = gateway, so the
 * frames of the rest of the segment never wake the loop; what passes it
 * and still is no answer (our own outgoing frames, malformed ones) is
 * counted in `discarded`. */
#ifndef VIPD_CHECK_GW_ARP_H
#define VIPD_CHECK_GW_ARP_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "util/ipaddr.h"

struct gw_kind;

extern const struct gw_kind gw_arp_kind;

#define GW_ARP_FILTER_LEN 6

/* The socket filter for gateway gw (IPv4): ethertype ARP and ar$spa = gw.
 * Pure, exposed for the unit test. */
void gw_arp_filter(const struct ip_addr *gw, struct sock_filter code[GW_ARP_FILTER_LEN]);

#endif
