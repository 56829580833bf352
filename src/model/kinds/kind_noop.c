/* The hooks of kinds without that trait: below the kinds, which name
 * them, and the registry, which names the kinds. */
#include "model/kinds/kind.h"

const struct names_val *iface_kind_no_members(const struct iface *ifc)
{
	(void)ifc;
	return NULL;
}

bool iface_kind_no_ports_down(const struct iface *ifc)
{
	(void)ifc;
	return false;
}

const struct str_val *iface_kind_no_pair(const struct iface *ifc, const char **netns)
{
	(void)ifc;
	*netns = NULL;
	return NULL;
}
