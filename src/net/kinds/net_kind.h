/* The network side of an interface kind, one file per netlink kind under
 * src/net/kinds/, each ending in a const ops table; registry.c maps the
 * IFLA_INFO_KIND string to it. Internal to src/net. Every hook is filled
 * (tests/unit/net/test_net_kinds.c): a kind with nothing to do for one
 * uses the shared no-op of net_kind.c. */
#ifndef VIPD_NET_KINDS_NET_KIND_H
#define VIPD_NET_KINDS_NET_KIND_H

#include <stdbool.h>

#include <netlink/route/link.h>

#include "net/nl_ops.h"
#include "plan/live.h"

struct reader;
struct live_state;

/* What undoing the deletion of a link reads before, and restores after. */
enum nk_undo {
	NK_UNDO_PEER = 1,	/* the other end of a pair: read, re-created with it */
	NK_UNDO_PORTS = 2,	/* the ports: read, enslaved again */
	NK_UNDO_PORTS_DOWN = 4, /* ... each down while it is enslaved */
};
struct rd_link;
struct nlattr;

struct net_kind {
	const char *kind; /* IFLA_INFO_KIND; "" for the fallback of unknown kinds */
	/* create: the libnl object of the kind (`kind` for the fallback) */
	struct rtnl_link *(*alloc)(const char *kind);
	/* create: the kind's options on the request (parent, vlan id, mode, peer) */
	int (*request)(struct nl_ops *o, const char *ns, const struct live_link *l,
		       const struct live_link *peer, struct rtnl_link *k);
	/* create: what the RTM_NEWLINK on the new link carries besides its
	 * alias (options libnl has no setters for); nothing for most kinds */
	int (*finish_attrs)(struct nl_msg *m, const struct live_link *l);
	/* create: after that message (a veth's other end gets the alias too) */
	int (*after_create)(struct nl_ops *o, const struct live_link *l);
	/* read: the kind's IFLA_INFO_DATA (parsed up to RD_DATA_MAX) into r */
	void (*parse)(struct rd_link *r, struct nlattr *const *data);
	/* read: the dumped indexes to names, once every link is in (parent,
	 * bond primary, a veth's other end) */
	void (*resolve)(struct reader *rd, struct rd_link *r);
	/* undo: what the snapshot before deleting `l` takes (enum nk_undo) */
	unsigned (*undo_needs)(const struct live_link *l);
	/* undo: the re-create request from the snapshot `want` and its ports */
	void (*recreate)(struct live_link *want, const struct live_state *ports);
	/* the primary port of master `name` ("" clears it); -EOPNOTSUPP for
	 * kinds without one */
	int (*set_primary)(struct nl_ops *o, const char *ns, const char *name, const char *primary);
};

/* ---- one file per kind ---- */

extern const struct net_kind net_kind_vlan;
extern const struct net_kind net_kind_macvlan;
extern const struct net_kind net_kind_veth;
extern const struct net_kind net_kind_bond;
extern const struct net_kind net_kind_bridge;
extern const struct net_kind net_kind_other;

/* ---- registry.c ---- */

/* The ops of IFLA_INFO_KIND `kind`; net_kind_other for any other. */
const struct net_kind *net_kind_get(const char *kind);
/* The known kinds, for the unit test: NULL past the end (the fallback last). */
const struct net_kind *net_kind_at(size_t i);

/* ---- net_kind.c: what the kinds share, and the no-ops ---- */

void nk_set_common(struct rtnl_link *k, const char *name, uint32_t mtu, const uint8_t mac[6]);
/* The parent of a stacked link, in the namespace it is created in. */
int nk_set_parent(struct nl_ops *o, const char *ns, const struct live_link *l, struct rtnl_link *k);
/* IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA { put(m, l) } } */
int nk_put_info_data(struct nl_msg *m, const struct live_link *l,
		     int (*put)(struct nl_msg *m, const struct live_link *l));

struct rtnl_link *nk_alloc_by_type(const char *kind);
int nk_no_request(struct nl_ops *o, const char *ns, const struct live_link *l,
		  const struct live_link *peer, struct rtnl_link *k);
int nk_no_finish_attrs(struct nl_msg *m, const struct live_link *l);
int nk_no_after_create(struct nl_ops *o, const struct live_link *l);
void nk_no_parse(struct rd_link *r, struct nlattr *const *data);
unsigned nk_no_undo_needs(const struct live_link *l);
void nk_no_recreate(struct live_link *want, const struct live_state *ports);
int nk_no_set_primary(struct nl_ops *o, const char *ns, const char *name, const char *primary);

#endif
