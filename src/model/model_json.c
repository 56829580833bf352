/* The resolved model for one node as JSON (`vipctl show -o json`, vipd's
 * GET /api/v1/model) and diagnostics as JSON (`vipctl validate -o json`,
 * POST /api/v1/validate). Field names are stable; docs/json.md documents
 * them. Builds values only: jansson is plain data, no I/O. */
#include "model/model_json.h"

#include <stdio.h>
#include <string.h>

#include "model/kinds/kind.h"

static json_t *addr_json(const struct ip_addr *a, bool prefix)
{
	char buf[IP_STR_MAX];

	return json_string(prefix ? ip_ntop_prefix(a, buf) : ip_ntop(a, buf));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The kind's options (its show hook), as members of the interface's object. */
static void show_str(void *ctx, const char *key, const char *v)
{
	json_object_set_new(ctx, key, str_or_null(v));
}

static void show_num(void *ctx, const char *key, long long v)
{
	json_object_set_new(ctx, key, json_integer(v));
}

static void show_flag(void *ctx, const char *key, bool v)
{
	json_object_set_new(ctx, key, json_boolean(v));
}

static void show_names(void *ctx, const char *key, const struct names_val *v)
{
	json_t *names = json_array();

	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(names, json_string(v->v[i].name));
	json_object_set_new(ctx, key, names);
}

static void kind_options_json(const struct model *m, const struct iface *ifc, json_t *o)
{
	const struct kind_show_out out = {
	    .ctx = o, .str = show_str, .num = show_num, .flag = show_flag, .names = show_names};

	ifc->kind->show(m, ifc, &out);
}

/* The values in force on an interface: its own, else the cluster's, else
 * the defaults. */
static json_t *vrrp_json(const struct vrrp_cfg *c)
{
	const struct u32_val *vrid = &c->virtual_router_id;

	return json_pack("{s:i, s:i, s:{s:i, s:i}, s:b, s:i, s:b, s:b, s:b, s:o, s:o}", "version",
			 (int)c->version.v, "advert_interval_ms", (int)c->advert_interval.v,
			 "priority", "preferred", (int)c->priority.preferred.v, "other",
			 (int)c->priority.other.v, "preempt", c->preempt.v, "preempt_delay_ms",
			 (int)c->preempt_delay.v, "unicast", c->unicast.v, "virtual_mac",
			 c->virtual_mac.v, "packet_socket", c->packet_socket.v, "virtual_router_id",
			 vrid->set ? json_integer(vrid->v) : json_null(), "via",
			 str_or_null(c->via.v));
}

/* As vrrp_json; timeout_ms is the timeout in force: written, else 80% of the
 * interval in force (docs/config.md). */
static json_t *gwcheck_json(const struct gwcheck_cfg *g)
{
	return json_pack("{s:i, s:i, s:i, s:i}", "interval_ms", (int)g->interval.v, "timeout_ms",
			 (int)g->timeout.v, "fall", (int)g->fall.v, "rise", (int)g->rise.v);
}

static json_t *iface_json(const struct model *m, const struct iface *ifc, int node)
{
	json_t *o = json_object(), *addrs = json_array(), *gw = json_object();

	json_object_set_new(o, "name", json_string(ifc->name));
	json_object_set_new(o, "type", json_string(ifc->kind->name));
	json_object_set_new(o, "namespace", str_or_null(ifc->netns.v));
	json_object_set_new(o, "zone", str_or_null(ifc->zone.v));
	json_object_set_new(o, "mtu", ifc->mtu.set ? json_integer(ifc->mtu.v) : json_null());
	if (ifc->mac.set) {
		char mac[18];
		const uint8_t *b = ifc->mac.v;

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3],
			 b[4], b[5]);
		json_object_set_new(o, "mac", json_string(mac));
	} else {
		json_object_set_new(o, "mac", json_null());
	}
	json_object_set_new(o, "master",
			    ifc->master_idx >= 0 ? json_string(m->ifaces[ifc->master_idx].name)
						 : json_null());
	kind_options_json(m, ifc, o);
	for (size_t i = 0; i < ifc->addrs[node].n; i++)
		json_array_append_new(addrs, addr_json(&ifc->addrs[node].v[i].v, true));
	json_object_set_new(o, "addresses", addrs);
	json_object_set_new(o, "gateway", gw);
	json_object_set_new(gw, "ipv4",
			    ifc->gateway4.set ? addr_json(&ifc->gateway4.v, false) : json_null());
	json_object_set_new(gw, "ipv6",
			    ifc->gateway6.set ? addr_json(&ifc->gateway6.v, false) : json_null());
	json_object_set_new(o, "gateway_check", gwcheck_json(&ifc->gwcheck));
	json_object_set_new(o, "vrrp", vrrp_json(&ifc->vrrp));
	return o;
}

