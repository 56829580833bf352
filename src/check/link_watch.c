/* Event-driven link state on libnl: one socket per namespace in
 * RTNLGRP_LINK (and the address groups for the reconcile loop), read
 * with nl_recvmsgs and the callbacks below. */
#include "check/link_watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "check/check_io.h"
#include "net/link_state.h"
#include "net/netns.h"
#include "net/nl_util.h"
#include "util/netdev_limits.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define LW_RCVBUF	    (4 << 20)	/* a storm of 4094 VLANs flapping fits */
#define LW_MSG_BUF	    (64 * 1024) /* libnl's first read: a dump part fits */
#define LW_RX_BURST	    64		/* datagrams per wake-up: the loop has others */
#define LW_DUMP_WATCHDOG_MS 2000	/* a dump that never ends is redone */
#define LW_DUMP_RETRY_MS    100		/* after the kernel refused a dump */

struct link_watch_item {
	struct lw_ns *ns;
	char ifname[IFNAMSIZ];
	int ifindex;	    /* 0: not present */
	unsigned judge_gen; /* the dump that must report it (absent if not) */
	unsigned seen_gen;  /* the dump during which it was last heard of */
	struct check_state cs;
	enum check_status notified; /* what the callback was last told */
	struct event *notify;	    /* runs the callback, from the loop */
	link_watch_cb cb;
	void *arg;
	struct link_watch_item *next;
};

#define LW_REMOVED_MAX 1024 /* removals queued in one batch; more: told as lost */
#define LW_CHANGED_MAX 64   /* links changed in one batch; more: told as lost */

struct lw_removed {
	int ifindex;
	struct ip_addr addr;
};

struct lw_ns {
	struct link_watch *lw;
	char name[LIVE_NS_MAX];
	struct nl_sock *sk;
	struct event *rx, *watchdog;
	uint32_t seq;	     /* of the last dump request */
	unsigned gen;	     /* dumps started */
	bool dumping;	     /* a dump is running */
	bool live;	     /* its first part has arrived: what follows is newer */
	bool resync;	     /* another dump is due when this one ends */
	uint64_t recheck_ms; /* check_now_ms() of the last recheck's dump */
	/* removed addresses read, told from addr_notify after the batch */
	struct lw_removed *removed;
	size_t n_removed;
	bool addrs_lost; /* an overflow: the callee checks everything */
	/* names of the links changed, told from addr_notify before the
	 * addresses (link_watch_on_link_changed) */
	char (*changed)[IFNAMSIZ];
	size_t n_changed;
	bool links_lost;
	struct event *addr_notify;
	struct link_watch_item *items;
	struct lw_ns *next;
};

struct link_watch {
	struct event_base *base;
	struct net_ctx *ctx;
	struct lw_ns *ns;
	struct link_watch_stats stats;
	link_watch_addr_cb addr_cb; /* NULL: no address groups joined */
	void *addr_arg;
	link_watch_link_cb link_cb; /* NULL: no link names queued */
	void *link_arg;
};

static void lw_rx(evutil_socket_t fd, short what, void *arg);
static void lw_watchdog(evutil_socket_t fd, short what, void *arg);
static int lw_msg_in(struct nl_msg *msg, void *arg);
static int lw_dump_intr(struct nl_msg *msg, void *arg);
static int lw_finish(struct nl_msg *msg, void *arg);
static int lw_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg);
static int lw_valid(struct nl_msg *msg, void *arg);
static void lw_addr_notify(evutil_socket_t fd, short what, void *arg);

struct link_watch *link_watch_new(struct event_base *base, struct net_ctx *ctx)
{
	struct link_watch *lw = calloc(1, sizeof(*lw));

	if (!lw)
		return NULL;
	lw->base = base;
	lw->ctx = ctx;
	return lw;
}

static void arm_ms(struct event *ev, unsigned ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

	event_add(ev, &tv);
}

/* ---- the socket ---- */

/* The socket's own callbacks serve nl_recvmsgs_default. Events carry
 * sequence number 0 and the dumps numbers of their own: no sequence
 * check; no acks asked for. */
static int lw_callbacks(struct lw_ns *ns)
{
	struct nl_sock *sk = ns->sk;

	nl_socket_disable_seq_check(sk);
	nl_socket_disable_auto_ack(sk);
	if (nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_CUSTOM, lw_msg_in, ns) < 0 ||
	    nl_socket_modify_cb(sk, NL_CB_DUMP_INTR, NL_CB_CUSTOM, lw_dump_intr, ns) < 0 ||
	    nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, lw_finish, ns) < 0 ||
	    nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, lw_valid, ns) < 0 ||
	    nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, lw_error, ns) < 0)
		return -ENOMEM;
	return 0;
}

