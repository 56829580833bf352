/* The exec probe: ok when the command exits 0 within the timeout. Spawned
 * without a shell (util/spawn.h) as the check's user (default "nobody";
 * "root" is allowed when the file says so: whoever writes the file can run
 * commands as root through hooks anyway), in the check's namespace, in a
 * process group of its own. The loop watches its pidfd and its output pipe;
 * it never waits for it.
 *
 * At the timeout the whole group is killed (SIGKILL) and the attempt fails
 * at once; the process is reaped when its pidfd says so. An attempt that
 * begins before that (timeout == interval) waits for it, within its own
 * timeout, then starts its command: never two commands of one check. When the command
 * exits, whatever it left running in its group is killed too (a check
 * leaves nothing behind). Output (stdout and stderr together) is read as it
 * comes, up to 1 MiB an attempt (then no more is read: the command blocks
 * on a full pipe until it ends or its timeout), and its last non-empty
 * line goes into the result's detail. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "check/svc_parse.h"
#include "check/svc_probe_internal.h"
#include "util/spawn.h"

#define EXEC_OUT_MAX	 (1024 * 1024)
#define EXEC_READ_CHUNK	 4096
#define EXEC_READ_BURST	 8   /* reads per wake-up: the loop has others */
#define EXEC_DETAIL_LINE 100 /* of the last line, in a detail */

struct exec_state {
	struct spawn_proc proc; /* pid 0: none */
	struct event *exit_ev, *out_ev;
	bool owed;    /* the running attempt's result is still to come */
	bool waiting; /* the attempt waits for the last one's kill to end */
	struct svc_lines lines;
};

/* A killed command the probe no longer waits for (it was stopped): reaped
 * from the loop when it exits, then freed. */
struct exec_orphan {
	struct spawn_proc proc;
	struct event *ev;
};

static void free_event(struct event **ev)
{
	if (*ev)
		event_free(*ev);
	*ev = NULL;
}

