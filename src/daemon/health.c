/* Health: the checks behind the clusterIpMethods, shared per interface,
 * and their verdict per instance (health.h). */
#include "daemon/health_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "check/link_watch.h"
#include "util/text.h"

#define LINK_RETRY_MS 1000 /* a namespace that is not there yet */

static const char *ns_prefix(const char *netns)
{
	return *netns ? "/" : "";
}

/* ---- judging ---- */

/* Failing signals (each its own reason), signals not judged yet (pending:
 * the instance does not preempt until they are), and signals that cannot
 * be judged at all (assumed up, not pending: they never will be). */
struct verdict {
	char down[VRRP_RT_REASON_MAX];
	char unknown[VRRP_RT_REASON_MAX];
	char unjudgeable[VRRP_RT_REASON_MAX];
};

/* Appends text, after "; " if buf holds some already; cut to fit. */
static void add_text(char *buf, size_t len, const char *text)
{
	size_t n = strlen(buf), k = strlen(text);

	if (n && n + 2 < len) {
		memcpy(buf + n, "; ", 2);
		n += 2;
	}
	if (k > len - 1 - n)
		k = len - 1 - n;
	memcpy(buf + n, text, k);
	buf[n + k] = '\0';
}

static void judge_link(const struct health_link *l, struct verdict *v)
{
	const struct check_state *cs;
	char text[CHECK_TEXT_MAX];

	if (!l->item) {
		add_text(v->down, sizeof(v->down), l->error);
		return;
	}
	cs = link_watch_item_state(l->item);
	if (cs->status == CHECK_DOWN) {
		add_text(v->down, sizeof(v->down), cs->detail);
	} else if (cs->status == CHECK_UNKNOWN) {
		snprintf(text, sizeof(text), "link %s not judged yet", l->ifname);
		add_text(v->unknown, sizeof(v->unknown), text);
	}
}

static void judge_gw(const struct health_gw *g, struct verdict *v)
{
	struct gw_probe_status st;
	char text[CHECK_TEXT_MAX], a[IP_STR_MAX];

	ip_ntop(&g->cfg.gateway, a);
	if (!g->probe) {
		snprintf(text, sizeof(text), "gateway %s not probed (could not start)", a);
		add_text(v->unjudgeable, sizeof(v->unjudgeable), text);
		return;
	}
	gw_probe_state(g->probe, &st);
	if (st.status == CHECK_UNKNOWN && g->inherited == CHECK_DOWN) {
		add_text(v->down, sizeof(v->down), g->inherited_reason);
	} else if (st.status == CHECK_DOWN) {
		add_text(v->down, sizeof(v->down), st.reason);
	} else if (st.status == CHECK_UNKNOWN) {
		snprintf(text, sizeof(text), "gateway %s not judged yet", a);
		add_text(v->unknown, sizeof(v->unknown), text);
	}
}

/* A tracked service check: a bare one failing is a failing signal (the
 * instance resigns, as for `link`); a weighted one failing adds its weight
 * to the instance's priority delta instead. */
static void judge_track(struct health_bind *b, struct verdict *v, char *delta_reason, size_t len)
{
	char text[VRRP_RT_REASON_MAX];

	b->own_delta = 0;
	delta_reason[0] = '\0';
	for (size_t i = 0; i < b->n_track; i++) {
		const struct health_svc *s = b->track[i];

		if (!s)
			continue;
		if (!s->probe) {
			add_text(v->unjudgeable, sizeof(v->unjudgeable), s->error);
			continue;
		}
		if (s->cs.status == CHECK_UNKNOWN && !b->weight[i]) {
			snprintf(text, sizeof(text), "check %s not judged yet", s->name);
			add_text(v->unknown, sizeof(v->unknown), text);
		}
		if (s->cs.status != CHECK_DOWN)
			continue;
		if (!b->weight[i]) {
			add_text(v->down, sizeof(v->down), s->cs.reason);
			continue;
		}
		b->own_delta += b->weight[i];
		snprintf(text, sizeof(text), "%s %+d", s->name, (int)b->weight[i]);
		add_text(delta_reason, len, text);
	}
}

