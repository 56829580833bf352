/* Cross-interface validation, the pipeline: veth-peer names, the kinds'
 * checks, then vrrp.via, addresses and VRRP parameters (validate_vrrp.c,
 * validate_addr.c; references in validate_refs.c). Every problem is reported
 * at the value that causes it. */
#include "model/validate.h"

#include "model/kinds/kind.h"

static void register_peer_names(struct validate_ctx *vc)
{
	struct model *m = vc->m;

	for (size_t i = 0; i < m->n_ifaces; i++) {
		struct iface *ifc = &m->ifaces[i];
		const struct str_val *peer;
		const char *pns;
		size_t other;

		if (!ifc->kind || !(peer = ifc->kind->pair_peer(ifc, &pns)) || !peer->v)
			continue;
		if (!strmap_put(&m->by_peer_name, peer->v, i)) {
			strmap_get(&m->by_peer_name, peer->v, &other);
			diag_error(vc->dl, peer->pos,
				   "%s: peer name %s is already used by %s (line %d)", ifc->name,
				   peer->v, m->ifaces[other].name, m->ifaces[other].pos.line);
		}
	}
}

static void run_kind_checks(struct validate_ctx *vc)
{
	struct model *m = vc->m;

	/* Masters first: parent checks ask whether their parent is a port. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->n_ifaces; i++) {
			struct iface *ifc = &m->ifaces[i];
			bool is_master = ifc->kind && ifc->kind->members(ifc);

			if (!ifc->kind || !ifc->kind->check || is_master != (pass == 0))
				continue;
			ifc->kind->check(vc, ifc);
		}
	}
}

void model_validate(struct model *m, struct diag_list *dl)
{
	struct validate_ctx vc = {.m = m, .dl = dl};

	strmap_init(&vc.vlan_ids);
	register_peer_names(&vc);
	run_kind_checks(&vc);
	validate_via(&vc);
	validate_addresses(&vc);
	validate_vrrp(&vc);
	validate_bfd(&vc);
	validate_tracks(&vc);
	strmap_done(&vc.vlan_ids);
}
