/* Limits on a file's YAML, judged on libyaml's event stream before the
 * document is composed, so that a hostile or broken file is refused in
 * milliseconds instead of keeping vipd's event loop busy (docs/security.md):
 *
 *   - one document: a second one would be ignored silently otherwise;
 *   - nesting at most LOAD_MAX_DEPTH levels: libyaml checks every open
 *     flow level on every token, so deep nesting costs time squared;
 *   - at most LOAD_MAX_NODES nodes with every alias expanded (the loader
 *     walks an aliased subtree once per alias: "billion laughs");
 *   - at most LOAD_MAX_ANCHORS anchors.
 *
 * A valid cluster file nests 6 levels deep (interfaces > name > vips >
 * slot > list > VIP), and the largest one bench/validate makes (81,880
 * VIPs, 7.4 MB) has about 0.9 M nodes. */
#ifndef VIPD_MODEL_LOAD_LIMITS_H
#define VIPD_MODEL_LOAD_LIMITS_H

#include <stddef.h>

#include "util/diag.h"

#define LOAD_MAX_DEPTH	 16
#define LOAD_MAX_NODES	 (8u * 1000 * 1000)
#define LOAD_MAX_ANCHORS 1000

/* 0 when buf is within the limits, or is not YAML at all (the composer
 * reports syntax errors with its own words); -EINVAL with one error in dl
 * at the place a limit was passed; -ENOMEM. */
int load_check_limits(const char *buf, size_t len, struct diag_list *dl);

#endif
