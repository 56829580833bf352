/* The hooks of kinds without that trait: below the kinds, which name
 * them, and the registry, which names the kinds. */
#include "model/kinds/kind.h"

#include <stdio.h>

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

void iface_kind_no_link_opts(const struct iface *ifc, struct link_opts *out)
{
	(void)ifc, (void)out;
}

bool iface_kind_always_same(const struct link_opts *want, const struct link_opts *have)
{
	(void)want, (void)have;
	return true;
}

void iface_kind_plain_create_text(const struct iface *ifc, const struct link_opts *o,
				  const char *ns, const char *(*ns_text)(const char *ns), char *buf,
				  size_t len)
{
	(void)o, (void)ns, (void)ns_text;
	snprintf(buf, len, "create %s %s", ifc->kind->netlink_kind ? ifc->kind->netlink_kind : "",
		 ifc->name);
}

void iface_kind_no_show(const struct model *m, const struct iface *ifc,
			const struct kind_show_out *out)
{
	(void)m, (void)ifc, (void)out;
}

void iface_kind_no_show_line(const struct iface *ifc, char *buf, size_t len)
{
	(void)ifc;
	if (len)
		buf[0] = '\0';
}
