/* The cluster file as YAML text. The model has no writer, so the text is
 * written here: block style for the structure, flow style for short
 * items, every string that YAML could read as something else quoted. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "import/keepalived_internal.h"

struct buf {
	char *s;
	size_t n, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int need;

	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0 || b->failed)
		return;
	if (b->n + (size_t)need + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)need;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->failed = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

/* A plain scalar only when YAML cannot read it as anything but this
 * string: letters, digits and a few marks, not a number, bool or null. */
static bool plain_ok(const char *s)
{
	static const char *const special[] = {"true", "false", "yes", "no", "on",
					      "off",  "null",  "y",   "n",  "~"};
	bool digits = true;

	if (!*s || strchr("-.+", s[0]))
		return false;
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._/+-", *p)))
			return false;
		if (!(*p >= '0' && *p <= '9') && *p != '.')
			digits = false;
	}
	if (digits)
		return false;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcasecmp(s, special[i]) == 0)
			return false;
	return true;
}

/* The length of the valid UTF-8 sequence at p, 0 when it is not one
 * (YAML text must be UTF-8; keepalived's files are bytes). */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xc2 && p[0] <= 0xdf	  ? 2
		   : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		   : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
						  : 0;

	if (p[0] < 0x80)
		return 1;
	if (!n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) || (n == 3 && p[0] == 0xed && p[1] >= 0xa0) ||
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90) || (n == 4 && p[0] == 0xf4 && p[1] >= 0x90))
		return 0; /* overlong, surrogate, beyond U+10FFFF */
	if ((n == 2 && p[0] == 0xc2 && p[1] < 0xa0 && p[1] != 0x85) ||
	    (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe))
		return 0; /* C1 controls, U+FFFE and U+FFFF: not printable in YAML */
	return n;
}

static void put_str(struct buf *b, const char *s)
{
	if (plain_ok(s)) {
		put(b, "%s", s);
		return;
	}
	put(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			put(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || n == 0)
			put(b, "\\x%02x", *p); /* a byte that is no UTF-8: its code point */
		else
			put(b, "%.*s", (int)n, (const char *)p);
		p += n ? n : 1;
	}
	put(b, "\"");
}

/* Text for a comment: one line, UTF-8 (anything else becomes '?'). */
static void put_comment_text(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);

		if (!n || *p < 0x20 || *p == 0x7f)
			put(b, "?");
		else
			put(b, "%.*s", (int)n, (const char *)p);
		p += n ? n : 1;
	}
}

static void put_dur(struct buf *b, uint32_t ms)
{
	if (ms % 1000 == 0)
		put(b, "%us", ms / 1000);
	else
		put(b, "%ums", ms);
}

static void put_addr(struct buf *b, const struct ip_addr *a, bool prefix)
{
	char t[IP_STR_MAX];

	put_str(b, prefix ? ip_ntop_prefix(a, t) : ip_ntop(a, t));
}

static void put_argv(struct buf *b, const struct out_argv *v)
{
	if (v->argc == 1) {
		put_str(b, v->argv[0]);
		return;
	}
	put(b, "[");
	for (size_t i = 0; i < v->argc; i++) {
		if (i)
			put(b, ", ");
		put_str(b, v->argv[i]);
	}
	put(b, "]");
}

static void put_hooks(struct buf *b, const struct out_argv h[4])
{
	static const char *const ev[4] = {"master", "backup", "fault", "stop"};
	bool first = true;

	put(b, "{");
	for (int e = 0; e < 4; e++) {
		if (!h[e].argv)
			continue;
		put(b, "%s%s: ", first ? "" : ", ", ev[e]);
		put_argv(b, &h[e]);
		first = false;
	}
	put(b, "}");
}

static bool hooks_any(const struct out_argv h[4])
{
	for (int e = 0; e < 4; e++)
		if (h[e].argv)
			return true;
	return false;
}