/* A NETLINK_ROUTE socket made inside the namespace, in RTNLGRP_LINK,
 * non-blocking for the loop. The receive buffer is the slack between the
 * kernel and a busy loop; SO_RCVBUFFORCE (root) goes past
 * net.core.rmem_max, SO_RCVBUF (all libnl sets) is the best effort
 * without it. */
static int lw_socket(struct link_watch *lw, struct lw_ns *ns)
{
	int size = LW_RCVBUF, one = 1, fd, err;

	ns->sk = nl_socket_alloc();
	if (!ns->sk)
		return -ENOMEM;
	err = net_nl_connect_in(lw->ctx, ns->name, ns->sk, NETLINK_ROUTE);
	if (err < 0)
		return err;
	fd = nl_socket_get_fd(ns->sk);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* the kernel's "this dump is inconsistent" flag is on by default;
	 * extended acks only make error messages readable */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* libnl peeks at a datagram's size and reads it whole: none is cut */
	nl_socket_enable_msg_peek(ns->sk);
	err = nl_socket_set_msg_buf_size(ns->sk, LW_MSG_BUF);
	if (err == 0)
		err = nl_socket_add_membership(ns->sk, RTNLGRP_LINK);
	if (err == 0 && lw->addr_cb)
		err =
		    nl_socket_add_memberships(ns->sk, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);
	if (err == 0)
		err = nl_socket_set_nonblocking(ns->sk);
	if (err < 0)
		return nlu_errno_from_nle(err);
	return lw_callbacks(ns);
}

static void lw_ns_close(struct lw_ns *ns)
{
	if (ns->addr_notify)
		event_free(ns->addr_notify);
	free(ns->removed);
	free(ns->changed);
	if (ns->rx)
		event_free(ns->rx);
	if (ns->watchdog)
		event_free(ns->watchdog);
	if (ns->sk)
		nl_socket_free(ns->sk); /* closes its fd */
	free(ns);
}

static int lw_ns_open(struct link_watch *lw, const char *name, struct lw_ns **out)
{
	struct lw_ns *ns = calloc(1, sizeof(*ns));
	int err;

	if (!ns)
		return -ENOMEM;
	ns->lw = lw;
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	err = lw_socket(lw, ns);
	if (err < 0) {
		lw_ns_close(ns);
		return err;
	}
	ns->rx = event_new(lw->base, nl_socket_get_fd(ns->sk), EV_READ | EV_PERSIST, lw_rx, ns);
	ns->watchdog = evtimer_new(lw->base, lw_watchdog, ns);
	ns->addr_notify = event_new(lw->base, -1, 0, lw_addr_notify, ns);
	if (!ns->rx || !ns->watchdog || !ns->addr_notify || event_add(ns->rx, NULL) < 0) {
		lw_ns_close(ns);
		return -ENOMEM;
	}
	ns->next = lw->ns;
	lw->ns = ns;
	*out = ns;
	return 0;
}

/* ---- dumps ---- */

/* Asks for every link of the namespace. One dump at a time per socket
 * (the kernel says EBUSY otherwise): a request during a dump is
 * remembered and made when it ends. The request carries our own sequence
 * number, which tells the dump's messages from the events. */
static void lw_dump_start(struct lw_ns *ns)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *req;
	int err = -NLE_NOMEM;

	if (ns->dumping) {
		ns->resync = true;
		return;
	}
	if (++ns->seq == NL_AUTO_SEQ) /* libnl would number that one itself */
		++ns->seq;
	ns->lw->stats.dumps++;
	ns->resync = false;
	req = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	if (req && nlmsg_append(req, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0) {
		nlmsg_hdr(req)->nlmsg_seq = ns->seq;
		err = nl_send_auto(ns->sk, req);
	}
	nlmsg_free(req);
	if (err < 0) {
		arm_ms(ns->watchdog, LW_DUMP_RETRY_MS);
		return;
	}
	ns->gen++;
	ns->dumping = true;
	ns->live = false;
	for (struct link_watch_item *it = ns->items; it; it = it->next)
		it->judge_gen = ns->gen;
	arm_ms(ns->watchdog, LW_DUMP_WATCHDOG_MS);
}

