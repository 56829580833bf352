/* The cluster model: one YAML file parsed into typed values that keep their
 * source positions, validated, and compiled to VRRP instances.
 * Pure: no syscalls, no globals. */
#ifndef VIPD_MODEL_MODEL_H
#define VIPD_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/kinds/kind_types.h" /* enum iface_type, struct kind_opts */
#include "model/values.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/ipaddr.h"
#include "util/strmap.h"

#define MODEL_NODES    2
#define MODEL_NAME_MAX 15 /* IFNAMSIZ - 1 */
/* How long a link that just returned may carry nothing yet: a switch port
 * or a bridge that has not begun to forward, a bond renegotiating. The
 * first Master_Down after the return waits this much longer, and a gateway
 * check counts no failure before its first answer within it
 * (docs/convergence.md). */
#define MODEL_LINK_SETTLE_MS 1000

enum vip_method { METHOD_VRRP, METHOD_LINK, METHOD_GW, METHOD_LINK_GW, METHOD_COUNT };

enum vip_slot { SLOT_MASTER, SLOT_BACKUP, SLOT_COUNT };

/* ---- access.c: the accessors, below every other file of src/model ---- */

const char *vip_method_name(enum vip_method m); /* exactly the clusterIpMethod spelling */
const char *vip_slot_name(enum vip_slot s);
const char *iface_type_name(enum iface_type t);

struct priority_cfg {
	struct u32_val preferred; /* priority of the node that prefers the slot */
	struct u32_val other;
};

/* ---- issue 13: service checks, tracking, sync groups, hooks (load_checks.c,
 * validate_checks.c; docs/checks.md) ---- */

enum svc_type { SVC_PROCESS, SVC_TCP, SVC_HTTP, SVC_EXEC, SVC_TYPE_COUNT };

/* A command: "path" or [path, arg, ...]; run without a shell. */
struct argv_val {
	const char **argv; /* NULL-terminated, argv[0] an absolute path */
	size_t argc;
	bool set;
	struct src_pos pos;
};

/* vrrp.track: [NAME, {check: NAME, weight: W}] */
struct track_ref {
	const char *name; /* the check's name as written */
	size_t check;	  /* index in model->checks (resolved by validation) */
	int32_t weight;	  /* 0: none, the instance resigns while it fails */
	bool has_weight;
	bool resolved; /* name found in checks: */
	struct src_pos pos;
	struct src_pos weight_pos;
};
/* An interface's list replaces the cluster's (not appended). */
struct track_list {
	struct track_ref *v;
	size_t n;
	bool set;
	struct src_pos pos;
};

struct vrrp_cfg {
	struct u32_val version;		/* 2 or 3 */
	struct u32_val advert_interval; /* ms */
	struct priority_cfg priority;
	struct bool_val preempt;
	struct u32_val preempt_delay; /* ms */
	struct bool_val unicast;
	struct u32_val virtual_router_id; /* explicit base VRID; unset = automatic */
	/* An interface whose communication pair carries the adverts (a dedicated
	 * HA link); unset: the interface itself. Never a cluster default. */
	struct str_val via;
	struct track_list track; /* the checks the instances follow */
	/* RFC 5798 virtual MAC: each instance's VIPs live on a macvlan of its
	 * own with 00:00:5e:00:01|02:VRID (docs/vmac.md) */
	struct bool_val virtual_mac;
	/* Adverts as link-layer frames from a packet socket (docs/vrrp.md,
	 * "Packet socket"): no route lookup, no IP output */
	struct bool_val packet_socket;
};

/* bfd: (issue 16) one BFD session (RFC 5880, 5881) per advert path. On
 * for an interface when a bfd key is written at the cluster or on it and
 * enabled is not false (resolved into `on` after inheritance). */
struct bfd_cfg {
	struct u32_val interval;   /* ms: Desired Min TX and Required Min RX once Up */
	struct u32_val multiplier; /* Detect Mult */
	struct bool_val enabled;   /* written false: off here despite the cluster's */
	bool on;
	struct src_pos pos; /* of the first key written (for messages) */
};

struct garp_cfg {
	struct u32_val count;
	struct u32_val interval; /* ms */
	struct u32_val refresh;	 /* ms; 0 = off */
};

