/* The BFD Control packet (RFC 5880 4.1) as plain fields: encode and
 * decode on buffers, pure (no I/O, no clock).
 *
 * Decode applies every check of RFC 5880 6.8.6 that needs only the
 * packet (version, length against the header and the datagram, Detect
 * Mult, Multipoint, My Discriminator, and Your Discriminator against the
 * State); those that need a session (which one Your Discriminator names,
 * whether authentication is in use) are the caller's, with the reasons
 * below. Authentication is not supported: a packet with the A bit is
 * dropped as RFC 5880 6.8.6 says for a session without it. */
#ifndef VIPD_BFD_PACKET_H
#define VIPD_BFD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BFD_VERSION	 1
#define BFD_PKT_LEN	 24    /* the mandatory section */
#define BFD_PKT_AUTH_MIN 26    /* with the A bit: at least the auth type and length */
#define BFD_PORT_CONTROL 3784  /* RFC 5881 4: single hop control packets */
#define BFD_SRC_PORT_MIN 49152 /* RFC 5881 4: source port range */
#define BFD_SRC_PORT_MAX 65535
#define BFD_TTL		 255 /* RFC 5881 5: GTSM, sent and required */

/* RFC 5880 4.1 State (Sta) */
enum bfd_state {
	BFD_STATE_ADMIN_DOWN = 0,
	BFD_STATE_DOWN = 1,
	BFD_STATE_INIT = 2,
	BFD_STATE_UP = 3,
};

/* RFC 5880 4.1 Diagnostic (Diag) */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_DETECT_EXPIRED = 1, /* Control Detection Time Expired */
	BFD_DIAG_ECHO_FAILED = 2,
	BFD_DIAG_NEIGHBOR_DOWN = 3, /* Neighbor Signaled Session Down */
	BFD_DIAG_FWD_RESET = 4,
	BFD_DIAG_PATH_DOWN = 5,
	BFD_DIAG_CONCAT_DOWN = 6,
	BFD_DIAG_ADMIN_DOWN = 7, /* Administratively Down */
	BFD_DIAG_REV_CONCAT_DOWN = 8,
	BFD_DIAG_COUNT,
};

/* Why a received packet was dropped: status and metrics count each. */
enum bfd_drop {
	BFD_DROP_NONE = 0,
	BFD_DROP_SHORT,	      /* datagram shorter than 24 bytes */
	BFD_DROP_VERSION,     /* Vers != 1 */
	BFD_DROP_LENGTH,      /* Length < 24 (26 with A), or above the datagram */
	BFD_DROP_DETECT_MULT, /* Detect Mult 0 */
	BFD_DROP_MULTIPOINT,  /* M bit set */
	BFD_DROP_MY_DISCR,    /* My Discriminator 0 */
	BFD_DROP_YOUR_DISCR,  /* Your Discriminator 0 while State is Init or Up */
	BFD_DROP_AUTH,	      /* A bit: no authentication is configured */
	BFD_DROP_NO_SESSION,  /* Your Discriminator names no session / unknown source */
	BFD_DROP_TTL,	      /* TTL / hop limit not 255 (RFC 5881 5) */
	BFD_DROP_POLL_FINAL,  /* P and F both set (RFC 5880 4.1: MUST NOT) */
	BFD_DROP_COUNT,
};

struct bfd_pkt {
	uint8_t version;    /* Vers: 1 */
	enum bfd_diag diag; /* Diag, 0..31 on the wire */
	enum bfd_state state;
	bool poll, final;    /* P, F */
	bool cpi;	     /* C: Control Plane Independent */
	bool auth;	     /* A */
	bool demand;	     /* D */
	bool multipoint;     /* M */
	uint8_t detect_mult; /* Detect Mult */
	uint8_t length;	     /* Length, bytes */
	uint32_t my_discr, your_discr;
	uint32_t desired_min_tx_us;    /* Desired Min TX Interval, microseconds */
	uint32_t required_min_rx_us;   /* Required Min RX Interval, microseconds */
	uint32_t required_min_echo_us; /* Required Min Echo RX Interval; 0: no echo */
};

/* Writes the 24-byte mandatory section (no authentication); returns 24,
 * or 0 when len is too small. */
size_t bfd_pkt_encode(const struct bfd_pkt *p, uint8_t *buf, size_t len);

/* Decodes buf[0..len) (the UDP payload) into *p with the reception checks
 * of RFC 5880 6.8.6 that need no session: BFD_DROP_NONE or the reason. */
enum bfd_drop bfd_pkt_decode(const uint8_t *buf, size_t len, struct bfd_pkt *p);

/* "AdminDown", "Down", "Init", "Up"; "none", "detect-expired", ...;
 * "short", "version", ... */
const char *bfd_state_name(enum bfd_state s);
const char *bfd_diag_name(enum bfd_diag d);
const char *bfd_drop_name(enum bfd_drop d);

#endif
