/* fork + execve without a shell (see spawn.h for the child's steps). */
#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NETNS_DIR "/run/netns/"

/* The steps that can fail, as spawn_proc.failed names them; the child
 * sends the index. */
enum spawn_step {
	STEP_ARGS,
	STEP_NAMESPACE,
	STEP_USER_LOOKUP,
	STEP_PIPES,
	STEP_FORK,
	STEP_PGID,
	STEP_SETNS,
	STEP_STDIO,
	STEP_SETUID,
	STEP_CHDIR,
	STEP_NO_NEW_PRIVS,
	STEP_EXEC,
	STEP_PIDFD,
	STEP_COUNT
};

static const char *const step_names[STEP_COUNT] = {
    [STEP_ARGS] = "arguments",
    [STEP_NAMESPACE] = "namespace",
    [STEP_USER_LOOKUP] = "user lookup",
    [STEP_PIPES] = "pipes",
    [STEP_FORK] = "fork",
    [STEP_PGID] = "setpgid",
    [STEP_SETNS] = "setns",
    [STEP_STDIO] = "stdio",
    [STEP_SETUID] = "setuid",
    [STEP_CHDIR] = "chdir",
    [STEP_NO_NEW_PRIVS] = "no_new_privs",
    [STEP_EXEC] = "exec",
    [STEP_PIDFD] = "pidfd_open",
};

/* What the child needs, prepared by the parent: the child may not look
 * anything up (no malloc, no NSS, no stdio after fork). */
struct spawn_prep {
	int ns_fd;   /* -1: stay */
	int null_fd; /* /dev/null for fd 0 */
	int out[2];  /* capture pipe, -1 without */
	int err[2];  /* the exec-failure report, close-on-exec */
	/* The child waits on go[0] until the parent has its pidfd: a child
	 * that exits at once is reaped by the kernel when SIGCHLD is ignored,
	 * and pidfd_open would find no process. */
	int go[2];
	bool as_user;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int n_groups;
};

static void prep_init(struct spawn_prep *s)
{
	*s = (struct spawn_prep){
	    .ns_fd = -1, .null_fd = -1, .out = {-1, -1}, .err = {-1, -1}, .go = {-1, -1}};
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void prep_done(struct spawn_prep *s)
{
	close_fd(&s->ns_fd);
	close_fd(&s->null_fd);
	close_fd(&s->out[0]);
	close_fd(&s->out[1]);
	close_fd(&s->err[0]);
	close_fd(&s->err[1]);
	close_fd(&s->go[0]);
	close_fd(&s->go[1]);
	free(s->groups);
	s->groups = NULL;
}

/* uid, gid and the supplementary groups of `user` (what initgroups would
 * read, read here because NSS is not async-signal-safe). */
static int lookup_user(const char *user, struct spawn_prep *s)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int n = 32;

	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	s->uid = pw.pw_uid;
	s->gid = pw.pw_gid;
	for (int tries = 0; tries < 8; tries++) {
		gid_t *g = realloc(s->groups, (size_t)n * sizeof(*g));
		int got = n;

		if (!g)
			return -ENOMEM;
		s->groups = g;
		if (getgrouplist(user, pw.pw_gid, g, &got) >= 0) {
			s->n_groups = got;
			s->as_user = true;
			return 0;
		}
		n = got > n ? got : n * 2;
	}
	return -E2BIG;
}

/* Moves fd above 0..2 (a daemon may have closed its stdio, and then open
 * gives those numbers out): the child's dup2 onto 0, 1 and 2 must not
 * overwrite one of its own sources. */
static int above_stdio(int *fd)
{
	int moved;

	if (*fd < 0 || *fd > 2)
		return 0;
	moved = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (moved < 0)
		return -errno;
	close(*fd);
	*fd = moved;
	return 0;
}

static int prepare_fds(struct spawn_prep *s)
{
	int *fds[] = {&s->ns_fd,  &s->null_fd, &s->out[0], &s->out[1],
		      &s->err[0], &s->err[1],  &s->go[0],  &s->go[1]};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		int err = above_stdio(fds[i]);

		if (err < 0)
			return err;
	}
	return 0;
}

static int prepare(const struct spawn_req *req, struct spawn_prep *s, enum spawn_step *step)
{
	if (req->netns && *req->netns) {
		char path[PATH_MAX];

		*step = STEP_NAMESPACE;
		if (strchr(req->netns, '/') ||
		    snprintf(path, sizeof(path), NETNS_DIR "%s", req->netns) >= (int)sizeof(path))
			return -EINVAL;
		s->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->ns_fd < 0)
			return -errno;
	}
	if (req->user && *req->user) {
		int err;

		*step = STEP_USER_LOOKUP;
		err = lookup_user(req->user, s);

		if (err < 0)
			return err;
	}
	*step = STEP_PIPES;
	s->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (s->null_fd < 0 || pipe2(s->err, O_CLOEXEC) < 0 || pipe2(s->go, O_CLOEXEC) < 0)
		return -errno;
	if (req->capture && pipe2(s->out, O_CLOEXEC) < 0)
		return -errno;
	return prepare_fds(s);
}

/* ---- the child: async-signal-safe calls only ---- */

