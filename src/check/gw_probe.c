/* Gateway probe driver: timing, the fall/rise funnel, the callback. The
 * wire I/O is the kind's (gw_arp.c, gw_nd.c). */
#include "check/gw_probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <event2/event.h>

#include "check/check_io.h"
#include "check/gw_arp.h"
#include "check/gw_nd.h"
#include "check/gw_probe_internal.h"

#define GW_MIN_INTERVAL_MS 10
#define GW_RX_BURST	   32 /* frames per wake-up: the loop has others */

static void arm_ms(struct event *ev, uint64_t ms)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000), .tv_usec = (long)(ms % 1000) * 1000};

	event_add(ev, &tv);
}

/* ---- results ---- */

/* Every result ends here. The callback runs from its own event, so that
 * nothing of the probe is touched after it (it may free the probe). */
static void gw_result(struct gw_probe *p, bool ok, const char *detail)
{
	uint64_t now = check_now_ms();

	if (p->settling && (ok || now >= p->settle_until_ms))
		p->settling = false;
	if (p->settling) {
		/* the link just returned and may not forward yet: not a verdict */
		char text[CHECK_TEXT_MAX];

		snprintf(text, sizeof(text), "%.100s (link settling)", detail);
		check_note(&p->cs, text);
		return;
	}
	if (check_result(&p->cs, ok, now, detail) != CHECK_CHANGE_NONE)
		event_active(p->notify, EV_TIMEOUT, 0);
}

static void gw_notify(evutil_socket_t fd, short what, void *arg)
{
	struct gw_probe *p = arg;

	(void)fd;
	(void)what;
	if (p->cs.status == p->notified)
		return;
	p->notified = p->cs.status;
	p->cb(p->arg, p->cs.status != CHECK_DOWN, p->cs.reason);
}