/* b's own reason: text, kept only when it changed. */
static void set_own_reason(struct health_bind *b, const char *text)
{
	char *copy;

	if (b->own_reason && strcmp(b->own_reason, text) == 0)
		return;
	copy = text[0] ? strdup(text) : NULL;
	free(b->own_reason);
	b->own_reason = copy;
}

static const char *own_reason(const struct health_bind *b)
{
	return b->own_reason ? b->own_reason : "";
}

/* The instance's own health from its signals. UNKNOWN counts as up, but
 * pending: a node whose checks have not risen since they (re)started does
 * not preempt. delta_reason: the failing weighted checks. */
static void judge_own(struct vrrp_inst *inst, struct health_bind *b, char *delta_reason, size_t len)
{
	struct verdict v = {{0}};
	char text[VRRP_RT_REASON_MAX];

	if (b->link)
		judge_link(b->link, &v);
	if (b->gw)
		judge_gw(b->gw, &v);
	judge_track(b, &v, delta_reason, len);
	b->own_healthy = !v.down[0];
	b->own_pending = b->own_healthy && v.unknown[0];
	if (v.down[0])
		snprintf(text, sizeof(text), "%s", v.down);
	else if (v.unknown[0])
		snprintf(text, sizeof(text), "healthy: %.80s (pending: no preemption yet)",
			 v.unknown);
	else if (v.unjudgeable[0])
		snprintf(text, sizeof(text), "healthy: %.100s (assumed up)", v.unjudgeable);
	else if (inst->spec.method == METHOD_VRRP && !b->n_track)
		snprintf(text, sizeof(text), "clusterIpMethod vrrp: always healthy");
	else
		snprintf(text, sizeof(text), "healthy");
	set_own_reason(b, text);
}

/* Whether a member lets its group keep the slot: its own signals, its
 * advert interface (FAULT) and its VIPs (one it cannot hold). */
static bool member_eligible(const struct vrrp_inst *inst, const struct health_bind *b, char *why,
			    size_t len)
{
	if (!b->own_healthy)
		snprintf(why, len, "%.40s: %.80s", inst->spec.name, own_reason(b));
	else if (inst->fsm.link_down)
		snprintf(why, len, "%.40s: advert interface down", inst->spec.name);
	else if (inst->hold_reason[0])
		snprintf(why, len, "%.40s: %.80s", inst->spec.name, inst->hold_reason);
	else
		return true;
	return false;
}

/* A sync group (docs/checks.md): while any member is not eligible, every
 * member is unhealthy (they hand over together); the priority delta is the
 * sum of the failing weighted checks of all members, each check counted
 * once, so that the members keep advertising alike. */
static void judge_group(struct health *h, size_t g)
{
	char why[VRRP_RT_REASON_MAX] = "", reason[VRRP_RT_REASON_MAX];
	char delta_reason[VRRP_RT_REASON_MAX] = "";
	bool ok = true, pending = false;
	int delta = 0;

	for (size_t i = 0; i < h->rt->n_insts; i++) {
		struct vrrp_inst *inst = h->rt->insts[i];
		const struct health_bind *b = inst->hook_data;

		if (!b || b->group != g)
			continue;
		if (ok && !member_eligible(inst, b, why, sizeof(why)))
			ok = false;
		pending |= b->own_pending;
		for (size_t k = 0; k < b->n_track; k++) {
			struct health_svc *s = b->track[k];

			if (!s || !b->weight[k] || s->cs.status != CHECK_DOWN ||
			    s->counted == h->gen_judge)
				continue;
			s->counted = h->gen_judge;
			delta += b->weight[k];
			snprintf(reason, sizeof(reason), "%s %+d", s->name, (int)b->weight[k]);
			add_text(delta_reason, sizeof(delta_reason), reason);
		}
	}
	h->gen_judge++;
	snprintf(reason, sizeof(reason), "sync group %s: %.90s", h->rec->groups[g].name, why);
	for (size_t i = 0; i < h->rt->n_insts; i++) {
		struct vrrp_inst *inst = h->rt->insts[i];
		const struct health_bind *b = inst->hook_data;

		if (!b || b->group != g)
			continue;
		if (!b->own_healthy)
			vrrp_inst_set_healthy(inst, false, false, own_reason(b));
		else if (!ok)
			vrrp_inst_set_healthy(inst, false, false, reason);
		else
			vrrp_inst_set_healthy(inst, true, pending, own_reason(b));
		vrrp_inst_set_weight(inst, delta, delta_reason);
	}
}

