/* svc_selftest -- the service probes (process, tcp, http, exec) against a
 * real kernel.
 *
 * Usage: svc_selftest [-v]
 *
 * Runs as root. A namespace probes13-<pid>n (and its veth peer
 * probes13-<pid>g: 192.0.2.11 / .1), named in a private mount namespace
 * with its own /run/netns, so it disappears with the process however it
 * ends; a scratch folder under /tmp for the commands and the copies of
 * sleep whose names the process probe looks for. Each phase is a cmocka
 * test:
 *   process  not there / found / a zombie is not alive / restarted with a
 *            new pid is found again / a name longer than comm keeps
 *   tcp      open and refused inside the namespace (the same port is
 *            refused from ours), filtered (a neighbour that never answers)
 *            fails at its timeout, IPv6
 *   http     200 as expected (request line and Host checked at the
 *            server), 503 against expect 200, 503 as expected, a server
 *            that never answers fails at its timeout
 *   exec     exit 0 with its output's last line, exit 1, a path that does
 *            not exist, runs as nobody (the uid it prints), in the
 *            namespace (the namespace it sees), a hanging command killed
 *            at its timeout with its whole process group, attempts that
 *            never overlap, and a 100 ms timer of the same loop that keeps
 *            its time while an exec hangs; with SIGCHLD ignored (the
 *            kernel reaps) the status is lost, said so, no busy loop.
 *   all      a result callback that stops its own probe, for each type and
 *            for a result at the timeout: one result, nothing after.
 * Ends with cmocka's summary; exits 0, 1 on failures, 77 when it cannot
 * run here. */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "check/check_io.h"
#include "check/svc_probe.h"
#include "svc_st.h"
#include "util/spawn.h"

#define PORT_OPEN   8080
#define PORT_CLOSED 8081
#define MAX_KIDS    8

/* The group's state: the kernel fixture and what the running test owns
 * (its teardown stops it, so a failed assertion leaks nothing). */
struct st {
	struct ck ck;
	struct svc_probe *probe;
	struct st_results r;
	struct st_http http;
	int lfd;
	struct spawn_proc kids[MAX_KIDS];
	int n_kids;
};

static bool verbose;

static struct ip_addr ip(const char *text)
{
	struct ip_addr a = {0};
	const char *why;

	if (ip_parse(text, false, &a, &why) < 0)
		abort(); /* the test's own constants */
	return a;
}

/* Starts s's probe with cfg (interval and timeout given), results into s->r. */
static void probe_start(struct st *s, struct svc_probe_cfg *cfg)
{
	s->r = (struct st_results){.t = &s->ck};
	if (!cfg->ctx)
		cfg->ctx = &s->ck.ctx;
	s->probe = svc_probe_start(s->ck.base, cfg, st_on_result, &s->r);
	fail_unless(s->probe, "svc_probe_start: %s", strerror(errno));
}

static void probe_stop(struct st *s)
{
	svc_probe_stop(s->probe);
	s->probe = NULL;
}

/* Waits for the next result and checks it: ok as wanted, its detail
 * holding `part`. */
#define expect_result(s, want_ok, part)                                                            \
	do {                                                                                       \
		int n_ = (s)->r.n + 1, i_;                                                         \
		fail_unless(st_wait(&(s)->r, n_, 3000), "no result within 3 s");                   \
		i_ = st_last(&(s)->r);                                                             \
		fail_unless((s)->r.ok[i_] == (want_ok) && strstr((s)->r.detail[i_], (part)),       \
			    "result %d: %s \"%s\", wanted %s with \"%s\"", n_,                     \
			    (s)->r.ok[i_] ? "ok" : "fail", (s)->r.detail[i_],                      \
			    (want_ok) ? "ok" : "fail", (part));                                    \
	} while (0)

