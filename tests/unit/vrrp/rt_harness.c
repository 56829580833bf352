/* The runtime harness (rt_harness.h): a fake environment (runtime_env.h)
 * for the real runtime of each node, one clock, one segment, one client. */
#include "rt_harness.h"
#include "rt_harness_internal.h"

#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan/live.h"
#include "vrrp/packet.h"
#include "vrrp/runtime_env.h"

#define RH_FRAME_MAX VRRP_SOCK_MAX_WIRE

struct vrrp_rt_timer {
	struct rh_world *w;
	struct rh_node *owner; /* NULL: the harness's own (rh_at), freed after it fires */
	vrrp_rt_timer_fn fn;
	void *arg;
	bool armed;
	uint64_t deadline_ms;
	uint64_t seq; /* ties: the earlier armed first */
};

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

/* ---- small things ---- */

#define GROW(arr, n, cap)                                                                          \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? 2 * (cap) : 16;                                            \
			(arr) = realloc((arr), (cap) * sizeof(*(arr)));                            \
			assert_non_null(arr);                                                      \
		}                                                                                  \
	} while (0)

struct ip_addr rh_ip(const char *text)
{
	struct ip_addr a;
	const char *why = NULL;

	if (ip_parse(text, strchr(text, '/') != NULL, &a, &why) < 0)
		fail_msg("bad address %s in the test: %s", text, why ? why : "?");
	return a;
}

static struct ip_addr own_addr(int node, enum ip_family fam)
{
	char text[32];

	if (fam == IP_V4)
		snprintf(text, sizeof(text), "192.0.2.%d", 11 + node);
	else
		snprintf(text, sizeof(text), "2001:db8::%d", 11 + node);
	return rh_ip(text);
}

static uint32_t rnd(struct rh_world *w)
{
	w->rng = w->rng * 1103515245u + 12345u;
	return (w->rng >> 16) % 100;
}

/* ---- the environment: clocks and timers ---- */

static uint64_t env_now_ms(void *ctx)
{
	return ((struct rh_node *)ctx)->w->now_ms;
}

/* A fixed wall clock offset: logs show the fake time as 2026-01-01. */
static int64_t env_wall_ms(void *ctx)
{
	return 1767225600000LL + (int64_t)((struct rh_node *)ctx)->w->now_ms;
}

static struct vrrp_rt_timer *timer_new(struct rh_world *w, struct rh_node *owner,
				       vrrp_rt_timer_fn fn, void *arg)
{
	struct vrrp_rt_timer *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->w = w;
	t->owner = owner;
	t->fn = fn;
	t->arg = arg;
	GROW(w->timers, w->n_timers, w->cap_timers);
	w->timers[w->n_timers++] = t;
	if (owner)
		owner->open_timers++;
	return t;
}

static struct vrrp_rt_timer *env_timer_new(void *ctx, vrrp_rt_timer_fn fn, void *arg)
{
	struct rh_node *n = ctx;

	return timer_new(n->w, n, fn, arg);
}

static void env_timer_arm(void *ctx, struct vrrp_rt_timer *t, uint32_t delay_ms)
{
	if (ctx)
		((struct rh_node *)ctx)->timer_arms++;
	t->armed = true;
	t->deadline_ms = t->w->now_ms + delay_ms;
	t->seq = ++t->w->seq;
}

static void env_timer_cancel(void *ctx, struct vrrp_rt_timer *t)
{
	(void)ctx;
	if (t)
		t->armed = false;
}

static void timer_free(struct vrrp_rt_timer *t)
{
	struct rh_world *w = t->w;

	for (size_t i = 0; i < w->n_timers; i++)
		if (w->timers[i] == t) {
			w->timers[i] = w->timers[--w->n_timers];
			break;
		}
	if (t->owner)
		t->owner->open_timers--;
	free(t);
}

static void env_timer_free(void *ctx, struct vrrp_rt_timer *t)
{
	(void)ctx;
	if (t)
		timer_free(t);
}

void rh_at(struct rh_world *w, uint64_t ms, void (*fn)(void *arg), void *arg)
{
	struct vrrp_rt_timer *t = timer_new(w, NULL, fn, arg);

	env_timer_arm(NULL, t, (uint32_t)ms);
}

/* ---- the environment: the wire ---- */

static int env_sock_open(void *ctx, struct vrrp_rt_sock *s, vrrp_rt_rx_fn rx)
{
	struct rh_node *n = ctx;
	struct rh_sock *fs;
	int ifindex = *s->netns ? -ENODEV : rh_env_ifindex(n, "", s->ifname);

	/* eth0, or another interface of the own namespace (rh_add_iface):
	 * each is a segment of its own on the wire */
	if (ifindex < 0 || rh_vmac_by_ifindex(n, ifindex))
		return -ENODEV;
	fs = calloc(1, sizeof(*fs));
	assert_non_null(fs);
	fs->rx = rx;
	s->io = fs;
	s->ifindex = ifindex;
	n->open_socks++;
	return 0;
}