static void judge(struct vrrp_inst *inst)
{
	struct health_bind *b = inst->hook_data;
	struct health *h = inst->rt->hooks.arg;
	char delta_reason[VRRP_RT_REASON_MAX];

	if (!b) {
		vrrp_inst_set_healthy(inst, true, false, "clusterIpMethod vrrp: always healthy");
		return;
	}
	judge_own(inst, b, delta_reason, sizeof(delta_reason));
	if (b->group != NODE_RECORD_NONE && h && h->rec) {
		judge_group(h, b->group);
		return;
	}
	vrrp_inst_set_healthy(inst, b->own_healthy, b->own_pending, own_reason(b));
	vrrp_inst_set_weight(inst, b->own_delta, delta_reason);
}

/* Whether the advert interface is up, for the state machine's FAULT. A
 * link that cannot be watched or is not judged yet counts as up: the
 * socket tells the rest. */
static void judge_advert(struct vrrp_inst *inst)
{
	const struct health_bind *b = inst->hook_data;
	const struct check_state *cs;

	if (!b || !b->advert || !b->advert->item)
		return;
	cs = link_watch_item_state(b->advert->item);
	vrrp_inst_set_link(inst, cs->status != CHECK_DOWN, cs->detail);
}

static bool uses_check(const struct health_bind *b, const void *check)
{
	if (!b)
		return false;
	for (size_t i = 0; i < b->n_track; i++)
		if (b->track[i] == check)
			return true;
	return b->link == check || b->gw == check || b->advert == check ||
	       (b->gw && b->gw->link == check);
}

/* A signal changed: the instances judged by it are judged again. A link
 * that went down puts the instance in FAULT before its health is judged
 * (nothing is sent on a dead link); one that came back is judged first,
 * so that the instance is back in BACKUP knowing its checks are pending. */
static void rejudge_users(struct health *h, const void *check, bool link_up)
{
	for (size_t i = 0; i < h->rt->n_insts; i++) {
		struct vrrp_inst *inst = h->rt->insts[i];
		const struct health_bind *b = inst->hook_data;

		if (!uses_check(b, check))
			continue;
		if (b->advert == check && !link_up)
			judge_advert(inst);
		judge(inst);
		if (b->advert == check && link_up)
			judge_advert(inst);
	}
}

/* The gateway probes on a link follow it: paused while it is down, judged
 * afresh when it returns (gw_probe_set_link). */
static void gws_follow_link(struct health *h, const struct health_link *l, bool up,
			    const char *reason)
{
	for (size_t i = 0; i < h->n_gws; i++)
		if (h->gws[i]->link == l && h->gws[i]->probe)
			gw_probe_set_link(h->gws[i]->probe, up, reason);
}

static void on_link(void *arg, bool up, const char *reason)
{
	struct health_link *l = arg;

	l->told_wall_ms = vrrp_rt_wall_ms();
	l->changes_told = link_watch_item_state(l->item)->changes;
	vrrp_rt_log(l->h->rt, up ? VRRP_RT_LOG_INFO : VRRP_RT_LOG_WARN, "[check %s%s%s] %s",
		    l->netns, ns_prefix(l->netns), l->ifname, reason);
	gws_follow_link(l->h, l, up, reason);
	rejudge_users(l->h, l, up);
}

static void on_gw(void *arg, bool up, const char *reason)
{
	struct health_gw *g = arg;
	struct gw_probe_status st;

	gw_probe_state(g->probe, &st);
	g->told_wall_ms = vrrp_rt_wall_ms();
	g->changes_told = st.changes;
	vrrp_rt_log(g->h->rt, up ? VRRP_RT_LOG_INFO : VRRP_RT_LOG_WARN, "[check %s%s%s %s] %s",
		    g->netns, ns_prefix(g->netns), g->ifname, ip_family_name(g->cfg.family),
		    reason);
	rejudge_users(g->h, g, true);
}

