/* IPv6 gateway probe: Neighbor Solicitation for the gateway (RFC 4861
 * 7.2.2) on a raw ICMPv6 socket in the interface's namespace.
 *
 * The NS goes to the gateway's solicited-node multicast group, from the
 * node's own (global) address, with a Source Link-Layer Address option so
 * that the gateway can answer without a solicitation of its own; hop limit
 * 255 as ND requires. Multicast every time: unlike ARP, a unicast NS would
 * need the kernel's neighbour entry for the gateway, the very thing under
 * test.
 *
 * A Neighbor Advertisement for the gateway (target = gateway), received on
 * the interface with hop limit 255, is an answer, solicited or not. The
 * socket passes only ICMPv6 type 136 (ICMP6_FILTER) and only frames of the
 * interface (SO_BINDTODEVICE), which also keeps a link-local gateway such as
 * fe80::1 apart on several VLANs; the rest that reaches it (other targets,
 * a hop limit other than 255, malformed) is counted in `discarded`. */
#ifndef VIPD_CHECK_GW_ND_H
#define VIPD_CHECK_GW_ND_H

struct gw_kind;

extern const struct gw_kind gw_nd_kind;

#endif
