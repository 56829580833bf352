/* The local service checks (`checks:`, docs/checks.md): one probe
 * (check/svc_probe.h) per check of the record, each result through the
 * one rise/fall funnel (check/rise_fall.c), and a change handed to
 * health.c, which judges the instances that track the check.
 *
 * A probe keeps copies of every string it is given: the record it came
 * from is freed after a reload that kept the check running. */
#include "daemon/health_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_io.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static char **argv_dup(const char *const *argv)
{
	size_t n = 0;
	char **out;

	while (argv && argv[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	for (size_t i = 0; out && i < n; i++) {
		out[i] = strdup(argv[i]);
		if (!out[i]) {
			argv_free(out);
			return NULL;
		}
	}
	return out;
}

static bool str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool argv_same(const char *const *a, const char *const *b)
{
	size_t i = 0;

	if (!a || !b)
		return a == b;
	for (; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return !a[i] && !b[i];
}

/* Whether a running check can go on for the new record's entry c. */
static bool svc_same(const struct health_svc *s, const struct node_svc_check *c)
{
	return s->type == c->type && str_same(s->netns, c->netns) &&
	       str_same(s->cfg.process, c->process) && ip_equal(&s->cfg.addr, &c->addr) &&
	       s->cfg.port == c->port && str_same(s->cfg.http_path, c->http_path) &&
	       str_same(s->cfg.http_host, c->http_host) && s->cfg.expect == c->expect &&
	       argv_same(s->cfg.argv, c->argv) && str_same(s->cfg.user, c->user) &&
	       s->cfg.interval_ms == c->interval_ms && s->cfg.timeout_ms == c->timeout_ms &&
	       s->cs.fall == (c->fall ? c->fall : 1) && s->cs.rise == (c->rise ? c->rise : 1);
}

static enum svc_probe_type probe_type(enum svc_type t)
{
	switch (t) {
	case SVC_PROCESS:
		return SVC_PROBE_PROCESS;
	case SVC_TCP:
		return SVC_PROBE_TCP;
	case SVC_HTTP:
		return SVC_PROBE_HTTP;
	default:
		return SVC_PROBE_EXEC;
	}
}

static void svc_release(struct health_svc *s)
{
	svc_probe_stop(s->probe);
	free(s->netns);
	free((char *)s->cfg.process);
	free((char *)s->cfg.http_path);
	free((char *)s->cfg.http_host);
	free((char *)s->cfg.user);
	argv_free(s->argv);
	check_state_done(&s->cs);
	free(s);
}

/* Copies of c's strings, the probe's configuration pointing at them. */
static int svc_copy(struct health_svc *s, const struct node_svc_check *c)
{
	s->type = c->type;
	snprintf(s->name, sizeof(s->name), "%s", c->name);
	s->netns = strdup(c->netns ? c->netns : "");
	s->cfg.type = probe_type(c->type);
	s->cfg.netns = s->netns;
	s->cfg.ctx = &s->h->rt->net;
	s->cfg.process = dup_or_null(c->process);
	s->cfg.addr = c->addr;
	s->cfg.port = c->port;
	s->cfg.http_path = dup_or_null(c->http_path);
	s->cfg.http_host = dup_or_null(c->http_host);
	s->cfg.expect = c->expect;
	s->argv = c->argv ? argv_dup(c->argv) : NULL;
	s->cfg.argv = (const char *const *)s->argv;
	s->cfg.user = dup_or_null(c->user);
	s->cfg.interval_ms = c->interval_ms;
	s->cfg.timeout_ms = c->timeout_ms;
	if (!s->netns || (c->process && !s->cfg.process) || (c->http_path && !s->cfg.http_path) ||
	    (c->http_host && !s->cfg.http_host) || (c->argv && !s->argv) ||
	    (c->user && !s->cfg.user))
		return -ENOMEM;
	return 0;
}

/* One attempt's result: only the funnel decides up and down. */
static void on_result(void *arg, bool ok, const char *detail)
{
	struct health_svc *s = arg;
	char text[CHECK_TEXT_MAX];
	enum check_change ch;

	snprintf(text, sizeof(text), "check %s: %s", s->name, detail);
	ch = check_result(&s->cs, ok, check_now_ms(), text);
	if (ch == CHECK_CHANGE_NONE)
		return;
	s->told_wall_ms = vrrp_rt_wall_ms();
	s->changes_told = s->cs.changes;
	vrrp_rt_log(s->h->rt, ch == CHECK_CHANGE_BECAME_UP ? VRRP_RT_LOG_INFO : VRRP_RT_LOG_WARN,
		    "[check %s] %s", s->name, s->cs.reason);
	if (s->h->svc_changed)
		s->h->svc_changed(s->h, s);
}

static struct health_svc *svc_new(struct health *h, const struct node_svc_check *c)
{
	struct health_svc *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->h = h;
	s->gen = h->gen;
	check_state_init(&s->cs, c->fall, c->rise, true);
	if (svc_copy(s, c) < 0) {
		svc_release(s);
		return NULL;
	}
	s->probe = svc_probe_start(h->rt->base, &s->cfg, on_result, s);
	if (!s->probe) {
		snprintf(s->error, sizeof(s->error), "check %s cannot start: %s", s->name,
			 strerror(errno));
		vrrp_rt_log(h->rt, VRRP_RT_LOG_ERR, "[check %s] %s", s->name, s->error);
	} else {
		vrrp_rt_log(h->rt, VRRP_RT_LOG_INFO,
			    "[check %s] %s check every %u ms (timeout %u ms, fall %u, rise %u)",
			    s->name, svc_type_name(s->type), c->interval_ms, c->timeout_ms,
			    s->cs.fall, s->cs.rise);
	}
	return s;
}

int health_svc_sync(struct health *h, const struct node_record *r, struct health_svc **svc_of)
{
	int failed = 0;

	for (size_t k = 0; k < h->n_svcs; k++) {
		struct health_svc *s = h->svcs[k];
		long i = node_record_find_svc(r, s->name);

		if (i >= 0 && !svc_of[i] && svc_same(s, &r->svcs[i])) {
			svc_of[i] = s;
			s->gen = h->gen;
		}
	}
	for (size_t i = 0; i < r->n_svcs; i++) {
		struct health_svc **nv;

		if (svc_of[i])
			continue;
		nv = realloc(h->svcs, (h->n_svcs + 1) * sizeof(*nv));
		if (!nv) {
			failed++;
			continue;
		}
		h->svcs = nv;
		svc_of[i] = svc_new(h, &r->svcs[i]);
		if (!svc_of[i]) {
			failed++;
			continue;
		}
		h->svcs[h->n_svcs++] = svc_of[i];
		failed += !svc_of[i]->probe;
	}
	return failed;
}

void health_svc_commit(struct health *h)
{
	size_t k = 0;

	for (size_t i = 0; i < h->n_svcs; i++) {
		if (h->svcs[i]->gen == h->gen)
			h->svcs[k++] = h->svcs[i];
		else
			svc_release(h->svcs[i]);
	}
	h->n_svcs = k;
}

void health_svc_free_all(struct health *h)
{
	for (size_t i = 0; i < h->n_svcs; i++)
		svc_release(h->svcs[i]);
	free(h->svcs);
	h->svcs = NULL;
	h->n_svcs = 0;
}

bool health_svc_get(const struct health *h, size_t i, struct health_svc_view *out)
{
	const struct health_svc *s;

	if (!h || i >= h->n_svcs)
		return false;
	s = h->svcs[i];
	out->name = s->name;
	out->type = svc_type_name(s->type);
	out->cs = &s->cs;
	out->error = s->error;
	out->running = s->probe != NULL;
	out->users = s->users;
	return true;
}
