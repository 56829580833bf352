/* Every model kind fills every hook of struct iface_kind, and the
 * registries find it by its type, its name and its netlink kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "model/kinds/kind.h"

static void test_every_hook(void **state)
{
	(void)state;
	for (int t = 0; t < IFACE_TYPE_COUNT; t++) {
		const struct iface_kind *k = iface_kind_get((enum iface_type)t);

		assert_non_null(k);
		assert_int_equal(k->type, t);
		assert_non_null(k->name);
		assert_non_null(k->summary);
		assert_non_null(k->check);
		assert_non_null(k->members);
		assert_non_null(k->ports_down);
		assert_non_null(k->pair_peer);
		assert_in_range(k->deletion_rank, 0, 2);
		assert_ptr_equal(iface_kind_by_name(k->name), k);
		if (k->netlink_kind)
			assert_string_equal(iface_kind_by_netlink(k->netlink_kind)->netlink_kind,
					    k->netlink_kind);
	}
	assert_null(iface_kind_by_netlink("dummy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
