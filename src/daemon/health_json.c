/* Health in `vipctl status -o json` (docs/json.md, instances[].health)
 * and the read-only views of the checks. Field names are stable. */
#include "daemon/health_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check/check_io.h"
#include "check/link_watch.h"

/* "2026-11-26T12:38:39.123Z", or null for 0 (never). */
static json_t *wall_json(int64_t wall_ms)
{
	time_t secs = (time_t)(wall_ms / 1000);
	struct tm tm;
	char buf[40], out[48];

	if (wall_ms <= 0)
		return json_null();
	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%03dZ", buf, (int)(wall_ms % 1000));
	return json_string(out);
}

/* A check's last change as "last_change" (wall time: when the daemon was
 * told of it, so that it reads the same from one status to the next; from
 * the check's own clock for a change it was not told of, such as a flap
 * within one batch of link events) and "since_ms" (how long ago, on the
 * check's clock); null before any change. */
static void set_change(json_t *o, uint64_t last_change_ms, uint64_t changes, int64_t told_wall_ms,
		       uint64_t changes_told)
{
	uint64_t now = check_now_ms();
	uint64_t ago = last_change_ms && now > last_change_ms ? now - last_change_ms : 0;
	int64_t wall = vrrp_rt_wall_ms() - (int64_t)ago;

	if (!last_change_ms) {
		json_object_set_new(o, "last_change", json_null());
		json_object_set_new(o, "since_ms", json_null());
		return;
	}
	if (told_wall_ms && changes == changes_told)
		wall = told_wall_ms;
	json_object_set_new(o, "last_change", wall_json(wall));
	json_object_set_new(o, "since_ms", json_integer((json_int_t)ago));
}

static json_t *ns_json(const char *netns)
{
	return *netns ? json_string(netns) : json_null();
}

static json_t *link_json(const struct health_link *l)
{
	const struct check_state *cs = l->item ? link_watch_item_state(l->item) : NULL;
	json_t *o = json_pack("{s:s, s:o}", "interface", l->ifname, "namespace", ns_json(l->netns));

	if (!cs) {
		json_object_set_new(o, "state", json_string("down"));
		json_object_set_new(o, "reason", json_string(l->error));
		set_change(o, 0, 0, 0, 0);
		json_object_set_new(o, "changes", json_integer(0));
		return o;
	}
	json_object_set_new(o, "state", json_string(check_status_name(cs->status)));
	json_object_set_new(o, "reason", json_string(cs->probes ? cs->detail : "not judged yet"));
	set_change(o, cs->last_change_ms, cs->changes, l->told_wall_ms, l->changes_told);
	json_object_set_new(o, "changes", json_integer((json_int_t)cs->changes));
	return o;
}

static json_t *addr_json(const struct ip_addr *a)
{
	char buf[IP_STR_MAX];

	return json_string(ip_ntop(a, buf));
}

static void gw_counters(json_t *o, const struct gw_probe_status *st)
{
	json_object_set_new(o, "probes_sent", json_integer((json_int_t)st->sent));
	json_object_set_new(o, "probes_answered", json_integer((json_int_t)st->answered));
	json_object_set_new(o, "send_errors", json_integer((json_int_t)st->send_errors));
	json_object_set_new(o, "rtt_ms",
			    st->answered ? json_real(st->last_rtt_us / 1000.0) : json_null());
}

/* state and reason: the probe's, or the verdict it inherited (health.c). */
static void gw_state(json_t *o, const struct health_gw *g, const struct gw_probe_status *st)
{
	const char *state = check_status_name(st->status), *reason = st->reason;

	if (!g->probe) {
		state = "unknown";
		reason = "not probed (could not start)";
	} else if (st->status == CHECK_UNKNOWN && g->inherited == CHECK_DOWN) {
		state = "down";
		reason = g->inherited_reason;
	} else if (!st->changes) {
		reason = "not judged yet";
	}
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "reason", json_string(reason));
}

static json_t *gw_json(const struct health_gw *g)
{
	const struct gw_probe_cfg *c = &g->cfg;
	struct gw_probe_status st = {0};
	json_t *o = json_pack("{s:o, s:o, s:s, s:o, s:s}", "address", addr_json(&c->gateway),
			      "source", addr_json(&c->own), "interface", g->ifname, "namespace",
			      ns_json(g->netns), "method", c->family == IP_V4 ? "arp" : "nd");

	if (g->probe)
		gw_probe_state(g->probe, &st);
	gw_state(o, g, &st);
	json_object_set_new(o, "detail", json_string(st.detail));
	set_change(o, st.last_change_ms, st.changes, g->told_wall_ms, g->changes_told);
	json_object_set_new(o, "changes", json_integer((json_int_t)st.changes));
	gw_counters(o, &st);
	json_object_set_new(o, "interval_ms", json_integer(c->interval_ms));
	json_object_set_new(
	    o, "timeout_ms",
	    json_integer(c->timeout_ms < c->interval_ms ? c->timeout_ms : c->interval_ms));
	json_object_set_new(o, "fall", json_integer(c->fall));
	json_object_set_new(o, "rise", json_integer(c->rise));
	return o;
}

