/* The VRRP instance runtime: what turns the pure state machine (fsm.h) and
 * codec (packet.h) into a router on the wire. It owns the raw sockets (one
 * per namespace, interface, family and mode, shared by the instances on
 * it and demultiplexed by VRID), the timers, the VIP add/remove and GARP/NA
 * bursts, all through its environment (runtime_env.h: libevent and the
 * kernel in production, a fake in the unit tests). Single-threaded:
 * everything runs on one event_base.
 *
 * An instance has two sides that may be two interfaces (vrrp.via): the
 * advert side, a raw socket on the interface whose communication pair
 * carries the adverts, and the VIP side (struct vrrp_rt_vside), the
 * interface that holds the VIPs and sends GARP/NA, shared by every
 * instance on it. Without vrrp.via both are the same interface.
 *
 * An instance is built from a spec (struct vrrp_inst_spec): a flat copy of
 * its entry in the node record (model/node_record.h), so that a reload can
 * compare the old and new specs and touch only the instances that
 * changed. The spec keeps the entry's index: the daemon reads the rest of
 * the record (checks, zones) through it. */
#ifndef VIPD_VRRP_RUNTIME_H
#define VIPD_VRRP_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "model/node_record.h"
#include "net/netns.h"
#include "vrrp/fsm.h"
#include "vrrp/packet.h"

struct event_base;
struct nl_sock;
struct vrrp_rt_env;
struct vrrp_rt_timer;

#define VRRP_RT_NAME_MAX   96
#define VRRP_RT_IFNAME_MAX 16
#define VRRP_RT_NETNS_MAX  64
#define VRRP_RT_REASON_MAX 128
/* at most one log line a second about adverts with another VIP set */
#define VRRP_RT_VIP_MISMATCH_LOG_MS 1000

enum vrrp_rt_log_level {
	VRRP_RT_LOG_ERR,
	VRRP_RT_LOG_WARN,
	VRRP_RT_LOG_INFO,
	VRRP_RT_LOG_DEBUG,
};

/* Everything an instance is made of, for this node. Owns vips. */
struct vrrp_inst_spec {
	/* Its names, never NULL once set (vrrp_inst_spec_set_names), each at
	 * most its VRRP_RT_*_MAX - 1 characters, all in `names`: one block of
	 * their exact size, owned like vips (a thousand instances' names were
	 * a fifth of their memory in buffers of the longest). */
	const char *name;	   /* "vlan100/master/ipv4/gw" */
	const char *ifname;	   /* holds the VIPs; GARP/NA go out here */
	const char *advert_ifname; /* the adverts' (vrrp.via), else ifname */
	const char *netns;	   /* of both; "" = the daemon's own */
	/* vrrp.virtual_mac (docs/vmac.md): the macvlan on ifname that holds
	 * the VIPs and sends GARP/NA and the master's adverts, and its MAC;
	 * "" without */
	const char *vmac_ifname;
	char *names;
	uint8_t vmac[6];
	enum vip_slot slot;
	enum ip_family family;
	enum vip_method method;
	uint8_t vrid;
	bool unicast;		   /* adverts to the peer; false: multicast group */
	bool packet_socket;	   /* the master's adverts as link-layer frames */
	struct vrrp_fsm_cfg fsm;   /* version, priority, interval, preempt, own address */
	struct ip_addr peer;	   /* the other node's communication-pair address */
	uint32_t garp_count;	   /* frames per VIP on takeover */
	uint32_t garp_interval_ms; /* between them */
	uint32_t garp_refresh_ms;  /* 0: no refresh while MASTER */
	struct ip_addr *vips;	   /* with prefix lengths, model order */
	size_t n_vips;
	/* Its entry in the node record in force (insts[]): not compared; a
	 * reload that keeps the instance gives it the new record's. */
	size_t record_index;
};

/* Sets the spec's names (NULL counts as ""), each cut to its maximum;
 * the block they were in, if any, is given back. 0 or -ENOMEM. */
int vrrp_inst_spec_set_names(struct vrrp_inst_spec *s, const char *name, const char *ifname,
			     const char *advert_ifname, const char *netns, const char *vmac_ifname);

struct vrrp_rt;
struct vrrp_rt_sock;
struct vrrp_rt_vside;
struct vrrp_inst;

/* An instance's last transition; its reason is the instance's
 * last_reason (the machine's words, or more). */
struct vrrp_rt_transition {
	enum vrrp_fsm_state from, to;
	enum vrrp_fsm_cause cause;
};

