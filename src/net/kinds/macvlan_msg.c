/* A macvlan's IFLA_LINKINFO, written and read (macvlan_msg.h). */
#include "net/kinds/macvlan_msg.h"

#include <errno.h>
#include <string.h>

#include <linux/if_link.h>

#include "net/nl_util.h"

int nk_macvlan_put_linkinfo(struct nl_msg *m, uint32_t mode)
{
	struct nlattr *info = nla_nest_start(m, IFLA_LINKINFO), *data;

	if (!info || nla_put_string(m, IFLA_INFO_KIND, "macvlan") < 0 ||
	    !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
	    nla_put_u32(m, IFLA_MACVLAN_MODE, mode) < 0)
		return -ENOMEM;
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	return 0;
}

bool nk_macvlan_parse_linkinfo(struct nlattr *linkinfo, uint32_t *mode)
{
	struct nlattr *li[IFLA_INFO_MAX + 1], *md[IFLA_MACVLAN_MAX + 1];
	char kind[16] = "";

	if (!linkinfo || nla_parse_nested(li, IFLA_INFO_MAX, linkinfo, NULL) < 0)
		return false;
	nlu_get_str(li, IFLA_INFO_KIND, kind, sizeof(kind));
	if (strcmp(kind, "macvlan") != 0)
		return false;
	if (li[IFLA_INFO_DATA] &&
	    nla_parse_nested(md, IFLA_MACVLAN_MAX, li[IFLA_INFO_DATA], NULL) >= 0)
		nlu_get_u32(md, IFLA_MACVLAN_MODE, mode);
	return true;
}
