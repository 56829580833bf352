/* The production environment of the runtime (runtime_env.h): the system
 * clocks, libevent timers on vrrp_rt.base, raw VRRP sockets
 * (net/vrrp_sock.c) read in a libevent callback, VIP addresses over
 * netlink (net/vip.c), GARP/NA frames on a packet socket (net/garp.c).
 * ctx is the struct vrrp_rt.
 *
 * Namespaces: a socket belongs to the namespace it was created in, so the
 * interface's namespace is entered (setns) only to create sockets and look
 * names up, and left at once. Above runtime_base.c, below every file that
 * uses it: they reach it only through vrrp_rt.env. Here: what keeps state
 * in vrrp_rt.sys (timers, the advert sockets, the send queue, the packet
 * socket's neighbour tables) and the table; the operations without state
 * of their own (VIP side, virtual MAC links, addresses, the log's watch)
 * are runtime_env_kernel.c's. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <linux/netlink.h>
#include <netlink/socket.h>

#include "net/neigh.h"
#include "net/netns.h"
#include "net/vrrp_sock.h"
#include "util/timer_heap.h"
#include "vrrp/runtime_env_kernel.h"

/* ---- clocks ---- */

static uint64_t sys_now_ms(void *ctx)
{
	(void)ctx;
	return vrrp_rt_now_ms();
}

static int64_t sys_wall_ms(void *ctx)
{
	(void)ctx;
	return vrrp_rt_wall_ms();
}

/* ---- the environment's own state ---- */

struct sys_share;

/* The production environment's own state, in vrrp_rt.sys. */
struct vrrp_rt_sys {
	struct sys_share **shares;
	size_t n_shares;
	struct vrrp_sock_batch *batch; /* one for every share: one loop reads */
	bool batch_busy;	       /* a share is reading into it */
	/* every timer, earliest first, and the one event that waits for the
	 * earliest (armed for timer_ev_due; 0: not armed); n_timers made, the
	 * heap has room for all; firing: in on_timer_ev, which arms the event
	 * once at its end */
	struct timer_heap timers;
	size_t n_timers;
	struct event *timer_ev;
	uint64_t timer_ev_due;
	bool firing;
	/* Adverts queued in this loop pass, sent by tx_ev at its end (or when
	 * the queue is full, or a socket closes): one sendmmsg per share. */
	struct vrrp_sock_txq *txq;
	struct event *tx_ev;
};

static struct vrrp_rt_sys *sys_state(struct vrrp_rt *rt)
{
	if (!rt->sys)
		rt->sys = calloc(1, sizeof(*rt->sys));
	return rt->sys;
}

static void tx_flush(struct vrrp_rt_sys *sys);

void rt_env_sys_done(struct vrrp_rt *rt)
{
	if (!rt->sys)
		return;
	/* the shares went with their last socket, which sent what waited */
	tx_flush(rt->sys);
	if (rt->sys->tx_ev)
		event_free(rt->sys->tx_ev);
	if (rt->sys->timer_ev)
		event_free(rt->sys->timer_ev);
	timer_heap_done(&rt->sys->timers);
	vrrp_sock_txq_free(rt->sys->txq);
	vrrp_sock_batch_free(rt->sys->batch);
	free(rt->sys->shares);
	free(rt->sys);
	rt->sys = NULL;
}

/* ---- timers ----
 *
 * Every timer waits in one heap (util/timer_heap.h), and one libevent
 * event waits for the earliest: a libevent event per timer cost 144
 * bytes of each timer's 160 (a thousand instances have a thousand
 * timers). Timers due in one wake-up run in one pass, earliest first and
 * in arming order among equals, as libevent's own did; a timer armed
 * during the pass runs at the next one, even if due at once. */

