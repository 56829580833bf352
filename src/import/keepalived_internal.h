/* The importer's own view of one keepalived file: what vipd can carry over,
 * read from the tree (keepalived_read.c) and mapped (keepalived_map.c). */
#ifndef VIPD_IMPORT_KEEPALIVED_INTERNAL_H
#define VIPD_IMPORT_KEEPALIVED_INTERNAL_H

#include <stdint.h>

#include "import/keepalived.h"
#include "util/ipaddr.h"

enum ka_event { KA_MASTER, KA_BACKUP, KA_FAULT, KA_STOP, KA_NOTIFY, KA_EVENTS };

struct ka_where {
	const char *file;
	int line;
};

struct ka_cmd {
	const char *text; /* the command line as keepalived runs it */
	struct ka_where at;
};

struct ka_vip {
	struct ip_addr addr;
	const char *dev; /* NULL: the instance's interface */
	const char *label;
	bool excluded;
	struct ka_where at;
};

struct ka_track {
	const char *name;
	int weight;
	bool has_weight;
	struct ka_where at;
};

struct ka_script {
	const char *name;
	struct ka_where at;
	struct ka_cmd cmd;
	uint32_t interval_ms, timeout_ms;
	bool has_timeout;
	int weight;
	bool has_weight;
	int fall, rise;
	const char *user;
};

struct ka_inst {
	const char *name;
	struct ka_where at;
	const char *iface;
	struct ka_where iface_at;
	int vrid;
	int priority;
	bool state_master;
	uint32_t advert_ms;
	bool has_advert;
	int version; /* 0: the global one */
	bool native_ipv6;
	bool nopreempt;
	uint32_t preempt_delay_ms;
	bool has_preempt_delay;
	int garp_repeat;	  /* 0: unset */
	uint32_t garp_refresh_ms; /* 0: unset */
	bool has_src;
	struct ip_addr src;
	struct ka_where src_at;
	bool unicast;
	int unicast_ttl; /* 0: keepalived's default */
	struct ka_where ttl_at;
	struct ip_addr *peers;
	size_t n_peers;
	struct ka_vip *vips;
	size_t n_vips;
	const char **track_if;
	struct ka_where *track_if_at;
	size_t n_track_if;
	struct ka_track *tracks;
	size_t n_tracks;
	struct ka_cmd notify[KA_EVENTS];
	bool use_vmac;
	struct ka_where vmac_at;
	enum ip_family family;
	long group; /* in ka_conf.groups, -1: none */
	bool paired;
};

struct ka_group {
	const char *name;
	struct ka_where at;
	const char **members;
	size_t n_members;
	struct ka_cmd notify[KA_EVENTS];
};

struct ka_conf {
	const char *file;
	const char *id;
	struct ka_inst *insts;
	size_t n_insts;
	struct ka_script *scripts;
	size_t n_scripts;
	struct ka_group *groups;
	size_t n_groups;
	int version; /* global vrrp_version, 0: keepalived's default (2) */
	int garp_repeat;
	uint32_t garp_interval_ms, garp_refresh_ms;
	bool has_garp_interval;
};

struct ka_ctx {
	struct arena *a;
	struct kad_msgs *msgs;
};

/* keepalived_msgs.c: an array of n elements with room for one more. */
void *ka_grow(struct arena *a, void *v, size_t n, size_t elem);

/* keepalived_read.c: the tree -> conf; every statement read is marked
 * used; ka_warn_unused then warns about each one that is not. */
void ka_read_conf(struct ka_ctx *c, struct kad_tree *t, struct ka_conf *out);
void ka_warn_unused(struct ka_ctx *c, struct kad_node *first);
const struct ka_script *ka_find_script(const struct ka_conf *k, const char *name);

#endif

/* ---- the cluster file being built (keepalived_map.c), written out by
 * keepalived_yaml.c ---- */

enum out_method { OM_VRRP, OM_LINK, OM_GW, OM_LINK_GW };

struct out_vip {
	struct ip_addr addr;
	int slot; /* 0 master, 1 backup */
	enum out_method method;
	int vrid;
	const char *zone;
	struct ka_where at; /* in the first file */
};

struct out_track {
	const char *check;
	int weight; /* 0: a bare name */
};

struct out_argv {
	const char **argv; /* NULL: none */
	size_t argc;
};

struct out_iface {
	const char *name;
	const char *parent;	   /* vlan: its parent */
	int vlan_id;		   /* 0: an ethernet */
	struct ip_addr addr[2][2]; /* [node][0 ipv4, 1 ipv6] */
	bool has_addr[2][2];
	struct ip_addr gw[2];
	bool has_gw[2];
	const char *via;
	bool vrrp_set; /* the values below come from an instance */
	struct ka_where vrrp_from;
	int version;
	uint32_t advert_ms;
	int pref, other;
	bool preempt;
	uint32_t preempt_delay_ms;
	bool unicast;
	bool virtual_mac;
	struct out_track *tracks;
	size_t n_tracks;
	bool tracks_set;
	struct out_vip *vips;
	size_t n_vips;
};

enum out_check_type { OC_PROCESS, OC_TCP, OC_EXEC };

struct out_check {
	const char *name;
	enum out_check_type type;
	const char *process;
	struct ip_addr addr;
	int port;
	struct out_argv cmd;
	const char *user;
	uint32_t interval_ms, timeout_ms;
	bool has_timeout;
	int fall, rise;
};

struct out_group {
	const char *name;
	const char **members;
	size_t n_members;
	struct out_argv hooks[4]; /* master, backup, fault, stop */
};

struct out_conf {
	const char *name;
	const char *nodes[2];
	struct out_iface *ifaces;
	size_t n_ifaces, cap_ifaces;
	struct out_check *checks;
	size_t n_checks, cap_checks;
	struct out_group *groups;
	size_t n_groups, cap_groups;
	struct out_argv hooks[4]; /* cluster.hooks */
	bool hooks_set;
	int garp_count;
	uint32_t garp_interval_ms, garp_refresh_ms;
	bool has_garp_interval;
};

/* A pair of twin instances, as mapped. */
struct ka_pair {
	const struct ka_inst *in[2];
	int slot;
	const char *member; /* "IFACE/SLOT/FAMILY", for sync groups */
};

struct map_ctx {
	struct ka_ctx *c;
	struct ka_conf k[2];
	struct out_conf *o;
	const struct kad_import_opts *opts;
	struct ka_pair *pairs;
	size_t n_pairs;
};

static inline int ka_fam_ix(int family)
{
	return family == IP_V6 ? 1 : 0;
}

/* keepalived_map.c */
__attribute__((format(printf, 3, 4))) void ka_warnf(struct map_ctx *m, struct ka_where w,
						    const char *fmt, ...);
__attribute__((format(printf, 3, 4))) void ka_errorf(struct map_ctx *m, struct ka_where w,
						     const char *fmt, ...);
struct out_iface *ka_iface(struct map_ctx *m, const char *name, struct ka_where w);

/* keepalived_track.c: tracking (link, gw, checks), virtual MAC, sync
 * groups and hooks. */
enum out_method ka_map_tracks(struct map_ctx *m, struct out_iface *f, const struct ka_inst *in[2]);
void ka_map_vmac(struct map_ctx *m, struct out_iface *f, const struct ka_inst *in[2]);
void ka_map_groups(struct map_ctx *m);
void ka_map_hooks(struct map_ctx *m);

/* keepalived_yaml.c: the file, with the warnings in its header. */
char *ka_yaml(const struct out_conf *o, const struct kad_msgs *msgs, const char *files[2]);
