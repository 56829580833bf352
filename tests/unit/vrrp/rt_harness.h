/* The runtime harness: the real VRRP runtime (src/vrrp/runtime*.c) of two
 * or three nodes in one process, in a fake environment (runtime_env.h):
 *
 * - a fake clock and one timer queue for every node; rh_run advances the
 *   clock from deadline to deadline (no real time passes);
 * - a fake wire, one segment: adverts travel as bytes from one runtime's
 *   socket to the others' receive path, with per node carrier (link up or
 *   down), a "not forwarding yet" time after a carrier returns, loss and
 *   delay; a send while the carrier is down is refused (-ENOBUFS), as the
 *   kernel does;
 * - a VIP table per node (which addresses each node's interface has),
 *   which survives a crash of the node's daemon (leftovers);
 * - a record of every GARP/NA frame and advert (who, what, when);
 * - a client on the segment whose neighbour cache learns a VIP's MAC from
 *   the last GARP/NA it received, or by asking (the node holding it
 *   answers), so a test can say "the client reaches VIP X at node Y";
 * - the switch between them, for the virtual MACs both nodes own
 *   (vrrp.virtual_mac): it sends a frame to one to the port it last saw
 *   that MAC on (rt_harness_vmac.c).
 *
 * The daemon's part is modelled where a scenario needs it: the link watch
 * (rh_link: the carrier, then vrrp_inst_set_link after the kernel's
 * delay, at once when a send is refused, as src/daemon/health.c asks the
 * kernel again), health verdicts (rh_health) and the address watch
 * (rh_remove_addr: someone removes an address, the runtime hears of it
 * at once; rh_fail_add: the kernel refuses an address). */
#ifndef VIPD_TESTS_RT_HARNESS_H
#define VIPD_TESTS_RT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp/runtime.h"

#define RH_MAX_NODES  3
#define RH_MAX_INSTS  8
#define RH_MAX_VIPS   4
#define RH_IFNAME     "eth0"
#define RH_IFINDEX    2
#define RH_MAX_IFACES 16
/* A takeover at scale (rh_cfg.n_bulk): instances per advert interface of
 * the bulk (VRIDs 1..RH_BULK_PER_IFACE), and at most that many interfaces */
#define RH_BULK_PER_IFACE 250
#define RH_MAX_BULK	  (RH_BULK_PER_IFACE * (RH_MAX_IFACES - 4))

/* One instance of the test's configuration, as the model would compile it. */
struct rh_inst_cfg {
	/* "<if>/<slot>/<family>/<method>" as the model names them: the slot
	 * and method (what a reload matches instances by) are read from it */
	const char *name;
	uint8_t vrid;
	enum ip_family family;
	const char *vips[RH_MAX_VIPS]; /* "192.0.2.100/24"; NULL ends */
	uint8_t prio[RH_MAX_NODES];    /* per node */
	uint32_t interval_ms;	       /* 0: 100 */
	bool no_preempt;
	uint32_t preempt_delay_ms;
	bool multicast;	    /* else unicast between A and B (C's peer is A) */
	bool virtual_mac;   /* vrrp.virtual_mac: the VIPs on vm4|6-<vrid>-eth0 */
	bool packet_socket; /* vrrp.packet_socket: the master's adverts as frames */
};

/* The configuration file: instances and GARP settings. */
struct rh_cfg {
	struct rh_inst_cfg insts[RH_MAX_INSTS];
	size_t n_insts;
	uint32_t garp_count;	   /* 0: 3 */
	uint32_t garp_interval_ms; /* 0: 100 */
	uint32_t garp_refresh_ms;
	/* A takeover at scale: n_bulk more instances after insts[], IPv6,
	 * unicast, method gw, priority 200 on A and 100 elsewhere, one VIP
	 * each (rh_bulk_vip), held on eth0 with their adverts via bulk<k>
	 * (vrrp.via: RH_BULK_PER_IFACE instances per interface, VRIDs
	 * 1..250; the VRID pool of one segment would not take more). */
	size_t n_bulk;
	uint32_t bulk_interval_ms; /* 0: 1000 */
};

