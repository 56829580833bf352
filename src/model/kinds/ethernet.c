/* ethernet: a port that exists on the machine. vipd configures it (mtu,
 * mac, addresses) but never creates or deletes it. */
#include "model/kinds/kind.h"
#include "model/validate.h"

static void ethernet_check(struct validate_ctx *vc, struct iface *ifc)
{
	(void)vc, (void)ifc;
}

const struct iface_kind kind_ethernet = {
    .type = IFACE_ETHERNET,
    .name = iface_type_names[IFACE_ETHERNET],
    .summary = "a physical port (or any existing device); configured, never created",
    .netlink_kind = NULL,
    .keys = {.name = "ethernet", .keys = NULL, .n = 0},
    .check = ethernet_check,
    .members = iface_kind_no_members,
    .ports_down = iface_kind_no_ports_down,
    .pair_peer = iface_kind_no_pair,
    .deletion_rank = 2,
    .link_opts = iface_kind_no_link_opts,
    .same_creation = iface_kind_always_same,
    .create_text = iface_kind_plain_create_text,
    .show = iface_kind_no_show,
    .show_line = iface_kind_no_show_line,
    .ports = KIND_PORTS_NONE,
    .segment = KIND_SEGMENT_OWN,
};
