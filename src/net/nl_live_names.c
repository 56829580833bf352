/* The reader's names for indexes: ifindex -> name, netnsid -> namespace.
 * Below the kinds, which resolve their links with them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "net/nl_live_internal.h"
#include "net/nl_util.h"

/* Name of ifindex in namespace rd->ns[ns]: from the dump, else asked. */
void rd_name(struct reader *rd, size_t ns, int ifindex, char *out, size_t len)
{
	struct rd_link *r = rd_find(rd, ns, ifindex);
	struct nl_sock *sk;

	out[0] = '\0';
	if (ifindex <= 0)
		return;
	if (r) {
		snprintf(out, len, "%s", r->l.name);
		return;
	}
	if (net_nl_get(rd->ctx, rd->ns[ns], &sk) == 0)
		(void)nlu_ifname(sk, ifindex, out, len, NULL);
}

static int on_nsid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[NETNSA_MAX + 1];

	if (h->nlmsg_type == RTM_NEWNSID &&
	    nlmsg_parse(h, sizeof(struct rtgenmsg), tb, NETNSA_MAX, NULL) == 0)
		nlu_get_s32(tb, NETNSA_NSID, arg);
	return NL_OK;
}

/* The netnsid that namespace `from` (socket sk) uses for namespace fd. */
static int nsid_of(struct nl_sock *sk, int fd, int32_t *nsid)
{
	struct rtgenmsg g = {.rtgen_family = AF_UNSPEC};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETNSID, 0);

	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &g, sizeof(g), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(m, NETNSA_FD, (uint32_t)fd) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	*nsid = -1;
	return nlu_exchange(sk, m, on_nsid, nsid, NULL);
}

static struct rd_nsid *memo_add(struct reader *rd, size_t ns, int nsid)
{
	struct rd_nsid *e;

	if (rd->n_memo == rd->cap_memo) {
		size_t cap = rd->cap_memo ? rd->cap_memo * 2 : 8;
		void *p = realloc(rd->memo, cap * sizeof(*rd->memo));

		if (!p)
			return NULL;
		rd->memo = p;
		rd->cap_memo = cap;
	}
	e = &rd->memo[rd->n_memo++];
	memset(e, 0, sizeof(*e));
	e->ns = ns;
	e->nsid = nsid;
	return e;
}

/* Which of "" and the names under /run/netns is `nsid` as seen from
 * namespace rd->ns[ns]? NULL when none is. */
const char *rd_nsid_name(struct reader *rd, size_t ns, int nsid)
{
	struct rd_nsid *e;
	struct nl_sock *sk;

	for (size_t i = 0; i < rd->n_memo; i++)
		if (rd->memo[i].ns == ns && rd->memo[i].nsid == nsid)
			return rd->memo[i].found ? rd->memo[i].name : NULL;
	if (!(e = memo_add(rd, ns, nsid)) || net_nl_get(rd->ctx, rd->ns[ns], &sk) < 0)
		return NULL;
	for (size_t i = 0; i <= rd->n_all; i++) {
		const char *cand = i == 0 ? "" : rd->all_ns[i - 1];
		int fd = net_ns_fd(rd->ctx, cand);
		int32_t id;

		if (strcmp(cand, rd->ns[ns]) == 0 || fd < 0 || nsid_of(sk, fd, &id) < 0 ||
		    id != nsid)
			continue;
		snprintf(e->name, sizeof(e->name), "%s", cand);
		e->found = true;
		return e->name;
	}
	return NULL;
}

size_t rd_ns_index(struct reader *rd, const char *name)
{
	for (size_t i = 0; i < rd->n_ns; i++)
		if (strcmp(rd->ns[i], name) == 0)
			return i;
	return rd->n_ns;
}

void rd_resolve_parent(struct reader *rd, struct rd_link *r)
{
	if (r->link_nsid < 0 && r->iflink != r->l.ifindex)
		rd_name(rd, r->ns, r->iflink, r->l.parent, sizeof(r->l.parent));
}
