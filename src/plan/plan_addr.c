/* Node-local addresses: add what the file names, remove only what vipd
 * added before (IFA_PROTO VIPD_ADDR_PROTO_NODE). VIPs belong to the daemon
 * and link-local addresses to the kernel: neither is touched here. */
#include <stdio.h>
#include <string.h>

#include "plan/plan_internal.h"

static bool same_prefix(const struct ip_addr *a, const struct ip_addr *b)
{
	return ip_equal(a, b) && a->plen == b->plen;
}

static bool wanted(const struct addr_list *al, const struct ip_addr *a)
{
	for (size_t i = 0; i < al->n; i++)
		if (same_prefix(&al->v[i].v, a))
			return true;
	return false;
}

static bool present(const struct live_link *l, const struct ip_addr *a)
{
	for (size_t i = 0; l && i < l->n_addrs; i++)
		if (same_prefix(&l->addrs[i].addr, a))
			return true;
	return false;
}

void plan_addresses(struct plan_ctx *pc, const struct iface *ifc, const struct live_link *live)
{
	const struct addr_list *want = &ifc->addrs[pc->node];
	const char *ns = ifc->netns.v ? ifc->netns.v : "";
	char buf[IP_STR_MAX];

	for (size_t i = 0; live && i < live->n_addrs; i++) {
		const struct live_addr *a = &live->addrs[i];
		struct plan_step *s;

		if (a->proto != VIPD_ADDR_PROTO_NODE || a->link_local || wanted(want, &a->addr))
			continue;
		s = plan_push(pc, PLAN_ADDR_DEL, ns, ifc->name);
		s->addr = *a;
		snprintf(s->text, sizeof(s->text), "remove address %s from %s",
			 ip_ntop_prefix(&a->addr, buf), ifc->name);
	}
	for (size_t i = 0; i < want->n; i++) {
		struct plan_step *s;

		if (present(live, &want->v[i].v))
			continue;
		s = plan_push(pc, PLAN_ADDR_ADD, ns, ifc->name);
		s->addr.addr = want->v[i].v;
		s->addr.proto = VIPD_ADDR_PROTO_NODE;
		snprintf(s->text, sizeof(s->text), "add address %s to %s",
			 ip_ntop_prefix(&want->v[i].v, buf), ifc->name);
	}
}
