#include "daemon/bfd.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "bfd/bfd_packet.h"
#include "daemon/daemon.h"
#include "net/bfd_sock.h"
#include "net/bfd_sock_consts.h"

_Static_assert(BFD_SOCK_PORT == BFD_PORT_CONTROL, "RFC 5881 port");
_Static_assert(BFD_SOCK_TTL == BFD_TTL, "RFC 5881 TTL");
_Static_assert(BFD_SOCK_SRC_MIN == BFD_SRC_PORT_MIN, "RFC 5881 source ports");

#define BFD_RX_BATCH 64	     /* datagrams read per wake-up */
#define BFD_RETRY_US 1000000 /* reopen a send socket that failed */
/* A session trusted to declare the peer lost: Up at least this long. A link
 * that just returned loses packets while neighbours are resolved and ports
 * learn (the chaos driver's link flaps showed sessions that came Up and
 * expired within a few hundred ms while both peers lived); a loss then
 * leaves the decision to VRRP, as for a session that never came Up. */
#define BFD_TRUST_AFTER_US 1000000

/* The receive socket of one (namespace, family). */
struct bfd_rx {
	struct bfd_runner *r;
	char netns[VRRP_RT_NETNS_MAX];
	enum ip_family family;
	int fd;
	struct event *ev;
	int refs;
	uint64_t drops[BFD_DROP_COUNT]; /* not attributable to a session */
};

