/* libFuzzer target for the config loader. Links: model_lib + util_lib + libyaml.
 *
 * Input: the bytes of a cluster file, as `vipctl validate` would read them.
 * Seeds: the examples (examples/ *.yaml) and tests/fuzz/corpus/config/.
 *
 * Besides "no crash, no leak", it checks the contract of model_load_buffer:
 * it returns 0 exactly when no error was reported, and a model that loads
 * has a creation order that is a permutation of its interfaces, instances
 * whose VRIDs are in 1..255 and unique per L2 segment and family, and
 * priorities that are mirrored between the two nodes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util/diag.h"

static void check_order(const struct model *m)
{
	bool *seen = calloc(m->n_ifaces + 1, sizeof(*seen));

	if (!seen)
		abort();
	for (size_t i = 0; i < m->n_ifaces; i++) {
		size_t k = m->order[i];

		if (k >= m->n_ifaces || seen[k])
			abort(); /* order is not a permutation */
		seen[k] = true;
	}
	free(seen);
}

static void check_instances(const struct model *m)
{
	for (size_t i = 0; i < m->n_instances; i++) {
		const struct vrrp_instance *a = &m->instances[i];
		const struct iface *ia = &m->ifaces[a->iface];

		if (a->iface >= m->n_ifaces || a->advert_iface >= m->n_ifaces || a->vrid == 0 ||
		    a->n_vips == 0 || !a->has_pair)
			abort();
		/* Each slot has one preferred node: the priorities are mirrored. */
		if (a->priority[0] == a->priority[1] ||
		    (a->slot == SLOT_MASTER) != (a->priority[0] > a->priority[1]))
			abort();
		if (model_instance_priority(a, 0) != a->priority[0] ||
		    model_instance_priority(a, 1) != a->priority[1])
			abort();
		(void)model_iface_netns(m, ia);
		for (size_t j = i + 1; j < m->n_instances; j++) {
			const struct vrrp_instance *b = &m->instances[j];

			/* VRIDs count on the segment the adverts travel (vrrp.via) */
			if (a->vrid == b->vrid && a->family == b->family &&
			    m->ifaces[a->advert_iface].vrid_domain ==
				m->ifaces[b->advert_iface].vrid_domain)
				abort(); /* two instances share a VRID on one segment */
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct diag_list dl;
	struct model *m = NULL;
	int rc;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	diag_list_init(&dl, "fuzz.yaml");
	rc = model_load_buffer((const char *)data, size, "fuzz.yaml", &m, &dl);
	if ((rc == 0) != (dl.errors == 0))
		abort(); /* the return value and the diagnostics disagree */
	if (rc == 0 && m) {
		check_order(m);
		check_instances(m);
	}
	diag_list_sort(&dl);
	if (devnull)
		diag_list_print(&dl, devnull);
	diag_list_done(&dl);
	model_free(m);
	return 0;
}