static void header(struct buf *b, const struct out_conf *o, const struct kad_msgs *msgs,
		   const char *files[2])
{
	size_t warned = 0;

	put(b, "# cluster.yaml imported by `vipctl import keepalived` from\n");
	put(b, "#   %s (node %s) and %s (node %s).\n", files[0], o->nodes[0], files[1],
	    o->nodes[1]);
	put(b, "# VRIDs are pinned (vrid:) so vipd and keepalived speak on the same ones\n");
	put(b, "# during a rolling migration (docs/migrate-from-keepalived.md).\n");
	for (size_t i = 0; i < msgs->n; i++)
		warned += !msgs->v[i].error;
	if (!warned) {
		put(b, "# Everything was carried over.\n");
		return;
	}
	put(b, "# Not carried over, or carried over with a change (%zu):\n", warned);
	for (size_t i = 0; i < msgs->n; i++) {
		const struct kad_msg *g = &msgs->v[i];

		if (g->error)
			continue;
		put(b, "#   ");
		put_comment_text(b, g->file);
		put(b, ":%d: ", g->line);
		put_comment_text(b, g->text);
		put(b, "\n");
	}
}

static void put_cluster(struct buf *b, const struct out_conf *o)
{
	put(b, "\ncluster:\n  name: ");
	put_str(b, o->name);
	put(b, "\n  nodes: [");
	put_str(b, o->nodes[0]);
	put(b, ", ");
	put_str(b, o->nodes[1]);
	put(b, "]\n");
	if (o->garp_count || o->has_garp_interval || o->garp_refresh_ms) {
		const char *sep = "";

		put(b, "  garp: {");
		if (o->garp_count)
			put(b, "count: %d", o->garp_count), sep = ", ";
		if (o->has_garp_interval) {
			put(b, "%sinterval: ", sep);
			put_dur(b, o->garp_interval_ms);
			sep = ", ";
		}
		if (o->garp_refresh_ms) {
			put(b, "%srefresh: ", sep);
			put_dur(b, o->garp_refresh_ms);
		}
		put(b, "}\n");
	}
	if (o->hooks_set && hooks_any(o->hooks)) {
		put(b, "  hooks: ");
		put_hooks(b, o->hooks);
		put(b, "\n");
	}
}

static void put_check(struct buf *b, const struct out_check *c)
{
	static const char *const types[] = {"process", "tcp", "exec"};

	put(b, "  ");
	put_str(b, c->name);
	put(b, ": {type: %s", types[c->type]);
	if (c->type == OC_PROCESS) {
		put(b, ", name: ");
		put_str(b, c->process);
	} else if (c->type == OC_TCP) {
		put(b, ", address: ");
		put_addr(b, &c->addr, false);
		put(b, ", port: %d", c->port);
	} else {
		put(b, ", command: ");
		put_argv(b, &c->cmd);
		if (c->user) {
			put(b, ", user: ");
			put_str(b, c->user);
		}
	}
	put(b, ", interval: ");
	put_dur(b, c->interval_ms);
	if (c->has_timeout) {
		put(b, ", timeout: ");
		put_dur(b, c->timeout_ms);
	}
	put(b, ", fall: %d, rise: %d}\n", c->fall, c->rise);
}

static void put_addresses(struct buf *b, const struct out_conf *o, const struct out_iface *f)
{
	bool any = false;

	for (int n = 0; n < 2; n++)
		any |= f->has_addr[n][0] || f->has_addr[n][1];
	if (!any)
		return;
	put(b, "    addresses:\n");
	for (int n = 0; n < 2; n++) {
		const char *sep = "";

		put(b, "      ");
		put_str(b, o->nodes[n]);
		put(b, ": [");
		for (int fam = 0; fam < 2; fam++)
			if (f->has_addr[n][fam]) {
				put(b, "%s", sep);
				put_addr(b, &f->addr[n][fam], true);
				sep = ", ";
			}
		put(b, "]\n");
	}
}

