/* VIP addresses on an interface, through raw rtnetlink messages on a libnl
 * socket of the interface's namespace.
 *
 * Every VIP is added with IFA_PROTO = VIPD_ADDR_PROTO_VIP (src/plan/live.h)
 * so that a restarted daemon finds, and removes, what a crashed one left
 * (on a kernel that takes it: see net/ifaddr.h for the fallback).
 * IPv6 VIPs carry IFA_F_NODAD: the peer has just given the address up, and
 * duplicate address detection would keep it "tentative" (unusable) for a
 * second or more. */
#ifndef VIPD_NET_VIP_H
#define VIPD_NET_VIP_H

#include <stddef.h>
#include <stdint.h>

#include "util/ipaddr.h"

struct net_ctx;
struct nl_sock;

/* One address found on an interface. */
struct vip_found {
	struct ip_addr addr; /* with its prefix length */
	uint8_t proto;	     /* IFA_PROTO, 0 when unset */
	uint32_t flags;	     /* IFA_F_* (IFA_FLAGS, else ifa_flags) */
	int ifindex;	     /* the interface it is on */
};

/* Adds (or replaces) vip with its prefix length on ifindex; sk is ctx's
 * socket of the interface's namespace, ctx remembers a kernel that refuses
 * IFA_PROTO (net/ifaddr.h). 0 or -errno. */
int vip_add(struct net_ctx *ctx, struct nl_sock *sk, int ifindex, const struct ip_addr *vip);

/* Removes vip from ifindex; an address already gone is success. 0 or -errno. */
int vip_del(struct nl_sock *sk, int ifindex, const struct ip_addr *vip);

/* Every address of ifindex (both families), of every interface of sk's
 * namespace when ifindex is 0; *out is malloc'd, the caller frees it. 0 or
 * -errno. */
int vip_list(struct nl_sock *sk, int ifindex, struct vip_found **out, size_t *n);

#endif
