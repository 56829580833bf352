/* Service probe driver: the interval, the attempt's timeout, one attempt at
 * a time. What an attempt does is the probe type's (svc_process.c,
 * svc_tcp.c, svc_http.c, svc_exec.c). */
#include "check/svc_probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "check/check_io.h"
#include "check/svc_probe_internal.h"

#define SVC_MIN_INTERVAL_MS 10
#define SVC_ARGV_MAX	    256 /* arguments of an exec command, its path included */
#define SVC_DEFAULT_USER    "nobody"

static void arm_ms(struct event *ev, uint64_t ms)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000), .tv_usec = (long)(ms % 1000) * 1000};

	event_add(ev, &tv);
}

static const struct svc_kind *kind_of(enum svc_probe_type t)
{
	switch (t) {
	case SVC_PROBE_PROCESS:
		return &svc_process_kind;
	case SVC_PROBE_TCP:
		return &svc_tcp_kind;
	case SVC_PROBE_HTTP:
		return &svc_http_kind;
	case SVC_PROBE_EXEC:
		return &svc_exec_kind;
	}
	return NULL;
}

const char *svc_probe_type_name(enum svc_probe_type t)
{
	const struct svc_kind *k = kind_of(t);

	return k ? k->name : "invalid";
}

/* ---- timing ---- */

static void start_attempt(struct svc_probe *p)
{
	p->running = true;
	p->start_ms = check_now_ms();
	arm_ms(p->expire, p->cfg.timeout_ms);
	p->kind->begin(p); /* may end the attempt, and free p: last */
}

static void timed_out(struct svc_probe *p)
{
	char detail[SVC_DETAIL_MAX];

	p->kind->expire(p, detail, sizeof(detail));
	svc_attempt_end(p, false, detail);
}

static void on_expire(evutil_socket_t fd, short what, void *arg)
{
	struct svc_probe *p = arg;

	(void)fd;
	(void)what;
	if (p->running)
		timed_out(p);
}

/* Deadline-based as gw_probe.c: the next tick is due interval_ms after the
 * last one was due; a loop that fell behind by a period skips ahead. */
static void schedule(struct svc_probe *p)
{
	uint64_t now = check_now_ms();

	p->next_ms += p->cfg.interval_ms;
	if (p->next_ms <= now)
		p->next_ms = now + p->cfg.interval_ms;
	arm_ms(p->tick, p->next_ms - now);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct svc_probe *p = arg;

	(void)fd;
	(void)what;
	if (p->running) {
		/* timeout == interval and the tick came first: this attempt
		 * ends now and the next one starts right after, from the loop
		 * (the callback may free p: it is the last act here) */
		arm_ms(p->tick, 0);
		timed_out(p);
		return;
	}
	schedule(p);
	start_attempt(p);
}

/* ---- configuration ---- */

static size_t argv_len(const char *const *argv)
{
	size_t n = 0;

	while (argv[n] && n < SVC_ARGV_MAX)
		n++;
	return n;
}

static bool cfg_valid(const struct svc_probe_cfg *c)
{
	bool ns = c->netns && *c->netns;

	if (c->interval_ms < SVC_MIN_INTERVAL_MS || c->timeout_ms == 0 ||
	    (ns && strlen(c->netns) >= LIVE_NS_MAX))
		return false;
	switch (c->type) {
	case SVC_PROBE_PROCESS:
		return !ns && c->process && *c->process;
	case SVC_PROBE_HTTP:
		if (c->expect < 100 || c->expect > 599 || !c->http_path || c->http_path[0] != '/')
			return false;
		/* fall through */
	case SVC_PROBE_TCP:
		return (c->addr.family == IP_V4 || c->addr.family == IP_V6) && c->port != 0;
	case SVC_PROBE_EXEC:
		return c->argv && c->argv[0] && c->argv[0][0] == '/' &&
		       argv_len(c->argv) < SVC_ARGV_MAX;
	}
	return false;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static char **dup_argv(const char *const *argv, size_t *argc, bool *oom)
{
	size_t n;
	char **v;

	if (!argv)
		return NULL;
	n = argv_len(argv);
	v = calloc(n + 1, sizeof(*v));
	if (!v) {
		*oom = true;
		return NULL;
	}
	*argc = n;
	for (size_t i = 0; i < n; i++)
		v[i] = dup_or_null(argv[i], oom);
	return v;
}

static void subject_init(struct svc_probe *p)
{
	char a[IP_STR_MAX];

	ip_ntop(&p->cfg.addr, a);
	snprintf(p->subject, sizeof(p->subject), p->cfg.addr.family == IP_V6 ? "[%s]:%u" : "%s:%u",
		 a, (unsigned)p->cfg.port);
}

/* The probe's own copies: the caller's configuration may go after start. */
static bool copy_cfg(struct svc_probe *p, const struct svc_probe_cfg *c)
{
	bool oom = false;
	const char *user = c->user && *c->user ? c->user : SVC_DEFAULT_USER;

	p->cfg = *c;
	snprintf(p->netns, sizeof(p->netns), "%s", c->netns ? c->netns : "");
	p->cfg.netns = p->netns;
	p->process = dup_or_null(c->process, &oom);
	p->http_path = dup_or_null(c->http_path, &oom);
	p->http_host = dup_or_null(c->http_host, &oom);
	p->user = c->type == SVC_PROBE_EXEC ? dup_or_null(user, &oom) : NULL;
	p->argv = dup_argv(c->argv, &p->argc, &oom);
	p->cfg.process = p->process;
	p->cfg.http_path = p->http_path;
	p->cfg.http_host = p->http_host;
	p->cfg.user = p->user;
	p->cfg.argv = (const char *const *)p->argv;
	if (p->cfg.timeout_ms > p->cfg.interval_ms)
		p->cfg.timeout_ms = p->cfg.interval_ms;
	subject_init(p);
	return !oom;
}

/* ---- API ---- */

struct svc_probe *svc_probe_start(struct event_base *base, const struct svc_probe_cfg *cfg,
				  svc_probe_result_fn fn, void *arg)
{
	struct svc_probe *p;
	int err;

	if (!base || !cfg || !fn || !kind_of(cfg->type) || !cfg_valid(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->base = base;
	p->fn = fn;
	p->arg = arg;
	p->kind = kind_of(cfg->type);
	p->tick = evtimer_new(base, on_tick, p);
	p->expire = evtimer_new(base, on_expire, p);
	err = p->tick && p->expire && copy_cfg(p, cfg) ? p->kind->init(p) : -ENOMEM;
	if (err < 0) {
		svc_probe_stop(p);
		errno = -err;
		return NULL;
	}
	/* the first attempt as soon as the loop runs */
	p->next_ms = check_now_ms();
	arm_ms(p->tick, 0);
	return p;
}

void svc_probe_stop(struct svc_probe *p)
{
	if (!p)
		return;
	if (p->priv)
		p->kind->fini(p);
	if (p->tick)
		event_free(p->tick);
	if (p->expire)
		event_free(p->expire);
	free(p->process);
	free(p->http_path);
	free(p->http_host);
	free(p->user);
	for (size_t i = 0; p->argv && i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	free(p);
}