/* A live instance. Fields are readable for status output. Its reason
 * texts (the *_reason members) are never NULL: "" when there is none,
 * else a string of at most VRRP_RT_REASON_MAX - 1 characters
 * (last_reason: VRRP_RT_LAST_REASON_MAX - 1) that only the runtime sets
 * (rt_reason_set): an empty one costs a pointer, not a buffer (issue 16,
 * seven 128-byte buffers were a third of an instance). Counters of what
 * a packet can move are 64 bits wide, those of rare events (repairs,
 * errors, health changes) 32 bits, as the state machine's. */
#define VRRP_RT_LAST_REASON_MAX (VRRP_FSM_REASON_MAX + VRRP_RT_REASON_MAX)
struct vrrp_inst {
	struct vrrp_rt *rt;
	struct vrrp_inst_spec spec;
	struct vrrp_fsm_cfg cfg; /* spec.fsm, with the IPv6 link-local source when multicast */
	struct vrrp_fsm fsm;
	struct vrrp_rt_sock *sock;			    /* advert side; NULL while not usable */
	struct vrrp_rt_vside *vside;			    /* VIP side; NULL while not usable */
	struct vrrp_rt_timer *timers[VRRP_FSM_TIMER_COUNT]; /* NULL until first armed */
	/* when the master-down timer, armed, fires (runtime clock); 0: not
	 * armed (arm_fsm_timer lets it stand for a few adverts) */
	uint64_t master_down_due_ms;
	struct vrrp_rt_timer *garp_timer;  /* next GARP/NA round; NULL until first due */
	struct vrrp_rt_timer *retry_timer; /* re-open the socket after an error */
	struct vrrp_rt_timer *hold_timer;  /* judge, then retry, a VIP it cannot hold */
	uint32_t garp_left;		   /* rounds left in the current burst */
	bool vips_held;			   /* ADD_VIPS done, REMOVE_VIPS not yet */
	/* Per spec.vips[i]: held, but not in the kernel (its add failed).
	 * The kernel holds VIP i when vips_held && !vip_missing[i] and no
	 * operation on it waits (vip_op[i] == VRRP_VIP_OP_NONE). */
	bool *vip_missing;
	/* Its VIP additions and removals waiting in the runtime's queue
	 * (runtime_vips.c, vrrp_rt.vipq): per spec.vips[i] the one that
	 * waits (enum vrrp_vip_op), how many wait, where the drain goes on,
	 * its place in the queue; and what waits for them: an advert (its
	 * priority) and a GARP/NA start or round (docs/vrrp.md, "VIP queue") */
	uint8_t *vip_op;
	uint32_t vip_ops;
	uint32_t vip_cursor;
	struct vrrp_inst *vipq_next, *vipq_prev;
	bool vipq_linked;
	bool advert_owed;
	uint8_t advert_owed_prio;
	uint8_t garp_owed;   /* 0, 1: one round, 2: the full start */
	bool vmac_check_due; /* its virtual MAC link changed while they waited */
	/* "cannot hold VIP x: <error>" while a VIP could not be added: the
	 * instance is unhealthy with this reason and retries every second;
	 * "" when every VIP can be held. */
	const char *hold_reason;
	struct ip_addr hold_vip; /* the VIP the retry tries */
	bool hold_tried;	 /* judged once: the hold timer retries now */
	bool hold_due;		 /* a VIP just failed: judge it (rt_inst_hold_check) */
	/* What the daemon's checks last said (vrrp_inst_set_healthy); the
	 * instance is healthy when they say so and hold_reason is "". */
	bool checks_healthy, checks_pending;
	const char *checks_reason;
	/* What the weighted checks last said (vrrp_inst_set_weight) */
	const char *weight_reason;
	uint32_t weight_changes;
	bool started; /* STARTUP delivered */
	const char *health_reason;
	const char *link_reason;	/* the advert interface's last word */
	uint32_t health_changes;	/* healthy <-> unhealthy, as fed to the machine */
	int64_t health_changed_wall_ms; /* CLOCK_REALTIME of the last; 0: never */
	const char *wait_reason;	/* why it is not running, "" if it is */
	bool has_transition;
	struct vrrp_rt_transition last;
	int64_t last_transition_wall_ms; /* CLOCK_REALTIME */
	uint64_t *drops;		 /* [VRRP_DROP__COUNT]; NULL until the first drop */
	uint64_t garp_sent;
	uint32_t garp_errors; /* GARP/NA frames the kernel refused */
	/* Its GARP/NA frames waiting in the runtime's queue (runtime_garp.c,
	 * vrrp_rt.garp): per spec.vips[i] how many (NULL until the first),
	 * their sum, where the drain goes on, its place in the queue, and
	 * the first error of the frames sent since the queue last took it */
	uint16_t *garp_pending;
	uint32_t garp_queued;
	uint32_t garp_cursor;
	struct vrrp_inst *garp_next, *garp_prev;
	int garp_batch_err;
	uint32_t vip_errors;
	uint32_t vip_repairs; /* VIPs someone else removed, re-added */
	/* its virtual MAC link changed by someone else (set down or up,
	 * deleted) and put back as the instance wants it */
	uint32_t vmac_repairs;
	/* The last repair, for VRRP_RT_EV_VIP_REPAIR: the VIP and 0 or the
	 * add's -errno. */
	struct ip_addr last_repair;
	int last_repair_err;
	uint64_t send_errors;
	uint64_t adverts_as_frames; /* sent through the packet socket (vrrp.packet_socket) */
	/* the IP path until then: a lower master was heard (runtime_io.c) */
	uint64_t frames_paused_until_ms;
	bool send_failing; /* last send failed: logged once until it works again */
	bool garp_failing;
	bool ttl_warned; /* the peer's hop limit was wrong once: said so */
	/* adverts with another VIP set: logged (runtime_io.c), for which
	 * sender and set (a hash), when */
	bool vip_mismatch_logged;
	uint32_t vip_mismatch_hash;
	uint64_t vip_mismatch_ms;
	uint64_t vip_set_differs; /* adverts accepted with a partly different VIP set */
	size_t n_advert_addrs;	  /* VIPs that fit in an advert (see docs/vrrp.md) */
	/* The last transition's reason as logged and shown: the machine's,
	 * or for a health resignation "unhealthy: " and the health reason. */
	const char *last_reason;
	/* Whoever set vrrp_rt.hooks (the daemon's health checks) keeps its
	 * binding of this instance here; the runtime never reads it. */
	void *hook_data;
};