struct bfd_runner {
	struct event_base *base;
	struct vrrp_rt *rt;
	struct bfd_path **paths;
	size_t n;
	struct bfd_rx **rxs;
	size_t n_rx;
	uint32_t next_discr;
	bfd_change_fn on_change;
	void *arg;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *fam_text(enum ip_family f)
{
	return f == IP_V4 ? "v4" : "v6";
}

static void plog(const struct bfd_path *p, enum vrrp_rt_log_level lvl, const char *what)
{
	char a[IP_STR_MAX];

	vrrp_rt_log(p->r->rt, lvl, "[bfd %s%s%s %s peer %s] %s", p->netns, p->netns[0] ? "/" : "",
		    p->ifname, fam_text(p->family), ip_ntop(&p->peer, a), what);
}

/* ---- timers ---- */

static void arm(struct bfd_path *p, uint64_t now)
{
	uint64_t at = bfd_session_deadline(&p->s);
	uint64_t delay;
	struct timeval tv;

	if (p->fd < 0)
		at = at && at < now + BFD_RETRY_US ? at : now + BFD_RETRY_US;
	p->timer_due_us = at;
	if (at == 0) {
		evtimer_del(p->timer);
		return;
	}
	delay = at > now ? at - now : 0;
	tv.tv_sec = (time_t)(delay / 1000000u);
	tv.tv_usec = (suseconds_t)(delay % 1000000u);
	evtimer_add(p->timer, &tv);
}

static void send_now(struct bfd_path *p)
{
	struct bfd_pkt pkt;
	uint8_t buf[BFD_PKT_LEN];
	int err;

	bfd_session_fill(&p->s, &pkt);
	if (p->fd < 0)
		return;
	bfd_pkt_encode(&pkt, buf, sizeof(buf));
	err = bfd_sock_send(p->fd, &p->peer, buf, sizeof(buf));
	if (err < 0 && p->send_errors++ == 0)
		plog(p, VRRP_RT_LOG_WARN, strerror(-err));
}

/* The peer went silent: every instance on the path hears it, if the
 * session had been Up long enough to be trusted. */
static void peer_lost(struct bfd_path *p)
{
	struct vrrp_rt *rt = p->r->rt;

	if (p->s.changed_us - p->s.up_since_us < BFD_TRUST_AFTER_US) {
		p->untrusted_losses++;
		plog(p, VRRP_RT_LOG_INFO, "peer lost less than 1 s after Up: VRRP decides");
		return;
	}
	for (size_t i = 0; i < rt->n_insts; i++) {
		struct vrrp_inst *inst = rt->insts[i];

		if (inst->spec.family != p->family || strcmp(inst->spec.netns, p->netns) != 0 ||
		    strcmp(inst->spec.advert_ifname, p->ifname) != 0)
			continue;
		if (vrrp_inst_peer_down(inst))
			p->takeovers++;
	}
}

/* Whose silence an expiry was: the peer's last packet, and how late this
 * loop ran the timer that found it (a late timer: our stall, not the
 * peer's). */
static void expiry_text(const struct bfd_path *p, uint64_t now, char *buf, size_t len)
{
	if (!p->last_rx_us) {
		snprintf(buf, len, "; nothing heard yet, the timer ran %llu ms late",
			 (unsigned long long)(p->tick_late_us / 1000u));
		return;
	}
	snprintf(buf, len, "; last packet %llu ms before, the timer ran %llu ms late",
		 (unsigned long long)((now - p->last_rx_us) / 1000u),
		 (unsigned long long)(p->tick_late_us / 1000u));
}

static void handle(struct bfd_path *p, const struct bfd_session_out *o, uint64_t now)
{
	char msg[224], why[96] = "";

	if (o->send)
		send_now(p);
	if (o->changed) {
		p->changed_wall_ms = vrrp_rt_wall_ms();
		if (o->diag == BFD_DIAG_DETECT_EXPIRED && o->to == BFD_STATE_DOWN)
			expiry_text(p, now, why, sizeof(why));
		snprintf(msg, sizeof(msg), "%s -> %s (%s%s)%s", bfd_state_name(o->from),
			 bfd_state_name(o->to), bfd_diag_name(o->diag),
			 p->s.peer_admin_down ? ", peer AdminDown" : "", why);
		plog(p, VRRP_RT_LOG_INFO, msg);
		if (p->r->on_change)
			p->r->on_change(p->r->arg, p, o->from);
	}
	if (o->peer_lost)
		peer_lost(p);
}

static int open_tx(struct bfd_path *p)
{
	uint16_t hint = (uint16_t)(BFD_SRC_PORT_MIN + p->s.local_discr % 16384);

	p->fd = bfd_sock_open_tx(&p->r->rt->net, p->netns, p->ifname, &p->own, hint, &p->sport);
	if (p->fd >= 0) {
		p->open_err = 0;
		return 0;
	}
	if (p->open_err != p->fd)
		plog(p, VRRP_RT_LOG_WARN, "cannot open the send socket: retrying every second");
	p->open_err = p->fd;
	return p->fd;
}

static void on_read(evutil_socket_t fd, short what, void *arg);

static void note_lateness(struct bfd_path *p, uint64_t now)
{
	p->tick_late_us = p->timer_due_us && now > p->timer_due_us ? now - p->timer_due_us : 0;
	if (p->tick_late_us > p->late_max_us)
		p->late_max_us = p->tick_late_us;
	if (p->tick_late_us > bfd_session_tx_interval_us(&p->s))
		p->late_ticks++;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct bfd_path *p = arg;
	struct bfd_session_out o;
	uint64_t now = now_us();

	(void)fd;
	(void)what;
	note_lateness(p, now);
	if (p->fd < 0)
		open_tx(p);
	/* A busy loop may run this timer after a packet that would have reset
	 * it arrived: read what waits before declaring the peer lost. */
	if (p->s.detect_at_us && now >= p->s.detect_at_us) {
		on_read(p->rx->fd, EV_READ, p->rx);
		now = now_us();
	}
	bfd_session_tick(&p->s, now, &o);
	handle(p, &o, now);
	arm(p, now);
}

/* ---- receive ---- */

static struct bfd_path *find_path(struct bfd_rx *rx, const struct bfd_pkt *pkt,
				  const struct bfd_sock_rx *info)
{
	struct bfd_runner *r = rx->r;

	for (size_t i = 0; i < r->n; i++) {
		struct bfd_path *p = r->paths[i];

		if (p->rx != rx)
			continue;
		if (pkt->your_discr
			? p->s.local_discr == pkt->your_discr
			: ip_equal(&p->peer, &info->src) && ip_equal(&p->own, &info->dst))
			return p;
	}
	return NULL;
}

static void rx_one(struct bfd_rx *rx, const uint8_t *buf, size_t len,
		   const struct bfd_sock_rx *info, uint64_t now)
{
	struct bfd_pkt pkt;
	struct bfd_session_out o;
	enum bfd_drop why = bfd_pkt_decode(buf, len, &pkt);
	struct bfd_path *p =
	    why == BFD_DROP_NONE || why >= BFD_DROP_YOUR_DISCR ? find_path(rx, &pkt, info) : NULL;

	if (why == BFD_DROP_NONE && info->ttl != BFD_TTL)
		why = BFD_DROP_TTL; /* RFC 5881 5: from beyond the link */
	if (why == BFD_DROP_NONE && !p)
		why = BFD_DROP_NO_SESSION;
	if (why != BFD_DROP_NONE) {
		if (p)
			bfd_session_count_drop(&p->s, why);
		else
			rx->drops[why]++;
		return;
	}
	if (bfd_session_rx(&p->s, &pkt, now, &o) != BFD_DROP_NONE)
		return;
	p->last_rx_us = now;
	handle(p, &o, now);
	arm(p, now);
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct bfd_rx *rx = arg;
	uint8_t buf[128];
	struct bfd_sock_rx info;

	(void)what;
	for (int i = 0; i < BFD_RX_BATCH; i++) {
		int n = bfd_sock_recv((int)fd, buf, sizeof(buf), &info);

		if (n < 0)
			break;
		rx_one(rx, buf, (size_t)n, &info, now_us());
	}
}

static struct bfd_rx *rx_get(struct bfd_runner *r, const char *netns, enum ip_family f)
{
	struct bfd_rx *rx, **grown;
	int fd;

