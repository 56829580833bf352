/* Runtime I/O: the shared raw sockets of the advert interfaces and their
 * receive path (decode with the codec, demultiplex by VRID, filter, count
 * drops), advert building and sending. The VIP side is runtime_vside.c.
 *
 * The environment (runtime_env.h: net/vrrp_sock.c in production, a fake
 * wire under test) only moves the bytes and hands each received packet to
 * rx_packet; everything VRRP about them (the codec, the hop-limit check)
 * is done here. A valid advert goes up to its instance through the
 * callback the socket was attached with: rt_inst_step is a layer above
 * this file (see runtime_internal.h). */
#include "vrrp/runtime_internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/vrrp_sock.h"

/* The socket layer opens and sends with its own copy of these numbers. */
_Static_assert(VRRP_SOCK_PROTO == VRRP_PKT_PROTO, "VRRP protocol numbers disagree");
_Static_assert(VRRP_SOCK_HOP_LIMIT == VRRP_PKT_TTL, "VRRP hop limits disagree");
/* and its filter the first byte and least length of an advert */
_Static_assert(VRRP_SOCK_V2_ADVERT == (2 << 4 | VRRP_PKT_TYPE_ADVERT), "v2 advert byte");
_Static_assert(VRRP_SOCK_V3_ADVERT == (3 << 4 | VRRP_PKT_TYPE_ADVERT), "v3 advert byte");
_Static_assert(VRRP_SOCK_V3_MIN_LEN == VRRP_PKT_HDR_LEN, "v3 least length");
_Static_assert(VRRP_SOCK_V2_MIN_LEN == VRRP_PKT_HDR_LEN + VRRP_PKT_V2_AUTH_LEN, "v2 least length");

/* ---- receive ---- */

static void count_sock_drop(struct vrrp_rt_sock *s, enum vrrp_drop_reason why,
			    const struct vrrp_sock_rx *rx, int vrid)
{
	char a[IP_STR_MAX] = "?";

	if (!s->drops) /* most sockets never drop one */
		s->drops = calloc(VRRP_DROP__COUNT, sizeof(*s->drops));
	if (s->drops)
		s->drops[why]++;
	if (rx->src.family)
		ip_ntop(&rx->src, a);
	vrrp_rt_log(s->rt, VRRP_RT_LOG_DEBUG, "[sock %s/%s] advert from %s vrid %d dropped: %s",
		    s->ifname, ip_family_name(s->family), a, vrid, vrrp_drop_reason_name(why));
}

static void inst_drop(struct vrrp_inst *inst, enum vrrp_drop_reason why,
		      const struct vrrp_sock_rx *rx)
{
	char a[IP_STR_MAX];

	if (!inst->drops) /* most instances never drop one */
		inst->drops = calloc(VRRP_DROP__COUNT, sizeof(*inst->drops));
	if (inst->drops)
		inst->drops[why]++;
	vrrp_inst_log(inst, VRRP_RT_LOG_DEBUG, "advert from %s dropped: %s", ip_ntop(&rx->src, a),
		      vrrp_drop_reason_name(why));
}

static bool addr_listed(const struct ip_addr *a, const struct ip_addr *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ip_equal(a, &list[i]))
			return true;
	return false;
}

static bool same_set(const struct ip_addr *want, size_t n_want, const struct vrrp_pkt *pkt)
{
	size_t same = 0;

	if (pkt->n_addrs != n_want)
		return false;
	while (same < n_want && ip_equal(&pkt->addrs[same], &want[same]))
		same++; /* the peer compiles the same file: the same order */
	for (size_t k = same; k < n_want; k++)
		if (!addr_listed(&want[k], pkt->addrs + same, n_want - same) ||
		    !addr_listed(&pkt->addrs[k], want + same, n_want - same))
			return false;
	return true;
}

enum rt_vip_set rt_advert_vips_compare(const struct ip_addr *want, size_t n_want,
				       const struct vrrp_pkt *pkt)
{
	if (same_set(want, n_want, pkt))
		return RT_VIPS_SAME;
	for (size_t i = 0; i < pkt->n_addrs; i++)
		if (addr_listed(&pkt->addrs[i], want, n_want))
			return RT_VIPS_OVERLAP;
	return RT_VIPS_DISJOINT;
}

