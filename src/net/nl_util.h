/* Helpers over libnl-3's message API, shared by the netlink reader and the
 * plan executor.
 *
 * libnl turns the kernel's errno into its own NLE_* codes, several errnos
 * into one; vipd reports the kernel's reason, so every exchange here goes
 * through nlu_exchange(), which keeps the errno from the NLMSG_ERROR and
 * the extended-ack text ("VLAN id out of range") the kernel attaches. */
#ifndef VIPD_NET_NL_UTIL_H
#define VIPD_NET_NL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

/* Linux >= 6.1 (include/uapi/linux/if_addr.h); our own number so that the
 * build does not depend on the headers' age. */
#define NLU_IFA_PROTO 11

struct nlu_err {
	int error;	  /* negative errno, 0 when the kernel did not complain */
	char msg[160];	  /* the kernel's extended-ack message, or vipd's own context */
	bool from_kernel; /* msg is the kernel's words */
};

/* A NETLINK_ROUTE socket in the calling thread's namespace: connected,
 * extended acks on, acks capped, strict checking of dump requests (so that
 * dumps honour ifindex/master filters), 1 MiB buffers for dumps. */
int nlu_sock_new(struct nl_sock **out);

/* Sends `msg` (consumed) and reads until the kernel's ack, NLMSG_DONE for a
 * dump, or an error. on_msg (may be NULL) sees every data message.
 * Returns 0 or a negative errno; e (may be NULL) gets the kernel's text. */
int nlu_exchange(struct nl_sock *sk, struct nl_msg *msg, nl_recvmsg_msg_cb_t on_msg, void *arg,
		 struct nlu_err *e);

/* libnl NLE_* code (negative or not) to a negative errno. */
int nlu_errno_from_nle(int nle);
/* "strerror(-err)", then " (kernel: <extack>)" when the kernel said more,
 * or " (<context>)" when vipd added its own. */
const char *nlu_reason(int err, const struct nlu_err *e, char *buf, size_t len);

/* ifindex of `name` in the socket's namespace; -ENODEV if absent. */
int nlu_ifindex(struct nl_sock *sk, const char *name, int *ifindex, struct nlu_err *e);
/* Name of ifindex in the socket's namespace; -ENODEV if absent. */
int nlu_ifname(struct nl_sock *sk, int ifindex, char *name, size_t len, struct nlu_err *e);

/* A new RTM_NEWLINK request for the existing link `name` (by name, so no
 * ifindex look-up is needed); NULL on out-of-memory. */
struct nl_msg *nlu_setlink_msg(const char *name, unsigned flags, unsigned change);

/* Attribute getters that check the payload length (the dumps are parsed
 * without a libnl policy). They leave *out alone and return false when the
 * attribute is absent or short. */
bool nlu_get_u8(struct nlattr *const *tb, int type, uint8_t *out);
bool nlu_get_u16(struct nlattr *const *tb, int type, uint16_t *out);
bool nlu_get_u32(struct nlattr *const *tb, int type, uint32_t *out);
bool nlu_get_s32(struct nlattr *const *tb, int type, int32_t *out);
/* Copies a string attribute (truncating, always terminated). */
bool nlu_get_str(struct nlattr *const *tb, int type, char *out, size_t len);

#endif
