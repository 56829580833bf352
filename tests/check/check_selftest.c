/* check_selftest -- the link and gateway checks against a real kernel.
 *
 * Usage: check_selftest [--stack] [-v]
 *   (default) a node and a gateway namespace joined by a veth pair
 *             (192.0.2.0/24, 2001:db8::/64): the ARP and ND probes go up
 *             after rise, down after fall when the gateway's address goes
 *             or its link goes down (detection time printed and bounded by
 *             timeout + fall x interval + 50 ms), up again; the ARP probe
 *             follows a gateway MAC change without going down and an
 *             interface deleted and re-created; the link watcher reports
 *             carrier loss, admin down, removal, re-creation, rename and
 *             recovers from a lost-message overflow (ENOBUFS) by a dump;
 *             its socket tells removed addresses (after the link's own
 *             news when a link down flushes them).
 *   --stack   only a VLAN over an active-backup bond whose one member loses
 *             its carrier: needs 8021q and bonding, e.g. under
 *             tests/lab/kernel-run -- build/tests/check/check_selftest --stack
 *   -v        the commands run and every callback
 *
 * Runs as root. The namespaces are ckst<pid>n (node) and ckst<pid>g
 * (gateway), named in a private mount namespace with its own /run/netns,
 * so they disappear with the process however it ends. Each phase is a
 * cmocka test on a veth pair made afresh (so one failure does not carry
 * into the next); the group setup makes the namespaces, the last test
 * deletes them. Ends with cmocka's summary; exits 0, 1 on failures, 77
 * when it cannot run here. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "check/check_io.h"
#include "check/gw_probe.h"
#include "check/link_watch.h"
#include "ck.h"

/* the production targets of ANCHORS.md: interval 100 ms, fall 3 */
#define INTERVAL   100
#define TIMEOUT	   50
#define FALL	   3
#define RISE	   2
#define BOUND_DOWN (TIMEOUT + FALL * INTERVAL + 50)
#define BOUND_UP   (RISE * INTERVAL + 50)
#define CYCLES	   5 /* faults per family, at different phases */

/* the kernel tells urgent link changes at once: a few ms */
#define LINK_BOUND 50

#define GW_MAC	 "02:00:00:00:0c:01"
#define GW_MAC_2 "02:00:00:00:0c:02"

struct gw_case {
	enum ip_family family;
	const char *label; /* "ipv4/arp" */
	const char *own, *gw;
	const char *gw_cidr; /* as `ip addr add` takes it */
};

static const struct gw_case v4 = {IP_V4, "ipv4/arp", "192.0.2.11", "192.0.2.1", "192.0.2.1/24"};
static const struct gw_case v6 = {IP_V6, "ipv6/nd", "2001:db8::11", "2001:db8::1",
				  "2001:db8::1/64"};

/* The run's options, set once by main before the tests: cmocka gives the
 * group setup no other way in (its state starts NULL). */
static struct ck_opts {
	bool verbose;
} opts;

/* Every test starts on a veth pair made afresh (whatever the one before
 * did to it), the gateway's MAC known. In the test, not its setup: cmocka
 * would report a failed setup as an error that its summary leaves out. */
static void fresh_veth(struct ck *t)
{
	assert_true(ck_veth_reset(t));
	ck_must(t, "ip -n %s link set ck1 address %s", t->gw, GW_MAC);
}

static struct ip_addr ip(const char *text)
{
	struct ip_addr a = {0};
	const char *why;

	if (ip_parse(text, false, &a, &why) < 0)
		abort(); /* the test's own constants */
	return a;
}

/* Waits for the next callback: true if it came within bound_ms of t0
 * (taken as soon as the kernel acknowledged the fault) and says `up`.
 * Prints the delay; a miss as an error, with what came instead. */
