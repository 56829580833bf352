/* Helpers of the checks' selftest: results, shell commands into the scratch
 * namespaces, and running the event loop until a callback or a deadline. */
#ifndef VIPD_TESTS_CHECK_CK_H
#define VIPD_TESTS_CHECK_CK_H

#include <stdbool.h>
#include <stdint.h>

#include "check/rise_fall.h"
#include "net/netns.h"
#include "net/nl_ops.h"

struct event_base;

struct ck {
	struct event_base *base;
	struct net_ctx ctx;
	struct nl_ops ops; /* the timed faults go through netlink directly */
	int passed, failed;
	bool verbose;
	char node[LIVE_NS_MAX]; /* the node under test */
	char gw[LIVE_NS_MAX];	/* its gateway, across a veth pair */
};

/* What a check's callbacks said: how often, the last state and reason. */
struct ck_watch {
	struct ck *t;
	int calls;
	bool up;
	char reason[CHECK_TEXT_MAX];
	uint64_t at_ms; /* when the last callback came */
};

void ck_result(struct ck *t, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Runs a shell command (stdout and stderr to /dev/null unless verbose);
 * true if it exited 0. */
bool ck_sh(struct ck *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, and counts a failure if it failed. */
bool ck_must(struct ck *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The callback for both check kinds: records and breaks the loop. */
void ck_on_change(void *arg, bool up, const char *reason);
/* Runs the loop until w has seen `calls` callbacks or max_ms passed;
 * true if it has. */
bool ck_wait(struct ck *t, struct ck_watch *w, int calls, unsigned max_ms);
/* Runs the loop for ms milliseconds. */
void ck_run(struct ck *t, unsigned ms);

/* A private mount namespace with its own /run/netns: the namespaces made
 * here die with the process, whichever way it ends. 0 or -errno. */
int ck_private_netns_dir(void);
/* node <-> gateway over veth ck0/ck1, 192.0.2.11 / .1 and 2001:db8::11 /
 * ::1, everything up; no DAD, IPv6 addresses kept on link down. */
bool ck_topo_up(struct ck *t);
/* Creates the veth pair with its addresses (again after a deletion). It is
 * made in the node's namespace and its gateway end moved, so that the two
 * ends have different ifindexes: the kernel reports a veth's carrier at
 * once then, rate-limited to 1/s otherwise (see link_watch.h). */
bool ck_veth_add(struct ck *t);
void ck_topo_down(struct ck *t);

/* Timed faults: the change is made when these return; the time is taken
 * right after. Counts a failure if the kernel refused. */
uint64_t ck_link_set(struct ck *t, const char *ns, const char *ifname, bool up);
uint64_t ck_addr_set(struct ck *t, const char *ns, const char *ifname, const char *cidr, bool add);

#endif
