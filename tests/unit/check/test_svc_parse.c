/* The pure parts of the service probes: the HTTP status line, the
 * /proc/PID/stat line, the process-name rule, the last line of output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check/svc_parse.h"

static int status_of(const char *text, unsigned *code)
{
	*code = 0;
	return svc_http_status(text, strlen(text), code);
}

static void test_status_line(void **state)
{
	unsigned code;

	(void)state;
	assert_int_equal(status_of("HTTP/1.1 200 OK\r\n", &code), 1);
	assert_int_equal(code, 200);
	assert_int_equal(status_of("HTTP/1.0 503 Service Unavailable\r\nServer: x\r\n", &code), 1);
	assert_int_equal(code, 503);
	assert_int_equal(status_of("HTTP/1.1 204\r\n", &code), 1); /* no reason phrase */
	assert_int_equal(code, 204);
	assert_int_equal(status_of("HTTP/1.1 404 Not Found\n", &code), 1); /* bare LF */
	assert_int_equal(code, 404);
	assert_int_equal(status_of("HTTP/2 301 Moved\r\n", &code), 1);
	assert_int_equal(code, 301);
}

static void test_status_line_incomplete(void **state)
{
	unsigned code;

	(void)state;
	assert_int_equal(status_of("", &code), 0);
	assert_int_equal(status_of("HTTP/1.1 20", &code), 0);
	assert_int_equal(status_of("HTTP/1.1 200 OK", &code), 0); /* no end of line yet */
}

static void test_status_line_bad(void **state)
{
	char long_line[400];
	unsigned code;

	(void)state;
	assert_int_equal(status_of("SSH-2.0-OpenSSH_9.2\r\n", &code), -1);
	assert_int_equal(status_of("HTTP/1.1 2000 OK\r\n", &code), -1);
	assert_int_equal(status_of("HTTP/1.1 20 OK\r\n", &code), -1);
	assert_int_equal(status_of("HTTP/1.1 099 Low\r\n", &code), -1);
	assert_int_equal(status_of("HTTP/1.1 600 High\r\n", &code), -1);
	assert_int_equal(status_of("HTTP/x.1 200 OK\r\n", &code), -1);
	assert_int_equal(status_of("http/1.1 200 OK\r\n", &code), -1);
	assert_int_equal(status_of("HTTP/1.1  200 OK\r\n", &code), -1);
	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	memcpy(long_line, "HTTP/1.1 ", 9); /* "HTTP/1.1 xxx...": never a full line */
	assert_int_equal(status_of(long_line, &code), -1);
}

static void test_proc_stat(void **state)
{
	const char *t1 = "4242 (haproxy) S 1 4242 4242 0 -1 4194560";
	const char *t2 = "77 (a (weird) name) Z 1 77";
	const char *t3 = "99 (probes13verylong) R 1";
	char comm[16], st = 0;

	(void)state;
	assert_int_equal(svc_proc_stat(t1, strlen(t1), comm, sizeof(comm), &st), 0);
	assert_string_equal(comm, "haproxy");
	assert_int_equal(st, 'S');
	assert_int_equal(svc_proc_stat(t2, strlen(t2), comm, sizeof(comm), &st), 0);
	assert_string_equal(comm, "a (weird) name");
	assert_int_equal(st, 'Z');
	assert_int_equal(svc_proc_stat(t3, strlen(t3), comm, 9, &st), 0); /* cut to 8 */
	assert_string_equal(comm, "probes13");
	assert_int_equal(st, 'R');
	assert_int_equal(svc_proc_stat("42 haproxy S", 12, comm, sizeof(comm), &st), -1);
	assert_int_equal(svc_proc_stat("42 (haproxy)", 12, comm, sizeof(comm), &st), -1);
}

static void test_comm_match(void **state)
{
	(void)state;
	assert_true(svc_comm_match("haproxy", "haproxy", NULL));
	assert_false(svc_comm_match("haproxy", "haproxy2", NULL));
	assert_false(svc_comm_match("haproxy", "hapr", NULL));
	assert_false(svc_comm_match("", "", NULL));
	/* the kernel keeps 15 bytes of the name: the rest is argv[0]'s */
	assert_false(svc_comm_needs_argv0("haproxy", "haproxy"));
	assert_true(svc_comm_needs_argv0("check-service-long", "check-service-l"));
	assert_true(svc_comm_match("check-service-long", "check-service-l",
				   "/usr/local/bin/check-service-long"));
	assert_true(svc_comm_match("check-service-long", "check-service-l", "check-service-long"));
	assert_false(svc_comm_match("check-service-long", "check-service-l",
				    "/usr/local/bin/check-service-longer"));
	assert_false(svc_comm_match("check-service-long", "check-service-l", NULL));
	assert_false(svc_comm_match("check-service-long", "check-service", "check-service-long"));
}

static void test_last_line(void **state)
{
	struct svc_lines l;
	char big[300];

	(void)state;
	svc_lines_init(&l);
	assert_string_equal(svc_lines_last(&l), "");
	svc_lines_feed(&l, "first\nsec", 9);
	svc_lines_feed(&l, "ond line\r\n\n  \n", 14);
	assert_string_equal(svc_lines_last(&l), "second line");
	svc_lines_feed(&l, "no newline at the end", 21);
	assert_string_equal(svc_lines_last(&l), "no newline at the end");
	svc_lines_feed(&l, "bell\a!\n", 7);
	assert_string_equal(svc_lines_last(&l), "bell?!");
	memset(big, 'y', sizeof(big));
	svc_lines_feed(&l, big, sizeof(big));
	svc_lines_feed(&l, "\n", 1);
	assert_int_equal(strlen(svc_lines_last(&l)), SVC_LINE_MAX);
	assert_int_equal(l.total, 9 + 14 + 21 + 7 + sizeof(big) + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_line),	    cmocka_unit_test(test_status_line_incomplete),
	    cmocka_unit_test(test_status_line_bad), cmocka_unit_test(test_proc_stat),
	    cmocka_unit_test(test_comm_match),	    cmocka_unit_test(test_last_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
