/* One keepalived tree -> the values vipd can carry over (struct ka_conf).
 * Every statement read here is marked used; what is left unused is warned
 * about, with its line and what to do instead (ka_warn_unused). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import/keepalived_internal.h"

#define KA_RANGE_MAX 256 /* addresses one "A-B" range may expand to */

static struct ka_where at(const struct kad_node *n)
{
	return (struct ka_where){.file = n->file, .line = n->line};
}

static void warn(struct ka_ctx *c, const struct kad_node *n, const char *fmt, const char *a1)
{
	kad_msg_add(c->a, c->msgs, false, n->file, n->line, fmt, a1);
}

/* An integer argument in min..max; false (warned, node left unused) when
 * it is missing or not one. */
static bool int_arg(struct ka_ctx *c, struct kad_node *n, long min, long max, int *out)
{
	const char *s = kad_arg(n, 1);
	char *end;
	long v;

	if (!s) {
		warn(c, n, "%s without a value is ignored", n->argv[0]);
		n->used = true;
		return false;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		kad_msg_add(c->a, c->msgs, false, n->file, n->line,
			    "%s '%s' is not a number in %ld..%ld: ignored", n->argv[0], s, min,
			    max);
		n->used = true;
		return false;
	}
	*out = (int)v;
	n->used = true;
	return true;
}

/* keepalived's <TIMER>: seconds with a fraction ("0.5", "3"), to ms. */
static bool secs_arg(struct ka_ctx *c, struct kad_node *n, uint32_t *ms)
{
	const char *s = kad_arg(n, 1);
	char *end;
	double v;

	n->used = true;
	if (!s) {
		warn(c, n, "%s without a value is ignored", n->argv[0]);
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v >= 0 && v <= 3600 * 24)) {
		kad_msg_add(c->a, c->msgs, false, n->file, n->line,
			    "%s '%s' is not a time in seconds: ignored", n->argv[0], s);
		return false;
	}
	*ms = (uint32_t)(v * 1000 + 0.5);
	return true;
}

/* An address with or without its prefix length (keepalived adds /32 or
 * /128 when none is written). */
static int parse_addr(const char *s, struct ip_addr *out, const char **why)
{
	if (strchr(s, '/'))
		return ip_parse(s, true, out, why);
	if (ip_parse(s, false, out, why) != 0)
		return -1;
	out->plen = out->family == IP_V4 ? 32 : 128;
	return 0;
}

static bool addr_arg(struct ka_ctx *c, struct kad_node *n, const char *s, bool prefix,
		     struct ip_addr *out)
{
	const char *why = NULL;

	n->used = true;
	if (!s || ip_parse(s, false, out, &why) == 0)
		return s != NULL;
	if (prefix && ip_parse(s, true, out, &why) == 0)
		return true;
	kad_msg_add(c->a, c->msgs, false, n->file, n->line, "%s '%s' %s: ignored", n->argv[0],
		    s ? s : "", why ? why : "is not an address");
	return false;
}

/* The arguments from index 1 as one command line (a quoted one is whole). */
static struct ka_cmd cmd_arg(struct ka_ctx *c, struct kad_node *n)
{
	size_t len = 1;
	char *s;

	n->used = true;
	for (size_t i = 1; i < n->argc; i++)
		len += strlen(n->argv[i]) + 3;
	s = arena_alloc(c->a, len);
	for (size_t i = 1; i < n->argc; i++) {
		bool q = n->quoted[i] && n->argc > 2 && strchr(n->argv[i], ' ');

		if (i > 1)
			strcat(s, " ");
		if (q)
			strcat(s, "'");
		strcat(s, n->argv[i]);
		if (q)
			strcat(s, "'");
	}
	if (!*s)
		warn(c, n, "%s without a command is ignored", n->argv[0]);
	return (struct ka_cmd){.text = *s ? s : NULL, .at = at(n)};
}

/* "192.0.2.10-20/24": a range of the last IPv4 octet, as keepalived
 * accepts it. Returns how many addresses were added. */
static size_t vip_range(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in, const char *s,
			struct ka_vip tmpl)
{
	char buf[64], *dash, *slash;
	struct ip_addr first;
	const char *why;
	long last;
	size_t added = 0;

