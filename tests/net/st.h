/* Helpers of the netlink selftest: its cmocka fixture, hand-built plans,
 * expectations checked against a reading of the kernel, and the comparison
 * of two readings. The checks print each difference (print_error) and
 * return whether there was none; the tests assert on that. */
#ifndef VIPD_TESTS_NET_ST_H
#define VIPD_TESTS_NET_ST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../selftest.h"
#include "net/netns.h"
#include "plan/plan.h"

/* The group's state, and what the running test owns (its teardown frees
 * it, so a failed assertion leaks nothing). */
struct st {
	struct net_ctx ctx;
	bool verbose;
	bool all; /* --kinds=all: vlan and bond too */
	char ns_a[LIVE_NS_MAX], ns_b[LIVE_NS_MAX], ns_c[LIVE_NS_MAX];
	const char *ns[3]; /* the scratch namespaces this run names */
	size_t n_ns;
	unsigned passed; /* a bit per phase that passed: later ones build on it */
	/* the running test's */
	struct plan plan;
	struct live_state before, after;
};

/* Frees what the running test owns. */
void st_release(struct st *t);

/* Plan building. Each returns the new step (zeroed but for op, ns, name). */
struct plan_step *st_push(struct plan *p, enum plan_op op, const char *ns, const char *name);
struct plan_step *st_veth(struct plan *p, const char *ns, const char *name, const char *peer,
			  const char *peer_ns, uint32_t mtu);
struct plan_step *st_macvlan(struct plan *p, const char *ns, const char *name, const char *parent,
			     uint32_t mode);
struct plan_step *st_vlan(struct plan *p, const char *ns, const char *name, const char *parent,
			  uint16_t id);
struct plan_step *st_bridge(struct plan *p, const char *ns, const char *name, bool stp,
			    uint32_t fwd_ms);
struct plan_step *st_bond(struct plan *p, const char *ns, const char *name, uint8_t mode,
			  const char *primary);
struct plan_step *st_addr(struct plan *p, enum plan_op op, const char *ns, const char *name,
			  const char *addr, uint8_t proto);
void st_mac(uint8_t mac[6], unsigned last);

/* The namespaces of the run, read (own one included) into out, whose
 * earlier reading is freed. 0 or -errno. */
int st_read(struct st *t, struct live_state *out);
/* Reads the kernel into t->after: true if every step of p shows there
 * (steps of p must not undo each other). Prints each that does not; with
 * -v each that does. */
bool st_expect_plan(struct st *t, const struct plan *p, const char *phase);
/* Compares two readings, ignoring ifindex, operational state and
 * link-local addresses; prints each difference. */
bool st_same_state(struct st *t, const struct live_state *a, const struct live_state *b);
/* Fills the old_* fields of the steps from a reading, as the planner does. */
void st_fill_old(const struct plan *p, const struct live_state *ls);

#endif