static void put_vrrp(struct buf *b, const struct out_iface *f)
{
	if (!f->vrrp_set && !f->via)
		return;
	put(b, "    vrrp:\n");
	if (f->vrrp_set) {
		put(b, "      version: %d\n      advert_interval: ", f->version);
		put_dur(b, f->advert_ms);
		put(b, "\n      priority: {preferred: %d, other: %d}\n", f->pref, f->other);
		put(b, "      preempt: %s\n", f->preempt ? "true" : "false");
		if (f->preempt_delay_ms) {
			put(b, "      preempt_delay: ");
			put_dur(b, f->preempt_delay_ms);
			put(b, "\n");
		}
		put(b, "      unicast: %s\n", f->unicast ? "true" : "false");
		if (f->virtual_mac)
			put(b, "      virtual_mac: true\n");
	}
	if (f->via) {
		put(b, "      via: ");
		put_str(b, f->via);
		put(b, "\n");
	}
	if (f->n_tracks) {
		put(b, "      track: [");
		for (size_t i = 0; i < f->n_tracks; i++) {
			put(b, "%s", i ? ", " : "");
			if (f->tracks[i].weight) {
				put(b, "{check: ");
				put_str(b, f->tracks[i].check);
				put(b, ", weight: %d}", f->tracks[i].weight);
			} else {
				put_str(b, f->tracks[i].check);
			}
		}
		put(b, "]\n");
	}
}

static void put_vips(struct buf *b, const struct out_iface *f)
{
	static const char *const methods[] = {"vrrp", "link", "gw", "link+gw"};

	if (!f->n_vips)
		return;
	put(b, "    vips:\n");
	for (int slot = 0; slot < 2; slot++) {
		bool any = false;

		for (size_t i = 0; i < f->n_vips; i++) {
			const struct out_vip *v = &f->vips[i];

			if (v->slot != slot)
				continue;
			if (!any)
				put(b, "      %s:\n", slot ? "backup" : "master");
			any = true;
			put(b, "        - {address: ");
			put_addr(b, &v->addr, true);
			put(b, ", vrid: %d", v->vrid);
			if (v->method != OM_VRRP)
				put(b, ", clusterIpMethod: %s", methods[v->method]);
			if (v->zone) {
				put(b, ", zone: ");
				put_str(b, v->zone);
			}
			put(b, "}\n");
		}
	}
}

static void put_iface(struct buf *b, const struct out_conf *o, const struct out_iface *f)
{
	put(b, "  ");
	put_str(b, f->name);
	if (f->vlan_id) {
		put(b, ":\n    type: vlan\n    parent: ");
		put_str(b, f->parent);
		put(b, "\n    id: %d\n", f->vlan_id);
	} else {
		put(b, ":\n    type: ethernet\n");
	}
	put_addresses(b, o, f);
	if (f->has_gw[0] || f->has_gw[1]) {
		put(b, "    gateway: {");
		if (f->has_gw[0]) {
			put(b, "ipv4: ");
			put_addr(b, &f->gw[0], false);
		}
		if (f->has_gw[1]) {
			put(b, "%sipv6: ", f->has_gw[0] ? ", " : "");
			put_addr(b, &f->gw[1], false);
		}
		put(b, "}\n");
	}
	put_vrrp(b, f);
	put_vips(b, f);
}

char *ka_yaml(const struct out_conf *o, const struct kad_msgs *msgs, const char *files[2])
{
	struct buf b = {0};

	header(&b, o, msgs, files);
	put_cluster(&b, o);
	if (o->n_checks) {
		put(&b, "\nchecks:\n");
		for (size_t i = 0; i < o->n_checks; i++)
			put_check(&b, &o->checks[i]);
	}
	put(&b, "\ninterfaces:\n");
	for (size_t i = 0; i < o->n_ifaces; i++)
		put_iface(&b, o, &o->ifaces[i]);
	if (o->n_groups) {
		put(&b, "\nsync_groups:\n");
		for (size_t g = 0; g < o->n_groups; g++) {
			const struct out_group *gr = &o->groups[g];

			put(&b, "  ");
			put_str(&b, gr->name);
			put(&b, ":\n    members: [");
			for (size_t m = 0; m < gr->n_members; m++) {
				put(&b, "%s", m ? ", " : "");
				put_str(&b, gr->members[m]);
			}
			put(&b, "]\n");
			if (hooks_any(gr->hooks)) {
				put(&b, "    hooks: ");
				put_hooks(&b, gr->hooks);
				put(&b, "\n");
			}
		}
	}
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
