/* vmac_selftest -- the virtual MAC links (src/net/vmac.c) against a real
 * kernel: a macvlan made down with its MAC and mode bridge, its sysctls and
 * its parent's, adopted when it is already there, made again when it is
 * not ours, raised, lowered and deleted.
 *
 * Usage: vmac_selftest
 *
 * Runs as root in a network namespace of its own (unshare), on a veth
 * pair p0/p1 made there. One cmocka test per phase. Exits 0, 1 on
 * failures, 77 when it cannot run here. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>

#include "net/vmac.h"
#include "../selftest.h"

static struct nl_sock *sk;

static const uint8_t mac4[6] = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x07};
static const uint8_t mac6[6] = {0x00, 0x00, 0x5e, 0x00, 0x02, 0x07};

static int veth_pair(void)
{
	struct rtnl_link *l = rtnl_link_veth_alloc(), *peer;
	int rc;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_name(l, "p0");
	peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(peer, "p1");
	rtnl_link_put(peer);
	rtnl_link_set_flags(l, IFF_UP);
	rc = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	return rc;
}

static int sysctl_int(const char *fam, const char *ifname, const char *key)
{
	char path[128], buf[16] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", fam, ifname, key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

/* The link as the kernel has it; NULL when absent. */
static struct rtnl_link *get(const char *name)
{
	struct rtnl_link *l = NULL;

	return rtnl_link_get_kernel(sk, 0, name, &l) < 0 ? NULL : l;
}

static void assert_ours(const char *name, const uint8_t mac[6], bool up)
{
	struct rtnl_link *l = get(name);
	struct nl_addr *a;

	fail_unless(l, "%s missing", name);
	fail_unless(rtnl_link_is_macvlan(l), "%s is no macvlan", name);
	fail_unless(rtnl_link_get_link(l) == (int)if_nametoindex("p0"), "%s: parent", name);
	fail_unless(rtnl_link_macvlan_get_mode(l) == MACVLAN_MODE_BRIDGE, "%s: mode", name);
	a = rtnl_link_get_addr(l);
	fail_unless(a && memcmp(nl_addr_get_binary_addr(a), mac, 6) == 0, "%s: MAC", name);
	fail_unless(!!(rtnl_link_get_flags(l) & IFF_UP) == up, "%s: want %s", name,
		    up ? "up" : "down");
	rtnl_link_put(l);
}

static void test_create_down_with_sysctls(void **state)
{
	int ifindex = 0;

	(void)state;
	fail_unless(vmac_link_ensure(sk, "p0", "vm4-7-p0", mac4, IP_V4, &ifindex) == 0, "ensure");
	fail_unless(ifindex == (int)if_nametoindex("vm4-7-p0"), "ifindex %d", ifindex);
	assert_ours("vm4-7-p0", mac4, false);
	fail_unless(sysctl_int("ipv4", "vm4-7-p0", "arp_ignore") == 1, "arp_ignore");
	fail_unless(sysctl_int("ipv4", "vm4-7-p0", "arp_announce") == 2, "arp_announce");
	fail_unless(sysctl_int("ipv4", "vm4-7-p0", "rp_filter") == 2, "rp_filter");
	fail_unless(sysctl_int("ipv4", "vm4-7-p0", "arp_filter") == 0, "arp_filter");
	fail_unless(sysctl_int("ipv6", "vm4-7-p0", "disable_ipv6") == 1, "disable_ipv6");
	fail_unless(sysctl_int("ipv4", "p0", "arp_ignore") == 1, "parent arp_ignore");
	fail_unless(sysctl_int("ipv4", "p0", "arp_announce") == 2, "parent arp_announce");
	fail_unless(sysctl_int("ipv4", "p1", "arp_ignore") == 0, "p1 is not touched");
	fail_unless(sysctl_int("ipv4", "all", "arp_ignore") == 0, "all is not touched");

	fail_unless(vmac_link_ensure(sk, "p0", "vm6-7-p0", mac6, IP_V6, &ifindex) == 0, "ensure6");
	assert_ours("vm6-7-p0", mac6, false);
	fail_unless(sysctl_int("ipv6", "vm6-7-p0", "accept_dad") == 0, "accept_dad");
	fail_unless(sysctl_int("ipv6", "vm6-7-p0", "accept_ra") == 0, "accept_ra");
	fail_unless(sysctl_int("ipv6", "vm6-7-p0", "disable_ipv6") == 0, "IPv6 kept");
}

