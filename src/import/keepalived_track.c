/* What decides where an instance lives, and what runs when it moves:
 * track_interface -> the link method; a track_script that pings the
 * gateway -> the gw method and the interface's gateway; `killall -0`,
 * `pidof` and `</dev/tcp/HOST/PORT` scripts -> process and tcp checks,
 * any other script -> an exec check (vrrp.track, with its weight);
 * vrrp_sync_group -> sync_groups; notify scripts -> hooks. */
#include <stdlib.h>
#include <string.h>

#include "import/keepalived_internal.h"

/* Characters that make a command line need a shell. */
#define SHELL_CHARS "|&;<>()$`\\\"'*?[]~{}"

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* A command line as vipd runs it, without a shell: its words when it is a
 * plain absolute command, else /bin/sh -c LINE. */
static struct out_argv to_argv(struct map_ctx *m, const char *text)
{
	struct arena *a = m->c->a;
	size_t argc;
	const char **argv = kad_split_command(a, text, &argc);

	if (argc && argv[0][0] == '/' && !strpbrk(text, SHELL_CHARS))
		return (struct out_argv){.argv = argv, .argc = argc};
	argv = arena_alloc(a, 4 * sizeof(*argv));
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = text;
	return (struct out_argv){.argv = argv, .argc = 3};
}

enum script_kind { SK_GW, SK_PROCESS, SK_TCP, SK_EXEC };

struct script_class {
	enum script_kind kind;
	const char *process;
	struct ip_addr addr;
	int port;
};

static bool only_ws(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* "</dev/tcp/HOST/PORT" alone (bash's redirection test). */
static bool tcp_test(const char *s, struct script_class *out)
{
	char host[64];
	const char *p = s + strspn(s, " \t"), *slash;
	const char *why;
	char *end;
	long port;

	if (*p++ != '<')
		return false;
	p += strspn(p, " \t");
	if (strncmp(p, "/dev/tcp/", 9) != 0)
		return false;
	p += 9;
	slash = strchr(p, '/');
	if (!slash || (size_t)(slash - p) >= sizeof(host))
		return false;
	memcpy(host, p, (size_t)(slash - p));
	host[slash - p] = '\0';
	port = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || port < 1 || port > 65535 || !only_ws(end))
		return false;
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (ip_parse(host, false, &out->addr, &why) != 0)
		return false;
	out->kind = SK_TCP;
	out->port = (int)port;
	return true;
}

static bool ping_test(size_t argc, const char **argv, struct script_class *out)
{
	const char *b = base(argv[0]);
	const char *why;

	if (strcmp(b, "ping") != 0 && strcmp(b, "ping6") != 0 && strcmp(b, "fping") != 0)
		return false;
	for (size_t i = argc; i-- > 1;) {
		if (argv[i][0] == '-')
			continue;
		if (ip_parse(argv[i], false, &out->addr, &why) == 0) {
			out->kind = SK_GW;
			return true;
		}
		return false;
	}
	return false;
}

/* What a script tests, from its command line (unwrapping sh -c). */
static struct script_class classify(struct map_ctx *m, const char *text, int depth)
{
	struct script_class c = {.kind = SK_EXEC};
	size_t argc;
	const char **argv = kad_split_command(m->c->a, text, &argc);
	const char *b;

	if (!argc)
		return c;
	b = base(argv[0]);
	if (depth < 2 && argc == 3 &&
	    (strcmp(b, "sh") == 0 || strcmp(b, "bash") == 0 || strcmp(b, "dash") == 0) &&
	    strcmp(argv[1], "-c") == 0)
		return classify(m, argv[2], depth + 1);
	if (tcp_test(text, &c))
		return c;
	if (strchr(text, '|') || strchr(text, ';') || strchr(text, '&') || strchr(text, '>'))
		return c; /* a pipeline tests more than its first command */
	if (strcmp(b, "killall") == 0 && argc == 3 && strcmp(argv[1], "-0") == 0) {
		c.kind = SK_PROCESS;
		c.process = argv[2];
	} else if (strcmp(b, "pidof") == 0 && argc >= 2 && argv[argc - 1][0] != '-') {
		bool opts_ok = true;

		for (size_t i = 1; i + 1 < argc; i++)
			opts_ok &= strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "-x") == 0;
		if (opts_ok && argc <= 3) {
			c.kind = SK_PROCESS;
			c.process = argv[argc - 1];
		}
	} else {
		ping_test(argc, argv, &c);
	}
	return c;
}

