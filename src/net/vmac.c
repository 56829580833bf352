/* Virtual MAC links (vmac.h): create or adopt, up/down, delete, sysctls. */
#include "net/vmac.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "net/kinds/macvlan_msg.h"
#include "net/nl_util.h"

/* What vipd reads of a link (RTM_NEWLINK): enough to tell whether a link
 * of the name is the virtual MAC link it would make. libnl-3's message
 * API only: libnl-route's object layer would add half a megabyte of
 * resident pages to the daemon (its constructors register every kind). */
struct link_seen {
	int ifindex;
	unsigned flags;
	char name[IFNAMSIZ];
	uint32_t parent; /* IFLA_LINK */
	uint8_t mac[6];
	bool has_mac;
	bool macvlan;	/* its IFLA_LINKINFO says so */
	uint32_t mode;	/* IFLA_MACVLAN_MODE */
	bool has_alias; /* IFLA_IFALIAS is VMAC_LINK_ALIAS */
};

static int parse_link(struct nlmsghdr *h, struct link_seen *l)
{
	struct nlattr *tb[IFLA_MAX + 1];
	char alias[64] = "";
	const struct ifinfomsg *ifi;

	if (h->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return -EINVAL;
	ifi = nlmsg_data(h);
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	nlu_get_str(tb, IFLA_IFNAME, l->name, sizeof(l->name));
	nlu_get_u32(tb, IFLA_LINK, &l->parent);
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(l->mac, nla_data(tb[IFLA_ADDRESS]), 6);
		l->has_mac = true;
	}
	l->has_alias = nlu_get_str(tb, IFLA_IFALIAS, alias, sizeof(alias)) &&
		       strcmp(alias, VMAC_LINK_ALIAS) == 0;
	l->macvlan = nk_macvlan_parse_linkinfo(tb[IFLA_LINKINFO], &l->mode);
	return 0;
}

static int on_one_link(struct nl_msg *msg, void *arg)
{
	return parse_link(nlmsg_hdr(msg), arg) == 0 ? NL_OK : NL_SKIP;
}

/* A request for links: RTM_GETLINK of the link `name`, or a dump of every
 * link when name is NULL; no statistics. */
static struct nl_msg *getlink_msg(const char *name)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETLINK, name ? 0 : NLM_F_DUMP);

	if (m && (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
		  (name && nla_put_string(m, IFLA_IFNAME, name) < 0) ||
		  nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

/* The link `name`: 0, -ENODEV when there is none, or -errno. */
static int get_link(struct nl_sock *sk, const char *name, struct link_seen *l)
{
	struct nl_msg *m = getlink_msg(name);
	int rc;

	if (!m)
		return -ENOMEM;
	l->ifindex = 0;
	rc = nlu_exchange(sk, m, on_one_link, l, NULL);
	if (rc == 0 && l->ifindex <= 0)
		rc = -ENODEV;
	return rc;
}

/* The link left by an earlier run is ours when it is what we would make. */
static bool is_ours(const struct link_seen *l, int parent_ifindex, const uint8_t mac[6])
{
	return l->macvlan && l->parent == (uint32_t)parent_ifindex && l->has_mac &&
	       memcmp(l->mac, mac, 6) == 0 && l->mode == MACVLAN_MODE_BRIDGE;
}

static int create(struct nl_sock *sk, int parent_ifindex, const char *name, const uint8_t mac[6])
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC}; /* no IFF_UP: down, as a backup's */
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);

	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(m, IFLA_IFNAME, name) < 0 ||
	    nla_put_u32(m, IFLA_LINK, (uint32_t)parent_ifindex) < 0 ||
	    nla_put(m, IFLA_ADDRESS, 6, mac) < 0 ||
	    nk_macvlan_put_linkinfo(m, MACVLAN_MODE_BRIDGE) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return nlu_exchange(sk, m, NULL, NULL, NULL);
}

/* One change to the link `name`: its admin state (up: 1 or 0; -1 leaves
 * it), and its alias when alias is not NULL (the kernel takes an alias
 * only on a link that exists). */
static int change_link(struct nl_sock *sk, const char *name, int up, const char *alias)
{
	struct nl_msg *m = nlu_setlink_msg(name, up == 1 ? IFF_UP : 0, up < 0 ? 0 : IFF_UP);

	if (!m)
		return -ENOMEM;
	if (alias && nla_put_string(m, IFLA_IFALIAS, alias) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return nlu_exchange(sk, m, NULL, NULL, NULL);
}

int vmac_link_set_up(struct nl_sock *sk, const char *name, bool up)
{
	return change_link(sk, name, up ? 1 : 0, NULL);
}

static int delete_link(struct nl_sock *sk, int ifindex)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_DELLINK, 0);

	if (!m)
		return -ENOMEM;
	if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return nlu_exchange(sk, m, NULL, NULL, NULL);
}