/* A copy of sleep named `name`, running (it has exec'd when this returns). */
static pid_t kid_start(struct st *s, const char *name)
{
	const char *argv[] = {st_path(name), "60", NULL};
	struct spawn_req req = {.argv = argv};
	struct spawn_proc *k = &s->kids[s->n_kids];
	int err;

	fail_unless(s->n_kids < MAX_KIDS, "too many children");
	err = spawn_start(&req, k);
	fail_unless(err == 0, "spawn %s: %s", argv[0], strerror(-err));
	s->n_kids++;
	return k->pid;
}

/* Killed, left a zombie (not reaped). */
static void kid_kill(struct spawn_proc *k)
{
	struct timespec ts = {0, 1000000};

	spawn_kill(k);
	for (int i = 0; i < 1000 && !st_pid_gone(k->pid); i++)
		nanosleep(&ts, NULL);
}

static void kid_reap(struct spawn_proc *k)
{
	if (k->pid > 0) {
		spawn_kill(k);
		waitpid(k->pid, NULL, 0);
		k->pid = 0;
	}
	spawn_close_fds(k);
}

/* ---- process ---- */

static struct svc_probe_cfg process_cfg(const char *name)
{
	return (struct svc_probe_cfg){
	    .type = SVC_PROBE_PROCESS, .process = name, .interval_ms = 50, .timeout_ms = 40};
}

static void test_process(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = process_cfg("probes13sleep");
	char want[64];
	pid_t a, b;

	assert_true(st_sleep_copy("probes13sleep"));
	probe_start(s, &cfg);
	expect_result(s, false, "probes13sleep: no such process");
	a = kid_start(s, "probes13sleep");
	snprintf(want, sizeof(want), "probes13sleep pid %d", (int)a);
	expect_result(s, true, want);
	expect_result(s, true, want); /* held by its pidfd */
	/* killed and not reaped: a zombie of that name is not alive */
	kid_kill(&s->kids[0]);
	snprintf(want, sizeof(want), "/proc/%d", (int)a);
	fail_unless(access(want, F_OK) == 0 && st_pid_gone(a), "pid %d is not a zombie", (int)a);
	expect_result(s, false, "no such process");
	expect_result(s, false, "no such process");
	/* restarted: a new pid, found again */
	kid_reap(&s->kids[0]);
	b = kid_start(s, "probes13sleep");
	fail_unless(b != a, "same pid %d", (int)a);
	snprintf(want, sizeof(want), "probes13sleep pid %d", (int)b);
	expect_result(s, true, want);
	print_message("process: pid %d gone, pid %d found\n", (int)a, (int)b);
}

/* The kernel keeps 15 bytes of the name; the rest is matched on argv[0]. */
static void test_process_long_name(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = process_cfg("probes13-long-sleeper");
	struct svc_probe_cfg other = process_cfg("probes13-long-sleepers");
	char want[64];
	pid_t a;

	assert_true(st_sleep_copy("probes13-long-sleeper"));
	a = kid_start(s, "probes13-long-sleeper");
	snprintf(want, sizeof(want), "probes13-long-sleeper pid %d", (int)a);
	probe_start(s, &cfg);
	expect_result(s, true, want);
	probe_stop(s);
	/* the same 15-byte comm, another name */
	probe_start(s, &other);
	expect_result(s, false, "no such process");
}

/* ---- tcp ---- */

static struct svc_probe_cfg tcp_cfg(struct st *s, const char *addr, uint16_t port)
{
	return (struct svc_probe_cfg){.type = SVC_PROBE_TCP,
				      .netns = s->ck.node,
				      .addr = ip(addr),
				      .port = port,
				      .interval_ms = 100,
				      .timeout_ms = 200};
}

static void test_tcp(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg open = tcp_cfg(s, "127.0.0.1", PORT_OPEN);
	struct svc_probe_cfg closed = tcp_cfg(s, "127.0.0.1", PORT_CLOSED);
	struct svc_probe_cfg ours = tcp_cfg(s, "127.0.0.1", PORT_OPEN);

	s->lfd = st_listen(&s->ck, s->ck.node, "127.0.0.1", PORT_OPEN);
	assert_true(s->lfd >= 0);
	probe_start(s, &open);
	expect_result(s, true, "127.0.0.1:8080 open");
	expect_result(s, true, "127.0.0.1:8080 open");
	probe_stop(s);
	probe_start(s, &closed);
	expect_result(s, false, "127.0.0.1:8081 refused");
	probe_stop(s);
	/* the listener is in the namespace: from ours, nothing is there */
	ours.netns = "";
	probe_start(s, &ours);
	expect_result(s, false, "127.0.0.1:8080 refused");
}

