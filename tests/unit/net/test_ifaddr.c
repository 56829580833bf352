/* The address requests of net/ifaddr.c, read back attribute by attribute,
 * and the IFA_PROTO fallback against a fake kernel. No root, no socket. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "net/ifaddr.h"
#include "net/netns.h"
#include "net/nl_util.h"
#include "plan/live.h"

#define TB_MAX (IFA_MAX > NLU_IFA_PROTO ? IFA_MAX : NLU_IFA_PROTO)

struct parsed {
	struct nlmsghdr hdr;
	struct ifaddrmsg ifa;
	struct nlattr *tb[TB_MAX + 1];
};

/* Parses m (kept alive by the caller) into p. */
static void parse(struct nl_msg *m, struct parsed *p)
{
	struct nlmsghdr *h = nlmsg_hdr(m);

	assert_non_null(m);
	p->hdr = *h;
	memcpy(&p->ifa, nlmsg_data(h), sizeof(p->ifa));
	assert_int_equal(nlmsg_parse(h, sizeof(p->ifa), p->tb, TB_MAX, NULL), 0);
}

static struct ip_addr addr(const char *text)
{
	struct ip_addr a;
	const char *why = NULL;

	assert_int_equal(ip_parse(text, true, &a, &why), 0);
	return a;
}

static void assert_addr_attr(const struct nlattr *a, const struct ip_addr *want)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), (int)ip_len(want));
	assert_memory_equal(nla_data(a), want->bytes, ip_len(want));
}

static void test_vip_v6(void **state)
{
	struct ifaddr_req r = {.ifindex = 7,
			       .addr = addr("2001:db8::10/64"),
			       .proto = VIPD_ADDR_PROTO_VIP,
			       .flags = IFA_F_NODAD,
			       .replace = true};
	struct nl_msg *m = ifaddr_new_msg(&r, true);
	struct parsed p;

	(void)state;
	parse(m, &p);
	assert_int_equal(p.hdr.nlmsg_type, RTM_NEWADDR);
	assert_int_equal(p.hdr.nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE | NLM_F_EXCL),
			 NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(p.ifa.ifa_family, AF_INET6);
	assert_int_equal(p.ifa.ifa_prefixlen, 64);
	assert_int_equal(p.ifa.ifa_index, 7);
	assert_int_equal(p.ifa.ifa_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(p.ifa.ifa_flags, IFA_F_NODAD);
	assert_addr_attr(p.tb[IFA_LOCAL], &r.addr);
	assert_addr_attr(p.tb[IFA_ADDRESS], &r.addr);
	assert_non_null(p.tb[NLU_IFA_PROTO]);
	assert_int_equal(nla_get_u8(p.tb[NLU_IFA_PROTO]), VIPD_ADDR_PROTO_VIP);
	assert_non_null(p.tb[IFA_FLAGS]);
	assert_int_equal(nla_get_u32(p.tb[IFA_FLAGS]), IFA_F_NODAD);
	assert_null(p.tb[IFA_BROADCAST]);
	nlmsg_free(m);
}

static void test_without_proto(void **state)
{
	struct ifaddr_req r = {.ifindex = 3, .addr = addr("192.0.2.10/24"), .proto = 0x56};
	struct nl_msg *m = ifaddr_new_msg(&r, false);
	struct parsed p;

	(void)state;
	parse(m, &p);
	assert_null(p.tb[NLU_IFA_PROTO]);
	assert_null(p.tb[IFA_FLAGS]);
	assert_int_equal(p.ifa.ifa_flags, 0);
	assert_int_equal(p.hdr.nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE | NLM_F_EXCL),
			 NLM_F_CREATE | NLM_F_EXCL);
	nlmsg_free(m);
}

static void test_broadcast(void **state)
{
	static const uint8_t brd[4] = {192, 0, 2, 63};
	struct ifaddr_req r = {.ifindex = 3, .addr = addr("192.0.2.10/26"), .broadcast = true};
	struct nl_msg *m = ifaddr_new_msg(&r, true);
	struct ifaddr_req p31 = {.ifindex = 3, .addr = addr("192.0.2.10/31"), .broadcast = true};
	struct nl_msg *m31 = ifaddr_new_msg(&p31, true);
	struct parsed p;

	(void)state;
	parse(m, &p);
	assert_int_equal(p.ifa.ifa_family, AF_INET);
	assert_int_equal(p.ifa.ifa_prefixlen, 26);
	assert_non_null(p.tb[IFA_BROADCAST]);
	assert_int_equal(nla_len(p.tb[IFA_BROADCAST]), 4);
	assert_memory_equal(nla_data(p.tb[IFA_BROADCAST]), brd, 4);
	assert_null(p.tb[NLU_IFA_PROTO]); /* proto 0: none even when allowed */
	nlmsg_free(m);
	parse(m31, &p); /* a point-to-point /31 has no broadcast address */
	assert_null(p.tb[IFA_BROADCAST]);
	nlmsg_free(m31);
}

