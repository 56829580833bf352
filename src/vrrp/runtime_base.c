/* The runtime's bottom layer, below every other runtime file: clocks,
 * logging, namespaces and their netlink sockets, the link-local lookup, and
 * the short ways into the environment (runtime_env.h): its clocks and
 * timers. It calls no other runtime file (see runtime_internal.h).
 *
 * Namespaces: a socket belongs to the namespace it was created in, so the
 * runtime enters the interface's namespace only to create sockets and look
 * names up, and comes straight back, through net_ns_enter/net_ns_leave
 * (net/netns.h), the one way into a namespace. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_addr.h>

#include "net/vip.h"
#include "util/logq.h"
#include "util/text.h"
#include "vrrp/runtime_env.h"

uint64_t vrrp_rt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int64_t vrrp_rt_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the environment's clocks and timers ---- */

uint64_t rt_now_ms(const struct vrrp_rt *rt)
{
	return rt->env->now_ms(rt->env_ctx);
}

int64_t rt_wall_ms(const struct vrrp_rt *rt)
{
	return rt->env->wall_ms(rt->env_ctx);
}

struct vrrp_rt_timer *rt_timer_new(struct vrrp_rt *rt, vrrp_rt_timer_fn fn, void *arg)
{
	return rt->env->timer_new(rt->env_ctx, fn, arg);
}

void rt_timer_arm(struct vrrp_rt *rt, struct vrrp_rt_timer *t, uint32_t delay_ms)
{
	rt->env->timer_arm(rt->env_ctx, t, delay_ms);
}

void rt_timer_cancel(struct vrrp_rt *rt, struct vrrp_rt_timer *t)
{
	rt->env->timer_cancel(rt->env_ctx, t);
}

void rt_timer_free(struct vrrp_rt *rt, struct vrrp_rt_timer *t)
{
	rt->env->timer_free(rt->env_ctx, t);
}

/* ---- reason texts ---- */

void rt_reason_free(const char **slot)
{
	text_free(slot);
}

void rt_reason_set(const char **slot, size_t cap, const char *fmt, ...)
{
	char buf[VRRP_RT_LAST_REASON_MAX];
	va_list ap;

	if (cap > sizeof(buf))
		cap = sizeof(buf);
	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	text_set(slot, buf);
}

/* ---- logging ----
 *
 * Lines go to the log descriptor (stderr) through a queue that never
 * blocks (util/logq.h): a reader that stops (`vipd -f | less` paused, a
 * stuck journald) must not stop the event loop and with it the adverts.
 * What waits is written when the environment says the descriptor is
 * writable (log_watch), else before the next line. */

static const char *const level_names[] = {"error", "warning", "info", "debug"};

/* Longest line kept whole; longer ones are cut (and end in "..."). */
#define RT_LOG_LINE_MAX 8192

struct vrrp_rt_log {
	struct logq q;
	void *io; /* the environment's (log_watch) */
};

int rt_log_init(struct vrrp_rt *rt)
{
	rt->log = calloc(1, sizeof(*rt->log));
	if (!rt->log)
		return -ENOMEM;
	return logq_init(&rt->log->q, STDERR_FILENO, LOGQ_DEFAULT_CAP);
}

void rt_log_done(struct vrrp_rt *rt)
{
	if (!rt->log)
		return;
	if (rt->env && rt->env->log_unwatch)
		rt->env->log_unwatch(rt->env_ctx, &rt->log->io);
	logq_done(&rt->log->q);
	free(rt->log);
	rt->log = NULL;
}

int vrrp_rt_log_to(struct vrrp_rt *rt, int fd)
{
	if (rt->env && rt->env->log_unwatch)
		rt->env->log_unwatch(rt->env_ctx, &rt->log->io);
	return logq_set_fd(&rt->log->q, fd);
}

