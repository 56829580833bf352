/* What the runtime scenarios look at (states, holders, the client, the
 * records of adverts, GARP/NA and transitions), and the Active-Active lab
 * most of them run on. The fake environment itself is rt_harness.c. */
#include "rt_harness.h"
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
#include "rt_harness_internal.h"

/* ---- what tests look at ---- */

struct vrrp_inst *rh_inst(struct rh_world *w, int i, const char *name)
{
	struct rh_node *n = &w->nodes[i];

	for (size_t k = 0; n->running && k < n->rt.n_insts; k++)
		if (strcmp(n->rt.insts[k]->spec.name, name) == 0)
			return n->rt.insts[k];
	fail_msg("node %s has no instance %s", n->name, name);
	return NULL;
}

enum vrrp_fsm_state rh_state(struct rh_world *w, int i, const char *name)
{
	return rh_inst(w, i, name)->fsm.state;
}

bool rh_holds(const struct rh_world *w, int i, const char *vip)
{
	struct ip_addr a = rh_ip(vip);
	const struct rh_node *n = &w->nodes[i];

	for (size_t k = 0; k < n->n_addrs; k++)
		if (ip_equal(&n->addrs[k].addr, &a))
			return true;
	return false;
}

bool rh_holds_on(const struct rh_world *w, int i, const char *netns, const char *ifname,
		 const char *addr)
{
	struct ip_addr a = rh_ip(addr);
	const struct rh_node *n = &w->nodes[i];
	int ifindex = rh_env_ifindex((void *)n, netns, ifname);

	return rh_addr_find((struct rh_node *)n, netns, ifindex, &a) != NULL;
}

/* The node a frame to mac reaches for vip: the node with that MAC, or the
 * one whose up virtual MAC link holds vip with it (-1: none, or two), on
 * the port the switch sends that MAC to once it has seen it. */
static int node_of_mac(const struct rh_world *w, const uint8_t mac[6], const struct ip_addr *vip)
{
	int found = -1, port = rh_switch_port(w, mac);
	uint8_t m[6];

	for (int i = 0; i < w->n_nodes; i++)
		if (memcmp(w->nodes[i].mac, mac, 6) == 0)
			return i;
	if (port >= 0) /* the switch knows where the MAC is: only there */
		return rh_answer_mac(&w->nodes[port], vip, m) && memcmp(m, mac, 6) == 0 ? port : -1;
	for (int i = 0; i < w->n_nodes; i++) {
		if (rh_answer_mac(&w->nodes[i], vip, m) && memcmp(m, mac, 6) == 0) {
			if (found >= 0)
				return -1;
			found = i;
		}
	}
	return found;
}

int rh_client_node(struct rh_world *w, const char *vip)
{
	struct ip_addr a = rh_ip(vip);
	struct rh_neigh *e = rh_neigh_find(w, &a);

	if (!e) { /* ask: the node that has the address answers, from its link */
		for (int i = 0; i < w->n_nodes && !e; i++) {
			uint8_t mac[6];

			if (rh_forwards(&w->nodes[i]) && rh_answer_mac(&w->nodes[i], &a, mac)) {
				rh_neigh_learn(w, &a, mac);
				e = rh_neigh_find(w, &a);
			}
		}
		if (!e)
			return -1;
	}
	return node_of_mac(w, e->mac, &a);
}

const uint8_t *rh_client_mac(struct rh_world *w, const char *vip)
{
	struct ip_addr a = rh_ip(vip);
	struct rh_neigh *e;

	rh_client_node(w, vip); /* resolves it when the client has no entry */
	e = rh_neigh_find(w, &a);
	if (!e)
		fail_msg("the client has no neighbour entry for %s", vip);
	return e->mac;
}

bool rh_client_reaches(struct rh_world *w, const char *vip, int i)
{
	if (rh_client_node(w, vip) != i || !rh_holds(w, i, vip))
		return false;
	for (int j = 0; j < w->n_nodes; j++)
		if (j != i && rh_holds(w, j, vip))
			return false;
	return true;
}

size_t rh_transitions(const struct rh_world *w, int i, const char *inst, uint64_t since_ms)
{
	size_t k = 0;

	for (size_t t = 0; t < w->n_trans; t++)
		k += w->trans[t].node == i && w->trans[t].at_ms >= since_ms &&
		     (!inst || strcmp(w->trans[t].inst, inst) == 0);
	return k;
}

