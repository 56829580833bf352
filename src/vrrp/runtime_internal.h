/* Shared between the runtime's files; not for the daemon.
 *
 * The files are layers, each calling only the ones below it, so that a
 * change low down cannot loop back through the lifecycle
 * (scripts/check-layers.py fails on a circle). Top to bottom:
 *
 *   runtime.c        create, apply the specs (start, reload), leftovers,
 *                    drain, shutdown, free
 *   runtime_inst.c   one instance: new, start, the step, health, stop, free
 *   runtime_vips.c   its VIPs as the kernel has them: add, remove, repair,
 *                    retry a VIP it cannot hold
 *   runtime_garp.c   GARP/NA bursts and refresh (sent from the VIP side)
 *   runtime_io.c     advert sockets: open/share, receive, send
 *   runtime_vside.c  the VIP side of an interface
 *   runtime_spec.c   specs: build from the node record, compare, free
 *   runtime_env.c    the production environment (runtime_env.h): libevent
 *                    timers, raw sockets, netlink addresses, GARP/NA;
 *                    the other files reach it only through vrrp_rt.env
 *   runtime_base.c   clocks, logging, namespaces, netlink, link-local lookup,
 *                    the environment's clocks and timers
 *
 * A lower file that must reach a higher one takes a callback: the receive
 * path hands adverts to rt_inst_step through rt_advert_fn. The sections
 * below follow the same order, bottom first. */
#ifndef VIPD_VRRP_RUNTIME_INTERNAL_H
#define VIPD_VRRP_RUNTIME_INTERNAL_H

#include "vrrp/runtime.h"
#include "vrrp/runtime_env.h"

/* vrrp.packet_socket: how long a master that heard a lower master sends
 * through the IP path (runtime_io.c, frames_check) */
#define RT_FRAMES_PAUSE_MS 60000

/* ---- runtime_base.c (the system clocks and logging are in runtime.h) ---- */
/* The environment's clocks (a test's fake ones under test) and timers. */
uint64_t rt_now_ms(const struct vrrp_rt *rt);
int64_t rt_wall_ms(const struct vrrp_rt *rt);
struct vrrp_rt_timer *rt_timer_new(struct vrrp_rt *rt, vrrp_rt_timer_fn fn, void *arg);
void rt_timer_arm(struct vrrp_rt *rt, struct vrrp_rt_timer *t, uint32_t delay_ms);
void rt_timer_cancel(struct vrrp_rt *rt, struct vrrp_rt_timer *t);
void rt_timer_free(struct vrrp_rt *rt, struct vrrp_rt_timer *t);
/* An instance's reason text (struct vrrp_inst's *_reason): *slot becomes
 * the formatted text cut to cap - 1 characters, as the buffer of cap bytes
 * it replaced cut it, in a util/text.h slot (text_empty when empty, or
 * out of memory: a reason is worth less than the instance). Formatted
 * before the old text goes, so that it may be an argument. */
__attribute__((format(printf, 3, 4))) void rt_reason_set(const char **slot, size_t cap,
							 const char *fmt, ...);
void rt_reason_free(const char **slot);
/* The netlink socket of a namespace; fetch it for each use (a re-created
 * namespace gets a new one). NULL with -errno in *err. */
struct nl_sock *rt_nl(struct vrrp_rt *rt, const char *netns, int *err);
/* The IPv6 link-local address of ifindex in netns that can be a source
 * (not tentative), from the environment's address list. */
bool rt_find_link_local(struct vrrp_rt *rt, const char *netns, int ifindex, struct ip_addr *out);
/* The log queue (vrrp_rt.log): made by vrrp_rt_init_env, freed by
 * vrrp_rt_done after one last try to write what waits. */
int rt_log_init(struct vrrp_rt *rt);
void rt_log_done(struct vrrp_rt *rt);

/* ---- runtime_env.c: what the production environment keeps (vrrp_rt.sys),
 * freed by vrrp_rt_done ---- */
void rt_env_sys_done(struct vrrp_rt *rt);

