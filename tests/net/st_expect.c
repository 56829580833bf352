/* What a plan should have done, checked on a fresh reading; and the
 * comparison of two readings (rollback must restore the first). */
#include "st.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/nl_live.h"

/* Where a link created or moved by step i lives at the end of the plan. */
static const char *final_ns(const struct plan *p, size_t i)
{
	const char *ns = p->steps[i].netns;

	for (size_t j = i + 1; j < p->n; j++)
		if (p->steps[j].op == PLAN_LINK_MOVE &&
		    strcmp(p->steps[j].name, p->steps[i].name) == 0 &&
		    strcmp(p->steps[j].netns, ns) == 0)
			ns = p->steps[j].to_netns;
	return ns;
}

static bool moved(const struct plan *p, size_t i)
{
	return strcmp(final_ns(p, i), p->steps[i].netns) != 0;
}

static bool same_kind_options(const struct live_link *w, const struct live_link *l, bool was_moved,
			      char *why, size_t len)
{
	if (strcmp(w->kind, "vlan") == 0 &&
	    (w->vlan_id != l->vlan_id || strcmp(was_moved ? "" : w->parent, l->parent) != 0))
		snprintf(why, len, "vlan id %u parent '%s'", l->vlan_id, l->parent);
	else if (strcmp(w->kind, "macvlan") == 0 &&
		 ((w->macvlan_mode && w->macvlan_mode != l->macvlan_mode) ||
		  strcmp(was_moved ? "" : w->parent, l->parent) != 0))
		snprintf(why, len, "macvlan mode %u parent '%s'", l->macvlan_mode, l->parent);
	else if (strcmp(w->kind, "veth") == 0 && (strcmp(w->veth_peer, l->veth_peer) != 0 ||
						  strcmp(w->veth_peer_ns, l->veth_peer_ns) != 0))
		snprintf(why, len, "veth peer '%s' in '%s'", l->veth_peer, l->veth_peer_ns);
	else if (strcmp(w->kind, "bridge") == 0 &&
		 (w->stp != l->stp ||
		  (w->forward_delay_ms && w->forward_delay_ms != l->forward_delay_ms)))
		snprintf(why, len, "bridge stp %d forward_delay %u ms", l->stp,
			 l->forward_delay_ms);
	else if (strcmp(w->kind, "bond") == 0 &&
		 (w->bond_mode != l->bond_mode || w->miimon_ms != l->miimon_ms ||
		  w->xmit_hash != l->xmit_hash || w->min_links != l->min_links ||
		  (w->bond_mode == 4 && w->lacp_rate != l->lacp_rate) ||
		  strcmp(w->primary, l->primary) != 0))
		snprintf(why, len,
			 "bond mode %u miimon %u hash %u min_links %u lacp_rate %u primary '%s'",
			 l->bond_mode, l->miimon_ms, l->xmit_hash, l->min_links, l->lacp_rate,
			 l->primary);
	else
		return true;
	return false;
}

static bool check_add(const struct plan *p, size_t i, const struct live_state *ls, char *why,
		      size_t len)
{
	const struct live_link *w = &p->steps[i].link;
	const struct live_link *l = live_find(ls, final_ns(p, i), w->name);

	if (!l)
		return snprintf(why, len, "missing in '%s'", final_ns(p, i)), false;
	if (strcmp(l->kind, w->kind) != 0 || strcmp(l->alias, w->alias) != 0)
		return snprintf(why, len, "kind '%s' alias '%s'", l->kind, l->alias), false;
	if ((w->mtu && w->mtu != l->mtu) ||
	    (memcmp(w->mac, "\0\0\0\0\0", 6) != 0 && memcmp(w->mac, l->mac, 6) != 0))
		return snprintf(why, len, "mtu %u or mac differs", l->mtu), false;
	return same_kind_options(w, l, moved(p, i), why, len);
}

static bool check_step(const struct plan *p, size_t i, const struct live_state *ls, char *why,
		       size_t len)
{
	const struct plan_step *s = &p->steps[i];
	const struct live_link *l = live_find(ls, s->netns, s->name);
	const struct live_addr *a = NULL;

	switch (s->op) {
	case PLAN_NETNS_ADD:
		return live_has_netns(ls, s->netns);
	case PLAN_LINK_ADD:
		return check_add(p, i, ls, why, len);
	case PLAN_LINK_DEL:
		return !l;
	case PLAN_LINK_MOVE:
		return !l && live_find(ls, s->to_netns, s->name);
	case PLAN_LINK_MTU:
		return l && l->mtu == s->mtu;
	case PLAN_LINK_MAC:
		return l && memcmp(l->mac, s->mac, 6) == 0;
	case PLAN_LINK_MASTER:
		return l && strcmp(l->master, s->master) == 0;
	case PLAN_LINK_UP:
		return l && l->admin_up == s->up;
	case PLAN_ADDR_ADD:
	case PLAN_ADDR_DEL:
		for (size_t k = 0; l && k < l->n_addrs; k++)
			if (ip_equal(&l->addrs[k].addr, &s->addr.addr))
				a = &l->addrs[k];
		if (s->op == PLAN_ADDR_DEL)
			return !a;
		if (a && a->proto != s->addr.proto)
			snprintf(why, len, "proto %u, want %u", a->proto, s->addr.proto);
		return a && a->addr.plen == s->addr.addr.plen && a->proto == s->addr.proto;
	case PLAN_OP_COUNT:
		break;
	}
	return false;
}