	for (size_t i = 0; i < r->n_rx; i++)
		if (r->rxs[i]->family == f && strcmp(r->rxs[i]->netns, netns) == 0) {
			r->rxs[i]->refs++;
			return r->rxs[i];
		}
	fd = bfd_sock_open_rx(&r->rt->net, netns, f);
	if (fd < 0) {
		vrrp_rt_log(r->rt, VRRP_RT_LOG_ERR, "[bfd %s %s] cannot open port %d: %s", netns,
			    fam_text(f), BFD_PORT_CONTROL, strerror(-fd));
		return NULL;
	}
	rx = calloc(1, sizeof(*rx));
	grown = realloc(r->rxs, (r->n_rx + 1) * sizeof(*grown));
	if (!rx || !grown) {
		free(rx);
		if (grown)
			r->rxs = grown;
		close(fd);
		return NULL;
	}
	r->rxs = grown;
	rx->r = r;
	snprintf(rx->netns, sizeof(rx->netns), "%s", netns);
	rx->family = f;
	rx->fd = fd;
	rx->refs = 1;
	rx->ev = event_new(r->base, fd, EV_READ | EV_PERSIST, on_read, rx);
	if (rx->ev)
		event_add(rx->ev, NULL);
	r->rxs[r->n_rx++] = rx;
	return rx;
}

static void rx_put(struct bfd_runner *r, struct bfd_rx *rx)
{
	if (!rx || --rx->refs > 0)
		return;
	for (size_t i = 0; i < r->n_rx; i++)
		if (r->rxs[i] == rx) {
			r->rxs[i] = r->rxs[--r->n_rx];
			break;
		}
	if (rx->ev)
		event_free(rx->ev);
	close(rx->fd);
	free(rx);
}

/* ---- the sessions ---- */

static uint32_t new_discr(struct bfd_runner *r)
{
	uint32_t d;

	do {
		d = r->next_discr++;
		for (size_t i = 0; d && i < r->n; i++)
			if (r->paths[i]->s.local_discr == d)
				d = 0;
	} while (d == 0);
	return d;
}

static bool same_path(const struct bfd_path *p, const struct node_inst *ni)
{
	return p->family == ni->family && strcmp(p->netns, ni->netns) == 0 &&
	       strcmp(p->ifname, ni->advert_ifname) == 0 && ip_equal(&p->own, &ni->own) &&
	       ip_equal(&p->peer, &ni->peer) && p->interval_ms == ni->bfd_interval_ms &&
	       p->multiplier == ni->bfd_multiplier;
}

static struct bfd_path *path_new(struct bfd_runner *r, const struct node_inst *ni)
{
	struct bfd_path *p = calloc(1, sizeof(*p));
	struct bfd_session_cfg cfg = {.interval_us = ni->bfd_interval_ms * 1000u,
				      .detect_mult = ni->bfd_multiplier};
	uint64_t now = now_us();