static void child_fail(int fd, enum spawn_step step, int err)
{
	int msg[2] = {err, (int)step};
	ssize_t n;

	do
		n = write(fd, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	_exit(127);
}

/* Default dispositions, then nothing blocked (the parent blocked all
 * around fork). */
static void child_signals(void)
{
	struct sigaction dfl;
	sigset_t none;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL, STOP, libc's own */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int child_fds(const struct spawn_prep *s)
{
	int out = s->out[1] >= 0 ? s->out[1] : -1;

	if (dup2(s->null_fd, 0) < 0)
		return errno;
	if (out >= 0 && (dup2(out, 1) < 0 || dup2(out, 2) < 0))
		return errno;
	/* everything above 2 goes at exec (the err pipe already does) */
	if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) < 0) {
		for (int fd = 3; fd < 4096; fd++)
			if (fd != s->err[1])
				close(fd);
	}
	return 0;
}

static int child_user(const struct spawn_prep *s)
{
	if (!s->as_user)
		return 0;
	if (setgroups((size_t)s->n_groups, s->groups) < 0 || setgid(s->gid) < 0 ||
	    setuid(s->uid) < 0)
		return errno;
	return 0;
}

static void child_run(const struct spawn_req *req, const struct spawn_prep *s,
		      const char *const *envp)
{
	int fd = s->err[1], err;
	char go;

	close(s->go[1]);
	while (read(s->go[0], &go, 1) < 0 && errno == EINTR)
		; /* EOF: the parent holds our pidfd */
	if (setpgid(0, 0) < 0)
		child_fail(fd, STEP_PGID, errno);
	child_signals();
	if (s->ns_fd >= 0 && setns(s->ns_fd, CLONE_NEWNET) < 0)
		child_fail(fd, STEP_SETNS, errno);
	if ((err = child_fds(s)) != 0)
		child_fail(fd, STEP_STDIO, err);
	if ((err = child_user(s)) != 0)
		child_fail(fd, STEP_SETUID, err);
	if (chdir("/") < 0)
		child_fail(fd, STEP_CHDIR, errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(fd, STEP_NO_NEW_PRIVS, errno);
	execve(req->argv[0], (char *const *)req->argv, (char *const *)envp);
	child_fail(fd, STEP_EXEC, errno);
}

/* ---- the parent ---- */

/* Blocks only until the child execs or fails: a few system calls. */
static int read_child_error(int fd, enum spawn_step *step)
{
	int msg[2] = {0, STEP_EXEC};
	ssize_t n;

	do
		n = read(fd, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return 0; /* closed by exec */
	*step = msg[1] >= 0 && msg[1] < STEP_COUNT ? (enum spawn_step)msg[1] : STEP_EXEC;
	return -(msg[0] ? msg[0] : EIO);
}

static int pidfd_of(pid_t pid)
{
	long fd = syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : (int)fd;
}

static void reap_blocking(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int spawn_start(const struct spawn_req *req, struct spawn_proc *out)
{
	static const char *const default_env[] = {SPAWN_DEFAULT_PATH, NULL};
	const char *const *envp = req && req->envp ? req->envp : default_env;
	enum spawn_step step = STEP_ARGS;
	struct spawn_prep s;
	sigset_t all, old;
	pid_t pid;
	int err;

	*out = (struct spawn_proc){.pid = 0, .pidfd = -1, .out_fd = -1};
	if (!req || !req->argv || !req->argv[0] || req->argv[0][0] != '/') {
		out->failed = step_names[STEP_ARGS];
		return -EINVAL;
	}
	prep_init(&s);
	err = prepare(req, &s, &step);
	if (err < 0)
		goto done;
	/* no handler of ours may run in the child before it resets them (a
	 * libevent signal handler would write into the parent's loop) */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_run(req, &s, envp); /* does not return */
	err = pid < 0 ? -errno : 0;
	step = STEP_FORK;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err < 0)
		goto done;
	close_fd(&s.err[1]);
	close_fd(&s.out[1]);
	close_fd(&s.go[0]);
	out->pidfd = pidfd_of(pid); /* the child waits for this: it is there */
	close_fd(&s.go[1]);	    /* go */
	if (out->pidfd < 0) {
		err = out->pidfd;
		out->pidfd = -1;
		step = STEP_PIDFD;
		kill(pid, SIGKILL);
	} else {
		err = read_child_error(s.err[0], &step);
	}
	if (err == 0) {
		out->pid = pid;
		if (s.out[0] >= 0 && fcntl(s.out[0], F_SETFL, O_NONBLOCK) == 0) {
			out->out_fd = s.out[0];
			s.out[0] = -1;
		}
	} else if (out->pidfd >= 0) {
		close(out->pidfd);
		out->pidfd = -1;
	}
	if (err < 0)
		reap_blocking(pid); /* it has exited (or was killed): no wait */
done:
	if (err < 0)
		out->failed = step_names[step];
	prep_done(&s);
	return err;
}

void spawn_kill(struct spawn_proc *p)
{
	if (p->pid > 0)
		kill(-p->pid, SIGKILL);
}

void spawn_close_fds(struct spawn_proc *p)
{
	close_fd(&p->pidfd);
	close_fd(&p->out_fd);
}

int spawn_reap(struct spawn_proc *p, int *status)
{
	int st = 0;
	pid_t r;

	if (p->pid <= 0)
		return -ECHILD;
	do
		r = waitpid(p->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return -EAGAIN;
	if (r < 0)
		return -errno;
	if (status)
		*status = st;
	p->pid = 0;
	spawn_close_fds(p);
	return 0;
}
