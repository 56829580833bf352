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

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <linux/if_addr.h>

#include "net/vip.h"
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

/* ---- logging ---- */

static const char *const level_names[] = {"error", "warning", "info", "debug"};

/* Stamped with the runtime's wall clock (a test's fake one under test). */
void vrrp_rt_vlog(const struct vrrp_rt *rt, enum vrrp_rt_log_level lvl, const char *fmt, va_list ap)
{
	int64_t now = rt && rt->env ? rt_wall_ms(rt) : vrrp_rt_wall_ms();
	time_t secs = (time_t)(now / 1000);
	struct tm tm;
	char ts[32];

	if (rt && lvl > rt->log_level)
		return;
	localtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03d %s: ", ts, (int)(now % 1000), level_names[lvl]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
