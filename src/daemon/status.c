/* The status document (docs/json.md, "vipctl status"): field names are
 * stable; add, never rename. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "daemon/daemon.h"
#include "daemon/bfd.h"
#include "daemon/doc_stream.h"
#include "daemon/hooks.h"
#include "daemon/health.h"

static json_t *addr_json(const struct ip_addr *a, bool with_prefix)
{
	char buf[IP_STR_MAX];

	if (!a->family)
		return json_null();
	return json_string(with_prefix ? ip_ntop_prefix(a, buf) : ip_ntop(a, buf));
}

static json_t *drops_json(const uint64_t *drops)
{
	json_t *o = json_object();

	for (int r = 1; r < VRRP_DROP__COUNT; r++)
		json_object_set_new(o, vrrp_drop_reason_name((enum vrrp_drop_reason)r),
				    json_integer((json_int_t)drops[r]));
	return o;
}

static json_t *counters_json(const struct vrrp_inst *inst)
{
	const struct vrrp_fsm_counters *c = &inst->fsm.counters;
	uint64_t drops[VRRP_DROP__COUNT];
	json_t *o;

	vrrp_inst_drops(inst, drops);
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		      "adverts_sent", (json_int_t)c->adverts_sent, "adverts_received",
		      (json_int_t)c->adverts_received, "prio0_sent", (json_int_t)c->prio0_sent,
		      "prio0_received", (json_int_t)c->prio0_received, "transitions",
		      (json_int_t)c->transitions, "became_master", (json_int_t)c->became_master,
		      "became_backup", (json_int_t)c->became_backup, "resignations",
		      (json_int_t)c->resignations, "garp_sent", (json_int_t)inst->garp_sent,
		      "send_errors", (json_int_t)inst->send_errors, "vip_errors",
		      (json_int_t)inst->vip_errors, "lower_priority_ignored",
		      (json_int_t)c->adverts_lower_ignored);
	json_object_set_new(o, "learned_interval_changes",
			    json_integer((json_int_t)c->interval_changes));
	json_object_set_new(o, "prio0_answers_deferred",
			    json_integer((json_int_t)c->prio0_answers_deferred));
	json_object_set_new(o, "vip_set_differs", json_integer((json_int_t)inst->vip_set_differs));
	json_object_set_new(o, "vip_repairs", json_integer((json_int_t)inst->vip_repairs));
	json_object_set_new(o, "garp_errors", json_integer((json_int_t)inst->garp_errors));
	json_object_set_new(o, "vmac_repairs", json_integer((json_int_t)inst->vmac_repairs));
	json_object_set_new(o, "adverts_as_frames",
			    json_integer((json_int_t)inst->adverts_as_frames));
	json_object_set_new(o, "drops", drops_json(drops));
	return o;
}

static json_t *transition_json(const struct vrrp_inst *inst)
{
	const struct vrrp_rt_transition *t = &inst->last;

	if (!inst->has_transition)
		return json_null();
	return json_pack("{s:o, s:s, s:s, s:s, s:s}", "time",
			 events_time_json(inst->last_transition_wall_ms), "from",
			 vrrp_fsm_state_name(t->from), "to", vrrp_fsm_state_name(t->to), "cause",
			 vrrp_fsm_cause_name(t->cause), "reason", inst->last_reason);
}

static json_t *master_json(const struct vrrp_inst *inst)
{
	if (inst->fsm.state == VRRP_FSM_MASTER)
		return json_pack("{s:o, s:i, s:b}", "address",
				 addr_json(&inst->cfg.own_addr, false), "priority",
				 vrrp_fsm_effective_priority(&inst->cfg, &inst->fsm), "self", 1);
	if (!inst->fsm.master_known)
		return json_null();
	return json_pack("{s:o, s:i, s:b}", "address", addr_json(&inst->fsm.master_addr, false),
			 "priority", inst->fsm.master_priority, "self", 0);
}

static json_t *vips_json(const struct vrrp_inst *inst)
{
	json_t *a = json_array();

	for (size_t i = 0; i < inst->spec.n_vips; i++)
		json_array_append_new(a, addr_json(&inst->spec.vips[i], true));
	return a;
}

/* What the kernel lacks of what the instance holds: the VIPs it could
 * not add (docs/json.md); empty while it holds none or all. */