static bool changed(struct ck *t, struct ck_watch *w, bool up, uint64_t t0, unsigned bound_ms,
		    const char *what)
{
	bool got = ck_wait(t, w, w->calls + 1, 3000);
	uint64_t ms = w->at_ms - t0;

	if (got)
		print_message("timing: %s: %s after %" PRIu64 " ms (bound %u ms)\n", what,
			      w->up ? "up" : "down", ms, bound_ms);
	if (got && w->up == up && ms < bound_ms)
		return true;
	print_error("%s: %s within %u ms (%s, %" PRIu64 " ms: %s)\n", what, up ? "up" : "down",
		    bound_ms, got ? (w->up ? "up" : "down") : "no callback", got ? ms : 0,
		    got ? w->reason : "-");
	return false;
}

/* Starts the running test's probe of c's gateway on ifname, its callbacks
 * into w; false (printed) if gw_probe_new refused. */
static bool gw_start(struct ck *t, const struct gw_case *c, const char *ifname, struct ck_watch *w)
{
	struct gw_probe_cfg cfg = {
	    .netns = t->node,
	    .ifname = ifname,
	    .family = c->family,
	    .own = ip(c->own),
	    .gateway = ip(c->gw),
	    .interval_ms = INTERVAL,
	    .timeout_ms = TIMEOUT,
	    .fall = FALL,
	    .rise = RISE,
	};

	t->probe = gw_probe_new(t->base, &t->ctx, &cfg, ck_on_change, w);
	if (!t->probe)
		print_error("%s: gw_probe_new: %s\n", c->label, strerror(errno));
	return t->probe != NULL;
}

