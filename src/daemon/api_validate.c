/* POST /api/v1/validate: the candidate file is parsed in a child process,
 * not on the loop. A candidate of 1 MiB takes a parser a tenth of a second
 * or more, longer than a 100 ms advert interval, and the text comes from a
 * client: the child runs without capabilities, writes what `vipctl
 * validate -o json` prints to a pipe and exits; the loop reads the pipe as
 * any other socket and answers with it. At most API_VALIDATIONS_MAX at
 * once, each killed after TIMEOUT_S; an answer above OUT_MAX is refused. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "daemon/api.h"
#include "daemon/daemon.h"
#include "model/model_json.h"

#define TIMEOUT_S 10
#define OUT_MAX	  (32u << 20) /* every line of a 1 MiB file wrong, and then some */

struct job {
	struct api_validations *v;
	struct evhttp_request *req;
	pid_t pid;
	int fd;
	struct event *ev, *timer;
	struct evbuffer *out;
	struct job *next;
};

struct api_validations {
	struct daemon *d;
	struct job *jobs;
	size_t n;
};

/* ---- the child ---- */

static json_t *validate_json(const char *buf, size_t len)
{
	struct diag_list dl;
	struct model *m = NULL;
	json_t *r;

	diag_list_init(&dl, "candidate");
	if (model_load_buffer(buf, len, "candidate", &m, &dl) < 0) {
		diag_list_sort(&dl);
		r = json_pack("{s:b, s:o}", "valid", 0, "errors", model_diags_json(&dl));
	} else {
		diag_list_sort(&dl);
		r = json_pack("{s:b, s:s, s:i, s:i, s:o}", "valid", 1, "cluster", m->cluster_name.v,
			      "interfaces", (int)m->n_ifaces, "instances", (int)m->n_instances,
			      "warnings", model_diags_json(&dl));
	}
	model_free(m);
	diag_list_done(&dl);
	return r;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Never returns. */
__attribute__((noreturn)) static void child(int fd, const char *text, size_t len)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	json_t *r;
	char *out;

	/* the loop's handlers would tell the parent of a signal meant for us */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	if (privs_drop_all() < 0)
		_exit(3);
	r = validate_json(text, len);
	out = r ? json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	_exit(out && write_all(fd, out, strlen(out)) ? 0 : 2);
}

/* ---- the loop's side ---- */

static void job_free(struct job *j)
{
	struct job **pp = &j->v->jobs;

	while (*pp && *pp != j)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = j->next;
		j->v->n--;
	}
	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (j->ev)
		event_free(j->ev);
	if (j->timer)
		event_free(j->timer);
	if (j->fd >= 0)
		close(j->fd);
	if (j->out)
		evbuffer_free(j->out);
	free(j);
}

/* The child closed its end: it has exited or is exiting. */
static void finish(struct job *j)
{
	int status = 0;
	size_t len = evbuffer_get_length(j->out);
	unsigned char *text = len ? evbuffer_pullup(j->out, -1) : NULL;

	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	j->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && text)
		api_send(j->req, 200, API_JSON_TYPE, text, len);
	else
		api_reply_error(j->req, 500, "the validation failed (status %d)", status);
	job_free(j);
}

static void on_output(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;
	int n = evbuffer_read(j->out, fd, 65536);

	(void)what;
	if (n > 0 && evbuffer_get_length(j->out) <= OUT_MAX)
		return;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0) {
		finish(j);
		return;
	}
	api_reply_error(j->req, 500, "the validation's answer is too large or unreadable");
	job_free(j);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;

	(void)fd;
	(void)what;
	api_reply_error(j->req, 500, "the validation took more than %d s", TIMEOUT_S);
	job_free(j);
}

static int job_start(struct job *j, const char *text, size_t len)
{
	const struct timeval limit = {.tv_sec = TIMEOUT_S};
	struct event_base *base = j->v->d->base;
	int p[2];

	/* the loop's end only is non-blocking: the child writes all it has */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	j->pid = fork();
	if (j->pid == 0) {
		close(p[0]);
		child(p[1], text, len);
	}
	close(p[1]);
	j->fd = p[0];
	if (j->pid < 0)
		return -errno;
	j->out = evbuffer_new();
	j->ev = event_new(base, j->fd, EV_READ | EV_PERSIST, on_output, j);
	j->timer = evtimer_new(base, on_timeout, j);
	if (!j->out || !j->ev || !j->timer || event_add(j->ev, NULL) < 0 ||
	    evtimer_add(j->timer, &limit) < 0)
		return -ENOMEM;
	return 0;
}

void api_validate_start(struct api_validations *v, struct evhttp_request *req, const char *text,
			size_t len)
{
	struct job *j;
	int rc;

	if (v->n >= API_VALIDATIONS_MAX) {
		api_reply_error(req, 503, "%d validations at work already; try again",
				API_VALIDATIONS_MAX);
		return;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		api_reply_error(req, 500, "out of memory");
		return;
	}
	j->v = v;
	j->req = req;
	j->fd = -1;
	j->next = v->jobs;
	v->jobs = j;
	v->n++;
	rc = job_start(j, text, len);
	if (rc < 0) {
		api_reply_error(req, 500, "cannot start the validation: %s", strerror(-rc));
		job_free(j);
	}
}

struct api_validations *api_validations_new(struct daemon *d)
{
	struct api_validations *v = calloc(1, sizeof(*v));

	if (v)
		v->d = d;
	return v;
}

void api_validations_free(struct api_validations *v)
{
	if (!v)
		return;
	while (v->jobs)
		job_free(v->jobs);
	free(v);
}