static void lw_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct lw_ns *ns = arg;

	(void)fd;
	(void)what;
	ns->dumping = false;
	lw_dump_start(ns);
}

/* ---- observations ---- */

/* The callback runs from its own event, after the whole batch of messages
 * read in one wake-up: a deletion (down, then gone) is told once, with the
 * last word ("interface removed"), and a callback may delete items or
 * free the watcher, since nothing touches them after it. */
static void lw_notify(evutil_socket_t fd, short what, void *arg)
{
	struct link_watch_item *it = arg;

	(void)fd;
	(void)what;
	if (it->cs.status == it->notified)
		return;
	it->notified = it->cs.status;
	it->cb(it->arg, it->cs.status == CHECK_UP, it->cs.detail);
}

static void lw_observe(struct link_watch_item *it, bool up, const char *why)
{
	char text[CHECK_TEXT_MAX];
	const char *ns = it->ns->name;

	/* "link [netns/]ifname ...": made when said, not kept per item */
	if (up)
		snprintf(text, sizeof(text), "link %s%s%s up", ns, *ns ? "/" : "", it->ifname);
	else
		snprintf(text, sizeof(text), "link %s%s%s down: %s", ns, *ns ? "/" : "", it->ifname,
			 why);
	if (check_result(&it->cs, up, check_now_ms(), text) != CHECK_CHANGE_NONE)
		event_active(it->notify, EV_TIMEOUT, 0);
}

static void lw_gone(struct link_watch_item *it, const char *why)
{
	it->ifindex = 0;
	lw_observe(it, false, why);
}

/* Items the finished dump did not mention are absent; those added while it
 * ran are judged by the next one. */
static void lw_dump_done(struct lw_ns *ns)
{
	ns->dumping = false;
	event_del(ns->watchdog);
	for (struct link_watch_item *it = ns->items; it; it = it->next) {
		if (it->judge_gen != ns->gen || it->seen_gen == ns->gen)
			continue;
		if (it->ifindex != 0)
			lw_gone(it, "interface removed");
		else if (it->cs.probes == 0)
			lw_gone(it, "interface not found");
	}
	if (ns->resync)
		lw_dump_start(ns);
}

struct lw_link {
	bool del;
	int ifindex;
	unsigned flags;
	int operstate; /* -1: absent */
	char name[IFNAMSIZ];
};

/* Only what the rule needs; libnl checks the lengths (the name is
 * terminated and fits, the state is a byte). */
static const struct nla_policy lw_policy[IFLA_MAX + 1] = {
    [IFLA_IFNAME] = {.type = NLA_STRING, .maxlen = IFNAMSIZ},
    [IFLA_OPERSTATE] = {.type = NLA_U8},
};

static bool lw_link_parse(struct nlmsghdr *nh, struct lw_link *out)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;

	if (nlmsg_parse(nh, sizeof(*ifi), tb, IFLA_MAX, lw_policy) < 0 || !tb[IFLA_IFNAME])
		return false;
	ifi = nlmsg_data(nh);
	/* the bridge's port messages (AF_BRIDGE) share the group; its
	 * RTM_DELLINK means "left the bridge", not "deleted" */
	if (ifi->ifi_family != AF_UNSPEC)
		return false;
	out->del = nh->nlmsg_type == RTM_DELLINK;
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->operstate = tb[IFLA_OPERSTATE] ? nla_get_u8(tb[IFLA_OPERSTATE]) : -1;
	nla_strlcpy(out->name, tb[IFLA_IFNAME], sizeof(out->name));
	return true;
}

/* fresh: the message is the dump's, or an event newer than the dump's
 * start; only those say the interface exists now (events queued before
 * the dump request, after an overflow, may describe one since deleted). */
static void lw_link_item(struct lw_ns *ns, struct link_watch_item *it, const struct lw_link *l,
			 bool fresh)
{
	char why[96];

	if (strcmp(it->ifname, l->name) != 0) {
		/* the name we watch went away under the same index */
		if (it->ifindex == l->ifindex) {
			snprintf(why, sizeof(why), "renamed to %s", l->name);
			lw_gone(it, l->del ? "interface removed" : why);
		}
		return;
	}
	if (fresh)
		it->seen_gen = ns->gen;
	if (l->del) {
		if (it->ifindex == l->ifindex)
			lw_gone(it, "interface removed");
		return;
	}
	it->ifindex = l->ifindex;
	lw_observe(it, link_state_up(l->flags, l->operstate, why, sizeof(why)), why);
}