	if (!p)
		return NULL;
	p->r = r;
	snprintf(p->netns, sizeof(p->netns), "%s", ni->netns);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ni->advert_ifname);
	p->family = ni->family;
	p->own = ni->own;
	p->peer = ni->peer;
	p->interval_ms = ni->bfd_interval_ms;
	p->multiplier = ni->bfd_multiplier;
	p->fd = -1;
	bfd_session_init(&p->s, &cfg, new_discr(r), (uint32_t)now ^ (uint32_t)getpid(), now);
	p->timer = evtimer_new(r->base, on_timer, p);
	p->rx = rx_get(r, p->netns, p->family);
	if (!p->timer || !p->rx) {
		if (p->timer)
			event_free(p->timer);
		rx_put(r, p->rx);
		free(p);
		return NULL;
	}
	p->changed_wall_ms = vrrp_rt_wall_ms();
	open_tx(p);
	plog(p, VRRP_RT_LOG_INFO, "session started, Down");
	arm(p, now);
	return p;
}

static void path_free(struct bfd_path *p, bool admin_down)
{
	struct bfd_session_out o;

	if (admin_down && p->s.state != BFD_STATE_ADMIN_DOWN) {
		bfd_session_admin_down(&p->s, now_us(), &o);
		if (o.send)
			send_now(p);
	}
	event_free(p->timer);
	if (p->fd >= 0)
		close(p->fd);
	rx_put(p->r, p->rx);
	free(p);
}

struct bfd_runner *bfd_runner_new(struct event_base *base, struct vrrp_rt *rt)
{
	struct bfd_runner *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->base = base;
	r->rt = rt;
	if (getrandom(&r->next_discr, sizeof(r->next_discr), 0) != sizeof(r->next_discr))
		r->next_discr = (uint32_t)now_us() ^ (uint32_t)getpid() << 16;
	return r;
}

void bfd_runner_on_change(struct bfd_runner *r, bfd_change_fn fn, void *arg)
{
	r->on_change = fn;
	r->arg = arg;
}

static void add_path(struct bfd_runner *r, const struct node_inst *ni)
{
	struct bfd_path *p, **grown;

	for (size_t i = 0; i < r->n; i++)
		if (same_path(r->paths[i], ni)) {
			r->paths[i]->keep = true;
			return;
		}
	grown = realloc(r->paths, (r->n + 1) * sizeof(*grown));
	if (!grown)
		return;
	r->paths = grown;
	p = path_new(r, ni);
	if (!p)
		return;
	p->keep = true;
	r->paths[r->n++] = p;
}

void bfd_runner_sync(struct bfd_runner *r, const struct node_record *rec)
{
	size_t kept = 0;

	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		r->paths[i]->keep = false;
	for (size_t i = 0; rec && i < rec->n_insts; i++)
		if (rec->insts[i].bfd)
			add_path(r, &rec->insts[i]);
	for (size_t i = 0; i < r->n; i++) {
		if (r->paths[i]->keep)
			r->paths[kept++] = r->paths[i];
		else
			path_free(r->paths[i], true);
	}
	r->n = kept;
}

void bfd_runner_stop(struct bfd_runner *r)
{
	struct bfd_session_out o;

	for (size_t i = 0; r && i < r->n; i++) {
		struct bfd_path *p = r->paths[i];
		uint64_t now = now_us();

		bfd_session_admin_down(&p->s, now, &o);
		handle(p, &o, now);
		evtimer_del(p->timer);
	}
}

void bfd_runner_free(struct bfd_runner *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		path_free(r->paths[i], true);
	free(r->paths);
	free(r->rxs);
	free(r);
}

const struct bfd_path *bfd_runner_path_of(const struct bfd_runner *r, const struct vrrp_inst *inst)
{
	for (size_t i = 0; r && i < r->n; i++) {
		const struct bfd_path *p = r->paths[i];

		if (p->family == inst->spec.family && strcmp(p->netns, inst->spec.netns) == 0 &&
		    strcmp(p->ifname, inst->spec.advert_ifname) == 0)
			return p;
	}
	return NULL;
}

size_t bfd_runner_count(const struct bfd_runner *r)
{
	return r ? r->n : 0;
}