/* A service check as status shows it (checks[] and an instance's track[]). */
static json_t *svc_json(const struct health_svc *s)
{
	json_t *o = json_pack("{s:s, s:s}", "name", s->name, "type", svc_type_name(s->type));

	if (!s->probe) {
		json_object_set_new(o, "state", json_string("down"));
		json_object_set_new(o, "reason", json_string(s->error));
		set_change(o, 0, 0, 0, 0);
		json_object_set_new(o, "changes", json_integer(0));
		return o;
	}
	json_object_set_new(o, "state", json_string(check_status_name(s->cs.status)));
	json_object_set_new(o, "reason",
			    json_string(s->cs.probes ? s->cs.detail : "not judged yet"));
	set_change(o, s->cs.last_change_ms, s->cs.changes, s->told_wall_ms, s->changes_told);
	json_object_set_new(o, "changes", json_integer((json_int_t)s->cs.changes));
	json_object_set_new(o, "probes", json_integer((json_int_t)s->cs.probes));
	json_object_set_new(o, "failures", json_integer((json_int_t)(s->cs.probes - s->cs.oks)));
	return o;
}

static json_t *track_json(const struct health_bind *b)
{
	json_t *a = json_array();

	for (size_t i = 0; i < b->n_track; i++) {
		json_t *o;

		if (!b->track[i])
			continue;
		o = svc_json(b->track[i]);
		json_object_set_new(o, "weight",
				    b->weight[i] ? json_integer(b->weight[i]) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

json_t *health_inst_json(const struct vrrp_inst *inst)
{
	const struct health_bind *b = inst->hook_data;
	const struct health *h = inst->rt->hooks.arg;
	json_t *sig = json_object();
	const char *group = NULL;

	if (b && b->link)
		json_object_set_new(sig, "link", link_json(b->link));
	if (b && b->gw)
		json_object_set_new(sig, "gateway", gw_json(b->gw));
	if (b && b->n_track)
		json_object_set_new(sig, "track", track_json(b));
	if (b && h && h->rec && b->group != NODE_RECORD_NONE && b->group < h->rec->n_groups)
		group = h->rec->groups[b->group].name;
	return json_pack("{s:b, s:s, s:I, s:o, s:o, s:o, s:i, s:s}", "healthy", inst->fsm.healthy,
			 "reason", inst->health_reason, "changes", (json_int_t)inst->health_changes,
			 "last_change", wall_json(inst->health_changed_wall_ms), "signals", sig,
			 "sync_group", group ? json_string(group) : json_null(), "priority_delta",
			 (int)inst->fsm.priority_delta, "weight_reason", inst->weight_reason);
}

json_t *health_checks_json(const struct health *h)
{
	json_t *a = json_array();

	for (size_t i = 0; h && i < h->n_svcs; i++) {
		json_t *o = svc_json(h->svcs[i]);

		json_object_set_new(o, "users", json_integer((json_int_t)h->svcs[i]->users));
		json_array_append_new(a, o);
	}
	return a;
}

/* ---- views ---- */

bool health_link_get(const struct health *h, size_t i, struct health_link_view *out)
{
	const struct health_link *l;

	if (!h || i >= h->n_links)
		return false;
	l = h->links[i];
	out->netns = l->netns;
	out->ifname = l->ifname;
	out->cs = l->item ? link_watch_item_state(l->item) : NULL;
	out->error = l->error;
	out->users = l->users;
	return true;
}

bool health_gw_get(const struct health *h, size_t i, struct health_gw_view *out)
{
	const struct health_gw *g;

	if (!h || i >= h->n_gws)
		return false;
	g = h->gws[i];
	out->netns = g->netns;
	out->ifname = g->ifname;
	out->family = g->cfg.family;
	out->cfg = &g->cfg;
	out->running = g->probe != NULL;
	memset(&out->st, 0, sizeof(out->st));
	if (g->probe)
		gw_probe_state(g->probe, &out->st);
	out->users = g->users;
	return true;
}
