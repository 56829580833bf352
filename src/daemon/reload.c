/* Reload off the event loop: the file is read, parsed, validated and
 * compiled for this node (daemon_load_parse) on a worker thread while the
 * loop goes on sending adverts; the thread then writes to an eventfd and
 * the loop logs the diagnostics and applies the result (config.c).
 *
 * The parse shares nothing with the loop: the model, the loader and libyaml
 * keep no global state (each parse has its own parser, arena and
 * diagnostics; the loader's only library calls are open/fstat/read,
 * gethostname and strerror), and the thread reads only the file's path and
 * --node, which never change. The thread blocks every signal, so that
 * SIGHUP and SIGTERM still reach the loop's handlers.
 *
 * One parse runs at a time. A reload asked for while one is being parsed
 * waits for the next parse (the running one may have read the file before
 * it changed), and every request that came in meanwhile shares it: the
 * latest file wins, and each waiter is answered by the first parse that
 * started after it asked. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/daemon.h"

struct reload_waiter {
	struct reload_waiter *next;
	const char *by; /* "SIGHUP", "vipctl" */
	daemon_reload_done_fn done;
	void *ctx;
};

struct reloader {
	struct daemon *d;
	int efd;
	struct event *ev;
	bool running; /* a parse is on the thread */
	pthread_t thread;
	struct daemon_loaded result;   /* the thread's, read after the join */
	struct reload_waiter *covered; /* answered by the running parse */
	struct reload_waiter *next;    /* answered by the one after it */
	bool again;		       /* a request came while one ran */
	int64_t started_ms, parsed_ms; /* monotonic: for the log */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *parse_main(void *arg)
{
	struct reloader *r = arg;
	uint64_t one = 1;

	daemon_load_parse(r->d->config_path, r->d->node_opt, &r->result);
	r->parsed_ms = mono_ms();
	(void)!write(r->efd, &one, sizeof(one));
	return NULL;
}

static void start_parse(struct reloader *r)
{
	sigset_t all, old;
	int rc;

	vrrp_rt_log(&r->d->rt, VRRP_RT_LOG_INFO, "reloading %s", r->d->config_path);
	r->covered = r->next;
	r->next = NULL;
	r->again = false;
	r->running = true;
	r->started_ms = mono_ms();
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->thread, NULL, parse_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		/* no thread (out of memory, RLIMIT_NPROC): parse here, as before */
		vrrp_rt_log(&r->d->rt, VRRP_RT_LOG_WARN,
			    "reload: no worker thread (%s): parsing in the loop", strerror(rc));
		r->thread = pthread_self();
		parse_main(r);
	}
}

static const char *first_by(const struct reload_waiter *w)
{
	for (; w; w = w->next)
		if (w->by)
			return w->by;
	return "vipctl";
}

/* The parse is done: apply it, answer whoever it covered, start the next. */
static void on_parsed(evutil_socket_t fd, short what, void *arg)
{
	struct reloader *r = arg;
	struct daemon *d = r->d;
	struct reload_waiter *w, *next;
	json_t *errors = json_array();
	const char *by;
	uint64_t n;
	int rc;

	(void)what;
	if (read(fd, &n, sizeof(n)) != sizeof(n) || !r->running)
		return;
	if (!pthread_equal(r->thread, pthread_self()))
		pthread_join(r->thread, NULL);
	r->running = false;
	rc = daemon_reload_apply(d, &r->result, errors);
	vrrp_rt_log(
	    &d->rt, VRRP_RT_LOG_INFO, "reload: parsed in %lld ms off the loop, applied in %lld ms",
	    (long long)(r->parsed_ms - r->started_ms), (long long)(mono_ms() - r->parsed_ms));
	by = first_by(r->covered);
	if (rc < 0)
		events_daemon(d, "reload-failed",
			      strcmp(by, "SIGHUP") == 0
				  ? "SIGHUP: the new configuration has errors"
				  : "the new configuration has errors; nothing changed");
	else
		events_daemon(d, "reload", strcmp(by, "SIGHUP") == 0 ? "SIGHUP" : d->config_path);
	w = r->covered;
	r->covered = NULL;
	for (; w; w = next) {
		next = w->next;
		if (w->done)
			w->done(d, w->ctx, rc, errors);
		free(w);
	}
	json_decref(errors);
	if (r->again) {
		start_parse(r);
		return;
	}
	/* the parse's model and the old record were freed amid the heap, and
	 * the parse ran code the loop does not */
	daemon_trim(r->d);
}

int daemon_reload_init(struct daemon *d)
{
	struct reloader *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->d = d;
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0) {
		free(r);
		return -errno;
	}
	r->ev = event_new(d->base, r->efd, EV_READ | EV_PERSIST, on_parsed, r);
	if (!r->ev || event_add(r->ev, NULL) < 0) {
		if (r->ev)
			event_free(r->ev);
		close(r->efd);
		free(r);
		return -ENOMEM;
	}
	d->reloader = r;
	return 0;
}

struct reload_waiter *daemon_reload_request(struct daemon *d, const char *by,
					    daemon_reload_done_fn done, void *ctx)
{
	struct reloader *r = d->reloader;
	struct reload_waiter *w = calloc(1, sizeof(*w)), **tail;

	if (!w)
		return NULL;
	w->by = by;
	w->done = done;
	w->ctx = ctx;
	for (tail = &r->next; *tail; tail = &(*tail)->next)
		;
	*tail = w;
	if (r->running)
		r->again = true; /* coalesced into the next parse */
	else
		start_parse(r);
	return w;
}

static bool unlink_waiter(struct reload_waiter **list, struct reload_waiter *w)
{
	for (; *list; list = &(*list)->next)
		if (*list == w) {
			*list = w->next;
			return true;
		}
	return false;
}

void daemon_reload_cancel(struct daemon *d, struct reload_waiter *w)
{
	struct reloader *r = d->reloader;

	if (r && w && (unlink_waiter(&r->covered, w) || unlink_waiter(&r->next, w)))
		free(w);
}

bool daemon_reload_running(const struct daemon *d)
{
	return d->reloader && d->reloader->running;
}

static void free_waiters(struct reload_waiter *w)
{
	for (struct reload_waiter *next; w; w = next) {
		next = w->next;
		free(w);
	}
}

/* At exit: a parse on the thread is waited for (a second at most, the
 * loader's limits) and thrown away. */
void daemon_reload_close(struct daemon *d)
{
	struct reloader *r = d->reloader;

	if (!r)
		return;
	if (r->running) {
		if (!pthread_equal(r->thread, pthread_self()))
			pthread_join(r->thread, NULL);
		diag_list_done(&r->result.dl);
		daemon_config_free(&r->result.text, r->result.record);
	}
	free_waiters(r->covered);
	free_waiters(r->next);
	event_free(r->ev);
	close(r->efd);
	free(r);
	d->reloader = NULL;
}