struct rh_addr {
	char netns[16]; /* "" = the daemon's own */
	int ifindex;
	struct ip_addr addr; /* with prefix length */
	uint8_t proto;	     /* VIPD_ADDR_PROTO_VIP for the runtime's */
};

struct rh_world;

struct rh_node {
	struct rh_world *w;
	int id;
	char name[2]; /* "A", "B", "C" */
	uint8_t mac[6];
	struct vrrp_rt rt;
	bool running;	     /* the daemon runs (rt is initialised) */
	uint64_t timer_arms; /* the runtime's timer_arm calls */
	/* the wire */
	bool iface_missing;	  /* eth0 does not exist (yet): opening it fails */
	bool carrier;		  /* frames pass */
	uint64_t forward_from_ms; /* carrier up, but nothing passes before this */
	uint32_t loss_pct;	  /* frames this node sends that are lost */
	uint32_t delay_ms;	  /* one-way delay of the frames this node sends */
	/* the kernel's drop count (SO_RXQ_OVFL) the frames this node receives
	 * carry; 0: the kernel says nothing, as it does while the count is 0 */
	uint32_t kernel_drops;
	/* the daemon's link watch: what it last told the runtime */
	bool link_told_up;
	uint32_t link_notify_ms;   /* how late the kernel tells a carrier change */
	bool recheck_on_send_fail; /* health.c: a refused send asks again (default) */
	/* the kernel's addresses of the node's interfaces (rh_addr_new) */
	struct rh_addr *addrs;
	size_t n_addrs, cap_addrs;
	/* the kernel refuses to add this address (rh_fail_add) */
	struct ip_addr add_refused;
	int add_refused_err; /* 0: it refuses nothing */
	/* interfaces besides RH_IFNAME of the own namespace (rh_add_iface);
	 * a namespace exists when one of them is in it */
	struct rh_iface {
		char netns[16];
		char ifname[16];
		int ifindex;
	} ifaces[RH_MAX_IFACES];
	size_t n_ifaces;
	bool no_addr_tags; /* a kernel before 6.1: addresses lose IFA_PROTO */
	/* its kernel's neighbour table: the peers' MACs verified (a unicast
	 * advert may go as a frame), else stale or missing (the IP path) */
	bool neigh_unverified;
	uint64_t frames_sent; /* adverts that left as frames (packet socket) */
	bool frames_lost;     /* they never arrive (the peer's IPsec drops them) */
	/* the namespaces the daemon used before (its record), swept at start */
	const char *old_netns[RH_MAX_IFACES];
	size_t n_old_netns;
	/* the virtual MAC links (macvlans) its kernel has; they outlive a
	 * crash of the daemon, as the kernel's links do */
	struct rh_vmac {
		char name[16];
		uint8_t mac[6];
		int ifindex;
		bool up;
		bool exists;
	} vmacs[RH_MAX_INSTS];
	size_t n_vmacs;
	uint64_t vmac_created;	    /* links made (not adopted) */
	int vmac_up_err;	    /* raising a virtual MAC link fails with it; 0: works */
	uint64_t vmac_down_sends;   /* frames asked of a down virtual MAC link (refused) */
	uint64_t vmac_kernel_sends; /* MLD reports its kernel sent from them */
	/* VIP additions and removals the kernel did for it (addr_add,
	 * addr_del), and the most in one pass of the loop (rh_world.pass) */
	uint64_t vip_ops;
	uint64_t vip_ops_max_per_pass;
	uint64_t vip_ops_this_pass, vip_ops_pass;
	/* counters the fake keeps */
	int open_timers;
	int open_socks;
	int open_vsides;
	uint64_t sends_refused;
};

