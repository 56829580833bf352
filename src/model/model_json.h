/* The model and its diagnostics as JSON, for vipctl and vipd alike. */
#ifndef VIPD_MODEL_MODEL_JSON_H
#define VIPD_MODEL_MODEL_JSON_H

#include <jansson.h>

#include "model/model.h"
#include "util/diag.h"

/* `vipctl show -o json` for node (0 or 1): cluster, node, peer_node, garp,
 * interfaces in creation order, instances (docs/json.md). New reference. */
json_t *model_show_json(const struct model *m, int node);
/* Every diagnostic of dl in its order: [{file, line, col, severity,
 * message}]; line and col are 0 for the whole file. New reference. */
json_t *model_diags_json(const struct diag_list *dl);

#endif
