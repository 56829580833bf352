/* The followed neighbour table (src/net/neigh.c) against a real kernel.
 *
 * Runs as root in a network namespace of its own (unshare), on a veth
 * pair nb0/nb1; entries are made with `ip neigh` (as the kernel would make
 * them when it resolves a peer). Phases, one cmocka test each: the first
 * read (a group's entry left out); a change told and applied without a
 * new read, and a deletion; changes made between the subscription and
 * the first read, applied after it in order; a socket that overflowed,
 * read whole again; a watch followed anew counts its gen on. */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "net/neigh.h"
#include "net/nl_util.h"
#include "../selftest.h"

struct lab {
	struct neigh_watch w;
	struct nl_sock *req;
	int ifindex;
};

static void sh(const char *cmd)
{
	fail_unless(system(cmd) == 0, "%s failed", cmd);
}

static struct ip_addr addr6(const char *text)
{
	struct ip_addr a;
	const char *why;

	fail_unless(ip_parse(text, false, &a, &why) == 0, "%s: %s", text, why);
	a.plen = 128;
	return a;
}

static int lab_setup(void **state)
{
	static struct lab lab;
	struct nl_sock *sk = nl_socket_alloc();

	memset(&lab, 0, sizeof(lab));
	sh("ip -6 neigh flush dev nb0 2>/dev/null; ip -6 neigh del ff02::12 dev nb0 2>/dev/null; "
	   "true");
	fail_unless(sk && nl_connect(sk, NETLINK_ROUTE) == 0, "netlink socket");
	fail_unless(neigh_watch_init(&lab.w, sk, IP_V6) == 0, "watch");
	fail_unless(nlu_sock_new(&lab.req) == 0, "request socket");
	lab.ifindex = (int)if_nametoindex("nb0");
	*state = &lab;
	return 0;
}

static int lab_teardown(void **state)
{
	struct lab *lab = *state;

	neigh_watch_done(&lab->w);
	nl_socket_free(lab->req);
	return 0;
}

/* Everything the kernel has told, read (it tells within the system call
 * that made the change; the poll only guards against a slow one). */
static void drain(struct lab *lab)
{
	struct pollfd p = {.fd = nl_socket_get_fd(lab->w.sk), .events = POLLIN};

	while (poll(&p, 1, 200) > 0)
		fail_unless(neigh_watch_read(&lab->w) == 0, "read");
}

static const struct neigh_entry *find(struct lab *lab, const char *addr)
{
	struct ip_addr a = addr6(addr);

	return neigh_table_find(&lab->w.table, lab->ifindex, &a);
}

static void test_first_read(void **state)
{
	struct lab *lab = *state;
	const struct neigh_entry *e;

	sh("ip -6 neigh add 2001:db8::5 lladdr 02:00:00:00:00:05 dev nb0 nud reachable");
	/* a group's entry, as the kernel makes one for each group sent to */
	sh("ip -6 neigh add ff02::12 lladdr 33:33:00:00:00:12 dev nb0 nud noarp");
	fail_unless(lab->w.need_dump, "a new watch has its table");
	fail_unless(neigh_watch_sync(&lab->w, lab->req) == 0, "dump");
	e = find(lab, "2001:db8::5");
	fail_unless(e && neigh_entry_usable(e) && e->mac[5] == 5, "the entry after the dump");
	fail_unless(find(lab, "ff02::12") == NULL && lab->w.table.n == 1,
		    "a group's entry kept (%zu entries)", lab->w.table.n);
}

static void test_a_change_is_followed(void **state)
{
	struct lab *lab = *state;
	const struct neigh_entry *e;
	unsigned gen;

	sh("ip -6 neigh add 2001:db8::6 lladdr 02:00:00:00:00:06 dev nb0 nud reachable");
	fail_unless(neigh_watch_sync(&lab->w, lab->req) == 0, "dump");
	drain(lab);
	gen = lab->w.gen;
	sh("ip -6 neigh replace 2001:db8::6 lladdr 02:00:00:00:00:07 dev nb0 nud stale");
	drain(lab);
	fail_unless(!lab->w.need_dump, "a told change asked for a dump");
	e = find(lab, "2001:db8::6");
	fail_unless(e && e->mac[5] == 7 && !neigh_entry_usable(e), "the changed entry: %s",
		    e ? "usable or old MAC" : "missing");
	fail_unless(lab->w.gen != gen, "the generation did not move");
	sh("ip -6 neigh replace 2001:db8::6 lladdr 02:00:00:00:00:07 dev nb0 nud reachable");
	drain(lab);
	e = find(lab, "2001:db8::6");
	fail_unless(e && neigh_entry_usable(e), "verified again, not usable");
	sh("ip -6 neigh del 2001:db8::6 dev nb0");
	drain(lab);
	fail_unless(find(lab, "2001:db8::6") == NULL, "a deleted entry stays");
}