static struct out_check *find_check(struct out_conf *o, const char *name)
{
	for (size_t i = 0; i < o->n_checks; i++)
		if (strcmp(o->checks[i].name, name) == 0)
			return &o->checks[i];
	return NULL;
}

static uint32_t clamp_ms(struct map_ctx *m, const struct ka_script *s, const char *what, uint32_t v)
{
	if (v < 10 || v > 60000) {
		uint32_t c = v < 10 ? 10 : 60000;

		ka_warnf(m, s->at,
			 "vrrp_script %s: %s %ums is outside vipd's 10ms..60s: %ums is "
			 "written",
			 s->name, what, v, c);
		return c;
	}
	return v;
}

static void add_check(struct map_ctx *m, const struct ka_script *s, const struct script_class *c)
{
	struct out_conf *o = m->o;
	struct out_check *k;

	if (find_check(o, s->name))
		return;
	if (o->n_checks == o->cap_checks) {
		size_t cap = o->cap_checks ? o->cap_checks * 2 : 4;

		o->checks = arena_grow(m->c->a, o->checks, o->n_checks, cap, sizeof(*o->checks));
		o->cap_checks = cap;
	}
	k = &o->checks[o->n_checks++];
	*k = (struct out_check){.name = s->name,
				.interval_ms = clamp_ms(m, s, "interval", s->interval_ms),
				.fall = s->fall,
				.rise = s->rise};
	if (s->has_timeout) {
		k->has_timeout = true;
		k->timeout_ms = clamp_ms(m, s, "timeout", s->timeout_ms);
		if (k->timeout_ms > k->interval_ms) {
			ka_warnf(
			    m, s->at,
			    "vrrp_script %s: timeout above the interval; vipd runs one attempt "
			    "per interval: the timeout is written as the interval",
			    s->name);
			k->timeout_ms = k->interval_ms;
		}
	}
	if (c->kind == SK_PROCESS) {
		k->type = OC_PROCESS;
		k->process = c->process;
		if (s->user)
			ka_warnf(m, s->at,
				 "vrrp_script %s: user %s is not needed by a process "
				 "check: not carried over",
				 s->name, s->user);
	} else if (c->kind == SK_TCP) {
		k->type = OC_TCP;
		k->addr = c->addr;
		k->port = c->port;
	} else {
		k->type = OC_EXEC;
		k->cmd = to_argv(m, s->cmd.text);
		k->user = s->user;
	}
}

static void add_track(struct map_ctx *m, struct out_iface *f, const char *name, int weight)
{
	for (size_t i = 0; i < f->n_tracks; i++)
		if (strcmp(f->tracks[i].check, name) == 0)
			return;
	f->tracks = ka_grow(m->c->a, f->tracks, f->n_tracks, sizeof(*f->tracks));
	f->tracks[f->n_tracks++] = (struct out_track){.check = name, .weight = weight};
}

/* The weight vipd applies while the check fails: keepalived's negative
 * weight as is; a positive one (added while it succeeds) becomes its
 * opposite, the same gap between the two states. */
static int weight_of(struct map_ctx *m, const struct ka_track *t, const struct ka_script *s)
{
	int w = t->has_weight ? t->weight : s->has_weight ? s->weight : 0;

	if (w > 0) {
		ka_warnf(m, t->at,
			 "track_script %s: weight +%d (added while the script succeeds) is written "
			 "as %d (taken off while the check fails): the same gap, from a lower base",
			 t->name, w, -w);
		w = -w;
	}
	return w;
}

/* Is addr in the subnet of the interface's communication pair (unknown
 * pair: taken as yes, validation will say)? */
