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

/* A frame from node n on the wire (an advert) on ifname's segment, with
 * source MAC mac. */
int rh_wire_send(struct rh_node *n, enum ip_family fam, const char *ifname,
		 const struct ip_addr *src, const struct ip_addr *dst, const uint8_t *buf,
		 size_t len, const uint8_t mac[6]);
/* A new entry at the end of node n's addresses. */
struct rh_addr *rh_addr_new(struct rh_node *n);

/* ---- rt_harness_vmac.c: the fake kernel's virtual MAC links ---- */
struct rh_vmac *rh_vmac_by_name(struct rh_node *n, const char *name);
struct rh_vmac *rh_vmac_by_ifindex(struct rh_node *n, int ifindex);
int rh_env_vmac_open(struct rh_node *n, struct vrrp_rt_vside *v);
int rh_env_vmac_set_up(void *ctx, struct vrrp_rt_vside *v, bool up);
int rh_env_vmac_state(void *ctx, struct vrrp_rt_vside *v, int *ifindex, bool *up);
void rh_env_vmac_delete(void *ctx, struct vrrp_rt_vside *v);
int rh_env_vmac_list(void *ctx, const char *netns, char (*names)[VRRP_RT_IFNAME_MAX], size_t cap,
		     size_t *n);
int rh_env_vmac_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *src,
		     const struct ip_addr *dst, const uint8_t *buf, size_t len);
/* The switch saw a frame from node n with source MAC mac (a virtual one). */
void rh_switch_learn(struct rh_world *w, int n, const uint8_t mac[6]);
/* Node n's kernel: an address of an up virtual MAC link was removed. */
void rh_vmac_addr_removed(struct rh_node *n, int ifindex, const struct ip_addr *a);
/* A frame of n's kernel from an up virtual MAC link (no advert): it
 * reaches the switch after the node's other frames sent before it. */
void rh_wire_kernel_frame(struct rh_node *n, const uint8_t mac[6]);
/* The MAC node n answers an ARP/NS for vip with: the one of the link that
 * holds it, if that link is up. False: n does not answer. */
bool rh_answer_mac(const struct rh_node *n, const struct ip_addr *vip, uint8_t mac[6]);

#endif
