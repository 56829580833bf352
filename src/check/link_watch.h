/* The `link` signal: is a watched interface operationally up, event-driven.
 *
 * One libnl NETLINK_ROUTE socket per namespace, connected inside it
 * (net_nl_connect_in) and subscribed to RTNLGRP_LINK, read by
 * nl_recvmsgs from the event loop without blocking; a dump of all links
 * gives the initial state, the kernel's RTM_NEWLINK/RTM_DELLINK messages
 * every change after. The rule
 * for "up" is link_state_up() on the watched device itself (see
 * net/link_state.h: the kernel's operational state already accounts for the
 * bond or veth peer below).
 *
 * Every observation goes through the fall/rise funnel with fall = rise = 1
 * (one kernel event is the truth; damping, if any, is the daemon's), so a
 * callback comes once initially, after the namespace's first dump, and
 * then on every change of up/down only (a new reason while staying down
 * does not call back; link_watch_item_state() shows it). Callbacks run
 * from an event of their own after all messages read in one wake-up, so
 * they carry the last word: an interface deleted (the kernel first reports
 * it down, then gone) is told once, as "interface removed"; a flap that
 * went and came back within one batch is not told at all.
 *
 * Latency is the kernel's: it sends operational-state changes from its
 * linkwatch work, at once for "urgent" devices (stacked ones such as a
 * VLAN, a bond and its ports, a veth whose peer index differs from its
 * own, carrier gained) and otherwise at most once a second (carrier lost on
 * a plain NIC): a link check on a physical port can lag by up to 1 s.
 *
 * Losing messages (ENOBUFS: the socket's buffer overflowed because the
 * loop was busy or a storm of link events came) triggers a new dump; the
 * dump's answer replaces whatever was missed. An interface that is
 * deleted, moved to another namespace or renamed reads as down with the
 * reason "interface removed" (or "renamed to X"); one that appears under
 * the watched name is picked up and judged like any other.
 *
 * A namespace is opened by name when its first item is added: the socket
 * keeps that namespace, so a namespace deleted and re-created under the
 * same name later is not followed (remove and re-add the items).
 *
 * The same socket also carries the namespace's address events
 * (RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR) once an address callback is
 * set (link_watch_on_addr_removed): the reconcile loop of DESIGN 3 (a VIP
 * someone else removed is re-added) needs them in every namespace whose
 * links are watched, and one socket per namespace serves both (one
 * reader, one resync on ENOBUFS).
 *
 * Callbacks run from the event loop; a link callback may call
 * link_watch_del() or link_watch_free() (nothing touches the watcher
 * after it); an address callback may not. */
#ifndef VIPD_CHECK_LINK_WATCH_H
#define VIPD_CHECK_LINK_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "check/rise_fall.h"
#include "util/ipaddr.h"

struct event_base;
struct net_ctx;
struct link_watch;
struct link_watch_item;

/* up: the new state; reason: "link vlan100 down: no carrier (operstate
 * lowerlayerdown)", "link tenant-a/eth0 down: interface removed", "link
 * vlan100 up". The text is only valid during the call. */
typedef void (*link_watch_cb)(void *arg, bool up, const char *reason);

struct link_watch_stats {
	uint64_t messages;     /* link messages read (events and dump parts) */
	uint64_t dumps;	       /* dumps requested, initial ones included */
	uint64_t overruns;     /* ENOBUFS seen: messages lost, resync by dump */
	uint64_t interrupts;   /* dumps the kernel flagged inconsistent (redone) */
	uint64_t rechecks;     /* dumps asked for by link_watch_recheck */
	uint64_t addr_removed; /* RTM_DELADDR messages read */
};

/* ctx: the daemon's namespace context (namespaces are opened through it;
 * it must outlive the watcher). NULL with errno set on failure. */
struct link_watch *link_watch_new(struct event_base *base, struct net_ctx *ctx);

/* Watches ifname in netns (NULL or "" = own). The first callback comes
 * from the loop after a dump; *out (may be NULL) receives a handle for
 * link_watch_del and link_watch_item_state. 0 or a negative errno
 * (-ENOENT: no such namespace; -EINVAL: bad name). */
int link_watch_add(struct link_watch *lw, const char *netns, const char *ifname, link_watch_cb cb,
		   void *arg, struct link_watch_item **out);

/* Stops watching; the namespace's socket closes with its last item. */
void link_watch_del(struct link_watch *lw, struct link_watch_item *item);

/* A sender saw its link refuse a packet (ENOBUFS, ENETDOWN, ...): ask
 * the kernel now instead of waiting for its event. The kernel batches
 * link events it does not deem urgent (a physical port, a veth whose
 * peer has the same ifindex in its own namespace) to one round per
 * second, so a lost carrier can be told up to 1 s late, while a dump
 * reports it at once. At most one dump per namespace per
 * LINK_WATCH_RECHECK_MIN_MS; a dump running asks for another after it. */
#define LINK_WATCH_RECHECK_MIN_MS 50
void link_watch_recheck(struct link_watch_item *item);

/* Status for `vipctl status`: UNKNOWN until the first dump answered. */
const struct check_state *link_watch_item_state(const struct link_watch_item *item);

/* An address of netns was removed (RTM_DELADDR, any interface, both
 * families): addr is the address with its prefix length, ifindex its
 * interface; addr NULL (ifindex 0) when messages were lost (ENOBUFS, or
 * more than a batch holds): whatever the callee cares about may have
 * gone. Called from the loop after the batch's link callbacks; it must
 * not call link_watch_del or link_watch_free. */
typedef void (*link_watch_addr_cb)(void *arg, const char *netns, int ifindex,
				   const struct ip_addr *addr);

/* Sets the address callback (one per watcher) and subscribes every
 * namespace's socket, open or opened later, to address events. 0 or a
 * negative errno (a socket that could not join the groups). */
int link_watch_on_addr_removed(struct link_watch *lw, link_watch_addr_cb cb, void *arg);

/* A link of netns changed: ifname is the name a RTM_NEWLINK or
 * RTM_DELLINK (or a dump, initial or after lost messages) carried, each
 * name once per batch; NULL when messages were lost (any may have
 * changed). Called from the loop after the batch's link callbacks and
 * before its address callbacks (a link set down loses its IPv6
 * addresses: the callee that raises it adds them again); the same rules
 * as the address callback. The runtime's virtual MAC links
 * (vrrp_rt_link_changed) are watched this way: their names are the
 * runtime's, not items of the watcher. */
typedef void (*link_watch_link_cb)(void *arg, const char *netns, const char *ifname);
void link_watch_on_link_changed(struct link_watch *lw, link_watch_link_cb cb, void *arg);

void link_watch_get_stats(const struct link_watch *lw, struct link_watch_stats *out);

void link_watch_free(struct link_watch *lw);

#endif
