/* The harness of the state machine tests (test_fsm.c, test_fsm_convergence.c):
 * one machine with a fake clock, its expected action lists and the events
 * the tests feed it. */
#ifndef VIPD_TESTS_FSM_HARNESS_H
#define VIPD_TESTS_FSM_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vrrp/fsm.h"

#define PEER_LO "192.0.2.11"
#define PEER_HI "192.0.2.12"

#define SEND(p)                                                                                    \
	{                                                                                          \
		.type = VRRP_FSM_ACT_SEND_ADVERT, .priority = (p)                                  \
	}
#define ARM(t, d)                                                                                  \
	{                                                                                          \
		.type = VRRP_FSM_ACT_ARM_TIMER, .timer = VRRP_FSM_TIMER_##t, .delay_ms = (d)       \
	}
#define CANCEL(t)                                                                                  \
	{                                                                                          \
		.type = VRRP_FSM_ACT_CANCEL_TIMER, .timer = VRRP_FSM_TIMER_##t                     \
	}
#define ADD                                                                                        \
	{                                                                                          \
		.type = VRRP_FSM_ACT_ADD_VIPS                                                      \
	}
#define REMOVE                                                                                     \
	{                                                                                          \
		.type = VRRP_FSM_ACT_REMOVE_VIPS                                                   \
	}
#define GARP                                                                                       \
	{                                                                                          \
		.type = VRRP_FSM_ACT_SEND_GARP                                                     \
	}
#define GARP1                                                                                      \
	{                                                                                          \
		.type = VRRP_FSM_ACT_SEND_GARP, .single_round = true                               \
	}
/* ... at once even while a burst runs (a silent peer's priority 0) */
#define GARP1_NOW                                                                                  \
	{                                                                                          \
		.type = VRRP_FSM_ACT_SEND_GARP, .single_round = true, .urgent = true               \
	}
/* What every takeover ends with (RFC 5798 6.4.2 "transition to Master"). */
#define TAKEOVER(p, iv) ADD, GARP, SEND(p), ARM(ADVERT, iv)

#define EXPECT(h, ...)                                                                             \
	do {                                                                                       \
		const struct vrrp_fsm_action e_[] = {__VA_ARGS__};                                 \
		expect_actions(&(h)->out, e_, sizeof(e_) / sizeof(e_[0]));                         \
	} while (0)
#define EXPECT_NONE(h) expect_actions(&(h)->out, NULL, 0)

/* One machine and its fake clock. */
struct h {
	struct vrrp_fsm_cfg cfg;
	struct vrrp_fsm st;
	struct vrrp_fsm_actions out;
	uint64_t now;
};

/* An address from the test's own text (a bad one fails the test). */
struct ip_addr addr(const char *text);
/* A machine with that configuration, in INIT at time 0. */
void h_init(struct h *h, uint8_t version, uint8_t prio, uint32_t iv_ms, bool preempt,
	    uint32_t delay_ms, const char *own);
/* The last step's actions are exactly e[0..n) (and no overflow). */
void expect_actions(const struct vrrp_fsm_actions *out, const struct vrrp_fsm_action *e, size_t n);
void expect_transition(const struct h *h, enum vrrp_fsm_state from, enum vrrp_fsm_state to,
		       enum vrrp_fsm_cause cause, const char *reason);
/* Events, at h->now (advert() sets it first). */
void step(struct h *h, const struct vrrp_fsm_event *ev);
void ev(struct h *h, enum vrrp_fsm_event_type type);
void health(struct h *h, bool healthy);
void advert(struct h *h, uint64_t at, const char *src, uint8_t prio, uint32_t iv_ms);
/* Moves the clock to the timer's deadline and delivers its expiry. */
void fire(struct h *h, enum vrrp_fsm_timer t);
/* Startup, then Master_Down with no peer heard. */
void make_master(struct h *h);

#endif