struct rh_garp {
	uint64_t at_ms;
	uint64_t pass; /* the loop pass (timer or frame) that sent it */
	int node;
	struct ip_addr vip;
	bool delivered; /* reached the client */
};

struct rh_advert {
	uint64_t at_ms;
	int node;
	uint8_t vrid;
	uint8_t priority;
	bool delivered; /* reached at least one node */
	uint8_t mac[6]; /* its source MAC: the node's, or a virtual MAC link's */
};

struct rh_transition {
	uint64_t at_ms;
	int node;
	char inst[VRRP_RT_NAME_MAX];
	enum vrrp_fsm_state from, to;
	enum vrrp_fsm_cause cause;
};

struct rh_neigh {
	struct ip_addr vip;
	uint8_t mac[6];
	uint64_t learnt_ms;
};

/* The switch's forwarding entry for a virtual MAC: the node whose port it
 * last saw a frame from that MAC on (both nodes own the MAC). A frame to
 * it goes there only: a node whose link is down there answers nothing. */
struct rh_fdb {
	uint8_t mac[6];
	int node;
	uint64_t learnt_ms;
};

struct rh_world {
	uint64_t now_ms;
	uint64_t seq;
	struct rh_node nodes[RH_MAX_NODES];
	int n_nodes;
	struct rh_cfg cfg;
	/* the timer queue (every node's runtime and the harness's own) */
	struct vrrp_rt_timer **timers;
	size_t n_timers, cap_timers;
	/* the earliest armed timer (NULL: none), while earliest_known: a scan
	 * of thousands of timers per event made the scale scenarios
	 * quadratic */
	struct vrrp_rt_timer *earliest;
	bool earliest_known;
	/* frames in flight */
	struct rh_frame *frames;
	size_t n_frames, cap_frames;
	/* records */
	struct rh_garp *garps;
	size_t n_garps, cap_garps;
	struct rh_advert *adverts;
	size_t n_adverts, cap_adverts;
	struct rh_transition *trans;
	size_t n_trans, cap_trans;
	/* the client's neighbour cache */
	struct rh_neigh *neigh;
	size_t n_neigh, cap_neigh;
	/* the switch's entries for the virtual MACs */
	struct rh_fdb fdb[RH_MAX_NODES * RH_MAX_INSTS];
	size_t n_fdb;
	bool split; /* the nodes do not hear each other (the client hears both) */
	/* the loop's passes so far: each timer that fires and each frame
	 * delivered is one (libevent may run several in one; the runtime
	 * cannot tell) */
	uint64_t pass;
	/* What sending GARP/NA costs: every garp_frames_per_ms frames sent
	 * move the clock on by 1 ms, so that a long drain lets other timers
	 * come due, as the real loop's time does; 0: frames cost nothing. */
	uint32_t garp_frames_per_ms;
	uint32_t garp_frames_this_ms;
	/* What adding or removing an address costs the kernel (a walk of
	 * its routing table with thousands of IPv6 addresses, issue 16): each
	 * moves the clock on by vip_op_ms; 0: nothing. */
	uint32_t vip_op_ms;
	uint32_t rng;
	enum vrrp_rt_log_level log_level; /* of every runtime; RH_LOG=debug|info */
};

/* A world of n nodes (A, B[, C]) with this configuration; nothing runs. */
void rh_world_init(struct rh_world *w, int n, const struct rh_cfg *cfg);
void rh_world_done(struct rh_world *w);

/* ---- the daemons ---- */
/* Start node i's daemon: sweep leftovers, apply its specs (from w->cfg). */
void rh_start(struct rh_world *w, int i);
/* SIGTERM: vrrp_rt_shutdown (priority 0, VIPs removed), then done. */
void rh_stop(struct rh_world *w, int i);
/* SIGKILL: the runtime vanishes without a word; its VIPs stay configured. */
void rh_crash(struct rh_world *w, int i);
/* vipctl reload with w->cfg as it is now (change it first). */
void rh_reload(struct rh_world *w, int i);
/* Node i's specs from w->cfg (vrrp_rt_specs_free them). */
void rh_specs(const struct rh_world *w, int i, struct vrrp_inst_spec **out, size_t *n);

