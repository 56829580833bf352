/* src/daemon/leftovers.c: the namespaces vipd used are remembered in
 * CONTROL.netns and swept at start and by --cleanup with the own one and
 * the file's, whatever the file says now. The runtime runs in a fake
 * environment that only records which namespaces the sweep lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "vrrp/runtime_env.h"

struct fake {
	char listed[8][VRRP_RT_NETNS_MAX];
	size_t n_listed;
};

static int64_t fake_wall_ms(void *ctx)
{
	(void)ctx;
	return 0;
}

static bool fake_addr_tags(void *ctx)
{
	(void)ctx;
	return true;
}

static int fake_addr_list(void *ctx, const char *netns, int ifindex, struct vip_found **out,
			  size_t *n)
{
	struct fake *f = ctx;

	assert_int_equal(ifindex, 0); /* every interface */
	assert_true(f->n_listed < 8);
	snprintf(f->listed[f->n_listed++], VRRP_RT_NETNS_MAX, "%s", netns);
	*out = NULL;
	*n = 0;
	return 0;
}

static const struct vrrp_rt_env fake_env = {
    .wall_ms = fake_wall_ms, .addr_list = fake_addr_list, .addr_tags = fake_addr_tags};

struct fixture {
	struct daemon d;
	struct fake fake;
	char dir[64], sock[96], record[112];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/vipd-leftovers-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->sock, sizeof(fx->sock), "%s/vipd.sock", fx->dir);
	snprintf(fx->record, sizeof(fx->record), "%s.netns", fx->sock);
	fx->d.control_path = fx->sock;
	assert_int_equal(vrrp_rt_init_env(&fx->d.rt, NULL, &fake_env, &fx->fake), 0);
	fx->d.rt.log_level = VRRP_RT_LOG_ERR;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	vrrp_rt_done(&fx->d.rt);
	unlink(fx->record);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void spec_in(struct vrrp_inst_spec *s, const char *netns)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(
	    vrrp_inst_spec_set_names(s, "eth0/master/ipv4/vrrp", "eth0", "eth0", netns, ""), 0);
}

static void sweep(struct fixture *fx, const struct vrrp_inst_spec *specs, size_t n)
{
	fx->fake.n_listed = 0;
	assert_int_equal(daemon_remove_leftovers(&fx->d, specs, n), 0);
}

static bool swept(const struct fixture *fx, const char *netns)
{
	for (size_t i = 0; i < fx->fake.n_listed; i++)
		if (strcmp(fx->fake.listed[i], netns) == 0)
			return true;
	return false;
}

static void test_a_namespace_dropped_from_the_file_is_still_swept(void **state)
{
	struct fixture *fx = *state;
	struct vrrp_inst_spec *old = calloc(3, sizeof(*old)), *now = calloc(1, sizeof(*now));

	assert_true(old && now);
	spec_in(&old[0], "tenant-a");
	spec_in(&old[1], "tenant-b");
	spec_in(&old[2], "tenant-a");
	spec_in(&now[0], "");

	/* the first start: nothing remembered yet */
	sweep(fx, old, 3);
	assert_int_equal(fx->fake.n_listed, 3); /* "", tenant-a, tenant-b: each once */
	daemon_remember_netns(&fx->d, old, 3, false);
	assert_int_equal(access(fx->record, F_OK), 0);

	/* crash; the file no longer names them: swept all the same */
	sweep(fx, now, 1);
	assert_int_equal(fx->fake.n_listed, 3);
	assert_true(swept(fx, "") && swept(fx, "tenant-a") && swept(fx, "tenant-b"));

	/* started with the new file: nothing to remember, the record goes */
	daemon_remember_netns(&fx->d, now, 1, false);
	assert_int_not_equal(access(fx->record, F_OK), 0);
	sweep(fx, now, 1);
	assert_int_equal(fx->fake.n_listed, 1);
	vrrp_rt_specs_free(old, 3);
	vrrp_rt_specs_free(now, 1);
}

static void test_a_reload_adds_to_what_is_remembered(void **state)
{
	struct fixture *fx = *state;
	struct vrrp_inst_spec *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	assert_true(a && b);
	spec_in(&a[0], "tenant-a");
	spec_in(&b[0], "tenant-b");
	daemon_remember_netns(&fx->d, a, 1, false); /* start */
	daemon_remember_netns(&fx->d, b, 1, true);  /* reload: tenant-a may still hold VIPs */
	sweep(fx, NULL, 0);
	assert_true(swept(fx, "tenant-a") && swept(fx, "tenant-b"));
	vrrp_rt_specs_free(a, 1);
	vrrp_rt_specs_free(b, 1);
}

static void test_a_bad_record_line_is_ignored(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen(fx->record, "w");

	assert_non_null(f);
	fputs("../../etc\n\ngood\n", f);
	fclose(f);
	sweep(fx, NULL, 0);
	assert_int_equal(fx->fake.n_listed, 2);
	assert_true(swept(fx, "") && swept(fx, "good"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_a_namespace_dropped_from_the_file_is_still_swept,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_reload_adds_to_what_is_remembered, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_bad_record_line_is_ignored, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