static json_t *vips_missing_json(const struct vrrp_inst *inst)
{
	json_t *a = json_array();

	for (size_t i = 0; inst->vips_held && i < inst->spec.n_vips; i++)
		if (inst->vip_missing[i])
			json_array_append_new(a, addr_json(&inst->spec.vips[i], true));
	return a;
}

/* vrrp.virtual_mac (docs/vmac.md): its link, MAC and whether it is up (the
 * master's), or null. */
static json_t *vmac_json(const struct vrrp_inst *inst)
{
	const struct vrrp_inst_spec *sp = &inst->spec;
	const uint8_t *m = sp->vmac;
	char mac[18];

	if (!sp->vmac_ifname[0])
		return json_null();
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	return json_pack("{s:s, s:s, s:b}", "interface", sp->vmac_ifname, "mac", mac, "up",
			 inst->vside && inst->vside->up);
}

static json_t *instance_json(const struct vrrp_inst *inst, bool counters)
{
	const struct vrrp_inst_spec *sp = &inst->spec;
	json_t *o = json_pack(
	    "{s:s, s:s, s:o, s:s, s:s, s:s, s:i, s:i, s:s, s:{s:i, s:i}, s:b, s:s, s:b}", "name",
	    sp->name, "interface", sp->ifname, "namespace",
	    *sp->netns ? json_string(sp->netns) : json_null(), "slot", vip_slot_name(sp->slot),
	    "family", ip_family_name(sp->family), "method", vip_method_name(sp->method), "vrid",
	    sp->vrid, "version", sp->fsm.version, "state",
	    inst->wait_reason[0] ? "WAITING" : vrrp_fsm_state_name(inst->fsm.state), "priority",
	    "effective", vrrp_fsm_effective_priority(&inst->cfg, &inst->fsm), "configured",
	    sp->fsm.priority, "healthy", inst->fsm.healthy, "health_reason", inst->health_reason,
	    "drained", inst->fsm.drained);

	json_object_set_new(o, "pending", json_boolean(inst->fsm.pending));
	json_object_set_new(o, "waiting",
			    inst->wait_reason[0] ? json_string(inst->wait_reason) : json_null());
	json_object_set_new(o, "vips", vips_json(inst));
	json_object_set_new(o, "vips_held", json_boolean(inst->vips_held));
	json_object_set_new(o, "vips_missing", vips_missing_json(inst));
	json_object_set_new(o, "vips_queued", json_integer((json_int_t)inst->vip_ops));
	json_object_set_new(o, "hold_error",
			    inst->hold_reason[0] ? json_string(inst->hold_reason) : json_null());
	json_object_set_new(o, "vips_in_advert", json_integer((json_int_t)inst->n_advert_addrs));
	/* health checks (docs/health.md) */
	json_object_set_new(o, "advert_interface", json_string(sp->advert_ifname));
	json_object_set_new(o, "health", health_inst_json(inst));
	json_object_set_new(o, "address", addr_json(&inst->cfg.own_addr, false));
	json_object_set_new(o, "peer", addr_json(&sp->peer, false));
	json_object_set_new(o, "unicast", json_boolean(sp->unicast));
	json_object_set_new(o, "virtual_mac", vmac_json(inst));
	json_object_set_new(o, "advert_interval_ms", json_integer(sp->fsm.advert_interval_ms));
	json_object_set_new(o, "preempt", json_boolean(sp->fsm.preempt));
	json_object_set_new(o, "preempt_delay_ms", json_integer(sp->fsm.preempt_delay_ms));
	json_object_set_new(o, "master", master_json(inst));
	json_object_set_new(o, "last_transition", transition_json(inst));
	if (counters)
		json_object_set_new(o, "counters", counters_json(inst));
	return o;
}

static json_t *socket_json(const struct vrrp_rt_sock *s)
{
	uint64_t drops[VRRP_DROP__COUNT];

	vrrp_sock_drops(s, drops);
	return json_pack("{s:s, s:o, s:s, s:b, s:i, s:o, s:I}", "interface", s->ifname, "namespace",
			 *s->netns ? json_string(s->netns) : json_null(), "family",
			 ip_family_name(s->family), "multicast", s->multicast, "instances", s->refs,
			 "drops", drops_json(drops), "kernel_drops", (json_int_t)s->kernel_drops);
}

