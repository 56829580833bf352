/* Helpers of the netlink selftest: hand-built plans, expectations checked
 * against a reading of the kernel, and the comparison of two readings. */
#ifndef VIPD_TESTS_NET_ST_H
#define VIPD_TESTS_NET_ST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/netns.h"
#include "plan/plan.h"

struct st {
	struct net_ctx ctx;
	int passed, failed;
	bool verbose;
	const char *ns[4]; /* the scratch namespaces this run names */
	size_t n_ns;
};

/* One result: prints "ok" (verbose) or "FAIL" with the reason. */
void st_result(struct st *t, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

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

/* The namespaces of the run, read (own one included). */
int st_read(struct st *t, struct live_state *out);
/* Checks that every step of p shows in the kernel now (steps of p must
 * not undo each other). */
void st_expect_plan(struct st *t, const struct plan *p, const char *phase);
/* Compares two readings, ignoring ifindex, operational state and
 * link-local addresses; reports each difference. */
bool st_same_state(struct st *t, const struct live_state *a, const struct live_state *b);
/* Fills the old_* fields of the steps from a reading, as the planner does. */
void st_fill_old(const struct plan *p, const struct live_state *ls);

#endif
