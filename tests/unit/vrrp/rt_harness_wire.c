/* The runtime harness's wire (rt_harness.h): the fake advert sockets, the
 * frames between the nodes, the VIP side's GARP/NA and the client that
 * learns from them. */
#include "rt_harness.h"
#include "rt_harness_internal.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vrrp/packet.h"

/* ---- the environment: the wire ---- */

int rh_env_sock_open(void *ctx, struct vrrp_rt_sock *s, vrrp_rt_rx_fn rx)
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

void rh_env_sock_close(void *ctx, struct vrrp_rt_sock *s)
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
	if (!rh_forwards(n) || (n->loss_pct && rh_rnd(w) < n->loss_pct))
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

/* The peer's MAC: the node whose pair address it is, while the table is
 * verified. */
int rh_env_neigh(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *peer, uint8_t mac[6])
{
	struct rh_node *n = ctx;

	(void)s;
	if (n->neigh_unverified)
		return 0;
	for (int j = 0; j < n->w->n_nodes; j++) {
		struct ip_addr a = rh_own_addr(j, peer->family);

		if (j != n->id && ip_equal(&a, peer)) {
			memcpy(mac, n->w->nodes[j].mac, 6);
			return 1;
		}
	}
	return 0;
}

/* A frame to mac carries the same advert as the IP path would. */
int rh_env_sock_send_frame(void *ctx, struct vrrp_rt_sock *s, const uint8_t mac[6],
			   const struct ip_addr *src, const struct ip_addr *dst, const uint8_t *buf,
			   size_t len)
{
	struct rh_node *n = ctx;
	int rc;

	(void)mac;
	rc = n->frames_lost ? 0 : rh_wire_send(n, s->family, s->ifname, src, dst, buf, len, n->mac);
	if (rc == 0)
		n->frames_sent++;
	return rc;
}

int rh_env_sock_send(void *ctx, struct vrrp_rt_sock *s, const struct ip_addr *src,
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

void rh_deliver_frame(struct rh_world *w, const struct rh_frame *f)
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
		f.dst = rh_own_addr(sp->to, sp->family);
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

int rh_env_vside_open(void *ctx, struct vrrp_rt_vside *v)
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

void rh_env_vside_close(void *ctx, struct vrrp_rt_vside *v)
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

int rh_env_garp_send(void *ctx, struct vrrp_rt_vside *v, const struct ip_addr *vip,
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