static bool on_link(const struct out_iface *f, const struct ip_addr *addr)
{
	int fi = ka_fam_ix(addr->family);

	return !f->has_addr[0][fi] || ip_in_subnet(addr, &f->addr[0][fi]);
}

static bool track_script(struct map_ctx *m, struct out_iface *f, const struct ka_inst *in,
			 const struct ka_conf *k, const struct ka_track *t)
{
	const struct ka_script *s = ka_find_script(k, t->name);
	struct script_class c;

	if (!s || !s->cmd.text) {
		ka_warnf(m, t->at,
			 "track_script %s: no vrrp_script %s with a script in %s: not "
			 "carried over",
			 t->name, t->name, k->file);
		return false;
	}
	c = classify(m, s->cmd.text, 0);
	if (c.kind == SK_GW && !on_link(f, &c.addr)) {
		char txt[IP_STR_MAX];

		ka_warnf(m, t->at,
			 "track_script %s pings %s, which is not on %s's subnet: kept as an exec "
			 "check (the gw method probes a gateway on the VIPs' own link)",
			 t->name, ip_ntop(&c.addr, txt), f->name);
		c.kind = SK_EXEC;
	}
	if (c.kind == SK_GW) {
		int fi = ka_fam_ix(c.addr.family);

		if (t->has_weight || s->has_weight)
			ka_warnf(
			    m, t->at,
			    "track_script %s pings the gateway: written as the gw method, which "
			    "resigns the instance while the gateway is lost (its weight is not "
			    "carried over)",
			    t->name);
		if (!f->has_gw[fi]) {
			f->gw[fi] = c.addr;
			f->has_gw[fi] = true;
		}
		(void)in;
		return true;
	}
	add_check(m, s, &c);
	add_track(m, f, s->name, weight_of(m, t, s));
	return false;
}

static bool tracks_link(struct map_ctx *m, const struct ka_inst *in)
{
	bool link = false;

	for (size_t i = 0; i < in->n_track_if; i++) {
		if (strcmp(in->track_if[i], in->iface) == 0 ||
		    (in->n_vips && in->vips[0].dev &&
		     strcmp(in->track_if[i], in->vips[0].dev) == 0))
			link = true;
		else
			ka_warnf(m, in->track_if_at[i],
				 "track_interface %s: vipd's link method watches the VIPs' own "
				 "interface (%s), not another one: not carried over",
				 in->track_if[i], in->iface);
	}
	return link;
}

static bool same_track_names(const struct ka_inst *a, const struct ka_inst *b)
{
	if (a->n_tracks != b->n_tracks || a->n_track_if != b->n_track_if)
		return false;
	for (size_t i = 0; i < a->n_tracks; i++)
		if (strcmp(a->tracks[i].name, b->tracks[i].name) != 0)
			return false;
	return true;
}

/* Does the instance track the check (a script of that name)? */
static bool inst_tracks(const struct ka_inst *in, const char *check)
{
	for (size_t i = 0; i < in->n_tracks; i++)
		if (strcmp(in->tracks[i].name, check) == 0)
			return true;
	return false;
}

enum out_method ka_map_tracks(struct map_ctx *m, struct out_iface *f, const struct ka_inst *in[2])
{
	const struct ka_inst *a = in[0];
	bool link = tracks_link(m, a), gw = false;
	size_t before = f->n_tracks;

	if (!same_track_names(a, in[1]))
		ka_warnf(m, in[1]->at,
			 "instance %s tracks other interfaces or scripts than in %s: those of %s "
			 "are written",
			 in[1]->name, a->at.file, a->at.file);
	for (size_t i = 0; i < a->n_tracks; i++)
		gw |= track_script(m, f, a, &m->k[0], &a->tracks[i]);
	if (f->tracks_set && f->n_tracks != before)
		ka_warnf(m, a->at,
			 "instance %s tracks scripts the earlier instances of %s do not; vipd "
			 "tracks per interface: all of %s's instances track them now",
			 a->name, f->name, f->name);
	for (size_t i = 0; f->tracks_set && i < before; i++)
		if (!inst_tracks(a, f->tracks[i].check))
			ka_warnf(m, a->at,
				 "instance %s does not track %s, an earlier instance of %s does; "
				 "vipd tracks per interface: %s tracks it too",
				 a->name, f->tracks[i].check, f->name, a->name);
	f->tracks_set = true;
	return link && gw ? OM_LINK_GW : link ? OM_LINK : gw ? OM_GW : OM_VRRP;
}

