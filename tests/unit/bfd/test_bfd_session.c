/* The BFD session state machine (src/bfd/bfd_session.c) with a fake clock:
 * two sessions on a fake wire, through the real codec. RFC 5880 6.8:
 * the three-way handshake, the Poll Sequence to the fast rate, the
 * negotiated intervals and detection time, detection expiry, AdminDown,
 * jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bfd/bfd_session.h"

#define MS 1000ull

struct side {
	struct bfd_session s;
	bool mute;		/* sends nothing (dead, or its link cut) */
	bool deaf;		/* hears nothing */
	uint64_t last_rx;	/* when it last accepted a packet */
	uint64_t last_tx;	/* when it last sent */
	uint64_t last_periodic; /* when it last sent on its schedule */
	uint64_t min_gap;	/* the shortest gap between two periodic sends once Up */
	bool saw_poll, saw_final;
	bool lost; /* peer_lost reported */
	uint64_t lost_at;
	struct bfd_session_out last_change;
};

struct wire {
	struct side a, b;
	uint64_t now;
};

static void deliver(struct wire *w, struct side *from, struct side *to);

static void handle(struct wire *w, struct side *me, struct side *peer,
		   const struct bfd_session_out *o)
{
	if (o->changed)
		me->last_change = *o;
	if (o->peer_lost) {
		me->lost = true;
		me->lost_at = w->now;
	}
	if (o->send)
		deliver(w, me, peer);
}

static void deliver(struct wire *w, struct side *from, struct side *to)
{
	struct bfd_pkt p, q;
	struct bfd_session_out o;
	uint8_t buf[BFD_PKT_LEN];

	bfd_session_fill(&from->s, &p);
	from->last_tx = w->now;
	if (from->mute || to->deaf)
		return;
	assert_int_equal(bfd_pkt_encode(&p, buf, sizeof(buf)), BFD_PKT_LEN);
	assert_int_equal(bfd_pkt_decode(buf, sizeof(buf), &q), BFD_DROP_NONE);
	if (q.poll)
		to->saw_poll = true;
	if (q.final)
		to->saw_final = true;
	assert_int_equal(bfd_session_rx(&to->s, &q, w->now, &o), BFD_DROP_NONE);
	to->last_rx = w->now;
	handle(w, to, from, &o);
}

static void tick(struct wire *w, struct side *me, struct side *peer)
{
	struct bfd_session_out o;
	uint64_t d = bfd_session_deadline(&me->s);
	uint64_t sent_before = me->last_periodic;

	if (d == 0 || d > w->now)
		return;
	bfd_session_tick(&me->s, w->now, &o);
	if (o.send && !o.changed && me->s.state == BFD_STATE_UP && peer->s.state == BFD_STATE_UP &&
	    sent_before && w->now - sent_before < me->min_gap)
		me->min_gap = w->now - sent_before;
	if (o.send && !o.changed)
		me->last_periodic = w->now;
	handle(w, me, peer, &o);
}

