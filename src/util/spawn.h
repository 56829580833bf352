/* Running a program without a shell: fork + execve, the child in a
 * process group of its own, watched through a pidfd (no SIGCHLD handler,
 * no blocking wait: the caller polls the pidfd in its event loop).
 *
 * Between fork and exec the child does only async-signal-safe system calls
 * (the parent may have threads and locks): everything that needs a lock or
 * a file (the user's uid, gid and groups, the namespace's fd) is looked up
 * in the parent first (the user through NSS: /etc/passwd is fast, a network
 * directory would not be). Signals are blocked in the parent around fork,
 * so none of its handlers runs in the child. The child:
 *   - makes a new process group (spawn_kill kills it whole),
 *   - resets every signal to its default and unblocks them all (vipd
 *     ignores SIGPIPE: an ignored signal would survive exec),
 *   - enters the namespace (setns into /run/netns/NAME),
 *   - gets /dev/null on fd 0 and, with capture, one pipe on fds 1 and 2,
 *   - takes the user's groups, gid and uid (setgroups, setgid, setuid),
 *   - changes to "/", sets no_new_privs, marks every fd above 2 close-on-exec
 *   - and calls execve: no PATH search, argv[0] is the absolute path.
 * A failure of any step is written (an errno) into a close-on-exec pipe
 * that the parent reads until exec closes it, so spawn_start returns
 * -ENOENT / -EACCES / -EPERM synchronously and no child is left over.
 *
 * Privileges: with a user, the caller needs CAP_SETUID and CAP_SETGID (and
 * CAP_KILL to kill a child that runs as another user); with a namespace,
 * CAP_SYS_ADMIN. */
#ifndef VIPD_UTIL_SPAWN_H
#define VIPD_UTIL_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* the environment when spawn_req.envp is NULL */
#define SPAWN_DEFAULT_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

struct spawn_req {
	const char *const *argv; /* argv[0] absolute path, no shell, no PATH search */
	const char *const *envp; /* NULL: a minimal env (SPAWN_DEFAULT_PATH) */
	const char *user;	 /* NULL or "": stay as we are; else setgid/setgroups/setuid */
	const char *netns;	 /* NULL or "": ours; else setns into /run/netns/NAME */
	bool capture;		 /* stdout+stderr into a non-blocking pipe (out_fd) */
};

struct spawn_proc {
	pid_t pid;	    /* also the process group's id; 0: none */
	int pidfd;	    /* readable once the child has exited; -1: none */
	int out_fd;	    /* the read end of the capture pipe, non-blocking, close-on-exec;
			     * -1 without capture */
	const char *failed; /* after a failed spawn_start: the step that failed
			     * ("user lookup", "namespace", "setns", "setuid",
			     * "exec", ...), a static string; NULL otherwise */
};

/* fork+exec as above. 0 with *out filled, or a negative errno: -EINVAL (no
 * argv, argv[0] not absolute), -ENOENT for an unknown user or namespace
 * (looked up in the parent), else the errno of the child's failed step
 * (-ENOENT, -EACCES, -ENOEXEC, -EPERM). On failure *out is {0, -1, -1}
 * with out->failed naming the step. */
int spawn_start(const struct spawn_req *req, struct spawn_proc *out);

/* SIGKILL the whole process group (the child and what it started that
 * stayed in its group). Harmless after the child exited, until spawn_reap:
 * the group's id cannot be reused while the leader is not reaped. */
void spawn_kill(struct spawn_proc *p);

/* Once pidfd is readable (the child exited): reap it (no blocking), 0 with
 * *status (a wait status: WIFEXITED ...), close pidfd and out_fd, pid 0.
 * -EAGAIN if it has not exited yet (nothing changes then). */
int spawn_reap(struct spawn_proc *p, int *status);

/* Closes the fds without reaping (the caller hands the pid on). */
void spawn_close_fds(struct spawn_proc *p);

#endif