/* "2026-12-06 21:00:00.123 warning: " into buf; its length. */
static size_t format_prefix(const struct vrrp_rt *rt, enum vrrp_rt_log_level lvl, char *buf,
			    size_t size)
{
	int64_t now = rt && rt->env ? rt_wall_ms(rt) : vrrp_rt_wall_ms();
	time_t secs = (time_t)(now / 1000);
	struct tm tm;
	char ts[32];
	int n;

	localtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	n = snprintf(buf, size, "%s.%03d %s: ", ts, (int)(now % 1000), level_names[lvl]);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* After a line or a flush: once nothing waits, say how many lines were
 * dropped; while something waits, ask to be told when fd can take it. */
static void log_settle(const struct vrrp_rt *rt)
{
	struct vrrp_rt_log *l = rt->log;

	if (logq_pending(&l->q) == 0 && l->q.dropped > 0) {
		char line[128];
		size_t len = format_prefix(rt, VRRP_RT_LOG_WARN, line, sizeof(line));
		uint64_t n = logq_take_dropped(&l->q);

		len += (size_t)snprintf(line + len, sizeof(line) - len, "%llu log lines dropped\n",
					(unsigned long long)n);
		if (!logq_put(&l->q, line, len, true))
			l->q.dropped = n; /* tried again with the next line */
	}
	/* only while bytes wait: a descriptor that failed for good (EPIPE)
	 * is always "writable" and would spin the loop */
	if (logq_pending(&l->q) > 0 && rt->env && rt->env->log_watch)
		(void)rt->env->log_watch(rt->env_ctx, l->q.fd, &l->io);
}

void vrrp_rt_log_flush(struct vrrp_rt *rt)
{
	(void)logq_flush(&rt->log->q);
	log_settle(rt);
}

/* Stamped with the runtime's wall clock (a test's fake one under test). */
void vrrp_rt_vlog(const struct vrrp_rt *rt, enum vrrp_rt_log_level lvl, const char *fmt, va_list ap)
{
	char line[RT_LOG_LINE_MAX];
	size_t len;
	int n;

	if (rt && lvl > rt->log_level)
		return;
	len = format_prefix(rt, lvl, line, sizeof(line));
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line) - len - 1) { /* cut: room for "...\n" */
		len = sizeof(line) - 5;
		memcpy(line + len, "...", 3);
		len += 3;
	} else {
		len += (size_t)n;
	}
	line[len++] = '\n';
	if (!rt || !rt->log) { /* no runtime yet: as stdio would, once */
		(void)!write(STDERR_FILENO, line, len);
		return;
	}
	(void)logq_put(&rt->log->q, line, len, false);
	log_settle(rt);
}

void vrrp_rt_log(const struct vrrp_rt *rt, enum vrrp_rt_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrrp_rt_vlog(rt, lvl, fmt, ap);
	va_end(ap);
}

void vrrp_inst_log(const struct vrrp_inst *inst, enum vrrp_rt_log_level lvl, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (lvl > inst->rt->log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vrrp_rt_log(inst->rt, lvl, "[vr %s vrid %u] %s", inst->spec.name, inst->spec.vrid, msg);
}

/* ---- namespaces ---- */

struct nl_sock *rt_nl(struct vrrp_rt *rt, const char *netns, int *err)
{
	struct nl_sock *sk = NULL;

	*err = net_nl_get(&rt->net, netns, &sk);
	return *err < 0 ? NULL : sk;
}

bool rt_find_link_local(struct vrrp_rt *rt, const char *netns, int ifindex, struct ip_addr *out)
{
	struct vip_found *f;
	bool found = false;
	size_t n;

	if (rt->env->addr_list(rt->env_ctx, netns, ifindex, &f, &n) < 0)
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		/* a tentative address cannot be a source yet (DAD running) */
		if (f[i].addr.family == IP_V6 && ip_is_link_local(&f[i].addr) &&
		    !(f[i].flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))) {
			*out = f[i].addr;
			out->plen = 128;
			found = true;
		}
	}
	free(f);
	return found;
}
