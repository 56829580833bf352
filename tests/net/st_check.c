/* The fixture, plans by hand and readings for nl_selftest. */
#include "st.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/nl_live.h"

void st_release(struct st *t)
{
	plan_free(&t->plan);
	live_state_free(&t->before);
	live_state_free(&t->after);
}

struct plan_step *st_push(struct plan *p, enum plan_op op, const char *ns, const char *name)
{
	struct plan_step *s;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->steps = realloc(p->steps, p->cap * sizeof(*p->steps));
		if (!p->steps)
			abort();
	}
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	snprintf(s->netns, sizeof(s->netns), "%s", ns);
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	snprintf(s->text, sizeof(s->text), "%s %s in '%s'", plan_op_name(op), name ? name : "", ns);
	return s;
}

static struct plan_step *link_add(struct plan *p, const char *ns, const char *name,
				  const char *kind)
{
	struct plan_step *s = st_push(p, PLAN_LINK_ADD, ns, name);

	snprintf(s->link.netns, sizeof(s->link.netns), "%s", ns);
	snprintf(s->link.name, sizeof(s->link.name), "%s", name);
	snprintf(s->link.kind, sizeof(s->link.kind), "%s", kind);
	snprintf(s->link.alias, sizeof(s->link.alias), "%sselftest", VIPD_ALIAS_PREFIX);
	return s;
}

struct plan_step *st_veth(struct plan *p, const char *ns, const char *name, const char *peer,
			  const char *peer_ns, uint32_t mtu)
{
	struct plan_step *s = link_add(p, ns, name, "veth");

	snprintf(s->link.veth_peer, sizeof(s->link.veth_peer), "%s", peer);
	snprintf(s->link.veth_peer_ns, sizeof(s->link.veth_peer_ns), "%s", peer_ns);
	s->link.mtu = mtu;
	return s;
}

struct plan_step *st_macvlan(struct plan *p, const char *ns, const char *name, const char *parent,
			     uint32_t mode)
{
	struct plan_step *s = link_add(p, ns, name, "macvlan");

	snprintf(s->link.parent, sizeof(s->link.parent), "%s", parent);
	s->link.macvlan_mode = mode;
	return s;
}

struct plan_step *st_vlan(struct plan *p, const char *ns, const char *name, const char *parent,
			  uint16_t id)
{
	struct plan_step *s = link_add(p, ns, name, "vlan");

	snprintf(s->link.parent, sizeof(s->link.parent), "%s", parent);
	s->link.vlan_id = id;
	return s;
}

struct plan_step *st_bridge(struct plan *p, const char *ns, const char *name, bool stp,
			    uint32_t fwd_ms)
{
	struct plan_step *s = link_add(p, ns, name, "bridge");

	s->link.stp = stp;
	s->link.forward_delay_ms = fwd_ms;
	return s;
}

struct plan_step *st_bond(struct plan *p, const char *ns, const char *name, uint8_t mode,
			  const char *primary)
{
	struct plan_step *s = link_add(p, ns, name, "bond");

	s->link.bond_mode = mode;
	s->link.miimon_ms = 100;
	if (mode == 4) {
		s->link.lacp_rate = 1;
		s->link.xmit_hash = 1; /* layer3+4 */
		s->link.min_links = 1;
	}
	snprintf(s->link.primary, sizeof(s->link.primary), "%s", primary ? primary : "");
	return s;
}

struct plan_step *st_addr(struct plan *p, enum plan_op op, const char *ns, const char *name,
			  const char *addr, uint8_t proto)
{
	struct plan_step *s = st_push(p, op, ns, name);
	const char *why;

	if (ip_parse(addr, true, &s->addr.addr, &why) < 0) {
		fprintf(stderr, "bad address %s in the selftest: %s\n", addr, why);
		abort();
	}
	s->addr.proto = proto;
	snprintf(s->text, sizeof(s->text), "%s %s %s in '%s'", plan_op_name(op), addr, name, ns);
	return s;
}

void st_mac(uint8_t mac[6], unsigned last)
{
	static const uint8_t base[6] = {0x02, 0x5e, 0x1f, 0x00, 0x00, 0x00};

	memcpy(mac, base, 6);
	mac[4] = (uint8_t)(last >> 8);
	mac[5] = (uint8_t)last;
}

int st_read(struct st *t, struct live_state *out)
{
	live_state_free(out);
	return net_read_live(&t->ctx, t->ns, t->n_ns, out);
}

static const struct live_addr *find_addr(const struct live_link *l, const struct ip_addr *a)
{
	for (size_t i = 0; l && i < l->n_addrs; i++)
		if (ip_equal(&l->addrs[i].addr, a) && l->addrs[i].addr.plen == a->plen)
			return &l->addrs[i];
	return NULL;
}

void st_fill_old(const struct plan *p, const struct live_state *ls)
{
	for (size_t i = 0; i < p->n; i++) {
		struct plan_step *s = &p->steps[i];
		const struct live_link *l = live_find(ls, s->netns, s->name);
		const struct live_addr *a;

		if (!l)
			continue;
		s->old_mtu = l->mtu;
		memcpy(s->old_mac, l->mac, 6);
		snprintf(s->old_master, sizeof(s->old_master), "%s", l->master);
		s->old_up = l->admin_up;
		if (s->op == PLAN_ADDR_DEL && (a = find_addr(l, &s->addr.addr)))
			s->addr.proto = a->proto;
	}
}