	if (strlen(s) >= sizeof(buf))
		return 0;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (!dash)
		return 0;
	*dash = '\0';
	slash = strchr(dash + 1, '/');
	last = strtol(dash + 1, NULL, 10);
	if (slash) {
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "%s", slash);
	}
	if (parse_addr(buf, &first, &why) != 0 || first.family != IP_V4 || last < first.bytes[3] ||
	    last > 255)
		return 0;
	for (long o = first.bytes[3]; o <= last && added < KA_RANGE_MAX; o++) {
		in->vips = ka_grow(c->a, in->vips, in->n_vips, sizeof(*in->vips));
		tmpl.addr = first;
		tmpl.addr.bytes[3] = (uint8_t)o;
		in->vips[in->n_vips++] = tmpl;
		added++;
	}
	(void)n;
	return added;
}

static void read_vip(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in, bool excluded)
{
	struct ka_vip v = {.excluded = excluded, .at = at(n)};
	const char *why = NULL;

	n->used = true;
	for (size_t i = 1; i < n->argc; i++) {
		const char *k = n->argv[i], *val = kad_arg(n, i + 1);

		if (strcmp(k, "dev") == 0 && val) {
			v.dev = val;
			i++;
		} else if (strcmp(k, "label") == 0 && val) {
			v.label = val;
			i++;
		} else if (strcmp(k, "no_track") == 0 || strcmp(k, "preferred") == 0) {
			warn(c, n, "VIP option %s is not carried over (vipd always tracks it)", k);
		} else {
			warn(c, n,
			     "VIP option '%s' is not carried over: vipd adds the address with its "
			     "prefix only; set it on the interface outside vipd if you need it",
			     k);
			if (val && strcmp(k, "no_track") != 0)
				i++;
		}
	}
	if (strchr(n->argv[0], '-') && !strchr(n->argv[0], ':')) {
		if (vip_range(c, n, in, n->argv[0], v))
			return;
	}
	if (parse_addr(n->argv[0], &v.addr, &why) != 0) {
		kad_msg_add(c->a, c->msgs, false, n->file, n->line,
			    "virtual address '%s' %s: not carried over", n->argv[0],
			    why ? why : "is not an address");
		return;
	}
	in->vips = ka_grow(c->a, in->vips, in->n_vips, sizeof(*in->vips));
	in->vips[in->n_vips++] = v;
}

static void read_peer(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in)
{
	struct ip_addr a;

	if (!addr_arg(c, n, n->argv[0], false, &a))
		return;
	if (n->argc > 1)
		warn(c, n, "unicast_peer options after %s (ttl) are not carried over", n->argv[0]);
	in->peers = ka_grow(c->a, in->peers, in->n_peers, sizeof(*in->peers));
	in->peers[in->n_peers++] = a;
}

static void read_track_if(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in)
{
	n->used = true;
	if (n->argc > 1)
		warn(c, n,
		     "track_interface %s: its weight is not carried over (vipd's link method "
		     "resigns the instance while the link is down)",
		     n->argv[0]);
	in->track_if = ka_grow(c->a, in->track_if, in->n_track_if, sizeof(*in->track_if));
	in->track_if_at = ka_grow(c->a, in->track_if_at, in->n_track_if, sizeof(*in->track_if_at));
	in->track_if_at[in->n_track_if] = at(n);
	in->track_if[in->n_track_if++] = n->argv[0];
}

static void read_track_script(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in)
{
	struct ka_track t = {.name = n->argv[0], .at = at(n)};

	n->used = true;
	if (n->argc >= 3 && strcmp(n->argv[1], "weight") == 0) {
		char *end;
		long w = strtol(n->argv[2], &end, 10);

		if (*end || w < -253 || w > 253)
			warn(c, n, "track_script weight '%s' is not in -253..253: ignored",
			     n->argv[2]);
		else
			t.weight = (int)w, t.has_weight = true;
	}
	in->tracks = ka_grow(c->a, in->tracks, in->n_tracks, sizeof(*in->tracks));
	in->tracks[in->n_tracks++] = t;
}

static void each_child(struct ka_ctx *c, struct kad_node *blk, struct ka_inst *in,
		       void (*fn)(struct ka_ctx *, struct kad_node *, struct ka_inst *))
{
	blk->used = true;
	for (struct kad_node *n = blk->child; n; n = n->next)
		fn(c, n, in);
}

