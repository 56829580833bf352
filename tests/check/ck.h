/* Helpers of the checks' selftest: the fixture of its cmocka tests, shell
 * commands into the scratch namespaces, and running the event loop until a
 * callback or a deadline. The helpers say what went wrong (print_error) and
 * return it; the tests assert on it, so a failure names the test's line. */
#ifndef VIPD_TESTS_CHECK_CK_H
#define VIPD_TESTS_CHECK_CK_H

#include <stdbool.h>
#include <stdint.h>

#include "../selftest.h"
#include "check/rise_fall.h"
#include "net/netns.h"
#include "net/nl_ops.h"

struct event_base;
struct gw_probe;
struct link_watch;

struct ck;

/* What a check's callbacks said: how often, the last state and reason. */
struct ck_watch {
	struct ck *t;
	int calls;
	bool up;
	char reason[CHECK_TEXT_MAX];
	uint64_t at_ms; /* when the last callback came */
};

/* The group's state: the loop, the namespaces, and what the running test
 * owns (its teardown frees it, so a failed assertion leaks nothing and no
 * callback reaches a test that has ended). */
struct ck {
	struct event_base *base;
	struct net_ctx ctx;
	struct nl_ops ops; /* the timed faults go through netlink directly */
	bool verbose;
	char node[LIVE_NS_MAX]; /* the node under test */
	char gw[LIVE_NS_MAX];	/* its gateway, across a veth pair */
	/* the running test's */
	struct gw_probe *probe;
	struct link_watch *lw;
	struct ck_watch w, missing;
};

/* Runs a shell command (stdout and stderr to /dev/null unless verbose);
 * true if it exited 0, else the command is printed as an error. */
bool ck_sh(struct ck *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, a failure not being one (removing what may not be there). */
bool ck_try(struct ck *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A command the test cannot go on without: fails it at the caller's line. */
#define ck_must(t, ...) assert_true(ck_sh((t), __VA_ARGS__))

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
/* The node's and the gateway's namespaces, lo up; no DAD, IPv6 addresses
 * kept on link down. */
bool ck_netns_up(struct ck *t);
/* Joins node and gateway: veth ck0/ck1, 192.0.2.11 / .1 and 2001:db8::11 /
 * ::1, both up (again after a deletion). It is
 * made in the node's namespace and its gateway end moved, so that the two
 * ends have different ifindexes: the kernel reports a veth's carrier at
 * once then, rate-limited to 1/s otherwise (see link_watch.h). */
bool ck_veth_add(struct ck *t);
/* The veth pair as ck_veth_add makes it, whatever a test did to it before
 * (deleted, renamed, down, in a bridge): removed and made again. */
bool ck_veth_reset(struct ck *t);
/* Frees what the running test owns and clears its watches. */
void ck_release(struct ck *t);
/* Deletes the namespaces; true if both are gone. */
bool ck_topo_down(struct ck *t);

/* Timed faults: the change is made when these return 0, *at the time taken
 * right after. A refusal of the kernel is printed and returned (-errno). */
int ck_link_set(struct ck *t, const char *ns, const char *ifname, bool up, uint64_t *at);
int ck_addr_set(struct ck *t, const char *ns, const char *ifname, const char *cidr, bool add,
		uint64_t *at);

#endif
