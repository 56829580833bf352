/* Reading links and addresses of several namespaces (see nl_live.h). */
#include "net/nl_live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "net/kinds/net_kind.h"
#include "net/nl_live_internal.h"
#include "net/nl_util.h"

/* A dump that the kernel flags as interrupted (the table changed under it)
 * is read again, this many times at most. */
#define RD_DUMP_TRIES 5

static void rd_done(struct reader *rd)
{
	for (size_t i = 0; i < rd->n; i++)
		free(rd->v[i].l.addrs);
	free(rd->v);
	free(rd->ns);
	free(rd->memo);
	netns_list_free(rd->all_ns, rd->n_all);
	memset(rd, 0, sizeof(*rd));
}

static int rd_add_ns(struct reader *rd, const char *name)
{
	void *p;

	for (size_t i = 0; i < rd->n_ns; i++)
		if (strcmp(rd->ns[i], name) == 0)
			return 0;
	p = realloc(rd->ns, (rd->n_ns + 1) * sizeof(*rd->ns));
	if (!p)
		return -ENOMEM;
	rd->ns = p;
	snprintf(rd->ns[rd->n_ns++], LIVE_NS_MAX, "%s", name);
	return 0;
}

/* Forgets what a dump of namespace `ns` collected (before reading again). */
static void rd_drop_ns(struct reader *rd, size_t ns, size_t from)
{
	for (size_t i = from; i < rd->n; i++)
		if (rd->v[i].ns == ns)
			free(rd->v[i].l.addrs);
	rd->n = from;
}

static struct nl_msg *link_dump_msg(int master)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);

	if (!m)
		return NULL;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0 ||
	    (master && nla_put_u32(m, IFLA_MASTER, (uint32_t)master) < 0)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

static struct nl_msg *addr_dump_msg(int ifindex)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_UNSPEC, .ifa_index = (unsigned)ifindex};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);

	if (m && nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

/* Link dump of namespace rd->ns[ns] into rd->v (unsorted). */
static int rd_dump_links(struct reader *rd, size_t ns)
{
	size_t from = rd->n;
	struct nl_sock *sk;
	int err = net_nl_get(rd->ctx, rd->ns[ns], &sk);

	rd->cur = ns;
	for (int t = 0; err == 0 && t < RD_DUMP_TRIES; t++) {
		struct nl_msg *m = link_dump_msg(rd->want_master);

		if (!m)
			return -ENOMEM;
		err = nlu_exchange(sk, m, rd_on_link, rd, NULL);
		if (rd->err)
			return rd->err;
		if (err != -EINTR)
			return err;
		rd_drop_ns(rd, ns, from);
		err = 0;
	}
	return err ? err : -EINTR;
}

/* Address dump of namespace rd->ns[ns], attached to the sorted links. */
static int rd_dump_addrs(struct reader *rd, size_t ns)
{
	struct nl_sock *sk;
	int err = net_nl_get(rd->ctx, rd->ns[ns], &sk);

	rd->cur = ns;
	for (int t = 0; err == 0 && t < RD_DUMP_TRIES; t++) {
		struct nl_msg *m = addr_dump_msg(rd->want_index);

		if (!m)
			return -ENOMEM;
		err = nlu_exchange(sk, m, rd_on_addr, rd, NULL);
		if (rd->err)
			return rd->err;
		if (err != -EINTR)
			return err;
		for (size_t i = 0; i < rd->n; i++)
			if (rd->v[i].ns == ns)
				rd->v[i].l.n_addrs = 0;
		err = 0;
	}
	return err ? err : -EINTR;
}

static void rd_resolve(struct reader *rd)
{
	for (size_t i = 0; i < rd->n; i++) {
		struct rd_link *r = &rd->v[i];
		struct live_link *l = &r->l;

		snprintf(l->netns, sizeof(l->netns), "%s", rd->ns[r->ns]);
		rd_name(rd, r->ns, r->master, l->master, sizeof(l->master));
		net_kind_get(l->kind)->resolve(rd, r);
	}
}

/* Moves the links out of the reader into a plain array. */
static int rd_take_links(struct reader *rd, struct live_link **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (rd->n == 0)
		return 0;
	*out = calloc(rd->n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < rd->n; i++) {
		(*out)[i] = rd->v[i].l;
		rd->v[i].l.addrs = NULL;
	}
	*n = rd->n;
	return 0;
}

static int rd_take_netns(struct reader *rd, struct live_state *out)
{
	out->netns = calloc(rd->n_all + 1, sizeof(*out->netns));
	if (!out->netns || !(out->netns[0] = strdup("")))
		return -ENOMEM;
	out->n_netns = 1;
	for (size_t i = 0; i < rd->n_all; i++) {
		out->netns[i + 1] = rd->all_ns[i];
		rd->all_ns[i] = NULL;
		out->n_netns++;
	}
	return 0;
}

static int rd_read_all(struct reader *rd)
{
	int err = 0;

	for (size_t i = 0; err == 0 && i < rd->n_ns; i++)
		err = rd_dump_links(rd, i);
	if (err)
		return err;
	rd_sort(rd);
	for (size_t i = 0; err == 0 && i < rd->n_ns; i++)
		err = rd_dump_addrs(rd, i);
	if (err)
		return err;
	rd_resolve(rd);
	return 0;
}

int net_read_live(struct net_ctx *ctx, const char *const *namespaces, size_t n,
		  struct live_state *out)
{
	struct reader rd = {.ctx = ctx};
	int err = netns_list(&rd.all_ns, &rd.n_all);

	memset(out, 0, sizeof(*out));
	if (err == 0)
		err = rd_add_ns(&rd, "");
	for (size_t i = 0; err == 0 && i < n; i++)
		if (namespaces[i] && netns_exists(namespaces[i]))
			err = rd_add_ns(&rd, namespaces[i]);
	if (err == 0)
		err = rd_read_all(&rd);
	if (err == 0)
		err = rd_take_links(&rd, &out->links, &out->n_links);
	if (err == 0)
		err = rd_take_netns(&rd, out);
	rd_done(&rd);
	if (err)
		live_state_free(out);
	return err;
}

static int getlink_msg(const char *name, struct nl_msg **out)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETLINK, 0);

	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, name) < 0 ||
	    nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