static void env_sock_close(void *ctx, struct vrrp_rt_sock *s)
{
	struct rh_node *n = ctx;

	free(s->io);
	s->io = NULL;
	n->open_socks--;
}

static void record_advert(struct rh_world *w, struct rh_node *n, struct rh_frame *f)
{
	struct vrrp_pkt *p = calloc(1, sizeof(*p));
	struct ip_addr src, dst;
	enum vrrp_drop_reason why;
	uint8_t ttl;
	int rc;

	assert_non_null(p);
	if (f->family == IP_V4)
		rc = vrrp_pkt_parse_ipv4(f->buf, f->len, &src, &dst, &ttl, p, &why);
	else
		rc = vrrp_pkt_parse(f->buf, f->len, IP_V6, &f->src, &f->dst, p, &why);
	assert_int_equal(rc, 0); /* the runtime sends only what its codec reads back */
	GROW(w->adverts, w->n_adverts, w->cap_adverts);
	w->adverts[w->n_adverts] = (struct rh_advert){
	    .at_ms = w->now_ms, .node = n->id, .vrid = p->vrid, .priority = p->priority};
	f->advert = w->n_adverts++;
	free(p);
}

bool rh_forwards(const struct rh_node *n)
{
	return n->carrier && n->w->now_ms >= n->forward_from_ms;
}

int rh_wire_send(struct rh_node *n, enum ip_family fam, const char *ifname,
		 const struct ip_addr *src, const struct ip_addr *dst, const uint8_t *buf,
		 size_t len, const uint8_t mac[6])
{
	struct rh_world *w = n->w;
	struct rh_frame f = {0};

	snprintf(f.ifname, sizeof(f.ifname), "%s", ifname);
	assert_true(len <= sizeof(f.buf));
	if (!n->carrier) {
		n->sends_refused++;
		return -ENOBUFS; /* what the kernel says on a port without carrier */
	}
	f.from = n->id;
	f.family = fam;
	f.src = *src;
	f.dst = *dst;
	memcpy(f.buf, buf, len);
	f.len = len;
	record_advert(w, n, &f);
	memcpy(w->adverts[f.advert].mac, mac, 6);
	if (!rh_forwards(n) || (n->loss_pct && rnd(w) < n->loss_pct))
		return 0; /* gone on the wire, silently */
	f.at_ms = w->now_ms + n->delay_ms;
	f.seq = ++w->seq;
	GROW(w->frames, w->n_frames, w->cap_frames);
	w->frames[w->n_frames++] = f;
	return 0;
}

void rh_wire_kernel_frame(struct rh_node *n, const uint8_t mac[6])
{
	struct rh_world *w = n->w;
	struct rh_frame f = {.from = n->id, .advert = RH_NO_ADVERT, .kernel = true};

	if (!rh_forwards(n))
		return;
	memcpy(f.mac, mac, 6);
	f.at_ms = w->now_ms + n->delay_ms;
	f.seq = ++w->seq;
	GROW(w->frames, w->n_frames, w->cap_frames);
	w->frames[w->n_frames++] = f;
}

static int env_sock_send(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *src,
			 const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	struct rh_node *n = ctx;

	return rh_wire_send(n, s->family, s->ifname, src, dst, buf, len, n->mac);
}

/* The socket of node n that takes frame f, if any: same family, the
 * group joined for a multicast frame, else addressed to one of its
 * instances. */
static struct vrrp_rt_sock *receiver(struct rh_node *n, const struct rh_frame *f)
{
	bool group = ip_is_multicast(&f->dst);

	for (size_t k = 0; k < n->rt.n_socks; k++) {
		struct vrrp_rt_sock *s = n->rt.socks[k];

		if (!s->io || s->family != f->family || s->multicast != group ||
		    strcmp(s->ifname, f->ifname) != 0)
			continue;
		if (group)
			return s;
		for (size_t v = 0; v < s->n_vrids; v++)
			if (ip_equal(&s->vrids[v].inst->cfg.own_addr, &f->dst))
				return s;
	}
	return NULL;
}

