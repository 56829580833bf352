/* Transition hooks (docs/checks.md, "Hooks"): the commands of a sync
 * group's `hooks:` for the group, or of `cluster.hooks` for each instance
 * outside any group, run when that group or instance enters MASTER,
 * BACKUP or FAULT, and `stop` when vipd stops.
 *
 * A hook never delays a takeover: the runtime has added and announced the
 * VIPs in the step that made the transition, before it reports it, and a
 * hook only starts from the event loop afterwards. Each runner (one per
 * group or instance) runs one hook at a time, in transition order; while
 * one runs, later transitions collapse to the latest (hook_queue.c). A
 * hook is spawned without a shell (util/spawn.c), in its own process
 * group, its output read line by line into the log, and killed with its
 * group at HOOKS_TIMEOUT_MS. Its exit code and duration go to the event
 * stream (through the report callback main.c gives) and to metrics. */
#include "daemon/hooks.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "util/spawn.h"

static const char *const state_names[HOOK_EVENT_COUNT] = {
    [HOOK_MASTER] = "MASTER",
    [HOOK_BACKUP] = "BACKUP",
    [HOOK_FAULT] = "FAULT",
    [HOOK_STOP] = "STOP",
};

/* ---- what a runner is told ---- */

static bool event_of_state(enum vrrp_fsm_state s, enum hook_event *out)
{
	switch (s) {
	case VRRP_FSM_MASTER:
		*out = HOOK_MASTER;
		return true;
	case VRRP_FSM_BACKUP:
		*out = HOOK_BACKUP;
		return true;
	case VRRP_FSM_FAULT:
		*out = HOOK_FAULT;
		return true;
	default:
		return false; /* INIT: nothing to run */
	}
}

/* The VIPs of inst appended to buf as "192.0.2.10/24 2001:db8::10/64". */
static void append_vips(char *buf, size_t len, const struct vrrp_inst *inst)
{
	size_t used = strlen(buf);
	char a[IP_STR_MAX];

	for (size_t i = 0; i < inst->spec.n_vips && used + 1 < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "",
				 ip_ntop_prefix(&inst->spec.vips[i], a));

		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0'; /* a VIP is listed whole or not at all */
			break;
		}
		used += (size_t)n;
	}
}

/* ---- one runner ---- */

static void runner_log_output(struct hook_runner *r, const char *line)
{
	vrrp_rt_log(&r->d->rt, VRRP_RT_LOG_INFO, "hook %s %s: %s", r->name,
		    hook_event_name(r->run.ev), line);
}

/* Whole lines of the hook's output go to the log; a line longer than the
 * buffer is cut there, the rest of it starts the next. */
static void runner_take_output(struct hook_runner *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || r->line_len == sizeof(r->line) - 1) {
			r->line[r->line_len] = '\0';
			if (r->line_len)
				runner_log_output(r, r->line);
			r->line_len = 0;
			if (buf[i] == '\n')
				continue;
		}
		r->line[r->line_len++] = buf[i] ? buf[i] : ' ';
	}
}

static void on_output(evutil_socket_t fd, short what, void *arg)
{
	struct hook_runner *r = arg;
	char buf[1024];
	ssize_t n;

	(void)what;
	/* bounded per wakeup: a chatty hook cannot hold the loop */
	for (int round = 0; round < 16; round++) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			runner_take_output(r, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* end of output (or an error): the exit event reaps */
		event_del(r->out_ev);
		return;
	}
}

static void runner_start(struct hook_runner *r);