static void read_vip_in(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in)
{
	read_vip(c, n, in, false);
}

static void read_vip_ex(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in)
{
	read_vip(c, n, in, true);
}

static int event_of(const char *kw)
{
	static const char *const names[KA_EVENTS] = {"notify_master", "notify_backup",
						     "notify_fault", "notify_stop", "notify"};

	for (int e = 0; e < KA_EVENTS; e++)
		if (strcmp(kw, names[e]) == 0)
			return e;
	return -1;
}

/* The simple keywords of an instance; false when kw is none of them. */
static bool read_inst_value(struct ka_ctx *c, struct kad_node *n, struct ka_inst *in)
{
	const char *kw = n->argv[0];
	int v;

	if (strcmp(kw, "interface") == 0 && kad_arg(n, 1)) {
		in->iface = n->argv[1];
		in->iface_at = at(n);
		n->used = true;
	} else if (strcmp(kw, "virtual_router_id") == 0) {
		int_arg(c, n, 1, 255, &in->vrid);
	} else if (strcmp(kw, "priority") == 0) {
		if (int_arg(c, n, 1, 255, &v))
			in->priority = v;
	} else if (strcmp(kw, "state") == 0) {
		in->state_master = kad_arg(n, 1) && strcmp(n->argv[1], "MASTER") == 0;
		n->used = true;
	} else if (strcmp(kw, "advert_int") == 0) {
		in->has_advert = secs_arg(c, n, &in->advert_ms);
	} else if (strcmp(kw, "version") == 0 || strcmp(kw, "vrrp_version") == 0) {
		int_arg(c, n, 2, 3, &in->version);
	} else if (strcmp(kw, "native_ipv6") == 0) {
		in->native_ipv6 = n->used = true;
	} else if (strcmp(kw, "nopreempt") == 0) {
		in->nopreempt = n->used = true;
	} else if (strcmp(kw, "preempt") == 0) {
		n->used = true; /* keepalived's default */
	} else if (strcmp(kw, "preempt_delay") == 0) {
		in->has_preempt_delay = secs_arg(c, n, &in->preempt_delay_ms);
	} else if (strcmp(kw, "garp_master_repeat") == 0) {
		int_arg(c, n, 1, 100, &in->garp_repeat);
	} else if (strcmp(kw, "garp_master_refresh") == 0) {
		secs_arg(c, n, &in->garp_refresh_ms);
	} else if (strcmp(kw, "unicast_src_ip") == 0 || strcmp(kw, "mcast_src_ip") == 0) {
		in->has_src = addr_arg(c, n, kad_arg(n, 1), false, &in->src);
		in->src_at = at(n);
	} else if (strcmp(kw, "unicast_ttl") == 0) {
		int_arg(c, n, 1, 255, &in->unicast_ttl);
		in->ttl_at = at(n);
	} else if (strcmp(kw, "use_vmac") == 0) {
		in->use_vmac = n->used = true;
		in->vmac_at = at(n);
	} else if (event_of(kw) >= 0) {
		in->notify[event_of(kw)] = cmd_arg(c, n);
	} else {
		return false;
	}
	return true;
}

static void read_instance(struct ka_ctx *c, struct kad_node *blk, struct ka_inst *in)
{
	*in = (struct ka_inst){.name = kad_arg(blk, 1) ? blk->argv[1] : "?",
			       .at = at(blk),
			       .priority = 100,
			       .group = -1};
	blk->used = true;
	for (struct kad_node *n = blk->child; n; n = n->next) {
		const char *kw = n->argv[0];

		if (read_inst_value(c, n, in))
			continue;
		if (!n->has_block)
			continue; /* left for ka_warn_unused */
		if (strcmp(kw, "virtual_ipaddress") == 0)
			each_child(c, n, in, read_vip_in);
		else if (strcmp(kw, "virtual_ipaddress_excluded") == 0)
			each_child(c, n, in, read_vip_ex);
		else if (strcmp(kw, "unicast_peer") == 0)
			each_child(c, n, in, read_peer), in->unicast = true;
		else if (strcmp(kw, "track_interface") == 0)
			each_child(c, n, in, read_track_if);
		else if (strcmp(kw, "track_script") == 0)
			each_child(c, n, in, read_track_script);
	}
	in->family = in->native_ipv6 ? IP_V6 : IP_V4;
	for (size_t i = 0; i < in->n_vips; i++)
		if (!in->vips[i].excluded) {
			in->family = (enum ip_family)in->vips[i].addr.family;
			break;
		}
}

