/* Changes to existing links, and the per-run ifindex cache. */
#include "net/nl_ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "util/strmap.h"

void nlo_init(struct nl_ops *o, struct net_ctx *ctx)
{
	memset(o, 0, sizeof(*o));
	o->ctx = ctx;
}

void nlo_done(struct nl_ops *o)
{
	free(o->ifx);
	memset(o, 0, sizeof(*o));
}

static void ifx_key(char *key, size_t len, const char *ns, const char *name)
{
	snprintf(key, len, "%s/%s", ns ? ns : "", name);
}

/* The slot of key, or the empty slot where it would go. */
static struct nlo_ifx *ifx_slot(struct nl_ops *o, const char *key)
{
	size_t mask = o->ifx_cap - 1;

	for (size_t i = strmap_hash(key) & mask;; i = (i + 1) & mask)
		if (!o->ifx[i].key[0] || strcmp(o->ifx[i].key, key) == 0)
			return &o->ifx[i];
}

static int ifx_grow(struct nl_ops *o)
{
	struct nlo_ifx *old = o->ifx;
	size_t old_cap = o->ifx_cap;

	o->ifx_cap = old_cap ? old_cap * 2 : 256;
	o->ifx = calloc(o->ifx_cap, sizeof(*o->ifx));
	if (!o->ifx) {
		o->ifx = old;
		o->ifx_cap = old_cap;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key[0])
			*ifx_slot(o, old[i].key) = old[i];
	free(old);
	return 0;
}

static void ifx_put(struct nl_ops *o, const char *key, int ifindex)
{
	struct nlo_ifx *s;

	if ((o->ifx_n + 1) * 2 > o->ifx_cap && ifx_grow(o) < 0)
		return; /* no cache, only more look-ups */
	s = ifx_slot(o, key);
	if (!s->key[0]) {
		snprintf(s->key, sizeof(s->key), "%s", key);
		o->ifx_n++;
	}
	s->ifindex = ifindex;
}

int nlo_ifindex(struct nl_ops *o, const char *ns, const char *name, int *ifindex)
{
	char key[sizeof(o->ifx->key)];
	struct nl_sock *sk;
	int err;

	ifx_key(key, sizeof(key), ns, name);
	if (o->ifx_cap) {
		struct nlo_ifx *s = ifx_slot(o, key);

		if (s->key[0] && s->ifindex > 0) {
			*ifindex = s->ifindex;
			return 0;
		}
	}
	err = net_nl_get(o->ctx, ns, &sk);
	if (err == 0)
		err = nlu_ifindex(sk, name, ifindex, &o->err);
	if (err == 0)
		ifx_put(o, key, *ifindex);
	return err;
}

void nlo_forget(struct nl_ops *o, const char *ns, const char *name)
{
	char key[sizeof(o->ifx->key)];
	struct nlo_ifx *s;

	if (!o->ifx_cap)
		return;
	ifx_key(key, sizeof(key), ns, name);
	s = ifx_slot(o, key);
	if (s->key[0])
		s->ifindex = 0;
}

/* Deleting or moving a link can take others with it (a veth's other end,
 * the vlans on a parent): after those, every cached index is suspect. */
static void ifx_clear(struct nl_ops *o)
{
	if (o->ifx)
		memset(o->ifx, 0, o->ifx_cap * sizeof(*o->ifx));
	o->ifx_n = 0;
}

void nlo_note(struct nl_ops *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->err.msg, sizeof(o->err.msg), fmt, ap);
	va_end(ap);
	o->err.from_kernel = false;
}

int nlo_send(struct nl_ops *o, const char *ns, struct nl_msg *msg)
{
	struct nl_sock *sk;
	int err;

	if (!msg)
		return -ENOMEM;
	err = net_nl_get(o->ctx, ns, &sk);
	if (err < 0) {
		memset(&o->err, 0, sizeof(o->err));
		nlmsg_free(msg);
		return err;
	}
	return nlu_exchange(sk, msg, NULL, NULL, &o->err);
}

int nlo_link_delete(struct nl_ops *o, const char *ns, const char *name)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_DELLINK, 0);

	if (m && (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
		  nla_put_string(m, IFLA_IFNAME, name) < 0)) {
		nlmsg_free(m);
		m = NULL;
	}
	ifx_clear(o);
	return nlo_send(o, ns, m);
}

int nlo_link_move(struct nl_ops *o, const char *ns, const char *name, const char *to_ns)
{
	int fd = net_ns_fd(o->ctx, to_ns);
	struct nl_msg *m;

	if (fd < 0)
		return fd;
	m = nlu_setlink_msg(name, 0, 0);
	if (m && nla_put_u32(m, IFLA_NET_NS_FD, (uint32_t)fd) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	ifx_clear(o);
	return nlo_send(o, ns, m);
}

int nlo_link_mtu(struct nl_ops *o, const char *ns, const char *name, uint32_t mtu)
{
	struct nl_msg *m = nlu_setlink_msg(name, 0, 0);

	if (m && nla_put_u32(m, IFLA_MTU, mtu) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return nlo_send(o, ns, m);
}

int nlo_link_mac(struct nl_ops *o, const char *ns, const char *name, const uint8_t mac[6])
{
	struct nl_msg *m = nlu_setlink_msg(name, 0, 0);

	if (m && nla_put(m, IFLA_ADDRESS, 6, mac) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return nlo_send(o, ns, m);
}

int nlo_link_master(struct nl_ops *o, const char *ns, const char *name, const char *master)
{
	int idx = 0, err = 0;
	struct nl_msg *m;

	if (master && *master)
		err = nlo_ifindex(o, ns, master, &idx);
	if (err < 0)
		return err;
	m = nlu_setlink_msg(name, 0, 0);
	if (m && nla_put_u32(m, IFLA_MASTER, (uint32_t)idx) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return nlo_send(o, ns, m);
}

int nlo_link_up(struct nl_ops *o, const char *ns, const char *name, bool up)
{
	return nlo_send(o, ns, nlu_setlink_msg(name, up ? IFF_UP : 0, IFF_UP));
}

int nlo_link_alias(struct nl_ops *o, const char *ns, const char *name, const char *alias)
{
	struct nl_msg *m = nlu_setlink_msg(name, 0, 0);

	if (m && nla_put_string(m, IFLA_IFALIAS, alias) < 0) {
		nlmsg_free(m);
		m = NULL;
	}
	return nlo_send(o, ns, m);
}