static void deliver_frame(struct rh_world *w, const struct rh_frame *f)
{
	for (int j = 0; j < w->n_nodes; j++) {
		struct rh_node *n = &w->nodes[j];
		struct vrrp_rt_sock *s;
		struct vrrp_sock_rx rx = {.hop_limit = -1};

		if (j == f->from || !n->running || !rh_forwards(n) || (w->split && f->from >= 0))
			continue;
		s = receiver(n, f);
		if (!s)
			continue;
		if (f->family == IP_V6) {
			rx.src = f->src;
			rx.dst = f->dst;
			rx.hop_limit = VRRP_SOCK_HOP_LIMIT;
		}
		rx.kernel_drops = n->kernel_drops;
		rx.has_kernel_drops = n->kernel_drops != 0;
		if (f->advert != RH_NO_ADVERT)
			w->adverts[f->advert].delivered = true;
		((struct rh_sock *)s->io)->rx(s, f->buf, f->len, &rx);
	}
}

void rh_spoof(struct rh_world *w, const struct rh_spoof *sp)
{
	struct vrrp_pkt *p = calloc(1, sizeof(*p));
	struct rh_frame f = {
	    .from = -1, .advert = RH_NO_ADVERT, .family = sp->family, .ifname = RH_IFNAME};
	int len;

	assert_non_null(p);
	p->version = sp->version ? sp->version : 3;
	p->type = VRRP_PKT_TYPE_ADVERT;
	p->vrid = sp->vrid;
	p->priority = sp->priority;
	p->max_adver_int_cs = (uint16_t)(sp->interval_ms / 10);
	p->adver_int_s = (uint8_t)(sp->interval_ms / 1000);
	p->family = (uint8_t)sp->family;
	for (size_t k = 0; k < RH_MAX_VIPS && sp->vips[k]; k++)
		p->addrs[p->n_addrs++] = rh_ip(sp->vips[k]);
	f.src = rh_ip(sp->src);
	if (sp->to >= 0)
		f.dst = own_addr(sp->to, sp->family);
	else
		f.dst = rh_ip(sp->family == IP_V4 ? "224.0.0.18" : "ff02::12");
	if (sp->family == IP_V4)
		len = vrrp_pkt_build_ipv4(p, &f.src, &f.dst, f.buf, sizeof(f.buf));
	else
		len = vrrp_pkt_build(p, &f.src, &f.dst, f.buf, sizeof(f.buf));
	free(p);
	assert_true(len > 0);
	f.len = (size_t)len;
	f.at_ms = w->now_ms;
	f.seq = ++w->seq;
	GROW(w->frames, w->n_frames, w->cap_frames);
	w->frames[w->n_frames++] = f;
}

/* ---- the environment: the VIP side, the client ---- */

static int env_vside_open(void *ctx, struct vrrp_rt_vside *v)
{
	struct rh_node *n = ctx;

	if (v->parent[0])
		return rh_env_vmac_open(n, v);
	if (strcmp(v->ifname, RH_IFNAME) != 0 || *v->netns || n->iface_missing)
		return -ENODEV;
	v->ifindex = RH_IFINDEX;
	memcpy(v->mac, n->mac, 6);
	v->io = n;
	n->open_vsides++;
	return 0;
}

static void env_vside_close(void *ctx, struct vrrp_rt_vside *v)
{
	struct rh_node *n = ctx;

	v->io = NULL;
	n->open_vsides--;
}

struct rh_neigh *rh_neigh_find(struct rh_world *w, const struct ip_addr *vip)
{
	for (size_t i = 0; i < w->n_neigh; i++)
		if (ip_equal(&w->neigh[i].vip, vip))
			return &w->neigh[i];
	return NULL;
}

void rh_neigh_learn(struct rh_world *w, const struct ip_addr *vip, const uint8_t mac[6])
{
	struct rh_neigh *e = rh_neigh_find(w, vip);

	if (!e) {
		GROW(w->neigh, w->n_neigh, w->cap_neigh);
		e = &w->neigh[w->n_neigh++];
		e->vip = *vip;
	}
	memcpy(e->mac, mac, 6);
	e->learnt_ms = w->now_ms;
}

static int env_garp_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *vip,
			 const struct ip_addr *src)
{
	struct rh_node *n = ctx;
	struct rh_world *w = n->w;

	assert_true(v->io == n);
	/* an NA comes from the link-local address (the harness gives one) */
	if (vip->family == IP_V6)
		assert_true(src && ip_is_link_local(src));
	else
		assert_null(src);
	if (v->parent[0] && !rh_vmac_by_name(n, v->ifname)->up) {
		n->vmac_down_sends++;
		return -ENETDOWN; /* a down link sends nothing */
	}
	if (!n->carrier) {
		n->sends_refused++;
		return -ENOBUFS;
	}
	GROW(w->garps, w->n_garps, w->cap_garps);
	w->garps[w->n_garps] = (struct rh_garp){.at_ms = w->now_ms,
						.pass = w->pass,
						.node = n->id,
						.vip = *vip,
						.delivered = rh_forwards(n)};
	if (rh_forwards(n)) {
		rh_neigh_learn(w, vip, v->mac);
		if (v->parent[0])
			rh_switch_learn(w, n->id, v->mac);
	}
	w->n_garps++;
	/* the frame's cost: time passes while the loop sends */
	if (w->garp_frames_per_ms && ++w->garp_frames_this_ms >= w->garp_frames_per_ms) {
		w->garp_frames_this_ms = 0;
		w->now_ms++;
	}
	return 0;
}

