/* The runtime's log never blocks the event loop (runtime_base.c,
 * util/logq.c): with the production environment and a real libevent loop,
 * a pipe whose reader stopped takes 10 MB of log lines at once; what does
 * not fit is dropped and counted, and once the reader drains the pipe the
 * loop writes what waited and one line says how many were dropped. No
 * root needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "vrrp/runtime.h"

#define LINE_BODY   100		       /* bytes of message per line */
#define TOTAL_BYTES (10 * 1024 * 1024) /* logged while the reader is stopped */

struct fixture {
	struct event_base *base;
	struct vrrp_rt rt;
	int rfd, wfd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int p[2];

	assert_non_null(f);
	f->base = event_base_new();
	assert_non_null(f->base);
	assert_int_equal(vrrp_rt_init(&f->rt, f->base), 0);
	assert_int_equal(pipe(p), 0);
	f->rfd = p[0];
	f->wfd = p[1];
	(void)fcntl(f->wfd, F_SETPIPE_SZ, 65536);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vrrp_rt_done(&f->rt);
	event_base_free(f->base);
	close(f->rfd);
	close(f->wfd);
	free(f);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Lines "... info: line NNNNNNN xxxx...": how many were logged. */
static long log_flood(struct vrrp_rt *rt)
{
	char pad[LINE_BODY];
	long n = 0;

	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (size_t bytes = 0; bytes < TOTAL_BYTES; bytes += LINE_BODY, n++)
		vrrp_rt_log(rt, VRRP_RT_LOG_INFO, "line %07ld %s", n, pad);
	return n;
}

struct drained {
	long lines;	   /* numbered lines read, whole and in order */
	long last;	   /* the last number read */
	long dropped_note; /* N of "N log lines dropped"; -1: none */
	bool note_last;	   /* the note came after every numbered line */
};

/* One read line: a numbered line (whole: its full pad) or the note. */
static void take_line(struct drained *d, const char *line)
{
	const char *msg = strstr(line, " info: line ");
	long n;

	if (msg) {
		char pad[LINE_BODY + 8];

		assert_int_equal(sscanf(msg, " info: line %ld %107s", &n, pad), 2);
		assert_int_equal(strlen(pad), LINE_BODY - 1);
		assert_true(n > d->last); /* in order, none twice */
		assert_true(d->dropped_note < 0);
		d->last = n;
		d->lines++;
		return;
	}
	msg = strstr(line, " warning: ");
	assert_non_null(msg);
	assert_int_equal(sscanf(msg, " warning: %ld log lines dropped", &n), 1);
	assert_true(d->dropped_note < 0); /* one note */
	d->dropped_note = n;
	d->note_last = true;
}

/* The reader wakes up: reads the pipe and runs the loop until nothing
 * more comes. */
static struct drained drain(struct fixture *f)
{
	struct drained d = {.last = -1, .dropped_note = -1};
	static char buf[1 << 20];
	size_t have = 0;
	int idle = 0;

	assert_int_equal(fcntl(f->rfd, F_SETFL, O_NONBLOCK), 0);
	while (idle < 50) {
		ssize_t r = read(f->rfd, buf + have, sizeof(buf) - have - 1);
		char *start = buf, *nl;

		event_base_loop(f->base, EVLOOP_NONBLOCK);
		if (r <= 0) {
			idle++;
			continue;
		}
		idle = 0;
		have += (size_t)r;
		buf[have] = '\0';
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			take_line(&d, start);
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
	}
	assert_int_equal(have, 0); /* no line cut */
	return d;
}

static void test_a_stopped_reader_does_not_block_and_drops_are_counted(void **state)
{
	struct fixture *f = *state;
	struct drained d;
	double t0, took;
	long total;

	assert_int_equal(vrrp_rt_log_to(&f->rt, f->wfd), 0);
	assert_true(fcntl(f->wfd, F_GETFL) & O_NONBLOCK);
	t0 = now_s();
	total = log_flood(&f->rt);
	took = now_s() - t0;
	assert_true(took < 2.0); /* a blocking write would never return */

	d = drain(f);
	/* the pipe (64 KiB) and the queue (256 KiB) held ~3,000 lines */
	assert_true(d.lines > 2000);
	assert_true(d.lines < total);
	assert_true(d.note_last);
	assert_int_equal(d.lines + d.dropped_note, total);
}

static void test_the_log_fd_is_put_back_as_it_was(void **state)
{
	struct fixture *f = *state;

	assert_false(fcntl(f->wfd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(vrrp_rt_log_to(&f->rt, f->wfd), 0);
	assert_true(fcntl(f->wfd, F_GETFL) & O_NONBLOCK);
	vrrp_rt_log(&f->rt, VRRP_RT_LOG_INFO, "one line");
	vrrp_rt_done(&f->rt);
	assert_false(fcntl(f->wfd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(vrrp_rt_init(&f->rt, f->base), 0); /* for teardown */
}

/* A reader that is gone (EPIPE) costs nothing either: every line is
 * dropped at once, and the loop is not woken for a descriptor that will
 * never take them. */
static void test_a_closed_reader_does_not_block_or_spin(void **state)
{
	struct fixture *f = *state;
	double t0;

	signal(SIGPIPE, SIG_IGN); /* as vipd does */
	assert_int_equal(vrrp_rt_log_to(&f->rt, f->wfd), 0);
	close(f->rfd);
	f->rfd = open("/dev/null", O_RDONLY);
	t0 = now_s();
	for (int i = 0; i < 10000; i++)
		vrrp_rt_log(&f->rt, VRRP_RT_LOG_INFO, "line %d", i);
	assert_true(now_s() - t0 < 2.0);
	/* nothing waits, so nothing is watched: the loop has no event left */
	assert_int_equal(event_base_loop(f->base, EVLOOP_NONBLOCK), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_a_stopped_reader_does_not_block_and_drops_are_counted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_the_log_fd_is_put_back_as_it_was, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_closed_reader_does_not_block_or_spin, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
