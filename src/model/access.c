/* The model's accessors: the spelling of its enums, node and interface
 * lookups. Below every other file of src/model: the loader, the checks, the
 * compiler and the kinds all ask these, and they ask nothing back. */
#include "model/model.h"

#include <string.h>

const char *vip_method_name(enum vip_method m)
{
	static const char *const names[] = {"vrrp", "link", "gw", "link+gw"};

	return m < METHOD_COUNT ? names[m] : "?";
}

const char *vip_slot_name(enum vip_slot s)
{
	return s == SLOT_MASTER ? "master" : "backup";
}

const char *iface_type_name(enum iface_type t)
{
	return t < IFACE_TYPE_COUNT ? iface_type_names[t] : "?";
}

bool model_nodes_known(const struct model *m)
{
	return m->nodes[0].v && m->nodes[1].v && strcmp(m->nodes[0].v, m->nodes[1].v) != 0;
}

int model_node_index(const struct model *m, const char *node)
{
	for (int i = 0; i < MODEL_NODES; i++)
		if (m->nodes[i].v && strcmp(m->nodes[i].v, node) == 0)
			return i;
	return -1;
}

long model_iface_index(const struct model *m, const char *name)
{
	size_t idx;

	if (!name || !strmap_get(&m->by_name, name, &idx))
		return -1;
	return (long)idx;
}

const char *model_iface_netns(const struct model *m, const struct iface *ifc)
{
	(void)m;
	return ifc->netns.v;
}

uint8_t model_instance_priority(const struct vrrp_instance *vi, int node)
{
	return node >= 0 && node < MODEL_NODES ? vi->priority[node] : 0;
}

const char *const svc_type_names[] = {"process", "tcp", "http", "exec", NULL};

const char *svc_type_name(enum svc_type t)
{
	return t < SVC_TYPE_COUNT ? svc_type_names[t] : "?";
}

const char *const hook_event_names[] = {"master", "backup", "fault", "stop", NULL};

const char *hook_event_name(enum hook_event e)
{
	return e < HOOK_EVENT_COUNT ? hook_event_names[e] : "?";
}