/* ---- the environment: addresses ---- */

static const struct rh_iface *iface_by_name(const struct rh_node *n, const char *netns,
					    const char *ifname)
{
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i].netns, netns) == 0 &&
		    strcmp(n->ifaces[i].ifname, ifname) == 0)
			return &n->ifaces[i];
	return NULL;
}

static bool node_has_netns(const struct rh_node *n, const char *netns)
{
	if (!*netns)
		return true;
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i].netns, netns) == 0)
			return true;
	return false;
}

int rh_env_ifindex(void *ctx, const char *netns, const char *ifname)
{
	const struct rh_node *n = ctx;
	const struct rh_iface *f;
	const struct rh_vmac *vm = *netns ? NULL : rh_vmac_by_name((struct rh_node *)n, ifname);

	if (strcmp(ifname, RH_IFNAME) == 0 && !*netns)
		return n->iface_missing ? -ENODEV : RH_IFINDEX;
	if (vm)
		return vm->ifindex;
	f = iface_by_name(n, netns, ifname);
	return f ? f->ifindex : -ENODEV;
}

static int env_ifname(void *ctx, const char *netns, int ifindex, char *buf)
{
	const struct rh_node *n = ctx;
	const struct rh_vmac *vm = *netns ? NULL : rh_vmac_by_ifindex((struct rh_node *)n, ifindex);

	if (!*netns && ifindex == RH_IFINDEX) {
		snprintf(buf, IF_NAMESIZE, "%s", RH_IFNAME);
		return 0;
	}
	if (vm) {
		snprintf(buf, IF_NAMESIZE, "%s", vm->name);
		return 0;
	}
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i].netns, netns) == 0 && n->ifaces[i].ifindex == ifindex) {
			snprintf(buf, IF_NAMESIZE, "%s", n->ifaces[i].ifname);
			return 0;
		}
	return -ENODEV;
}

static bool env_addr_tags(void *ctx)
{
	const struct rh_node *n = ctx;

	return !n->no_addr_tags;
}

struct rh_addr *rh_addr_find(struct rh_node *n, const char *netns, int ifindex,
			     const struct ip_addr *a)
{
	for (size_t i = 0; i < n->n_addrs; i++)
		if (strcmp(n->addrs[i].netns, netns) == 0 && n->addrs[i].ifindex == ifindex &&
		    ip_equal(&n->addrs[i].addr, a))
			return &n->addrs[i];
	return NULL;
}

struct rh_addr *rh_addr_new(struct rh_node *n)
{
	GROW(n->addrs, n->n_addrs, n->cap_addrs);
	return &n->addrs[n->n_addrs++];
}

static void addr_put(struct rh_node *n, const char *netns, int ifindex, const struct ip_addr *a,
		     uint8_t proto)
{
	struct rh_addr *e = rh_addr_find(n, netns, ifindex, a);

	if (!e)
		e = rh_addr_new(n);
	*e = (struct rh_addr){.ifindex = ifindex, .addr = *a, .proto = proto};
	snprintf(e->netns, sizeof(e->netns), "%s", netns);
}

/* An address added or removed: counted per pass, and its cost in time. */
static void vip_op_cost(struct rh_node *n)
{
	struct rh_world *w = n->w;

	n->vip_ops++;
	if (n->vip_ops_pass != w->pass) {
		n->vip_ops_pass = w->pass;
		n->vip_ops_this_pass = 0;
	}
	if (++n->vip_ops_this_pass > n->vip_ops_max_per_pass)
		n->vip_ops_max_per_pass = n->vip_ops_this_pass;
	w->now_ms += w->vip_op_ms;
}

static int env_addr_add(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	struct rh_node *n = ctx;

	vip_op_cost(n);
	if (n->add_refused_err && ip_equal(&n->add_refused, vip))
		return n->add_refused_err;
	addr_put(n, netns, ifindex, vip, n->no_addr_tags ? 0 : VIPD_ADDR_PROTO_VIP);
	return 0;
}

static int env_addr_del(void *ctx, const char *netns, int ifindex, const struct ip_addr *vip)
{
	struct rh_node *n = ctx;
	struct rh_addr *e = rh_addr_find(n, netns, ifindex, vip);

	vip_op_cost(n);
	if (e) {
		*e = n->addrs[--n->n_addrs];
		if (!*netns)
			rh_vmac_addr_removed(n, ifindex, vip);
	}
	return 0; /* already gone is success */
}

