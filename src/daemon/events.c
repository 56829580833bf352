/* The event stream (`vipctl events`, docs/json.md): one JSON object per
 * state transition, health change, drain, undrain and reload. The runtime
 * calls on_event() from its step; each event is kept in a ring of the last
 * EVENTS_KEEP (for a subscriber that asks for a backlog) and pushed at once
 * to every subscribed control connection, through the push callback that
 * main.c gives events_init: control.c calls down into events.c (backlog,
 * drain and reload events), so events.c does not call control.c back.
 * Nothing here blocks: a subscriber that does not read is dropped by
 * control.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/rise_fall.h"
#include "daemon/bfd.h"
#include "daemon/daemon.h"
#include "daemon/hooks.h"

json_t *events_time_json(int64_t wall_ms)
{
	time_t secs = (time_t)(wall_ms / 1000);
	struct tm tm;
	char buf[40], out[48];

	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%03dZ", buf, (int)(wall_ms % 1000));
	return json_string(out);
}

/* Takes the reference. */
static void emit(struct daemon *d, json_t *ev)
{
	struct daemon_events *e = &d->events;
	size_t slot;

	if (!ev)
		return;
	json_object_set_new(ev, "seq", json_integer((json_int_t)++e->seq));
	if (e->count == EVENTS_KEEP) {
		slot = e->head;
		free(e->ring[slot].text);
		e->head = (e->head + 1) % EVENTS_KEEP;
	} else {
		slot = (e->head + e->count) % EVENTS_KEEP;
		e->count++;
	}
	/* NULL (out of memory): kept without its text, skipped by a backlog */
	e->ring[slot] =
	    (struct daemon_kept_event){.seq = e->seq, .text = json_dumps(ev, JSON_COMPACT)};
	if (e->push)
		e->push(d, ev);
	json_decref(ev);
}

/* The fields every event has, in the documented order. */
static json_t *base_json(const struct daemon *d, const char *type)
{
	return json_pack("{s:I, s:o, s:s, s:s}", "seq", (json_int_t)0, "time",
			 events_time_json(vrrp_rt_wall_ms()), "node", d->node_name, "type", type);
}

static void add_instance(json_t *ev, const struct vrrp_inst *inst)
{
	const struct vrrp_inst_spec *sp = &inst->spec;

	json_object_set_new(ev, "instance", json_string(sp->name));
	json_object_set_new(ev, "interface", json_string(sp->ifname));
	json_object_set_new(ev, "vrid", json_integer(sp->vrid));
	json_object_set_new(ev, "family", json_string(ip_family_name(sp->family)));
	json_object_set_new(ev, "slot", json_string(vip_slot_name(sp->slot)));
	json_object_set_new(ev, "method", json_string(vip_method_name(sp->method)));
}

static json_t *transition_event(const struct daemon *d, const struct vrrp_inst *inst)
{
	const struct vrrp_rt_transition *t = &inst->last;
	json_t *ev = base_json(d, "transition");

	add_instance(ev, inst);
	json_object_set_new(ev, "from", json_string(vrrp_fsm_state_name(t->from)));
	json_object_set_new(ev, "to", json_string(vrrp_fsm_state_name(t->to)));
	json_object_set_new(ev, "cause", json_string(vrrp_fsm_cause_name(t->cause)));
	json_object_set_new(ev, "reason", json_string(inst->last_reason));
	json_object_set_new(ev, "priority",
			    json_integer(vrrp_fsm_effective_priority(&inst->cfg, &inst->fsm)));
	json_object_set_new(ev, "healthy", json_boolean(inst->fsm.healthy));
	json_object_set_new(ev, "vips_held", json_boolean(inst->vips_held));
	return ev;
}

/* Called before the state machine sees the change: the priority is the
 * one the instance is about to advertise. */
static json_t *health_event(const struct daemon *d, const struct vrrp_inst *inst, bool healthy)
{
	json_t *ev = base_json(d, "health");
	int prio =
	    vrrp_fsm_priority_for(&inst->cfg, healthy, inst->fsm.drained, inst->fsm.priority_delta);

	add_instance(ev, inst);
	json_object_set_new(ev, "state", json_string(vrrp_fsm_state_name(inst->fsm.state)));
	json_object_set_new(ev, "healthy", json_boolean(healthy));
	json_object_set_new(ev, "reason", json_string(inst->health_reason));
	json_object_set_new(ev, "priority", json_integer(prio));
	return ev;
}

/* A held VIP someone else removed: re-added, or the error that stops it
 * (the instance then resigns: a health event follows). */
