/* Local service checks (issue 13): is a process alive, does a TCP port
 * accept, does an HTTP GET answer the expected status, does a command exit
 * 0. One probe runs one check; it gives one result per attempt and keeps no
 * up/down state of its own: the daemon funnels every result through
 * check_result (rise_fall.h).
 *
 * Timing. The first attempt starts as soon as the loop runs, then one every
 * interval_ms (deadline-based, no drift). Each attempt has timeout_ms (cut
 * to interval_ms): it ends with exactly one result, at its answer or at its
 * timeout, before the next attempt starts; two attempts of one probe never
 * overlap. An exec killed at its timeout is reaped from the loop when its
 * pidfd says it exited; an attempt that begins before that (timeout ==
 * interval) waits for it within its own timeout and then starts its
 * command. A process stuck in the kernel ignores SIGKILL until it returns:
 * if it is still there at the waiting attempt's timeout, that attempt fails
 * ("exec not started: pid N still running after SIGKILL") without starting
 * another, so it counts as a failure and nothing piles up.
 *
 * Costs. process, tcp and http never fork: process keeps a pidfd of the
 * process it found and only reads /proc again when that pidfd says it
 * exited; tcp and http are one non-blocking socket each attempt, made in
 * the check's namespace (net_socket_in), read and written from the loop.
 * exec forks and execs its command (util/spawn.h) every attempt, without a
 * shell, in a process group of its own, watched through a pidfd: the loop
 * never waits for it.
 *
 * Callbacks run from the event loop; a callback may call svc_probe_stop on
 * its own probe (nothing touches the probe after the callback). */
#ifndef VIPD_CHECK_SVC_PROBE_H
#define VIPD_CHECK_SVC_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/ipaddr.h"

struct event_base;
struct net_ctx;
struct svc_probe;

enum svc_probe_type { SVC_PROBE_PROCESS, SVC_PROBE_TCP, SVC_PROBE_HTTP, SVC_PROBE_EXEC };

/* Plain data; the daemon fills it from node_svc_check. Strings and argv are
 * copied by svc_probe_start. */
struct svc_probe_cfg {
	enum svc_probe_type type;
	const char *netns;   /* "" or NULL = ours; tcp, http, exec (process: EINVAL) */
	struct net_ctx *ctx; /* the daemon's: tcp and http make their socket in
			      * netns through it; may be NULL when netns is "" */
	const char *process; /* process: the name (comm, as pidof matches it) */
	struct ip_addr addr; /* tcp, http */
	uint16_t port;	     /* tcp, http */
	const char *http_path, *http_host; /* http: "/health"; the Host header
					    * (NULL: the address and port) */
	uint32_t expect;		   /* http: the status that is ok (100..599) */
	const char *const *argv;	   /* exec: argv[0] absolute, NULL-terminated */
	const char *user;		   /* exec: NULL or "" = "nobody" (the default) */
	uint32_t interval_ms;		   /* >= 10 */
	uint32_t timeout_ms;		   /* > 0; cut to interval_ms */
};

/* The longest detail a result carries (as rise_fall's texts). */
#define SVC_DETAIL_MAX 160

/* One result per attempt: ok and a short detail ("haproxy pid 4242",
 * "haproxy: no such process", "127.0.0.1:80 refused", "GET / -> 503
 * (expect 200)", "exec killed at its 2000 ms timeout", "exec exited 1:
 * LAST LINE"). The detail is valid during the call only. */
typedef void (*svc_probe_result_fn)(void *arg, bool ok, const char *detail);

/* NULL with errno: EINVAL for a bad configuration (a missing name, path or
 * argv, argv[0] not absolute, a netns for a process check, interval below
 * 10 ms, timeout 0, expect out of 100..599), ENOMEM. */
struct svc_probe *svc_probe_start(struct event_base *base, const struct svc_probe_cfg *cfg,
				  svc_probe_result_fn fn, void *arg);

/* Stops the probe: a running exec's process group is killed (and reaped
 * from the loop later, never waited for here); frees. NULL is fine. */
void svc_probe_stop(struct svc_probe *p);

/* "process", "tcp", "http", "exec"; "invalid" outside the enum. */
const char *svc_probe_type_name(enum svc_probe_type t);

#endif
