/* vipd: the VRRP daemon. One libevent loop; a reload's parse runs on a
 * worker thread (reload.c) and is applied on the loop.
 *
 *   vipd -c FILE [--node N] [--control SOCK] [--control-group G] [-f] [-v]
 *        [--http ADDR:PORT [--http-token-file FILE]]
 *
 * Start: load the file (exit 2 with every error), open the control socket,
 * remove left-over VIPs, start every instance, tell systemd READY=1.
 * SIGTERM/SIGINT: every instance shuts down (masters send priority 0 and
 * remove their VIPs), exit 0. SIGHUP: reload (parsed off the loop). */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/api.h"
#include "daemon/bfd.h"
#include "daemon/daemon.h"
#include "daemon/hooks.h"
#include "daemon/health.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_BADCONF = 2 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vipd [-c FILE] [--node N] [--control SOCK] [-f] [-v]\n"
		"  -c, --config FILE   cluster file (default %s)\n"
		"  -n, --node N        which node this is (default: the host name)\n"
		"  -s, --control SOCK  control socket (default %s)\n"
		"      --control-group GROUP\n"
		"                      its members may read status, metrics and events on\n"
		"                      the control socket (changes stay root's)\n"
		"  -f, --foreground    stay in the foreground, log to stderr (always so)\n"
		"  -v, --verbose       debug logs (every dropped packet)\n"
		"      --cleanup       remove this config's VIPs from its interfaces (and its\n"
		"                      virtual MAC links) and exit\n"
		"                      (ExecStopPost: after a crash the VIPs must not linger)\n"
		"      --http ADDR:PORT\n"
		"                      serve the REST API (/api/v1/), its event stream and\n"
		"                      GET /metrics there, e.g. 127.0.0.1:9712 (:9712 is\n"
		"                      loopback's); --metrics-listen is its older name\n"
		"      --http-token-file FILE\n"
		"                      the bearer token of the API's writes (drain, undrain,\n"
		"                      reload, validate); root's, mode 0600. Without it the\n"
		"                      API is read-only\n",
		VIPD_DEFAULT_CONFIG, VIPD_DEFAULT_CONTROL);
}

static int parse_args(struct daemon *d, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"node", required_argument, NULL, 'n'},
	    {"control", required_argument, NULL, 's'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"cleanup", no_argument, NULL, 'C'},
	    {"metrics-listen", required_argument, NULL, 'M'},
	    {"http", required_argument, NULL, 'M'},
	    {"http-token-file", required_argument, NULL, 'T'},
	    {"control-group", required_argument, NULL, 'G'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:n:s:fvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d->config_path = optarg;
			break;
		case 'n':
			d->node_opt = optarg;
			break;
		case 's':
			d->control_path = optarg;
			break;
		case 'f':
			d->foreground = true;
			break;
		case 'v':
			d->rt.log_level = VRRP_RT_LOG_DEBUG;
			break;
		case 'C':
			d->cleanup_only = true;
			break;
		case 'M':
			d->metrics_listen = optarg;
			break;
		case 'G':
			d->control_group = optarg;
			break;
		case 'T':
			d->http_token_file = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vipd: error: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (d->http_token_file && !d->metrics_listen) {
		fprintf(stderr, "vipd: error: --http-token-file without --http\n");
		return -EINVAL;
	}
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		/* the outcome is logged and sent as an event (reload.c) */
		if (!daemon_reload_request(d, "SIGHUP", NULL, NULL))
			vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR, "SIGHUP: reload: out of memory");
		return;
	}
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "%s: shutting down",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	notify_send("STOPPING=1");
	events_daemon(d, "shutdown", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	vrrp_rt_shutdown(&d->rt);
	bfd_runner_stop(d->bfd); /* after the priority 0: AdminDown alone moves nothing */
	event_base_loopbreak(d->base);
}