/* "zone": the interface's zone; "zones": the distinct zones of its VIPs
 * (a VIP's own, else the interface's), for `vipctl status --zone`. From
 * the instance's entry in the node record. */
static void add_zones(const struct daemon *d, const struct vrrp_inst *inst, json_t *o)
{
	const struct node_record *r = d->record;
	size_t i = inst->spec.record_index;
	const struct node_inst *ni = r && i < r->n_insts ? &r->insts[i] : NULL;
	json_t *zones = json_array();

	for (size_t k = 0; ni && k < ni->n_zones; k++)
		json_array_append_new(zones, json_string(ni->zones[k]));
	json_object_set_new(o, "zone", ni && ni->zone ? json_string(ni->zone) : json_null());
	json_object_set_new(o, "zones", zones);
}

/* The state of the BFD session of its advert path; null: no bfd there. */
static void add_bfd(const struct daemon *d, const struct vrrp_inst *inst, json_t *o)
{
	const struct bfd_path *p = bfd_runner_path_of(d->bfd, inst);

	json_object_set_new(o, "bfd", p ? json_string(bfd_state_name(p->s.state)) : json_null());
}

/* One entry of "instances": the instance with its zones and BFD state. */
static json_t *entry_json(const struct daemon *d, const struct vrrp_inst *inst, bool counters)
{
	json_t *o = instance_json(inst, counters);

	if (o) {
		add_zones(d, inst, o);
		add_bfd(d, inst, o);
	}
	return o;
}

/* The document; without_lists: "instances" and "sockets" empty (the
 * streamed reply's frame, status_stream below). brief: without the
 * instances' counters and the sockets, for a page that shows neither
 * (GET /api/v1/status?counters=false). */
static json_t *status_doc(const struct daemon *d, bool brief, bool without_lists)
{
	json_t *insts = json_array(), *socks = json_array(), *bfd = json_array();

	for (size_t i = 0; !without_lists && i < d->rt.n_insts; i++)
		json_array_append_new(insts, entry_json(d, d->rt.insts[i], !brief));
	for (size_t i = 0; !without_lists && !brief && i < d->rt.n_socks; i++)
		json_array_append_new(socks, socket_json(d->rt.socks[i]));
	for (size_t i = 0; i < bfd_runner_count(d->bfd); i++)
		json_array_append_new(bfd, bfd_path_json(bfd_runner_path(d->bfd, i)));
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:i, s:o, s:b, s:I, s:I, s:b, s:o, s:o, s:o, s:o, s:o}",
	    "cluster", d->record->cluster_name, "node", d->node_name, "config", d->config_path,
	    "version", VIPD_VERSION, "pid", (int)getpid(), "started",
	    events_time_json(d->started_wall_ms), "drained", d->rt.drained, "reloads",
	    (json_int_t)d->reloads, "reload_failures", (json_int_t)d->reload_failures,
	    "reload_in_progress", daemon_reload_running(d), "instances", insts, "sockets", socks,
	    "checks", health_checks_json(d->health), "hooks", hooks_json(d->hooks), "bfd", bfd);
}

json_t *status_json(const struct daemon *d)
{
	return status_doc(d, false, false);
}

json_t *status_json_brief(const struct daemon *d)
{
	return status_doc(d, true, false);
}

json_t *status_instance_json(const struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->rt.n_insts; i++)
		if (strcmp(d->rt.insts[i]->spec.name, name) == 0)
			return entry_json(d, d->rt.insts[i], true);
	return NULL;
}

/* ---- the streamed document ----
 *
 * The frame (status_doc without the two lists, inside the caller's
 * prefix and suffix) is dumped once and cut where the lists go; then the
 * instances, then the sockets, are dumped STATUS_BATCH at a time between
 * its pieces. The frame holds only scalars before "instances", so the
 * first `"instances":[]` in it is the key's (in a string every quote is
 * escaped), and "sockets" comes right after it. The bytes are those of
 * json_dumps of the whole document with the same flags. A reload applied
 * between two batches (d->applies moved) ends the lists there: what was
 * sent stays one valid document, without the instances not sent yet. */
#define STATUS_BATCH 16

enum status_phase { PH_HEAD, PH_INSTS, PH_MID, PH_SOCKS, PH_TAIL, PH_DONE };