static void gw_print_state(const struct gw_case *c, const struct gw_probe *p)
{
	struct gw_probe_status s;

	gw_probe_state(p, &s);
	print_message("status: %s: %s, sent %" PRIu64 " answered %" PRIu64 " late %" PRIu64
		      " discarded %" PRIu64 " send errors %" PRIu64 ", last rtt %u us, "
		      "changes %" PRIu64 ", last reason \"%s\"\n",
		      c->label, check_status_name(s.status), s.sent, s.answered, s.late,
		      s.discarded, s.send_errors, s.last_rtt_us, s.changes, s.reason);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The gateway's address removed and restored CYCLES times, the fault
 * landing at a different phase of the probe clock each time: the first
 * right after an answer (the worst case, fall x interval + timeout), then
 * later and later into the interval. */
static void gw_addr_cycles(struct ck *t, const struct gw_case *c, struct ck_watch *w)
{
	uint64_t down[CYCLES], t0;
	char what[96];

	for (int i = 0; i < CYCLES; i++) {
		ck_run(t, (unsigned)(i * INTERVAL / CYCLES));
		snprintf(what, sizeof(what), "%s: gateway address removed (+%d ms)", c->label,
			 i * INTERVAL / CYCLES);
		assert_int_equal(ck_addr_set(t, t->gw, "ck1", c->gw_cidr, false, &t0), 0);
		assert_true(changed(t, w, false, t0, BOUND_DOWN, what));
		down[i] = w->at_ms - t0;
		if (i == 0)
			fail_unless(strstr(w->reason, "unreachable (3/3 probes)") != NULL,
				    "%s: reason names the gateway and the count: \"%s\"", c->label,
				    w->reason);
		snprintf(what, sizeof(what), "%s: gateway address restored", c->label);
		assert_int_equal(ck_addr_set(t, t->gw, "ck1", c->gw_cidr, true, &t0), 0);
		assert_true(changed(t, w, true, t0, BOUND_UP, what));
		if (i == 0)
			fail_unless(strstr(w->reason, "answers (2/2 probes)") != NULL,
				    "%s: reason \"%s\"", c->label, w->reason);
	}
	qsort(down, CYCLES, sizeof(down[0]), cmp_u64);
	print_message("timing: %s: gateway lost -> down, %d faults: min %" PRIu64 " median %" PRIu64
		      " max %" PRIu64 " ms (interval %d, timeout %d, fall %d; bound %d ms)\n",
		      c->label, CYCLES, down[0], down[CYCLES / 2], down[CYCLES - 1], INTERVAL,
		      TIMEOUT, FALL, BOUND_DOWN);
}

/* down and up around a removed address and a link down at the gateway */
static void gw_faults(struct ck *t, const struct gw_case *c, struct ck_watch *w)
{
	char what[96];
	uint64_t t0;

	gw_addr_cycles(t, c, w);
	snprintf(what, sizeof(what), "%s: gateway link down", c->label);
	assert_int_equal(ck_link_set(t, t->gw, "ck1", false, &t0), 0);
	assert_true(changed(t, w, false, t0, BOUND_DOWN, what));
	snprintf(what, sizeof(what), "%s: gateway link up", c->label);
	assert_int_equal(ck_link_set(t, t->gw, "ck1", true, &t0), 0);
	assert_true(changed(t, w, true, t0, BOUND_UP, what));
}

/* up after rise with the gateway's MAC learnt, then the faults */
static void gw_phase(struct ck *t, const struct gw_case *c)
{
	struct gw_probe_status s;
	uint64_t t0;
	char what[96];

	fresh_veth(t);
	t0 = check_now_ms();
	assert_true(gw_start(t, c, "ck0", &t->w));
	snprintf(what, sizeof(what), "%s: probe started", c->label);
	assert_true(changed(t, &t->w, true, t0, BOUND_UP, what));
	gw_probe_state(t->probe, &s);
	fail_unless(s.status == CHECK_UP && s.sent >= RISE && s.answered >= RISE,
		    "%s: status up, %" PRIu64 " sent, %" PRIu64 " answered", c->label, s.sent,
		    s.answered);
	fail_unless(s.gw_mac_known && s.gw_mac[5] == 0x01,
		    "%s: gateway MAC learnt from the answer (%02x:..:%02x)", c->label, s.gw_mac[0],
		    s.gw_mac[5]);
	gw_faults(t, c, &t->w);
	gw_print_state(c, t->probe);
}

static void test_gw_ipv4(void **state)
{
	gw_phase(*state, &v4);
}

static void test_gw_ipv6(void **state)
{
	gw_phase(*state, &v6);
}

/* A unicast probe to the old MAC goes unanswered, the broadcast one after
 * learns the new MAC: one failure, no DOWN with fall 3. */
static void test_gw_mac_change(void **state)
{
	struct ck *t = *state;
	struct gw_probe_status s;

	fresh_veth(t);
	assert_true(gw_start(t, &v4, "ck0", &t->w));
	ck_wait(t, &t->w, 1, 1000);
	ck_run(t, 300); /* a few unicast probes */
	ck_must(t, "ip -n %s link set ck1 address %s", t->gw, GW_MAC_2);
	ck_run(t, 1000);
	gw_probe_state(t->probe, &s);
	fail_unless(t->w.calls == 1 && s.status == CHECK_UP && s.gw_mac[5] == 0x02,
		    "ipv4/arp: gateway MAC change: stays up (%d callbacks), new MAC learnt "
		    "(..:%02x), %" PRIu64 " sent %" PRIu64 " answered",
		    t->w.calls, s.gw_mac[5], s.sent, s.answered);
	fail_unless(s.sent - s.answered <= 2,
		    "ipv4/arp: gateway MAC change costs at most one probe (+1 in flight): "
		    "%" PRIu64 " unanswered",
		    s.sent - s.answered);
	ck_must(t, "ip -n %s link set ck1 address %s", t->gw, GW_MAC);
}

/* The daemon tells the probe its link went down and came back: DOWN at
 * once without probing meanwhile, then a fresh verdict from new probes
 * only (the failures while the link was down are not the gateway's). */
static void test_gw_follows_link(void **state)
{
	struct ck *t = *state;
	struct ck_watch *w = &t->w;
	struct gw_probe_status s;
	uint64_t sent, t0;

	fresh_veth(t);
	assert_true(gw_start(t, &v4, "ck0", w));
	ck_wait(t, w, 1, 1000);
	t0 = check_now_ms();
	gw_probe_set_link(t->probe, false, "link ck0 down: no carrier");
	assert_true(changed(t, w, false, t0, 20, "ipv4/arp: link down told"));
	fail_unless(strstr(w->reason, "link ck0 down") != NULL, "ipv4/arp: reason \"%s\"",
		    w->reason);
	gw_probe_state(t->probe, &s);
	sent = s.sent;
	ck_run(t, 5 * INTERVAL);
	gw_probe_state(t->probe, &s);
	fail_unless(s.sent == sent && s.status == CHECK_DOWN && w->calls == 2,
		    "ipv4/arp: paused while the link is down (%" PRIu64
		    " probes sent, %d callbacks)",
		    s.sent - sent, w->calls);
	t0 = check_now_ms();
	gw_probe_set_link(t->probe, true, NULL);
	assert_true(changed(t, w, true, t0, 20, "ipv4/arp: link back told (judged afresh)"));
	gw_probe_state(t->probe, &s);
	fail_unless(s.status == CHECK_UNKNOWN && s.ok_run == 0 && s.fail_run == 0,
		    "ipv4/arp: unknown with no counts after the link returns (%s, %u ok, %u "
		    "failed)",
		    check_status_name(s.status), s.ok_run, s.fail_run);
	assert_true(changed(t, w, true, t0, BOUND_UP, "ipv4/arp: up from fresh probes"));
	fail_unless(strstr(w->reason, "answers (2/2 probes)") != NULL, "ipv4/arp: reason \"%s\"",
		    w->reason);
}

/* The probed interface deleted and re-created: the probe reopens its
 * socket on the new interface. */
static void test_gw_recreate(void **state)
{
	struct ck *t = *state;
	struct ck_watch *w = &t->w;
	uint64_t t0;

	fresh_veth(t);
	assert_true(gw_start(t, &v4, "ck0", w));
	ck_wait(t, w, 1, 1000);
	ck_must(t, "ip -n %s link del ck0", t->node);
	t0 = check_now_ms();
	assert_true(changed(t, w, false, t0, BOUND_DOWN, "ipv4/arp: interface deleted"));
	fail_unless(strstr(w->reason, "No such device") || strstr(w->reason, "unreachable"),
		    "ipv4/arp: reason \"%s\"", w->reason);
	assert_true(ck_veth_add(t));
	ck_must(t, "ip -n %s link set ck1 address %s", t->gw, GW_MAC);
	t0 = check_now_ms();
	assert_true(changed(t, w, true, t0, BOUND_UP, "ipv4/arp: interface re-created"));
	gw_print_state(&v4, t->probe);
}

/* Configuration errors and an interface that is not there. */
static void test_gw_edges(void **state)
{
	struct ck *t = *state;
	struct gw_probe_cfg bad = {.netns = t->node,
				   .ifname = "ck0",
				   .family = IP_V4,
				   .own = ip("2001:db8::11"),
				   .gateway = ip("192.0.2.1"),
				   .interval_ms = INTERVAL,
				   .timeout_ms = TIMEOUT,
				   .fall = FALL,
				   .rise = RISE};
	uint64_t t0;

	fresh_veth(t);
	t->probe = gw_probe_new(t->base, &t->ctx, &bad, ck_on_change, &t->w);
	fail_unless(!t->probe && errno == EINVAL, "gw_probe_new refuses mixed families");
	bad.own = ip("192.0.2.11");
	bad.interval_ms = 5;
	t->probe = gw_probe_new(t->base, &t->ctx, &bad, ck_on_change, &t->w);
	fail_unless(!t->probe && errno == EINVAL, "gw_probe_new refuses interval 5 ms");
	t0 = check_now_ms();
	assert_true(gw_start(t, &v4, "nosuch0", &t->w));
	assert_true(changed(t, &t->w, false, t0, BOUND_DOWN, "ipv4/arp: missing interface"));
	fail_unless(strstr(t->w.reason, "open nosuch0: No such device") != NULL,
		    "ipv4/arp: missing interface reason \"%s\"", t->w.reason);
}

/* ---- link watcher ---- */

/* The bridge tells its ports' joins and departures in the same group
 * (AF_BRIDGE); leaving a bridge is an RTM_DELLINK there, not a removal. */
static void link_bridge_port(struct ck *t, struct ck_watch *w, struct link_watch_item *it)
{
	int calls = w->calls;
	uint64_t changes = link_watch_item_state(it)->changes;

	ck_must(t, "ip -n %s link add ckbr type bridge", t->node);
	ck_must(t, "ip -n %s link set ck0 master ckbr", t->node);
	ck_must(t, "ip -n %s link set ck0 nomaster", t->node);
	ck_must(t, "ip -n %s link del ckbr", t->node);
	ck_run(t, 50);
	fail_unless(w->calls == calls && link_watch_item_state(it)->changes == changes &&
			link_watch_item_state(it)->status == CHECK_UP,
		    "link: joining and leaving a bridge is no removal (%d callbacks, %" PRIu64
		    " changes, \"%s\")",
		    w->calls - calls, link_watch_item_state(it)->changes - changes,
		    link_watch_item_state(it)->detail);
}

static void link_changes(struct ck *t, struct ck_watch *w, struct link_watch_item *it)
{
	uint64_t t0;

	assert_int_equal(ck_link_set(t, t->gw, "ck1", false, &t0), 0);
	assert_true(changed(t, w, false, t0, LINK_BOUND, "link: veth peer down"));
	fail_unless(strstr(w->reason, "no carrier") != NULL, "link: reason \"%s\"", w->reason);
	assert_int_equal(ck_link_set(t, t->gw, "ck1", true, &t0), 0);
	assert_true(changed(t, w, true, t0, LINK_BOUND, "link: veth peer up"));
	assert_int_equal(ck_link_set(t, t->node, "ck0", false, &t0), 0);
	assert_true(changed(t, w, false, t0, LINK_BOUND, "link: admin down"));
	fail_unless(strstr(w->reason, "administratively down") != NULL, "link: reason \"%s\"",
		    w->reason);
	ck_must(t, "ip -n %s link set ck0 name ckx", t->node);
	ck_run(t, 50);
	fail_unless(strstr(link_watch_item_state(it)->detail, "renamed to ckx") != NULL,
		    "link: rename seen while down: \"%s\"", link_watch_item_state(it)->detail);
	ck_must(t, "ip -n %s link set ckx name ck0", t->node);
	nlo_forget(&t->ops, t->node, "ck0");
	assert_int_equal(ck_link_set(t, t->node, "ck0", true, &t0), 0);
	assert_true(changed(t, w, true, t0, LINK_BOUND, "link: admin up after rename back"));
	link_bridge_port(t, w, it);
	ck_must(t, "ip -n %s link del ck0", t->node);
	t0 = check_now_ms();
	assert_true(changed(t, w, false, t0, LINK_BOUND, "link: interface removed"));
	fail_unless(strstr(w->reason, "interface removed") != NULL, "link: reason \"%s\"",
		    w->reason);
	assert_true(ck_veth_add(t));
	ck_must(t, "ip -n %s link set ck1 address %s", t->gw, GW_MAC);
	t0 = check_now_ms();
	assert_true(changed(t, w, true, t0, LINK_BOUND, "link: interface re-created"));
}

/* Thousands of link events while the loop sleeps overflow the socket;
 * the last one (down) is lost with the rest: only the dump that follows
 * the ENOBUFS can tell. */
static void link_overflow(struct ck *t, struct ck_watch *w, struct link_watch_item *it)
{
	struct link_watch_stats st;
	int calls = w->calls;

	ck_must(t,
		"{ for i in $(seq 4000); do echo 'link set ck0 down'; echo 'link set ck0 up'; "
		"done; echo 'link set ck0 down'; } | ip -n %s -batch -",
		t->node);
	/* What is claimed is that the state ends as the kernel's, not how fast:
	 * the dump after the overflow takes its time on a loaded machine. */
	ck_wait(t, w, calls + 1, 2000);
	for (uint64_t end = check_now_ms() + 3000;
	     check_now_ms() < end && (link_watch_item_state(it)->status != CHECK_DOWN || w->up);)
		ck_run(t, 50);
	link_watch_get_stats(t->lw, &st);
	print_message("status: link: %" PRIu64 " messages, %" PRIu64 " dumps, %" PRIu64
		      " overruns, %" PRIu64 " interrupted dumps\n",
		      st.messages, st.dumps, st.overruns, st.interrupts);
	fail_unless(st.overruns >= 1, "link: event flood overflowed the socket (%" PRIu64 ")",
		    st.overruns);
	fail_unless(link_watch_item_state(it)->status == CHECK_DOWN && !w->up,
		    "link: after the overflow the state is the kernel's (down): %s",
		    link_watch_item_state(it)->detail);
	calls = w->calls;
	ck_must(t, "ip -n %s link set ck0 up", t->node);
	fail_unless(ck_wait(t, w, calls + 1, 1000) && w->up, "link: events flow after resync");
}

static void test_link(void **state)
{
	struct ck *t = *state;
	struct link_watch_item *it = NULL;
	int err;

	fresh_veth(t);
	t->lw = link_watch_new(t->base, &t->ctx);
	fail_unless(t->lw, "link_watch_new");
	err = link_watch_add(t->lw, t->node, "ck0", ck_on_change, &t->w, &it);
	fail_unless(err == 0, "link: watch ck0 in %s (%d)", t->node, err);
	err = link_watch_add(t->lw, t->node, "nosuch0", ck_on_change, &t->missing, NULL);
	fail_unless(err == 0, "link: watch nosuch0 (%d)", err);
	err = link_watch_add(t->lw, "ckst-no-such-namespace", "ck0", ck_on_change, &t->w, NULL);
	fail_unless(err == -ENOENT, "link: a namespace that does not exist is ENOENT (%d)", err);
	fail_unless(ck_wait(t, &t->w, 1, 1000) && t->w.up, "link: initial callback up (%s)",
		    t->w.reason);
	fail_unless(ck_wait(t, &t->missing, 1, 1000) && !t->missing.up &&
			strstr(t->missing.reason, "interface not found"),
		    "link: initial callback for a missing interface: \"%s\"", t->missing.reason);
	ck_run(t, 100);
	fail_unless(t->w.calls == 1, "link: no callback without a change (%d)", t->w.calls);
	link_changes(t, &t->w, it);
	link_overflow(t, &t->w, it);
	link_watch_del(t->lw, it);
}

/* ---- removed addresses (the reconcile loop's input) ---- */

struct ck_removed {
	struct ck_watch *link; /* the link item's callbacks, to see the order */
	int calls;
	int ifindex;
	struct ip_addr addr[8];
	int link_calls[8]; /* link->calls when each removal was told */
};

static void on_removed(void *arg, const char *netns, int ifindex, const struct ip_addr *addr)
{
	struct ck_removed *r = arg;

	(void)netns;
	if (r->calls < 8 && addr) {
		r->addr[r->calls] = *addr;
		r->link_calls[r->calls] = r->link->calls;
	}
	r->ifindex = ifindex;
	r->calls++;
}

static int removed_at(const struct ck_removed *r, const char *text)
{
	struct ip_addr a = ip(text);

	for (int i = 0; i < r->calls && i < 8; i++)
		if (ip_equal(&r->addr[i], &a))
			return i;
	return -1;
}

/* Adding is no removal; `ip addr del` of either family is told with its
 * address, prefix and interface; `ip link set down`, which flushes the
 * IPv6 link-local address, is told after the link callback. */
static void test_addr_removed(void **state)
{
	struct ck *t = *state;
	struct ck_removed r = {.link = &t->w};
	int err;

	fresh_veth(t);
	t->lw = link_watch_new(t->base, &t->ctx);
	fail_unless(t->lw, "link_watch_new");
	err = link_watch_on_addr_removed(t->lw, on_removed, &r);
	fail_unless(err == 0, "addr: subscribe (%d)", err);
	err = link_watch_add(t->lw, t->node, "ck0", ck_on_change, &t->w, NULL);
	fail_unless(err == 0 && ck_wait(t, &t->w, 1, 1000) && t->w.up, "addr: link watch up");
	ck_must(t, "ip -n %s addr add 192.0.2.200/24 dev ck0", t->node);
	ck_must(t, "ip -n %s addr add 2001:db8::200/64 dev ck0 nodad", t->node);
	ck_run(t, 100);
	fail_unless(r.calls == 0, "addr: adding is no removal (%d)", r.calls);
	ck_must(t, "ip -n %s addr del 192.0.2.200/24 dev ck0", t->node);
	ck_must(t, "ip -n %s addr del 2001:db8::200/64 dev ck0", t->node);
	ck_run(t, 100);
	fail_unless(r.calls == 2, "addr: two removals told (%d)", r.calls);
	fail_unless(removed_at(&r, "192.0.2.200") == 0 && r.addr[0].plen == 24,
		    "addr: the IPv4 one first, with its prefix");
	fail_unless(removed_at(&r, "2001:db8::200") == 1 && r.addr[1].plen == 64,
		    "addr: the IPv6 one");
	fail_unless(r.ifindex > 0, "addr: the interface (%d)", r.ifindex);

	/* the group's namespace keeps global addresses on down
	 * (keep_addr_on_down): the link-local one goes all the same */
	r.calls = 0;
	ck_must(t, "ip -n %s link set ck0 down", t->node);
	ck_run(t, 100);
	fail_unless(r.calls >= 1 && ip_is_link_local(&r.addr[0]),
		    "addr: link down flushed the link-local address (%d told)", r.calls);
	fail_unless(!t->w.up && r.link_calls[0] == t->w.calls,
		    "addr: the link's callback (down) came first (%d of %d)", r.link_calls[0],
		    t->w.calls);
}

/* ---- VLAN over bond (lab kernels) ---- */

static bool stack_topo(struct ck *t)
{
	return ck_sh(t, "ip -n %s link add ckm0 type veth peer name ckm1", t->node) &&
	       ck_sh(t, "ip -n %s link set ckm1 netns %s", t->node, t->gw) &&
	       ck_sh(t, "ip -n %s link add ckb0 type bond mode active-backup miimon 10", t->node) &&
	       ck_sh(t, "ip -n %s link set ckm0 master ckb0", t->node) &&
	       ck_sh(t, "ip -n %s link add link ckb0 name ckv0 type vlan id 100", t->node) &&
	       ck_sh(t, "ip -n %s link set ckb0 up", t->node) &&
	       ck_sh(t, "ip -n %s link set ckv0 up", t->node) &&
	       ck_sh(t, "ip -n %s link set ckm1 up", t->gw);
}

static void test_stack(void **state)
{
	struct ck *t = *state;
	struct ck_watch *w = &t->w;
	uint64_t t0;

	fresh_veth(t);
	t->lw = link_watch_new(t->base, &t->ctx);
	fail_unless(t->lw && stack_topo(t) &&
			link_watch_add(t->lw, t->node, "ckv0", ck_on_change, w, NULL) == 0,
		    "stack: set up the bond, the VLAN and the watch");
	/* the bond may first be seen without carrier: its miimon has not run */
	while (ck_wait(t, w, w->calls + 1, 3000) && !w->up)
		;
	fail_unless(w->up, "stack: vlan over bond up (%s)", w->reason);
	assert_int_equal(ck_link_set(t, t->gw, "ckm1", false, &t0), 0);
	assert_true(changed(t, w, false, t0, 1000, "stack: bond's only member lost carrier"));
	fail_unless(strstr(w->reason, "lowerlayerdown") != NULL, "stack: reason \"%s\"", w->reason);
	assert_int_equal(ck_link_set(t, t->gw, "ckm1", true, &t0), 0);
	assert_true(changed(t, w, true, t0, 1000, "stack: member carrier back"));
}

/* Last: the namespaces go (the group teardown only sweeps what a failure
 * left, and a failed group teardown does not fail the run). */
static void test_namespaces_deleted(void **state)
{
	assert_true(ck_topo_down(*state));
}

/* ---- fixtures ---- */

/* What the test started, stopped before any callback can reach it. */
static int test_teardown(void **state)
{
	ck_release(*state);
	return 0;
}

static int group_teardown(void **state)
{
	struct ck *t = *state;

	if (!t)
		return 0;
	ck_release(t);
	nlo_done(&t->ops);
	ck_topo_down(t);
	net_ctx_done(&t->ctx);
	event_base_free(t->base);
	free(t);
	*state = NULL;
	return 0;
}

/* The loop, the netlink context and the two namespaces. */
static int group_setup(void **state)
{
	struct ck *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return -1;
	t->verbose = opts.verbose;
	snprintf(t->node, sizeof(t->node), "ckst%dn", (int)getpid());
	snprintf(t->gw, sizeof(t->gw), "ckst%dg", (int)getpid());
	t->base = event_base_new();
	err = t->base ? net_ctx_init(&t->ctx) : -ENOMEM;
	if (err < 0) {
		print_error("event_base_new / net_ctx_init: %s\n", strerror(-err));
		if (t->base)
			event_base_free(t->base);
		free(t);
		return -1;
	}
	nlo_init(&t->ops, &t->ctx);
	*state = t;
	ck_release(t);
	if (!ck_netns_up(t)) {
		group_teardown(state);
		return -1;
	}
	return 0;
}

/* ---- main ---- */

static bool have_module(const char *name)
{
	char path[64], cmd[96];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(cmd, sizeof(cmd), "modprobe -q %s 2>/dev/null", name);
	return system(cmd) == 0 && access(path, F_OK) == 0;
}

static int run(bool stack)
{
	const struct CMUnitTest all[] = {
	    cmocka_unit_test_teardown(test_gw_ipv4, test_teardown),
	    cmocka_unit_test_teardown(test_gw_ipv6, test_teardown),
	    cmocka_unit_test_teardown(test_gw_mac_change, test_teardown),
	    cmocka_unit_test_teardown(test_gw_follows_link, test_teardown),
	    cmocka_unit_test_teardown(test_gw_recreate, test_teardown),
	    cmocka_unit_test_teardown(test_gw_edges, test_teardown),
	    cmocka_unit_test_teardown(test_link, test_teardown),
	    cmocka_unit_test_teardown(test_addr_removed, test_teardown),
	    cmocka_unit_test(test_namespaces_deleted),
	};
	const struct CMUnitTest stack_only[] = {
	    cmocka_unit_test_teardown(test_stack, test_teardown),
	    cmocka_unit_test(test_namespaces_deleted),
	};

	if (stack)
		return cmocka_run_group_tests_name("check_selftest --stack", stack_only,
						   group_setup, group_teardown);
	return cmocka_run_group_tests_name("check_selftest", all, group_setup, group_teardown);
}

int main(int argc, char **argv)
{
	bool stack = false;
	int err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stack") == 0)
			stack = true;
		else if (strcmp(argv[i], "-v") == 0)
			opts.verbose = true;
		else {
			fprintf(stderr, "usage: %s [--stack] [-v]\n", argv[0]);
			return 2;
		}
	}
	if (geteuid() != 0) {
		printf("SKIPPED: check_selftest needs root (network namespaces)\n");
		return SELFTEST_EXIT_SKIP;
	}
	if (stack && (!have_module("8021q") || !have_module("bonding"))) {
		printf("SKIPPED: kernel lacks 8021q/bonding (run under tests/lab/kernel-run)\n");
		return SELFTEST_EXIT_SKIP;
	}
	err = ck_private_netns_dir();
	if (err < 0) {
		printf("SKIPPED: private /run/netns: %s\n", strerror(-err));
		return SELFTEST_EXIT_SKIP;
	}
	return selftest_exit_status(run(stack));
}
