/* Creating links: libnl's link object of the kind builds the create
 * request (name, mtu, mac, and what the kind sets: src/net/kinds/); the
 * alias and the options libnl has no setters for follow in one RTM_NEWLINK
 * on the new link. */
#include "net/nl_ops.h"

#include <errno.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <netlink/route/link.h>

#include "net/kinds/net_kind.h"

/* The libnl object for the create request of `l`. */
static int kind_object(struct nl_ops *o, const char *ns, const struct live_link *l,
		       const struct live_link *peer, struct rtnl_link **out)
{
	const struct net_kind *nk;
	struct rtnl_link *k;
	int err;

	if (!*l->kind) {
		nlo_note(o, "%s has no kind: a port is not created", l->name);
		return -EINVAL;
	}
	nk = net_kind_get(l->kind);
	if (!(k = nk->alloc(l->kind)))
		return -ENOMEM;
	nk_set_common(k, l->name, l->mtu, l->mac);
	err = nk->request(o, ns, l, peer, k);
	if (err < 0) {
		rtnl_link_put(k);
		return err;
	}
	*out = k;
	return 0;
}

/* Alias, and what the kind adds, on the new link. */
static struct nl_msg *finish_msg(const struct live_link *l)
{
	struct nl_msg *m = nlu_setlink_msg(l->name, 0, 0);

	if (!m || nla_put_string(m, IFLA_IFALIAS, l->alias) < 0 ||
	    net_kind_get(l->kind)->finish_attrs(m, l) < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

static int finish(struct nl_ops *o, const char *ns, const struct live_link *l)
{
	int err = nlo_send(o, ns, finish_msg(l));

	if (err == 0)
		err = net_kind_get(l->kind)->after_create(o, l);
	return err;
}

int nlo_link_create(struct nl_ops *o, const char *ns, const struct live_link *l,
		    const struct live_link *peer)
{
	struct rtnl_link *k = NULL;
	struct nl_msg *m = NULL;
	struct nlu_err saved;
	int err;

	memset(&o->err, 0, sizeof(o->err));
	err = kind_object(o, ns, l, peer, &k);
	if (err < 0)
		return err;
	err = rtnl_link_build_add_request(k, NLM_F_CREATE | NLM_F_EXCL, &m);
	rtnl_link_put(k);
	if (err < 0)
		return nlu_errno_from_nle(err);
	err = nlo_send(o, ns, m);
	nlo_forget(o, ns, l->name);
	if (err < 0)
		return err;
	err = finish(o, ns, l);
	if (err < 0) {
		saved = o->err;
		(void)nlo_link_delete(o, ns, l->name);
		o->err = saved;
	}
	return err;
}
