/* The operational-state rule of the link check, on the flag and
 * IFLA_OPERSTATE combinations the kernel reports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/if.h>

#include "net/link_state.h"

#define RUNNING (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

static void test_oper_up(void **state)
{
	char why[96];

	(void)state;
	assert_true(link_state_up(RUNNING, IF_OPER_UP, why, sizeof(why)));
	assert_string_equal(why, "up");
}

static void test_admin_down(void **state)
{
	char why[96];

	(void)state;
	assert_false(link_state_up(0, IF_OPER_DOWN, why, sizeof(why)));
	assert_string_equal(why, "administratively down");
}

/* A VLAN over a bond without carrier, a veth whose peer is down: the
 * kernel stacks the state into the upper device. */
static void test_lower_layer_down(void **state)
{
	char why[96];

	(void)state;
	assert_false(link_state_up(IFF_UP, IF_OPER_LOWERLAYERDOWN, why, sizeof(why)));
	assert_string_equal(why, "no carrier (operstate lowerlayerdown)");
	assert_false(link_state_up(IFF_UP, IF_OPER_DOWN, why, sizeof(why)));
	assert_string_equal(why, "no carrier (operstate down)");
}

/* The carrier went (netif_carrier_off clears IFF_LOWER_UP at once) and
 * the kernel's linkwatch has not yet moved the operstate: down. */
static void test_carrier_lost_operstate_lagging(void **state)
{
	char why[96];

	(void)state;
	assert_false(link_state_up(IFF_UP | IFF_RUNNING, IF_OPER_UP, why, sizeof(why)));
	assert_string_equal(why, "no carrier (operstate up)");
}

static void test_dormant_with_carrier(void **state)
{
	char why[96];

	(void)state;
	assert_false(
	    link_state_up(IFF_UP | IFF_LOWER_UP | IFF_DORMANT, IF_OPER_DORMANT, why, sizeof(why)));
	assert_string_equal(why, "operstate dormant");
}

/* Drivers that never set an operational state: flags decide. */
static void test_unknown_operstate(void **state)
{
	char why[96];

	(void)state;
	assert_true(link_state_up(RUNNING, IF_OPER_UNKNOWN, why, sizeof(why)));
	assert_true(link_state_up(RUNNING, -1, NULL, 0));
	assert_false(link_state_up(IFF_UP | IFF_RUNNING, IF_OPER_UNKNOWN, why, sizeof(why)));
	assert_string_equal(why, "no carrier (operstate unknown)");
	assert_false(link_state_up(IFF_UP | IFF_LOWER_UP, -1, why, sizeof(why)));
	assert_string_equal(why, "operstate unknown");
}

static void test_operstate_names(void **state)
{
	(void)state;
	assert_string_equal(link_operstate_name(IF_OPER_UP), "up");
	assert_string_equal(link_operstate_name(IF_OPER_LOWERLAYERDOWN), "lowerlayerdown");
	assert_string_equal(link_operstate_name(IF_OPER_NOTPRESENT), "notpresent");
	assert_string_equal(link_operstate_name(-1), "invalid");
	assert_string_equal(link_operstate_name(42), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_oper_up),
	    cmocka_unit_test(test_admin_down),
	    cmocka_unit_test(test_lower_layer_down),
	    cmocka_unit_test(test_carrier_lost_operstate_lagging),
	    cmocka_unit_test(test_dormant_with_carrier),
	    cmocka_unit_test(test_unknown_operstate),
	    cmocka_unit_test(test_operstate_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