/* A hash of who sent which addresses: a mismatch is logged again only
 * when it changes (FNV-1a). */
static uint32_t vip_set_hash(const struct ip_addr *src, const struct vrrp_pkt *pkt)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i <= pkt->n_addrs; i++) {
		const struct ip_addr *a = i == 0 ? src : &pkt->addrs[i - 1];

		for (size_t b = 0; b < ip_len(a); b++)
			h = (h ^ a->bytes[b]) * 16777619u;
	}
	return (h ^ pkt->n_addrs) * 16777619u;
}

/* The first address that differs: one the advert lists and we do not, or
 * else one of ours it lacks. */
static const struct ip_addr *vip_set_difference(const struct vrrp_inst *inst,
						const struct vrrp_pkt *pkt, bool *extra)
{
	for (size_t i = 0; i < pkt->n_addrs; i++)
		if (!addr_listed(&pkt->addrs[i], inst->spec.vips, inst->n_advert_addrs)) {
			*extra = true;
			return &pkt->addrs[i];
		}
	*extra = false;
	for (size_t i = 0; i < inst->n_advert_addrs; i++)
		if (!addr_listed(&inst->spec.vips[i], pkt->addrs, pkt->n_addrs))
			return &inst->spec.vips[i];
	return NULL; /* same addresses, one listed twice */
}

/* RFC 5798 says to log a mismatch. A set that shares none of our VIPs is
 * dropped too: a VRID another router or cluster uses on the segment, or a
 * forger. One that shares some is the peer in the middle of a rolling
 * reload of a changed VIP list (the file reaches one node, then the
 * other): dropping it would make both nodes master until the second
 * reload, so it is accepted, counted (vip_set_differs) and logged. A
 * forger gains nothing from that: our VIPs are no secret (GARP tells
 * them). Logged once per change (of sender or set, or after matching
 * adverts), at most one line a second: a forger varying the set must not
 * flood the log. */
static void vip_mismatch(struct vrrp_inst *inst, const struct vrrp_sock_rx *rx,
			 const struct vrrp_pkt *pkt, bool dropped)
{
	uint32_t h = vip_set_hash(&rx->src, pkt);
	uint64_t now = rt_now_ms(inst->rt);
	bool news = !inst->vip_mismatch_logged || h != inst->vip_mismatch_hash;
	bool quiet =
	    inst->vip_mismatch_ms && now - inst->vip_mismatch_ms < VRRP_RT_VIP_MISMATCH_LOG_MS;
	char a[IP_STR_MAX], d[IP_STR_MAX], what[IP_STR_MAX + 16] = "one listed twice";
	const struct ip_addr *diff;
	bool extra;

	if (dropped)
		inst_drop(inst, VRRP_DROP_VIP_SET_MISMATCH, rx);
	else
		inst->vip_set_differs++;
	if (!news || quiet)
		return;
	diff = vip_set_difference(inst, pkt, &extra);
	if (diff)
		snprintf(what, sizeof(what), "%s %s",
			 extra ? "not ours:" : "missing:", ip_ntop(diff, d));
	vrrp_inst_log(inst, VRRP_RT_LOG_WARN,
		      "adverts from %s list %u addresses, not our %zu VIPs (%s): %s; both nodes "
		      "must run the same VIP list",
		      ip_ntop(&rx->src, a), pkt->n_addrs, inst->n_advert_addrs, what,
		      dropped ? "dropped (vip_set_mismatch), none of them is ours"
			      : "accepted, some are ours (a reload on one node only?)");
	inst->vip_mismatch_logged = true;
	inst->vip_mismatch_hash = h;
	inst->vip_mismatch_ms = now;
}

static void vip_match(struct vrrp_inst *inst, const struct vrrp_sock_rx *rx)
{
	char a[IP_STR_MAX];

	if (!inst->vip_mismatch_logged)
		return;
	inst->vip_mismatch_logged = false;
	vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "adverts from %s list our VIPs again",
		      ip_ntop(&rx->src, a));
}

