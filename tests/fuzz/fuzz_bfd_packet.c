/* libFuzzer target for the BFD codec and session (src/bfd). Links:
 * bfd_pure_lib + util_lib.
 *
 * Input: the UDP payload of one BFD Control packet, handed to the decoder;
 * whatever it accepts goes to a session (with its Your Discriminator made
 * the session's when the first byte's low bit is set, so the fuzzer gets
 * past the demultiplexing), then the session is ticked.
 *
 * Besides "no crash", it checks that an accepted packet encodes and decodes
 * back to the same fields, that a drop always names a known reason, and
 * that the session's state stays one of the four. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd_session.h"

static void check_round_trip(const struct bfd_pkt *p)
{
	uint8_t buf[BFD_PKT_LEN];
	struct bfd_pkt q;

	if (bfd_pkt_encode(p, buf, sizeof(buf)) != BFD_PKT_LEN)
		abort();
	if (bfd_pkt_decode(buf, sizeof(buf), &q) != BFD_DROP_NONE)
		abort();
	if (q.state != p->state || q.diag != p->diag || q.poll != p->poll || q.final != p->final ||
	    q.detect_mult != p->detect_mult || q.my_discr != p->my_discr ||
	    q.your_discr != p->your_discr || q.desired_min_tx_us != p->desired_min_tx_us ||
	    q.required_min_rx_us != p->required_min_rx_us ||
	    q.required_min_echo_us != p->required_min_echo_us)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bfd_pkt p;
	struct bfd_session s;
	struct bfd_session_cfg cfg = {.interval_us = 10000, .detect_mult = 3};
	struct bfd_session_out o;
	enum bfd_drop why = bfd_pkt_decode(data, size, &p);

	if ((unsigned)why >= BFD_DROP_COUNT)
		abort();
	if (why != BFD_DROP_NONE)
		return 0;
	/* an accepted packet fits in 24 bytes when it has no auth section */
	p.length = BFD_PKT_LEN;
	check_round_trip(&p);
	bfd_session_init(&s, &cfg, 0x1234, 1, 1000);
	if (size && (data[0] & 1))
		p.your_discr = p.your_discr ? 0x1234 : 0;
	for (int i = 0; i < 3; i++) {
		(void)bfd_session_rx(&s, &p, 1000 + (uint64_t)i * 5000, &o);
		bfd_session_tick(&s, bfd_session_deadline(&s), &o);
		if ((unsigned)s.state > BFD_STATE_UP)
			abort();
		bfd_session_fill(&s, &p);
		if (p.poll && p.final)
			abort(); /* never both (RFC 5880 4.1) */
		p.my_discr = p.my_discr ? p.my_discr : 1;
	}
	return 0;
}