/* One raw socket on an advert interface; instances on it are found by VRID. */
struct vrrp_rt_sock_vrid {
	uint8_t vrid;
	struct vrrp_inst *inst;
};

struct vrrp_rt_sock {
	struct vrrp_rt *rt;
	char netns[VRRP_RT_NETNS_MAX]; /* "" = the daemon's own */
	char ifname[VRRP_RT_IFNAME_MAX];
	enum ip_family family;
	bool multicast;
	int ifindex;
	struct ip_addr link_local; /* IPv6: fe80:: source of multicast adverts */
	bool has_link_local;
	void *io; /* the environment's (runtime_env.h): fd and read event */
	/* Its instances, by VRID (vrrp_rt_sock_inst): a few per interface, so
	 * a short sorted array, not a table of 256 per interface. */
	struct vrrp_rt_sock_vrid *vrids;
	size_t n_vrids;
	/* How long the environment may let adverts for this socket wait while
	 * they come faster than one per this time (runtime_env.c, "Receive
	 * windows"): 1/20 of its fastest instance's interval, 1-5 ms. */
	uint32_t rx_window_ms;
	/* Takes a valid advert for vrids[] up to its instance (rt_inst_step,
	 * given at attach: the receive path is a layer below the step). */
	void (*on_advert)(struct vrrp_inst *inst, const struct vrrp_fsm_event *ev);
	/* An advert the environment queued (sock_send returned 0) that the
	 * kernel then refused: buf[0..len) as sock_send took it. */
	void (*on_send_failed)(struct vrrp_rt_sock *s, const uint8_t *buf, size_t len, int err);
	/* [VRRP_DROP__COUNT], not attributable to an instance; NULL until
	 * the first (vrrp_sock_drops) */
	uint64_t *drops;
	/* Packets the kernel dropped for the socket before we read them
	 * (receive buffer full, refused by an IPsec policy): its SO_RXQ_OVFL
	 * count, as of the last packet received, and that count's last value. */
	uint64_t kernel_drops;
	uint32_t kernel_drops_seen;
	int refs;
};

/* What vrrp_rt.on_event reports. */
enum vrrp_rt_event {
	VRRP_RT_EV_TRANSITION, /* inst->last holds it; called after it was logged */
	VRRP_RT_EV_HEALTHY,    /* health is changing to good / bad, inst->health_reason */
	VRRP_RT_EV_UNHEALTHY,  /*   says why; called before the state machine sees it */
	VRRP_RT_EV_VIP_REPAIR, /* a held VIP was removed by someone else and re-added
				* (or could not be): inst->last_repair, last_repair_err */
};