const struct rh_transition *rh_last_transition(const struct rh_world *w, int i, const char *inst)
{
	for (size_t t = w->n_trans; t-- > 0;)
		if (w->trans[t].node == i && (!inst || strcmp(w->trans[t].inst, inst) == 0))
			return &w->trans[t];
	fail_msg("node %s: no transition of %s", w->nodes[i].name, inst ? inst : "any instance");
	return NULL;
}

uint64_t rh_last_advert_ms(const struct rh_world *w, int i)
{
	for (size_t a = w->n_adverts; a-- > 0;)
		if (w->adverts[a].node == i && w->adverts[a].delivered)
			return w->adverts[a].at_ms;
	fail_msg("node %s sent no advert", w->nodes[i].name);
	return 0;
}

size_t rh_garps(const struct rh_world *w, int i, const char *vip, uint64_t since_ms)
{
	struct ip_addr a = rh_ip(vip);
	size_t k = 0;

	for (size_t g = 0; g < w->n_garps; g++)
		k += w->garps[g].node == i && w->garps[g].at_ms >= since_ms &&
		     ip_equal(&w->garps[g].vip, &a);
	return k;
}

size_t rh_garps_max_per_pass(const struct rh_world *w, int i)
{
	size_t most = 0, run = 0;

	/* frames are recorded in order: one pass's are consecutive */
	for (size_t g = 0; g < w->n_garps; g++) {
		if (w->garps[g].node != i)
			continue;
		if (run > 0 && g > 0 && w->garps[g - 1].node == i &&
		    w->garps[g - 1].pass == w->garps[g].pass)
			run++;
		else
			run = 1;
		if (run > most)
			most = run;
	}
	return most;
}

const char *rh_bulk_vip(size_t k, char *buf, size_t len)
{
	snprintf(buf, len, "2001:db8:b:%zx::1", k);
	return buf;
}

const char *rh_bulk_name(size_t k, char *buf, size_t len)
{
	snprintf(buf, len, "bulk%zu/master/ipv6/gw", k);
	return buf;
}

size_t rh_adverts(const struct rh_world *w, int i, uint8_t priority, uint64_t since_ms)
{
	size_t k = 0;

	for (size_t a = 0; a < w->n_adverts; a++)
		k += w->adverts[a].node == i && w->adverts[a].at_ms >= since_ms &&
		     w->adverts[a].priority == priority;
	return k;
}

/* ---- the Active-Active lab ---- */

const struct rh_cfg rh_aa_cfg = {
    .insts =
	{
	    {.name = RH_AA_GW4,
	     .vrid = 51,
	     .family = IP_V4,
	     .vips = {RH_AA_VIP4 "/24"},
	     .prio = {200, 100}},
	    {.name = RH_AA_GW6,
	     .vrid = 52,
	     .family = IP_V6,
	     .vips = {RH_AA_VIP6 "/64"},
	     .prio = {200, 100}},
	    {.name = RH_AA_BK4,
	     .vrid = 61,
	     .family = IP_V4,
	     .vips = {RH_AA_VIPB "/24"},
	     .prio = {100, 200}},
	},
    .n_insts = 3,
};

void rh_aa_up(struct rh_world *w)
{
	rh_world_init(w, 2, &rh_aa_cfg);
	rh_start(w, 0);
	rh_start(w, 1);
	rh_run(w, 1000);
}

void rh_aa_assert_settled(struct rh_world *w)
{
	assert_int_equal(rh_state(w, 0, RH_AA_GW4), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(w, 0, RH_AA_GW6), VRRP_FSM_MASTER);
	assert_int_equal(rh_state(w, 0, RH_AA_BK4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_state(w, 1, RH_AA_GW4), VRRP_FSM_BACKUP);
	assert_int_equal(rh_state(w, 1, RH_AA_GW6), VRRP_FSM_BACKUP);
	assert_int_equal(rh_state(w, 1, RH_AA_BK4), VRRP_FSM_MASTER);
	assert_true(rh_client_reaches(w, RH_AA_VIP4, 0));
	assert_true(rh_client_reaches(w, RH_AA_VIP6, 0));
	assert_true(rh_client_reaches(w, RH_AA_VIPB, 1));
}
