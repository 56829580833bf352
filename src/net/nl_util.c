/* Netlink exchanges that keep the kernel's errno and extended-ack text. */
#include "net/nl_util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/handlers.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int nlu_sock_new(struct nl_sock **out)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, fd, err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(sk);
		return nlu_errno_from_nle(err);
	}
	fd = nl_socket_get_fd(sk);
	/* Best effort: without them errors are just less precise. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	nl_socket_enable_msg_peek(sk);
	*out = sk;
	return 0;
}

/* The extended-ack TLVs follow the nlmsgerr (and the echoed request unless
 * the kernel capped it); NLMSGERR_ATTR_MSG is the human-readable part. */
static void extack_msg(const struct nlmsgerr *ne, struct nlu_err *e)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)ne - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*ne);

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += ne->msg.nlmsg_len - NLMSG_HDRLEN;
	if (NLMSG_HDRLEN + off >= h->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)ne + off),
		      (int)(h->nlmsg_len - NLMSG_HDRLEN - off), NULL) < 0)
		return;
	e->from_kernel = nlu_get_str(tb, NLMSGERR_ATTR_MSG, e->msg, sizeof(e->msg));
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *ne, void *arg)
{
	struct nlu_err *e = arg;

	(void)who;
	e->error = ne->error < 0 ? ne->error : -EIO;
	extack_msg(ne, e);
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	(void)msg;
	*(bool *)arg = true;
	return NL_STOP;
}

int nlu_exchange(struct nl_sock *sk, struct nl_msg *msg, nl_recvmsg_msg_cb_t on_msg, void *arg,
		 struct nlu_err *e)
{
	struct nlu_err local;
	struct nl_cb *base = nl_socket_get_cb(sk); /* a reference of our own */
	struct nl_cb *cb = nl_cb_clone(base);
	bool done = false;
	int err;

	nl_cb_put(base);
	if (!e)
		e = &local;
	memset(e, 0, sizeof(*e));
	if (!cb) {
		nlmsg_free(msg);
		return e->error = -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, e);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &done);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &done);
	if (on_msg)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_msg, arg);
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !done && !e->error)
		err = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (e->error)
		return e->error;
	if (err < 0)
		return e->error = nlu_errno_from_nle(err);
	return 0;
}

int nlu_errno_from_nle(int nle)
{
	static const int map[][2] = {
	    {NLE_NOMEM, ENOMEM},
	    {NLE_EXIST, EEXIST},
	    {NLE_INVAL, EINVAL},
	    {NLE_RANGE, ERANGE},
	    {NLE_MSGSIZE, EMSGSIZE},
	    {NLE_OPNOTSUPP, EOPNOTSUPP},
	    {NLE_AF_NOSUPPORT, EAFNOSUPPORT},
	    {NLE_OBJ_NOTFOUND, ENOENT},
	    {NLE_NOATTR, EINVAL},
	    {NLE_AGAIN, EAGAIN},
	    {NLE_BUSY, EBUSY},
	    {NLE_PERM, EPERM},
	    {NLE_NOACCESS, EACCES},
	    {NLE_NODEV, ENODEV},
	    {NLE_NOADDR, EADDRNOTAVAIL},
	    {NLE_DUMP_INTR, EINTR},
	    {NLE_INTR, EINTR},
	    {NLE_BAD_SOCK, EBADF},
	    {NLE_PROTO_MISMATCH, EPROTO},
	    {NLE_SEQ_MISMATCH, EPROTO},
	    {NLE_MSG_TRUNC, EMSGSIZE},
	    {NLE_IMMUTABLE, EPERM},
	};

	if (nle < 0)
		nle = -nle;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == nle)
			return -map[i][1];
	return -EIO;
}

const char *nlu_reason(int err, const struct nlu_err *e, char *buf, size_t len)
{
	if (e && e->msg[0])
		snprintf(buf, len, "%s (%s%s)", strerror(-err), e->from_kernel ? "kernel: " : "",
			 e->msg);
	else
		snprintf(buf, len, "%s", strerror(-err));
	return buf;
}

struct nl_msg *nlu_setlink_msg(const char *name, unsigned flags, unsigned change)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_flags = flags, .ifi_change = change};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, 0);

	if (!m)
		return NULL;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, name) < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

struct getlink_answer {
	int ifindex;
	char name[IFNAMSIZ];
};

static int on_getlink(struct nl_msg *msg, void *arg)
{
	struct getlink_answer *a = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	a->ifindex = ((struct ifinfomsg *)nlmsg_data(h))->ifi_index;
	nlu_get_str(tb, IFLA_IFNAME, a->name, sizeof(a->name));
	return NL_OK;
}

/* RTM_GETLINK for one link, by index or by name; no statistics. */
static int getlink(struct nl_sock *sk, int ifindex, const char *name, struct getlink_answer *a,
		   struct nlu_err *e)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETLINK, 0);

	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(m, IFLA_IFNAME, name) < 0) ||
	    nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	memset(a, 0, sizeof(*a));
	return nlu_exchange(sk, m, on_getlink, a, e);
}

int nlu_ifindex(struct nl_sock *sk, const char *name, int *ifindex, struct nlu_err *e)
{
	struct getlink_answer a;
	int err = getlink(sk, 0, name, &a, e);

	if (err < 0)
		return err;
	if (a.ifindex <= 0)
		return -ENODEV;
	*ifindex = a.ifindex;
	return 0;
}

int nlu_ifname(struct nl_sock *sk, int ifindex, char *name, size_t len, struct nlu_err *e)
{
	struct getlink_answer a;
	int err = getlink(sk, ifindex, NULL, &a, e);

	if (err < 0)
		return err;
	if (!a.name[0])
		return -ENODEV;
	snprintf(name, len, "%s", a.name);
	return 0;
}

static const void *payload(struct nlattr *const *tb, int type, int len)
{
	if (!tb[type] || nla_len(tb[type]) < len)
		return NULL;
	return nla_data(tb[type]);
}

bool nlu_get_u8(struct nlattr *const *tb, int type, uint8_t *out)
{
	const uint8_t *p = payload(tb, type, 1);

	if (p)
		*out = *p;
	return p != NULL;
}

bool nlu_get_u16(struct nlattr *const *tb, int type, uint16_t *out)
{
	const void *p = payload(tb, type, 2);

	if (p)
		memcpy(out, p, 2);
	return p != NULL;
}

bool nlu_get_u32(struct nlattr *const *tb, int type, uint32_t *out)
{
	const void *p = payload(tb, type, 4);

	if (p)
		memcpy(out, p, 4);
	return p != NULL;
}

bool nlu_get_s32(struct nlattr *const *tb, int type, int32_t *out)
{
	const void *p = payload(tb, type, 4);

	if (p)
		memcpy(out, p, 4);
	return p != NULL;
}

bool nlu_get_str(struct nlattr *const *tb, int type, char *out, size_t len)
{
	const char *p = payload(tb, type, 0);
	size_t n;

	if (!p || len == 0)
		return false;
	n = strnlen(p, (size_t)nla_len(tb[type]));
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}
