#include "net/neigh.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/nl_util.h"

static int cmp_entry(const void *pa, const void *pb)
{
	const struct neigh_entry *a = pa, *b = pb;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
}

struct reading {
	struct neigh_table *t;
	enum ip_family fam;
	int err;
};

static int on_neigh(struct nl_msg *msg, void *arg)
{
	struct reading *rd = arg;
	struct nlmsghdr *nh = nlmsg_hdr(msg);
	struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *nd;
	struct neigh_entry e = {0};
	size_t alen = rd->fam == IP_V4 ? 4 : 16;

	if (nh->nlmsg_type != RTM_NEWNEIGH || nlmsg_parse(nh, sizeof(*nd), tb, NDA_MAX, NULL) < 0)
		return NL_SKIP;
	nd = nlmsg_data(nh);
	if (!tb[NDA_DST] || (size_t)nla_len(tb[NDA_DST]) != alen)
		return NL_SKIP;
	e.ifindex = nd->ndm_ifindex;
	e.state = nd->ndm_state;
	e.addr.family = (uint8_t)rd->fam;
	e.addr.plen = (uint8_t)(alen * 8);
	memcpy(e.addr.bytes, nla_data(tb[NDA_DST]), alen);
	if (tb[NDA_LLADDR] && nla_len(tb[NDA_LLADDR]) == 6) {
		e.has_mac = true;
		memcpy(e.mac, nla_data(tb[NDA_LLADDR]), 6);
	}
	if (rd->t->n == rd->t->cap) {
		size_t cap = rd->t->cap ? 2 * rd->t->cap : 64;
		struct neigh_entry *grown = realloc(rd->t->v, cap * sizeof(*grown));

		if (!grown) {
			rd->err = -ENOMEM;
			return NL_STOP;
		}
		rd->t->v = grown;
		rd->t->cap = cap;
	}
	rd->t->v[rd->t->n++] = e;
	return NL_OK;
}

int neigh_table_read(struct nl_sock *sk, enum ip_family fam, struct neigh_table *t)
{
	struct ndmsg nd = {.ndm_family = fam == IP_V4 ? AF_INET : AF_INET6};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP);
	struct reading rd = {.t = t, .fam = fam};
	int rc;

	t->n = 0;
	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &nd, sizeof(nd), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	rc = nlu_exchange(sk, m, on_neigh, &rd, NULL);
	if (rc == 0)
		rc = rd.err;
	if (rc < 0) {
		t->n = 0;
		return rc;
	}
	qsort(t->v, t->n, sizeof(*t->v), cmp_entry);
	return 0;
}

const struct neigh_entry *neigh_table_find(const struct neigh_table *t, int ifindex,
					   const struct ip_addr *addr)
{
	struct neigh_entry key = {.ifindex = ifindex, .addr = *addr};

	if (!t->n)
		return NULL;
	return bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_entry);
}

void neigh_table_done(struct neigh_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

bool neigh_entry_usable(const struct neigh_entry *e)
{
	return e && e->has_mac &&
	       (e->state & (NUD_REACHABLE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP));
}
