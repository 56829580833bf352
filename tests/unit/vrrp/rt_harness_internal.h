/* Shared by rt_harness.c (the fake environment) and rt_harness_view.c
 * (what the scenarios look at). */
#ifndef VIPD_TESTS_RT_HARNESS_INTERNAL_H
#define VIPD_TESTS_RT_HARNESS_INTERNAL_H

#include "rt_harness.h"

/* The address a of ifindex in netns on node n, or NULL. */
struct rh_addr *rh_addr_find(struct rh_node *n, const char *netns, int ifindex,
			     const struct ip_addr *a);
/* The client's neighbour entry for vip, or NULL. */
struct rh_neigh *rh_neigh_find(struct rh_world *w, const struct ip_addr *vip);

/* Node n forwards frames now (carrier, and settled since it returned). */
bool rh_forwards(const struct rh_node *n);
/* The client learns that vip is at mac (a GARP/NA, or its own ARP). */
void rh_neigh_learn(struct rh_world *w, const struct ip_addr *vip, const uint8_t mac[6]);
/* The environment's ifindex lookup (ctx: the node). */
int rh_env_ifindex(void *ctx, const char *netns, const char *ifname);

#endif