static void test_listed_by_alias(void **state)
{
	char names[8][16];
	size_t n = 0;

	(void)state;
	fail_unless(vmac_link_list(sk, names, 8, &n) == 0, "list");
	fail_unless(n == 2, "%zu links listed, want vm4-7-p0 and vm6-7-p0", n);
	for (size_t i = 0; i < n; i++)
		fail_unless(strncmp(names[i], "vm", 2) == 0, "listed %s", names[i]);
}

static void test_up_down(void **state)
{
	(void)state;
	fail_unless(vmac_link_set_up(sk, "vm4-7-p0", true) == 0, "up");
	assert_ours("vm4-7-p0", mac4, true);
	fail_unless(vmac_link_set_up(sk, "vm4-7-p0", false) == 0, "down");
	assert_ours("vm4-7-p0", mac4, false);
	fail_unless(vmac_link_set_up(sk, "nosuch0", true) == -ENODEV, "missing link");
}

static void test_adopted_when_ours_made_again_when_not(void **state)
{
	int before = (int)if_nametoindex("vm4-7-p0"), ifindex = 0;
	const uint8_t other[6] = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x08};

	(void)state;
	fail_unless(vmac_link_set_up(sk, "vm4-7-p0", true) == 0, "up");
	fail_unless(vmac_link_ensure(sk, "p0", "vm4-7-p0", mac4, IP_V4, &ifindex) == 0, "adopt");
	fail_unless(ifindex == before, "adopted: ifindex %d, was %d", ifindex, before);
	assert_ours("vm4-7-p0", mac4, false); /* adopted down, as a backup's */
	fail_unless(vmac_link_ensure(sk, "p0", "vm4-7-p0", other, IP_V4, &ifindex) == 0, "replace");
	fail_unless(ifindex != before, "made again: ifindex %d", ifindex);
	assert_ours("vm4-7-p0", other, false);
	/* a link of that name that is no macvlan is someone else's: left alone */
	fail_unless(vmac_link_ensure(sk, "p0", "p1", mac4, IP_V4, &ifindex) == -EEXIST,
		    "not a macvlan");
	fail_unless(if_nametoindex("p1") > 0 && if_nametoindex("p0") > 0, "the veth is gone");
}

static void test_delete(void **state)
{
	(void)state;
	fail_unless(vmac_link_delete(sk, "vm4-7-p0") == 0, "delete");
	fail_unless(!get("vm4-7-p0"), "still there");
	fail_unless(vmac_link_delete(sk, "vm4-7-p0") == 0, "gone is success");
	fail_unless(vmac_link_ensure(sk, "nosuch0", "vm4-9-x", mac4, IP_V4, &(int){0}) == -ENODEV,
		    "missing parent");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_down_with_sysctls),
	    cmocka_unit_test(test_listed_by_alias),
	    cmocka_unit_test(test_up_down),
	    cmocka_unit_test(test_adopted_when_ours_made_again_when_not),
	    cmocka_unit_test(test_delete),
	};
	int rc;

	if (geteuid() != 0) {
		printf("SKIPPED: vmac_selftest needs root (a network namespace)\n");
		return SELFTEST_EXIT_SKIP;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIPPED: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return SELFTEST_EXIT_SKIP;
	}
	sk = nl_socket_alloc();
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0) {
		printf("netlink socket failed\n");
		return 1;
	}
	rc = veth_pair();
	if (rc < 0) {
		printf("SKIPPED: veth pair: %s\n", nl_geterror(rc));
		return SELFTEST_EXIT_SKIP;
	}
	rc = cmocka_run_group_tests_name("vmac_selftest", tests, NULL, NULL);
	nl_socket_free(sk);
	return selftest_exit_status(rc);
}