/* ---- link checks ---- */

static void on_link_retry(evutil_socket_t fd, short what, void *arg);

static void link_try(struct health_link *l)
{
	struct timeval tv = {.tv_sec = LINK_RETRY_MS / 1000,
			     .tv_usec = (LINK_RETRY_MS % 1000) * 1000};
	char error[CHECK_TEXT_MAX];
	int err = link_watch_add(l->h->lw, l->netns, l->ifname, on_link, l, &l->item);

	if (err == 0) {
		if (l->error[0])
			vrrp_rt_log(l->h->rt, VRRP_RT_LOG_INFO, "[check %s%s%s] watching now",
				    l->netns, ns_prefix(l->netns), l->ifname);
		text_free(&l->error);
		return;
	}
	l->item = NULL;
	snprintf(error, sizeof(error), "link %s%s%s cannot be watched: %s", l->netns,
		 ns_prefix(l->netns), l->ifname, strerror(-err));
	if (strcmp(error, l->error) != 0)
		vrrp_rt_log(l->h->rt, VRRP_RT_LOG_WARN, "[check] %s (retrying every %d ms)", error,
			    LINK_RETRY_MS);
	text_set(&l->error, error);
	if (!l->retry)
		l->retry = evtimer_new(l->h->rt->base, on_link_retry, l);
	if (l->retry)
		evtimer_add(l->retry, &tv);
	else
		vrrp_rt_log(l->h->rt, VRRP_RT_LOG_ERR, "[check %s%s%s] cannot retry: out of memory",
			    l->netns, ns_prefix(l->netns), l->ifname);
}

static void on_link_retry(evutil_socket_t fd, short what, void *arg)
{
	struct health_link *l = arg;

	(void)fd;
	(void)what;
	link_try(l);
	if (l->item)
		rejudge_users(l->h, l, true); /* from "cannot be watched" to not judged yet */
}

static void link_free(struct health *h, struct health_link *l)
{
	if (l->item)
		link_watch_del(h->lw, l->item);
	if (l->retry)
		event_free(l->retry);
	text_free(&l->error);
	free(l);
}

/* A new link check, started. NULL on ENOMEM. */
static struct health_link *link_new(struct health *h, const struct node_link_check *c)
{
	struct health_link *l, **nv = realloc(h->links, (h->n_links + 1) * sizeof(*nv));

	if (!nv)
		return NULL;
	h->links = nv;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->h = h;
	l->gen = h->gen;
	snprintf(l->netns, sizeof(l->netns), "%s", c->netns);
	snprintf(l->ifname, sizeof(l->ifname), "%s", c->ifname);
	l->error = text_empty;
	h->links[h->n_links++] = l;
	vrrp_rt_log(h->rt, VRRP_RT_LOG_INFO, "[check %s%s%s] watching the link", l->netns,
		    ns_prefix(l->netns), l->ifname);
	link_try(l);
	return l;
}

/* ---- gateway checks ---- */

static bool gw_cfg_same(const struct gw_probe_cfg *a, const struct gw_probe_cfg *b)
{
	return a->family == b->family && ip_equal(&a->own, &b->own) &&
	       ip_equal(&a->gateway, &b->gateway) && a->interval_ms == b->interval_ms &&
	       a->timeout_ms == b->timeout_ms && a->fall == b->fall && a->rise == b->rise;
}

static void gw_cfg_from_record(const struct node_gw_check *c, struct gw_probe_cfg *out)
{
	memset(out, 0, sizeof(*out));
	out->family = c->family;
	out->own = c->own;
	out->gateway = c->gateway;
	out->interval_ms = c->interval_ms;
	out->timeout_ms = c->timeout_ms;
	out->fall = c->fall;
	out->rise = c->rise;
	out->link_settle_ms = MODEL_LINK_SETTLE_MS;
}

/* A packet the link refused: the link watch asks the kernel now (its
 * carrier event may come up to 1 s late, see link_watch_recheck). */