/* A neighbour whose MAC nobody has: the SYN leaves, no answer comes. */
static void test_tcp_filtered(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = tcp_cfg(s, "192.0.2.99", 80);
	uint64_t t0;

	assert_true(ck_veth_reset(&s->ck));
	ck_must(&s->ck,
		"ip -n %s neigh replace 192.0.2.99 lladdr 02:00:00:00:99:99 dev ck0 nud permanent",
		s->ck.node);
	cfg.interval_ms = 1000;
	cfg.timeout_ms = 300;
	t0 = check_now_ms();
	probe_start(s, &cfg);
	expect_result(s, false, "192.0.2.99:80 no answer within 300 ms");
	fail_unless(s->r.at_ms[0] - t0 >= 290 && s->r.at_ms[0] - t0 < 400,
		    "result after %" PRIu64 " ms, timeout 300", s->r.at_ms[0] - t0);
}

static void test_tcp_ipv6(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = tcp_cfg(s, "::1", PORT_OPEN);

	s->lfd = st_listen(&s->ck, s->ck.node, "::1", PORT_OPEN);
	assert_true(s->lfd >= 0);
	probe_start(s, &cfg);
	expect_result(s, true, "[::1]:8080 open");
	probe_stop(s);
	cfg.port = PORT_CLOSED;
	probe_start(s, &cfg);
	expect_result(s, false, "[::1]:8081 refused");
}

/* ---- http ---- */

static struct svc_probe_cfg http_cfg(struct st *s, uint32_t expect)
{
	return (struct svc_probe_cfg){.type = SVC_PROBE_HTTP,
				      .netns = s->ck.node,
				      .addr = ip("127.0.0.1"),
				      .port = PORT_OPEN,
				      .http_path = "/health",
				      .http_host = "127.0.0.1:8080",
				      .expect = expect,
				      .interval_ms = 100,
				      .timeout_ms = 200};
}

static void http_serve(struct st *s, unsigned status, bool hang)
{
	s->lfd = st_listen(&s->ck, s->ck.node, "127.0.0.1", PORT_OPEN);
	assert_true(s->lfd >= 0);
	assert_true(st_http_start(&s->ck, &s->http, s->lfd, status, hang));
	s->lfd = -1; /* the responder's now */
}

static void test_http_200(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = http_cfg(s, 200);

	http_serve(s, 200, false);
	probe_start(s, &cfg);
	expect_result(s, true, "GET /health -> 200");
	expect_result(s, true, "GET /health -> 200");
	fail_unless(strcmp(s->http.request_line, "GET /health HTTP/1.0") == 0,
		    "request line \"%s\"", s->http.request_line);
	fail_unless(strcmp(s->http.host, "127.0.0.1:8080") == 0, "Host \"%s\"", s->http.host);
	fail_unless(s->http.conns >= 2, "%d connections", s->http.conns);
}

static void test_http_503(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = http_cfg(s, 200);
	struct svc_probe_cfg want_503 = http_cfg(s, 503);

	http_serve(s, 503, false);
	probe_start(s, &cfg);
	expect_result(s, false, "GET /health -> 503 (expect 200)");
	probe_stop(s);
	probe_start(s, &want_503);
	expect_result(s, true, "GET /health -> 503");
}

static void test_http_hang(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = http_cfg(s, 200);
	uint64_t t0;

	http_serve(s, 200, true);
	cfg.interval_ms = 1000;
	cfg.timeout_ms = 300;
	t0 = check_now_ms();
	probe_start(s, &cfg);
	expect_result(s, false, "no answer within 300 ms");
	fail_unless(s->r.at_ms[0] - t0 >= 290 && s->r.at_ms[0] - t0 < 400,
		    "result after %" PRIu64 " ms, timeout 300", s->r.at_ms[0] - t0);
}