const struct bfd_path *bfd_runner_path(const struct bfd_runner *r, size_t i)
{
	return r->paths[i];
}

static json_t *drops_json(const struct bfd_path *p)
{
	json_t *o = json_object();

	for (int i = 1; i < BFD_DROP_COUNT; i++)
		json_object_set_new(o, bfd_drop_name((enum bfd_drop)i),
				    json_integer((json_int_t)p->s.counters.drops[i]));
	return o;
}

static json_t *addr_json(const struct ip_addr *a)
{
	char buf[IP_STR_MAX];

	return json_string(ip_ntop(a, buf));
}

json_t *bfd_path_json(const struct bfd_path *p)
{
	const struct bfd_session *s = &p->s;
	json_t *o = json_object();

	json_object_set_new(o, "interface", json_string(p->ifname));
	json_object_set_new(o, "namespace", p->netns[0] ? json_string(p->netns) : json_null());
	json_object_set_new(o, "family", json_string(p->family == IP_V4 ? "ipv4" : "ipv6"));
	json_object_set_new(o, "address", addr_json(&p->own));
	json_object_set_new(o, "peer", addr_json(&p->peer));
	json_object_set_new(o, "state", json_string(bfd_state_name(s->state)));
	json_object_set_new(o, "remote_state", json_string(bfd_state_name(s->remote_state)));
	json_object_set_new(o, "diag", json_string(bfd_diag_name(s->diag)));
	json_object_set_new(o, "remote_diag", json_string(bfd_diag_name(s->remote_diag)));
	json_object_set_new(o, "peer_admin_down", json_boolean(s->peer_admin_down));
	json_object_set_new(o, "ever_up", json_boolean(s->ever_up));
	json_object_set_new(o, "local_discriminator", json_integer(s->local_discr));
	json_object_set_new(o, "remote_discriminator", json_integer(s->remote_discr));
	json_object_set_new(o, "interval_ms", json_integer(p->interval_ms));
	json_object_set_new(o, "multiplier", json_integer(p->multiplier));
	json_object_set_new(o, "desired_min_tx_us", json_integer(s->desired_min_tx_us));
	json_object_set_new(o, "required_min_rx_us", json_integer(s->required_min_rx_us));
	json_object_set_new(o, "remote_min_rx_us", json_integer(s->remote_min_rx_us));
	json_object_set_new(o, "remote_min_tx_us", json_integer(s->remote_min_tx_us));
	json_object_set_new(o, "remote_multiplier", json_integer(s->remote_detect_mult));
	json_object_set_new(o, "tx_interval_us", json_integer(bfd_session_tx_interval_us(s)));
	json_object_set_new(o, "detection_time_us", json_integer((json_int_t)s->detect_time_us));
	json_object_set_new(o, "polling", json_boolean(s->polling));
	json_object_set_new(o, "source_port", json_integer(p->sport));
	json_object_set_new(o, "socket_error",
			    p->fd < 0 && p->open_err ? json_string(strerror(-p->open_err))
						     : json_null());
	json_object_set_new(o, "changed", events_time_json(p->changed_wall_ms));
	json_object_set_new(o, "ups", json_integer((json_int_t)s->counters.ups));
	json_object_set_new(o, "flaps", json_integer((json_int_t)s->counters.downs));
	json_object_set_new(o, "detect_expired",
			    json_integer((json_int_t)s->counters.detect_expired));
	json_object_set_new(o, "takeovers", json_integer((json_int_t)p->takeovers));
	json_object_set_new(o, "untrusted_losses", json_integer((json_int_t)p->untrusted_losses));
	json_object_set_new(o, "rx", json_integer((json_int_t)s->counters.rx));
	json_object_set_new(o, "tx", json_integer((json_int_t)s->counters.tx));
	json_object_set_new(o, "send_errors", json_integer((json_int_t)p->send_errors));
	json_object_set_new(o, "timer_late_max_us", json_integer((json_int_t)p->late_max_us));
	json_object_set_new(o, "timer_late_ticks", json_integer((json_int_t)p->late_ticks));
	json_object_set_new(o, "polls", json_integer((json_int_t)s->counters.polls));
	json_object_set_new(o, "drops", drops_json(p));
	return o;
}