struct gwcheck_cfg {
	struct u32_val interval; /* ms */
	struct u32_val timeout;	 /* ms */
	struct u32_val fall;
	struct u32_val rise;
};

/* checks: NAME: {...} */
struct svc_check {
	const char *name;
	struct src_pos pos;
	enum svc_type type;
	struct u32_val type_val;   /* the `type:` key as parsed (enum index) */
	struct str_val process;	   /* process: name (comm, as pidof/killall match it) */
	struct addr_val address;   /* tcp: address (default 127.0.0.1) */
	struct u32_val port;	   /* tcp: port 1..65535 */
	struct str_val url;	   /* http: "http://IP[:PORT]/path" (IP literal, [v6]) */
	struct ip_addr url_addr;   /* http: parsed from url by the loader */
	uint16_t url_port;	   /* default 80 */
	const char *url_path;	   /* "/" when none */
	struct u32_val expect;	   /* http: status code 100..599, default 200 */
	struct argv_val command;   /* exec */
	struct str_val user;	   /* exec: user to run as; default "nobody" */
	struct str_val netns;	   /* tcp, http, exec: namespace; process: refused */
	struct gwcheck_cfg timing; /* interval, timeout, fall, rise (gateway_check's defaults) */
};

enum hook_event { HOOK_MASTER, HOOK_BACKUP, HOOK_FAULT, HOOK_STOP, HOOK_EVENT_COUNT };
struct hooks_cfg {
	struct argv_val cmd[HOOK_EVENT_COUNT];
	struct src_pos pos;
	bool set; /* at least one event has a command */
};

/* sync_groups: NAME: {members: [...], hooks: {...}} */
struct group_member {
	const char *text; /* as written: "vlan100/master"; "*" is any interface */
	struct src_pos pos;
	const char *iface; /* NULL: "*" */
	enum vip_slot slot;
	int family; /* 0: any, else enum ip_family */
};
struct sync_group {
	const char *name;
	struct src_pos pos;
	struct group_member *written; /* the members as written */
	size_t n_written;
	size_t *members; /* indexes in model->instances */
	size_t n_members;
	struct hooks_cfg hooks;
};

struct vip {
	struct ip_addr addr;
	enum vip_slot slot;
	enum vip_method method;
	const char *zone; /* own zone, else the interface's */
	/* Pins the VRID of the VIP's instance (a keepalived peer's, kept as it
	 * is): VIPs with one vrid form their own instance. Unset: automatic. */
	struct u32_val vrid;
	struct src_pos pos;
	struct src_pos method_pos;
};

struct addr_list {
	struct addr_val *v;
	size_t n;
	struct src_pos pos; /* of the node's key */
	bool set;
};

struct iface_kind;

struct iface {
	const char *name;
	struct src_pos pos; /* of its key under interfaces: */
	enum iface_type type;
	const struct iface_kind *kind;

	/* common keys */
	struct u32_val mtu;
	struct mac_val mac;
	struct str_val netns; /* NULL: the daemon's own namespace */
	struct str_val zone;
	struct addr_list addrs[MODEL_NODES]; /* by node index */
	bool addrs_bad;			     /* some address or node key was invalid (reported) */
	struct addr_val gateway4, gateway6;
	struct vrrp_cfg vrrp;	    /* merged over the cluster's */
	struct gwcheck_cfg gwcheck; /* merged over the cluster's */
	struct bfd_cfg bfd;	    /* merged over the cluster's (issue 16) */
	struct vip *vips;
	size_t n_vips;

	struct kind_opts opts; /* its kind's keys (model/kinds/kind_types.h) */

	/* resolved by validation */
	long parent_idx;       /* -1: none */
	long master_idx;       /* bond/lacp/bridge that holds it, -1: none */
	long vrid_domain;      /* its L2 segment: the smallest interface index on it */
	long via_idx;	       /* resolved vrrp.via, -1: none (or invalid, reported) */
	bool peer_end_bridged; /* veth-peer: its host end is a bridge member */
	long peer_end_master;  /* veth-peer: bridge holding the host end, -1 */
};