int vmac_link_ensure(struct nl_sock *sk, const char *parent, const char *name, const uint8_t mac[6],
		     enum ip_family fam, int *ifindex)
{
	struct link_seen l;
	int parent_ifindex = (int)if_nametoindex(parent);
	int rc;

	if (parent_ifindex <= 0)
		return -errno;
	rc = get_link(sk, name, &l);
	if (rc == 0 && !l.macvlan)
		return -EEXIST; /* someone else's link: never ours to delete */
	if (rc == 0 && !is_ours(&l, parent_ifindex, mac)) {
		rc = delete_link(sk, l.ifindex);
		if (rc < 0)
			return rc;
		rc = -ENODEV;
	}
	if (rc == -ENODEV) {
		rc = create(sk, parent_ifindex, name, mac);
		if (rc == 0) /* ours: a start after a crash finds it by this */
			rc = change_link(sk, name, -1, VMAC_LINK_ALIAS);
	} else if (rc == 0) {
		rc = vmac_link_set_up(sk, name, false); /* adopted: as a backup's */
	}
	if (rc < 0)
		return rc;
	*ifindex = (int)if_nametoindex(name);
	if (*ifindex <= 0)
		return -errno;
	return vmac_link_sysctls(parent, name, fam);
}

int vmac_link_state(struct nl_sock *sk, const char *name, int *ifindex, bool *up)
{
	struct link_seen l;
	int rc = get_link(sk, name, &l);

	if (rc < 0)
		return rc;
	*ifindex = l.ifindex;
	*up = (l.flags & IFF_UP) != 0;
	return 0;
}

int vmac_link_delete(struct nl_sock *sk, const char *name)
{
	struct link_seen l;
	int rc = get_link(sk, name, &l);

	if (rc == 0)
		rc = delete_link(sk, l.ifindex);
	return rc == -ENODEV ? 0 : rc;
}

struct link_list {
	char (*names)[16];
	size_t cap, n;
};

static int on_listed_link(struct nl_msg *msg, void *arg)
{
	struct link_list *ll = arg;
	struct link_seen l;

	if (parse_link(nlmsg_hdr(msg), &l) == 0 && l.macvlan && l.has_alias && ll->n < ll->cap)
		snprintf(ll->names[ll->n++], 16, "%s", l.name);
	return NL_OK;
}

int vmac_link_list(struct nl_sock *sk, char (*names)[16], size_t cap, size_t *n)
{
	struct link_list ll = {.names = names, .cap = cap};
	struct nl_msg *m = getlink_msg(NULL);
	int rc;

	*n = 0;
	if (!m)
		return -ENOMEM;
	rc = nlu_exchange(sk, m, on_listed_link, &ll, NULL);
	*n = ll.n;
	return rc;
}

static int write_sysctl(const char *fam, const char *ifname, const char *key, const char *value)
{
	char path[128];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", fam, ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int vmac_link_sysctls(const char *parent, const char *name, enum ip_family fam)
{
	static const struct {
		bool parent, v6, v4_link;
		const char *fam, *key, *value;
	} set[] = {
	    {true, false, false, "ipv4", "arp_ignore", "1"},
	    {true, false, false, "ipv4", "arp_announce", "2"},
	    {false, false, false, "ipv4", "arp_ignore", "1"},
	    {false, false, false, "ipv4", "arp_announce", "2"},
	    {false, false, false, "ipv4", "arp_filter", "0"},
	    {false, false, false, "ipv4", "rp_filter", "2"},
	    {false, true, false, "ipv6", "accept_dad", "0"},
	    {false, true, false, "ipv6", "accept_ra", "0"},
	    {false, false, true, "ipv6", "disable_ipv6", "1"},
	};
	int first = 0;

	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		int rc;

		if ((set[i].v6 && fam != IP_V6) || (set[i].v4_link && fam != IP_V4))
			continue;
		rc = write_sysctl(set[i].fam, set[i].parent ? parent : name, set[i].key,
				  set[i].value);
		/* a kernel without IPv6 has no ipv6 tree: nothing to turn off */
		if (rc == -ENOENT && strcmp(set[i].fam, "ipv6") == 0 && fam == IP_V4)
			rc = 0;
		if (rc < 0 && !first)
			first = rc;
	}
	return first;
}