/* The VIP side of an interface, shared by every instance whose VIPs live on
 * it (both families): where VIPs are added and GARP/NA frames leave. */
struct vrrp_rt_vside {
	struct vrrp_rt *rt;
	char netns[VRRP_RT_NETNS_MAX]; /* "" = the daemon's own */
	char ifname[VRRP_RT_IFNAME_MAX];
	int ifindex;		   /* VIPs are added here */
	uint8_t mac[6];		   /* GARP/NA sender */
	struct ip_addr link_local; /* source of NAs; looked up again while missing */
	bool has_link_local;
	void *io; /* the environment's: an AF_PACKET socket, send only */
	int refs;
	/* Virtual MAC (docs/vmac.md): ifname is the instance's own macvlan on
	 * parent with MAC vmac for family's adverts ("" parent: an ordinary
	 * interface). Up only while its instance holds the VIPs: a down link
	 * sends nothing (no DAD, MLD, RS, ARP replies). */
	char parent[VRRP_RT_IFNAME_MAX];
	uint8_t vmac[6];
	enum ip_family family;
	bool up;
};

/* Calls out of the runtime, for the daemon's health checks. Optional. */
struct vrrp_rt_hooks {
	void *arg;
	/* A new instance, before it starts: bind it to its checks and tell
	 * it its health (vrrp_inst_set_healthy) so that it starts right. */
	void (*inst_start)(void *arg, struct vrrp_inst *inst);
	/* An instance about to be freed: drop inst->hook_data. */
	void (*inst_free)(void *arg, struct vrrp_inst *inst);
	/* An advert could not be sent (err: a negative errno): the daemon may
	 * ask whether the advert interface is still up; the kernel can tell
	 * a lost carrier up to 1 s late. */
	void (*send_failed)(void *arg, struct vrrp_inst *inst, int err);
};

struct vrrp_rt_sys;
/* GARP/NA frames sent per drain pass of the queue (runtime_garp.c) */
#define VRRP_RT_GARP_BURST 64

/* The runtime's GARP/NA queue: rounds are queued here and sent at most
 * VRRP_RT_GARP_BURST frames per loop pass, from a 0 ms timer, so that a
 * takeover of thousands of instances does not hold adverts and received
 * packets back (docs/vrrp.md, "GARP and NA"). Instances with frames
 * waiting, first queued first; figures readable for status. */
struct vrrp_rt_garp_queue {
	struct vrrp_inst *head, *tail;
	struct vrrp_rt_timer *timer; /* the drain; armed while frames wait */
	bool armed;
	uint64_t depth;	    /* frames waiting now */
	uint64_t max_depth; /* the most that ever waited at once */
	uint64_t deferred;  /* frames queued behind at least a full burst */
	uint64_t stale;	    /* dropped: instance not master or VIP gone by their turn */
	uint64_t passes;    /* drain passes that sent something */
};

/* An operation on one VIP waiting in the VIP queue. */
enum vrrp_vip_op {
	VRRP_VIP_OP_NONE,
	VRRP_VIP_OP_ADD,
	VRRP_VIP_OP_DEL,
};

/* VIP work per loop pass (runtime_vips.c): a pass adds or removes VIPs
 * while less than this has gone by since its first one, at least one.
 * With thousands of addresses on an interface one removal costs the
 * kernel a walk of its routing table (a millisecond or more), and a mass
 * takeover would otherwise hold the loop for seconds. */
#define VRRP_RT_VIP_BUDGET_MS 4

/* The runtime's VIP queue: instances with additions or removals waiting,
 * first queued first, drained by a 0 ms timer within VRRP_RT_VIP_BUDGET_MS
 * a pass (the first pass is the caller's own: a single takeover adds its
 * VIPs at once). Figures readable for status. */
struct vrrp_rt_vip_queue {
	struct vrrp_inst *head, *tail;
	struct vrrp_rt_timer *timer; /* armed while this pass did VIP work */
	bool in_pass;		     /* the timer is armed: pass_start_ms holds */
	uint64_t pass_start_ms;
	/* an instance whose queued work is done (runtime_inst.c's: judges a
	 * VIP that could not be added); NULL: none */
	void (*settled)(struct vrrp_inst *inst);
	/* a backup's virtual MAC link sent frames (runtime_inst.c's: asks
	 * the master to announce again); NULL: none */
	void (*mac_leaked)(struct vrrp_inst *inst);
	uint64_t depth;	    /* operations waiting now */
	uint64_t max_depth; /* the most that ever waited at once */
	uint64_t deferred;  /* pumps that left operations for a later pass */
	uint64_t cancelled; /* an add and a remove of one VIP that met in the queue */
	uint64_t passes;    /* passes that ran queued work */
};

