/* The one way an attempt of a service probe ends (svc_probe_internal.h),
 * below the driver and the probe types alike. */
#include <event2/event.h>

#include "check/svc_probe_internal.h"

void svc_attempt_end(struct svc_probe *p, bool ok, const char *detail)
{
	p->running = false;
	event_del(p->expire);
	p->fn(p->arg, ok, detail);
}