static void test_http_refused(void **state)
{
	struct st *s = *state;
	struct svc_probe_cfg cfg = http_cfg(s, 200);

	cfg.port = PORT_CLOSED;
	probe_start(s, &cfg);
	expect_result(s, false, "GET /health at 127.0.0.1:8081: connect refused");
}

/* ---- exec ---- */

static struct svc_probe_cfg exec_cfg(const char *const *argv)
{
	return (struct svc_probe_cfg){
	    .type = SVC_PROBE_EXEC, .argv = argv, .interval_ms = 500, .timeout_ms = 400};
}

static void test_exec_exit(void **state)
{
	struct st *s = *state;
	const char *ok_argv[] = {"/bin/sh", "-c", "echo first; echo all good", NULL};
	const char *bad_argv[] = {"/bin/sh", "-c", "echo not good >&2; exit 1", NULL};
	struct svc_probe_cfg ok = exec_cfg(ok_argv), bad = exec_cfg(bad_argv);

	probe_start(s, &ok);
	expect_result(s, true, "exec exited 0: all good");
	probe_stop(s);
	probe_start(s, &bad);
	expect_result(s, false, "exec exited 1: not good");
}

static void test_exec_missing(void **state)
{
	struct st *s = *state;
	const char *argv[] = {"/nonexistent/probes13-check", NULL};
	struct svc_probe_cfg cfg = exec_cfg(argv);
	const char *relative[] = {"probes13-check", NULL};
	struct svc_probe_cfg rel = exec_cfg(relative);

	probe_start(s, &cfg);
	expect_result(s, false, "exec /nonexistent/probes13-check: No such file or directory");
	/* no PATH search: a relative path is refused at the start */
	fail_unless(!svc_probe_start(s->ck.base, &rel, st_on_result, &s->r) && errno == EINVAL,
		    "relative argv[0] accepted");
}

static void test_exec_user(void **state)
{
	struct st *s = *state;
	const char *argv[] = {"/usr/bin/id", "-u", NULL};
	struct svc_probe_cfg cfg = exec_cfg(argv);
	struct passwd *nobody = getpwnam("nobody");
	char want[64];

	assert_non_null(nobody);
	snprintf(want, sizeof(want), "exec exited 0: %u", (unsigned)nobody->pw_uid);
	probe_start(s, &cfg); /* no user: nobody */
	expect_result(s, true, want);
	probe_stop(s);
	cfg.user = "root";
	probe_start(s, &cfg);
	expect_result(s, true, "exec exited 0: 0");
	probe_stop(s);
	cfg.user = "probes13-no-such-user";
	probe_start(s, &cfg);
	expect_result(s, false, "exec /usr/bin/id: user lookup: No such file or directory");
}

static void test_exec_netns(void **state)
{
	struct st *s = *state;
	const char *argv[] = {"/usr/bin/readlink", "/proc/self/ns/net", NULL};
	struct svc_probe_cfg cfg = exec_cfg(argv);
	char path[128], want[64];
	struct stat st;

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", s->ck.node);
	assert_int_equal(stat(path, &st), 0);
	snprintf(want, sizeof(want), "exec exited 0: net:[%lu]", (unsigned long)st.st_ino);
	cfg.netns = s->ck.node;
	probe_start(s, &cfg);
	expect_result(s, true, want);
	probe_stop(s);
	cfg.netns = "probes13-no-such-ns";
	probe_start(s, &cfg);
	expect_result(s, false, "exec /usr/bin/readlink: namespace: No such file or directory");
}