/* A master that hears a lower master while its adverts leave as frames:
 * the peer does not hear them (an IPsec policy on the pair drops what
 * bypassed it, a firewall in front of the peer lets only the IP path's
 * through...): the IP path for a while, said once (docs/vrrp.md,
 * "Packet socket"). */
static void frames_check(struct vrrp_inst *inst, uint8_t priority)
{
	uint64_t now;

	if (!inst->spec.packet_socket || inst->fsm.state != VRRP_FSM_MASTER || priority == 0 ||
	    priority >= vrrp_fsm_effective_priority(&inst->cfg, &inst->fsm) ||
	    inst->adverts_as_frames == 0)
		return;
	now = rt_now_ms(inst->rt);
	if (inst->frames_paused_until_ms <= now)
		vrrp_inst_log(inst, VRRP_RT_LOG_WARN,
			      "a lower master is heard while our adverts leave as frames: the "
			      "peer may not take them; adverts through the IP path for %d s",
			      RT_FRAMES_PAUSE_MS / 1000);
	inst->frames_paused_until_ms = now + RT_FRAMES_PAUSE_MS;
}

/* The filters that need the instance: hop limit, peer, version, VIPs. */
static void deliver(struct vrrp_rt_sock *s, struct vrrp_inst *inst, int rc,
		    const struct vrrp_sock_rx *rx, const struct vrrp_pkt *pkt)
{
	struct vrrp_fsm_event ev = {.type = VRRP_FSM_EV_ADVERT_RECEIVED};

	if (rc < 0) {
		inst_drop(inst, VRRP_DROP_BAD_TTL, rx);
		if (!inst->ttl_warned && ip_equal(&rx->src, &inst->spec.peer))
			vrrp_inst_log(
			    inst, VRRP_RT_LOG_WARN,
			    "the peer's adverts arrive with hop limit %d, not 255: dropped "
			    "(RFC 5798 5.1.1.3; keepalived peers need 'unicast_ttl 255')",
			    rx->hop_limit);
		inst->ttl_warned = true;
		return;
	}
	if (inst->spec.unicast && !ip_equal(&rx->src, &inst->spec.peer)) {
		inst_drop(inst, VRRP_DROP_UNKNOWN_PEER, rx);
		return;
	}
	if (pkt->version != inst->cfg.version) {
		inst_drop(inst, VRRP_DROP_VERSION_MISMATCH, rx);
		return;
	}
	switch (rt_advert_vips_compare(inst->spec.vips, inst->n_advert_addrs, pkt)) {
	case RT_VIPS_DISJOINT:
		vip_mismatch(inst, rx, pkt, true);
		return;
	case RT_VIPS_OVERLAP:
		vip_mismatch(inst, rx, pkt, false);
		break;
	case RT_VIPS_SAME:
		vip_match(inst, rx);
		break;
	}
	frames_check(inst, pkt->priority);
	ev.advert.src = rx->src;
	ev.advert.priority = pkt->priority;
	ev.advert.max_advert_int_ms = pkt->version == 3 ? (uint32_t)pkt->max_adver_int_cs * 10
							: (uint32_t)pkt->adver_int_s * 1000;
	s->on_advert(inst, &ev);
}

/* Decodes what vrrp_sock_recv put in buf[0..n) and checks the hop limit
 * (RFC 5798 5.1.1.3, 5.1.2.3). Returns 0 with *pkt filled; -EBADMSG with
 * the reason in *why (rx->src is set when known; for VRRP_DROP_BAD_TTL
 * *pkt is complete, so the caller can charge the drop to its VRID). */
static int rx_decode(enum ip_family fam, const uint8_t *buf, size_t n, struct vrrp_sock_rx *rx,
		     struct vrrp_pkt *pkt, enum vrrp_drop_reason *why)
{
	*why = VRRP_DROP_NONE;
	if (fam == IP_V4) {
		uint8_t ttl = 0;

		if (vrrp_pkt_parse_ipv4(buf, n, &rx->src, &rx->dst, &ttl, pkt, why) < 0)
			return -EBADMSG;
		rx->hop_limit = ttl;
	} else {
		if (rx->dst.family != IP_V6) {
			*why = VRRP_DROP_BAD_IP_HEADER;
			return -EBADMSG;
		}
		if (vrrp_pkt_parse(buf, n, IP_V6, &rx->src, &rx->dst, pkt, why) < 0)
			return -EBADMSG;
	}
	if (rx->hop_limit != VRRP_PKT_TTL) {
		*why = VRRP_DROP_BAD_TTL;
		return -EBADMSG;
	}
	return 0;
}

