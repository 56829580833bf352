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

/* e from an RTM_NEWNEIGH or RTM_DELNEIGH message of family fam: false
 * when it is of another family, not about an address of one, or about a
 * multicast address (NOARP entries the kernel keeps for every group sent
 * to on every interface: thousands in a namespace of hundreds of
 * interfaces, and a frame to a group goes to the group's MAC anyway). */
static bool parse_entry(struct nlmsghdr *nh, enum ip_family fam, struct neigh_entry *e)
{
	struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *nd;
	size_t alen = fam == IP_V4 ? 4 : 16;

	if ((nh->nlmsg_type != RTM_NEWNEIGH && nh->nlmsg_type != RTM_DELNEIGH) ||
	    nlmsg_parse(nh, sizeof(*nd), tb, NDA_MAX, NULL) < 0)
		return false;
	nd = nlmsg_data(nh);
	if (nd->ndm_family != (fam == IP_V4 ? AF_INET : AF_INET6) || !tb[NDA_DST] ||
	    (size_t)nla_len(tb[NDA_DST]) != alen)
		return false;
	memset(e, 0, sizeof(*e));
	e->ifindex = nd->ndm_ifindex;
	e->state = nd->ndm_state;
	e->addr.family = (uint8_t)fam;
	e->addr.plen = (uint8_t)(alen * 8);
	memcpy(e->addr.bytes, nla_data(tb[NDA_DST]), alen);
	if (ip_is_multicast(&e->addr))
		return false;
	if (tb[NDA_LLADDR] && nla_len(tb[NDA_LLADDR]) == 6) {
		e->has_mac = true;
		memcpy(e->mac, nla_data(tb[NDA_LLADDR]), 6);
	}
	return true;
}

static int table_grow(struct neigh_table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 64;
	struct neigh_entry *grown;

	if (t->n < t->cap)
		return 0;
	grown = realloc(t->v, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	t->v = grown;
	t->cap = cap;
	return 0;
}

/* Where e's key is or would go in the sorted table. */
static size_t table_slot(const struct neigh_table *t, const struct neigh_entry *e, bool *found)
{
	size_t lo = 0, hi = t->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_entry(&t->v[mid], e);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int neigh_table_apply(struct neigh_table *t, enum ip_family fam, struct nlmsghdr *nh)
{
	struct neigh_entry e;
	bool found;
	size_t at;

	if (!parse_entry(nh, fam, &e))
		return 0;
	at = table_slot(t, &e, &found);
	if (nh->nlmsg_type == RTM_DELNEIGH) {
		if (!found)
			return 0;
		memmove(&t->v[at], &t->v[at + 1], (t->n - at - 1) * sizeof(*t->v));
		t->n--;
		return 1;
	}
	if (found) {
		t->v[at] = e;
		return 1;
	}
	if (table_grow(t) < 0)
		return -ENOMEM;
	memmove(&t->v[at + 1], &t->v[at], (t->n - at) * sizeof(*t->v));
	t->v[at] = e;
	t->n++;
	return 1;
}

struct reading {
	struct neigh_table *t;
	enum ip_family fam;
	int err;
};

static int on_neigh(struct nl_msg *msg, void *arg)
{
	struct reading *rd = arg;
	struct neigh_entry e;

	if (nlmsg_hdr(msg)->nlmsg_type != RTM_NEWNEIGH || !parse_entry(nlmsg_hdr(msg), rd->fam, &e))
		return NL_SKIP;
	if (table_grow(rd->t) < 0) {
		rd->err = -ENOMEM;
		return NL_STOP;
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
	if (t->n)
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

bool neigh_entry_stale(const struct neigh_entry *e)
{
	return e && e->state == NUD_STALE;
}

/* ---- followed ---- */

#define NEIGH_WATCH_READ_MAX 256 /* messages read in one call */

static int on_event(struct nl_msg *msg, void *arg)
{
	struct neigh_watch *w = arg;
	int rc = neigh_table_apply(&w->table, w->fam, nlmsg_hdr(msg));

	if (rc < 0)
		w->need_dump = true; /* a change we could not keep: read it all again */
	else if (rc > 0)
		w->gen++;
	return NL_OK;
}

int neigh_watch_init(struct neigh_watch *w, struct nl_sock *sk, enum ip_family fam)
{
	int size = NEIGH_WATCH_RCVBUF, err;
	unsigned gen = w->gen;

	memset(w, 0, sizeof(*w));
	w->gen = gen + 1; /* only forward: see neigh_watch_done */
	w->fam = fam;
	w->need_dump = true;
	/* events come unasked: no sequence to check */
	nl_socket_disable_seq_check(sk);
	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, w);
	if (err == 0)
		err = nl_socket_add_membership(sk, RTNLGRP_NEIGH);
	if (err == 0)
		err = nl_socket_set_nonblocking(sk);
	if (err < 0)
		return nlu_errno_from_nle(err);
	w->sk = sk;
	return 0;
}

int neigh_watch_read(struct neigh_watch *w)
{
	/* a storm of changes does not hold the loop: the rest waits for the
	 * next wake-up (the descriptor stays readable) */
	for (int i = 0; i < NEIGH_WATCH_READ_MAX; i++) {
		int rc = nl_recvmsgs_default(w->sk);

		if (rc == -NLE_AGAIN)
			return 0;
		if (rc == -NLE_NOMEM) {
			/* the socket overflowed (ENOBUFS; or libnl had no memory
			 * for the message): changes were lost */
			w->need_dump = true;
			continue;
		}
		if (rc < 0)
			return nlu_errno_from_nle(rc);
	}
	return 0;
}

int neigh_watch_sync(struct neigh_watch *w, struct nl_sock *req)
{
	int rc;

	if (!w->need_dump)
		return 0;
	rc = neigh_table_read(req, w->fam, &w->table);
	w->gen++;
	if (rc == 0)
		w->need_dump = false;
	return rc;
}

void neigh_watch_done(struct neigh_watch *w)
{
	unsigned gen = w->gen;

	if (w->sk)
		nl_socket_free(w->sk);
	neigh_table_done(&w->table);
	memset(w, 0, sizeof(*w));
	/* kept: a watch followed anew counts on from here, so that an answer
	 * taken from the old table cannot pass for one of the new (a gen
	 * that restarted at 1 matched a member's answer from the first dump,
	 * and a deletion the old watch had lost stayed unseen) */
	w->gen = gen;
}