struct vrrp_rt_timer {
	struct timer_heap_node node;
	vrrp_rt_timer_fn fn;
	void *arg;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The event armed for the earliest timer, if it is not already armed
 * for it or for an earlier time (a cancelled timer's wake-up finds
 * nothing due and arms for the next). */
static void timer_ev_arm(struct vrrp_rt *rt)
{
	struct vrrp_rt_sys *sys = rt->sys;
	uint64_t due, now;
	struct timeval tv;

	if (sys->firing || !timer_heap_top(&sys->timers, &due) ||
	    (sys->timer_ev_due && sys->timer_ev_due <= due))
		return;
	now = mono_us();
	due = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(due / 1000000);
	tv.tv_usec = (suseconds_t)(due % 1000000);
	/* libevent counts from the time its loop pass began: a long pass
	 * (thousands of instances started) would fire the timer early */
	event_base_update_cache_time(rt->base);
	if (evtimer_add(sys->timer_ev, &tv) == 0)
		sys->timer_ev_due = now + due;
}

static void on_timer_ev(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_rt *rt = arg;
	struct vrrp_rt_sys *sys = rt->sys;
	uint64_t now = mono_us(), before = timer_heap_next_seq(&sys->timers), due;
	struct timer_heap_node *top;

	(void)fd;
	(void)what;
	sys->timer_ev_due = 0;
	sys->firing = true;
	while ((top = timer_heap_top(&sys->timers, &due)) && due <= now &&
	       timer_heap_seq(&sys->timers, top) < before) {
		struct vrrp_rt_timer *t = (struct vrrp_rt_timer *)top;

		timer_heap_remove(&sys->timers, top);
		t->fn(t->arg); /* may free t, arm or free others */
	}
	sys->firing = false;
	timer_ev_arm(rt);
}

static struct vrrp_rt_timer *sys_timer_new(void *ctx, vrrp_rt_timer_fn fn, void *arg)
{
	struct vrrp_rt *rt = ctx;
	struct vrrp_rt_sys *sys = sys_state(rt);
	struct vrrp_rt_timer *t;