static void link_recheck(struct health_link *l)
{
	if (l && l->item)
		link_watch_recheck(l->item);
}

static void gw_send_failed(void *arg, int err)
{
	struct health_gw *g = arg;

	(void)err;
	link_recheck(g->link);
}

static void gw_start(struct health *h, struct health_gw *g)
{
	char gw[IP_STR_MAX], own[IP_STR_MAX];

	ip_ntop(&g->cfg.gateway, gw);
	ip_ntop(&g->cfg.own, own);
	g->cfg.send_failed = gw_send_failed;
	g->probe = gw_probe_new(h->rt->base, &h->rt->net, &g->cfg, on_gw, g);
	if (!g->probe) {
		vrrp_rt_log(h->rt, VRRP_RT_LOG_ERR,
			    "[check %s%s%s] cannot probe gateway %s: %s; its instances stay "
			    "healthy",
			    g->netns, ns_prefix(g->netns), g->ifname, gw, strerror(errno));
		return;
	}
	vrrp_rt_log(h->rt, VRRP_RT_LOG_INFO,
		    "[check %s%s%s] probing gateway %s from %s every %u ms (timeout %u ms, fall "
		    "%u, rise %u)",
		    g->netns, ns_prefix(g->netns), g->ifname, gw, own, g->cfg.interval_ms,
		    g->cfg.timeout_ms, g->cfg.fall, g->cfg.rise);
}

/* A new probe of the same gateway as a running one (its settings changed
 * on reload) starts from that one's verdict. */
static void gw_inherit(struct health_gw *g, const struct health_gw *old)
{
	struct gw_probe_status st;

	if (!old || !old->probe || !ip_equal(&old->cfg.gateway, &g->cfg.gateway))
		return;
	gw_probe_state(old->probe, &st);
	g->inherited = st.status;
	snprintf(g->inherited_reason, sizeof(g->inherited_reason), "%.120s (before reload)",
		 st.reason);
}

/* A probe started while its link is known to be down starts paused. */
static void gw_follow_current_link(struct health_gw *g)
{
	const struct check_state *cs =
	    g->link && g->link->item ? link_watch_item_state(g->link->item) : NULL;

	if (cs && cs->status == CHECK_DOWN && g->probe)
		gw_probe_set_link(g->probe, false, cs->detail);
}

/* A new gateway check, started (g->probe NULL when it could not start,
 * logged); old: the check of the same (namespace, interface, family) it
 * replaces, or NULL. NULL on ENOMEM. */
static struct health_gw *gw_new(struct health *h, const struct gw_probe_cfg *cfg,
				const struct node_gw_check *c, struct health_link *link,
				const struct health_gw *old)
{
	struct health_gw *g, **nv = realloc(h->gws, (h->n_gws + 1) * sizeof(*nv));

	if (!nv)
		return NULL;
	h->gws = nv;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->h = h;
	g->gen = h->gen;
	snprintf(g->netns, sizeof(g->netns), "%s", c->netns);
	snprintf(g->ifname, sizeof(g->ifname), "%s", c->ifname);
	g->cfg = *cfg;
	g->cfg.netns = g->netns;
	g->cfg.ifname = g->ifname;
	g->link = link;
	h->gws[h->n_gws++] = g;
	gw_inherit(g, old);
	gw_start(h, g);
	gw_follow_current_link(g);
	return g;
}

static void gw_free(struct health_gw *g)
{
	gw_probe_free(g->probe);
	free(g);
}

/* ---- binding ---- */

/* The instance's entry in the record in force, NULL if none (the record
 * could not be taken in: out of memory). */
static const struct node_inst *record_inst(const struct health *h, const struct vrrp_inst *inst)
{
	size_t i = inst->spec.record_index;

	return h->rec && i < h->rec->n_insts ? &h->rec->insts[i] : NULL;
}

static void count(size_t *n, bool add)
{
	if (add)
		(*n)++;
	else
		(*n)--;
}

