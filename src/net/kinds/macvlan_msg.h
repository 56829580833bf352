/* The macvlan's netlink form on libnl-3 messages alone, for the daemon's
 * virtual MAC links (net/vmac.c): vipd does not load libnl-route, which
 * the kinds' ops tables (net_kind.h) are written on. */
#ifndef VIPD_NET_KINDS_MACVLAN_MSG_H
#define VIPD_NET_KINDS_MACVLAN_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

/* IFLA_LINKINFO of a macvlan in mode (MACVLAN_MODE_*) into m: 0 or
 * -ENOMEM. */
int nk_macvlan_put_linkinfo(struct nl_msg *m, uint32_t mode);
/* Whether the IFLA_LINKINFO attribute linkinfo (may be NULL) says
 * macvlan; its mode in *mode when it does (left alone when absent). */
bool nk_macvlan_parse_linkinfo(struct nlattr *linkinfo, uint32_t *mode);

#endif