bool st_expect_plan(struct st *t, const struct plan *p, const char *phase)
{
	int err = st_read(t, &t->after);
	bool all_shown = true;

	if (err) {
		print_error("%s: read back the live state (%d)\n", phase, err);
		return false;
	}
	for (size_t i = 0; i < p->n; i++) {
		char why[160] = "";
		bool ok = check_step(p, i, &t->after, why, sizeof(why));

		if (ok && t->verbose)
			print_message("ok: %s: step %zu %s\n", phase, i, p->steps[i].text);
		if (!ok)
			print_error("%s: step %zu %s: not as planned%s%s\n", phase, i,
				    p->steps[i].text, *why ? ": " : "", why);
		all_shown &= ok;
	}
	return all_shown;
}

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(&((const struct live_addr *)a)->addr, &((const struct live_addr *)b)->addr,
		      sizeof(struct ip_addr));
}

static int cmp_link(const void *a, const void *b)
{
	const struct live_link *x = a, *y = b;
	int c = strcmp(x->netns, y->netns);

	return c ? c : strcmp(x->name, y->name);
}

/* Sorted copy without what may change across a delete/re-create. */
static void normalise(struct live_state *ls)
{
	if (ls->n_links)
		qsort(ls->links, ls->n_links, sizeof(*ls->links), cmp_link);
	for (size_t i = 0; i < ls->n_links; i++) {
		struct live_link *l = &ls->links[i];
		size_t n = 0;

		l->ifindex = 0;
		l->oper_up = false;
		for (size_t k = 0; k < l->n_addrs; k++)
			if (!l->addrs[k].link_local)
				l->addrs[n++] = l->addrs[k];
		l->n_addrs = n;
		if (n)
			qsort(l->addrs, n, sizeof(*l->addrs), cmp_addr);
	}
}

#define DIFF(field, fmt)                                                                           \
	do {                                                                                       \
		if (a->field != b->field) {                                                        \
			print_error("  %s/%s: " #field " " fmt " -> " fmt "\n", a->netns, a->name, \
				    a->field, b->field);                                           \
			same = false;                                                              \
		}                                                                                  \
	} while (0)
#define DIFF_S(field)                                                                              \
	do {                                                                                       \
		if (strcmp(a->field, b->field) != 0) {                                             \
			print_error("  %s/%s: " #field " '%s' -> '%s'\n", a->netns, a->name,       \
				    a->field, b->field);                                           \
			same = false;                                                              \
		}                                                                                  \
	} while (0)

static bool same_link(const struct live_link *a, const struct live_link *b)
{
	bool same = true;

	DIFF_S(kind);
	DIFF_S(alias);
	DIFF_S(parent);
	DIFF_S(master);
	DIFF_S(primary);
	DIFF_S(veth_peer);
	DIFF_S(veth_peer_ns);
	DIFF(mtu, "%u");
	DIFF(admin_up, "%d");
	DIFF(vlan_id, "%u");
	DIFF(bond_mode, "%u");
	DIFF(lacp_rate, "%u");
	DIFF(xmit_hash, "%u");
	DIFF(miimon_ms, "%u");
	DIFF(min_links, "%u");
	DIFF(macvlan_mode, "%u");
	DIFF(stp, "%d");
	DIFF(forward_delay_ms, "%u");
	DIFF(n_addrs, "%zu");
	if (memcmp(a->mac, b->mac, 6) != 0) {
		print_error("  %s/%s: mac differs\n", a->netns, a->name);
		same = false;
	}
	for (size_t k = 0; same && k < a->n_addrs; k++) {
		char x[IP_STR_MAX], y[IP_STR_MAX];

		if (cmp_addr(&a->addrs[k], &b->addrs[k]) == 0 &&
		    a->addrs[k].proto == b->addrs[k].proto)
			continue;
		print_error("  %s/%s: address %s proto %u -> %s proto %u\n", a->netns, a->name,
			    ip_ntop_prefix(&a->addrs[k].addr, x), a->addrs[k].proto,
			    ip_ntop_prefix(&b->addrs[k].addr, y), b->addrs[k].proto);
		same = false;
	}
	return same;
}

static bool same_links(const struct live_state *a, const struct live_state *b)
{
	bool same = true;
	size_t i = 0, j = 0;

	while (i < a->n_links || j < b->n_links) {
		int c = i == a->n_links	  ? 1
			: j == b->n_links ? -1
					  : cmp_link(&a->links[i], &b->links[j]);

		if (c == 0) {
			same &= same_link(&a->links[i++], &b->links[j++]);
			continue;
		}
		const struct live_link *l = c < 0 ? &a->links[i++] : &b->links[j++];

		print_error("  %s/%s (%s): %s\n", l->netns, l->name, l->kind,
			    c < 0 ? "gone" : "appeared");
		same = false;
	}
	return same;
}

/* Only the run's own namespaces count: other tests may add and delete
 * theirs under /run/netns meanwhile. */
bool st_same_state(struct st *t, const struct live_state *a, const struct live_state *b)
{
	bool same;

	normalise((struct live_state *)a);
	normalise((struct live_state *)b);
	same = same_links(a, b);
	for (size_t i = 0; i < t->n_ns; i++) {
		bool in_a = live_has_netns(a, t->ns[i]), in_b = live_has_netns(b, t->ns[i]);

		if (in_a == in_b)
			continue;
		print_error("  namespace %s: %s\n", t->ns[i], in_a ? "gone" : "appeared");
		same = false;
	}
	return same;
}