static void read_script(struct ka_ctx *c, struct kad_node *blk, struct ka_script *s)
{
	*s = (struct ka_script){.name = kad_arg(blk, 1) ? blk->argv[1] : "?",
				.at = at(blk),
				.interval_ms = 1000,
				.fall = 1,
				.rise = 1};
	blk->used = true;
	for (struct kad_node *n = blk->child; n; n = n->next) {
		const char *kw = n->argv[0];

		if (strcmp(kw, "script") == 0)
			s->cmd = cmd_arg(c, n);
		else if (strcmp(kw, "interval") == 0)
			secs_arg(c, n, &s->interval_ms);
		else if (strcmp(kw, "timeout") == 0)
			s->has_timeout = secs_arg(c, n, &s->timeout_ms);
		else if (strcmp(kw, "weight") == 0)
			s->has_weight = int_arg(c, n, -253, 253, &s->weight);
		else if (strcmp(kw, "fall") == 0)
			int_arg(c, n, 1, 100, &s->fall);
		else if (strcmp(kw, "rise") == 0)
			int_arg(c, n, 1, 100, &s->rise);
		else if (strcmp(kw, "user") == 0 && kad_arg(n, 1)) {
			s->user = n->argv[1];
			n->used = true;
			if (n->argc > 2)
				warn(c, n, "the group of script user %s is not carried over",
				     n->argv[1]);
		}
	}
}

static void read_group(struct ka_ctx *c, struct kad_node *blk, struct ka_group *g)
{
	*g = (struct ka_group){.name = kad_arg(blk, 1) ? blk->argv[1] : "?", .at = at(blk)};
	blk->used = true;
	for (struct kad_node *n = blk->child; n; n = n->next) {
		const char *kw = n->argv[0];

		if (strcmp(kw, "group") == 0 && n->has_block) {
			n->used = true;
			for (struct kad_node *m = n->child; m; m = m->next) {
				m->used = true;
				for (size_t i = 0; i < m->argc; i++) {
					g->members = ka_grow(c->a, g->members, g->n_members,
							     sizeof(*g->members));
					g->members[g->n_members++] = m->argv[i];
				}
			}
		} else if (event_of(kw) >= 0) {
			g->notify[event_of(kw)] = cmd_arg(c, n);
		}
	}
}

static void read_globals(struct ka_ctx *c, struct kad_node *blk, struct ka_conf *k)
{
	blk->used = true;
	for (struct kad_node *n = blk->child; n; n = n->next) {
		const char *kw = n->argv[0];

		if (strcmp(kw, "vrrp_version") == 0)
			int_arg(c, n, 2, 3, &k->version);
		else if (strcmp(kw, "vrrp_garp_master_repeat") == 0)
			int_arg(c, n, 1, 100, &k->garp_repeat);
		else if (strcmp(kw, "vrrp_garp_master_refresh") == 0)
			secs_arg(c, n, &k->garp_refresh_ms);
		else if (strcmp(kw, "vrrp_garp_interval") == 0 ||
			 strcmp(kw, "vrrp_gna_interval") == 0)
			k->has_garp_interval = secs_arg(c, n, &k->garp_interval_ms);
	}
}