/* The kernel's drop count came with the packet: what it grew by since
 * the last one (modulo 2^32: it wraps) is added. */
static void count_kernel_drops(struct vrrp_rt_sock *s, const struct vrrp_sock_rx *rx)
{
	uint32_t grew;

	if (!rx->has_kernel_drops)
		return;
	grew = rx->kernel_drops - s->kernel_drops_seen;
	s->kernel_drops_seen = rx->kernel_drops;
	s->kernel_drops += grew;
	if (grew)
		vrrp_rt_log(s->rt, VRRP_RT_LOG_DEBUG,
			    "[sock %s/%s] the kernel dropped %u packets for it (%llu in all)",
			    s->ifname, ip_family_name(s->family), grew,
			    (unsigned long long)s->kernel_drops);
}

/* What the environment received on s: buf[0..len) as vrrp_sock_recv
 * gives it. Decoded, demultiplexed by VRID, filtered, delivered. */
static void rx_packet(struct vrrp_rt_sock *s, const uint8_t *buf, size_t len,
		      struct vrrp_sock_rx *rx)
{
	struct vrrp_pkt *pkt = s->rt->rx_pkt; /* 4.6 KiB: not on the stack, not per packet */
	enum vrrp_drop_reason why;
	struct vrrp_inst *inst;
	int rc;

	count_kernel_drops(s, rx);
	rc = rx_decode(s->family, buf, len, rx, pkt, &why);
	if (rc == -EBADMSG && why != VRRP_DROP_BAD_TTL) {
		count_sock_drop(s, why, rx, -1);
	} else if (!(inst = rt_sock_inst(s, pkt->vrid))) {
		count_sock_drop(s, VRRP_DROP_UNKNOWN_VRID, rx, pkt->vrid);
	} else {
		deliver(s, inst, rc, rx, pkt);
	}
}

/* ---- sockets ---- */

static void sock_close(struct vrrp_rt_sock *s)
{
	if (s->io)
		s->rt->env->sock_close(s->rt->env_ctx, s);
	free(s->vrids);
	free(s->drops);
	free(s);
}

static void note_send(struct vrrp_inst *inst, int rc);

/* The VRID of an advert as rt_send_advert built it (IPv4: after the IP
 * header it brings); 0 when it is too short to say. */
static int sent_vrid(enum ip_family fam, const uint8_t *buf, size_t len)
{
	size_t at = fam == IP_V4 && len ? (size_t)(buf[0] & 0x0f) * 4 : 0;

	return at + 1 < len ? buf[at + 1] : 0;
}

static void sock_send_failed(struct vrrp_rt_sock *s, const uint8_t *buf, size_t len, int err)
{
	struct vrrp_inst *inst = rt_sock_inst(s, (unsigned)sent_vrid(s->family, buf, len));

	if (inst)
		note_send(inst, err);
}

static struct vrrp_rt_sock *sock_open(struct vrrp_rt *rt, const struct vrrp_inst_spec *sp,
				      rt_advert_fn on_advert, int *err)
{
	struct vrrp_rt_sock *s = calloc(1, sizeof(*s));

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->rt = rt;
	s->on_advert = on_advert;
	s->on_send_failed = sock_send_failed;
	s->family = sp->family;
	s->multicast = !sp->unicast;
	snprintf(s->ifname, sizeof(s->ifname), "%s", sp->advert_ifname);
	snprintf(s->netns, sizeof(s->netns), "%s", sp->netns);
	*err = rt->env->sock_open(rt->env_ctx, s, rx_packet);
	if (*err == 0 && s->family == IP_V6)
		s->has_link_local = rt_find_link_local(rt, s->netns, s->ifindex, &s->link_local);
	if (*err) {
		sock_close(s);
		return NULL;
	}
	return s;
}

