/* The BFD Control packet codec (src/bfd/bfd_packet.c): the wire layout of
 * RFC 5880 4.1 and the reception checks of 6.8.6 that need no session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bfd/bfd_packet.h"

static struct bfd_pkt sample(void)
{
	struct bfd_pkt p = {
	    .version = 1,
	    .diag = BFD_DIAG_DETECT_EXPIRED,
	    .state = BFD_STATE_UP,
	    .poll = true,
	    .detect_mult = 3,
	    .length = 24,
	    .my_discr = 0x01020304,
	    .your_discr = 0xa0b0c0d0,
	    .desired_min_tx_us = 10000,
	    .required_min_rx_us = 20000,
	};
	return p;
}

/* Bytes as RFC 5880 4.1 draws them: Vers 1 | Diag 1, Sta 3 | P, ... */
static void test_encode_layout(void **state)
{
	struct bfd_pkt p = sample();
	uint8_t buf[64];
	const uint8_t want[24] = {0x21, 0xe0, 3,    24,	  1, 2, 3,    4,    0xa0, 0xb0, 0xc0, 0xd0,
				  0,	0,    0x27, 0x10, 0, 0, 0x4e, 0x20, 0,	  0,	0,    0};

	(void)state;
	assert_int_equal(bfd_pkt_encode(&p, buf, sizeof(buf)), 24);
	assert_memory_equal(buf, want, 24);
	assert_int_equal(bfd_pkt_encode(&p, buf, 23), 0);
}

static void test_round_trip(void **state)
{
	struct bfd_pkt p = sample(), q;
	uint8_t buf[24];

	(void)state;
	p.poll = false;
	p.final = true;
	p.cpi = true;
	bfd_pkt_encode(&p, buf, sizeof(buf));
	assert_int_equal(bfd_pkt_decode(buf, sizeof(buf), &q), BFD_DROP_NONE);
	assert_int_equal(q.state, BFD_STATE_UP);
	assert_int_equal(q.diag, BFD_DIAG_DETECT_EXPIRED);
	assert_true(q.final);
	assert_false(q.poll);
	assert_true(q.cpi);
	assert_int_equal(q.detect_mult, 3);
	assert_int_equal(q.my_discr, 0x01020304);
	assert_int_equal(q.your_discr, 0xa0b0c0d0);
	assert_int_equal(q.desired_min_tx_us, 10000);
	assert_int_equal(q.required_min_rx_us, 20000);
	assert_int_equal(q.required_min_echo_us, 0);
}

static enum bfd_drop decode_mut(size_t len, void (*mut)(uint8_t *))
{
	struct bfd_pkt p = sample(), q;
	uint8_t buf[64] = {0};

	p.poll = false;
	bfd_pkt_encode(&p, buf, sizeof(buf));
	if (mut)
		mut(buf);
	return bfd_pkt_decode(buf, len, &q);
}

static void m_version(uint8_t *b)
{
	b[0] = (uint8_t)(2 << 5);
}
static void m_len_short(uint8_t *b)
{
	b[3] = 23;
}
static void m_len_long(uint8_t *b)
{
	b[3] = 25;
}
static void m_mult(uint8_t *b)
{
	b[2] = 0;
}
static void m_multipoint(uint8_t *b)
{
	b[1] |= 0x01;
}
static void m_my(uint8_t *b)
{
	memset(b + 4, 0, 4);
}
static void m_your_up(uint8_t *b)
{
	memset(b + 8, 0, 4);
}
static void m_your_down(uint8_t *b)
{
	memset(b + 8, 0, 4);
	b[1] = (uint8_t)(BFD_STATE_DOWN << 6);
}
static void m_your_admin(uint8_t *b)
{
	memset(b + 8, 0, 4);
	b[1] = (uint8_t)(BFD_STATE_ADMIN_DOWN << 6);
}
static void m_your_init(uint8_t *b)
{
	memset(b + 8, 0, 4);
	b[1] = (uint8_t)(BFD_STATE_INIT << 6);
}
static void m_auth(uint8_t *b)
{
	b[1] |= 0x04;
	b[3] = 26;
}
static void m_auth_short(uint8_t *b)
{
	b[1] |= 0x04; /* with A, 24 bytes is too short for the auth section */
}
static void m_poll_final(uint8_t *b)
{
	b[1] |= 0x30;
}

/* RFC 5880 6.8.6, one check each, in its order */
static void test_reception_checks(void **state)
{
	(void)state;
	assert_int_equal(decode_mut(24, NULL), BFD_DROP_NONE);
	assert_int_equal(decode_mut(23, NULL), BFD_DROP_SHORT);
	assert_int_equal(decode_mut(0, NULL), BFD_DROP_SHORT);
	assert_int_equal(decode_mut(24, m_version), BFD_DROP_VERSION);
	assert_int_equal(decode_mut(24, m_len_short), BFD_DROP_LENGTH);
	assert_int_equal(decode_mut(24, m_len_long), BFD_DROP_LENGTH); /* above the datagram */
	assert_int_equal(decode_mut(25, m_len_long), BFD_DROP_NONE);   /* fits: trailing byte */
	assert_int_equal(decode_mut(24, m_mult), BFD_DROP_DETECT_MULT);
	assert_int_equal(decode_mut(24, m_multipoint), BFD_DROP_MULTIPOINT);
	assert_int_equal(decode_mut(24, m_my), BFD_DROP_MY_DISCR);
	assert_int_equal(decode_mut(24, m_your_up), BFD_DROP_YOUR_DISCR);
	assert_int_equal(decode_mut(24, m_your_init), BFD_DROP_YOUR_DISCR);
	assert_int_equal(decode_mut(24, m_your_down), BFD_DROP_NONE);
	assert_int_equal(decode_mut(24, m_your_admin), BFD_DROP_NONE);
	assert_int_equal(decode_mut(26, m_auth), BFD_DROP_AUTH);
	assert_int_equal(decode_mut(26, m_auth_short), BFD_DROP_LENGTH);
	assert_int_equal(decode_mut(24, m_poll_final), BFD_DROP_POLL_FINAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(bfd_state_name(BFD_STATE_ADMIN_DOWN), "AdminDown");
	assert_string_equal(bfd_state_name(BFD_STATE_UP), "Up");
	assert_string_equal(bfd_diag_name(BFD_DIAG_DETECT_EXPIRED), "detect-expired");
	assert_string_equal(bfd_diag_name((enum bfd_diag)31), "unknown");
	for (int i = 0; i < BFD_DROP_COUNT; i++)
		assert_string_not_equal(bfd_drop_name((enum bfd_drop)i), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_layout),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_reception_checks),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