/* ifindex 0: every interface of netns. */
static int env_addr_list(void *ctx, const char *netns, int ifindex, struct vip_found **out,
			 size_t *count)
{
	struct rh_node *n = ctx;
	struct vip_found *f;
	size_t k = 0;

	if (!node_has_netns(n, netns))
		return -ENOENT;
	f = calloc(n->n_addrs + 1, sizeof(*f));
	assert_non_null(f);
	for (size_t i = 0; i < n->n_addrs; i++)
		if (strcmp(n->addrs[i].netns, netns) == 0 &&
		    (ifindex == 0 || n->addrs[i].ifindex == ifindex))
			f[k++] = (struct vip_found){.addr = n->addrs[i].addr,
						    .proto = n->addrs[i].proto,
						    .ifindex = n->addrs[i].ifindex};
	*out = f;
	*count = k;
	return 0;
}

static const struct vrrp_rt_env rh_env = {
    .now_ms = env_now_ms,
    .wall_ms = env_wall_ms,
    .timer_new = env_timer_new,
    .timer_arm = env_timer_arm,
    .timer_cancel = env_timer_cancel,
    .timer_free = env_timer_free,
    .sock_open = env_sock_open,
    .sock_send = env_sock_send,
    .sock_close = env_sock_close,
    .vside_open = env_vside_open,
    .vside_close = env_vside_close,
    .garp_send = env_garp_send,
    .vmac_set_up = rh_env_vmac_set_up,
    .vmac_state = rh_env_vmac_state,
    .vmac_delete = rh_env_vmac_delete,
    .vmac_send = rh_env_vmac_send,
    .vmac_list = rh_env_vmac_list,
    .ifindex = rh_env_ifindex,
    .addr_add = env_addr_add,
    .addr_del = env_addr_del,
    .addr_list = env_addr_list,
    .ifname = env_ifname,
    .addr_tags = env_addr_tags,
};

/* ---- the daemon's part: link watch, events ---- */

/* The link watch tells every instance what the carrier is now. */
static void tell_link(void *arg)
{
	struct rh_node *n = arg;

	if (!n->running || n->link_told_up == n->carrier)
		return;
	n->link_told_up = n->carrier;
	for (size_t i = 0; i < n->rt.n_insts; i++)
		vrrp_inst_set_link(n->rt.insts[i], n->carrier,
				   n->carrier ? "up" : "no carrier (operstate down)");
}

static void hook_inst_start(void *arg, struct vrrp_inst *inst)
{
	struct rh_node *n = arg;

	if (!n->link_told_up)
		vrrp_inst_set_link(inst, false, "no carrier (operstate down)");
}

/* health.c: a refused send asks the kernel again, which answers at once. */
static void hook_send_failed(void *arg, struct vrrp_inst *inst, int err)
{
	struct rh_node *n = arg;

	(void)inst;
	(void)err;
	if (n->recheck_on_send_fail)
		rh_at(n->w, 0, tell_link, n);
}

static void on_event(void *arg, const struct vrrp_inst *inst, enum vrrp_rt_event what)
{
	struct rh_node *n = arg;
	struct rh_world *w = n->w;
	struct rh_transition *t;

	if (what != VRRP_RT_EV_TRANSITION)
		return;
	GROW(w->trans, w->n_trans, w->cap_trans);
	t = &w->trans[w->n_trans++];
	*t = (struct rh_transition){.at_ms = w->now_ms,
				    .node = n->id,
				    .from = inst->last.from,
				    .to = inst->last.to,
				    .cause = inst->last.cause};
	snprintf(t->inst, sizeof(t->inst), "%s", inst->spec.name);
}

/* ---- the world ---- */

static enum vrrp_rt_log_level log_level_from_env(void)
{
	const char *v = getenv("RH_LOG");

	if (v && strcmp(v, "debug") == 0)
		return VRRP_RT_LOG_DEBUG;
	if (v && strcmp(v, "info") == 0)
		return VRRP_RT_LOG_INFO;
	return VRRP_RT_LOG_ERR;
}

/* The advert interfaces of the bulk (rh_cfg.n_bulk): bulk0, bulk1, ... */
static void bulk_ifaces(struct rh_world *w, int i)
{
	size_t n = (w->cfg.n_bulk + RH_BULK_PER_IFACE - 1) / RH_BULK_PER_IFACE;

	assert_true(w->cfg.n_bulk <= RH_MAX_BULK);
	for (size_t k = 0; k < n; k++) {
		char name[16];

		snprintf(name, sizeof(name), "bulk%u", (unsigned)(k % 100));
		rh_add_iface(w, i, "", name);
	}
}

