/* Shared by health.c (checks, binding, judging) and health_json.c
 * (status and views). Private to src/daemon. */
#ifndef VIPD_DAEMON_HEALTH_INTERNAL_H
#define VIPD_DAEMON_HEALTH_INTERNAL_H

#include "check/svc_probe.h"
#include "daemon/health.h"

struct link_watch;
struct link_watch_item;

/* The link signal of one (namespace, interface). */
struct health_link {
	struct health *h;
	char netns[VRRP_RT_NETNS_MAX];
	char ifname[VRRP_RT_IFNAME_MAX];
	struct link_watch_item *item; /* NULL while it cannot be watched */
	const char *error;	      /* why not ("namespace x: ..."): util/text.h */
	struct event *retry;	      /* the next attempt; made at the first failure */
	/* when the daemon was told of the check's change number changes_told */
	int64_t told_wall_ms;
	uint64_t changes_told;
	unsigned gen; /* the last configuration that wanted it */
	size_t users; /* instances bound to it (health_link_view) */
};

/* The gateway signal of one (namespace, interface, family), with its
 * gateway, source and timing. */
struct health_gw {
	struct health *h;
	char netns[VRRP_RT_NETNS_MAX];
	char ifname[VRRP_RT_IFNAME_MAX];
	struct gw_probe_cfg cfg;  /* netns and ifname point at the copies above */
	struct gw_probe *probe;	  /* NULL: it could not be created (logged) */
	struct health_link *link; /* its interface's link: pauses the probe while down */
	/* A probe that replaced one of the same gateway (its timing changed
	 * on reload) keeps the old verdict until it has one of its own, so
	 * a node whose gateway is down does not look healthy meanwhile. */
	enum check_status inherited;
	char inherited_reason[CHECK_TEXT_MAX];
	/* when the daemon was told of the check's change number changes_told */
	int64_t told_wall_ms;
	uint64_t changes_told;
	unsigned gen;
	size_t users; /* instances bound to it */
};

/* A local service check (`checks:`, health_svc.c): its probe and the
 * funnel its results go through. Owns copies of its strings. */
struct health_svc {
	struct health *h;
	char name[64];
	enum svc_type type;
	char *netns;
	char **argv;
	struct svc_probe_cfg cfg; /* points at the copies */
	struct svc_probe *probe;  /* NULL: it could not start (error says why) */
	char error[CHECK_TEXT_MAX];
	struct check_state cs;
	int64_t told_wall_ms;
	uint64_t changes_told;
	unsigned gen;
	size_t users;	  /* instances tracking it */
	uint64_t counted; /* judge_group: counted in this pass already */
};

/* inst->hook_data: the checks an instance is judged by. */
struct health_bind {
	struct health_link *link;   /* link, link+gw */
	struct health_gw *gw;	    /* gw, link+gw */
	struct health_link *advert; /* the advert interface (any method): FAULT while down */
	/* vrrp.track: the checks, and each one's weight (0: resign while it fails) */
	struct health_svc **track;
	int32_t *weight;
	size_t n_track;
	size_t group; /* its sync group in the record, NODE_RECORD_NONE: none */
	/* The instance's own verdict, before its sync group's: what the
	 * group asks of each member. */
	bool own_healthy, own_pending;
	char *own_reason; /* malloc'd; NULL: "" (a thousand bindings, issue 16) */
	int own_delta;	  /* the failing weighted checks' sum */
};

struct health {
	struct vrrp_rt *rt;
	struct link_watch *lw;
	struct health_link **links;
	size_t n_links;
	struct health_gw **gws;
	size_t n_gws;
	unsigned gen; /* of the configuration in force (health_sync) */
	/* The record in force and its checks by index: link_of[i] runs
	 * rec->links[i] and gw_of[i] rec->gws[i] (NULL: could not be
	 * created). An instance is bound through its spec's record_index. */
	const struct node_record *rec;
	struct health_link **link_of;
	struct health_gw **gw_of;
	/* service checks: svc_of[i] runs rec->svcs[i] */
	struct health_svc **svcs;
	size_t n_svcs;
	struct health_svc **svc_of;
	/* health.c's answer to a service check's change (set by health_new) */
	void (*svc_changed)(struct health *h, struct health_svc *s);
	/* who else hears of it (health_on_check: the event stream) */
	health_check_fn on_check;
	void *on_check_arg;
	/* sync groups judged again from the loop, not from inside a step:
	 * the runtime reports a member's own changes (a VIP it cannot
	 * hold) while it steps, and must not be called back then */
	struct event *regroup;
	bool *group_dirty;  /* by record group */
	uint64_t gen_judge; /* judge_group's passes, from 1 */
};

/* health_svc.c, below health.c */
/* The service checks of record r into svc_of[0..r->n_svcs): running
 * ones with the same settings kept, the others created. Returns how many
 * could not be created or started (logged). */
int health_svc_sync(struct health *h, const struct node_record *r, struct health_svc **svc_of);
/* Frees the checks the last sync did not keep. */
void health_svc_commit(struct health *h);
void health_svc_free_all(struct health *h);

#endif
