/* The node record: the model compiled once for one node into what the
 * daemon runs. Every VRRP instance of the node that can run (it has VIPs
 * and a communication pair) with its interfaces, namespace, VRRP and GARP
 * settings, VIPs and zones, and the indexes of its checks in two tables
 * deduplicated here, once: one link check per (namespace, interface), one
 * gateway check per (namespace, interface, family) with its gateway,
 * source and timing. The runtime's specs, the health checks, status and
 * metrics all read it by index: no lookup by name while the daemon runs.
 *
 * The record owns copies of what it needs (each distinct string once):
 * the model can be freed as soon as the record is made, and the daemon
 * keeps only the record (docs/decisions.md, "vipd's memory"). Model
 * indexes (iface, model_inst, model_check, model_group) stay as keys; they
 * name entries of the model the record was compiled from. Pure: no I/O. */
#ifndef VIPD_MODEL_NODE_RECORD_H
#define VIPD_MODEL_NODE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "util/strmap.h"

/* An instance index that names no check: its method does not use one. */
#define NODE_RECORD_NONE ((size_t)-1)

/* The link signal of one interface: the VIP interface of link and link+gw
 * instances (and of gateway checks, which pause while it is down), and
 * the advert interface of every instance (FAULT while it is down). */
struct node_link_check {
	const char *netns; /* "" = the daemon's own */
	const char *ifname;
	size_t iface; /* index in model->ifaces */
};

/* The gateway signal of one (interface, family): every instance on the
 * interface of that family shares it, since all its settings come from
 * the interface. */
struct node_gw_check {
	const char *netns; /* "" = the daemon's own */
	const char *ifname;
	size_t iface;
	size_t link; /* its interface's link check, in links[] */
	enum ip_family family;
	struct ip_addr own;	/* the source: this node's address on the interface */
	struct ip_addr gateway; /* gateway.ipv4 / gateway.ipv6 */
	uint32_t interval_ms, timeout_ms, fall, rise; /* gateway_check */
};

/* One service check (checks:): every check of the file runs on each node,
 * in the file's order (svcs[i] is model->checks[i]). */
struct node_svc_check {
	const char *name;
	size_t model_check; /* index in model->checks */
	enum svc_type type;
	const char *netns;	 /* "" = the daemon's own */
	const char *process;	 /* process */
	struct ip_addr addr;	 /* tcp, http */
	uint16_t port;		 /* tcp, http */
	const char *http_path;	 /* http */
	const char *http_host;	 /* http: the Host header text ("192.0.2.1:8080", "[::1]") */
	uint32_t expect;	 /* http */
	const char *const *argv; /* exec */
	const char *user;	 /* exec */
	uint32_t interval_ms, timeout_ms, fall, rise;
};

/* One entry of an instance's vrrp.track. */
struct node_track {
	size_t check;	/* in svcs[] */
	int32_t weight; /* 0: resign while it fails */
};

/* A sync group with the instances of this node that are its members. */
struct node_group {
	const char *name;
	size_t model_group; /* index in model->groups */
	size_t *insts;	    /* indexes in r->insts (this node's) */
	size_t n_insts;
	const struct hooks_cfg *hooks; /* NULL: none */
};

/* One VRRP instance as this node runs it. */
struct node_inst {
	const char *name;	   /* "vlan100/master/ipv4/gw" */
	size_t model_inst;	   /* index in model->instances */
	const char *ifname;	   /* holds the VIPs; GARP/NA go out here */
	size_t iface;		   /* its index in model->ifaces */
	const char *advert_ifname; /* the adverts' (vrrp.via), else ifname */
	size_t advert_iface;
	const char *netns; /* of both; "" = the daemon's own */
	/* vrrp.virtual_mac: the macvlan on ifname that holds the VIPs, and its
	 * MAC; NULL without */
	const char *vmac_ifname;
	uint8_t vmac[6];
	enum vip_slot slot;
	enum ip_family family;
	enum vip_method method;
	uint8_t vrid;
	/* VRRP, from the interface's vrrp: (merged over the cluster's) */
	bool unicast;
	bool packet_socket; /* the master's adverts as link-layer frames */
	uint8_t version;
	uint8_t priority; /* this node's */
	uint32_t advert_interval_ms;
	bool preempt;
	uint32_t preempt_delay_ms;
	struct ip_addr own;  /* this node's communication-pair address, host prefix */
	struct ip_addr peer; /* the other node's, host prefix */
	/* cluster.garp */
	uint32_t garp_count, garp_interval_ms, garp_refresh_ms;
	const struct ip_addr *vips; /* with prefix lengths, model order */
	size_t n_vips;
	const char *zone;   /* the interface's, NULL: none */
	const char **zones; /* the distinct zones of its VIPs, first seen first */
	size_t n_zones;
	/* checks, indexes in the record's tables */
	size_t advert_link; /* links[]: the advert interface */
	size_t link;	    /* links[]: link, link+gw; else NODE_RECORD_NONE */
	size_t gw;	    /* gws[]: gw, link+gw; else NODE_RECORD_NONE */
	bool gw_missing;    /* gw method without gateway or source: a bug (validated) */
	/* issue 13: its interface's vrrp.track, its sync group */
	const struct node_track *track;
	size_t n_track;
	size_t group; /* in r->groups; NODE_RECORD_NONE: none (cluster.hooks apply) */
	/* issue 16: the advert interface's bfd (the session of the path) */
	bool bfd;
	uint32_t bfd_interval_ms;
	uint8_t bfd_multiplier;
};

struct node_record {
	struct arena arena;
	const char *cluster_name;
	const char *node_name;
	int node; /* index in cluster.nodes */
	struct node_inst *insts;
	size_t n_insts;
	struct node_link_check *links;
	size_t n_links;
	struct node_gw_check *gws;
	size_t n_gws;
	/* per model interface: its link check, its gateway check per family
	 * (IPv4, IPv6); NODE_RECORD_NONE where it has none */
	size_t *link_of_iface;
	size_t (*gw_of_iface)[2];
	struct node_svc_check *svcs; /* every check of the file */
	size_t n_svcs;
	struct node_group *groups; /* every sync group of the file, model order */
	size_t n_groups;
	const struct hooks_cfg *hooks; /* cluster.hooks; NULL: none */
	struct strmap by_ifname;       /* interface name -> model index, those with checks */
};

bool node_record_uses_link(enum vip_method m); /* link, link+gw */
bool node_record_uses_gw(enum vip_method m);   /* gw, link+gw */

/* Compiles model m (loaded without errors) for node (its index in
 * cluster.nodes). NULL when out of memory. */
struct node_record *node_record_new(const struct model *m, int node);
void node_record_free(struct node_record *r);

/* The check of (netns, ifname[, family]) in r, or -1: for a reload, which
 * matches the checks that run against the new record's. */
long node_record_find_link(const struct node_record *r, const char *netns, const char *ifname);
long node_record_find_gw(const struct node_record *r, const char *netns, const char *ifname,
			 enum ip_family family);
/* The service check named so in r, or -1 (a reload keeps a check whose
 * settings did not change). */
long node_record_find_svc(const struct node_record *r, const char *name);

#endif
