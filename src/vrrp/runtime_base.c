/* The runtime's bottom layer, below every other runtime file: clocks,
 * logging, namespaces and their netlink sockets, the link-local lookup.
 * It calls no other runtime file (see runtime_internal.h).
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

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void vrrp_rt_vlog(const struct vrrp_rt *rt, enum vrrp_rt_log_level lvl, const char *fmt, va_list ap)
{
	int64_t now = vrrp_rt_wall_ms();
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
	int err;
	struct nl_sock *nl = rt_nl(rt, netns, &err);
	bool found = false;
	size_t n;

	if (!nl || vip_list(nl, ifindex, &f, &n) < 0)
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