void ka_read_conf(struct ka_ctx *c, struct kad_tree *t, struct ka_conf *k)
{
	size_t ni = 0, ns = 0, ng = 0;

	*k = (struct ka_conf){.file = t->file, .id = t->config_id};
	for (struct kad_node *n = t->root; n; n = n->next) {
		if (!n->has_block)
			continue;
		ni += strcmp(n->argv[0], "vrrp_instance") == 0;
		ns += strcmp(n->argv[0], "vrrp_script") == 0;
		ng += strcmp(n->argv[0], "vrrp_sync_group") == 0;
	}
	k->insts = arena_alloc(c->a, (ni + 1) * sizeof(*k->insts));
	k->scripts = arena_alloc(c->a, (ns + 1) * sizeof(*k->scripts));
	k->groups = arena_alloc(c->a, (ng + 1) * sizeof(*k->groups));
	for (struct kad_node *n = t->root; n; n = n->next) {
		if (!n->has_block)
			continue;
		if (strcmp(n->argv[0], "vrrp_instance") == 0)
			read_instance(c, n, &k->insts[k->n_insts++]);
		else if (strcmp(n->argv[0], "vrrp_script") == 0)
			read_script(c, n, &k->scripts[k->n_scripts++]);
		else if (strcmp(n->argv[0], "vrrp_sync_group") == 0)
			read_group(c, n, &k->groups[k->n_groups++]);
		else if (strcmp(n->argv[0], "global_defs") == 0)
			read_globals(c, n, k);
	}
	for (size_t g = 0; g < k->n_groups; g++)
		for (size_t m = 0; m < k->groups[g].n_members; m++)
			for (size_t i = 0; i < k->n_insts; i++)
				if (strcmp(k->insts[i].name, k->groups[g].members[m]) == 0)
					k->insts[i].group = (long)g;
}

const struct ka_script *ka_find_script(const struct ka_conf *k, const char *name)
{
	for (size_t i = 0; i < k->n_scripts; i++)
		if (strcmp(k->scripts[i].name, name) == 0)
			return &k->scripts[i];
	return NULL;
}

/* What to do instead, for the keywords vipd has no place for. */
static const struct {
	const char *kw;
	const char *advice;
} advice[] = {
    {"virtual_server", "LVS is not part of vipd: keep running it (ipvsadm, or keepalived "
		       "with only its LVS part), or use HAProxy on the VIPs"},
    {"virtual_server_group", "LVS is not part of vipd: keep running it (ipvsadm)"},
    {"authentication", "RFC 3768/5798 dropped VRRP authentication and vipd sends none: remove "
		       "it from both keepalived files before switching a node (keepalived "
		       "drops adverts without it)"},
    {"virtual_routes", "put the routes in the system's network configuration (they do not "
		       "follow the VIPs)"},
    {"virtual_rules", "put the rules in the system's network configuration"},
    {"static_ipaddress", "node addresses belong under interfaces.NAME.addresses (vipctl "
			 "apply) or the system's network configuration"},
    {"static_routes", "put the routes in the system's network configuration"},
    {"static_rules", "put the rules in the system's network configuration"},
    {"smtp_alert", "vipd sends no mail: follow `vipctl events` or use hooks"},
    {"notification_email", "vipd sends no mail: follow `vipctl events` or use hooks"},
    {"notification_email_from", "vipd sends no mail"},
    {"smtp_server", "vipd sends no mail"},
    {"smtp_connect_timeout", "vipd sends no mail"},
    {"router_id", "vipd names a node by --node or its host name (cluster.nodes)"},
    {"lvs_sync_daemon", "LVS is not part of vipd"},
    {"vmac_xmit_base", "vipd has no virtual MAC yet"},
    {"dont_track_primary", "vipd's link method watches the VIP's own interface"},
    {"enable_script_security", "vipd runs checks and hooks without a shell, as the check's "
			       "user"},
    {"script_user", "write `user:` on an exec check"},
    {"garp_master_delay", "vipd sends one burst of garp.count on takeover (and "
			  "garp.refresh while master)"},
    {"vrrp_garp_master_delay", "vipd sends one burst of garp.count on takeover"},
};

static const char *advice_for(const char *kw)
{
	for (size_t i = 0; i < sizeof(advice) / sizeof(advice[0]); i++)
		if (strcmp(advice[i].kw, kw) == 0)
			return advice[i].advice;
	return NULL;
}

void ka_warn_unused(struct ka_ctx *c, struct kad_node *first)
{
	for (struct kad_node *n = first; n; n = n->next) {
		const char *a = advice_for(n->argv[0]);

		if (n->used) {
			ka_warn_unused(c, n->child);
			continue;
		}
		n->used = true;
		if (a)
			kad_msg_add(c->a, c->msgs, false, n->file, n->line,
				    "%s is not carried over: %s", n->argv[0], a);
		else
			kad_msg_add(c->a, c->msgs, false, n->file, n->line,
				    "%s is not carried over (vipd has no equivalent)", n->argv[0]);
	}
}