/* ---- reading: nl_recvmsgs and its callbacks ----
 *
 * libnl calls, per message: lw_msg_in first, lw_dump_intr when the kernel
 * flagged a dump part inconsistent, then lw_finish (NLMSG_DONE), lw_error
 * (NLMSG_ERROR) or lw_valid (anything else). Each returns NL_OK (NL_SKIP
 * for its message only): NL_STOP would drop the rest of the datagram.
 * None frees anything: the user's callbacks run later (lw_notify). */

static bool lw_dump_msg(const struct lw_ns *ns, uint32_t seq)
{
	return ns->dumping && seq == ns->seq;
}

/* Only the kernel speaks for the links. The dump's parts are queued
 * behind the events that were waiting when it was asked for, and ahead
 * of the events after: its first part starts what is fresh. */
static int lw_msg_in(struct nl_msg *msg, void *arg)
{
	struct lw_ns *ns = arg;

	if (nlmsg_get_src(msg)->nl_pid != 0)
		return NL_SKIP;
	if (lw_dump_msg(ns, nlmsg_hdr(msg)->nlmsg_seq))
		ns->live = true;
	return NL_OK;
}

/* The links changed while the kernel dumped them: the parts still count,
 * and another dump follows this one. */
static int lw_dump_intr(struct nl_msg *msg, void *arg)
{
	struct lw_ns *ns = arg;

	if (lw_dump_msg(ns, nlmsg_hdr(msg)->nlmsg_seq)) {
		ns->lw->stats.interrupts++;
		ns->resync = true;
	}
	return NL_OK;
}

static int lw_finish(struct nl_msg *msg, void *arg)
{
	struct lw_ns *ns = arg;

	if (lw_dump_msg(ns, nlmsg_hdr(msg)->nlmsg_seq))
		lw_dump_done(ns);
	return NL_OK;
}

/* Only our dump request can be answered with an error: ask again soon. */
static int lw_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct lw_ns *ns = arg;

	if (who->nl_pid == 0 && lw_dump_msg(ns, e->msg.nlmsg_seq)) {
		ns->dumping = false;
		arm_ms(ns->watchdog, LW_DUMP_RETRY_MS);
	}
	return NL_SKIP;
}

/* ---- addresses: removals, told after the batch ----
 *
 * Like the links' callbacks, the address callback runs from an event of
 * its own once the wake-up's messages are read, and after the link
 * callbacks of that batch: `ip link set down` sends the link's new
 * state before the kernel flushes the interface's IPv6 addresses, so the
 * callee hears the link first (an instance in FAULT holds nothing to
 * repair). */

static const struct nla_policy lw_addr_policy[IFA_MAX + 1] = {
    [IFA_ADDRESS] = {.minlen = 4},
    [IFA_LOCAL] = {.minlen = 4},
};

/* The address an RTM_DELADDR removed: IFA_LOCAL (the interface's own
 * address; IFA_ADDRESS is the peer's on a point-to-point link), else
 * IFA_ADDRESS. */
static bool lw_addr_parse(struct nlmsghdr *nh, struct lw_removed *out)
{
	struct nlattr *tb[IFA_MAX + 1], *a;
	struct ifaddrmsg *ifa;
	size_t len;

	if (nlmsg_parse(nh, sizeof(*ifa), tb, IFA_MAX, lw_addr_policy) < 0)
		return false;
	ifa = nlmsg_data(nh);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return false;
	len = ifa->ifa_family == AF_INET ? 4 : 16;
	if ((size_t)nla_len(a) < len)
		return false;
	memset(out, 0, sizeof(*out));
	out->ifindex = (int)ifa->ifa_index;
	out->addr.family = ifa->ifa_family == AF_INET ? IP_V4 : IP_V6;
	out->addr.plen = ifa->ifa_prefixlen;
	memcpy(out->addr.bytes, nla_data(a), len);
	return true;
}

static void lw_addrs_lost(struct lw_ns *ns)
{
	ns->addrs_lost = true;
	ns->n_removed = 0;
	event_active(ns->addr_notify, EV_TIMEOUT, 0);
}

