/* vrrp.virtual_mac: the macvlan each instance's VIPs live on (docs/vmac.md).
 *
 * The name is deterministic from the file alone, so both nodes, vipctl
 * show / plan and a daemon that restarts after a crash agree on it:
 * "vm" + family digit + "-" + VRID + "-" + the VIP interface, within the
 * kernel's 15 characters. A VIP interface too long for the rest keeps its
 * first characters and four hex digits of a hash of its whole name, so two
 * long names that share a prefix still differ. The VRID is unique per
 * segment and family, so the name is unique per namespace unless an
 * interface of the file already has it (reported here). Pure. */
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "model/validate.h"

#define VMAC_NAME_MAX 15 /* IFNAMSIZ - 1 */

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void vmac_name(const struct vrrp_instance *vi, const char *ifname, char *out, size_t len)
{
	char prefix[24];
	int n =
	    snprintf(prefix, sizeof(prefix), "vm%c-%u-", vi->family == IP_V6 ? '6' : '4', vi->vrid);
	size_t room = VMAC_NAME_MAX - (size_t)n;

	if (strlen(ifname) <= room)
		snprintf(out, len, "%s%s", prefix, ifname);
	else
		snprintf(out, len, "%s%.*s%04x", prefix, (int)(room - 4), ifname,
			 (unsigned)(fnv1a(ifname) & 0xffff));
}

/* The macvlan takes the receive path of its parent: a bond or bridge port
 * has given it to its master (the kernel refuses the macvlan). */
static bool check_parent(const struct model *m, const struct iface *ifc, struct diag_list *dl)
{
	if (ifc->master_idx < 0)
		return true;
	diag_error(dl, ifc->vrrp.virtual_mac.pos,
		   "%s: vrrp.virtual_mac needs a macvlan on %s, but %s is a port of %s; a port "
		   "cannot carry a macvlan (its receive path belongs to its master)",
		   ifc->name, ifc->name, ifc->name, m->ifaces[ifc->master_idx].name);
	return false;
}

static const char *netns_of(const struct model *m, const struct iface *ifc)
{
	const char *ns = model_iface_netns(m, ifc);

	return ns ? ns : "";
}

/* Another interface of the file, or another instance's macvlan in the same
 * namespace, with this name. */
static void check_clash(const struct model *m, size_t k, struct diag_list *dl)
{
	const struct vrrp_instance *vi = &m->instances[k];
	const struct iface *ifc = &m->ifaces[vi->iface];
	const char *ns = netns_of(m, ifc);

	for (size_t i = 0; i < m->n_ifaces; i++) {
		if (strcmp(m->ifaces[i].name, vi->vmac_ifname) == 0)
			diag_error(dl, ifc->vrrp.virtual_mac.pos,
				   "%s: the virtual MAC link of instance %s is named %s, like the "
				   "interface at line %d; rename that interface",
				   ifc->name, vi->name, vi->vmac_ifname, m->ifaces[i].pos.line);
	}
	for (size_t j = 0; j < k; j++) {
		const struct vrrp_instance *o = &m->instances[j];

		if (o->vmac_ifname && strcmp(o->vmac_ifname, vi->vmac_ifname) == 0 &&
		    strcmp(netns_of(m, &m->ifaces[o->iface]), ns) == 0)
			diag_error(dl, ifc->vrrp.virtual_mac.pos,
				   "%s: the virtual MAC links of instances %s and %s would both "
				   "be named %s; give one interface a shorter name",
				   ifc->name, o->name, vi->name, vi->vmac_ifname);
	}
}

void model_vmac_mac(const struct vrrp_instance *vi, uint8_t mac[6])
{
	/* RFC 5798 7.3: 00-00-5E-00-01-{VRID} (IPv4), 00-00-5E-00-02-{VRID} (IPv6) */
	const uint8_t v[6] = {0x00, 0x00, 0x5e, 0x00, vi->family == IP_V6 ? 0x02 : 0x01, vi->vrid};

	memcpy(mac, v, sizeof(v));
}

void model_vmac(struct model *m, struct diag_list *dl)
{
	char name[48]; /* VMAC_NAME_MAX + 1 used; room for the compiler's bound */

	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];

		bool own = ifc->vrrp.virtual_mac.set &&
			   (ifc->vrrp.virtual_mac.pos.line != m->vrrp.virtual_mac.pos.line ||
			    ifc->vrrp.virtual_mac.pos.col != m->vrrp.virtual_mac.pos.col);

		if (ifc->vrrp.virtual_mac.v && (ifc->n_vips || own))
			check_parent(m, ifc, dl);
	}
	for (size_t k = 0; k < m->n_instances; k++) {
		struct vrrp_instance *vi = &m->instances[k];
		const struct iface *ifc = &m->ifaces[vi->iface];

		if (!ifc->vrrp.virtual_mac.v)
			continue;
		vmac_name(vi, ifc->name, name, sizeof(name));
		vi->vmac_ifname = arena_strdup(&m->arena, name);
		check_clash(m, k, dl);
	}
}
