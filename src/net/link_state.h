/* Is a link operationally up? The kernel's own verdict on the watched
 * interface, as RTM_NEWLINK carries it (IFLA_OPERSTATE, ifi_flags).
 *
 * The operational state is the kernel's per-device summary, stacked: a
 * VLAN whose bond lost its last carrier, or a veth whose peer is down,
 * reads IF_OPER_LOWERLAYERDOWN on its own, so the watched device alone
 * decides and no walk down the stack is needed. Drivers that never set an
 * operational state leave IF_OPER_UNKNOWN; for them IFF_RUNNING and
 * IFF_LOWER_UP (carrier) decide.
 *
 * Pure: no I/O. */
#ifndef VIPD_NET_LINK_STATE_H
#define VIPD_NET_LINK_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* flags: ifi_flags; operstate: IFLA_OPERSTATE (IF_OPER_*), or -1 when the
 * message had none (treated as unknown). Writes a short reason ("up",
 * "administratively down", "no carrier (operstate lowerlayerdown)") to why
 * (may be NULL). */
bool link_state_up(unsigned flags, int operstate, char *why, size_t len);

/* RFC 2863 names as `ip link` prints them in lower case: "unknown",
 * "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up";
 * "invalid" for anything else. */
const char *link_operstate_name(int operstate);

#endif