void rh_world_init(struct rh_world *w, int n_nodes, const struct rh_cfg *cfg)
{
	assert_true(n_nodes >= 2 && n_nodes <= RH_MAX_NODES);
	memset(w, 0, sizeof(*w));
	w->n_nodes = n_nodes;
	w->cfg = *cfg;
	w->now_ms = 1000;
	w->rng = 1;
	w->log_level = log_level_from_env();
	for (int i = 0; i < n_nodes; i++) {
		struct rh_node *n = &w->nodes[i];
		struct ip_addr a;

		n->w = w;
		n->id = i;
		n->name[0] = (char)('A' + i);
		memcpy(n->mac, (uint8_t[6]){0x02, 0, 0, 0, 0, (uint8_t)(0xa0 + i)}, 6);
		n->carrier = true;
		n->link_told_up = true;
		n->recheck_on_send_fail = true;
		/* the node's own addresses, which no sweep may touch */
		a = own_addr(i, IP_V4);
		a.plen = 24;
		addr_put(n, "", RH_IFINDEX, &a, VIPD_ADDR_PROTO_NODE);
		a = own_addr(i, IP_V6);
		a.plen = 64;
		addr_put(n, "", RH_IFINDEX, &a, VIPD_ADDR_PROTO_NODE);
		a = rh_ip(i == 0 ? "fe80::a0" : i == 1 ? "fe80::a1" : "fe80::a2");
		a.plen = 64;
		addr_put(n, "", RH_IFINDEX, &a, 0);
		bulk_ifaces(w, i);
	}
}

void rh_world_done(struct rh_world *w)
{
	for (int i = 0; i < w->n_nodes; i++)
		if (w->nodes[i].running)
			rh_crash(w, i);
	for (int i = 0; i < w->n_nodes; i++) {
		assert_int_equal(w->nodes[i].open_timers, 0);
		assert_int_equal(w->nodes[i].open_socks, 0);
		assert_int_equal(w->nodes[i].open_vsides, 0);
		free(w->nodes[i].addrs);
	}
	while (w->n_timers)
		timer_free(w->timers[0]);
	free(w->timers);
	free(w->frames);
	free(w->garps);
	free(w->adverts);
	free(w->trans);
	free(w->neigh);
	memset(w, 0, sizeof(*w));
}

/* The method is the name's last part, as the model names instances. */
static enum vip_method method_of(const char *name)
{
	const char *last = strrchr(name, '/');

	for (int m = 0; last && m < METHOD_COUNT; m++)
		if (strcmp(last + 1, vip_method_name((enum vip_method)m)) == 0)
			return (enum vip_method)m;
	return METHOD_GW;
}

static void spec_fill(const struct rh_world *w, int node, const struct rh_inst_cfg *c,
		      struct vrrp_inst_spec *s)
{
	char vmac_ifname[VRRP_RT_IFNAME_MAX] = "";

	memset(s, 0, sizeof(*s));
	if (c->virtual_mac)
		snprintf(vmac_ifname, sizeof(vmac_ifname), "vm%c-%u-%s",
			 c->family == IP_V6 ? '6' : '4', c->vrid, RH_IFNAME);
	assert_int_equal(
	    vrrp_inst_spec_set_names(s, c->name, RH_IFNAME, RH_IFNAME, "", vmac_ifname), 0);
	s->slot = strstr(c->name, "/backup/") ? SLOT_BACKUP : SLOT_MASTER;
	s->family = c->family;
	s->method = method_of(c->name);
	s->vrid = c->vrid;
	s->unicast = !c->multicast;
	s->fsm.version = 3;
	s->fsm.priority = c->prio[node];
	s->fsm.advert_interval_ms = c->interval_ms ? c->interval_ms : 100;
	s->fsm.preempt = !c->no_preempt;
	s->fsm.preempt_delay_ms = c->preempt_delay_ms;
	s->fsm.own_addr = own_addr(node, c->family);
	s->fsm.single_peer = s->unicast;
	s->fsm.link_settle_ms = MODEL_LINK_SETTLE_MS; /* as runtime_spec.c */
	s->peer = own_addr(node == 0 ? 1 : 0, c->family);
	s->garp_count = w->cfg.garp_count ? w->cfg.garp_count : 3;
	s->garp_interval_ms = w->cfg.garp_interval_ms ? w->cfg.garp_interval_ms : 100;
	s->garp_refresh_ms = w->cfg.garp_refresh_ms;
	s->vips = calloc(RH_MAX_VIPS, sizeof(*s->vips));
	assert_non_null(s->vips);
	for (size_t k = 0; k < RH_MAX_VIPS && c->vips[k]; k++)
		s->vips[s->n_vips++] = rh_ip(c->vips[k]);
	if (c->virtual_mac)
		rh_vmac_of(c->vrid, c->family, s->vmac);
}

