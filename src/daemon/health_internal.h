/* Shared by health.c (checks, binding, judging) and health_json.c
 * (status and views). Private to src/daemon. */
#ifndef VIPD_DAEMON_HEALTH_INTERNAL_H
#define VIPD_DAEMON_HEALTH_INTERNAL_H

#include "daemon/health.h"

struct link_watch;
struct link_watch_item;

/* The link signal of one (namespace, interface). */
struct health_link {
	struct health *h;
	char netns[VRRP_RT_NETNS_MAX];
	char ifname[VRRP_RT_IFNAME_MAX];
	struct link_watch_item *item; /* NULL while it cannot be watched */
	char error[CHECK_TEXT_MAX];   /* why not ("namespace x: ...") */
	struct event *retry;	      /* the next attempt while item is NULL */
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

/* inst->hook_data: the checks an instance is judged by. */
struct health_bind {
	struct health_link *link;   /* link, link+gw */
	struct health_gw *gw;	    /* gw, link+gw */
	struct health_link *advert; /* the advert interface (any method): FAULT while down */
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
};

#endif