struct vrrp_rt {
	struct event_base *base;
	/* Everything outside the process (runtime_env.h): clocks, timers,
	 * sockets, addresses. vrrp_rt_init sets the production one. */
	const struct vrrp_rt_env *env;
	void *env_ctx;
	struct vrrp_rt_hooks hooks;
	enum vrrp_rt_log_level log_level;
	/* where log lines go, without ever blocking (runtime_base.c) */
	struct vrrp_rt_log *log;
	bool drained;
	/* The daemon's event stream (vipctl events): called once per state
	 * transition and health change, from the step. It must not call back
	 * into the runtime. NULL: nobody listens. */
	void (*on_event)(void *arg, const struct vrrp_inst *inst, enum vrrp_rt_event what);
	void *on_event_arg;
	struct vrrp_inst **insts;
	size_t n_insts;
	struct vrrp_rt_sock **socks;
	size_t n_socks;
	struct vrrp_rt_vside **vsides;
	size_t n_vsides;
	struct net_ctx net; /* namespaces and their netlink sockets */
	/* the production environment's shared advert sockets (runtime_env.c);
	 * NULL under another environment or while no socket is open */
	struct vrrp_rt_sys *sys;
	/* the receive path's decoded advert: one per runtime (single-threaded),
	 * not one malloc per packet */
	struct vrrp_pkt *rx_pkt;
	/* and the advert being sent: no malloc per advert either */
	struct vrrp_pkt *tx_pkt;
	struct vrrp_rt_garp_queue garp;
	struct vrrp_rt_vip_queue vipq;
};

/* ---- lifecycle ---- */
int vrrp_rt_init(struct vrrp_rt *rt, struct event_base *base);
/* Frees everything without sending anything (call vrrp_rt_shutdown first). */
void vrrp_rt_done(struct vrrp_rt *rt);

/* The specs of the record's instances, one per entry, in its order. *out
 * is malloc'd; free with vrrp_rt_specs_free. 0 or -ENOMEM. */
int vrrp_rt_specs_from_record(const struct node_record *r, struct vrrp_inst_spec **out, size_t *n);
void vrrp_rt_specs_free(struct vrrp_inst_spec *specs, size_t n);

/* At start, before any instance joins, and for vipd --cleanup: in the
 * daemon's own namespace, in the specs' namespaces and in netns[0..n_netns)
 * (the namespaces vipd used before: the daemon keeps the list), removes
 * from every interface every address tagged VIPD_ADDR_PROTO_VIP, and from
 * the specs' interfaces every address equal to one of their VIPs. A kernel
 * without the tags (Linux < 6.1) leaves only the latter to find: logged.
 * Logs each removal; returns how many. */
int vrrp_rt_remove_leftovers(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n,
			     const char *const *netns, size_t n_netns);

/* vipd --cleanup: deletes the virtual MAC links (docs/vmac.md) of the
 * specs that exist; returns how many. A daemon that starts adopts them
 * instead. */
int vrrp_rt_remove_vmac_links(struct vrrp_rt *rt, const struct vrrp_inst_spec *specs, size_t n);

/* Makes the running instances match specs (moves the VIP arrays it keeps
 * out of them; the caller still calls vrrp_rt_specs_free): unchanged instances are not
 * touched, removed ones shut down, new ones start, changed ones restart,
 * and instances whose VIP list alone changed update it in place. Used at
 * start too (everything is new). Logs a summary line. */
void vrrp_rt_apply(struct vrrp_rt *rt, struct vrrp_inst_spec *specs, size_t n);

/* SHUTDOWN every instance: masters send priority 0 and remove their VIPs. */
void vrrp_rt_shutdown(struct vrrp_rt *rt);

/* Drain: every instance advertises priority 1, masters resign. */
void vrrp_rt_set_drained(struct vrrp_rt *rt, bool drained);

/* The health entry point for checks (link, gateway): feeds HEALTH_CHANGED
 * into the state machine when the value changes. pending: healthy, but a
 * signal has not been confirmed by fresh samples yet (the instance does not
 * preempt meanwhile). reason is shown in status. */