static void runner_finish(struct hook_runner *r, int status)
{
	uint64_t took = vrrp_rt_now_ms() - r->started_ms;
	char result[64];
	int code = -1;

	if (r->line_len) {
		r->line[r->line_len] = '\0';
		runner_log_output(r, r->line);
		r->line_len = 0;
	}
	if (r->timed_out)
		snprintf(result, sizeof(result), "killed at its %u ms timeout", HOOKS_TIMEOUT_MS);
	else if (WIFEXITED(status)) {
		code = WEXITSTATUS(status);
		snprintf(result, sizeof(result), "exit %d", code);
	} else if (WIFSIGNALED(status))
		snprintf(result, sizeof(result), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(result, sizeof(result), "ended (status 0x%x)", status);
	r->stats.runs[r->run.ev]++;
	if (code != 0)
		r->stats.failures[r->run.ev]++;
	if (r->timed_out)
		r->stats.timeouts++;
	r->stats.last_exit = code;
	r->stats.last_duration_ms = took;
	vrrp_rt_log(&r->d->rt, code == 0 ? VRRP_RT_LOG_INFO : VRRP_RT_LOG_WARN,
		    "hook %s %s (%s): %s after %llu ms", r->name, hook_event_name(r->run.ev),
		    r->run.instance, result, (unsigned long long)took);
	if (r->hooks->report)
		r->hooks->report(r->d, r, &r->run, code, r->timed_out, took, result);
}

/* A hook that must go now (its runner is freed, or vipd stops): killed
 * with its group, then reaped once the kernel says it exited (at most a
 * second: SIGKILL is not refused, but a process in the kernel returns
 * first). */
static void kill_and_reap(struct spawn_proc *p)
{
	struct pollfd pfd = {.fd = p->pidfd, .events = POLLIN};

	spawn_kill(p);
	if (p->pidfd >= 0)
		(void)poll(&pfd, 1, 1000);
	if (spawn_reap(p, NULL) < 0)
		spawn_close_fds(p); /* still there: init reaps it when we exit */
}

static void runner_release_proc(struct hook_runner *r)
{
	if (r->exit_ev)
		event_free(r->exit_ev);
	if (r->out_ev)
		event_free(r->out_ev);
	if (r->kill_ev)
		event_free(r->kill_ev);
	r->exit_ev = r->out_ev = r->kill_ev = NULL;
	r->proc_live = false;
}

/* The hook ended: report it, then start the one that waits, if any. */
static void on_exit_ready(evutil_socket_t fd, short what, void *arg)
{
	struct hook_runner *r = arg;
	int status = 0;

	(void)fd;
	(void)what;
	if (r->out_ev && event_pending(r->out_ev, EV_READ, NULL))
		on_output(r->proc.out_fd, EV_READ, r); /* the last words */
	spawn_reap(&r->proc, &status);
	runner_release_proc(r);
	runner_finish(r, status);
	if (hook_queue_done(&r->q)) {
		r->run = r->wait;
		runner_start(r);
	}
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct hook_runner *r = arg;

	(void)fd;
	(void)what;
	r->timed_out = true;
	spawn_kill(&r->proc); /* the exit event follows */
}

static void set_env(char *slot, size_t len, const char *name, const char *value)
{
	snprintf(slot, len, "%s=%s", name, value);
}

/* Starts r->run; a hook that cannot start is reported as failed and the
 * queue moves on (a missing file must not stall the transitions after it). */
static void runner_start(struct hook_runner *r)
{
	const struct hook_job *j = &r->run;
	const struct argv_val *cmd = &r->cfg->cmd[j->ev];
	struct spawn_req req = {.argv = cmd->argv, .capture = true};
	const char *envp[8];
	struct timeval tv = {HOOKS_TIMEOUT_MS / 1000, (HOOKS_TIMEOUT_MS % 1000) * 1000};
	int err;

	set_env(r->env[0], sizeof(r->env[0]), "VIPD_INSTANCE", j->instance);
	set_env(r->env[1], sizeof(r->env[1]), "VIPD_GROUP", r->group ? r->name : "");
	set_env(r->env[2], sizeof(r->env[2]), "VIPD_STATE", state_names[j->ev]);
	set_env(r->env[3], sizeof(r->env[3]), "VIPD_PREVIOUS", j->previous);
	set_env(r->env[4], sizeof(r->env[4]), "VIPD_REASON", j->reason);
	set_env(r->env[5], sizeof(r->env[5]), "VIPD_VIPS", j->vips);
	for (int i = 0; i < 6; i++)
		envp[i] = r->env[i];
	envp[6] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	envp[7] = NULL;
	req.envp = envp;
	r->timed_out = false;
	r->started_ms = vrrp_rt_now_ms();
	err = spawn_start(&req, &r->proc);
	if (err == 0) {
		r->exit_ev = event_new(r->d->base, r->proc.pidfd, EV_READ, on_exit_ready, r);
		r->out_ev =
		    event_new(r->d->base, r->proc.out_fd, EV_READ | EV_PERSIST, on_output, r);
		r->kill_ev = evtimer_new(r->d->base, on_timeout, r);
		if (r->exit_ev && r->out_ev && r->kill_ev) {
			r->proc_live = true;
			event_add(r->exit_ev, NULL);
			event_add(r->out_ev, NULL);
			event_add(r->kill_ev, &tv);
			return;
		}
		/* out of memory: the hook would run unwatched; kill it rather */
		kill_and_reap(&r->proc);
		runner_release_proc(r);
		err = -ENOMEM;
	}
	r->stats.runs[j->ev]++;
	r->stats.failures[j->ev]++;
	r->stats.last_exit = -1;
	vrrp_rt_log(&r->d->rt, VRRP_RT_LOG_WARN, "hook %s %s: cannot start %s: %s", r->name,
		    hook_event_name(j->ev), cmd->argv[0], strerror(-err));
	if (r->hooks->report)
		r->hooks->report(r->d, r, j, -1, false, 0, strerror(-err));
	if (hook_queue_done(&r->q)) {
		r->run = r->wait;
		runner_start(r);
	}
}

/* A transition of the group or instance the runner serves. Its
 * VIPD_PREVIOUS is the state the hook before it acted on, so that the
 * runs a hook sees chain up even when some collapsed; a transition back
 * to the state the running hook acts on leaves nothing to wait. */
static void runner_offer(struct hook_runner *r, struct hook_job *job)
{
	if (!r->cfg || !r->cfg->cmd[job->ev].set)
		return;
	if (!r->q.running) {
		snprintf(job->previous, sizeof(job->previous), "%s", r->acted);
		snprintf(r->acted, sizeof(r->acted), "%s", state_names[job->ev]);
		hook_queue_offer(&r->q);
		r->run = *job;
		runner_start(r);
		return;
	}
	if (job->ev == r->run.ev) {
		hook_queue_drop_waiting(&r->q);
		snprintf(r->acted, sizeof(r->acted), "%s", state_names[r->run.ev]);
		return;
	}
	snprintf(job->previous, sizeof(job->previous), "%s", state_names[r->run.ev]);
	snprintf(r->acted, sizeof(r->acted), "%s", state_names[job->ev]);
	hook_queue_offer(&r->q);
	r->wait = *job;
}

/* ---- the runners of a record ---- */

static struct hook_runner *runner_new(struct hooks *h, struct daemon *d, const char *name,
				      bool group, const struct hooks_cfg *cfg)
{
	struct hook_runner *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->d = d;
	r->hooks = h;
	r->group = group;
	r->cfg = cfg;
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->acted, sizeof(r->acted), "INIT");
	return r;
}