	if (!sys || (!sys->timer_ev && !(sys->timer_ev = evtimer_new(rt->base, on_timer_ev, rt))))
		return NULL;
	/* room in the heap for every timer: arming cannot fail */
	if (timer_heap_reserve(&sys->timers, sys->n_timers + 1) < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	timer_heap_node_init(&t->node);
	t->fn = fn;
	t->arg = arg;
	sys->n_timers++;
	return t;
}

static void sys_timer_arm(void *ctx, struct vrrp_rt_timer *t, uint32_t delay_ms)
{
	struct vrrp_rt *rt = ctx;

	(void)timer_heap_put(&rt->sys->timers, &t->node, mono_us() + (uint64_t)delay_ms * 1000);
	timer_ev_arm(rt);
}

static void sys_timer_cancel(void *ctx, struct vrrp_rt_timer *t)
{
	struct vrrp_rt *rt = ctx;

	if (t && rt->sys)
		timer_heap_remove(&rt->sys->timers, &t->node);
}

static void sys_timer_free(void *ctx, struct vrrp_rt_timer *t)
{
	struct vrrp_rt *rt = ctx;

	if (!t)
		return;
	if (rt->sys) {
		timer_heap_remove(&rt->sys->timers, &t->node);
		rt->sys->n_timers--;
	}
	free(t);
}

/* ---- advert sockets ----
 *
 * The runtime's sockets are one per (namespace, interface, family, mode);
 * the kernel's are one per (namespace, family), a "share" (net/vrrp_sock.h
 * says why): each runtime socket is a member of its share, found again for
 * a received packet by the interface the kernel names and whether the
 * packet went to the group. Multicast members hold the group on their
 * interface with a membership socket. */

#define RX_BATCH 16 /* packets per recvmmsg */
/* A share's receive buffer grows with its members: one socket now queues
 * what one per interface did, and a loop that stalls (thousands of VIPs
 * added or removed over netlink at a takeover) must not lose the adverts
 * that would have kept the other instances calm. VRRP_SOCK_RCVBUF per 16
 * members, up to 32 MiB; memory is only used while packets wait. */
#define RX_MEMBERS_PER_BUF 16
#define RX_BUF_MAX	   (32 * 1024 * 1024)
/* Batches read per wake-up: everything that waits, up to 1024 packets.
 * Timers run after the read (a master-down expiry reads again first:
 * sock_poll), so a backlog after a stall is read before any peer is taken
 * for dead; the cap keeps a flood from starving the rest of the loop. */
#define RX_ROUNDS 64

/* Receive windows. A share that is woken again less than a window after
 * its last wake-up stops listening for the window and then reads what
 * came meanwhile, and goes on reading once a window while there is
 * something to read (polling); a window with nothing to read puts it back
 * to waking on the first packet. Adverts that arrive slower than one a
 * window are read at once; faster ones (thousands of instances) are read
 * a window's worth per wake-up, not one or two: a backup of 1000
 * instances at 100 ms woke ~10000 times a second before. The window is
 * the smallest rx_window_ms of the sockets whose packets the last read
 * delivered (runtime_io.c: 1/20 of the fastest advert interval, 1-5 ms),
 * so an advert waits at most that long; a master-down expiry reads
 * before it judges (sock_poll), so no peer is taken for dead because
 * its adverts waited here. */
#define RX_WINDOW_RETRY_MS 5

/* A runtime socket on its share. */
struct sys_sock {
	struct sys_share *share;
	struct vrrp_rt_sock *s;
	vrrp_rt_rx_fn rx;
	int join_fd; /* multicast: holds the group on s->ifindex; -1 */
	/* The share's kernel drops charged to this member (each growth to the
	 * member that reads the packet reporting it), counted as SO_RXQ_OVFL
	 * would count them for a socket of its own. */
	uint32_t kernel_drops;
	/* vrrp.packet_socket: the last answer for neigh_peer, good while the
	 * share's table has not changed since (neigh_gen, the table's gen
	 * then); the instances of an interface share their peer */
	struct ip_addr neigh_peer;
	unsigned neigh_gen;
	int neigh_answer;
	uint8_t neigh_mac[6];
	/* its STALE entry was last sent to through the IP path then (0: it is
	 * not STALE); the next advert does so (NEIGH_KICK_MS) */
	uint64_t neigh_kick_ms;
	bool neigh_kick_due;
};

/* A member's place in its share: the key inline, so that finding the
 * member of a packet reads one array (no pointer chase per step). */
struct sys_member {
	int ifindex;
	bool multicast;
	struct sys_sock *ss;
};

struct sys_share {
	struct vrrp_rt *rt;
	char netns[VRRP_RT_NETNS_MAX];
	enum ip_family family;
	int fd;
	struct event *rx_ev;
	struct event *poll_ev;	    /* the end of a receive window (while polling) */
	uint64_t last_wake_ms;	    /* when rx_ev last woke it */
	uint32_t read_window_ms;    /* the last read's window (0: it delivered nothing) */
	bool polling;		    /* rx_ev off, poll_ev armed */
	uint32_t drops_seen;	    /* the socket's SO_RXQ_OVFL count, last seen */
	struct sys_member *members; /* by ifindex, the unicast one first */
	size_t n_members, cap_members;
	size_t rcvbuf;	    /* asked for (share_size_rcvbuf) */
	bool rcvbuf_failed; /* and refused once: logged */
	bool reading;	    /* in its read callback: freed when that returns */
	bool unused;	    /* its last member left while it was reading */
	/* adverts as frames (vrrp.packet_socket): the packet socket (-1
	 * until the first frame) */
	int frame_fd;
	/* the namespace's table of the family, followed (net/neigh.h): its
	 * socket's event, its last error, when it last failed (tried again
	 * NEIGH_RETRY_MS on) */
	bool neigh_open;
	struct neigh_watch neigh;
	struct event *neigh_ev;
	int neigh_err;
	uint64_t neigh_failed_ms;
	uint64_t frame_open_ms; /* the packet socket's last failed open: tried again 1 s on */
};

static int member_cmp(const struct sys_member *m, int ifindex, bool multicast)
{
	if (m->ifindex != ifindex)
		return m->ifindex < ifindex ? -1 : 1;
	return (int)m->multicast - (int)multicast;
}

/* Where (ifindex, multicast) is or would go in the sorted members. */
static size_t member_slot(const struct sys_share *sh, int ifindex, bool multicast)
{
	size_t lo = 0, hi = sh->n_members;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (member_cmp(&sh->members[mid], ifindex, multicast) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The member a packet to ifindex belongs to: the one of its mode, else
 * the other one of the interface (which counts it as it always did: a
 * unicast instance drops a multicast advert of another router itself). */
static struct sys_sock *member_for(const struct sys_share *sh, int ifindex, bool to_group)
{
	size_t i = member_slot(sh, ifindex, false);
	const struct sys_member *m = sh->members + i, *end = sh->members + sh->n_members;

	if (m == end || m->ifindex != ifindex)
		return NULL;
	if (m + 1 < end && m[1].ifindex == ifindex && m[1].multicast == to_group)
		return m[1].ss;
	return m->ss;
}

/* Grown (never shrunk) as members join; a failure keeps the buffer it
 * has, and is logged once. */
static void share_size_rcvbuf(struct sys_share *sh)
{
	size_t units = (sh->n_members + RX_MEMBERS_PER_BUF - 1) / RX_MEMBERS_PER_BUF;
	size_t want = units * VRRP_SOCK_RCVBUF;
	int rc;

	if (want > RX_BUF_MAX)
		want = RX_BUF_MAX;
	if (want <= sh->rcvbuf)
		return;
	rc = vrrp_sock_set_rcvbuf(sh->fd, (int)want);
	if (rc < 0) {
		if (!sh->rcvbuf_failed)
			vrrp_rt_log(sh->rt, VRRP_RT_LOG_WARN,
				    "[sock %s] receive buffer of %zu KiB: %s",
				    ip_family_name(sh->family), want / 1024, strerror(-rc));
		sh->rcvbuf_failed = true;
		return;
	}
	sh->rcvbuf = want;
}

static int member_add(struct sys_share *sh, struct sys_sock *ss)
{
	size_t at;

	if (sh->n_members == sh->cap_members) {
		size_t cap = sh->cap_members ? 2 * sh->cap_members : 4;
		struct sys_member *nv = realloc(sh->members, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		sh->members = nv;
		sh->cap_members = cap;
	}
	at = member_slot(sh, ss->s->ifindex, ss->s->multicast);
	memmove(sh->members + at + 1, sh->members + at,
		(sh->n_members - at) * sizeof(*sh->members));
	sh->members[at] =
	    (struct sys_member){.ifindex = ss->s->ifindex, .multicast = ss->s->multicast, .ss = ss};
	sh->n_members++;
	ss->share = sh;
	share_size_rcvbuf(sh);
	return 0;
}

static void member_remove(struct sys_share *sh, struct sys_sock *ss)
{
	size_t at = member_slot(sh, ss->s->ifindex, ss->s->multicast);

	if (at < sh->n_members && sh->members[at].ss == ss) {
		memmove(sh->members + at, sh->members + at + 1,
			(sh->n_members - at - 1) * sizeof(*sh->members));
		sh->n_members--;
	}
	ss->share = NULL;
}

static void neigh_unfollow(struct sys_share *sh);

static void share_free(struct sys_share *sh)
{
	struct vrrp_rt_sys *sys = sh->rt->sys;

	for (size_t i = 0; i < sys->n_shares; i++) {
		if (sys->shares[i] == sh) {
			sys->shares[i] = sys->shares[--sys->n_shares];
			break;
		}
	}
	if (sh->rx_ev)
		event_free(sh->rx_ev);
	if (sh->poll_ev)
		event_free(sh->poll_ev);
	if (sh->fd >= 0)
		close(sh->fd);
	if (sh->frame_fd >= 0)
		close(sh->frame_fd);
	neigh_unfollow(sh);
	free(sh->members);
	free(sh);
}

/* The kernel's drop count came with the packet: its growth since the
 * share's last packet goes to the member reading this one. */
static void charge_drops(struct sys_share *sh, struct sys_sock *ss, struct vrrp_sock_rx *rx)
{
	if (!rx->has_kernel_drops)
		return;
	ss->kernel_drops += rx->kernel_drops - sh->drops_seen;
	sh->drops_seen = rx->kernel_drops;
	rx->kernel_drops = ss->kernel_drops;
}

static void deliver_one(struct sys_share *sh, struct vrrp_sock_batch *b, unsigned i)
{
	struct vrrp_sock_rx rx;
	size_t len;
	const uint8_t *buf = vrrp_sock_batch_at(b, i, sh->family, &len, &rx);
	struct sys_sock *ss = member_for(sh, rx.ifindex, rx.to_group);

	/* An interface no instance advertises on (another VRRP speaker's,
	 * the group reaching an interface some other program joined): not
	 * ours to read, nor to count. */
	if (!ss)
		return;
	if (!sh->read_window_ms || ss->s->rx_window_ms < sh->read_window_ms)
		sh->read_window_ms = ss->s->rx_window_ms;
	charge_drops(sh, ss, &rx);
	ss->rx(ss->s, buf, len, &rx);
}

/* Reads what waits: false when that freed the share (its last member
 * left while it was read). */
static bool share_read(struct sys_share *sh)
{
	struct vrrp_rt_sys *sys = sh->rt->sys;
	struct vrrp_sock_batch *b = sys->batch;

	/* a poll from a step inside a read (of this share or another, into
	 * the one batch): the read under way goes on */
	if (sh->reading || sys->batch_busy)
		return true;
	sh->reading = sys->batch_busy = true;
	sh->read_window_ms = 0;
	for (int round = 0; round < RX_ROUNDS && !sh->unused; round++) {
		int n = vrrp_sock_recv_batch(sh->fd, b);

		if (n < 0) {
			if (n != -EAGAIN && n != -EINTR)
				vrrp_rt_log(sh->rt, VRRP_RT_LOG_WARN, "[sock %s] receive: %s",
					    ip_family_name(sh->family), strerror(-n));
			break;
		}
		for (int i = 0; i < n && !sh->unused; i++)
			deliver_one(sh, b, (unsigned)i);
		if (n < RX_BATCH)
			break;
	}
	sh->reading = sys->batch_busy = false;
	if (sh->unused) {
		share_free(sh);
		return false;
	}
	return true;
}

static void on_share_poll(evutil_socket_t fd, short what, void *arg);

/* Stops listening until the window ends: true, or false when that cannot
 * be arranged (the share goes on waking per packet). */
static bool share_poll_later(struct sys_share *sh)
{
	struct timeval tv = {0, (suseconds_t)sh->read_window_ms * 1000};

	if (!sh->poll_ev && !(sh->poll_ev = evtimer_new(sh->rt->base, on_share_poll, sh)))
		return false;
	if (evtimer_add(sh->poll_ev, &tv) < 0)
		return false;
	if (!sh->polling)
		event_del(sh->rx_ev);
	sh->polling = true;
	return true;
}

/* Back to waking on the first packet. Should libevent refuse (out of
 * memory), the share looks again after the longest window rather than
 * never. */
static void share_listen(struct sys_share *sh)
{
	if (!sh->polling)
		return;
	if (event_add(sh->rx_ev, NULL) == 0) {
		sh->polling = false;
		return;
	}
	sh->read_window_ms = RX_WINDOW_RETRY_MS;
	if (!share_poll_later(sh))
		vrrp_rt_log(sh->rt, VRRP_RT_LOG_ERR,
			    "[sock %s] out of memory: adverts are not read",
			    ip_family_name(sh->family));
}

static void on_share_rx(evutil_socket_t fd, short what, void *arg)
{
	struct sys_share *sh = arg;
	uint64_t now = sys_now_ms(NULL);
	uint64_t since = now - sh->last_wake_ms;

	(void)fd;
	(void)what;
	sh->last_wake_ms = now;
	if (share_read(sh) && since < sh->read_window_ms)
		share_poll_later(sh);
}

static void on_share_poll(evutil_socket_t fd, short what, void *arg)
{
	struct sys_share *sh = arg;

	(void)fd;
	(void)what;
	if (!share_read(sh))
		return;
	if (!sh->read_window_ms || !share_poll_later(sh))
		share_listen(sh);
}

static void sys_sock_poll(void *ctx, struct vrrp_rt_sock *s)
{
	struct sys_sock *ss = s->io;

	(void)ctx;
	if (ss && ss->share)
		(void)share_read(ss->share);
}

static struct sys_share *share_find(struct vrrp_rt *rt, const char *netns, enum ip_family fam)
{
	for (size_t i = 0; rt->sys && i < rt->sys->n_shares; i++) {
		struct sys_share *sh = rt->sys->shares[i];

		if (sh->family == fam && !sh->unused && strcmp(sh->netns, netns) == 0)
			return sh;
	}
	return NULL;
}

/* Inside the namespace: a new share's socket and read event. */
static struct sys_share *share_new_here(struct vrrp_rt *rt, const char *netns, enum ip_family fam,
					int *err)
{
	struct vrrp_rt_sys *sys = sys_state(rt);
	struct sys_share *sh, **nv;

	if (sys && !sys->batch)
		sys->batch = vrrp_sock_batch_new(RX_BATCH);
	if (!sys || !sys->batch || !(sh = calloc(1, sizeof(*sh)))) {
		*err = -ENOMEM;
		return NULL;
	}
	sh->rt = rt;
	sh->family = fam;
	snprintf(sh->netns, sizeof(sh->netns), "%s", netns);
	sh->fd = vrrp_sock_open(fam);
	sh->frame_fd = -1;
	sh->rcvbuf = VRRP_SOCK_RCVBUF;
	nv = realloc(sys->shares, (sys->n_shares + 1) * sizeof(*nv));
	if (nv)
		sys->shares = nv;
	*err = sh->fd < 0 ? sh->fd : nv ? 0 : -ENOMEM;
	if (*err == 0) {
		sh->rx_ev = event_new(rt->base, sh->fd, EV_READ | EV_PERSIST, on_share_rx, sh);
		if (!sh->rx_ev || event_add(sh->rx_ev, NULL) < 0)
			*err = -ENOMEM;
	}
	if (nv)
		sys->shares[sys->n_shares++] = sh; /* share_free takes it out again */
	if (*err) {
		share_free(sh);
		return NULL;
	}
	return sh;
}

/* ---- sending: queued, then one sendmmsg per share ---- */

#define TX_BATCH 64

static void tx_failed(void *arg, void *tag, const uint8_t *buf, size_t len, int err)
{
	struct vrrp_rt_sock *s = tag;

	(void)arg;
	s->on_send_failed(s, buf, len, err);
}

static void tx_flush(struct vrrp_rt_sys *sys)
{
	if (sys && sys->txq && vrrp_sock_txq_len(sys->txq))
		vrrp_sock_txq_flush(sys->txq, tx_failed, NULL);
}

static void on_tx_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tx_flush(arg);
}

/* Queued for the end of this loop pass: the event made active now runs
 * after the events already active, every timer due in this pass among
 * them; as a frame to mac on the share's packet socket when mac is given.
 * 0, or -errno when there is no queue (the caller sends at once). */
static int tx_queue(struct vrrp_rt *rt, struct sys_sock *ss, const uint8_t *mac,
		    const struct ip_addr *src, const struct ip_addr *dst, const uint8_t *buf,
		    size_t len)
{
	struct vrrp_rt_sys *sys = rt->sys;
	struct vrrp_rt_sock *s = ss->s;

	if (!sys->txq && !(sys->txq = vrrp_sock_txq_new(TX_BATCH)))
		return -ENOMEM;
	if (!sys->tx_ev && !(sys->tx_ev = event_new(rt->base, -1, 0, on_tx_flush, sys)))
		return -ENOMEM;
	if (!vrrp_sock_txq_room(sys->txq, len))
		tx_flush(sys);
	if (vrrp_sock_txq_len(sys->txq) == 0)
		event_active(sys->tx_ev, EV_TIMEOUT, 1);
	if (mac)
		return vrrp_sock_txq_add_frame(sys->txq, ss->share->frame_fd, s->family, s->ifindex,
					       mac, src, dst, buf, len, s);
	return vrrp_sock_txq_add(sys->txq, ss->share->fd, s->family, s->ifindex, src, dst, buf, len,
				 s);
}

static void sys_sock_close(void *ctx, struct vrrp_rt_sock *s)
{
	struct sys_sock *ss = s->io;
	struct sys_share *sh;

	if (!ss)
		return;
	/* what it queued leaves now (a priority 0 advert on the way out) */
	tx_flush(((struct vrrp_rt *)ctx)->sys);
	sh = ss->share;
	if (sh)
		member_remove(sh, ss);
	if (ss->join_fd >= 0)
		close(ss->join_fd);
	free(ss);
	s->io = NULL;
	if (sh && sh->n_members == 0) {
		if (sh->reading)
			sh->unused = true;
		else
			share_free(sh);
	}
}

/* Inside the namespace: index, share, membership. */
static int sock_open_here(struct vrrp_rt *rt, struct sys_sock *ss)
{
	struct vrrp_rt_sock *s = ss->s;
	struct sys_share *sh;
	int err;

	s->ifindex = (int)if_nametoindex(s->ifname);
	if (s->ifindex <= 0)
		return -errno;
	if (s->multicast) {
		ss->join_fd = vrrp_sock_join(s->family, s->ifindex);
		if (ss->join_fd < 0)
			return ss->join_fd;
	}
	sh = share_find(rt, s->netns, s->family);
	if (!sh && !(sh = share_new_here(rt, s->netns, s->family, &err)))
		return err;
	err = member_add(sh, ss);
	if (err && sh->n_members == 0)
		share_free(sh);
	return err;
}

static int sys_sock_open(void *ctx, struct vrrp_rt_sock *s, vrrp_rt_rx_fn rx)
{
	struct vrrp_rt *rt = ctx;
	struct sys_sock *ss = calloc(1, sizeof(*ss));
	int err;

	if (!ss)
		return -ENOMEM;
	ss->join_fd = -1;
	ss->s = s;
	ss->rx = rx;
	s->io = ss;
	err = net_ns_enter(&rt->net, s->netns);
	if (err == 0) {
		err = sock_open_here(rt, ss);
		net_ns_leave(&rt->net, s->netns);
	}
	if (err)
		sys_sock_close(ctx, s);
	return err;
}

static int sys_sock_send(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *src,
			 const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct sys_sock *ss = s->io;

	if (ctx && ((struct vrrp_rt *)ctx)->base &&
	    tx_queue(ctx, ss, NULL, src, dst, buf, len) == 0)
		return 0;
	return vrrp_sock_send(ss->share->fd, s->family, s->ifindex, src, dst, buf, len);
}

/* ---- adverts as link-layer frames (vrrp.packet_socket) ---- */

#define NEIGH_RETRY_MS 1000 /* a share's table that could not be followed or read: again after */

static void on_neigh_event(evutil_socket_t fd, short what, void *arg)
{
	struct sys_share *sh = arg;
	int err;

	(void)fd;
	(void)what;
	err = neigh_watch_read(&sh->neigh);
	if (err < 0 && err != sh->neigh_err) /* follow anew (neigh_refresh) */
		vrrp_rt_log(sh->rt, VRRP_RT_LOG_WARN,
			    "[sock %s%s%s] reading the neighbour table's changes: %s (read whole "
			    "again)",
			    sh->netns, *sh->netns ? " " : "", ip_family_name(sh->family),
			    strerror(-err));
	if (err < 0) {
		/* no table until the next advert follows it anew and reads
		 * it whole: adverts through the IP path meanwhile */
		sh->neigh_err = err;
		sh->neigh_failed_ms = 0;
		neigh_unfollow(sh); /* frees this event: nothing of it after */
	}
}

/* The share's table followed from its first use: a socket subscribed in
 * the namespace, its event. 0 or -errno. */
static int neigh_follow(struct vrrp_rt *rt, struct sys_share *sh)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return -ENOMEM;
	err = net_nl_connect_in(&rt->net, sh->netns, sk, NETLINK_ROUTE);
	if (err == 0)
		err = neigh_watch_init(&sh->neigh, sk, sh->family);
	if (err < 0) {
		nl_socket_free(sk);
		return err;
	}
	sh->neigh_open = true;
	sh->neigh_ev =
	    event_new(rt->base, nl_socket_get_fd(sk), EV_READ | EV_PERSIST, on_neigh_event, sh);
	if (!sh->neigh_ev || event_add(sh->neigh_ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

static void neigh_unfollow(struct sys_share *sh)
{
	if (sh->neigh_ev)
		event_free(sh->neigh_ev);
	sh->neigh_ev = NULL;
	if (sh->neigh_open)
		neigh_watch_done(&sh->neigh);
	sh->neigh_open = false;
}

/* The share's table, current: followed since its first use, read whole
 * when due (the first time, after lost changes). A failure (no socket,
 * no dump) leaves no table, so the adverts take the IP path; it is said
 * once and tried again NEIGH_RETRY_MS later. */
static void neigh_refresh(struct vrrp_rt *rt, struct sys_share *sh)
{
	uint64_t now = vrrp_rt_now_ms();
	struct nl_sock *nl;
	int err = sh->neigh_err;

	if (err < 0) {
		if (now - sh->neigh_failed_ms < NEIGH_RETRY_MS)
			return;
		neigh_unfollow(sh);
	}
	err = sh->neigh_open ? 0 : neigh_follow(rt, sh);
	/* the request socket only when a read is due: looking it up checks
	 * the namespace's file, and this runs for every advert */
	if (err == 0 && sh->neigh.need_dump) {
		nl = rt_nl(rt, sh->netns, &err);
		if (nl)
			err = neigh_watch_sync(&sh->neigh, nl);
	}
	if (err < 0 && err != sh->neigh_err)
		vrrp_rt_log(rt, VRRP_RT_LOG_WARN,
			    "[sock %s%s%s] cannot follow the neighbour table: %s (adverts through "
			    "the IP path)",
			    sh->netns, *sh->netns ? " " : "", ip_family_name(sh->family),
			    strerror(-err));
	if (err < 0) {
		neigh_unfollow(sh);
		sh->neigh_failed_ms = now;
	}
	sh->neigh_err = err;
}

/* A STALE entry holds the MAC the kernel itself still sends to, not
 * verified lately. The kernel verifies it when a packet goes out through
 * its IP path (STALE -> DELAY -> PROBE, and it tells REACHABLE or
 * FAILED, not the steps between): one advert takes the IP path, the next
 * ones leave as frames to that MAC, as the kernel's own packets would,
 * and another one takes the IP path every NEIGH_KICK_MS while the table
 * still says STALE. Without it every peer's adverts took the IP path for
 * the ~5 s of DELAY and PROBE of each ~35 s cycle of its entry. */
#define NEIGH_KICK_MS 5000

/* The member's answer for peer from the share's table as it is now. */
static void neigh_answer(struct sys_sock *ss, const struct neigh_entry *e,
			 const struct ip_addr *peer, uint64_t now)
{
	bool kick_over = ss->neigh_kick_ms && now - ss->neigh_kick_ms >= NEIGH_KICK_MS;
	bool same = ip_equal(&ss->neigh_peer, peer);

	ss->neigh_peer = *peer;
	if (e && e->has_mac && neigh_entry_stale(e)) {
		if (!ss->neigh_kick_ms || kick_over || !same || memcmp(ss->neigh_mac, e->mac, 6)) {
			ss->neigh_kick_ms = now;
			ss->neigh_kick_due = true;
		}
		ss->neigh_answer = 1;
		memcpy(ss->neigh_mac, e->mac, 6);
		return;
	}
	ss->neigh_kick_ms = 0;
	ss->neigh_kick_due = false;
	ss->neigh_answer = neigh_entry_usable(e);
	if (ss->neigh_answer)
		memcpy(ss->neigh_mac, e->mac, 6);
}

static int sys_neigh(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *peer, uint8_t mac[6])
{
	struct sys_sock *ss = s->io;
	struct sys_share *sh = ss ? ss->share : NULL;
	uint64_t now = vrrp_rt_now_ms();

	if (!sh)
		return -ENOTCONN;
	neigh_refresh(ctx, sh);
	if (!sh->neigh_open)
		return 0;
	if (ss->neigh_gen != sh->neigh.gen || !ip_equal(&ss->neigh_peer, peer) ||
	    (ss->neigh_kick_ms && now - ss->neigh_kick_ms >= NEIGH_KICK_MS)) {
		ss->neigh_gen = sh->neigh.gen;
		neigh_answer(ss, neigh_table_find(&sh->neigh.table, s->ifindex, peer), peer, now);
	}
	if (ss->neigh_kick_due) {
		ss->neigh_kick_due = false;
		return 0;
	}
	if (ss->neigh_answer)
		memcpy(mac, ss->neigh_mac, 6);
	return ss->neigh_answer;
}

static int sys_sock_send_frame(void *ctx, struct vrrp_rt_sock *s, const uint8_t mac[6],
			       const struct ip_addr *src, const struct ip_addr *dst,
			       const uint8_t *buf, size_t len)
{
	struct vrrp_rt *rt = ctx;
	struct sys_sock *ss = s->io;
	struct sys_share *sh = ss ? ss->share : NULL;
	int err;

	if (!sh || !rt->base)
		return -ENOTCONN;
	if (sh->frame_fd < 0) {
		uint64_t now = vrrp_rt_now_ms();

		/* the IP path meanwhile; not a socket() per advert */
		if (sh->frame_open_ms && now - sh->frame_open_ms < NEIGH_RETRY_MS)
			return -EAGAIN;
		err = net_ns_enter(&rt->net, sh->netns);
		if (err == 0) {
			sh->frame_fd = vrrp_sock_open_frames();
			net_ns_leave(&rt->net, sh->netns);
			err = sh->frame_fd < 0 ? sh->frame_fd : 0;
		}
		if (err) {
			if (!sh->frame_open_ms)
				vrrp_rt_log(
				    rt, VRRP_RT_LOG_WARN,
				    "[sock %s%s%s] cannot open the packet socket: %s "
				    "(adverts through the IP path, tried again every second)",
				    sh->netns, *sh->netns ? " " : "", ip_family_name(sh->family),
				    strerror(-err));
			sh->frame_fd = -1;
			sh->frame_open_ms = now;
			return err;
		}
		sh->frame_open_ms = 0;
	}
	return tx_queue(rt, ss, mac, src, dst, buf, len);
}

/* ---- virtual MAC links: their adverts ---- */

static int sys_vmac_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *src,
			 const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	/* the instance's advert socket is in the link's namespace, of its family */
	struct sys_share *sh = share_find(ctx, v->netns, v->family);

	if (!sh)
		return -ENOTCONN;
	return vrrp_sock_send(sh->fd, v->family, v->ifindex, src, dst, buf, len);
}

const struct vrrp_rt_env vrrp_rt_env_sys = {
    .now_ms = sys_now_ms,
    .wall_ms = sys_wall_ms,
    .timer_new = sys_timer_new,
    .timer_arm = sys_timer_arm,
    .timer_cancel = sys_timer_cancel,
    .timer_free = sys_timer_free,
    .sock_open = sys_sock_open,
    .sock_send = sys_sock_send,
    .sock_close = sys_sock_close,
    .sock_poll = sys_sock_poll,
    .neigh = sys_neigh,
    .sock_send_frame = sys_sock_send_frame,
    .vside_open = sys_vside_open,
    .vside_close = sys_vside_close,
    .vmac_set_up = sys_vmac_set_up,
    .vmac_state = sys_vmac_state,
    .vmac_delete = sys_vmac_delete,
    .vmac_send = sys_vmac_send,
    .vmac_list = sys_vmac_list,
    .garp_send = sys_garp_send,
    .ifindex = sys_ifindex,
    .addr_add = sys_addr_add,
    .addr_del = sys_addr_del,
    .addr_list = sys_addr_list,
    .ifname = sys_ifname,
    .addr_tags = sys_addr_tags,
    .log_watch = sys_log_watch,
    .log_unwatch = sys_log_unwatch,
};