/* The pid a command wrote into file (0: none). */
static pid_t pid_in(const char *file)
{
	FILE *f = fopen(file, "r");
	int pid = 0;

	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* A command that hangs, with a child of its own in its group: both are
 * gone after the kill at the timeout. */
static void test_exec_hang(void **state)
{
	struct st *s = *state;
	char script[256];
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct svc_probe_cfg cfg = exec_cfg(argv);
	pid_t sh, kid;
	uint64_t t0;

	snprintf(script, sizeof(script),
		 "echo $$ > %s; /bin/sleep 30 & echo $! > %s; echo waiting; wait",
		 st_path("sh.pid"), st_path("kid.pid"));
	cfg.interval_ms = 2000;
	cfg.timeout_ms = 500;
	t0 = check_now_ms();
	probe_start(s, &cfg);
	expect_result(s, false, "exec killed at its 500 ms timeout: waiting");
	fail_unless(s->r.at_ms[0] - t0 >= 490 && s->r.at_ms[0] - t0 < 600,
		    "result after %" PRIu64 " ms, timeout 500", s->r.at_ms[0] - t0);
	sh = pid_in(st_path("sh.pid"));
	kid = pid_in(st_path("kid.pid"));
	fail_unless(sh > 0 && kid > 0, "pids %d %d", (int)sh, (int)kid);
	ck_run(&s->ck, 200); /* the loop reaps it */
	fail_unless(st_pid_gone(sh), "the command %d still runs", (int)sh);
	fail_unless(st_pid_gone(kid), "its child %d still runs", (int)kid);
	fail_unless(s->r.n == 1, "%d results", s->r.n);
	print_message("exec hang: killed after %" PRIu64 " ms, group gone\n", s->r.at_ms[0] - t0);
}

/* timeout == interval on a command that always hangs: one result per
 * interval, each a kill at the timeout; never two at once (a counter file
 * shows how many ran). */
static void test_exec_no_overlap(void **state)
{
	struct st *s = *state;
	char script[256];
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct svc_probe_cfg cfg = exec_cfg(argv);
	FILE *f;
	int started = 0, pid;
	pid_t pids[16];

	snprintf(script, sizeof(script), "echo $$ >> %s; exec /bin/sleep 30", st_path("runs"));
	cfg.interval_ms = 200;
	cfg.timeout_ms = 200;
	probe_start(s, &cfg);
	assert_true(st_wait(&s->r, 5, 3000));
	probe_stop(s);
	for (int i = 0; i < 5; i++)
		fail_unless(!s->r.ok[i] && strstr(s->r.detail[i], "killed at its 200 ms timeout"),
			    "result %d: %s", i + 1, s->r.detail[i]);
	for (int i = 1; i < 5; i++)
		fail_unless(s->r.at_ms[i] - s->r.at_ms[i - 1] >= 150,
			    "results %d and %d %" PRIu64 " ms apart", i, i + 1,
			    s->r.at_ms[i] - s->r.at_ms[i - 1]);
	f = fopen(st_path("runs"), "r");
	assert_non_null(f);
	while (started < 16 && fscanf(f, "%d", &pid) == 1)
		pids[started++] = pid;
	fclose(f);
	fail_unless(started == 5 || started == 6, "%d commands started for 5 results", started);
	ck_run(&s->ck, 100); /* the one stopped is reaped from the loop */
	for (int i = 0; i < started; i++)
		fail_unless(st_pid_gone(pids[i]), "command %d (pid %d) still runs", i + 1,
			    (int)pids[i]);
}

struct latency {
	struct event *ev;
	uint64_t due_ms, max_late_ms;
	int fired;
};

static void on_latency(evutil_socket_t fd, short what, void *arg)
{
	struct latency *l = arg;
	uint64_t now = check_now_ms();

	(void)fd;
	(void)what;
	if (now > l->due_ms && now - l->due_ms > l->max_late_ms)
		l->max_late_ms = now - l->due_ms;
	l->fired++;
	l->due_ms += 100;
}

/* While an exec hangs (and is killed at 1.5 s, and started again), a
 * 100 ms timer of the same loop keeps its time. */
static void test_exec_loop_latency(void **state)
{
	struct st *s = *state;
	const char *argv[] = {"/bin/sleep", "30", NULL};
	struct svc_probe_cfg cfg = exec_cfg(argv);
	struct timeval tv = {0, 100000};
	struct latency l = {0};

	cfg.interval_ms = 2000;
	cfg.timeout_ms = 1500;
	probe_start(s, &cfg);
	l.ev = event_new(s->ck.base, -1, EV_PERSIST, on_latency, &l);
	l.due_ms = check_now_ms() + 100;
	event_add(l.ev, &tv);
	ck_run(&s->ck, 2500);
	event_free(l.ev);
	print_message("loop latency: %d ticks of 100 ms, max lateness %" PRIu64 " ms, results %d\n",
		      l.fired, l.max_late_ms, s->r.n);
	fail_unless(s->r.n == 1 && !s->r.ok[0], "%d results, wanted the one kill", s->r.n);
	fail_unless(l.fired >= 23, "%d ticks in 2.5 s", l.fired);
	fail_unless(l.max_late_ms < 30, "a 100 ms timer %" PRIu64 " ms late", l.max_late_ms);
}

static double self_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

/* A process that ignores SIGCHLD has its children reaped by the kernel:
 * the probe cannot learn the exit status, says so, and does not spin on
 * the pidfd (one result per interval). */
static void test_exec_sigchld_ignored(void **state)
{
	struct st *s = *state;
	const char *argv[] = {"/bin/true", NULL};
	struct svc_probe_cfg cfg = exec_cfg(argv);
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	double cpu;

	cfg.interval_ms = 100;
	cfg.timeout_ms = 80;
	sigaction(SIGCHLD, &ign, &old);
	cpu = self_cpu_ms();
	probe_start(s, &cfg);
	ck_run(&s->ck, 450);
	probe_stop(s);
	cpu = self_cpu_ms() - cpu;
	sigaction(SIGCHLD, &old, NULL);
	fail_unless(cpu < 150, "%.0f ms of CPU in 450 ms: a busy loop", cpu);
	fail_unless(s->r.n >= 3 && s->r.n <= 5, "%d results in 450 ms at 100 ms", s->r.n);
	fail_unless(!s->r.ok[0] && strstr(s->r.detail[0], "exec ended, its exit status lost"),
		    "result: %s", s->r.detail[0]);
}

/* ---- the callback stops its own probe ---- */

struct self_stop {
	struct svc_probe *probe;
	int results;
};

static void stop_on_result(void *arg, bool ok, const char *detail)
{
	struct self_stop *x = arg;

	(void)ok;
	(void)detail;
	x->results++;
	svc_probe_stop(x->probe); /* nothing of it may be touched after this */
	x->probe = NULL;
}

/* Each type's result may stop its probe from the callback: one result,
 * then nothing (ASan would see a use after free). */
static void test_stop_in_callback(void **state)
{
	struct st *s = *state;
	const char *argv[] = {"/bin/true", NULL};
	const char *hang[] = {"/bin/sleep", "30", NULL};
	struct svc_probe_cfg cfgs[] = {
	    process_cfg("probes13-none"),
	    tcp_cfg(s, "127.0.0.1", PORT_CLOSED),
	    http_cfg(s, 200),
	    exec_cfg(argv),
	    exec_cfg(hang),
	    tcp_cfg(s, "192.0.2.99", 80),
	};
	struct self_stop x[6] = {0};

	assert_true(ck_veth_reset(&s->ck));
	ck_must(&s->ck,
		"ip -n %s neigh replace 192.0.2.99 lladdr 02:00:00:00:99:99 dev ck0 nud permanent",
		s->ck.node);
	cfgs[4].timeout_ms = 100; /* killed at its timeout */
	cfgs[5].timeout_ms = 100; /* no answer: stopped from the expiry */
	for (int i = 0; i < 6; i++) {
		cfgs[i].ctx = &s->ck.ctx;
		cfgs[i].interval_ms = 150;
		x[i].probe = svc_probe_start(s->ck.base, &cfgs[i], stop_on_result, &x[i]);
		fail_unless(x[i].probe, "probe %d: %s", i, strerror(errno));
	}
	ck_run(&s->ck, 600);
	for (int i = 0; i < 6; i++) {
		fail_unless(x[i].results == 1, "probe %d: %d results", i, x[i].results);
		svc_probe_stop(x[i].probe);
	}
}

/* ---- fixtures ---- */

static int test_teardown(void **state)
{
	struct st *s = *state;

	probe_stop(s);
	st_http_stop(&s->http);
	s->http.lfd = -1;
	if (s->lfd >= 0)
		close(s->lfd);
	s->lfd = -1;
	for (int i = 0; i < s->n_kids; i++)
		kid_reap(&s->kids[i]);
	s->n_kids = 0;
	ck_run(&s->ck, 50); /* exec children killed at stop are reaped */
	return 0;
}

static void test_namespaces_deleted(void **state)
{
	struct st *s = *state;

	assert_true(ck_topo_down(&s->ck));
}

static int group_teardown(void **state)
{
	struct st *s = *state;

	if (!s)
		return 0;
	test_teardown(state);
	ck_topo_down(&s->ck);
	net_ctx_done(&s->ck.ctx);
	event_base_free(s->ck.base);
	st_scratch_done();
	free(s);
	*state = NULL;
	return 0;
}

static int group_setup(void **state)
{
	struct st *s = calloc(1, sizeof(*s));
	struct ck *t;
	int err;

	if (!s)
		return -1;
	t = &s->ck;
	t->verbose = verbose;
	s->lfd = -1;
	s->http.lfd = -1;
	snprintf(t->node, sizeof(t->node), "probes13-%dn", (int)getpid());
	snprintf(t->gw, sizeof(t->gw), "probes13-%dg", (int)getpid());
	t->base = event_base_new();
	err = t->base ? net_ctx_init(&t->ctx) : -ENOMEM;
	if (err < 0) {
		print_error("event_base_new / net_ctx_init: %s\n", strerror(-err));
		free(s);
		return -1;
	}
	nlo_init(&t->ops, &t->ctx);
	*state = s;
	ck_release(t);
	if (!st_scratch_init() || !ck_netns_up(t) || !ck_veth_add(t)) {
		group_teardown(state);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
	    cmocka_unit_test_teardown(test_process, test_teardown),
	    cmocka_unit_test_teardown(test_process_long_name, test_teardown),
	    cmocka_unit_test_teardown(test_tcp, test_teardown),
	    cmocka_unit_test_teardown(test_tcp_filtered, test_teardown),
	    cmocka_unit_test_teardown(test_tcp_ipv6, test_teardown),
	    cmocka_unit_test_teardown(test_http_200, test_teardown),
	    cmocka_unit_test_teardown(test_http_503, test_teardown),
	    cmocka_unit_test_teardown(test_http_hang, test_teardown),
	    cmocka_unit_test_teardown(test_http_refused, test_teardown),
	    cmocka_unit_test_teardown(test_exec_exit, test_teardown),
	    cmocka_unit_test_teardown(test_exec_missing, test_teardown),
	    cmocka_unit_test_teardown(test_exec_user, test_teardown),
	    cmocka_unit_test_teardown(test_exec_netns, test_teardown),
	    cmocka_unit_test_teardown(test_exec_hang, test_teardown),
	    cmocka_unit_test_teardown(test_exec_no_overlap, test_teardown),
	    cmocka_unit_test_teardown(test_exec_loop_latency, test_teardown),
	    cmocka_unit_test_teardown(test_exec_sigchld_ignored, test_teardown),
	    cmocka_unit_test_teardown(test_stop_in_callback, test_teardown),
	    cmocka_unit_test(test_namespaces_deleted),
	};
	int err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
		} else {
			fprintf(stderr, "usage: %s [-v]\n", argv[0]);
			return 2;
		}
	}
	if (geteuid() != 0) {
		printf("SKIPPED: svc_selftest needs root (network namespaces, users)\n");
		return SELFTEST_EXIT_SKIP;
	}
	err = ck_private_netns_dir();
	if (err < 0) {
		printf("SKIPPED: private /run/netns: %s\n", strerror(-err));
		return SELFTEST_EXIT_SKIP;
	}
	return selftest_exit_status(
	    cmocka_run_group_tests_name("svc_selftest", all, group_setup, group_teardown));
}