/* ---- issue 13: checks, tracks, sync groups, hooks ---- */

static json_t *argv_json(const struct argv_val *a)
{
	json_t *o;

	if (!a->set)
		return json_null();
	o = json_array();
	for (size_t i = 0; i < a->argc; i++)
		json_array_append_new(o, json_string(a->argv[i]));
	return o;
}

static json_t *hooks_json(const struct hooks_cfg *h)
{
	json_t *o = json_object();

	for (int e = 0; e < HOOK_EVENT_COUNT; e++)
		json_object_set_new(o, hook_event_name((enum hook_event)e), argv_json(&h->cmd[e]));
	return o;
}

/* Every key of every type, null where the type has none: one shape. */
static json_t *check_json(const struct svc_check *c)
{
	json_t *o = json_object();
	bool tcp = c->type == SVC_TCP, http = c->type == SVC_HTTP, exec = c->type == SVC_EXEC;

	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "type", json_string(svc_type_name(c->type)));
	json_object_set_new(o, "namespace", str_or_null(c->netns.v));
	json_object_set_new(o, "process", str_or_null(c->process.v));
	json_object_set_new(o, "address",
			    tcp	   ? addr_json(&c->address.v, false)
			    : http ? addr_json(&c->url_addr, false)
				   : json_null());
	json_object_set_new(o, "port",
			    tcp	   ? json_integer(c->port.v)
			    : http ? json_integer(c->url_port)
				   : json_null());
	json_object_set_new(o, "url", str_or_null(c->url.v));
	json_object_set_new(o, "path", str_or_null(http ? c->url_path : NULL));
	json_object_set_new(o, "expect", http ? json_integer(c->expect.v) : json_null());
	json_object_set_new(o, "command", argv_json(&c->command));
	json_object_set_new(o, "user", str_or_null(exec ? c->user.v : NULL));
	json_object_set_new(o, "interval_ms", json_integer(c->timing.interval.v));
	json_object_set_new(o, "timeout_ms", json_integer(c->timing.timeout.v));
	json_object_set_new(o, "fall", json_integer(c->timing.fall.v));
	json_object_set_new(o, "rise", json_integer(c->timing.rise.v));
	return o;
}

static json_t *track_json(const struct model *m, const struct vrrp_instance *vi)
{
	json_t *a = json_array();

	for (size_t i = 0; vi->track && i < vi->track->n; i++) {
		const struct track_ref *r = &vi->track->v[i];

		json_array_append_new(
		    a, json_pack("{s:s, s:o}", "check", m->checks[r->check].name, "weight",
				 r->has_weight ? json_integer(r->weight) : json_null()));
	}
	return a;
}

static json_t *group_json(const struct model *m, const struct sync_group *g)
{
	json_t *members = json_array();

	for (size_t i = 0; i < g->n_members; i++)
		json_array_append_new(members, json_string(m->instances[g->members[i]].name));
	return json_pack("{s:s, s:o, s:o}", "name", g->name, "members", members, "hooks",
			 hooks_json(&g->hooks));
}

static void services_json(const struct model *m, json_t *root)
{
	json_t *checks = json_array(), *groups = json_array();

	for (size_t i = 0; i < m->n_checks; i++)
		json_array_append_new(checks, check_json(&m->checks[i]));
	for (size_t i = 0; i < m->n_groups; i++)
		json_array_append_new(groups, group_json(m, &m->groups[i]));
	json_object_set_new(root, "checks", checks);
	json_object_set_new(root, "sync_groups", groups);
	json_object_set_new(root, "hooks", hooks_json(&m->hooks));
}

/* vrrp.virtual_mac: {"interface": the macvlan, "mac": its MAC}, else null. */
static json_t *vmac_json(const struct vrrp_instance *vi)
{
	uint8_t mac[6];
	char text[18];

	if (!vi->vmac_ifname)
		return json_null();
	model_vmac_mac(vi, mac);
	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return json_pack("{s:s, s:s}", "interface", vi->vmac_ifname, "mac", text);
}