/* 0 at the end of the output, else 1 (more may come). */
static int exec_read(struct exec_state *x)
{
	char buf[EXEC_READ_CHUNK];

	for (int i = 0; i < EXEC_READ_BURST && x->lines.total < EXEC_OUT_MAX; i++) {
		ssize_t n = read(x->proc.out_fd, buf, sizeof(buf));

		if (n > 0) {
			svc_lines_feed(&x->lines, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 1;
		return 0;
	}
	return x->lines.total < EXEC_OUT_MAX;
}

static void exec_on_output(evutil_socket_t fd, short what, void *arg)
{
	struct exec_state *x = arg;

	(void)fd;
	(void)what;
	if (exec_read(x) == 0)
		event_del(x->out_ev);
}

static void exec_detail(struct exec_state *x, int status, char *detail, size_t size)
{
	const char *line = svc_lines_last(&x->lines);
	char what[48];

	if (status == -1)
		snprintf(what, sizeof(what), "exec ended, its exit status lost");
	else if (WIFEXITED(status))
		snprintf(what, sizeof(what), "exec exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(what, sizeof(what), "exec killed by signal %d", WTERMSIG(status));
	else
		snprintf(what, sizeof(what), "exec ended (status 0x%x)", (unsigned)status);
	snprintf(detail, size, "%s%s%.*s", what, *line ? ": " : "", EXEC_DETAIL_LINE, line);
}

static void exec_spawn(struct svc_probe *p);

static void exec_on_exit(evutil_socket_t fd, short what, void *arg)
{
	struct svc_probe *p = arg;
	struct exec_state *x = p->priv;
	char detail[SVC_DETAIL_MAX];
	bool owed = x->owed;
	int status = 0, err;

	(void)fd;
	(void)what;
	if (owed && x->proc.out_fd >= 0)
		exec_read(x); /* what it wrote last */
	spawn_kill(&x->proc); /* what it left running in its group */
	err = spawn_reap(&x->proc, &status);
	if (err == -EAGAIN)
		return; /* not yet: the pidfd event comes again */
	if (err < 0) {
		/* reaped by someone else (SIGCHLD ignored makes the kernel do
		 * it): it has ended, how is lost */
		spawn_close_fds(&x->proc);
		x->proc.pid = 0;
		status = -1;
	}
	free_event(&x->exit_ev);
	free_event(&x->out_ev);
	x->owed = false;
	if (x->waiting) {
		x->waiting = false;
		exec_spawn(p); /* the attempt that waited for this one to end */
		return;
	}
	if (!owed)
		return; /* killed at its timeout, reported then */
	exec_detail(x, status, detail, sizeof(detail));
	svc_attempt_end(p, status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, detail);
}

static int exec_watch(struct svc_probe *p, struct exec_state *x)
{
	x->exit_ev = event_new(p->base, x->proc.pidfd, EV_READ | EV_PERSIST, exec_on_exit, p);
	if (!x->exit_ev || event_add(x->exit_ev, NULL) < 0)
		return -ENOMEM;
	if (x->proc.out_fd < 0)
		return 0;
	x->out_ev = event_new(p->base, x->proc.out_fd, EV_READ | EV_PERSIST, exec_on_output, x);
	if (!x->out_ev || event_add(x->out_ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

static void orphan_on_exit(evutil_socket_t fd, short what, void *arg)
{
	struct exec_orphan *o = arg;

	(void)fd;
	(void)what;
	if (spawn_reap(&o->proc, NULL) == -EAGAIN)
		return;
	spawn_close_fds(&o->proc); /* when reaped by someone else */
	event_free(o->ev);
	free(o);
}

/* The probe goes; its killed command is reaped later, from the loop. */
static void exec_orphan(struct svc_probe *p, struct exec_state *x)
{
	struct exec_orphan *o = calloc(1, sizeof(*o));

	spawn_kill(&x->proc);
	if (!o || spawn_reap(&x->proc, NULL) == 0) {
		free(o);
		spawn_close_fds(&x->proc); /* either reaped, or no memory to wait */
		return;
	}
	o->proc = x->proc;
	if (o->proc.out_fd >= 0)
		close(o->proc.out_fd);
	o->proc.out_fd = -1;
	o->ev = event_new(p->base, o->proc.pidfd, EV_READ | EV_PERSIST, orphan_on_exit, o);
	if (!o->ev || event_add(o->ev, NULL) < 0) {
		if (o->ev)
			event_free(o->ev);
		spawn_close_fds(&o->proc);
		free(o);
	}
}

/* "exec /bin/x: No such file or directory"; a step before the exec is
 * named: "exec /bin/x: user lookup: No such file or directory". */
static void exec_failed(struct svc_probe *p, const char *step, int err, char *detail, size_t size)
{
	bool named = step && strcmp(step, "exec") != 0;

	snprintf(detail, size, "exec %.100s: %s%s%s", p->cfg.argv[0], named ? step : "",
		 named ? ": " : "", strerror(-err));
}

static void exec_spawn(struct svc_probe *p)
{
	struct exec_state *x = p->priv;
	struct spawn_req req = {
	    .argv = p->cfg.argv, .user = p->user, .netns = p->netns, .capture = true};
	char detail[SVC_DETAIL_MAX];
	int err;

	svc_lines_init(&x->lines);
	err = spawn_start(&req, &x->proc);
	if (err == 0 && (err = exec_watch(p, x)) < 0) {
		free_event(&x->exit_ev);
		free_event(&x->out_ev);
		exec_orphan(p, x); /* killed, reaped later if it can be */
		x->proc = (struct spawn_proc){.pid = 0, .pidfd = -1, .out_fd = -1};
	}
	if (err < 0) {
		exec_failed(p, x->proc.failed, err, detail, sizeof(detail));
		svc_attempt_end(p, false, detail);
		return;
	}
	x->owed = true;
}

/* The last attempt's command, killed at its timeout, may not be reaped yet
 * (it takes a turn of the loop, longer for a process stuck in the kernel):
 * this attempt waits for it, within its own timeout, and starts the command
 * once it is gone. */
static void exec_begin(struct svc_probe *p)
{
	struct exec_state *x = p->priv;

	if (x->proc.pid > 0) {
		x->waiting = true;
		return;
	}
	exec_spawn(p);
}

static void exec_expire(struct svc_probe *p, char *detail, size_t size)
{
	struct exec_state *x = p->priv;
	const char *line = svc_lines_last(&x->lines);

	spawn_kill(&x->proc);
	if (x->waiting) {
		x->waiting = false;
		snprintf(detail, size, "exec not started: pid %d still running after SIGKILL",
			 (int)x->proc.pid);
		return;
	}
	x->owed = false;
	free_event(&x->out_ev); /* reaping closes the pipe */
	snprintf(detail, size, "exec killed at its %u ms timeout%s%.*s", p->cfg.timeout_ms,
		 *line ? ": " : "", EXEC_DETAIL_LINE, line);
}

static int exec_init(struct svc_probe *p)
{
	struct exec_state *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	x->proc = (struct spawn_proc){.pid = 0, .pidfd = -1, .out_fd = -1};
	p->priv = x;
	return 0;
}

static void exec_fini(struct svc_probe *p)
{
	struct exec_state *x = p->priv;

	free_event(&x->exit_ev);
	free_event(&x->out_ev);
	if (x->proc.pid > 0)
		exec_orphan(p, x);
	free(x);
	p->priv = NULL;
}

const struct svc_kind svc_exec_kind = {
    .name = "exec",
    .init = exec_init,
    .begin = exec_begin,
    .expire = exec_expire,
    .fini = exec_fini,
};