/* One VRRP instance: (interface, slot, family, method) with VIPs. */
struct vrrp_instance {
	const char *name; /* "vlan100/master/ipv4/gw" */
	size_t iface;	  /* holds the VIPs; link and gateway health are judged here */
	enum vip_slot slot;
	enum ip_family family;
	enum vip_method method;
	uint8_t vrid;
	bool vrid_explicit;
	bool vrid_pinned; /* by its VIPs' vrid key; the name ends in /vridN */
	size_t *vips;	  /* indexes into the interface's vips */
	size_t n_vips;
	/* per node: priority for this node, own address, the peer's address */
	uint8_t priority[MODEL_NODES];
	struct ip_addr addr[MODEL_NODES]; /* the communication pair, on advert_iface */
	bool has_pair;
	/* The interface the adverts go out of and whose segment holds the VRID:
	 * vrrp.via when set, else iface. */
	size_t advert_iface;
	long sync_group;		/* index in model->groups, -1: none */
	const struct track_list *track; /* its interface's vrrp.track (never NULL) */
	/* vrrp.virtual_mac: the macvlan that holds its VIPs (model_vmac_name),
	 * NULL without */
	const char *vmac_ifname;
};

struct model {
	struct arena arena;
	const char *file;

	struct str_val cluster_name;
	struct str_val nodes[MODEL_NODES];
	struct vrrp_cfg vrrp;
	struct garp_cfg garp;
	struct gwcheck_cfg gwcheck;
	struct bfd_cfg bfd;

	struct iface *ifaces;
	size_t n_ifaces;
	struct strmap by_name;	    /* interface name → index */
	struct strmap by_peer_name; /* veth-peer host-end name → index of the veth-peer */
	size_t *order;		    /* creation order: parents and members first */

	struct vrrp_instance *instances;
	size_t n_instances;

	struct svc_check *checks;
	size_t n_checks;
	struct strmap by_check; /* check name → index */
	struct sync_group *groups;
	size_t n_groups;
	struct hooks_cfg hooks; /* cluster.hooks: instances outside a group */
};

/* ---- model.c: the lifecycle ---- */

/* Parse, validate and compile. `file` is the name diagnostics print. On
 * return *out is a model (even with errors, for partial inspection) that the
 * caller frees; returns 0 when there are no errors, -EINVAL otherwise. */
int model_load_buffer(const char *buf, size_t len, const char *file, struct model **out,
		      struct diag_list *dl);
void model_free(struct model *m);

/* ---- access.c ---- */

/* Both node names are known and distinct: checks that speak of "node X"
 * run only then, so a broken cluster.nodes does not cascade. */
bool model_nodes_known(const struct model *m);
/* Index of a node name in cluster.nodes, or -1. */
int model_node_index(const struct model *m, const char *node);
long model_iface_index(const struct model *m, const char *name);
/* The namespace an interface lives in, NULL for the daemon's own. */
const char *model_iface_netns(const struct model *m, const struct iface *ifc);
/* The RFC 5798 virtual MAC of an instance's VRID and family (vmac.c). */
void model_vmac_mac(const struct vrrp_instance *vi, uint8_t mac[6]);
uint8_t model_instance_priority(const struct vrrp_instance *vi, int node);
/* NULL-terminated spellings, index = the enum (the key tables use them) */
extern const char *const svc_type_names[];
extern const char *const hook_event_names[];
const char *svc_type_name(enum svc_type t);	/* "process", "tcp", "http", "exec" */
const char *hook_event_name(enum hook_event e); /* "master", "backup", "fault", "stop" */

/* ---- keys.c ---- */

/* Formatting of durations in ms back to text for show/explain. */
const char *model_fmt_duration(uint32_t ms, char buf[32]);
/* gateway_check.timeout when it is not written, at the cluster nor at the
 * interface: 80% of the interval in force, rounded down, at least 1 ms
 * (500ms -> 400ms, 100ms -> 80ms). A written timeout is kept as is. */
uint32_t model_gwcheck_default_timeout(uint32_t interval_ms);
void model_gwcheck_resolve_timeout(struct gwcheck_cfg *g);
/* bfd: on when a key is written (here or inherited) and enabled is not
 * false; pos: the first written key's. */
void model_bfd_resolve(struct bfd_cfg *b);

#endif
