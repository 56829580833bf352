/* One BFD session in asynchronous mode (RFC 5880 6.8), as a pure state
 * machine: received packets and the clock go in, state changes and "send a
 * packet now" come out. It reads no clock and does no I/O: the caller
 * (src/daemon/bfd.c) gives it the time in microseconds, arms one timer for
 * bfd_session_deadline() and sends what bfd_session_fill() writes, so RFC
 * scenarios replay in unit tests with a fake clock (tests/unit/bfd/).
 *
 * Timers (RFC 5880 6.8.2, 6.8.3, 6.8.4, 6.8.7):
 * - while not Up, bfd.DesiredMinTxInterval is 1 s (the RFC's floor for a
 *   session that is not Up); once Up it is the configured interval, and
 *   that change starts a Poll Sequence (P until an F comes back); on an
 *   increase the old interval stays in force until the poll ends;
 * - the transmit interval is the larger of bfd.DesiredMinTxInterval and
 *   the peer's Required Min RX Interval, less 0..25% jitter (10..25% with a
 *   Detect Mult of 1); nothing is sent periodically while the peer's
 *   Required Min RX is 0;
 * - the detection time is the peer's Detect Mult times the larger of our
 *   Required Min RX Interval and the peer's last Desired Min TX Interval.
 *
 * A P bit is answered with an F at once; a state change is sent at once. */
#ifndef VIPD_BFD_SESSION_H
#define VIPD_BFD_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "bfd/bfd_packet.h"

#define BFD_SLOW_TX_US 1000000u /* RFC 5880 6.8.3: at least 1 s while not Up */

struct bfd_session_cfg {
	uint32_t interval_us; /* Desired Min TX and Required Min RX once Up */
	uint8_t detect_mult;  /* Detect Mult we send: 1..255 */
};

/* What one input did. */
struct bfd_session_out {
	bool send; /* send a packet now (bfd_session_fill), outside the schedule */
	bool changed;
	enum bfd_state from, to;
	enum bfd_diag diag; /* our Diag after the change */
	/* Up -> Down because the peer went silent (Control Detection Time
	 * Expired). The one failure a VRRP backup acts on: a peer that says
	 * Down or AdminDown is alive and still speaks VRRP. */
	bool peer_lost;
};

struct bfd_session_counters {
	uint64_t rx;			/* packets accepted */
	uint64_t tx;			/* packets filled for sending */
	uint64_t drops[BFD_DROP_COUNT]; /* by reason: bfd_session_count_drop */
	uint64_t ups;			/* transitions to Up */
	uint64_t downs;			/* Up -> Down/AdminDown: the flaps */
	uint64_t detect_expired;	/* of those, by detection time */
	uint64_t polls;			/* poll sequences started */
};

/* Fields are readable for status; written only by the functions below. */
struct bfd_session {
	struct bfd_session_cfg cfg;
	enum bfd_state state;	     /* bfd.SessionState */
	enum bfd_state remote_state; /* bfd.RemoteSessionState */
	enum bfd_diag diag;	     /* bfd.LocalDiag */
	enum bfd_diag remote_diag;   /* the peer's last Diag */
	uint32_t local_discr;	     /* bfd.LocalDiscr: nonzero, unique per session */
	uint32_t remote_discr;	     /* bfd.RemoteDiscr: 0 until heard */
	uint32_t desired_min_tx_us;  /* bfd.DesiredMinTxInterval, as sent */
	uint32_t required_min_rx_us; /* bfd.RequiredMinRxInterval, as sent */
	uint32_t remote_min_rx_us;   /* bfd.RemoteMinRxInterval; 1 until heard */
	uint32_t remote_min_tx_us;   /* the peer's last Desired Min TX Interval */
	uint8_t remote_detect_mult;  /* the peer's last Detect Mult */
	uint32_t tx_in_force_us;     /* the Desired Min TX the transmit interval uses */
	bool polling;		     /* a Poll Sequence runs: P in what we send */
	bool final_due;		     /* the next packet carries F */
	bool peer_admin_down;	     /* our last Down came from the peer's AdminDown */
	bool ever_up;		     /* Up at least once */
	uint64_t detect_time_us;     /* the detection time in force; 0: none yet */
	uint64_t next_tx_us;	     /* 0: no periodic transmission */
	uint64_t detect_at_us;	     /* 0: no detection timer */
	uint64_t up_since_us, changed_us;
	uint32_t rng; /* the jitter's xorshift32 state; never 0 */
	struct bfd_session_counters counters;
};

/* Down, sending at once; discr: nonzero; seed: jitter (any value). */
void bfd_session_init(struct bfd_session *s, const struct bfd_session_cfg *cfg, uint32_t discr,
		      uint32_t seed, uint64_t now_us);

/* A packet bfd_pkt_decode accepted and the caller found this session for
 * (by Your Discriminator, or by source and interface when it is 0):
 * RFC 5880 6.8.6 from "set bfd.RemoteDiscr" on. BFD_DROP_NONE, or
 * BFD_DROP_NO_SESSION when Your Discriminator is not ours. */
enum bfd_drop bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p, uint64_t now_us,
			     struct bfd_session_out *out);

/* The clock reached bfd_session_deadline(): detection expiry, and the
 * periodic transmission (out->send) when it is due. */
void bfd_session_tick(struct bfd_session *s, uint64_t now_us, struct bfd_session_out *out);

/* The earliest time the session needs bfd_session_tick; 0: none. */
uint64_t bfd_session_deadline(const struct bfd_session *s);

/* The packet to send now; clears the F owed. */
void bfd_session_fill(struct bfd_session *s, struct bfd_pkt *p);

/* A clean stop (RFC 5880 6.8.16): AdminDown with Diag 7, sent at once. */
void bfd_session_admin_down(struct bfd_session *s, uint64_t now_us, struct bfd_session_out *out);

/* A packet dropped before it reached the session (decode, TTL, no session)
 * counted against it. */
void bfd_session_count_drop(struct bfd_session *s, enum bfd_drop why);

/* The agreed transmit interval before jitter: max(tx in force, the peer's
 * Required Min RX); 0 while the peer asks for none. */
uint32_t bfd_session_tx_interval_us(const struct bfd_session *s);

#endif
