/* The tcp probe: ok when a connection to the address and port is made
 * within the timeout (then closed at once), from a socket made in the
 * check's namespace; the loop waits for it as for any socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "check/svc_probe_internal.h"

struct tcp_state {
	int fd;
	struct event *ev;
};

static void tcp_close(struct tcp_state *t)
{
	if (t->ev) {
		event_free(t->ev);
		t->ev = NULL;
	}
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static void tcp_finish(struct svc_probe *p, int err)
{
	char detail[SVC_DETAIL_MAX];

	tcp_close(p->priv);
	if (err == 0)
		snprintf(detail, sizeof(detail), "%s open", p->subject);
	else
		snprintf(detail, sizeof(detail), "%s %s", p->subject, svc_connect_error(err));
	svc_attempt_end(p, err == 0, detail);
}

static void tcp_on_writable(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	tcp_finish(arg, svc_connect_result(fd));
}

static void tcp_begin(struct svc_probe *p)
{
	struct tcp_state *t = p->priv;
	bool done;
	int fd = svc_connect(p, &done);

	if (fd < 0 || done) {
		t->fd = fd < 0 ? -1 : fd;
		tcp_finish(p, fd < 0 ? fd : 0);
		return;
	}
	t->fd = fd;
	t->ev = event_new(p->base, fd, EV_WRITE, tcp_on_writable, p);
	if (!t->ev || event_add(t->ev, NULL) < 0)
		tcp_finish(p, -ENOMEM);
}

static void tcp_expire(struct svc_probe *p, char *detail, size_t size)
{
	tcp_close(p->priv);
	snprintf(detail, size, "%s no answer within %u ms", p->subject, p->cfg.timeout_ms);
}

static int tcp_init(struct svc_probe *p)
{
	struct tcp_state *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->fd = -1;
	p->priv = t;
	return 0;
}

static void tcp_fini(struct svc_probe *p)
{
	tcp_close(p->priv);
	free(p->priv);
	p->priv = NULL;
}

const struct svc_kind svc_tcp_kind = {
    .name = "tcp",
    .init = tcp_init,
    .begin = tcp_begin,
    .expire = tcp_expire,
    .fini = tcp_fini,
};
