/* The service probes' configuration checks (no root needed), and the
 * process probe on this very process: found by its comm, with its pid. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "check/svc_probe.h"

struct seen {
	struct event_base *base;
	int n;
	bool ok;
	char detail[SVC_DETAIL_MAX];
};

static void on_result(void *arg, bool ok, const char *detail)
{
	struct seen *s = arg;

	s->n++;
	s->ok = ok;
	snprintf(s->detail, sizeof(s->detail), "%s", detail);
	event_base_loopbreak(s->base);
}

static void refused(struct event_base *base, const struct svc_probe_cfg *cfg, const char *why)
{
	struct seen s = {.base = base};
	struct svc_probe *p;

	errno = 0;
	p = svc_probe_start(base, cfg, on_result, &s);
	if (p)
		fail_msg("accepted: %s", why);
	assert_int_equal(errno, EINVAL);
}

static struct ip_addr loopback(void)
{
	struct ip_addr a = {0};
	const char *why;

	assert_int_equal(ip_parse("127.0.0.1", false, &a, &why), 0);
	return a;
}

static void test_bad_configs(void **state)
{
	struct event_base *base = event_base_new();
	const char *rel[] = {"bin/check", NULL};
	const char *none[] = {NULL};
	struct svc_probe_cfg proc = {
	    .type = SVC_PROBE_PROCESS, .process = "x", .interval_ms = 100, .timeout_ms = 80};
	struct svc_probe_cfg tcp = {.type = SVC_PROBE_TCP,
				    .addr = loopback(),
				    .port = 80,
				    .interval_ms = 100,
				    .timeout_ms = 80};
	struct svc_probe_cfg http = tcp,
			     exec = {.type = SVC_PROBE_EXEC, .interval_ms = 100, .timeout_ms = 80};
	struct svc_probe_cfg c;

	(void)state;
	http.type = SVC_PROBE_HTTP;
	http.http_path = "/";
	http.expect = 200;
	c = proc, c.process = NULL, refused(base, &c, "process without a name");
	c = proc, c.process = "", refused(base, &c, "process with an empty name");
	c = proc, c.netns = "tenant", refused(base, &c, "process in a namespace");
	c = proc, c.interval_ms = 9, refused(base, &c, "interval below 10 ms");
	c = proc, c.timeout_ms = 0, refused(base, &c, "timeout 0");
	c = proc, c.type = (enum svc_probe_type)7, refused(base, &c, "no such type");
	c = tcp, c.port = 0, refused(base, &c, "port 0");
	c = tcp, c.addr.family = 0, refused(base, &c, "no address");
	c = http, c.expect = 99, refused(base, &c, "expect 99");
	c = http, c.expect = 600, refused(base, &c, "expect 600");
	c = http, c.http_path = "health", refused(base, &c, "a path without /");
	c = http, c.http_path = NULL, refused(base, &c, "no path");
	c = exec, refused(base, &c, "exec without argv");
	c = exec, c.argv = none, refused(base, &c, "exec with an empty argv");
	c = exec, c.argv = rel, refused(base, &c, "exec with a relative path");
	assert_null(svc_probe_start(base, &proc, NULL, NULL));
	assert_string_equal(svc_probe_type_name(SVC_PROBE_HTTP), "http");
	assert_string_equal(svc_probe_type_name((enum svc_probe_type)9), "invalid");
	event_base_free(base);
}

/* This process's comm is its executable's name, "test_svc_cfg". */
static void test_process_self(void **state)
{
	struct seen s = {.base = event_base_new()};
	struct svc_probe_cfg cfg = {.type = SVC_PROBE_PROCESS,
				    .process = "test_svc_cfg",
				    .interval_ms = 20,
				    .timeout_ms = 10};
	struct svc_probe *p;
	char want[64];

	(void)state;
	p = svc_probe_start(s.base, &cfg, on_result, &s);
	assert_non_null(p);
	event_base_dispatch(s.base);
	snprintf(want, sizeof(want), "test_svc_cfg pid %d", (int)getpid());
	assert_int_equal(s.n, 1);
	assert_true(s.ok);
	assert_string_equal(s.detail, want);
	svc_probe_stop(p);
	cfg.process = "test_svc_cf"; /* a prefix is not the name */
	p = svc_probe_start(s.base, &cfg, on_result, &s);
	assert_non_null(p);
	event_base_dispatch(s.base);
	assert_false(s.ok);
	assert_string_equal(s.detail, "test_svc_cf: no such process");
	svc_probe_stop(p);
	event_base_free(s.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_configs),
	    cmocka_unit_test(test_process_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
