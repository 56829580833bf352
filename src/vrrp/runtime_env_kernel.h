/* The production environment's operations that keep no state of their
 * own in vrrp_rt.sys (runtime_env_kernel.c): the VIP side and its GARP/NA
 * packet socket, the virtual MAC links (their adverts leave through the
 * advert sockets, runtime_env.c), the addresses of an interface and the
 * log's watch. runtime_env.c's table (vrrp_rt_env_sys) names them; ctx
 * is the struct vrrp_rt, as for every operation (runtime_env.h). */
#ifndef VIPD_VRRP_RUNTIME_ENV_KERNEL_H
#define VIPD_VRRP_RUNTIME_ENV_KERNEL_H

#include "vrrp/runtime_internal.h"

int sys_vside_open(void *ctx, struct vrrp_rt_vside *v);
void sys_vside_close(void *ctx, struct vrrp_rt_vside *v);
int sys_garp_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *vip,
		  const struct ip_addr *src);
int sys_vmac_set_up(void *ctx, struct vrrp_rt_vside *v, bool up);
int sys_vmac_state(void *ctx, struct vrrp_rt_vside *v, int *ifindex, bool *up);
void sys_vmac_delete(void *ctx, struct vrrp_rt_vside *v);
int sys_vmac_list(void *ctx, const char *netns, char (*names)[VRRP_RT_IFNAME_MAX], size_t cap,
		  size_t *n);
int sys_ifindex(void *ctx, const char *netns, const char *ifname);
int sys_addr_add(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip);
int sys_addr_del(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip);
int sys_addr_list(void *ctx, const char *netns, int ifindex, struct vip_found **out, size_t *n);
int sys_ifname(void *ctx, const char *netns, int ifindex, char *buf);
bool sys_addr_tags(void *ctx);
void sys_log_unwatch(void *ctx, void **io);
int sys_log_watch(void *ctx, int fd, void **io);

#endif
