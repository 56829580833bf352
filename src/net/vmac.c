/* Virtual MAC links (vmac.h): create or adopt, up/down, delete, sysctls. */
#include "net/vmac.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

/* libnl's NLE_* as -errno, the few it returns here. */
static int nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENODEV;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_BUSY:
		return -EBUSY;
	default:
		return -EINVAL;
	}
}

/* The link left by an earlier run is ours when it is what we would make. */
static bool is_ours(struct rtnl_link *l, int parent_ifindex, const uint8_t mac[6])
{
	struct nl_addr *a = rtnl_link_get_addr(l);

	return rtnl_link_get_link(l) == parent_ifindex && a && nl_addr_get_len(a) == 6 &&
	       memcmp(nl_addr_get_binary_addr(a), mac, 6) == 0 &&
	       rtnl_link_macvlan_get_mode(l) == MACVLAN_MODE_BRIDGE;
}

static int create(struct nl_sock *sk, int parent_ifindex, const char *name, const uint8_t mac[6])
{
	struct rtnl_link *l = rtnl_link_macvlan_alloc();
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
	int rc = -ENOMEM;

	if (l && a) {
		rtnl_link_set_name(l, name);
		rtnl_link_set_link(l, parent_ifindex);
		rtnl_link_set_addr(l, a);
		rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_BRIDGE);
		/* no IFF_UP: it starts down, as a backup's */
		rc = nle_errno(rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL));
	}
	nl_addr_put(a);
	rtnl_link_put(l);
	return rc;
}

/* One change to the link `name`: its admin state (up: 1 or 0; -1 leaves
 * it), and its alias when alias is not NULL (the kernel takes an alias
 * only on a link that exists). */
static int change_link(struct nl_sock *sk, const char *name, int up, const char *alias)
{
	struct rtnl_link *l = NULL, *change;
	int rc = nle_errno(rtnl_link_get_kernel(sk, 0, name, &l));

	if (rc < 0)
		return rc;
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(l);
		return -ENOMEM;
	}
	if (up == 1)
		rtnl_link_set_flags(change, IFF_UP);
	else if (up == 0)
		rtnl_link_unset_flags(change, IFF_UP);
	if (alias)
		rtnl_link_set_ifalias(change, alias);
	rc = nle_errno(rtnl_link_change(sk, l, change, 0));
	rtnl_link_put(change);
	rtnl_link_put(l);
	return rc;
}

int vmac_link_set_up(struct nl_sock *sk, const char *name, bool up)
{
	return change_link(sk, name, up ? 1 : 0, NULL);
}

int vmac_link_ensure(struct nl_sock *sk, const char *parent, const char *name, const uint8_t mac[6],
		     enum ip_family fam, int *ifindex)
{
	struct rtnl_link *l = NULL;
	int parent_ifindex = (int)if_nametoindex(parent);
	int rc;

	if (parent_ifindex <= 0)
		return -errno;
	rc = nle_errno(rtnl_link_get_kernel(sk, 0, name, &l));
	if (rc == 0 && !rtnl_link_is_macvlan(l)) {
		rtnl_link_put(l); /* someone else's link: never ours to delete */
		return -EEXIST;
	}
	if (rc == 0 && !is_ours(l, parent_ifindex, mac)) {
		rc = nle_errno(rtnl_link_delete(sk, l));
		rtnl_link_put(l);
		l = NULL;
		if (rc < 0)
			return rc;
		rc = -ENODEV;
	}
	if (rc == -ENODEV) {
		rc = create(sk, parent_ifindex, name, mac);
		if (rc == 0) /* ours: a start after a crash finds it by this */
			rc = change_link(sk, name, -1, VMAC_LINK_ALIAS);
	} else if (rc == 0) {
		rtnl_link_put(l);
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
	struct rtnl_link *l = NULL;
	int rc = nle_errno(rtnl_link_get_kernel(sk, 0, name, &l));

	if (rc < 0)
		return rc;
	*ifindex = rtnl_link_get_ifindex(l);
	*up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
	rtnl_link_put(l);
	return 0;
}

int vmac_link_delete(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *l = NULL;
	int rc = nle_errno(rtnl_link_get_kernel(sk, 0, name, &l));

	if (rc == -ENODEV)
		return 0;
	if (rc == 0)
		rc = nle_errno(rtnl_link_delete(sk, l));
	rtnl_link_put(l);
	return rc == -ENODEV ? 0 : rc;
}

int vmac_link_list(struct nl_sock *sk, char (*names)[16], size_t cap, size_t *n)
{
	struct nl_cache *cache = NULL;
	int rc = nle_errno(rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache));

	*n = 0;
	if (rc < 0)
		return rc;
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *alias = rtnl_link_get_ifalias(l);

		if (*n < cap && rtnl_link_is_macvlan(l) && alias &&
		    strcmp(alias, VMAC_LINK_ALIAS) == 0)
			snprintf(names[(*n)++], 16, "%s", rtnl_link_get_name(l));
	}
	nl_cache_free(cache);
	return 0;
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
