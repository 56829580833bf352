/* The plan executor: do every step, or undo the ones done (nl_apply.h). */
#include "net/nl_apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/kinds/net_kind.h"
#include "net/nl_ops.h"
#include "net/nl_undo.h"

/* The master this plan creates, whose primary is the port step i
 * enslaves; NULL if none (only bonds have a primary). */
static const struct live_link *makes_primary(const struct plan *p, size_t i)
{
	const struct plan_step *s = &p->steps[i];

	for (size_t j = 0; j < i; j++) {
		const struct plan_step *a = &p->steps[j];

		if (a->op == PLAN_LINK_ADD && strcmp(a->netns, s->netns) == 0 &&
		    strcmp(a->name, s->master) == 0 && strcmp(a->link.primary, s->name) == 0)
			return &a->link;
	}
	return NULL;
}

static int do_master(struct apply_run *r, size_t i)
{
	const struct plan_step *s = &r->plan->steps[i];
	struct nlu_err saved;
	int err = nlo_link_master(&r->o, s->netns, s->name, s->master);
	const struct live_link *m;

	if (err < 0 || !*s->master || !(m = makes_primary(r->plan, i)))
		return err;
	err = net_kind_get(m->kind)->set_primary(&r->o, s->netns, s->master, s->name);
	if (err < 0) { /* the step is all or nothing: release the port again */
		saved = r->o.err;
		(void)nlo_link_master(&r->o, s->netns, s->name, s->old_master);
		r->o.err = saved;
	}
	return err;
}

static int do_netns_add(struct apply_run *r, const struct plan_step *s)
{
	int err;

	net_ctx_forget(r->ctx, s->netns);
	err = netns_create(s->netns);
	memset(&r->o.err, 0, sizeof(r->o.err));
	if (err == -EEXIST)
		nlo_note(&r->o, "%s/%s exists", NETNS_RUN_DIR, s->netns);
	return err;
}

static int do_step(struct apply_run *r, size_t i)
{
	const struct plan_step *s = &r->plan->steps[i];
	struct nl_ops *o = &r->o;
	int err;

	switch (s->op) {
	case PLAN_NETNS_ADD:
		return do_netns_add(r, s);
	case PLAN_LINK_ADD:
		return nlo_link_create(o, s->netns, &s->link, NULL);
	case PLAN_LINK_DEL:
		err = undo_snapshot(r, i);
		return err < 0 ? err : nlo_link_delete(o, s->netns, s->name);
	case PLAN_LINK_MOVE:
		err = undo_snapshot(r, i);
		return err < 0 ? err : nlo_link_move(o, s->netns, s->name, s->to_netns);
	case PLAN_LINK_MTU:
		err = undo_snapshot(r, i);
		return err < 0 ? err : nlo_link_mtu(o, s->netns, s->name, s->mtu);
	case PLAN_LINK_MAC:
		return nlo_link_mac(o, s->netns, s->name, s->mac);
	case PLAN_LINK_MASTER:
		return do_master(r, i);
	case PLAN_LINK_UP:
		return nlo_link_up(o, s->netns, s->name, s->up);
	case PLAN_ADDR_ADD:
		return nlo_addr_add(o, s->netns, s->name, &s->addr);
	case PLAN_ADDR_DEL:
		return nlo_addr_del(o, s->netns, s->name, &s->addr);
	case PLAN_OP_COUNT:
		break;
	}
	memset(&o->err, 0, sizeof(o->err));
	nlo_note(o, "unknown step op %d: this is a bug", (int)s->op);
	return -EINVAL;
}

void apply_describe(const struct plan_step *s, size_t i, int err, const struct nlu_err *e,
		    char *reason, size_t rlen, char *msg, size_t mlen)
{
	char tmp[256];

	nlu_reason(err, e, reason ? reason : tmp, reason ? rlen : sizeof(tmp));
	snprintf(msg, mlen, "step %zu (%s): %s", i, *s->text ? s->text : plan_op_name(s->op),
		 reason ? reason : tmp);
}

static void rollback(struct apply_run *r, struct net_apply_report *rep)
{
	rep->rolled_back = true;
	for (size_t k = rep->done; k-- > 0;) {
		int err = undo_step(r, k);

		if (err == 0)
			continue;
		rep->rolled_back = false;
		if (rep->n_undo_failed++ == 0) {
			char m[sizeof(rep->undo_message) - 8];

			apply_describe(&r->plan->steps[k], k, err, &r->o.err, NULL, 0, m,
				       sizeof(m));
			snprintf(rep->undo_message, sizeof(rep->undo_message), "undo %s", m);
		}
	}
}

int net_apply(struct net_ctx *ctx, const struct plan *p, struct net_apply_report *rep)
{
	struct net_apply_report local;
	struct apply_run r = {.ctx = ctx, .plan = p};
	int err = 0;

	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	rep->n_steps = p->n;
	rep->failed_step = -1;
	nlo_init(&r.o, ctx);
	r.undo = calloc(p->n ? p->n : 1, sizeof(*r.undo));
	if (!r.undo)
		return rep->error = -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		err = do_step(&r, i);
		if (err == 0) {
			rep->done++;
			continue;
		}
		rep->failed_step = (int)i;
		rep->error = err;
		apply_describe(&p->steps[i], i, err, &r.o.err, rep->reason, sizeof(rep->reason),
			       rep->message, sizeof(rep->message));
		rollback(&r, rep);
		break;
	}
	undo_free(&r);
	nlo_done(&r.o);
	return err;
}