static json_t *instance_json(const struct model *m, const struct vrrp_instance *vi, int node)
{
	const struct iface *ifc = &m->ifaces[vi->iface];
	json_t *o = json_object(), *vips = json_array(), *details = json_array();

	json_object_set_new(o, "name", json_string(vi->name));
	json_object_set_new(o, "interface", json_string(ifc->name));
	json_object_set_new(o, "advert_interface", json_string(m->ifaces[vi->advert_iface].name));
	json_object_set_new(o, "namespace", str_or_null(ifc->netns.v));
	json_object_set_new(o, "slot", json_string(vip_slot_name(vi->slot)));
	json_object_set_new(o, "family", json_string(ip_family_name(vi->family)));
	json_object_set_new(o, "method", json_string(vip_method_name(vi->method)));
	json_object_set_new(o, "vrid", json_integer(vi->vrid));
	json_object_set_new(o, "vrid_explicit", json_boolean(vi->vrid_explicit));
	json_object_set_new(o, "priority", json_integer(vi->priority[node]));
	json_object_set_new(o, "peer_priority", json_integer(vi->priority[1 - node]));
	json_object_set_new(o, "source", addr_json(&vi->addr[node], false));
	json_object_set_new(o, "peer", addr_json(&vi->addr[1 - node], false));
	json_object_set_new(o, "version", json_integer(ifc->vrrp.version.v));
	json_object_set_new(o, "advert_interval_ms", json_integer(ifc->vrrp.advert_interval.v));
	json_object_set_new(o, "preempt", json_boolean(ifc->vrrp.preempt.v));
	json_object_set_new(o, "preempt_delay_ms", json_integer(ifc->vrrp.preempt_delay.v));
	json_object_set_new(o, "unicast", json_boolean(ifc->vrrp.unicast.v));
	json_object_set_new(o, "virtual_mac", vmac_json(vi));
	json_object_set_new(o, "packet_socket", json_boolean(ifc->vrrp.packet_socket.v));
	for (size_t i = 0; i < vi->n_vips; i++) {
		const struct vip *v = &ifc->vips[vi->vips[i]];

		json_array_append_new(vips, addr_json(&v->addr, true));
		json_array_append_new(details,
				      json_pack("{s:o, s:o}", "address", addr_json(&v->addr, true),
						"zone", str_or_null(v->zone)));
	}
	json_object_set_new(o, "vips", vips);
	json_object_set_new(o, "vip_details", details);
	json_object_set_new(o, "track", track_json(m, vi));
	json_object_set_new(o, "sync_group",
			    vi->sync_group >= 0 ? json_string(m->groups[vi->sync_group].name)
						: json_null());
	return o;
}

json_t *model_show_json(const struct model *m, int node)
{
	json_t *root = json_object(), *ifaces = json_array(), *insts = json_array();

	json_object_set_new(root, "cluster", json_string(m->cluster_name.v));
	json_object_set_new(root, "node", json_string(m->nodes[node].v));
	json_object_set_new(root, "peer_node", json_string(m->nodes[1 - node].v));
	json_object_set_new(root, "garp",
			    json_pack("{s:i, s:i, s:i}", "count", (int)m->garp.count.v,
				      "interval_ms", (int)m->garp.interval.v, "refresh_ms",
				      (int)m->garp.refresh.v));
	for (size_t i = 0; i < m->n_ifaces; i++)
		json_array_append_new(ifaces, iface_json(m, &m->ifaces[m->order[i]], node));
	for (size_t i = 0; i < m->n_instances; i++)
		json_array_append_new(insts, instance_json(m, &m->instances[i], node));
	json_object_set_new(root, "interfaces", ifaces);
	json_object_set_new(root, "instances", insts);
	services_json(m, root);
	return root;
}

/* Every diagnostic, in the order printed: {file, line, col, severity,
 * message}; line and col are 0 for the whole file. */
json_t *model_diags_json(const struct diag_list *dl)
{
	json_t *a = json_array();

	for (size_t i = 0; i < dl->count; i++) {
		const struct diag *d = &dl->items[i];

		json_array_append_new(a,
				      json_pack("{s:s, s:i, s:i, s:s, s:s}", "file", dl->file,
						"line", d->pos.line, "col", d->pos.col, "severity",
						d->severity == DIAG_ERROR ? "error" : "warning",
						"message", d->msg));
	}
	return a;
}