/* The users of each check (once per instance, as health_link_get says). */
static void bind_count(const struct health_bind *b, bool add)
{
	if (b->link)
		count(&b->link->users, add);
	if (b->advert && b->advert != b->link)
		count(&b->advert->users, add);
	if (b->gw)
		count(&b->gw->users, add);
	for (size_t i = 0; i < b->n_track; i++)
		if (b->track[i])
			count(&b->track[i]->users, add);
}

/* vrrp.track: the instance's service checks and their weights. */
static void bind_track(struct health *h, struct health_bind *b, const struct node_inst *ni)
{
	size_t n = ni && h->svc_of ? ni->n_track : 0;

	free(b->track);
	free(b->weight);
	b->track = n ? calloc(n, sizeof(*b->track)) : NULL;
	b->weight = n ? calloc(n, sizeof(*b->weight)) : NULL;
	b->n_track = 0;
	if (n && (!b->track || !b->weight))
		return; /* out of memory: judged without them (logged by the caller's sync) */
	for (size_t i = 0; i < n; i++) {
		b->track[i] = h->svc_of[ni->track[i].check];
		b->weight[i] = ni->track[i].weight;
	}
	b->n_track = n;
}

/* The instance's checks, by their indexes in the record. */
static void inst_bind(struct health *h, struct vrrp_inst *inst)
{
	struct health_bind *b = inst->hook_data;
	const struct node_inst *ni = record_inst(h, inst);

	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return; /* judged healthy, as without checks */
		/* its group's judgement counts it eligible until it is judged */
		b->own_healthy = true;
		set_own_reason(b, "not judged yet");
		inst->hook_data = b;
	}
	bind_count(b, false);
	b->link = ni && ni->link != NODE_RECORD_NONE ? h->link_of[ni->link] : NULL;
	b->gw = ni && ni->gw != NODE_RECORD_NONE ? h->gw_of[ni->gw] : NULL;
	b->advert = ni ? h->link_of[ni->advert_link] : NULL;
	b->group = ni ? ni->group : NODE_RECORD_NONE;
	bind_track(h, b, ni);
	bind_count(b, true);
}

/* Before STARTUP: an instance whose advert interface is known to be down
 * starts in FAULT. */
static void hook_start(void *arg, struct vrrp_inst *inst)
{
	inst_bind(arg, inst);
	judge(inst);
	judge_advert(inst);
}

static void hook_free(void *arg, struct vrrp_inst *inst)
{
	struct health_bind *b = inst->hook_data;

	(void)arg;
	if (!b)
		return;
	bind_count(b, false);
	free(b->track);
	free(b->weight);
	free(b->own_reason);
	free(b);
	inst->hook_data = NULL;
}

static void hook_send_failed(void *arg, struct vrrp_inst *inst, int err)
{
	const struct health_bind *b = inst->hook_data;

	(void)arg;
	(void)err;
	if (b)
		link_recheck(b->advert);
}

/* ---- sync: the record's checks, kept or created ---- */

/* The checks of the new record, by index. was[i]: the running gateway
 * check of gws[i]'s (namespace, interface, family) that is replaced. */
struct sync_tables {
	struct health_link **link_of;
	struct health_gw **gw_of;
	struct health_gw **was;
	struct health_svc **svc_of;
	bool *group_dirty;
};

static int sync_links(struct health *h, const struct node_record *r, struct sync_tables *t)
{
	int failed = 0;

	for (size_t k = 0; k < h->n_links; k++) {
		struct health_link *l = h->links[k];
		long i = node_record_find_link(r, l->netns, l->ifname);

		if (i >= 0 && !t->link_of[i]) {
			t->link_of[i] = l;
			l->gen = h->gen;
		}
	}
	for (size_t i = 0; i < r->n_links; i++)
		if (!t->link_of[i] && !(t->link_of[i] = link_new(h, &r->links[i])))
			failed++;
	return failed;
}

/* A probe whose gateway, source and timing are unchanged keeps running. */
static void keep_gws(struct health *h, const struct node_record *r, struct sync_tables *t)
{
	for (size_t k = 0; k < h->n_gws; k++) {
		struct health_gw *g = h->gws[k];
		long i = node_record_find_gw(r, g->netns, g->ifname, g->cfg.family);
		struct gw_probe_cfg cfg;

		if (i < 0)
			continue;
		gw_cfg_from_record(&r->gws[i], &cfg);
		if (!t->gw_of[i] && gw_cfg_same(&g->cfg, &cfg)) {
			t->gw_of[i] = g;
			g->gen = h->gen;
			g->link = t->link_of[r->gws[i].link];
		} else {
			t->was[i] = g;
		}
	}
}

