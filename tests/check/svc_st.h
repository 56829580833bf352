/* The fixture of svc_selftest: the loop, one namespace with a veth pair
 * (ck_env.c makes it), what a probe's results were, listeners and a tiny
 * HTTP responder on the loop, child processes to look for. */
#ifndef VIPD_TESTS_CHECK_SVC_ST_H
#define VIPD_TESTS_CHECK_SVC_ST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "check/svc_probe.h"
#include "ck.h"

#define ST_MAX_RESULTS 64

/* What a probe said, one entry per result. */
struct st_results {
	struct ck *t;
	int n;
	bool ok[ST_MAX_RESULTS];
	char detail[ST_MAX_RESULTS][SVC_DETAIL_MAX];
	uint64_t at_ms[ST_MAX_RESULTS];
};

/* An HTTP responder in the loop: answers every request with `status`, or
 * never accepts (hang). It keeps the first request's line and Host. */
struct st_http {
	int lfd;
	struct event *accept_ev;
	unsigned status;
	bool hang;
	int conns;
	char request_line[128];
	char host[64];
};

/* The result callback: records and breaks the loop. */
void st_on_result(void *arg, bool ok, const char *detail);
/* Runs the loop until r has n results or max_ms passed; true if it has. */
bool st_wait(struct st_results *r, int n, unsigned max_ms);
/* The last result's index (-1: none). */
int st_last(const struct st_results *r);

/* A TCP socket listening on addr:port inside namespace ns ("" = ours):
 * the fd or -1 (printed). The kernel completes handshakes into its
 * backlog whether or not anyone accepts. */
int st_listen(struct ck *t, const char *ns, const char *addr, uint16_t port);
/* The responder on a listener made by st_listen. false if it failed. */
bool st_http_start(struct ck *t, struct st_http *h, int lfd, unsigned status, bool hang);
void st_http_stop(struct st_http *h);

/* A file under the test's scratch folder (mode 0777, so that a command
 * run as nobody writes there). */
const char *st_path(const char *name);
bool st_scratch_init(void);
void st_scratch_done(void);
/* Copies /bin/sleep to the scratch folder under `name` (its comm). */
bool st_sleep_copy(const char *name);
/* Is pid gone (no such process, or a zombie)? */
bool st_pid_gone(pid_t pid);

#endif