static void runner_free(struct hook_runner *r)
{
	if (!r)
		return;
	if (r->proc_live)
		kill_and_reap(&r->proc);
	runner_release_proc(r);
	free(r);
}

/* A running hook survives a reload when its group or instance does. */
static struct hook_runner *adopt(struct hooks *old, const char *name, bool group)
{
	for (size_t i = 0; old && i < old->n; i++) {
		struct hook_runner *r = old->v[i];

		if (r && r->group == group && strcmp(r->name, name) == 0) {
			old->v[i] = NULL;
			return r;
		}
	}
	return NULL;
}

static int runner_slot(struct hooks *h, struct hooks *old, size_t slot, const char *name,
		       bool group, const struct hooks_cfg *cfg)
{
	struct hook_runner *r = adopt(old, name, group);

	if (!r)
		r = runner_new(h, h->d, name, group, cfg);
	if (!r)
		return -ENOMEM;
	r->hooks = h;
	r->cfg = cfg;
	h->v[slot] = r;
	return 0;
}

struct hooks *hooks_new(struct daemon *d, const struct node_record *rec, struct hooks *old,
			hooks_report_fn report)
{
	struct hooks *h = calloc(1, sizeof(*h));
	size_t n_groups = rec->n_groups;

	if (!h)
		return NULL;
	h->d = d;
	h->rec = rec;
	h->report = report;
	h->n = n_groups + rec->n_insts;
	h->v = calloc(h->n ? h->n : 1, sizeof(*h->v));
	if (!h->v)
		goto fail;
	for (size_t g = 0; g < n_groups; g++)
		if (rec->groups[g].hooks && rec->groups[g].hooks->set &&
		    runner_slot(h, old, g, rec->groups[g].name, true, rec->groups[g].hooks) < 0)
			goto fail;
	for (size_t i = 0; i < rec->n_insts; i++)
		if (rec->insts[i].group == NODE_RECORD_NONE && rec->hooks && rec->hooks->set &&
		    runner_slot(h, old, n_groups + i, rec->insts[i].name, false, rec->hooks) < 0)
			goto fail;
	return h;
fail:
	hooks_free(h);
	return NULL;
}