static void lw_addr_msg(struct lw_ns *ns, struct nlmsghdr *nh)
{
	struct link_watch *lw = ns->lw;
	struct lw_removed r;

	if (nh->nlmsg_type != RTM_DELADDR || !lw->addr_cb || !lw_addr_parse(nh, &r))
		return;
	lw->stats.addr_removed++;
	if (ns->addrs_lost)
		return; /* everything is checked anyway */
	if (!ns->removed)
		ns->removed = malloc(LW_REMOVED_MAX * sizeof(*ns->removed));
	if (!ns->removed || ns->n_removed == LW_REMOVED_MAX) {
		lw_addrs_lost(ns);
		return;
	}
	ns->removed[ns->n_removed++] = r;
	event_active(ns->addr_notify, EV_TIMEOUT, 0);
}

/* A link message: its name queued for link_cb (once per batch). */
static void lw_link_changed(struct lw_ns *ns, const char *name)
{
	if (!ns->lw->link_cb || ns->links_lost)
		return;
	for (size_t i = 0; i < ns->n_changed; i++)
		if (strcmp(ns->changed[i], name) == 0)
			return;
	if (!ns->changed)
		ns->changed = malloc(LW_CHANGED_MAX * sizeof(*ns->changed));
	if (!ns->changed || ns->n_changed == LW_CHANGED_MAX) {
		ns->links_lost = true;
		ns->n_changed = 0;
	} else {
		snprintf(ns->changed[ns->n_changed++], IFNAMSIZ, "%s", name);
	}
	event_active(ns->addr_notify, EV_TIMEOUT, 0);
}

static void lw_links_lost(struct lw_ns *ns)
{
	if (!ns->lw->link_cb)
		return;
	ns->links_lost = true;
	ns->n_changed = 0;
	event_active(ns->addr_notify, EV_TIMEOUT, 0);
}

/* The links first: a link set down takes its IPv6 addresses with it, and
 * the callee that puts the link back adds them again. */
