/* Runtime top level: init/done, clocks, logging, drain, shutdown. */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int vrrp_rt_init(struct vrrp_rt *rt, struct event_base *base)
{
	memset(rt, 0, sizeof(*rt));
	rt->base = base;
	rt->log_level = VRRP_RT_LOG_INFO;
	return net_ctx_init(&rt->net);
}

void vrrp_rt_done(struct vrrp_rt *rt)
{
	for (size_t i = 0; i < rt->n_insts; i++)
		rt_inst_free(rt->insts[i]);
	free(rt->insts);
	rt->insts = NULL;
	rt->n_insts = 0;
	/* sockets and VIP sides went with their last instance */
	free(rt->socks);
	rt->socks = NULL;
	free(rt->vsides);
	rt->vsides = NULL;
	net_ctx_done(&rt->net);
}

void vrrp_rt_shutdown(struct vrrp_rt *rt)
{
	for (size_t i = 0; i < rt->n_insts; i++)
		rt_inst_stop(rt->insts[i]);
}

void vrrp_rt_set_drained(struct vrrp_rt *rt, bool drained)
{
	struct vrrp_fsm_event ev = {.type = drained ? VRRP_FSM_EV_DRAIN : VRRP_FSM_EV_UNDRAIN};

	if (rt->drained == drained)
		return;
	rt->drained = drained;
	vrrp_rt_log(rt, VRRP_RT_LOG_INFO, "%s: %zu instances", drained ? "drain" : "undrain",
		    rt->n_insts);
	for (size_t i = 0; i < rt->n_insts; i++)
		rt_inst_step(rt->insts[i], &ev);
}

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