void vrrp_inst_set_healthy(struct vrrp_inst *inst, bool healthy, bool pending, const char *reason);
/* The tracked checks' weight (vrrp.track with a weight): delta is the sum
 * of the weights of those failing now; it moves the advertised priority
 * (vrrp_fsm_priority_for) without making the instance unhealthy. reason
 * ("web failing: -120") is logged and shown in status. */
void vrrp_inst_set_weight(struct vrrp_inst *inst, int delta, const char *reason);
/* The advert interface's operational state (DESIGN 3): down puts the
 * instance in FAULT (no VRRP, no VIPs), up brings it back as BACKUP. */
void vrrp_inst_set_link(struct vrrp_inst *inst, bool up, const char *reason);
/* BFD lost the peer on this instance's advert path (src/daemon/bfd.c): a
 * BACKUP following a master takes over now (VRRP_FSM_EV_PEER_DOWN).
 * True when it did. */
bool vrrp_inst_peer_down(struct vrrp_inst *inst);

/* Every advert inst dropped, by reason (out[VRRP_DROP__COUNT]): the
 * receive filter's and the state machine's (interval, priority 255). */
void vrrp_inst_drops(const struct vrrp_inst *inst, uint64_t *out);
/* Every advert socket s dropped that no instance could be told of, by
 * reason (out[VRRP_DROP__COUNT]). */
void vrrp_sock_drops(const struct vrrp_rt_sock *s, uint64_t *out);

/* The link ifname of netns changed (the daemon's link watch: a
 * RTM_NEWLINK or RTM_DELLINK), NULL: some may have (messages lost). An
 * instance whose virtual MAC link it is asks the kernel how the link is
 * and puts it back as it wants it (docs/vmac.md, "Repairs"): holding its
 * VIPs, a link set down is raised, a deleted one made again, the VIPs
 * added again and, as master, announced once; a backup's link set up is
 * lowered, a deleted one made again (down). Its own changes find nothing
 * to do. Counted in vmac_repairs. */
void vrrp_rt_link_changed(struct vrrp_rt *rt, const char *netns, const char *ifname);

/* The kernel removed addr from ifindex in netns (the daemon's address
 * watch): an instance holding it there as a VIP checks its interface's
 * addresses and re-adds every VIP missing there at once, announcing each
 * when master (logged, counted in vip_repairs, VRRP_RT_EV_VIP_REPAIR); a
 * VIP it cannot re-add makes it resign (hold_reason). addr NULL: the
 * watch lost messages; every instance holding VIPs in netns checks. A
 * removal the runtime made itself finds nothing missing. */
void vrrp_rt_addr_removed(struct vrrp_rt *rt, const char *netns, int ifindex,
			  const struct ip_addr *addr);

/* How many of the VIPs inst holds the kernel has not (vip_missing). */
size_t vrrp_inst_vips_missing(const struct vrrp_inst *inst);
/* The instance's VIPs the kernel has now, as far as the runtime did it:
 * held and neither refused nor waiting to be added, or not held and
 * waiting to be removed (the VIP queue, docs/vrrp.md). */
size_t vrrp_inst_vips_in_kernel(const struct vrrp_inst *inst);

/* ---- helpers shared with the daemon ---- */
uint64_t vrrp_rt_now_ms(void); /* CLOCK_MONOTONIC */
int64_t vrrp_rt_wall_ms(void); /* CLOCK_REALTIME */
__attribute__((format(printf, 3, 4))) void
vrrp_rt_log(const struct vrrp_rt *rt, enum vrrp_rt_log_level lvl, const char *fmt, ...);
void vrrp_rt_vlog(const struct vrrp_rt *rt, enum vrrp_rt_log_level lvl, const char *fmt,
		  va_list ap);
/* Log to fd from now on (default: stderr, as it is). A pipe or socket is
 * made non-blocking: lines it cannot take now wait in a 256 KiB queue,
 * written when it can (the environment's log_watch, else before the next
 * line); lines that do not fit are dropped, and one line says how many
 * once writing works again. vrrp_rt_done puts fd's flags back. 0 or -errno. */
int vrrp_rt_log_to(struct vrrp_rt *rt, int fd);
/* Writes what waits in the log queue (fd became writable). */
void vrrp_rt_log_flush(struct vrrp_rt *rt);
__attribute__((format(printf, 3, 4))) void
vrrp_inst_log(const struct vrrp_inst *inst, enum vrrp_rt_log_level lvl, const char *fmt, ...);

#endif