/* ---- time ---- */
/* Runs every timer and frame due up to now + ms, in deadline order. */
void rh_run(struct rh_world *w, uint64_t ms);
void rh_run_until(struct rh_world *w, uint64_t at_ms);
/* rh_run, looking at vip after every millisecond: how many ended with no
 * node holding it (dark) and with two holding it (double). */
struct rh_watch {
	uint64_t dark_ms, double_ms;
};
struct rh_watch rh_run_watching(struct rh_world *w, uint64_t ms, const char *vip);

/* ---- faults and inputs ---- */
/* The carrier of node i's port. The link watch tells the runtime
 * link_notify_ms later (or at a refused send); down -> up also starts a
 * time of settle_ms in which the port forwards nothing. */
void rh_link(struct rh_world *w, int i, bool up, uint32_t settle_ms);
/* Every instance of node i: vrrp_inst_set_healthy. */
void rh_health(struct rh_world *w, int i, bool healthy, bool pending, const char *reason);
/* A split of the segment: adverts between the nodes are lost, while the
 * client still hears every node's GARP/NA; false heals it. */
void rh_split(struct rh_world *w, bool split);

/* A hand-made advert from a third party on the segment (a forger): it
 * claims any source, and travels like any frame from now on (a split
 * does not stop it: the forger is wherever it needs to be). */
struct rh_spoof {
	enum ip_family family;
	const char *src; /* the claimed source: the peer's address, typically */
	int to;		 /* the node it is addressed to (unicast); -1: the group */
	uint8_t version; /* 0: 3 */
	uint8_t vrid;
	uint8_t priority;
	uint32_t interval_ms;		   /* v3: 10..40950 in 10 ms steps; v2 whole seconds */
	const char *vips[RH_MAX_VIPS + 1]; /* the addresses it lists ("192.0.2.100"); NULL ends */
};
void rh_spoof(struct rh_world *w, const struct rh_spoof *sp);

/* ---- what tests look at ---- */
struct vrrp_inst *rh_inst(struct rh_world *w, int i, const char *name);
enum vrrp_fsm_state rh_state(struct rh_world *w, int i, const char *name);
/* Node i's interface has vip (text, no prefix). */
bool rh_holds(const struct rh_world *w, int i, const char *vip);
/* The node whose MAC the client's entry for vip is, resolving it first when
 * the client has none (the node holding vip answers); -1 if unresolved. */
int rh_client_node(struct rh_world *w, const char *vip);
/* The client reaches vip at node i: its entry is i's MAC, i holds vip and
 * no other node does. */
bool rh_client_reaches(struct rh_world *w, const char *vip, int i);
/* Transitions of node i (of inst, NULL: any) since at_ms. */
size_t rh_transitions(const struct rh_world *w, int i, const char *inst, uint64_t since_ms);
/* The last transition of node i's inst (NULL: any); fails if none. */
const struct rh_transition *rh_last_transition(const struct rh_world *w, int i, const char *inst);
/* When node i last sent an advert that reached a node. */
uint64_t rh_last_advert_ms(const struct rh_world *w, int i);
/* GARP/NA frames node i sent for vip since at_ms. */
size_t rh_garps(const struct rh_world *w, int i, const char *vip, uint64_t since_ms);
/* The most GARP/NA frames node i sent in one pass of the loop. */
size_t rh_garps_max_per_pass(const struct rh_world *w, int i);
/* The VIP of bulk instance k (rh_cfg.n_bulk), "2001:db8:b:<k>::1", and its
 * name, "bulk<k>/master/ipv6/gw", into buf. */