static void gw_close(struct gw_probe *p)
{
	if (p->rx) {
		event_free(p->rx);
		p->rx = NULL;
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* After a failure: is the socket still bound to the interface of that
 * name? A deleted (and maybe re-created) interface gets a new index; the
 * socket is then reopened at the next probe. The MAC is re-read too (a
 * bond may have taken another one). */
static void gw_recheck_iface(struct gw_probe *p)
{
	struct ifreq ifr = {0};

	p->unicast = false; /* the next ARP probe is broadcast */
	if (p->fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->ifname);
	if (ioctl(p->fd, SIOCGIFINDEX, &ifr) < 0 || ifr.ifr_ifindex != p->ifindex) {
		gw_close(p);
		return;
	}
	if (ioctl(p->fd, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(p->mac, ifr.ifr_hwaddr.sa_data, sizeof(p->mac));
}

static void gw_fail(struct gw_probe *p, const char *what, int err)
{
	char detail[CHECK_TEXT_MAX];

	if (what)
		snprintf(detail, sizeof(detail), "%s unreachable: %s %s: %s", p->subject, what,
			 p->ifname, strerror(-err));
	else
		snprintf(detail, sizeof(detail), "%s unreachable", p->subject);
	gw_recheck_iface(p);
	gw_result(p, false, detail);
}

/* ---- the socket ---- */

static void gw_on_rx(evutil_socket_t fd, short what, void *arg)
{
	struct gw_probe *p = arg;
	char detail[CHECK_TEXT_MAX];
	uint64_t now;
	int r = 0;

	(void)fd;
	(void)what;
	for (int i = 0; i < GW_RX_BURST; i++) {
		r = p->kind->recv(p);
		if (r == 1 && !p->outstanding)
			p->late++; /* after its timeout, or unasked for */
		else if (r == 1 || r < 0)
			break;
	}
	if (r != 1 || !p->outstanding)
		return;
	now = check_now_us();
	p->outstanding = false;
	event_del(p->expire);
	p->answered++;
	p->last_rtt_us = (uint32_t)(now - p->sent_us);
	p->unicast = p->gw_mac_known;
	snprintf(detail, sizeof(detail), "%s answers", p->subject);
	gw_result(p, true, detail);
}

static int gw_open(struct gw_probe *p)
{
	int err = p->kind->open(p);

	if (err < 0)
		return err;
	p->rx = event_new(p->base, p->fd, EV_READ | EV_PERSIST, gw_on_rx, p);
	if (!p->rx || event_add(p->rx, NULL) < 0) {
		gw_close(p);
		return -ENOMEM;
	}
	return 0;
}

/* ---- timing ---- */

static void gw_on_expire(evutil_socket_t fd, short what, void *arg)
{
	struct gw_probe *p = arg;

	(void)fd;
	(void)what;
	if (!p->outstanding)
		return;
	p->outstanding = false;
	gw_fail(p, NULL, 0);
}

/* Deadline-based: the next tick is due interval_ms after the last one was
 * due, not after it ran, so a busy loop does not stretch the period. A
 * loop that fell behind by more than a period skips ahead instead of
 * firing a burst. */
static void gw_schedule(struct gw_probe *p)
{
	uint64_t now = check_now_ms();

	p->next_ms += p->cfg.interval_ms;
	if (p->next_ms <= now)
		p->next_ms = now + p->cfg.interval_ms;
	arm_ms(p->tick, p->next_ms - now);
}

static void gw_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct gw_probe *p = arg;
	int err;

	(void)fd;
	(void)what;
	gw_schedule(p);
	if (p->outstanding) {
		/* timeout == interval and the tick won the race */
		p->outstanding = false;
		event_del(p->expire);
		gw_fail(p, NULL, 0);
	}
	if (p->fd < 0 && (err = gw_open(p)) < 0) {
		p->send_errors++;
		gw_fail(p, "open", err);
		return;
	}
	err = p->kind->send(p);
	if (err < 0) {
		p->send_errors++;
		if (p->cfg.send_failed)
			p->cfg.send_failed(p->arg, err);
		gw_fail(p, "send on", err);
		return;
	}
	p->sent++;
	p->sent_us = check_now_us();
	p->outstanding = true;
	arm_ms(p->expire, p->cfg.timeout_ms);
}

/* ---- API ---- */

static bool gw_cfg_valid(const struct gw_probe_cfg *cfg)
{
	const char *ns = cfg->netns ? cfg->netns : "";

	if (!cfg->ifname || !*cfg->ifname || strlen(cfg->ifname) >= IFNAMSIZ ||
	    strlen(ns) >= LIVE_NS_MAX)
		return false;
	if ((cfg->family != IP_V4 && cfg->family != IP_V6) || cfg->own.family != cfg->family ||
	    cfg->gateway.family != cfg->family)
		return false;
	return cfg->interval_ms >= GW_MIN_INTERVAL_MS && cfg->timeout_ms > 0;
}

static void gw_init(struct gw_probe *p, const struct gw_probe_cfg *cfg)
{
	char gw[IP_STR_MAX];

	snprintf(p->netns, sizeof(p->netns), "%s", cfg->netns ? cfg->netns : "");
	snprintf(p->ifname, sizeof(p->ifname), "%s", cfg->ifname);
	p->cfg = *cfg;
	p->cfg.netns = p->netns;
	p->cfg.ifname = p->ifname;
	if (p->cfg.timeout_ms > p->cfg.interval_ms)
		p->cfg.timeout_ms = p->cfg.interval_ms;
	p->kind = cfg->family == IP_V4 ? &gw_arp_kind : &gw_nd_kind;
	snprintf(p->subject, sizeof(p->subject), "gateway %s", ip_ntop(&cfg->gateway, gw));
	p->fd = -1;
	check_state_init(&p->cs, cfg->fall, cfg->rise, true);
	p->notified = CHECK_UNKNOWN;
}

struct gw_probe *gw_probe_new(struct event_base *base, struct net_ctx *ctx,
			      const struct gw_probe_cfg *cfg, gw_probe_cb cb, void *arg)
{
	struct gw_probe *p;

	if (!cfg || !cb || !gw_cfg_valid(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->base = base;
	p->ctx = ctx;
	p->cb = cb;
	p->arg = arg;
	gw_init(p, cfg);
	p->tick = evtimer_new(base, gw_on_tick, p);
	p->expire = evtimer_new(base, gw_on_expire, p);
	p->notify = event_new(base, -1, 0, gw_notify, p);
	if (!p->tick || !p->expire || !p->notify) {
		gw_probe_free(p);
		errno = ENOMEM;
		return NULL;
	}
	/* the first probe goes out as soon as the loop runs */
	p->next_ms = check_now_ms();
	arm_ms(p->tick, 0);
	return p;
}

void gw_probe_state(const struct gw_probe *p, struct gw_probe_status *out)
{
	memset(out, 0, sizeof(*out));
	out->method = p->kind->method;
	out->status = p->cs.status;
	out->ok_run = p->cs.ok_run;
	out->fail_run = p->cs.fail_run;
	out->last_change_ms = p->cs.last_change_ms;
	out->changes = p->cs.changes;
	snprintf(out->reason, sizeof(out->reason), "%s", p->cs.reason);
	snprintf(out->detail, sizeof(out->detail), "%s", p->cs.detail);
	out->sent = p->sent;
	out->answered = p->answered;
	out->late = p->late;
	out->discarded = p->discarded;
	out->send_errors = p->send_errors;
	out->last_rtt_us = p->last_rtt_us;
	out->gw_mac_known = p->gw_mac_known;
	memcpy(out->gw_mac, p->gw_mac, sizeof(out->gw_mac));
}

bool gw_probe_healthy(const struct gw_probe *p)
{
	return check_healthy(&p->cs);
}

/* While the link is down nothing is sent, so nothing fails either. */
static void gw_pause(struct gw_probe *p, const char *reason)
{
	p->paused = true;
	p->outstanding = false;
	event_del(p->tick);
	event_del(p->expire);
	check_force_down(&p->cs, check_now_ms(), reason);
	event_active(p->notify, EV_TIMEOUT, 0);
}

static void gw_resume(struct gw_probe *p)
{
	char text[CHECK_TEXT_MAX];

	p->paused = false;
	snprintf(text, sizeof(text), "%s: link back, judged afresh", p->subject);
	check_restart(&p->cs, check_now_ms(), text);
	p->settling = p->cfg.link_settle_ms > 0;
	p->settle_until_ms = check_now_ms() + p->cfg.link_settle_ms;
	p->unicast = false; /* the gateway's MAC may have changed meanwhile */
	p->next_ms = check_now_ms();
	arm_ms(p->tick, 0);
	event_active(p->notify, EV_TIMEOUT, 0);
}

void gw_probe_set_link(struct gw_probe *p, bool up, const char *reason)
{
	char text[CHECK_TEXT_MAX];

	if (!p || up != p->paused)
		return;
	if (up) {
		gw_resume(p);
		return;
	}
	snprintf(text, sizeof(text), "%s unreachable: %s", p->subject,
		 reason ? reason : "link down");
	gw_pause(p, text);
}

void gw_probe_free(struct gw_probe *p)
{
	if (!p)
		return;
	gw_close(p);
	if (p->tick)
		event_free(p->tick);
	if (p->expire)
		event_free(p->expire);
	if (p->notify)
		event_free(p->notify);
	check_state_done(&p->cs);
	free(p);
}