static void lw_link_notify(struct lw_ns *ns)
{
	struct link_watch *lw = ns->lw;
	size_t n = ns->n_changed;

	ns->n_changed = 0;
	if (!lw->link_cb)
		return;
	if (ns->links_lost) {
		ns->links_lost = false;
		lw->link_cb(lw->link_arg, ns->name, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++)
		lw->link_cb(lw->link_arg, ns->name, ns->changed[i]);
}

static void lw_addr_notify(evutil_socket_t fd, short what, void *arg)
{
	struct lw_ns *ns = arg;
	struct link_watch *lw = ns->lw;
	size_t n;

	(void)fd;
	(void)what;
	lw_link_notify(ns);
	n = ns->n_removed;
	ns->n_removed = 0;
	if (!lw->addr_cb)
		return;
	if (ns->addrs_lost) {
		ns->addrs_lost = false;
		lw->addr_cb(lw->addr_arg, ns->name, 0, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++)
		lw->addr_cb(lw->addr_arg, ns->name, ns->removed[i].ifindex, &ns->removed[i].addr);
}

/* fresh (see lw_link_item): the dump's first part has arrived. */
static int lw_valid(struct nl_msg *msg, void *arg)
{
	struct lw_ns *ns = arg;
	struct nlmsghdr *nh = nlmsg_hdr(msg);
	struct lw_link l;

	if (nh->nlmsg_type == RTM_NEWADDR || nh->nlmsg_type == RTM_DELADDR) {
		lw_addr_msg(ns, nh);
		return NL_OK;
	}
	if ((nh->nlmsg_type != RTM_NEWLINK && nh->nlmsg_type != RTM_DELLINK) ||
	    !lw_link_parse(nh, &l))
		return NL_OK;
	ns->lw->stats.messages++;
	for (struct link_watch_item *it = ns->items; it; it = it->next)
		lw_link_item(ns, it, &l, ns->live);
	lw_link_changed(ns, l.name);
	return NL_OK;
}

/* One nl_recvmsgs call reads one datagram (and on to the dump's
 * NLMSG_DONE while a dump is being read), up to LW_RX_BURST calls per
 * wake-up. libnl reports the kernel's ENOBUFS as NLE_NOMEM: messages were
 * dropped, only a fresh dump knows the truth (that dump serves a real
 * out-of-memory as well); the address callback hears that it may have
 * missed removals and checks for itself. */
static void lw_rx(evutil_socket_t fd, short what, void *arg)
{
	struct lw_ns *ns = arg;

	(void)fd;
	(void)what;
	for (int i = 0; i < LW_RX_BURST; i++) {
		int err = nl_recvmsgs_default(ns->sk);

		if (err == -NLE_NOMEM || err == -NLE_MSG_OVERFLOW) {
			ns->lw->stats.overruns++;
			lw_dump_start(ns);
			if (ns->lw->addr_cb)
				lw_addrs_lost(ns);
			lw_links_lost(ns);
			continue;
		}
		if (err < 0)
			return; /* NLE_AGAIN, or nothing a retry would fix */
	}
}

/* ---- API ---- */

static struct lw_ns *lw_ns_find(struct link_watch *lw, const char *name)
{
	for (struct lw_ns *ns = lw->ns; ns; ns = ns->next)
		if (strcmp(ns->name, name) == 0)
			return ns;
	return NULL;
}

static void lw_ns_unlink(struct link_watch *lw, struct lw_ns *ns)
{
	for (struct lw_ns **pp = &lw->ns; *pp; pp = &(*pp)->next) {
		if (*pp == ns) {
			*pp = ns->next;
			break;
		}
	}
	lw_ns_close(ns);
}

int link_watch_add(struct link_watch *lw, const char *netns, const char *ifname, link_watch_cb cb,
		   void *arg, struct link_watch_item **out)
{
	struct lw_ns *ns;
	struct link_watch_item *it;
	int err;

	netns = netns ? netns : "";
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ || strlen(netns) >= LIVE_NS_MAX ||
	    !cb)
		return -EINVAL;
	ns = lw_ns_find(lw, netns);
	if (!ns && (err = lw_ns_open(lw, netns, &ns)) < 0)
		return err;
	it = calloc(1, sizeof(*it));
	if (it)
		it->notify = event_new(lw->base, -1, 0, lw_notify, it);
	if (!it || !it->notify) {
		free(it);
		if (!ns->items)
			lw_ns_unlink(lw, ns);
		return -ENOMEM;
	}
	it->ns = ns;
	snprintf(it->ifname, sizeof(it->ifname), "%s", ifname);
	check_state_init(&it->cs, 1, 1, false);
	it->notified = CHECK_UNKNOWN;
	it->cb = cb;
	it->arg = arg;
	it->next = ns->items;
	ns->items = it;
	lw_dump_start(ns);
	if (out)
		*out = it;
	return 0;
}

void link_watch_del(struct link_watch *lw, struct link_watch_item *item)
{
	struct link_watch_item *it = item;
	struct lw_ns *ns;

	if (!it)
		return;
	ns = it->ns;
	for (struct link_watch_item **pp = &ns->items; *pp; pp = &(*pp)->next) {
		if (*pp == it) {
			*pp = it->next;
			break;
		}
	}
	event_free(it->notify);
	check_state_done(&it->cs);
	free(it);
	if (!ns->items)
		lw_ns_unlink(lw, ns);
}

void link_watch_recheck(struct link_watch_item *item)
{
	struct lw_ns *ns = item->ns;
	uint64_t now = check_now_ms();

	if (ns->recheck_ms && now - ns->recheck_ms < LINK_WATCH_RECHECK_MIN_MS)
		return;
	ns->recheck_ms = now;
	ns->lw->stats.rechecks++;
	lw_dump_start(ns);
}

const struct check_state *link_watch_item_state(const struct link_watch_item *item)
{
	return &item->cs;
}

int link_watch_on_addr_removed(struct link_watch *lw, link_watch_addr_cb cb, void *arg)
{
	int rc = 0;

	lw->addr_cb = cb;
	lw->addr_arg = arg;
	for (struct lw_ns *ns = lw->ns; ns && cb; ns = ns->next) {
		int err =
		    nl_socket_add_memberships(ns->sk, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);

		if (err < 0)
			rc = nlu_errno_from_nle(err);
	}
	return rc;
}

void link_watch_on_link_changed(struct link_watch *lw, link_watch_link_cb cb, void *arg)
{
	lw->link_cb = cb;
	lw->link_arg = arg;
}

void link_watch_get_stats(const struct link_watch *lw, struct link_watch_stats *out)
{
	*out = lw->stats;
}

void link_watch_free(struct link_watch *lw)
{
	if (!lw)
		return;
	while (lw->ns) {
		struct lw_ns *ns = lw->ns;

		while (ns->items) {
			struct link_watch_item *it = ns->items;

			ns->items = it->next;
			event_free(it->notify);
			check_state_done(&it->cs);
			free(it);
		}
		lw->ns = ns->next;
		lw_ns_close(ns);
	}
	free(lw);
}