/* ---- runtime_spec.c ---- */
bool rt_spec_same_key(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b);
bool rt_spec_same_params(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b);
bool rt_spec_same_vips(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b);
/* Both have a virtual MAC link, the same one (name, namespace, parent, MAC). */
bool rt_spec_same_vmac(const struct vrrp_inst_spec *a, const struct vrrp_inst_spec *b);
void rt_spec_done(struct vrrp_inst_spec *s);

/* ---- runtime_vside.c: the VIP side of inst's interface, opened or
 * shared. NULL with -errno in *err. ---- */
struct vrrp_rt_vside *rt_vside_attach(struct vrrp_inst *inst, int *err);
void rt_vside_detach(struct vrrp_inst *inst);
/* rt_vside_detach for an instance that stops (shutdown, removed, changed):
 * its virtual MAC link goes too. A runtime freed without stopping (a
 * crash, as the harness plays it) leaves it for the next start to adopt. */
void rt_vside_release(struct vrrp_inst *inst);
/* A virtual MAC link up (the instance holds its VIPs) or down (it sends
 * nothing); a no-op for an ordinary interface. 0 or -errno (logged). */
int rt_vside_set_up(struct vrrp_rt_vside *v, bool up);
/* The virtual MAC link is gone or another (the daemon saw it change):
 * closed and opened again, i.e. made again (or adopted), down. 0 or
 * -errno (logged; v->io NULL until a later try works). */
int rt_vside_reopen(struct vrrp_rt_vside *v);
/* Source of an unsolicited NA for vip: the link-local address, else vip. */
const struct ip_addr *rt_vside_na_source(struct vrrp_rt_vside *v, const struct ip_addr *vip);

/* ---- runtime_io.c: advert sockets and adverts ---- */
/* Where a received advert that passed every filter goes (rt_inst_step). */
typedef void (*rt_advert_fn)(struct vrrp_inst *inst, const struct vrrp_fsm_event *ev);
/* The socket for inst's (netns, interface, family, mode), opened or shared;
 * registers inst under its VRID. A socket it opens hands its adverts to
 * on_advert. NULL with -errno in *err. */
struct vrrp_rt_sock *rt_sock_attach(struct vrrp_inst *inst, rt_advert_fn on_advert, int *err);
void rt_sock_detach(struct vrrp_inst *inst);
/* The instance of that VRID on s, or NULL. */
struct vrrp_inst *rt_sock_inst(const struct vrrp_rt_sock *s, unsigned vrid);
int rt_send_advert(struct vrrp_inst *inst, uint8_t priority);
/* How many of the spec's VIPs fit in one advert of at most 1280 bytes. */
size_t rt_advert_addr_cap(const struct vrrp_inst_spec *spec);
/* How a received advert's addresses compare with want[0..n_want) (an
 * instance's first n_advert_addrs VIPs, what its own adverts list): the
 * same set in any order, a set that shares at least one VIP with it, or
 * none of them. Pure, for the receive filter. */
enum rt_vip_set {
	RT_VIPS_SAME,
	RT_VIPS_OVERLAP,  /* accepted: a VIP-list reload on one node only so far */
	RT_VIPS_DISJOINT, /* dropped: not our virtual router */
};
enum rt_vip_set rt_advert_vips_compare(const struct ip_addr *want, size_t n_want,
				       const struct vrrp_pkt *pkt);

/* ---- runtime_garp.c: GARP/NA bursts and refresh, through the runtime's
 * queue (vrrp_rt.garp), drained a burst per loop pass ---- */
/* After every instance was freed: the drain timer (made on first use). */
void rt_garp_queue_done(struct vrrp_rt *rt);
void rt_garp_on_timer(void *arg); /* arg: the instance */
/* garp.count rounds, then the refresh; stop: none more, and the frames
 * still queued are dropped. */
void rt_garp_start(struct vrrp_inst *inst);
void rt_garp_stop(struct vrrp_inst *inst);
/* Queues one frame per VIP (the kernel holds), or for spec.vips[i] alone;
 * each is sent in its turn if the instance is still MASTER holding it. */
void rt_garp_round(struct vrrp_inst *inst);
void rt_garp_one(struct vrrp_inst *inst, size_t i);
/* The VIP list changed (spec.vips is the new one, old[0..n_old) the last):
 * frames queued for a VIP kept stay, the others go. */