static int add_signals(struct daemon *d)
{
	static const int sigs[3] = {SIGTERM, SIGINT, SIGHUP};

	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < 3; i++) {
		d->sig_ev[i] = evsignal_new(d->base, sigs[i], on_signal, d);
		if (!d->sig_ev[i] || event_add(d->sig_ev[i], NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* What an instance event means beyond the event stream: its sync group
 * may have to be judged again, and its hooks (or its group's) run. */
static void relay_inst_event(struct daemon *d, const struct vrrp_inst *inst,
			     enum vrrp_rt_event what)
{
	health_inst_event(d->health, inst, what);
	if (what == VRRP_RT_EV_TRANSITION)
		hooks_transition(d->hooks, inst);
}

static void on_bfd_change(void *arg, const struct bfd_path *p, enum bfd_state from)
{
	events_bfd(arg, p, (int)from);
}

static void cleanup(struct daemon *d)
{
	vrrp_rt_shutdown(&d->rt); /* idempotent: nothing left to do after SIGTERM */
	hooks_stop(d->hooks);	  /* after the VIPs are gone */
	hooks_free(d->hooks);
	d->hooks = NULL;
	http_close(d);
	control_close(d);	/* cancels the clients' reloads */
	daemon_reload_close(d); /* waits for a parse on the thread */
	events_done(d);
	for (int i = 0; i < 3; i++)
		if (d->sig_ev[i])
			event_free(d->sig_ev[i]);
	if (d->watchdog_ev)
		event_free(d->watchdog_ev);
	bfd_runner_free(d->bfd); /* AdminDown if not said yet; before vrrp_rt_done */
	d->bfd = NULL;
	health_free(d->health); /* unbinds the instances: before vrrp_rt_done */
	vrrp_rt_done(&d->rt);
	daemon_trim_done(d);
	daemon_config_free(&d->config_text, d->record);
	if (d->base)
		event_base_free(d->base);
	libevent_global_shutdown();
}

/* --cleanup: what a restart would sweep, without starting. */
static int cleanup_only(struct daemon *d)
{
	struct vrrp_inst_spec *specs;
	size_t n;
	int removed, links;

	if (vrrp_rt_specs_from_record(d->record, &specs, &n) < 0)
		return EXIT_FAIL;
	removed = daemon_remove_leftovers(d, specs, n);
	links = vrrp_rt_remove_vmac_links(&d->rt, specs, n);
	vrrp_rt_specs_free(specs, n);
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "cleanup: removed %d VIPs, %d virtual MAC links",
		    removed, links);
	return EXIT_OK;
}

/* Everything up to the loop; returns an exit code, or -1 to run. */
static int setup(struct daemon *d)
{
	int rc;

	if (daemon_load(d, &d->config_text, &d->record, NULL) < 0)
		return EXIT_BADCONF;
	if (d->cleanup_only)
		return cleanup_only(d);
	rc = daemon_reload_init(d);
	if (rc == 0)
		rc = add_signals(d);
	if (rc == 0)
		rc = control_open(d);
	if (rc < 0) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR, "control socket %s: %s", d->control_path,
			    rc == -ENOTSOCK	? "exists and is not a socket: not removed"
			    : rc == -ESRCH	? "--control-group names no group"
			    : rc == -EADDRINUSE ? "another vipd answers there"
						: strerror(-rc));
		return EXIT_FAIL;
	}
	if (d->metrics_listen && (api_open(d) < 0 || http_open(d) < 0))
		return EXIT_FAIL;
	rc = privs_drop(privs_needs_users(d->record));
	if (rc == 0 && privs_needs_users(d->record) && geteuid() == 0 && !privs_can_switch_users())
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR,
			    "exec checks run as another user than root, but vipd lacks CAP_SETUID, "
			    "CAP_SETGID or CAP_KILL (the unit's CapabilityBoundingSet): they will "
			    "fail; add packaging/systemd/exec-checks.conf as a drop-in, or write "
			    "`user: root`");
	if (rc < 0) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR, "cannot drop capabilities: %s", strerror(-rc));
		return EXIT_FAIL;
	}
	/* events to the control socket's subscribers and the HTTP streams */
	events_init(d, api_push_event);
	d->events.relay = relay_inst_event;
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO,
		    "vipd %s starting: cluster %s, node %s, %s, control %s", VIPD_VERSION,
		    d->record->cluster_name, d->node_name, d->config_path, d->control_path);
	d->health = health_new(&d->rt); /* link, gateway and service checks */
	if (!d->health)
		return EXIT_FAIL;
	health_on_check(d->health, events_check, d);
	d->bfd = bfd_runner_new(d->base, &d->rt); /* synced with the instances */
	if (!d->bfd)
		return EXIT_FAIL;
	bfd_runner_on_change(d->bfd, on_bfd_change, d);
	daemon_restore_drain(d); /* before the instances: they start drained */
	if (daemon_start_instances(d) < 0 || notify_watchdog_start(d) < 0)
		return EXIT_FAIL;
	/* the load's parse tree and scratch were freed amid the heap, and the
	 * start ran code the loop will not */
	daemon_trim(d);
	notify_send("READY=1");
	return -1;
}