static void test_del(void **state)
{
	struct ifaddr_req r = {.ifindex = 9,
			       .addr = addr("2001:db8::10/64"),
			       .proto = VIPD_ADDR_PROTO_VIP,
			       .flags = IFA_F_NODAD,
			       .replace = true,
			       .broadcast = true};
	struct nl_msg *m = ifaddr_del_msg(&r);
	struct parsed p;

	(void)state;
	parse(m, &p);
	assert_int_equal(p.hdr.nlmsg_type, RTM_DELADDR);
	assert_int_equal(p.hdr.nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE | NLM_F_EXCL), 0);
	assert_int_equal(p.ifa.ifa_index, 9);
	assert_int_equal(p.ifa.ifa_prefixlen, 64);
	assert_int_equal(p.ifa.ifa_flags, 0);
	assert_addr_attr(p.tb[IFA_LOCAL], &r.addr);
	assert_null(p.tb[NLU_IFA_PROTO]);
	assert_null(p.tb[IFA_FLAGS]);
	nlmsg_free(m);
}

/* ---- the fallback ---- */

/* A kernel that answers from a script: one errno per request, in order, and
 * notes whether each request carried IFA_PROTO. */
struct fake_kernel {
	int answers[4];
	bool had_proto[4];
	int n;
};

static int fake_send(void *arg, struct nl_msg *msg)
{
	struct fake_kernel *k = arg;
	struct parsed p;

	assert_true(k->n < 4);
	parse(msg, &p);
	k->had_proto[k->n] = p.tb[NLU_IFA_PROTO] != NULL;
	nlmsg_free(msg);
	return k->answers[k->n++];
}

static const struct ifaddr_req tagged = {
    .ifindex = 2, .addr = {.family = IP_V4, .plen = 24, .bytes = {192, 0, 2, 1}}, .proto = 0x57};

static void test_fallback_remembered(void **state)
{
	struct net_ctx ctx = {.own_fd = -1};
	struct fake_kernel k = {.answers = {-EINVAL, 0, 0}};

	(void)state;
	assert_int_equal(ifaddr_add_via(&ctx, &tagged, fake_send, &k), 0);
	assert_int_equal(k.n, 2);
	assert_true(k.had_proto[0]);
	assert_false(k.had_proto[1]);
	assert_true(ctx.no_ifa_proto);
	/* from now on without IFA_PROTO at the first try */
	assert_int_equal(ifaddr_add_via(&ctx, &tagged, fake_send, &k), 0);
	assert_int_equal(k.n, 3);
	assert_false(k.had_proto[2]);
}

static void test_fallback_eopnotsupp(void **state)
{
	struct net_ctx ctx = {.own_fd = -1};
	struct fake_kernel k = {.answers = {-EOPNOTSUPP, 0}};

	(void)state;
	assert_int_equal(ifaddr_add_via(&ctx, &tagged, fake_send, &k), 0);
	assert_int_equal(k.n, 2);
	assert_true(ctx.no_ifa_proto);
}

/* A request that fails without IFA_PROTO too (a bad address) keeps it on. */
static void test_fallback_not_helping(void **state)
{
	struct net_ctx ctx = {.own_fd = -1};
	struct fake_kernel k = {.answers = {-EINVAL, -EINVAL}};

	(void)state;
	assert_int_equal(ifaddr_add_via(&ctx, &tagged, fake_send, &k), -EINVAL);
	assert_int_equal(k.n, 2);
	assert_false(ctx.no_ifa_proto);
}

/* Other errors are the answer: no second request. */
static void test_no_retry_on_other_errors(void **state)
{
	struct net_ctx ctx = {.own_fd = -1};
	struct fake_kernel k = {.answers = {-EEXIST}};
	struct ifaddr_req untagged = tagged;

	(void)state;
	assert_int_equal(ifaddr_add_via(&ctx, &tagged, fake_send, &k), -EEXIST);
	assert_int_equal(k.n, 1);
	assert_false(ctx.no_ifa_proto);
	/* nor without a tag to leave out */
	untagged.proto = 0;
	k = (struct fake_kernel){.answers = {-EINVAL}};
	assert_int_equal(ifaddr_add_via(&ctx, &untagged, fake_send, &k), -EINVAL);
	assert_int_equal(k.n, 1);
	assert_false(k.had_proto[0]);
	assert_false(ctx.no_ifa_proto);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vip_v6),
	    cmocka_unit_test(test_without_proto),
	    cmocka_unit_test(test_broadcast),
	    cmocka_unit_test(test_del),
	    cmocka_unit_test(test_fallback_remembered),
	    cmocka_unit_test(test_fallback_eopnotsupp),
	    cmocka_unit_test(test_fallback_not_helping),
	    cmocka_unit_test(test_no_retry_on_other_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
