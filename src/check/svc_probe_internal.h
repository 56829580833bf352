/* Private to the service probes: the probe, the table each probe type
 * fills (svc_process.c, svc_tcp.c, svc_http.c, svc_exec.c) and the one
 * way an attempt ends (svc_attempt.c). svc_probe.c drives them: the
 * interval, the timeout, one attempt at a time. */
#ifndef VIPD_CHECK_SVC_PROBE_INTERNAL_H
#define VIPD_CHECK_SVC_PROBE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "check/svc_probe.h"
#include "util/netdev_limits.h"

struct event;

struct svc_kind {
	const char *name;
	/* Allocates p->priv. 0 or a negative errno. */
	int (*init)(struct svc_probe *p);
	/* Starts an attempt; it ends with svc_attempt_end, maybe before
	 * begin returns, as begin's last act. */
	void (*begin)(struct svc_probe *p);
	/* The attempt ran out of time: abandon it (no callback of it may come
	 * after this) and say what happened in detail. */
	void (*expire)(struct svc_probe *p, char *detail, size_t size);
	/* Frees p->priv (an attempt may be running: abandon it). */
	void (*fini)(struct svc_probe *p);
};

extern const struct svc_kind svc_process_kind, svc_tcp_kind, svc_http_kind, svc_exec_kind;

struct svc_probe {
	struct event_base *base;
	struct svc_probe_cfg cfg; /* its strings point into the probe's copies */
	const struct svc_kind *kind;
	svc_probe_result_fn fn;
	void *arg;
	struct event *tick, *expire;
	uint64_t next_ms;  /* when the current tick was due */
	uint64_t start_ms; /* of the running attempt */
	bool running;	   /* an attempt is outstanding */
	char subject[64];  /* "127.0.0.1:80", "[2001:db8::1]:8080" */
	void *priv;	   /* the kind's */
	/* copies of the configuration's strings */
	char netns[LIVE_NS_MAX];
	char *process, *http_path, *http_host, *user;
	char **argv;
	size_t argc; /* entries of argv allocated */
};

/* Every attempt ends here, exactly once: the timeout is disarmed and the
 * callback runs. It is the last thing its caller does with p (the callback
 * may free the probe). */
void svc_attempt_end(struct svc_probe *p, bool ok, const char *detail);

/* tcp and http: a non-blocking connect to cfg.addr:cfg.port from a socket
 * made in cfg.netns. The fd (>= 0) or a negative errno; *done tells that
 * the connection is already made (loopback may answer at once). */
int svc_connect(struct svc_probe *p, bool *done);
/* The connect's outcome once the fd is writable: 0 or a negative errno. */
int svc_connect_result(int fd);
/* "refused", "unreachable", ... the words of a detail for a connect error. */
const char *svc_connect_error(int err);

#endif