/* The allocator, before the first allocation (docs/decisions.md, "vipd's
 * memory"). One arena: the reload worker (reload.c) would otherwise get
 * its own (64 MiB of address space, and the pages its parse touched kept
 * for the next one); the parse is rare and short, so sharing the main
 * arena's lock costs nothing. Fixed mmap and trim thresholds: glibc raises
 * both after a large block is freed (up to 32 MiB), and the heap would
 * then keep what a large reply or a reload's parse freed. */
static void tune_malloc(void)
{
	(void)mallopt(M_ARENA_MAX, 1);
	(void)mallopt(M_MMAP_THRESHOLD, 128 << 10);
	(void)mallopt(M_TRIM_THRESHOLD, 128 << 10);
}

/* The loop's timers on the precise monotonic clock: by default libevent
 * reads CLOCK_MONOTONIC_COARSE (a tick of several ms) and wakes epoll in
 * whole ms, so a 5 ms timer woke the loop two or three times (strace: an
 * epoll_wait of 5 ms, then of 1 ms until the coarse clock moved on), and
 * adverts on the timer grid left up to a tick late. With the flag, a
 * timerfd wakes epoll at the deadline: one wake-up a timer. */
static struct event_base *loop_new(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base = NULL;

	if (cfg && event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) == 0)
		base = event_base_new_with_config(cfg);
	if (cfg)
		event_config_free(cfg);
	return base ? base : event_base_new();
}

int main(int argc, char **argv)
{
	struct daemon d = {.config_path = VIPD_DEFAULT_CONFIG,
			   .control_path = VIPD_DEFAULT_CONTROL};
	int rc;

	tune_malloc();
	d.base = loop_new();
	if (!d.base || vrrp_rt_init(&d.rt, d.base) < 0) {
		fprintf(stderr, "vipd: error: cannot initialise: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if (parse_args(&d, argc, argv) < 0) {
		cleanup(&d);
		return EXIT_BADCONF;
	}
	/* stderr may be a pipe or journald that stops reading: the loop must
	 * not wait for it (a false failover); vrrp_rt_log_to queues, drops and
	 * counts instead */
	(void)vrrp_rt_log_to(&d.rt, STDERR_FILENO);
	rc = privs_drop_for_setup(true); /* the file, not read yet, decides on users */
	if (rc < 0) {
		fprintf(stderr, "vipd: error: cannot drop capabilities: %s\n", strerror(-rc));
		cleanup(&d);
		return EXIT_FAIL;
	}
	d.started_wall_ms = vrrp_rt_wall_ms();
	rc = setup(&d);
	if (rc < 0) {
		event_base_dispatch(d.base);
		rc = d.exit_code;
		vrrp_rt_log(&d.rt, VRRP_RT_LOG_INFO, "stopped");
	}
	cleanup(&d);
	return rc;
}