/* Bulk instance k (rh_cfg.n_bulk) on node i. */
static void bulk_fill(const struct rh_world *w, int i, size_t k, struct vrrp_inst_spec *s)
{
	char name[VRRP_RT_NAME_MAX], vip[64], text[48];
	struct rh_inst_cfg c = {.name = rh_bulk_name(k, name, sizeof(name)),
				.vrid = (uint8_t)(k % RH_BULK_PER_IFACE + 1),
				.family = IP_V6,
				.prio = {200, 100, 100},
				.interval_ms =
				    w->cfg.bulk_interval_ms ? w->cfg.bulk_interval_ms : 1000};

	snprintf(vip, sizeof(vip), "%s/64", rh_bulk_vip(k, text, sizeof(text)));
	c.vips[0] = vip;
	spec_fill(w, i, &c, s);
	snprintf(text, sizeof(text), "bulk%u", (unsigned)(k / RH_BULK_PER_IFACE % 100));
	assert_int_equal(
	    vrrp_inst_spec_set_names(s, s->name, s->ifname, text, s->netns, s->vmac_ifname), 0);
}

void rh_specs(const struct rh_world *w, int i, struct vrrp_inst_spec **out, size_t *n)
{
	size_t total = w->cfg.n_insts + w->cfg.n_bulk;
	struct vrrp_inst_spec *v = calloc(total + 1, sizeof(*v));

	assert_non_null(v);
	for (size_t k = 0; k < w->cfg.n_insts; k++)
		spec_fill(w, i, &w->cfg.insts[k], &v[k]);
	for (size_t k = 0; k < w->cfg.n_bulk; k++)
		bulk_fill(w, i, k, &v[w->cfg.n_insts + k]);
	*out = v;
	*n = total;
}

void rh_start(struct rh_world *w, int i)
{
	struct rh_node *n = &w->nodes[i];
	struct vrrp_inst_spec *specs;
	size_t count;

	assert_false(n->running);
	assert_int_equal(vrrp_rt_init_env(&n->rt, NULL, &rh_env, n), 0);
	n->running = true;
	n->rt.log_level = w->log_level;
	n->rt.hooks = (struct vrrp_rt_hooks){
	    .arg = n, .inst_start = hook_inst_start, .send_failed = hook_send_failed};
	n->rt.on_event = on_event;
	n->rt.on_event_arg = n;
	n->link_told_up = n->carrier; /* the link watch's first reading */
	rh_specs(w, i, &specs, &count);
	vrrp_rt_remove_leftovers(&n->rt, specs, count, n->old_netns, n->n_old_netns);
	vrrp_rt_apply(&n->rt, specs, count);
	vrrp_rt_specs_free(specs, count);
}

void rh_crash(struct rh_world *w, int i)
{
	struct rh_node *n = &w->nodes[i];

	assert_true(n->running);
	vrrp_rt_done(&n->rt);
	n->running = false;
}

void rh_stop(struct rh_world *w, int i)
{
	vrrp_rt_shutdown(&w->nodes[i].rt);
	rh_crash(w, i);
}

void rh_reload(struct rh_world *w, int i)
{
	struct vrrp_inst_spec *specs;
	size_t count;

	rh_specs(w, i, &specs, &count);
	vrrp_rt_apply(&w->nodes[i].rt, specs, count);
	vrrp_rt_specs_free(specs, count);
}

/* ---- time ---- */

/* The next timer due by at_ms, or NULL. */
static struct vrrp_rt_timer *next_timer(struct rh_world *w, uint64_t at_ms)
{
	struct vrrp_rt_timer *best = NULL;

	for (size_t i = 0; i < w->n_timers; i++) {
		struct vrrp_rt_timer *t = w->timers[i];

		if (!t->armed || t->deadline_ms > at_ms)
			continue;
		if (!best || t->deadline_ms < best->deadline_ms ||
		    (t->deadline_ms == best->deadline_ms && t->seq < best->seq))
			best = t;
	}
	return best;
}

static long next_frame(struct rh_world *w, uint64_t at_ms)
{
	long best = -1;

	for (size_t i = 0; i < w->n_frames; i++) {
		const struct rh_frame *f = &w->frames[i];

		if (f->at_ms > at_ms)
			continue;
		if (best < 0 || f->at_ms < w->frames[best].at_ms ||
		    (f->at_ms == w->frames[best].at_ms && f->seq < w->frames[best].seq))
			best = (long)i;
	}
	return best;
}

