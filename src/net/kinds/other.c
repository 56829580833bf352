/* Any other kind (dummy, ...): created by its type name, nothing more. */
#include "net/kinds/net_kind.h"

#include "net/nl_live_internal.h"
#include "net/nl_util.h"

const struct net_kind net_kind_other = {
    .kind = "",
    .alloc = nk_alloc_by_type,
    .request = nk_no_request,
    .finish_attrs = nk_no_finish_attrs,
    .after_create = nk_no_after_create,
    .parse = nk_no_parse,
    .resolve = rd_resolve_parent,
    .undo_needs = nk_no_undo_needs,
    .recreate = nk_no_recreate,
    .set_primary = nk_no_set_primary,
};