static uint64_t next_deadline(const struct wire *w)
{
	uint64_t a = bfd_session_deadline(&w->a.s), b = bfd_session_deadline(&w->b.s);

	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* Runs the wire until `until` (microseconds). */
static void run(struct wire *w, uint64_t until)
{
	for (;;) {
		uint64_t d = next_deadline(w);

		if (d == 0 || d > until)
			break;
		if (d > w->now)
			w->now = d;
		tick(w, &w->a, &w->b);
		tick(w, &w->b, &w->a);
	}
	w->now = until;
}

static void setup(struct wire *w, uint32_t a_us, uint8_t a_mult, uint32_t b_us, uint8_t b_mult)
{
	struct bfd_session_cfg ca = {.interval_us = a_us, .detect_mult = a_mult};
	struct bfd_session_cfg cb = {.interval_us = b_us, .detect_mult = b_mult};

	memset(w, 0, sizeof(*w));
	bfd_session_init(&w->a.s, &ca, 0x1111, 7, 0);
	bfd_session_init(&w->b.s, &cb, 0x2222, 99, 0);
	w->a.min_gap = w->b.min_gap = UINT64_MAX;
}

static void test_handshake_and_poll(void **state)
{
	struct wire w;

	(void)state;
	setup(&w, 10000, 3, 10000, 3);
	/* before Up: Desired Min TX is 1 s (RFC 5880 6.8.3) */
	assert_int_equal(w.a.s.desired_min_tx_us, BFD_SLOW_TX_US);
	run(&w, 5 * MS);
	assert_int_equal(w.a.s.state, BFD_STATE_UP);
	assert_int_equal(w.b.s.state, BFD_STATE_UP);
	assert_int_equal(w.a.s.remote_discr, 0x2222);
	assert_int_equal(w.b.s.remote_discr, 0x1111);
	assert_true(w.a.s.ever_up);
	/* the change to the fast rate was polled and answered */
	assert_true(w.b.saw_poll);
	assert_true(w.a.saw_final);
	run(&w, 100 * MS);
	assert_false(w.a.s.polling);
	assert_false(w.b.s.polling);
	assert_int_equal(w.a.s.desired_min_tx_us, 10000);
	assert_int_equal(bfd_session_tx_interval_us(&w.a.s), 10000);
	assert_int_equal(w.a.s.detect_time_us, 30000);
	assert_int_equal(w.a.s.counters.ups, 1);
	assert_int_equal(w.a.s.counters.polls, 1);
	/* jitter: never faster than 75% of the interval */
	assert_true(w.a.min_gap >= 7500);
	assert_true(w.a.min_gap <= 10000);
}

/* RFC 5880 6.8.2, 6.8.4: the slower side sets the pace, the peer's Detect
 * Mult the detection time. */
static void test_negotiated_intervals(void **state)
{
	struct wire w;

	(void)state;
	setup(&w, 10000, 3, 50000, 5);
	run(&w, 2000 * MS);
	assert_int_equal(w.a.s.state, BFD_STATE_UP);
	assert_int_equal(bfd_session_tx_interval_us(&w.a.s), 50000); /* B asks >= 50 ms */
	assert_int_equal(bfd_session_tx_interval_us(&w.b.s), 50000);
	assert_int_equal(w.a.s.detect_time_us, 5 * 50000); /* B's mult x B's tx */
	assert_int_equal(w.b.s.detect_time_us, 3 * 50000); /* A's mult x B's rx */
	assert_true(w.a.min_gap >= 37500);
}

static void test_detection_expiry(void **state)
{
	struct wire w;

	(void)state;
	setup(&w, 10000, 3, 10000, 3);
	run(&w, 200 * MS);
	w.b.mute = true; /* B dies */
	run(&w, 400 * MS);
	assert_true(w.a.lost);
	assert_int_equal(w.a.s.state, BFD_STATE_DOWN);
	assert_int_equal(w.a.s.diag, BFD_DIAG_DETECT_EXPIRED);
	assert_int_equal(w.a.s.remote_discr, 0);
	/* within the detection time of B's last packet */
	assert_int_equal(w.a.lost_at - w.a.last_rx, 30000);
	assert_int_equal(w.a.s.counters.downs, 1);
	assert_int_equal(w.a.s.counters.detect_expired, 1);
	/* back to the slow rate while Down */
	assert_int_equal(w.a.s.desired_min_tx_us, BFD_SLOW_TX_US);
	/* B comes back: Up again, a second flap counted on the next loss */
	w.b.mute = false;
	run(&w, 5000 * MS);
	assert_int_equal(w.a.s.state, BFD_STATE_UP);
	assert_int_equal(w.a.s.counters.ups, 2);
}

/* A peer that says Down (it lost us) is alive: Down with Diag 3, not a loss. */
static void test_neighbor_signals_down(void **state)
{
	struct wire w;

	(void)state;
	setup(&w, 10000, 3, 10000, 3);
	run(&w, 200 * MS);
	w.b.deaf = true; /* B stops hearing A, A still hears B */
	run(&w, 260 * MS);
	assert_int_equal(w.b.s.state, BFD_STATE_DOWN);
	assert_true(w.b.lost); /* B lost A */
	assert_int_equal(w.a.s.state, BFD_STATE_DOWN);
	assert_int_equal(w.a.s.diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_false(w.a.lost);
}

/* RFC 5880 6.8.16: AdminDown is no failure; the receiver goes Down with
 * Diag 3 and remembers who asked. */
static void test_admin_down(void **state)
{
	struct wire w;
	struct bfd_session_out o;

	(void)state;
	setup(&w, 10000, 3, 10000, 3);
	run(&w, 200 * MS);
	bfd_session_admin_down(&w.b.s, w.now, &o);
	assert_true(o.send);
	assert_int_equal(w.b.s.diag, BFD_DIAG_ADMIN_DOWN);
	handle(&w, &w.b, &w.a, &o);
	assert_int_equal(w.a.s.state, BFD_STATE_DOWN);
	assert_int_equal(w.a.s.diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_true(w.a.s.peer_admin_down);
	assert_false(w.a.lost);
	/* B sends nothing more, and A's detection does not report a loss */
	assert_int_equal(bfd_session_deadline(&w.b.s), 0);
	run(&w, 1000 * MS);
	assert_false(w.a.lost);
	assert_int_equal(w.b.s.state, BFD_STATE_ADMIN_DOWN);
}

static void test_your_discriminator_mismatch(void **state)
{
	struct bfd_session s;
	struct bfd_session_cfg c = {.interval_us = 10000, .detect_mult = 3};
	struct bfd_session_out o;
	struct bfd_pkt p = {.version = 1,
			    .state = BFD_STATE_INIT,
			    .detect_mult = 3,
			    .my_discr = 5,
			    .your_discr = 6,
			    .required_min_rx_us = 10000};

	(void)state;
	bfd_session_init(&s, &c, 7, 1, 0);
	assert_int_equal(bfd_session_rx(&s, &p, 10, &o), BFD_DROP_NO_SESSION);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.counters.drops[BFD_DROP_NO_SESSION], 1);
	p.your_discr = 7; /* Down + Init -> Up */
	assert_int_equal(bfd_session_rx(&s, &p, 20, &o), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_true(o.changed);
	assert_true(o.send);
}

/* A session that never came Up reports no loss: Init expires to Down with
 * Diag 1, and peer_lost stays false (VRRP decides, docs/bfd.md). */
static void test_init_expiry_is_no_loss(void **state)
{
	struct bfd_session s;
	struct bfd_session_cfg c = {.interval_us = 10000, .detect_mult = 3};
	struct bfd_session_out o;
	struct bfd_pkt p = {.version = 1,
			    .state = BFD_STATE_DOWN,
			    .detect_mult = 3,
			    .my_discr = 5,
			    .desired_min_tx_us = 1000000,
			    .required_min_rx_us = 10000};

	(void)state;
	bfd_session_init(&s, &c, 7, 1, 1000);
	assert_int_equal(bfd_session_rx(&s, &p, 2000, &o), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_INIT);
	/* the peer's 1 s Desired Min TX x 3 */
	assert_int_equal(s.detect_time_us, 3000000);
	bfd_session_tick(&s, 2000 + 3000000, &o);
	assert_true(o.changed);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.diag, BFD_DIAG_DETECT_EXPIRED);
	assert_false(o.peer_lost);
	assert_false(s.ever_up);
	assert_int_equal(s.counters.downs, 0);
}

/* With Detect Mult 1 the jitter is 75..90% (RFC 5880 6.8.7). */
static void test_jitter_mult_one(void **state)
{
	struct wire w;

	(void)state;
	setup(&w, 10000, 1, 10000, 1);
	run(&w, 3000 * MS);
	assert_int_equal(w.a.s.state, BFD_STATE_UP);
	assert_true(w.a.min_gap >= 7500);
	assert_true(w.a.min_gap <= 9000);
}

/* A P bit is answered with F at once, outside the schedule; a session
 * whose peer asks for Required Min RX 0 sends nothing periodically. */
static void test_poll_answered_and_zero_rx(void **state)
{
	struct bfd_session s;
	struct bfd_session_cfg c = {.interval_us = 10000, .detect_mult = 3};
	struct bfd_session_out o;
	struct bfd_pkt p = {.version = 1,
			    .state = BFD_STATE_DOWN,
			    .detect_mult = 3,
			    .my_discr = 5,
			    .poll = true,
			    .desired_min_tx_us = 10000,
			    .required_min_rx_us = 0};
	struct bfd_pkt out;

	(void)state;
	bfd_session_init(&s, &c, 7, 1, 50);
	bfd_session_tick(&s, 50, &o);
	assert_true(o.send); /* the first packet at once */
	bfd_session_fill(&s, &out);
	assert_int_equal(bfd_session_rx(&s, &p, 100, &o), BFD_DROP_NONE);
	assert_true(o.send);
	bfd_session_fill(&s, &out);
	assert_true(out.final);
	assert_false(out.poll);
	assert_int_equal(out.your_discr, 5);
	assert_int_equal(bfd_session_tx_interval_us(&s), 0);
	bfd_session_tick(&s, 5000000, &o);
	assert_int_equal(s.next_tx_us, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_handshake_and_poll),
	    cmocka_unit_test(test_negotiated_intervals),
	    cmocka_unit_test(test_detection_expiry),
	    cmocka_unit_test(test_neighbor_signals_down),
	    cmocka_unit_test(test_admin_down),
	    cmocka_unit_test(test_your_discriminator_mismatch),
	    cmocka_unit_test(test_init_expiry_is_no_loss),
	    cmocka_unit_test(test_jitter_mult_one),
	    cmocka_unit_test(test_poll_answered_and_zero_rx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
