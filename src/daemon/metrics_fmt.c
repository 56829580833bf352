/* Prometheus text format helpers shared by metrics.c and metrics_checks.c
 * (the lowest of the metrics files). */
#include <stddef.h>

#include "daemon/metrics_fmt.h"

void metrics_escape(char *out, size_t len, const char *in)
{
	size_t o = 0;

	if (!len)
		return;
	for (; *in; in++) {
		bool special = *in == '\\' || *in == '"' || *in == '\n';

		if (o + (special ? 2 : 1) >= len)
			break; /* cut whole: never half an escape */
		if (special) {
			out[o++] = '\\';
			out[o++] = *in == '\n' ? 'n' : *in;
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}
