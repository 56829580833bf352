#include "bfd/bfd_packet.h"

#include <string.h>

static const char *const state_names[] = {
    [BFD_STATE_ADMIN_DOWN] = "AdminDown",
    [BFD_STATE_DOWN] = "Down",
    [BFD_STATE_INIT] = "Init",
    [BFD_STATE_UP] = "Up",
};

static const char *const diag_names[BFD_DIAG_COUNT] = {
    [BFD_DIAG_NONE] = "none",
    [BFD_DIAG_DETECT_EXPIRED] = "detect-expired",
    [BFD_DIAG_ECHO_FAILED] = "echo-failed",
    [BFD_DIAG_NEIGHBOR_DOWN] = "neighbor-down",
    [BFD_DIAG_FWD_RESET] = "forwarding-reset",
    [BFD_DIAG_PATH_DOWN] = "path-down",
    [BFD_DIAG_CONCAT_DOWN] = "concatenated-path-down",
    [BFD_DIAG_ADMIN_DOWN] = "admin-down",
    [BFD_DIAG_REV_CONCAT_DOWN] = "reverse-concatenated-path-down",
};

static const char *const drop_names[BFD_DROP_COUNT] = {
    [BFD_DROP_NONE] = "none",
    [BFD_DROP_SHORT] = "short",
    [BFD_DROP_VERSION] = "version",
    [BFD_DROP_LENGTH] = "length",
    [BFD_DROP_DETECT_MULT] = "detect-mult",
    [BFD_DROP_MULTIPOINT] = "multipoint",
    [BFD_DROP_MY_DISCR] = "my-discriminator",
    [BFD_DROP_YOUR_DISCR] = "your-discriminator",
    [BFD_DROP_AUTH] = "auth",
    [BFD_DROP_NO_SESSION] = "no-session",
    [BFD_DROP_TTL] = "ttl",
    [BFD_DROP_POLL_FINAL] = "poll-and-final",
};

const char *bfd_state_name(enum bfd_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "?";
}

const char *bfd_diag_name(enum bfd_diag d)
{
	return (unsigned)d < BFD_DIAG_COUNT ? diag_names[d] : "unknown";
}

const char *bfd_drop_name(enum bfd_drop d)
{
	return (unsigned)d < BFD_DROP_COUNT ? drop_names[d] : "?";
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

size_t bfd_pkt_encode(const struct bfd_pkt *p, uint8_t *buf, size_t len)
{
	if (len < BFD_PKT_LEN)
		return 0;
	buf[0] = (uint8_t)(BFD_VERSION << 5 | ((unsigned)p->diag & 0x1f));
	buf[1] = (uint8_t)(((unsigned)p->state & 3) << 6 | p->poll << 5 | p->final << 4 |
			   p->cpi << 3 | p->demand << 1);
	buf[2] = p->detect_mult;
	buf[3] = BFD_PKT_LEN;
	put32(buf + 4, p->my_discr);
	put32(buf + 8, p->your_discr);
	put32(buf + 12, p->desired_min_tx_us);
	put32(buf + 16, p->required_min_rx_us);
	put32(buf + 20, p->required_min_echo_us);
	return BFD_PKT_LEN;
}

static void read_fields(const uint8_t *buf, struct bfd_pkt *p)
{
	p->version = buf[0] >> 5;
	p->diag = (enum bfd_diag)(buf[0] & 0x1f);
	p->state = (enum bfd_state)(buf[1] >> 6);
	p->poll = buf[1] & 0x20;
	p->final = buf[1] & 0x10;
	p->cpi = buf[1] & 0x08;
	p->auth = buf[1] & 0x04;
	p->demand = buf[1] & 0x02;
	p->multipoint = buf[1] & 0x01;
	p->detect_mult = buf[2];
	p->length = buf[3];
	p->my_discr = get32(buf + 4);
	p->your_discr = get32(buf + 8);
	p->desired_min_tx_us = get32(buf + 12);
	p->required_min_rx_us = get32(buf + 16);
	p->required_min_echo_us = get32(buf + 20);
}

/* RFC 5880 6.8.6, in its order, as far as the packet alone can tell. */
enum bfd_drop bfd_pkt_decode(const uint8_t *buf, size_t len, struct bfd_pkt *p)
{
	memset(p, 0, sizeof(*p));
	if (len < BFD_PKT_LEN)
		return BFD_DROP_SHORT;
	read_fields(buf, p);
	if (p->version != BFD_VERSION)
		return BFD_DROP_VERSION;
	if (p->length < (p->auth ? BFD_PKT_AUTH_MIN : BFD_PKT_LEN) || p->length > len)
		return BFD_DROP_LENGTH;
	if (p->detect_mult == 0)
		return BFD_DROP_DETECT_MULT;
	if (p->multipoint)
		return BFD_DROP_MULTIPOINT;
	if (p->my_discr == 0)
		return BFD_DROP_MY_DISCR;
	if (p->your_discr == 0 && p->state != BFD_STATE_DOWN && p->state != BFD_STATE_ADMIN_DOWN)
		return BFD_DROP_YOUR_DISCR;
	if (p->auth)
		return BFD_DROP_AUTH; /* no session of ours uses authentication */
	if (p->poll && p->final)
		return BFD_DROP_POLL_FINAL;
	return BFD_DROP_NONE;
}