static int sync_gws(struct health *h, const struct node_record *r, struct sync_tables *t)
{
	int failed = 0;

	keep_gws(h, r, t);
	for (size_t i = 0; i < r->n_gws; i++) {
		const struct node_gw_check *c = &r->gws[i];
		struct gw_probe_cfg cfg;

		if (t->gw_of[i])
			continue;
		gw_cfg_from_record(c, &cfg);
		t->gw_of[i] = gw_new(h, &cfg, c, t->link_of[c->link], t->was[i]);
		failed += !t->gw_of[i] || !t->gw_of[i]->probe;
	}
	return failed;
}

/* Validation refuses a gw method without a gateway and a source. */
static int report_missing_gws(struct health *h, const struct node_record *r)
{
	int failed = 0;

	for (size_t i = 0; i < r->n_insts; i++) {
		const struct node_inst *ni = &r->insts[i];

		if (!ni->gw_missing)
			continue;
		vrrp_rt_log(h->rt, VRRP_RT_LOG_ERR,
			    "[vr %s] no %s gateway or own address to probe from: this is a bug",
			    ni->name, ip_family_name(ni->family));
		failed++;
	}
	return failed;
}

/* The reconcile loop (DESIGN 3): the link watch's socket of each
 * namespace also reports removed addresses; the runtime re-adds a VIP
 * it holds (vrrp_rt_addr_removed). */
static void on_addr_removed(void *arg, const char *netns, int ifindex, const struct ip_addr *addr)
{
	vrrp_rt_addr_removed(arg, netns, ifindex, addr);
}

/* The same socket's links: an instance whose virtual MAC link someone
 * set down, up or deleted puts it back (vrrp_rt_link_changed). */
static void on_link_changed(void *arg, const char *netns, const char *ifname)
{
	vrrp_rt_link_changed(arg, netns, ifname);
}

/* A service check changed: the instances tracking it are judged again. */
static void on_svc(struct health *h, struct health_svc *s)
{
	if (h->on_check)
		h->on_check(h->on_check_arg, s->name, svc_type_name(s->type), &s->cs);
	rejudge_users(h, s, true);
}

void health_on_check(struct health *h, health_check_fn fn, void *arg)
{
	h->on_check = fn;
	h->on_check_arg = arg;
}

/* The sync groups a member's own change (reported from inside a step)
 * touched, judged from the loop. */
static void on_regroup(evutil_socket_t fd, short what, void *arg)
{
	struct health *h = arg;

	(void)fd;
	(void)what;
	for (size_t g = 0; h->rec && h->group_dirty && g < h->rec->n_groups; g++) {
		if (!h->group_dirty[g])
			continue;
		h->group_dirty[g] = false;
		judge_group(h, g);
	}
}

void health_inst_event(struct health *h, const struct vrrp_inst *inst, enum vrrp_rt_event what)
{
	const struct health_bind *b = inst->hook_data;

	if (!h || !b || b->group == NODE_RECORD_NONE || !h->group_dirty ||
	    what == VRRP_RT_EV_VIP_REPAIR)
		return;
	h->group_dirty[b->group] = true;
	event_active(h->regroup, 0, 0);
}

/* ---- API ---- */

struct health *health_new(struct vrrp_rt *rt)
{
	struct health *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->rt = rt;
	h->lw = link_watch_new(rt->base, &rt->net);
	if (!h->lw) {
		free(h);
		return NULL;
	}
	h->regroup = event_new(rt->base, -1, 0, on_regroup, h);
	if (!h->regroup) {
		link_watch_free(h->lw);
		free(h);
		return NULL;
	}
	h->gen_judge = 1;
	h->svc_changed = on_svc;
	link_watch_on_addr_removed(h->lw, on_addr_removed, rt); /* no socket yet: cannot fail */
	link_watch_on_link_changed(h->lw, on_link_changed, rt);
	rt->hooks.arg = h;
	rt->hooks.inst_start = hook_start;
	rt->hooks.inst_free = hook_free;
	rt->hooks.send_failed = hook_send_failed;
	return h;
}