static struct vrrp_rt_sock *sock_find(struct vrrp_rt *rt, const struct vrrp_inst_spec *sp)
{
	for (size_t i = 0; i < rt->n_socks; i++) {
		struct vrrp_rt_sock *s = rt->socks[i];

		if (s->family == sp->family && s->multicast == !sp->unicast &&
		    strcmp(s->ifname, sp->advert_ifname) == 0 && strcmp(s->netns, sp->netns) == 0)
			return s;
	}
	return NULL;
}

static struct vrrp_rt_sock *sock_get(struct vrrp_rt *rt, const struct vrrp_inst_spec *sp,
				     rt_advert_fn on_advert, int *err)
{
	struct vrrp_rt_sock *s = sock_find(rt, sp), **nv;

	if (s)
		return s;
	nv = realloc(rt->socks, (rt->n_socks + 1) * sizeof(*nv));
	if (!nv) {
		*err = -ENOMEM;
		return NULL;
	}
	rt->socks = nv;
	s = sock_open(rt, sp, on_advert, err);
	if (s)
		rt->socks[rt->n_socks++] = s;
	return s;
}

/* Where vrid is or would go in s->vrids. */
static size_t vrid_slot(const struct vrrp_rt_sock *s, unsigned vrid)
{
	size_t lo = 0, hi = s->n_vrids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->vrids[mid].vrid < vrid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vrrp_inst *rt_sock_inst(const struct vrrp_rt_sock *s, unsigned vrid)
{
	size_t i = vrid_slot(s, vrid);

	return i < s->n_vrids && s->vrids[i].vrid == vrid ? s->vrids[i].inst : NULL;
}

/* 1/20 of the fastest interval on the socket, 1 to 5 ms: what an advert
 * may wait to be read adds to the reaction to a priority 0 or preempting
 * advert, so it stays a small part of the shortest Skew_Time that
 * matters at that interval. */
#define RX_WINDOW_MIN_MS 1
#define RX_WINDOW_MAX_MS 5

static void sock_set_rx_window(struct vrrp_rt_sock *s)
{
	uint32_t w = RX_WINDOW_MAX_MS;

	for (size_t i = 0; i < s->n_vrids; i++) {
		uint32_t iv = s->vrids[i].inst->spec.fsm.advert_interval_ms / 20;

		if (iv < w)
			w = iv;
	}
	s->rx_window_ms = w < RX_WINDOW_MIN_MS ? RX_WINDOW_MIN_MS : w;
}

static int vrid_add(struct vrrp_rt_sock *s, struct vrrp_inst *inst)
{
	size_t at = vrid_slot(s, inst->spec.vrid);
	struct vrrp_rt_sock_vrid *nv = realloc(s->vrids, (s->n_vrids + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	s->vrids = nv;
	memmove(nv + at + 1, nv + at, (s->n_vrids - at) * sizeof(*nv));
	nv[at] = (struct vrrp_rt_sock_vrid){.vrid = inst->spec.vrid, .inst = inst};
	s->n_vrids++;
	sock_set_rx_window(s);
	return 0;
}

static void vrid_remove(struct vrrp_rt_sock *s, const struct vrrp_inst *inst)
{
	size_t at = vrid_slot(s, inst->spec.vrid);

	if (at < s->n_vrids && s->vrids[at].inst == inst) {
		memmove(s->vrids + at, s->vrids + at + 1,
			(s->n_vrids - at - 1) * sizeof(*s->vrids));
		s->n_vrids--;
		sock_set_rx_window(s);
	}
}

struct vrrp_rt_sock *rt_sock_attach(struct vrrp_inst *inst, rt_advert_fn on_advert, int *err)
{
	struct vrrp_rt_sock *s = sock_get(inst->rt, &inst->spec, on_advert, err);

	if (!s)
		return NULL;
	if (rt_sock_inst(s, inst->spec.vrid)) {
		*err = -EADDRINUSE; /* two instances, one VRID: validation should prevent it */
		if (s->refs == 0)
			rt_sock_detach(inst);
		return NULL;
	}
	*err = vrid_add(s, inst);
	if (*err) {
		if (s->refs == 0)
			rt_sock_detach(inst);
		return NULL;
	}
	s->refs++;
	inst->sock = s;
	inst->cfg = inst->spec.fsm;
	/* RFC 5798 5.1.2.2: the IPv6 source is link-local; while the interface
	 * has none usable yet (DAD), the communication-pair address stands in. */
	if (s->multicast && s->family == IP_V6 && s->has_link_local)
		inst->cfg.own_addr = s->link_local;
	return s;
}

static void sock_unlink(struct vrrp_rt *rt, struct vrrp_rt_sock *s)
{
	for (size_t i = 0; i < rt->n_socks; i++) {
		if (rt->socks[i] == s) {
			rt->socks[i] = rt->socks[--rt->n_socks];
			break;
		}
	}
	sock_close(s);
}

void rt_sock_detach(struct vrrp_inst *inst)
{
	struct vrrp_rt_sock *s = inst->sock;

	if (!s) {
		/* attach failed after opening: drop the socket if nobody uses it */
		s = sock_find(inst->rt, &inst->spec);
		if (s && s->refs == 0)
			sock_unlink(inst->rt, s);
		return;
	}
	vrid_remove(s, inst);
	inst->sock = NULL;
	if (--s->refs <= 0)
		sock_unlink(inst->rt, s);
}

/* ---- send ---- */

size_t rt_advert_addr_cap(const struct vrrp_inst_spec *spec)
{
	size_t per = spec->family == IP_V4 ? 4 : 16;
	size_t overhead = (spec->family == IP_V4 ? 20 : 40) + VRRP_PKT_HDR_LEN +
			  (spec->fsm.version == 2 ? VRRP_PKT_V2_AUTH_LEN : 0);
	size_t cap = (VRRP_SOCK_MAX_WIRE - overhead) / per;

	if (cap > VRRP_PKT_MAX_ADDRS)
		cap = VRRP_PKT_MAX_ADDRS;
	return cap < spec->n_vips ? cap : spec->n_vips;
}

static void fill_advert(const struct vrrp_inst *inst, uint8_t priority, struct vrrp_pkt *p)
{
	const struct vrrp_inst_spec *sp = &inst->spec;

	/* the fixed part; the addresses are written below, as many as sent */
	memset(p, 0, offsetof(struct vrrp_pkt, addrs));
	p->version = sp->fsm.version;
	p->type = VRRP_PKT_TYPE_ADVERT;
	p->vrid = sp->vrid;
	p->priority = priority;
	p->max_adver_int_cs = (uint16_t)(sp->fsm.advert_interval_ms / 10);
	p->adver_int_s = (uint8_t)(sp->fsm.advert_interval_ms / 1000);
	p->family = (uint8_t)sp->family;
	p->n_addrs = (uint8_t)inst->n_advert_addrs;
	for (size_t i = 0; i < inst->n_advert_addrs; i++) {
		p->addrs[i] = sp->vips[i];
		p->addrs[i].plen = sp->family == IP_V4 ? 32 : 128;
	}
}

static void note_send(struct vrrp_inst *inst, int rc)
{
	if (rc < 0) {
		inst->send_errors++;
		if (inst->rt->hooks.send_failed)
			inst->rt->hooks.send_failed(inst->rt->hooks.arg, inst, rc);
		if (!inst->send_failing)
			vrrp_inst_log(inst, VRRP_RT_LOG_WARN, "sending advert: %s", strerror(-rc));
		inst->send_failing = true;
	} else if (inst->send_failing) {
		inst->send_failing = false;
		vrrp_inst_log(inst, VRRP_RT_LOG_INFO, "sending adverts works again");
	}
}

/* With a virtual MAC link that is up, a multicast advert leaves from it
 * (RFC 5798 7.3: its source MAC is the virtual one), an IPv6 one from that
 * link's own link-local address (the kernel takes a link-local source only
 * from the interface it sends on). A unicast advert leaves from the
 * interface itself (docs/vmac.md): from the virtual MAC link, the peer's
 * address would be resolved with ARP/ND from there, with a VIP as sender
 * that the peer drops as its own while both hold it (a preemption), or
 * with the node's address, which the peer would learn at the virtual MAC. */
static bool vmac_sends(const struct vrrp_inst *inst, const struct vrrp_rt_sock *s)
{
	/* with vrrp.via the adverts belong to the via link, whatever the VIPs' */
	return inst->vside && inst->vside->up && s->multicast &&
	       strcmp(inst->spec.advert_ifname, inst->spec.ifname) == 0;
}

/* True when *src changed to the virtual MAC link's link-local address. */
static bool vmac_source(struct vrrp_inst *inst, const struct vrrp_rt_sock *s, struct ip_addr *src)
{
	struct vrrp_rt_vside *v = inst->vside;

	if (!vmac_sends(inst, s) || s->family != IP_V6)
		return false;
	if (!v->has_link_local)
		v->has_link_local =
		    rt_find_link_local(inst->rt, v->netns, v->ifindex, &v->link_local);
	if (!v->has_link_local)
		return false;
	*src = v->link_local;
	src->plen = 128;
	return true;
}

/* vrrp.packet_socket: the MAC an advert to dst goes to as a frame, if it
 * may go as one: the group's for multicast; the peer's when the kernel has
 * verified it lately. Otherwise (and with a virtual MAC, whose adverts
 * leave from their own link) the IP path. */
static bool frame_to(struct vrrp_inst *inst, struct vrrp_rt_sock *s, const struct ip_addr *dst,
		     uint8_t mac[6])
{
	const struct vrrp_rt_env *env = inst->rt->env;

	if (!inst->spec.packet_socket || !env->sock_send_frame || !env->neigh ||
	    (inst->frames_paused_until_ms && inst->frames_paused_until_ms > rt_now_ms(inst->rt)))
		return false;
	if (s->multicast) {
		vrrp_sock_group_mac(s->family, mac);
		return true;
	}
	return env->neigh(inst->rt->env_ctx, s, dst, mac) == 1;
}

/* As a frame when it may go as one; the IP path when the frame cannot be
 * queued (its socket cannot be opened: logged through the send errors). */
static int send_advert(struct vrrp_inst *inst, struct vrrp_rt_sock *s, const struct ip_addr *src,
		       const struct ip_addr *dst, const uint8_t *buf, size_t len)
{
	const struct vrrp_rt_env *env = inst->rt->env;
	uint8_t mac[6];

	if (frame_to(inst, s, dst, mac) &&
	    env->sock_send_frame(inst->rt->env_ctx, s, mac, src, dst, buf, len) == 0) {
		inst->adverts_as_frames++;
		return 0;
	}
	return env->sock_send(inst->rt->env_ctx, s, src, dst, buf, len);
}

int rt_send_advert(struct vrrp_inst *inst, uint8_t priority)
{
	const struct vrrp_rt_env *env = inst->rt->env;
	struct vrrp_rt_sock *s = inst->sock;
	struct ip_addr src = inst->cfg.own_addr;
	struct vrrp_pkt *p = inst->rt->tx_pkt;
	uint8_t buf[VRRP_SOCK_MAX_WIRE];
	struct ip_addr dst;
	int len, rc;

	if (!s)
		return -ENOTCONN;
	fill_advert(inst, priority, p);
	if (s->multicast)
		vrrp_sock_group(s->family, &dst);
	else
		dst = inst->spec.peer;
	if (s->family == IP_V4)
		len = vrrp_pkt_build_ipv4(p, &src, &dst, buf, sizeof(buf));
	else
		len = vrrp_pkt_build(p, &src, &dst, buf, sizeof(buf));
	if (len >= 0 && vmac_source(inst, s, &src)) {
		/* the IPv6 checksum covers the source: built again from it */
		len = vrrp_pkt_build(p, &src, &dst, buf, sizeof(buf));
	}
	if (len < 0)
		rc = len;
	else if (vmac_sends(inst, s))
		rc = env->vmac_send(inst->rt->env_ctx, inst->vside, &src, &dst, buf, (size_t)len);
	else
		rc = send_advert(inst, s, &src, &dst, buf, (size_t)len);
	note_send(inst, rc);
	return rc;
}
