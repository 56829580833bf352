/* The one way vipd adds and removes an interface address (RTM_NEWADDR,
 * RTM_DELADDR): vipctl apply (nl_addr.c) and the daemon's VIPs (vip.c)
 * both build their requests here. libnl 3.7's address object has no
 * IFA_PROTO, so the requests are built with its message API.
 *
 * IFA_PROTO (Linux >= 6.1) tags an address with who added it. A kernel
 * before 6.1 ignores the unknown attribute, unless it checks attributes
 * strictly: then it refuses the whole request. ifaddr_add() then sends it
 * again without IFA_PROTO and remembers, in the net_ctx, that this kernel
 * wants none, so that later adds go without at once. */
#ifndef VIPD_NET_IFADDR_H
#define VIPD_NET_IFADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "util/ipaddr.h"

struct net_ctx;
struct nl_msg;
struct nl_sock;
struct nlu_err;

/* Everything a request carries besides the message header. */
struct ifaddr_req {
	int ifindex;
	struct ip_addr addr; /* with its prefix length; IFA_LOCAL and IFA_ADDRESS */
	uint8_t proto;	     /* adding: IFA_PROTO, 0 = none */
	uint32_t flags;	     /* adding: IFA_F_* (ifa_flags and IFA_FLAGS), 0 = none */
	bool replace;	     /* adding: NLM_F_REPLACE (else NLM_F_EXCL: -EEXIST) */
	bool broadcast;	     /* adding, IPv4 /30 and wider: IFA_BROADCAST, as `ip` does */
};

/* The RTM_NEWADDR request for r, with IFA_PROTO only when with_proto and
 * r->proto; NULL on out-of-memory. */
struct nl_msg *ifaddr_new_msg(const struct ifaddr_req *r, bool with_proto);
/* The RTM_DELADDR request for r: address and prefix length on ifindex. */
struct nl_msg *ifaddr_del_msg(const struct ifaddr_req *r);

/* Sends a request (consuming msg, which may be NULL: -ENOMEM); 0 or a
 * negative errno. */
typedef int (*ifaddr_send_fn)(void *arg, struct nl_msg *msg);

/* Adds r on the socket sk of ctx (sk must be in the namespace of
 * r->ifindex); e (may be NULL) gets the kernel's text. 0 or -errno. */
int ifaddr_add(struct net_ctx *ctx, struct nl_sock *sk, const struct ifaddr_req *r,
	       struct nlu_err *e);
/* ifaddr_add() over any sender (a test gives a fake kernel). */
int ifaddr_add_via(struct net_ctx *ctx, const struct ifaddr_req *r, ifaddr_send_fn send, void *arg);
/* Removes r from sk's namespace; an absent address is the kernel's error
 * (-EADDRNOTAVAIL), for the caller to judge. */
int ifaddr_del(struct nl_sock *sk, const struct ifaddr_req *r, struct nlu_err *e);

#endif
