/* Creation order: parents before children, members before their master,
 * a veth-peer before the bridge that holds its other end. Ties keep the
 * file's order, so the order is the same on both nodes. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"

struct dep_graph {
	size_t n;
	size_t *first; /* CSR: edges of node i are to[first[i] .. first[i+1]) */
	size_t *to;
	size_t *indeg;
};

/* Calls fn(ctx, from, to) for every "from must exist before to" edge. */
static void for_each_dep(const struct model *m, void (*fn)(void *, size_t, size_t), void *ctx)
{
	for (size_t i = 0; i < m->n_ifaces; i++) {
		const struct iface *ifc = &m->ifaces[i];

		if (ifc->parent_idx >= 0)
			fn(ctx, (size_t)ifc->parent_idx, i);
		if (ifc->master_idx >= 0)
			fn(ctx, i, (size_t)ifc->master_idx);
		if (ifc->peer_end_master >= 0)
			fn(ctx, i, (size_t)ifc->peer_end_master);
	}
}

static void count_edge(void *ctx, size_t from, size_t to)
{
	struct dep_graph *g = ctx;

	g->first[from + 1]++;
	g->indeg[to]++;
}

static void add_edge(void *ctx, size_t from, size_t to)
{
	struct dep_graph *g = ctx;

	/* first[] was shifted by one while filling: first[from+1] is the cursor */
	g->to[g->first[from + 1]++] = to;
}

static void graph_build(struct dep_graph *g, const struct model *m)
{
	g->n = m->n_ifaces;
	g->first = calloc(g->n + 2, sizeof(*g->first));
	g->indeg = calloc(g->n + 1, sizeof(*g->indeg));
	if (!g->first || !g->indeg)
		abort();
	for_each_dep(m, count_edge, g);
	for (size_t i = 1; i <= g->n; i++)
		g->first[i] += g->first[i - 1];
	g->to = calloc(g->first[g->n] + 1, sizeof(*g->to));
	if (!g->to)
		abort();
	/* shift so that first[i+1] starts as the beginning of i's edges */
	memmove(g->first + 1, g->first, g->n * sizeof(*g->first));
	g->first[0] = 0;
	for_each_dep(m, add_edge, g);
}

static void graph_free(struct dep_graph *g)
{
	free(g->first);
	free(g->to);
	free(g->indeg);
}

struct cycle_search {
	struct model *m;
	struct diag_list *dl;
	const struct dep_graph *g;
	const bool *placed;
	uint8_t *color; /* 0 white, 1 on the stack, 2 done */
	size_t *stack;
	size_t depth;
};

/* Why `from` must exist before `to`, in the words of the file. */
static const char *edge_text(const struct model *m, size_t from, size_t to)
{
	const struct iface *t = &m->ifaces[to], *f = &m->ifaces[from];

	if (t->parent_idx == (long)from)
		return "is the parent of";
	if (f->master_idx == (long)to)
		return "is a member of";
	if (f->peer_end_master == (long)to)
		return "has its peer end in";
	return "comes before"; /* every edge is one of the above */
}

/* "mv0 is a member of br0, br0 is the parent of mv0": each link of the
 * cycle with its reason, so the user sees which reference to drop. */
static void report_cycle(struct cycle_search *cs, size_t back_to)
{
	const struct model *m = cs->m;
	char msg[512];
	size_t off = 0, i = cs->depth;

	while (i > 0 && cs->stack[i - 1] != back_to)
		i--;
	for (i = i - 1; i < cs->depth && off < sizeof(msg); i++) {
		size_t from = cs->stack[i];
		size_t to = i + 1 < cs->depth ? cs->stack[i + 1] : back_to;

		off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s%s %s %s", off ? ", " : "",
					m->ifaces[from].name, edge_text(m, from, to),
					m->ifaces[to].name);
	}
	diag_error(cs->dl, m->ifaces[back_to].pos,
		   "%s: dependency cycle: %s; no creation order exists", m->ifaces[back_to].name,
		   msg);
}

/* Depth-first over the interfaces that could not be ordered; every back
 * edge is one cycle. */
static void find_cycles(struct cycle_search *cs, size_t v)
{
	cs->color[v] = 1;
	cs->stack[cs->depth++] = v;
	for (size_t e = cs->g->first[v]; e < cs->g->first[v + 1]; e++) {
		size_t w = cs->g->to[e];

		if (cs->placed[w])
			continue;
		if (cs->color[w] == 1)
			report_cycle(cs, w);
		else if (cs->color[w] == 0)
			find_cycles(cs, w);
	}
	cs->depth--;
	cs->color[v] = 2;
}

/* A min-heap of interface indexes: of the interfaces ready to be created,
 * the one written first in the file goes first, so a file already in a
 * valid order is kept exactly as written. */
struct ready_heap {
	size_t *v;
	size_t n;
};

static void heap_push(struct ready_heap *h, size_t x)
{
	size_t i = h->n++;

	while (i > 0 && h->v[(i - 1) / 2] > x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static size_t heap_pop(struct ready_heap *h)
{
	size_t top = h->v[0], last = h->v[--h->n], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= last)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

void model_order(struct model *m, struct diag_list *dl)
{
	struct dep_graph g;
	struct ready_heap ready = {0};
	size_t placed_n = 0;
	bool *placed;
	struct cycle_search cs = {.m = m, .dl = dl, .g = &g};

	graph_build(&g, m);
	ready.v = calloc(m->n_ifaces + 1, sizeof(*ready.v));
	placed = calloc(m->n_ifaces + 1, sizeof(*placed));
	cs.color = calloc(m->n_ifaces + 1, sizeof(*cs.color));
	cs.stack = calloc(m->n_ifaces + 1, sizeof(*cs.stack));
	if (!ready.v || !placed || !cs.color || !cs.stack)
		abort();
	m->order = arena_alloc(&m->arena, (m->n_ifaces + 1) * sizeof(*m->order));
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (g.indeg[i] == 0)
			heap_push(&ready, i);
	while (ready.n) {
		size_t i = heap_pop(&ready);

		placed[i] = true;
		m->order[placed_n++] = i;
		for (size_t e = g.first[i]; e < g.first[i + 1]; e++)
			if (--g.indeg[g.to[e]] == 0)
				heap_push(&ready, g.to[e]);
	}
	cs.placed = placed;
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (!placed[i] && cs.color[i] == 0)
			find_cycles(&cs, i);
	free(ready.v);
	free(placed);
	free(cs.color);
	free(cs.stack);
	graph_free(&g);
}