void hooks_free(struct hooks *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		runner_free(h->v[i]);
	free(h->v);
	free(h);
}

/* A group is MASTER when all its members are, FAULT when one is, BACKUP
 * when none is MASTER; members that disagree otherwise are on their way
 * (they move together): the group keeps its last state until they agree. */
static bool group_state(const struct hooks *h, size_t g, enum vrrp_fsm_state *out)
{
	const struct vrrp_rt *rt = &h->d->rt;
	size_t members = 0, masters = 0, faults = 0, inits = 0;

	for (size_t i = 0; i < rt->n_insts; i++) {
		const struct vrrp_inst *inst = rt->insts[i];
		size_t ri = inst->spec.record_index;

		if (ri >= h->rec->n_insts || h->rec->insts[ri].group != g)
			continue;
		members++;
		masters += inst->fsm.state == VRRP_FSM_MASTER;
		faults += inst->fsm.state == VRRP_FSM_FAULT;
		inits += inst->fsm.state == VRRP_FSM_INIT;
	}
	if (!members || inits)
		return false;
	if (faults)
		*out = VRRP_FSM_FAULT;
	else if (masters == members)
		*out = VRRP_FSM_MASTER;
	else if (masters == 0)
		*out = VRRP_FSM_BACKUP;
	else
		return false;
	return true;
}

static void group_vips(const struct hooks *h, size_t g, char *buf, size_t len)
{
	const struct vrrp_rt *rt = &h->d->rt;

	buf[0] = '\0';
	for (size_t i = 0; i < rt->n_insts; i++) {
		const struct vrrp_inst *inst = rt->insts[i];
		size_t ri = inst->spec.record_index;

		if (ri < h->rec->n_insts && h->rec->insts[ri].group == g)
			append_vips(buf, len, inst);
	}
}

void hooks_transition(struct hooks *h, const struct vrrp_inst *inst)
{
	const struct node_record *rec = h ? h->rec : NULL;
	size_t ri = inst->spec.record_index;
	struct hook_runner *r;
	struct hook_job job = {0};
	enum vrrp_fsm_state now;

	if (!rec || ri >= rec->n_insts)
		return;
	if (rec->insts[ri].group != NODE_RECORD_NONE) {
		size_t g = rec->insts[ri].group;

		r = h->v[g];
		if (!r || !group_state(h, g, &now))
			return;
		group_vips(h, g, job.vips, sizeof(job.vips));
	} else {
		r = h->v[rec->n_groups + ri];
		now = inst->last.to;
		if (r)
			append_vips(job.vips, sizeof(job.vips), inst);
	}
	if (!r || (r->has_state && r->state == now) || !event_of_state(now, &job.ev))
		return;
	r->state = now;
	r->has_state = true;
	snprintf(job.instance, sizeof(job.instance), "%s", inst->spec.name);
	snprintf(job.reason, sizeof(job.reason), "%.*s", (int)sizeof(job.reason) - 1,
		 inst->last_reason);
	runner_offer(r, &job);
}

/* The stop hook, outside the loop: poll the output and the exit until
 * it ends or its timeout passes. */