void ka_map_vmac(struct map_ctx *m, struct out_iface *f, const struct ka_inst *in[2])
{
	for (int n = 0; n < 2; n++) {
		if (!in[n]->use_vmac)
			continue;
		if (m->opts->virtual_mac_known)
			f->virtual_mac = true;
		else
			ka_warnf(m, in[n]->vmac_at,
				 "use_vmac is not carried over: this vipd has no virtual MAC "
				 "(vrrp.virtual_mac); clients learn the new master's own MAC from "
				 "its gratuitous ARPs and NAs");
	}
}

/* ---- hooks and sync groups ---- */

static const char *const event_names[4] = {"MASTER", "BACKUP", "FAULT", "STOP"};

/* keepalived's notify/notify_* of an instance or group -> hooks. The
 * generic `notify` gets keepalived's arguments written out per event
 * (TYPE NAME STATE); the priority argument has no fixed value. */
static bool hooks_of(struct map_ctx *m, const struct ka_cmd *n, const char *type, const char *name,
		     struct out_argv *out, bool say)
{
	bool any = false;

	for (int e = 0; e < 4; e++) {
		out[e] = (struct out_argv){0};
		if (n[e].text) {
			out[e] = to_argv(m, n[e].text);
			any = true;
		} else if (n[KA_NOTIFY].text) {
			char line[1024];

			snprintf(line, sizeof(line), "%s %s %s %s", n[KA_NOTIFY].text, type, name,
				 event_names[e]);
			out[e] = to_argv(m, arena_strdup(m->c->a, line));
			any = true;
		}
	}
	if (n[KA_NOTIFY].text && say)
		ka_warnf(
		    m, n[KA_NOTIFY].at,
		    "notify: keepalived's arguments are written out per event (%s %s STATE); "
		    "the fourth, the priority, is not passed: read VIPD_* from the environment",
		    type, name);
	return any;
}

static bool argv_equal(const struct out_argv *x, const struct out_argv *y)
{
	if (x->argc != y->argc)
		return false;
	for (size_t i = 0; i < x->argc; i++)
		if (strcmp(x->argv[i], y->argv[i]) != 0)
			return false;
	return true;
}

static bool hooks_equal(const struct out_argv x[4], const struct out_argv y[4])
{
	for (int e = 0; e < 4; e++)
		if (!argv_equal(&x[e], &y[e]))
			return false;
	return true;
}

static struct out_group *add_group(struct map_ctx *m, const char *name)
{
	struct out_conf *o = m->o;

	if (o->n_groups == o->cap_groups) {
		size_t cap = o->cap_groups ? o->cap_groups * 2 : 4;

		o->groups = arena_grow(m->c->a, o->groups, o->n_groups, cap, sizeof(*o->groups));
		o->cap_groups = cap;
	}
	o->groups[o->n_groups] = (struct out_group){.name = name};
	return &o->groups[o->n_groups++];
}

/* The group that already names a member, or NULL. */
static const struct out_group *member_owner(const struct out_conf *o, const char *member)
{
	for (size_t g = 0; g < o->n_groups; g++)
		for (size_t i = 0; i < o->groups[g].n_members; i++)
			if (strcmp(o->groups[g].members[i], member) == 0)
				return &o->groups[g];
	return NULL;
}

static const struct ka_pair *pair_named(const struct map_ctx *m, const char *inst)
{
	for (size_t i = 0; i < m->n_pairs; i++)
		if (strcmp(m->pairs[i].in[0]->name, inst) == 0)
			return &m->pairs[i];
	return NULL;
}

