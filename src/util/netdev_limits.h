/* Size limits of network device and namespace names, shared by every
 * module that holds one: the live state (plan/live.h), namespaces and the
 * netlink reader (src/net), link and gateway checks (src/check). Here in
 * util, below them all, so that a module needing only a buffer size does
 * not depend on the planner's live state. The LIVE_ prefix is the live
 * state's, which they first sized; the sizes include the NUL. */
#ifndef VIPD_UTIL_NETDEV_LIMITS_H
#define VIPD_UTIL_NETDEV_LIMITS_H

#define LIVE_NAME_MAX  16 /* IFNAMSIZ */
#define LIVE_NS_MAX    64
#define LIVE_ALIAS_MAX 128

#endif
