/* Every network kind fills every hook of struct net_kind, and the registry
 * finds each by its IFLA_INFO_KIND. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "net/kinds/net_kind.h"

static void test_every_hook(void **state)
{
	size_t n = 0;

	(void)state;
	for (const struct net_kind *nk; (nk = net_kind_at(n)); n++) {
		assert_non_null(nk->kind);
		assert_non_null(nk->alloc);
		assert_non_null(nk->request);
		assert_non_null(nk->finish_attrs);
		assert_non_null(nk->after_create);
		assert_non_null(nk->parse);
		assert_non_null(nk->resolve);
		assert_non_null(nk->undo_needs);
		assert_non_null(nk->recreate);
		assert_non_null(nk->set_primary);
	}
	assert_true(n >= 2);
	assert_ptr_equal(net_kind_at(n - 1), &net_kind_other);
}

static void test_registry(void **state)
{
	(void)state;
	for (size_t i = 0; net_kind_at(i) != &net_kind_other; i++)
		assert_ptr_equal(net_kind_get(net_kind_at(i)->kind), net_kind_at(i));
	assert_ptr_equal(net_kind_get("dummy"), &net_kind_other);
	assert_ptr_equal(net_kind_get(""), &net_kind_other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_hook),
	    cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