static void add_member(struct map_ctx *m, struct out_group *g, const char *member,
		       struct ka_where w)
{
	const struct out_group *owner = member_owner(m->o, member);

	if (owner == g)
		return;
	if (owner) {
		ka_warnf(m, w,
			 "%s is already in sync group %s: vipd puts an instance in one group (a "
			 "member names the interface, slot and family, all the instances there)",
			 member, owner->name);
		return;
	}
	g->members = ka_grow(m->c->a, g->members, g->n_members, sizeof(*g->members));
	g->members[g->n_members++] = member;
}

static const struct ka_group *group_named(const struct ka_conf *k, const char *name)
{
	for (size_t g = 0; g < k->n_groups; g++)
		if (strcmp(k->groups[g].name, name) == 0)
			return &k->groups[g];
	return NULL;
}

void ka_map_groups(struct map_ctx *m)
{
	for (size_t gi = 0; gi < m->k[0].n_groups; gi++) {
		const struct ka_group *kg = &m->k[0].groups[gi];
		const struct ka_group *other = group_named(&m->k[1], kg->name);
		struct out_group *g = add_group(m, kg->name);
		struct out_argv h1[4];

		if (!other)
			ka_warnf(m, kg->at, "vrrp_sync_group %s is not in %s: written as in %s",
				 kg->name, m->k[1].file, m->k[0].file);
		for (size_t i = 0; i < kg->n_members; i++) {
			const struct ka_pair *p = pair_named(m, kg->members[i]);

			if (!p) {
				ka_warnf(m, kg->at,
					 "vrrp_sync_group %s: member %s is not an instance carried "
					 "over: left out",
					 kg->name, kg->members[i]);
				continue;
			}
			add_member(m, g, p->member, kg->at);
		}
		hooks_of(m, kg->notify, "GROUP", kg->name, g->hooks, true);
		if (other && hooks_of(m, other->notify, "GROUP", kg->name, h1, false) &&
		    !hooks_equal(g->hooks, h1))
			ka_warnf(m, other->at,
				 "vrrp_sync_group %s: its notify scripts differ from %s's: those "
				 "of %s are written",
				 kg->name, m->k[0].file, m->k[0].file);
		if (!g->n_members)
			m->o->n_groups--;
	}
}

static bool has_notify(const struct ka_inst *in)
{
	for (int e = 0; e < KA_EVENTS; e++)
		if (in->notify[e].text)
			return true;
	return false;
}

/* Instance notify scripts: cluster.hooks when every instance outside a
 * sync group runs the same ones; otherwise a sync group of its own for
 * each instance with scripts (a group of one hands over alone). */
void ka_map_hooks(struct map_ctx *m)
{
	struct out_argv first[4] = {{0}}, h[4];
	bool all_same = true, any = false;

	for (size_t i = 0; i < m->n_pairs; i++) {
		const struct ka_inst *a = m->pairs[i].in[0];

		if (a->group >= 0) {
			if (has_notify(a))
				ka_warnf(m, a->at,
					 "instance %s is in sync group %s: its own notify scripts "
					 "are not carried over, the group's hooks run",
					 a->name, m->k[0].groups[a->group].name);
			continue;
		}
		hooks_of(m, a->notify, "INSTANCE", a->name, h, true);
		if (!any)
			memcpy(first, h, sizeof(h));
		else if (!hooks_equal(first, h))
			all_same = false;
		any = true;
	}
	if (!any)
		return;
	if (all_same) {
		memcpy(m->o->hooks, first, sizeof(first));
		m->o->hooks_set = true;
		return;
	}
	for (size_t i = 0; i < m->n_pairs; i++) {
		const struct ka_inst *a = m->pairs[i].in[0];
		struct out_group *g;

		if (a->group >= 0 || !has_notify(a))
			continue;
		g = add_group(m, a->name);
		hooks_of(m, a->notify, "INSTANCE", a->name, g->hooks, false);
		add_member(m, g, m->pairs[i].member, a->at);
		if (!g->n_members)
			m->o->n_groups--;
	}
}
