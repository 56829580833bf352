#include "bfd/bfd_session.h"

#include <string.h>

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static uint32_t next_rand(struct bfd_session *s)
{
	uint32_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->rng = x;
	return x;
}

uint32_t bfd_session_tx_interval_us(const struct bfd_session *s)
{
	if (s->remote_min_rx_us == 0)
		return 0; /* RFC 5880 6.8.7: the peer wants no periodic packets */
	return max_u32(s->tx_in_force_us, s->remote_min_rx_us);
}

/* RFC 5880 6.8.7: 75..100% of the interval, 75..90% with Detect Mult 1. */
static void schedule_tx(struct bfd_session *s, uint64_t now_us)
{
	uint32_t iv = bfd_session_tx_interval_us(s);
	uint32_t top = s->cfg.detect_mult == 1 ? 15 : 25; /* percent taken off, at most */
	uint64_t cut;

	if (iv == 0) {
		s->next_tx_us = 0;
		return;
	}
	cut = (uint64_t)iv * (next_rand(s) % (top * 100 + 1)) / 10000;
	if (s->cfg.detect_mult == 1)
		cut += iv / 10;
	s->next_tx_us = now_us + iv - cut;
}

/* RFC 5880 6.8.4: the peer's Detect Mult x max(our Required Min RX, its
 * Desired Min TX). */
static void update_detect_time(struct bfd_session *s)
{
	s->detect_time_us =
	    (uint64_t)s->remote_detect_mult * max_u32(s->required_min_rx_us, s->remote_min_tx_us);
}

static void set_state(struct bfd_session *s, enum bfd_state to, enum bfd_diag diag, uint64_t now_us,
		      struct bfd_session_out *out)
{
	out->changed = true;
	out->from = s->state;
	out->to = to;
	out->send = true; /* tell the peer at once */
	if (s->state == BFD_STATE_UP && to != BFD_STATE_UP)
		s->counters.downs++;
	s->state = to;
	s->diag = diag;
	s->changed_us = now_us;
	out->diag = diag;
	if (to == BFD_STATE_UP) {
		s->counters.ups++;
		s->ever_up = true;
		s->up_since_us = now_us;
		s->peer_admin_down = false;
		/* the fast rate: a decrease takes effect at once; the poll
		 * tells the peer (RFC 5880 6.8.3) */
		s->desired_min_tx_us = s->cfg.interval_us;
		s->tx_in_force_us = s->cfg.interval_us;
		if (s->cfg.interval_us != BFD_SLOW_TX_US) {
			s->polling = true;
			s->counters.polls++;
		}
	} else {
		s->desired_min_tx_us = max_u32(BFD_SLOW_TX_US, s->cfg.interval_us);
		s->tx_in_force_us = s->desired_min_tx_us;
		s->polling = false;
	}
}

void bfd_session_init(struct bfd_session *s, const struct bfd_session_cfg *cfg, uint32_t discr,
		      uint32_t seed, uint64_t now_us)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->state = BFD_STATE_DOWN;
	s->remote_state = BFD_STATE_DOWN;
	s->local_discr = discr;
	s->desired_min_tx_us = max_u32(BFD_SLOW_TX_US, cfg->interval_us);
	s->tx_in_force_us = s->desired_min_tx_us;
	s->required_min_rx_us = cfg->interval_us;
	s->remote_min_rx_us = 1; /* RFC 5880 6.8.1 */
	s->rng = seed ? seed : 0x9e3779b9u;
	s->changed_us = now_us;
	s->next_tx_us = now_us ? now_us : 1; /* the first packet at once (0 means none) */
}

/* RFC 5880 6.8.6: the state part, after the fields were recorded. */
static void rx_state(struct bfd_session *s, const struct bfd_pkt *p, uint64_t now_us,
		     struct bfd_session_out *out)
{
	if (p->state == BFD_STATE_ADMIN_DOWN) {
		if (s->state != BFD_STATE_DOWN) {
			set_state(s, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, now_us, out);
			s->peer_admin_down = true;
		}
		return;
	}
	switch (s->state) {
	case BFD_STATE_DOWN:
		if (p->state == BFD_STATE_DOWN)
			set_state(s, BFD_STATE_INIT, BFD_DIAG_NONE, now_us, out);
		else if (p->state == BFD_STATE_INIT)
			set_state(s, BFD_STATE_UP, BFD_DIAG_NONE, now_us, out);
		break;
	case BFD_STATE_INIT:
		if (p->state == BFD_STATE_INIT || p->state == BFD_STATE_UP)
			set_state(s, BFD_STATE_UP, BFD_DIAG_NONE, now_us, out);
		break;
	case BFD_STATE_UP:
		if (p->state == BFD_STATE_DOWN)
			set_state(s, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, now_us, out);
		break;
	default:
		break;
	}
}

