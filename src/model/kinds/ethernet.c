/* ethernet: a port that exists on the machine. vipd configures it (mtu,
 * mac, addresses) but never creates or deletes it. */
#include "model/kinds/kind.h"
#include "model/validate.h"

const struct iface_kind kind_ethernet = {
    .type = IFACE_ETHERNET,
    .name = iface_type_names[IFACE_ETHERNET],
    .summary = "a physical port (or any existing device); configured, never created",
    .netlink_kind = NULL,
    .keys = {.name = "ethernet", .keys = NULL, .n = 0},
    .check = NULL,
};