const char *rh_bulk_vip(size_t k, char *buf, size_t len);
const char *rh_bulk_name(size_t k, char *buf, size_t len);
/* Adverts node i sent with this priority since at_ms. */
size_t rh_adverts(const struct rh_world *w, int i, uint8_t priority, uint64_t since_ms);
/* Node i's virtual MAC link (rt_harness_vmac.c): NULL when it has none. */
const struct rh_vmac *rh_vmac(const struct rh_world *w, int i, const char *name);
/* Someone sets node i's virtual MAC link name up or down (`ip link set`),
 * or deletes it (`ip link del`), behind the daemon's back: the kernel
 * drops the addresses a down link loses, and the daemon's link watch
 * tells the runtime at once (vrrp_rt_link_changed), then its address
 * watch (vrrp_rt_addr_removed), as src/daemon/health.c does. */
void rh_vmac_set_up_behind(struct rh_world *w, int i, const char *name, bool up);
void rh_vmac_delete_behind(struct rh_world *w, int i, const char *name);
/* The node the switch sends frames to mac to (-1: it floods them, not
 * having seen the MAC yet). */
int rh_switch_port(const struct rh_world *w, const uint8_t mac[6]);
/* The MAC the client's neighbour entry for vip holds (fails if none). */
const uint8_t *rh_client_mac(struct rh_world *w, const char *vip);
/* The RFC 5798 virtual MAC of a VRID and family. */
void rh_vmac_of(uint8_t vrid, enum ip_family fam, uint8_t mac[6]);

/* Put an address on node i's interface behind the daemon's back. */
void rh_add_addr(struct rh_world *w, int i, const char *addr, uint8_t proto);
/* Another interface of node i, in netns ("" = the own); its ifindex. */
int rh_add_iface(struct rh_world *w, int i, const char *netns, const char *ifname);
/* rh_add_addr on that interface; rh_holds_on: whether it has addr. */
void rh_add_addr_on(struct rh_world *w, int i, const char *netns, const char *ifname,
		    const char *addr, uint8_t proto);
bool rh_holds_on(const struct rh_world *w, int i, const char *netns, const char *ifname,
		 const char *addr);

/* Someone removes addr from node i's interface behind the daemon's back
 * (`ip addr del`): the daemon's address watch tells its runtime at once
 * (vrrp_rt_addr_removed), as the link watch's socket does. */
void rh_remove_addr(struct rh_world *w, int i, const char *addr);
/* Node i's kernel refuses to add addr (text, no prefix) with err (a
 * negative errno); err 0: it takes it again. */
void rh_fail_add(struct rh_world *w, int i, const char *addr, int err);

/* The harness's own one-shot callback at now + ms (a test's event). */
void rh_at(struct rh_world *w, uint64_t ms, void (*fn)(void *arg), void *arg);

/* An address from the test's own text (a bad one fails the test). */
struct ip_addr rh_ip(const char *text);

/* ---- the Active-Active lab most scenarios run on ----
 * Node A (192.0.2.11) prefers the master slot: RH_AA_GW4 (VIP
 * RH_AA_VIP4) and RH_AA_GW6 (RH_AA_VIP6); node B (192.0.2.12) the backup
 * slot: RH_AA_BK4 (RH_AA_VIPB). Method gw, priorities 200/100, VRRPv3
 * unicast at 100 ms. */
#define RH_AA_GW4  "eth0/master/ipv4/gw"
#define RH_AA_GW6  "eth0/master/ipv6/gw"
#define RH_AA_BK4  "eth0/backup/ipv4/gw"
#define RH_AA_VIP4 "192.0.2.100"
#define RH_AA_VIP6 "2001:db8::100"
#define RH_AA_VIPB "192.0.2.200"
extern const struct rh_cfg rh_aa_cfg;
/* Both nodes started at once and settled (a second). */
void rh_aa_up(struct rh_world *w);
/* Every VIP on its preferred node, the client reaching it there. */
void rh_aa_assert_settled(struct rh_world *w);

#endif
