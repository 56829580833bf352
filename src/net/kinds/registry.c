/* The network kinds by IFLA_INFO_KIND. */
#include "net/kinds/net_kind.h"

#include <string.h>

static const struct net_kind *const all_kinds[] = {
    &net_kind_vlan, &net_kind_macvlan, &net_kind_veth,
    &net_kind_bond, &net_kind_bridge,  &net_kind_other,
};

const struct net_kind *net_kind_get(const char *kind)
{
	for (size_t i = 0; i + 1 < sizeof(all_kinds) / sizeof(all_kinds[0]); i++)
		if (strcmp(all_kinds[i]->kind, kind) == 0)
			return all_kinds[i];
	return &net_kind_other;
}

const struct net_kind *net_kind_at(size_t i)
{
	return i < sizeof(all_kinds) / sizeof(all_kinds[0]) ? all_kinds[i] : NULL;
}