/* One thing due by at_ms, frames before timers of the same millisecond. */
static bool run_one(struct rh_world *w, uint64_t at_ms)
{
	long fi = next_frame(w, at_ms);
	struct vrrp_rt_timer *t = next_timer(w, at_ms);

	if (fi >= 0 && (!t || w->frames[fi].at_ms <= t->deadline_ms)) {
		struct rh_frame *f = malloc(sizeof(*f));

		assert_non_null(f);
		*f = w->frames[fi];
		w->frames[fi] = w->frames[--w->n_frames];
		w->pass++;
		/* late, if sending GARP/NA took the clock past it */
		if (f->at_ms > w->now_ms)
			w->now_ms = f->at_ms;
		if (f->kernel)
			rh_switch_learn(w, f->from, f->mac);
		else
			deliver_frame(w, f);
		free(f);
		return true;
	}
	if (!t)
		return false;
	w->pass++;
	if (t->deadline_ms > w->now_ms)
		w->now_ms = t->deadline_ms;
	t->armed = false;
	if (!t->owner) {
		vrrp_rt_timer_fn fn = t->fn;
		void *arg = t->arg;

		timer_free(t);
		fn(arg);
		return true;
	}
	t->fn(t->arg);
	return true;
}

void rh_run_until(struct rh_world *w, uint64_t at_ms)
{
	assert_true(at_ms >= w->now_ms);
	while (run_one(w, at_ms))
		;
	if (w->now_ms < at_ms) /* GARP/NA may have taken it further */
		w->now_ms = at_ms;
}

void rh_run(struct rh_world *w, uint64_t ms)
{
	rh_run_until(w, w->now_ms + ms);
}

struct rh_watch rh_run_watching(struct rh_world *w, uint64_t ms, const char *vip)
{
	struct rh_watch seen = {0};
	uint64_t end = w->now_ms + ms;

	while (w->now_ms < end) {
		int holders = 0;

		rh_run(w, 1);
		for (int i = 0; i < w->n_nodes; i++)
			holders += rh_holds(w, i, vip);
		seen.dark_ms += holders == 0;
		seen.double_ms += holders > 1;
	}
	return seen;
}

/* ---- faults and inputs ---- */

void rh_link(struct rh_world *w, int i, bool up, uint32_t settle_ms)
{
	struct rh_node *n = &w->nodes[i];

	n->carrier = up;
	if (up)
		n->forward_from_ms = w->now_ms + settle_ms;
	rh_at(w, n->link_notify_ms, tell_link, n);
}

void rh_health(struct rh_world *w, int i, bool healthy, bool pending, const char *reason)
{
	struct rh_node *n = &w->nodes[i];

	for (size_t k = 0; k < n->rt.n_insts; k++)
		vrrp_inst_set_healthy(n->rt.insts[k], healthy, pending, reason);
}

void rh_split(struct rh_world *w, bool split)
{
	w->split = split;
}

int rh_add_iface(struct rh_world *w, int i, const char *netns, const char *ifname)
{
	struct rh_node *n = &w->nodes[i];
	struct rh_iface *f;

	assert_true(n->n_ifaces < RH_MAX_IFACES);
	f = &n->ifaces[n->n_ifaces++];
	snprintf(f->netns, sizeof(f->netns), "%s", netns);
	snprintf(f->ifname, sizeof(f->ifname), "%s", ifname);
	f->ifindex = RH_IFINDEX + (int)n->n_ifaces;
	return f->ifindex;
}

void rh_add_addr_on(struct rh_world *w, int i, const char *netns, const char *ifname,
		    const char *addr, uint8_t proto)
{
	struct ip_addr a = rh_ip(addr);
	int ifindex = rh_env_ifindex(&w->nodes[i], netns, ifname);

	assert_true(ifindex > 0);
	addr_put(&w->nodes[i], netns, ifindex, &a, proto);
}

void rh_add_addr(struct rh_world *w, int i, const char *addr, uint8_t proto)
{
	struct ip_addr a = rh_ip(addr);

	addr_put(&w->nodes[i], "", RH_IFINDEX, &a, proto);
}

void rh_remove_addr(struct rh_world *w, int i, const char *addr)
{
	struct rh_node *n = &w->nodes[i];
	struct ip_addr a = rh_ip(addr);
	struct rh_addr *e = rh_addr_find(n, "", RH_IFINDEX, &a);

	if (e) {
		a = e->addr; /* the kernel reports the prefix length too */
		*e = n->addrs[--n->n_addrs];
	}
	if (n->running)
		vrrp_rt_addr_removed(&n->rt, "", RH_IFINDEX, &a);
}

void rh_fail_add(struct rh_world *w, int i, const char *addr, int err)
{
	w->nodes[i].add_refused = rh_ip(addr);
	w->nodes[i].add_refused_err = err;
}