struct status_stream {
	struct doc_stream base; /* first: the driver's handle */
	const struct daemon *d;
	char *frame;
	size_t insts_at, socks_at; /* frame offsets: just after each list's '[' */
	size_t flags;
	bool brief;
	enum status_phase phase;
	size_t i;
	uint64_t applies;
};

static bool lists_moved(const struct status_stream *s)
{
	return s->d->applies != s->applies;
}

static int add_frame(const struct status_stream *s, struct evbuffer *out, size_t from, size_t to)
{
	return evbuffer_add(out, s->frame + from, to - from);
}

/* Up to STATUS_BATCH entries of one list, from s->i on: -1 out of memory,
 * 1 the list is over, 0 more. */
static int add_entries(struct status_stream *s, struct evbuffer *out, bool insts)
{
	const struct daemon *d = s->d;
	size_t n = insts ? d->rt.n_insts : (s->brief ? 0 : d->rt.n_socks);

	for (size_t k = 0; k < STATUS_BATCH; k++, s->i++) {
		json_t *o;
		int rc;

		if (s->i >= n || lists_moved(s))
			return 1;
		o = insts ? entry_json(d, d->rt.insts[s->i], !s->brief)
			  : socket_json(d->rt.socks[s->i]);
		rc = (s->i && evbuffer_add(out, ",", 1) < 0) ? -1
							     : doc_stream_dump(o, out, s->flags);
		json_decref(o);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static enum doc_stream_rc status_next(struct doc_stream *base, struct evbuffer *out)
{
	struct status_stream *s = (struct status_stream *)base;
	size_t len = strlen(s->frame);
	int rc = 0;

	switch (s->phase) {
	case PH_HEAD:
		rc = add_frame(s, out, 0, s->insts_at) < 0 ? -1 : 1;
		break;
	case PH_INSTS:
	case PH_SOCKS:
		rc = add_entries(s, out, s->phase == PH_INSTS);
		break;
	case PH_MID:
		rc = add_frame(s, out, s->insts_at, s->socks_at) < 0 ? -1 : 1;
		break;
	case PH_TAIL:
		rc = add_frame(s, out, s->socks_at, len) < 0 ? -1 : 1;
		break;
	case PH_DONE:
		return DOC_STREAM_DONE;
	}
	if (rc < 0)
		return DOC_STREAM_ERR;
	if (rc > 0) {
		s->phase++;
		s->i = 0;
	}
	return s->phase == PH_DONE ? DOC_STREAM_DONE : DOC_STREAM_MORE;
}

static void status_stream_free(struct doc_stream *base)
{
	struct status_stream *s = (struct status_stream *)base;

	free(s->frame);
	free(s);
}

/* The offset just after `"KEY":[` of `"KEY":[]` in text from `from` on. */
static size_t list_at(const char *text, size_t from, const char *key, bool *ok)
{
	char pat[32];
	const char *at;

	snprintf(pat, sizeof(pat), "\"%s\":[]", key);
	at = *ok ? strstr(text + from, pat) : NULL;
	*ok = at != NULL;
	return at ? (size_t)(at - text) + strlen(pat) - 1 : 0;
}

struct doc_stream *status_stream_new(const struct daemon *d, bool brief, size_t flags,
				     const char *prefix, const char *suffix)
{
	struct status_stream *s = calloc(1, sizeof(*s));
	json_t *doc = status_doc(d, brief, true);
	char *text = doc ? json_dumps(doc, flags) : NULL;
	bool ok = text != NULL;

	json_decref(doc);
	if (s && text && asprintf(&s->frame, "%s%s%s", prefix, text, suffix) < 0)
		s->frame = NULL;
	free(text);
	if (!s || !s->frame) {
		free(s);
		return NULL;
	}
	s->insts_at = list_at(s->frame, 0, "instances", &ok);
	s->socks_at = list_at(s->frame, s->insts_at, "sockets", &ok);
	if (!ok) { /* cannot be: the frame is ours */
		status_stream_free(&s->base);
		return NULL;
	}
	s->base = (struct doc_stream){.next = status_next, .free = status_stream_free};
	s->d = d;
	s->flags = flags;
	s->brief = brief;
	s->applies = d->applies;
	return &s->base;
}