static void hooks_run_blocking(struct hook_runner *r)
{
	const struct argv_val *cmd = &r->cfg->cmd[r->run.ev];
	struct spawn_req req = {.argv = cmd->argv, .capture = true};
	const char *envp[] = {r->env[0], r->env[1], r->env[2], NULL};
	uint64_t deadline;
	int status = 0;

	set_env(r->env[0], sizeof(r->env[0]), "VIPD_STATE", state_names[HOOK_STOP]);
	set_env(r->env[1], sizeof(r->env[1]), "VIPD_GROUP", r->group ? r->name : "");
	set_env(r->env[2], sizeof(r->env[2]), "VIPD_PREVIOUS", r->run.previous);
	req.envp = envp;
	r->timed_out = false;
	r->started_ms = vrrp_rt_now_ms();
	if (spawn_start(&req, &r->proc) < 0) {
		vrrp_rt_log(&r->d->rt, VRRP_RT_LOG_WARN, "hook %s stop: cannot start %s", r->name,
			    cmd->argv[0]);
		return;
	}
	deadline = r->started_ms + HOOKS_TIMEOUT_MS;
	for (;;) {
		struct pollfd fds[2] = {{.fd = r->proc.pidfd, .events = POLLIN},
					{.fd = r->proc.out_fd, .events = POLLIN}};
		uint64_t now = vrrp_rt_now_ms();
		char buf[1024];

		if (now >= deadline) {
			r->timed_out = true;
			break;
		}
		if (poll(fds, r->proc.out_fd >= 0 ? 2 : 1, (int)(deadline - now)) < 0 &&
		    errno != EINTR)
			break;
		if (fds[1].revents) {
			ssize_t n = read(r->proc.out_fd, buf, sizeof(buf));

			if (n > 0)
				runner_take_output(r, buf, (size_t)n);
			else if (n == 0 || errno != EAGAIN)
				fds[1].fd = -1;
		}
		if (fds[0].revents)
			break;
	}
	if (r->timed_out)
		kill_and_reap(&r->proc);
	else if (spawn_reap(&r->proc, &status) < 0)
		kill_and_reap(&r->proc); /* poll failed: do not leave it behind */
	runner_finish(r, status);
}

/* At exit: the running hooks are killed (their transition is over), then
 * each `stop` hook runs to its end or its timeout, one after the other:
 * the daemon is going away, there is no loop to wait in. */
void hooks_stop(struct hooks *h)
{
	for (size_t i = 0; h && i < h->n; i++) {
		struct hook_runner *r = h->v[i];
		struct hook_job job = {.ev = HOOK_STOP};

		if (!r)
			continue;
		if (r->proc_live) {
			kill_and_reap(&r->proc);
			runner_release_proc(r);
		}
		if (!r->cfg || !r->cfg->cmd[HOOK_STOP].set)
			continue;
		snprintf(job.previous, sizeof(job.previous), "%s", r->acted);
		snprintf(job.instance, sizeof(job.instance), "%s", r->group ? "" : r->name);
		snprintf(job.reason, sizeof(job.reason), "vipd stopping");
		r->run = job;
		hooks_run_blocking(r);
	}
}

json_t *hooks_json(const struct hooks *h)
{
	json_t *a = json_array();

	for (size_t i = 0; h && i < h->n; i++) {
		const struct hook_runner *r = h->v[i];
		json_t *runs;

		if (!r)
			continue;
		runs = json_object();
		for (int e = 0; e < HOOK_EVENT_COUNT; e++)
			json_object_set_new(runs, hook_event_name((enum hook_event)e),
					    json_integer((json_int_t)r->stats.runs[e]));
		json_array_append_new(
		    a, json_pack(
			   "{s:s, s:s, s:o, s:b, s:b, s:o, s:I, s:I, s:o, s:I}", "name", r->name,
			   "for", r->group ? "group" : "instance", "state",
			   r->has_state ? json_string(vrrp_fsm_state_name(r->state)) : json_null(),
			   "running", r->proc_live, "waiting", r->q.waiting, "runs", runs,
			   "collapsed", (json_int_t)r->q.collapsed, "timeouts",
			   (json_int_t)r->stats.timeouts, "last_exit",
			   r->stats.runs[0] + r->stats.runs[1] + r->stats.runs[2] + r->stats.runs[3]
			       ? json_integer(r->stats.last_exit)
			       : json_null(),
			   "last_duration_ms", (json_int_t)r->stats.last_duration_ms));
	}
	return a;
}
