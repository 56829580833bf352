/* Shared by the files of the runtime harness: rt_harness.c (the world,
 * its clock and timers), rt_harness_wire.c (the advert sockets, the VIP
 * side, the client), rt_harness_addr.c (interfaces and addresses),
 * rt_harness_vmac.c (virtual MAC links) and rt_harness_view.c (what the
 * scenarios look at). */
#ifndef VIPD_TESTS_RT_HARNESS_INTERNAL_H
#define VIPD_TESTS_RT_HARNESS_INTERNAL_H

#include "rt_harness.h"

#include "net/vip.h"
#include "net/vrrp_sock.h"
#include "vrrp/runtime_env.h"

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

#define RH_FRAME_MAX VRRP_SOCK_MAX_WIRE

#define RH_NO_ADVERT ((size_t)-1)

struct rh_frame {
	uint64_t at_ms;
	uint64_t seq;
	int from;      /* -1: a third party (rh_spoof) */
	size_t advert; /* its index in w->adverts; RH_NO_ADVERT for a spoof */
	enum ip_family family;
	char ifname[VRRP_RT_IFNAME_MAX]; /* the sender's advert interface: its segment */
	struct ip_addr src, dst;
	uint8_t buf[RH_FRAME_MAX];
	size_t len;
	bool kernel;	/* the kernel's own (an MLD report): for the switch only */
	uint8_t mac[6]; /* a kernel frame's source MAC */
};

/* What a socket of the runtime is to the fake: its receive callback. */
struct rh_sock {
	vrrp_rt_rx_fn rx;
};

#define GROW(arr, n, cap)                                                                          \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? 2 * (cap) : 16;                                            \
			(arr) = realloc((arr), (cap) * sizeof(*(arr)));                            \
			assert_non_null(arr);                                                      \
		}                                                                                  \
	} while (0)

/* Node node's own address of the family (the communication pair). */
struct ip_addr rh_own_addr(int node, enum ip_family fam);
/* 0..99 from the world's seeded generator (losses, delays). */
uint32_t rh_rnd(struct rh_world *w);

/* ---- rt_harness_wire.c: the environment's advert sockets and VIP side ---- */
int rh_env_sock_open(void *ctx, struct vrrp_rt_sock *s, vrrp_rt_rx_fn rx);
void rh_env_sock_close(void *ctx, struct vrrp_rt_sock *s);
int rh_env_sock_send(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *src,
		     const struct ip_addr *dst, const uint8_t *buf, size_t len);
int rh_env_neigh(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *peer, uint8_t mac[6]);
int rh_env_sock_send_frame(void *ctx, struct vrrp_rt_sock *s, const uint8_t mac[6],
			   const struct ip_addr *src, const struct ip_addr *dst, const uint8_t *buf,
			   size_t len);
/* Frame f reaches every other running node's socket that takes it. */
void rh_deliver_frame(struct rh_world *w, const struct rh_frame *f);
int rh_env_vside_open(void *ctx, struct vrrp_rt_vside *v);
void rh_env_vside_close(void *ctx, struct vrrp_rt_vside *v);
int rh_env_garp_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *vip,
		     const struct ip_addr *src);

/* ---- rt_harness_addr.c: the environment's interfaces and addresses ---- */
/* Node n holds address a on ifindex in netns now, with proto (the
 * kernel's IFA_PROTO: the node's own, a VIP's). */
void rh_addr_put(struct rh_node *n, const char *netns, int ifindex, const struct ip_addr *a,
		 uint8_t proto);
int rh_env_ifname(void *ctx, const char *netns, int ifindex, char *buf);
bool rh_env_addr_tags(void *ctx);
int rh_env_addr_add(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip);
int rh_env_addr_del(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip);
int rh_env_addr_list(void *ctx, const char *netns, int ifindex, struct vip_found **out, size_t *n);

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
