/* Prometheus text exposition helpers (docs/operations.md, "Metrics"). */
#ifndef VIPD_DAEMON_METRICS_FMT_H
#define VIPD_DAEMON_METRICS_FMT_H

#include <stdbool.h>
#include <stddef.h>

/* in as a label value: backslash, double quote and newline escaped, the
 * rest as it is; cut to fit len (NUL included), never inside an escape.
 * Every label value that comes from the file or the kernel goes through
 * it: a namespace may be named 'a"b'. */
void metrics_escape(char *out, size_t len, const char *in);

#endif
