/* The netlink reader's working state. Internal to nl_live*.c. */
#ifndef VIPD_NET_NL_LIVE_INTERNAL_H
#define VIPD_NET_NL_LIVE_INTERNAL_H

#include <stddef.h>

#include <netlink/msg.h>

#include "net/netns.h"
#include "plan/live.h"

/* Large enough for the IFLA_INFO_DATA of vlan, macvlan, bond and bridge. */
#define RD_DATA_MAX 128

/* A link as dumped, before indexes are turned into names. */
struct rd_link {
	struct live_link l;
	size_t ns;     /* index into reader.ns */
	int iflink;    /* IFLA_LINK: parent, or the veth's other end */
	int link_nsid; /* IFLA_LINK_NETNSID, -1: iflink is in the same namespace */
	int master;    /* IFLA_MASTER */
	int primary;   /* IFLA_BOND_PRIMARY */
	size_t cap_addrs;
};

/* Which named namespace a netnsid of namespace `ns` stands for. */
struct rd_nsid {
	size_t ns;
	int nsid;
	char name[LIVE_NS_MAX];
	bool found;
};

struct reader {
	struct net_ctx *ctx;
	char (*ns)[LIVE_NS_MAX]; /* namespaces read; [0] is the first asked for */
	size_t n_ns;
	struct rd_link *v; /* sorted by (ns, ifindex) once the link dumps are in */
	size_t n, cap;
	size_t cur;	 /* namespace of the dump in progress */
	int want_index;	 /* address dump: only this ifindex (0: all) */
	int want_master; /* link dump: only ports of this ifindex (0: all) */
	int err;	 /* out-of-memory inside a callback */
	struct rd_nsid *memo;
	size_t n_memo, cap_memo;
	char **all_ns; /* names under /run/netns, for veth peers elsewhere */
	size_t n_all;
};

/* nl_live_parse.c: the dump callbacks (arg is the reader). */
int rd_on_link(struct nl_msg *msg, void *arg);
int rd_on_addr(struct nl_msg *msg, void *arg);
/* nl_live_index.c: the links by (ns, ifindex); rd_find only once sorted. */
void rd_sort(struct reader *rd);
struct rd_link *rd_find(struct reader *rd, size_t ns, int ifindex);
/* nl_live_names.c: name of ifindex in namespace rd->ns[ns] ("" if none),
 * from the dump, else asked */
void rd_name(struct reader *rd, size_t ns, int ifindex, char *out, size_t len);
/* which of "" and the names under /run/netns is `nsid` as seen from
 * namespace rd->ns[ns]; NULL when none is */
const char *rd_nsid_name(struct reader *rd, size_t ns, int nsid);
/* index of namespace `name` in rd->ns, rd->n_ns if it was not read */
size_t rd_ns_index(struct reader *rd, const char *name);
/* the parent (IFLA_LINK in the same namespace), for the kinds that have one */
void rd_resolve_parent(struct reader *rd, struct rd_link *r);

#endif
