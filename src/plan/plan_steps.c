/* The step list of one planning run: appending a step, and the namespace
 * as the step texts name it. Below the planner's parts (plan.c,
 * plan_match.c, plan_links.c, plan_addr.c), which all push steps, so that
 * none of them calls back up into the lifecycle in plan.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_internal.h"

struct plan_step *plan_push(struct plan_ctx *pc, enum plan_op op, const char *netns,
			    const char *name)
{
	struct plan *p = pc->plan;
	struct plan_step *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct plan_step *steps = realloc(p->steps, cap * sizeof(*steps));

		if (!steps)
			abort();
		p->steps = steps;
		p->cap = cap;
	}
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	snprintf(s->netns, sizeof(s->netns), "%s", netns ? netns : "");
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	return s;
}

const char *plan_ns_text(const char *ns)
{
	return ns && *ns ? ns : "default";
}
