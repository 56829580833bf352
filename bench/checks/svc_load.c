/* svc_load -- the CPU that service probes cost: N process probes and N tcp
 * probes at one interval, for some seconds, in one libevent loop (what
 * vipd's health.c will run), then one JSON line.
 *
 * usage: svc_load PROCESS_NAME TCP_PORT N INTERVAL_MS SECONDS
 *   (the tcp probes connect to 127.0.0.1:TCP_PORT in the namespace the
 *   program runs in; bench/checks/run.py sets both targets up)
 * prints {"probes": 2N, "results": R, "ok": K, "seconds": S,
 *         "cpu_ms": C, "children_cpu_ms": D} */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <event2/event.h>

#include "check/svc_probe.h"

struct tally {
	unsigned long results, ok;
};

static void on_result(void *arg, bool ok, const char *detail)
{
	struct tally *t = arg;

	(void)detail;
	t->results++;
	t->ok += ok;
}

static double cpu_ms(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

int main(int argc, char **argv)
{
	struct svc_probe_cfg proc = {.type = SVC_PROBE_PROCESS};
	struct svc_probe_cfg tcp = {.type = SVC_PROBE_TCP};
	struct tally tally = {0};
	struct svc_probe **probes;
	struct event_base *base;
	struct timeval run;
	const char *why;
	double cpu0;
	int n;

	if (argc != 6) {
		fprintf(stderr, "usage: %s PROCESS_NAME TCP_PORT N INTERVAL_MS SECONDS\n", argv[0]);
		return 2;
	}
	n = atoi(argv[3]);
	proc.process = argv[1];
	tcp.port = (uint16_t)atoi(argv[2]);
	ip_parse("127.0.0.1", false, &tcp.addr, &why);
	proc.interval_ms = tcp.interval_ms = (uint32_t)atoi(argv[4]);
	proc.timeout_ms = tcp.timeout_ms = proc.interval_ms * 8 / 10;
	run = (struct timeval){.tv_sec = atoi(argv[5])};
	base = event_base_new();
	probes = calloc((size_t)n * 2, sizeof(*probes));
	if (!base || !probes || n <= 0)
		return 1;
	cpu0 = cpu_ms(RUSAGE_SELF);
	for (int i = 0; i < n; i++) {
		probes[2 * i] = svc_probe_start(base, &proc, on_result, &tally);
		probes[2 * i + 1] = svc_probe_start(base, &tcp, on_result, &tally);
		if (!probes[2 * i] || !probes[2 * i + 1]) {
			perror("svc_probe_start");
			return 1;
		}
	}
	event_base_loopexit(base, &run);
	event_base_dispatch(base);
	printf("{\"probes\": %d, \"results\": %lu, \"ok\": %lu, \"seconds\": %ld, "
	       "\"cpu_ms\": %.1f, \"children_cpu_ms\": %.1f}\n",
	       2 * n, tally.results, tally.ok, (long)run.tv_sec, cpu_ms(RUSAGE_SELF) - cpu0,
	       cpu_ms(RUSAGE_CHILDREN));
	for (int i = 0; i < 2 * n; i++)
		svc_probe_stop(probes[i]);
	free(probes);
	event_base_free(base);
	return 0;
}
