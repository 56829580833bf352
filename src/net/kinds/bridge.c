/* bridge: STP and forward delay follow the creation in one RTM_NEWLINK. */
#include "net/kinds/net_kind.h"

#include "net/nl_live_internal.h"
#include "net/nl_util.h"

#include <errno.h>
#include <string.h>
#include <linux/if_link.h>

#include <netlink/route/link/bridge.h>

static struct rtnl_link *bridge_alloc(const char *kind)
{
	(void)kind;
	return rtnl_link_bridge_alloc();
}

static int put_bridge(struct nl_msg *m, const struct live_link *l)
{
	/* forward delay in clock_t (centiseconds); 0 keeps the kernel's 15 s.
	 * It goes first: the kernel checks its range only while STP is on. */
	if (l->forward_delay_ms &&
	    nla_put_u32(m, IFLA_BR_FORWARD_DELAY, l->forward_delay_ms / 10) < 0)
		return -ENOMEM;
	if (nla_put_u32(m, IFLA_BR_STP_STATE, l->stp ? 1 : 0) < 0)
		return -ENOMEM;
	return 0;
}

static int bridge_finish_attrs(struct nl_msg *m, const struct live_link *l)
{
	return nk_put_info_data(m, l, put_bridge);
}

static void bridge_parse(struct rd_link *r, struct nlattr *const *d)
{
	uint32_t stp = 0, fwd = 0;

	if (nlu_get_u32(d, IFLA_BR_STP_STATE, &stp))
		r->l.stp = stp != 0;
	/* clock_t, i.e. USER_HZ (100) ticks: centiseconds */
	if (nlu_get_u32(d, IFLA_BR_FORWARD_DELAY, &fwd))
		r->l.forward_delay_ms = fwd * 10;
}

static unsigned bridge_undo_needs(const struct live_link *l)
{
	(void)l;
	return NK_UNDO_PORTS;
}

/* A bridge whose MAC is one of its ports' took it from them (the lowest
 * port MAC): it comes back with the ports. Setting it would pin it, and
 * the bridge would stop following its ports. (A bond's ports take the
 * bond's MAC instead, so a bond gets its MAC back explicitly.) */
static void bridge_recreate(struct live_link *want, const struct live_state *ports)
{
	for (size_t k = 0; k < ports->n_links; k++)
		if (memcmp(ports->links[k].mac, want->mac, 6) == 0) {
			memset(want->mac, 0, sizeof(want->mac));
			return;
		}
}

const struct net_kind net_kind_bridge = {
    .kind = "bridge",
    .alloc = bridge_alloc,
    .request = nk_no_request,
    .finish_attrs = bridge_finish_attrs,
    .after_create = nk_no_after_create,
    .parse = bridge_parse,
    .resolve = rd_resolve_parent,
    .undo_needs = bridge_undo_needs,
    .recreate = bridge_recreate,
    .set_primary = nk_no_set_primary,
};