int net_read_link(struct net_ctx *ctx, const char *netns, const char *name, struct live_link *out)
{
	struct reader rd = {.ctx = ctx};
	struct nl_sock *sk;
	struct nl_msg *m;
	int err = netns_list(&rd.all_ns, &rd.n_all);

	memset(out, 0, sizeof(*out));
	if (err == 0)
		err = rd_add_ns(&rd, netns ? netns : "");
	if (err == 0)
		err = net_nl_get(ctx, rd.ns[0], &sk);
	if (err == 0)
		err = getlink_msg(name, &m);
	if (err == 0)
		err = nlu_exchange(sk, m, rd_on_link, &rd, NULL);
	if (err == 0 && (rd.err || rd.n != 1))
		err = rd.err ? rd.err : -ENODEV;
	if (err == 0) {
		rd.want_index = rd.v[0].l.ifindex;
		err = rd_dump_addrs(&rd, 0);
	}
	if (err == 0) {
		rd_resolve(&rd);
		*out = rd.v[0].l;
		rd.v[0].l.addrs = NULL;
	}
	rd_done(&rd);
	return err;
}

int net_read_links(struct net_ctx *ctx, const char *netns, const char *master,
		   struct live_state *out)
{
	struct reader rd = {.ctx = ctx};
	struct nl_sock *sk;
	int err = rd_add_ns(&rd, netns ? netns : "");

	memset(out, 0, sizeof(*out));
	if (err == 0)
		err = net_nl_get(ctx, rd.ns[0], &sk);
	if (err == 0 && master)
		err = nlu_ifindex(sk, master, &rd.want_master, NULL);
	if (err == 0)
		err = rd_dump_links(&rd, 0);
	if (err == 0) {
		rd_sort(&rd);
		rd_resolve(&rd);
		err = rd_take_links(&rd, &out->links, &out->n_links);
	}
	rd_done(&rd);
	return err;
}