static json_t *repair_event(const struct daemon *d, const struct vrrp_inst *inst)
{
	json_t *ev = base_json(d, "vip_repair");
	char buf[IP_STR_MAX];
	int err = inst->last_repair_err;

	add_instance(ev, inst);
	json_object_set_new(ev, "vip", json_string(ip_ntop(&inst->last_repair, buf)));
	json_object_set_new(ev, "repaired", json_boolean(err == 0));
	json_object_set_new(
	    ev, "reason",
	    json_string(err == 0 ? "removed by someone else: re-added" : strerror(-err)));
	return ev;
}

static void on_event(void *arg, const struct vrrp_inst *inst, enum vrrp_rt_event what)
{
	struct daemon *d = arg;

	if (what == VRRP_RT_EV_TRANSITION)
		emit(d, transition_event(d, inst));
	else if (what == VRRP_RT_EV_VIP_REPAIR)
		emit(d, repair_event(d, inst));
	else
		emit(d, health_event(d, inst, what == VRRP_RT_EV_HEALTHY));
	if (d->events.relay)
		d->events.relay(d, inst, what);
}

void events_check(void *arg, const char *name, const char *type, const struct check_state *cs)
{
	struct daemon *d = arg;
	json_t *ev = base_json(d, "check");

	json_object_set_new(ev, "check", json_string(name));
	json_object_set_new(ev, "check_type", json_string(type));
	json_object_set_new(ev, "state", json_string(check_status_name(cs->status)));
	json_object_set_new(ev, "reason", json_string(cs->reason));
	emit(d, ev);
}

void events_hook(struct daemon *d, const struct hook_runner *r, const struct hook_job *job,
		 int code, bool timed_out, uint64_t duration_ms, const char *result)
{
	json_t *ev = base_json(d, "hook");

	json_object_set_new(ev, r->group ? "group" : "instance", json_string(r->name));
	json_object_set_new(ev, "hook", json_string(hook_event_name(job->ev)));
	json_object_set_new(ev, "trigger", json_string(job->instance));
	json_object_set_new(ev, "previous", json_string(job->previous));
	json_object_set_new(ev, "exit", code >= 0 ? json_integer(code) : json_null());
	json_object_set_new(ev, "timed_out", json_boolean(timed_out));
	json_object_set_new(ev, "duration_ms", json_integer((json_int_t)duration_ms));
	json_object_set_new(ev, "result", json_string(result));
	emit(d, ev);
}

void events_daemon(struct daemon *d, const char *type, const char *reason)
{
	json_t *ev = base_json(d, type);

	json_object_set_new(ev, "reason", json_string(reason ? reason : ""));
	emit(d, ev);
}

void events_bfd(void *arg, const struct bfd_path *p, int from)
{
	struct daemon *d = arg;
	json_t *ev = base_json(d, "bfd");
	char a[IP_STR_MAX];

	json_object_set_new(ev, "interface", json_string(p->ifname));
	json_object_set_new(ev, "namespace", p->netns[0] ? json_string(p->netns) : json_null());
	json_object_set_new(ev, "family", json_string(ip_family_name(p->family)));
	json_object_set_new(ev, "peer", json_string(ip_ntop(&p->peer, a)));
	json_object_set_new(ev, "from", json_string(bfd_state_name((enum bfd_state)from)));
	json_object_set_new(ev, "to", json_string(bfd_state_name(p->s.state)));
	json_object_set_new(ev, "diag", json_string(bfd_diag_name(p->s.diag)));
	json_object_set_new(ev, "peer_admin_down", json_boolean(p->s.peer_admin_down));
	json_object_set_new(ev, "detection_time_us", json_integer((json_int_t)p->s.detect_time_us));
	json_object_set_new(ev, "flaps", json_integer((json_int_t)p->s.counters.downs));
	emit(d, ev);
}

void events_init(struct daemon *d, void (*push)(struct daemon *d, const json_t *event))
{
	d->events.push = push;
	d->rt.on_event = on_event;
	d->rt.on_event_arg = d;
}

void events_done(struct daemon *d)
{
	struct daemon_events *e = &d->events;

	d->rt.on_event = NULL;
	e->push = NULL;
	for (size_t i = 0; i < e->count; i++)
		free(e->ring[(e->head + i) % EVENTS_KEEP].text);
	e->count = 0;
	e->head = 0;
}

size_t events_kept(const struct daemon *d)
{
	return d->events.count;
}

const struct daemon_kept_event *events_recent(const struct daemon *d, size_t n, size_t i)
{
	const struct daemon_events *e = &d->events;

	if (n > e->count)
		n = e->count;
	if (i >= n)
		return NULL;
	return &e->ring[(e->head + e->count - n + i) % EVENTS_KEEP];
}