enum bfd_drop bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p, uint64_t now_us,
			     struct bfd_session_out *out)
{
	uint32_t tx_was = bfd_session_tx_interval_us(s);

	memset(out, 0, sizeof(*out));
	if (p->your_discr != 0 && p->your_discr != s->local_discr) {
		s->counters.drops[BFD_DROP_NO_SESSION]++;
		return BFD_DROP_NO_SESSION;
	}
	s->counters.rx++;
	s->remote_discr = p->my_discr;
	s->remote_state = p->state;
	s->remote_diag = p->diag;
	s->remote_min_rx_us = p->required_min_rx_us;
	s->remote_min_tx_us = p->desired_min_tx_us;
	s->remote_detect_mult = p->detect_mult;
	if (p->final && s->polling) {
		s->polling = false; /* the poll ended: an increase takes effect now */
		s->tx_in_force_us = s->desired_min_tx_us;
	}
	update_detect_time(s);
	if (s->state == BFD_STATE_ADMIN_DOWN)
		return BFD_DROP_NONE; /* RFC 5880 6.8.6: discard, we are stopping */
	rx_state(s, p, now_us, out);
	if (p->poll) {
		s->final_due = true;
		out->send = true;
	}
	s->detect_at_us = now_us + s->detect_time_us;
	/* a faster agreed rate, or none before, takes effect at once */
	if (s->next_tx_us == 0 || bfd_session_tx_interval_us(s) < tx_was)
		schedule_tx(s, now_us);
	return BFD_DROP_NONE;
}

void bfd_session_tick(struct bfd_session *s, uint64_t now_us, struct bfd_session_out *out)
{
	memset(out, 0, sizeof(*out));
	if (s->detect_at_us && now_us >= s->detect_at_us) {
		s->detect_at_us = 0;
		if (s->state == BFD_STATE_INIT || s->state == BFD_STATE_UP) {
			bool was_up = s->state == BFD_STATE_UP;

			set_state(s, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, now_us, out);
			s->counters.detect_expired++;
			out->peer_lost = was_up;
		}
		s->remote_discr = 0; /* RFC 5880 6.8.1 */
		s->remote_state = BFD_STATE_DOWN;
	}
	if (s->state == BFD_STATE_ADMIN_DOWN) {
		s->next_tx_us = 0;
		return;
	}
	if (out->send || (s->next_tx_us && now_us >= s->next_tx_us)) {
		out->send = true;
		schedule_tx(s, now_us);
	}
}

uint64_t bfd_session_deadline(const struct bfd_session *s)
{
	uint64_t a = s->next_tx_us, b = s->detect_at_us;

	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

void bfd_session_fill(struct bfd_session *s, struct bfd_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->version = BFD_VERSION;
	p->diag = s->diag;
	p->state = s->state;
	p->final = s->final_due;
	p->poll = s->polling && !s->final_due; /* never both (RFC 5880 4.1) */
	p->detect_mult = s->cfg.detect_mult;
	p->length = BFD_PKT_LEN;
	p->my_discr = s->local_discr;
	p->your_discr = s->remote_discr;
	p->desired_min_tx_us = s->desired_min_tx_us;
	p->required_min_rx_us = s->required_min_rx_us;
	p->required_min_echo_us = 0; /* no echo function */
	s->final_due = false;
	s->counters.tx++;
}

void bfd_session_admin_down(struct bfd_session *s, uint64_t now_us, struct bfd_session_out *out)
{
	memset(out, 0, sizeof(*out));
	if (s->state == BFD_STATE_ADMIN_DOWN)
		return;
	set_state(s, BFD_STATE_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, now_us, out);
	s->detect_at_us = 0;
	s->next_tx_us = 0;
}

void bfd_session_count_drop(struct bfd_session *s, enum bfd_drop why)
{
	if ((unsigned)why < BFD_DROP_COUNT)
		s->counters.drops[why]++;
}