static void set_tables(struct health *h, const struct node_record *r, struct sync_tables *t)
{
	free(h->link_of);
	free(h->gw_of);
	free(h->svc_of);
	free(h->group_dirty);
	free(t->was);
	h->rec = r;
	h->link_of = t->link_of;
	h->gw_of = t->gw_of;
	h->svc_of = t->svc_of;
	h->group_dirty = t->group_dirty;
}

static void tables_free(struct sync_tables *t)
{
	free(t->link_of);
	free(t->gw_of);
	free(t->was);
	free(t->svc_of);
	free(t->group_dirty);
	*t = (struct sync_tables){0};
}

int health_sync(struct health *h, const struct node_record *r)
{
	struct sync_tables t = {
	    .link_of = calloc(r->n_links ? r->n_links : 1, sizeof(*t.link_of)),
	    .gw_of = calloc(r->n_gws ? r->n_gws : 1, sizeof(*t.gw_of)),
	    .was = calloc(r->n_gws ? r->n_gws : 1, sizeof(*t.was)),
	    .svc_of = calloc(r->n_svcs ? r->n_svcs : 1, sizeof(*t.svc_of)),
	    .group_dirty = calloc(r->n_groups ? r->n_groups : 1, sizeof(*t.group_dirty)),
	};
	int failed;

	h->gen++;
	if (!t.link_of || !t.gw_of || !t.was || !t.svc_of || !t.group_dirty) {
		vrrp_rt_log(h->rt, VRRP_RT_LOG_ERR,
			    "[check] out of memory: every instance is judged healthy");
		tables_free(&t);
		set_tables(h, NULL, &t);
		return (int)r->n_insts;
	}
	failed = sync_links(h, r, &t);
	failed += sync_gws(h, r, &t);
	failed += health_svc_sync(h, r, t.svc_of);
	failed += report_missing_gws(h, r);
	set_tables(h, r, &t);
	return failed;
}

void health_commit(struct health *h)
{
	char delta_reason[VRRP_RT_REASON_MAX]; /* judge() tells it */
	size_t k = 0;

	/* every member's own verdict first: a group judged while a member
	 * is still unjudged would see it as it was */
	for (size_t i = 0; i < h->rt->n_insts; i++) {
		inst_bind(h, h->rt->insts[i]);
		if (h->rt->insts[i]->hook_data)
			judge_own(h->rt->insts[i], h->rt->insts[i]->hook_data, delta_reason,
				  sizeof(delta_reason));
	}
	for (size_t i = 0; i < h->rt->n_insts; i++) {
		judge(h->rt->insts[i]);
		judge_advert(h->rt->insts[i]);
	}
	health_svc_commit(h);
	for (size_t i = 0; i < h->n_links; i++) {
		if (h->links[i]->gen == h->gen)
			h->links[k++] = h->links[i];
		else
			link_free(h, h->links[i]);
	}
	h->n_links = k;
	k = 0;
	for (size_t i = 0; i < h->n_gws; i++) {
		if (h->gws[i]->gen == h->gen)
			h->gws[k++] = h->gws[i];
		else
			gw_free(h->gws[i]);
	}
	h->n_gws = k;
}

void health_free(struct health *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->rt->n_insts; i++)
		hook_free(h, h->rt->insts[i]);
	memset(&h->rt->hooks, 0, sizeof(h->rt->hooks));
	for (size_t i = 0; i < h->n_links; i++)
		link_free(h, h->links[i]);
	for (size_t i = 0; i < h->n_gws; i++)
		gw_free(h->gws[i]);
	health_svc_free_all(h);
	free(h->links);
	free(h->gws);
	free(h->link_of);
	free(h->gw_of);
	free(h->svc_of);
	free(h->group_dirty);
	if (h->regroup)
		event_free(h->regroup);
	link_watch_free(h->lw);
	free(h);
}
