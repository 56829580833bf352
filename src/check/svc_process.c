/* The process probe: is a process of that name alive? Found by reading
 * /proc (comm, and argv[0] for a name longer than the kernel keeps), then
 * held by a pidfd: while the pidfd does not say it exited, the process is
 * alive and nothing is read (one poll with no wait per attempt). When it
 * exits, the next attempt reads /proc again, so a restarted service is
 * found under its new pid. A zombie is not alive (its pidfd is readable,
 * and a scan skips the Z and X states). No fork, no shell.
 *
 * What the pidfd cannot tell: a process that execs another program keeps
 * its pid, so it stays "alive" until it exits, whatever its name became.
 * Services do not do that; a wrapper that execs the service is looked for
 * under the service's name and found once it has. Of several processes of
 * the name (a master and its workers) the first in /proc (the lowest pid)
 * is held; when it exits, the next scan finds another if one lives. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check/svc_parse.h"
#include "check/svc_probe_internal.h"

#define PROC_STAT_MAX 1024

struct proc_state {
	pid_t pid; /* the process held; 0: none */
	int pidfd; /* -1: none */
};

static bool pidfd_exited(int pidfd)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

	return poll(&pfd, 1, 0) != 0; /* readable, or an error: gone either way */
}

/* Reads a small /proc file (at most size - 1 bytes, terminated). */
static ssize_t read_small(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static bool pid_matches(int procfd, long pid, const char *name)
{
	char path[64], text[PROC_STAT_MAX], comm[SVC_COMM_MAX + 2], state = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%ld/stat", pid);
	n = read_small(procfd, path, text, sizeof(text));
	if (n <= 0 || svc_proc_stat(text, (size_t)n, comm, sizeof(comm), &state) < 0)
		return false;
	if (state == 'Z' || state == 'X')
		return false;
	if (!svc_comm_needs_argv0(name, comm))
		return svc_comm_match(name, comm, NULL);
	snprintf(path, sizeof(path), "%ld/cmdline", pid);
	n = read_small(procfd, path, text, sizeof(text)); /* argv[0] ends at the first NUL */
	return n > 0 && svc_comm_match(name, comm, text);
}

/* A live process of that name, held by a pidfd: 0, or -ESRCH. */
static int proc_find(struct proc_state *s, const char *name)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int err = -ESRCH;

	if (!d)
		return -errno;
	while (err < 0 && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		long fd;

		if (pid <= 0 || *end || !pid_matches(dirfd(d), pid, name))
			continue;
		fd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
		if (fd < 0)
			continue; /* gone meanwhile */
		if (pidfd_exited((int)fd)) {
			close((int)fd);
			continue;
		}
		s->pid = (pid_t)pid;
		s->pidfd = (int)fd;
		err = 0;
	}
	closedir(d);
	return err;
}

static void proc_drop(struct proc_state *s)
{
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	s->pid = 0;
}

static void proc_begin(struct svc_probe *p)
{
	struct proc_state *s = p->priv;
	char detail[SVC_DETAIL_MAX];
	int err = 0;

	if (s->pidfd >= 0 && pidfd_exited(s->pidfd))
		proc_drop(s);
	if (s->pidfd < 0)
		err = proc_find(s, p->process);
	if (err == 0)
		snprintf(detail, sizeof(detail), "%.80s pid %d", p->process, (int)s->pid);
	else if (err == -ESRCH)
		snprintf(detail, sizeof(detail), "%.80s: no such process", p->process);
	else
		snprintf(detail, sizeof(detail), "%.80s: /proc: %s", p->process, strerror(-err));
	svc_attempt_end(p, err == 0, detail);
}

/* Never: the attempt ends inside begin. */
static void proc_expire(struct svc_probe *p, char *detail, size_t size)
{
	snprintf(detail, size, "%.80s: no verdict within %u ms", p->process, p->cfg.timeout_ms);
}

static int proc_init(struct svc_probe *p)
{
	struct proc_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->pidfd = -1;
	p->priv = s;
	return 0;
}

static void proc_fini(struct svc_probe *p)
{
	proc_drop(p->priv);
	free(p->priv);
	p->priv = NULL;
}

const struct svc_kind svc_process_kind = {
    .name = "process",
    .init = proc_init,
    .begin = proc_begin,
    .expire = proc_expire,
    .fini = proc_fini,
};
