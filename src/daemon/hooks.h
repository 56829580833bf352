/* Transition hooks: one runner per sync group with hooks, and one per
 * instance outside any group when cluster.hooks is set (hooks.c). */
#ifndef VIPD_DAEMON_HOOKS_H
#define VIPD_DAEMON_HOOKS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon/daemon.h"
#include "daemon/hook_queue.h"
#include "util/spawn.h"

/* A hook that has not ended by then is killed with its process group. */
#define HOOKS_TIMEOUT_MS 30000

/* What one hook run is told (its environment). */
struct hook_job {
	enum hook_event ev;
	char previous[8];		 /* VIPD_PREVIOUS: INIT, MASTER, BACKUP, FAULT */
	char instance[VRRP_RT_NAME_MAX]; /* VIPD_INSTANCE: the one that moved */
	char reason[VRRP_RT_REASON_MAX]; /* VIPD_REASON */
	char vips[1024];		 /* VIPD_VIPS: "192.0.2.10/24 ..." */
};

struct hook_stats {
	uint64_t runs[HOOK_EVENT_COUNT];
	uint64_t failures[HOOK_EVENT_COUNT]; /* exit != 0, killed, or could not start */
	uint64_t timeouts;
	int last_exit; /* -1: killed or not started */
	uint64_t last_duration_ms;
};

struct hooks;

struct hook_runner {
	struct daemon *d;
	struct hooks *hooks;
	char name[VRRP_RT_NAME_MAX]; /* the group's or the instance's */
	bool group;
	const struct hooks_cfg *cfg; /* the record's (borrowed) */
	/* the state the group or instance was last run for */
	enum vrrp_fsm_state state;
	bool has_state;
	/* the state the last hook started or waiting acts on ("INIT" first) */
	char acted[8];
	struct hook_queue q;
	struct hook_job run, wait;
	struct spawn_proc proc;
	bool proc_live;
	bool timed_out;
	uint64_t started_ms;
	struct event *exit_ev, *out_ev, *kill_ev;
	char line[400];
	size_t line_len;
	char env[6][1200];
	struct hook_stats stats;
};

/* Called when a hook ended (or could not start): code is its exit code,
 * -1 when killed or not started; result the text ("exit 0", ...). */
typedef void (*hooks_report_fn)(struct daemon *d, const struct hook_runner *r,
				const struct hook_job *job, int code, bool timed_out,
				uint64_t duration_ms, const char *result);

struct hooks {
	struct daemon *d;
	const struct node_record *rec;
	hooks_report_fn report;
	/* [0, rec->n_groups): the groups'; then one slot per record
	 * instance; NULL where there are no hooks */
	struct hook_runner **v;
	size_t n;
};

/* The runners of rec; those of old whose group or instance stays are
 * taken over (a running hook goes on), old keeps the rest (free it). */
struct hooks *hooks_new(struct daemon *d, const struct node_record *rec, struct hooks *old,
			hooks_report_fn report);
/* Kills what still runs. */
void hooks_free(struct hooks *h);
/* inst made a transition (inst->last): its runner, or its group's once
 * the group's state changes, runs the matching hook. */
void hooks_transition(struct hooks *h, const struct vrrp_inst *inst);
/* At exit: the stop hooks, each to its end or its timeout. */
void hooks_stop(struct hooks *h);

/* The "hooks" array of `vipctl status -o json` (docs/json.md). */
json_t *hooks_json(const struct hooks *h);

#endif