/* Made after the subscription, before the dump: the dump already shows
 * the last state, and the messages read after it, in order, end there. */
static void test_changes_before_the_dump(void **state)
{
	struct lab *lab = *state;
	const struct neigh_entry *e;

	sh("ip -6 neigh add 2001:db8::8 lladdr 02:00:00:00:00:08 dev nb0 nud reachable && "
	   "ip -6 neigh replace 2001:db8::8 lladdr 02:00:00:00:00:09 dev nb0 nud reachable && "
	   "ip -6 neigh add 2001:db8::a lladdr 02:00:00:00:00:0a dev nb0 nud reachable && "
	   "ip -6 neigh del 2001:db8::a dev nb0");
	fail_unless(neigh_watch_sync(&lab->w, lab->req) == 0, "dump");
	drain(lab);
	e = find(lab, "2001:db8::8");
	fail_unless(e && e->mac[5] == 9, "the older message won over the dump");
	fail_unless(find(lab, "2001:db8::a") == NULL, "a deleted entry came back");
}

/* Changes the socket could not hold: the table is read whole again. */
static void test_an_overflow_is_read_again(void **state)
{
	struct lab *lab = *state;
	int small = 1; /* the kernel's minimum */
	FILE *batch;
	const struct neigh_entry *e;

	fail_unless(neigh_watch_sync(&lab->w, lab->req) == 0, "dump");
	fail_unless(setsockopt(nl_socket_get_fd(lab->w.sk), SOL_SOCKET, SO_RCVBUF, &small,
			       sizeof(small)) == 0,
		    "a small buffer");
	batch = popen("ip -batch -", "w");
	fail_unless(batch != NULL, "ip -batch");
	for (int i = 1; i <= 500; i++)
		fprintf(batch,
			"neigh add 2001:db8::1:%x lladdr 02:00:00:00:01:%02x dev nb0 nud "
			"reachable\n",
			i, i & 0xff);
	fail_unless(pclose(batch) == 0, "ip -batch failed");
	drain(lab);
	fail_unless(lab->w.need_dump, "500 changes into a small buffer did not overflow it");
	fail_unless(neigh_watch_sync(&lab->w, lab->req) == 0, "dump");
	fail_unless(!lab->w.need_dump, "still due after the dump");
	e = find(lab, "2001:db8::1:1f4");
	fail_unless(e && e->mac[5] == (500 & 0xff), "the last entry after the new dump");
}

/* A watch followed anew (after a read error) counts on: an answer taken
 * from the old table must not pass for one of the new. */
static void test_gen_only_moves_forward(void **state)
{
	struct lab *lab = *state;
	struct nl_sock *sk = nl_socket_alloc();
	unsigned before;

	fail_unless(neigh_watch_sync(&lab->w, lab->req) == 0, "dump");
	before = lab->w.gen;
	neigh_watch_done(&lab->w);
	fail_unless(sk && nl_connect(sk, NETLINK_ROUTE) == 0, "netlink socket");
	fail_unless(neigh_watch_init(&lab->w, sk, IP_V6) == 0, "watch");
	fail_unless(neigh_watch_sync(&lab->w, lab->req) == 0, "dump");
	fail_unless(lab->w.gen > before, "gen %u after %u", lab->w.gen, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_read, lab_setup, lab_teardown),
	    cmocka_unit_test_setup_teardown(test_a_change_is_followed, lab_setup, lab_teardown),
	    cmocka_unit_test_setup_teardown(test_changes_before_the_dump, lab_setup, lab_teardown),
	    cmocka_unit_test_setup_teardown(test_an_overflow_is_read_again, lab_setup,
					    lab_teardown),
	    cmocka_unit_test_setup_teardown(test_gen_only_moves_forward, lab_setup, lab_teardown),
	};

	if (geteuid() != 0) {
		printf("SKIPPED: neigh_selftest needs root (a network namespace)\n");
		return SELFTEST_EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIPPED: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return SELFTEST_EXIT_SKIP;
	}
	if (system("ip link add nb0 type veth peer name nb1 && ip link set nb0 up && "
		   "ip link set nb1 up") != 0) {
		printf("veth pair: failed\n");
		return 1;
	}
	return selftest_exit_status(
	    cmocka_run_group_tests_name("neigh_selftest", tests, NULL, NULL));
}