void rt_garp_vips_changed(struct vrrp_inst *inst, const struct ip_addr *old, size_t n_old);
/* An instance about to be freed: out of the queue. */
void rt_garp_forget(struct vrrp_inst *inst);

/* ---- runtime_inst.c: one instance ---- */
struct vrrp_inst *rt_inst_new(struct vrrp_rt *rt, struct vrrp_inst_spec *spec);
void rt_inst_start(struct vrrp_inst *inst);
/* SHUTDOWN, then release the socket and the VIP side; keep_vmac: its
 * virtual MAC link stays (down) for the instance that replaces it. */
void rt_inst_stop(struct vrrp_inst *inst, bool keep_vmac);
void rt_inst_free(struct vrrp_inst *inst);
void rt_inst_step(struct vrrp_inst *inst, const struct vrrp_fsm_event *ev);
/* The VIP list changed, nothing else: adds/removes the difference if held. */
void rt_inst_update_vips(struct vrrp_inst *inst, struct vrrp_inst_spec *spec);
/* After runtime_vips.c added VIPs: one that failed (hold_due) is judged
 * from the loop at once (the hold timer, made then). */
void rt_inst_hold_check(struct vrrp_inst *inst);
/* Its virtual MAC link, raised by someone else while BACKUP, was lowered
 * again (rt_vips_vmac_check): the machine asks the master to announce
 * the VIPs (VRRP_FSM_EV_MAC_LEAKED). */
void rt_inst_mac_leaked(struct vrrp_inst *inst);

/* ---- runtime_vips.c: the instance's VIPs in the kernel ---- */
int rt_inst_add_vip(struct vrrp_inst *inst, const struct ip_addr *vip);
int rt_inst_del_vip(struct vrrp_inst *inst, const struct ip_addr *vip);
/* ADD_VIPS / REMOVE_VIPS, through the runtime's VIP queue (vrrp_rt.vipq):
 * as much as the loop pass's budget allows now, the rest from the queue's
 * timer; an add and a remove of one VIP cancel out. A VIP that cannot be
 * added is missing: it sets hold_reason and hold_due (the caller runs
 * rt_inst_hold_check; the queue's settled callback for later ones). */
void rt_vips_add(struct vrrp_inst *inst);
void rt_vips_remove(struct vrrp_inst *inst);
/* An advert / GARP/NA the machine asks for while inst's VIP operations
 * wait: owed, sent when they are done (true), or nothing waits (false:
 * send it now). */
bool rt_vips_owe_advert(struct vrrp_inst *inst, uint8_t priority);
bool rt_vips_owe_garp(struct vrrp_inst *inst, bool single_round);
/* Every operation inst has waiting, now, and what waited for them (an
 * instance that stops or changes its VIP list). */
void rt_vips_flush(struct vrrp_inst *inst);
/* An instance about to be freed: out of the queue, nothing run. */
void rt_vips_forget(struct vrrp_inst *inst);
/* After every instance was freed: the queue's timer. */
void rt_vips_queue_done(struct vrrp_rt *rt);
/* An operation on spec.vips[i] waits in the queue. */
bool rt_vips_pending(const struct vrrp_inst *inst, size_t i);
/* Adds spec.vips[i] alone, as rt_vips_add does. 0 or -errno. */
int rt_vips_add_at(struct vrrp_inst *inst, size_t i);
/* vip_missing and vip_op sized for spec.n_vips, all false / none. */
bool rt_vips_alloc_missing(struct vrrp_inst *inst);
/* addr is one of the instance's VIPs (address only). */
bool rt_vips_has(const struct vrrp_inst *inst, const struct ip_addr *addr);
/* Held VIPs absent from the kernel are re-added (and announced when
 * master); returns how many were absent. */
size_t rt_vips_reconcile(struct vrrp_inst *inst);
/* The hold timer's retry: true when every VIP can be held again. */
bool rt_vips_retry(struct vrrp_inst *inst);
/* The instance's virtual MAC link as the kernel has it, put back as the
 * instance wants it (vrrp_rt_link_changed). */
void rt_vips_vmac_check(struct vrrp_inst *inst);

#endif
