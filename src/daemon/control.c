/* The control socket: a unix stream socket; each request is one JSON
 * object on one line, each response too (see docs/json.md, "Control
 * socket"). Requests: status, reload, drain, undrain, metrics, subscribe.
 * After "subscribe" the connection carries events (events.c), one per
 * line, until the client closes it; what it sends then is ignored.
 *
 * A local client must not stall or exhaust the daemon (docs/security.md):
 * at most MAX_CLIENTS connections; a request line of at most
 * CONTROL_MAX_REQUEST bytes (the protocol itself, framing and parsing, is
 * control_proto.c); requests are answered one at a time, and a client that
 * does not read its answers stops being read (its output stays under
 * CONTROL_OUT_HIGH, its pipelined requests wait in the kernel), as does one
 * whose reload is being parsed (reload.c); an idle one is closed after
 * IDLE_SECONDS. Who may change things is judged by the peer's credentials
 * (SO_PEERCRED): root (or vipd's own user) may do everything, members of
 * --control-group may read (status, metrics, events). */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "daemon/control_proto.h"
#include "daemon/daemon.h"
#include "daemon/doc_stream.h"

#define MAX_BACKLOG  (4u << 20) /* a subscriber this far behind is dropped */
#define MAX_CLIENTS  64
#define IDLE_SECONDS 60 /* no request, or an answer not taken, for this long */

struct control_client {
	struct daemon *d;
	struct bufferevent *bev;
	struct control_client *next;
	struct control_session session; /* control_proto.h */
	struct reload_waiter *reload;	/* a reload being parsed for this client */
	struct doc_stream *stream;	/* an answer being written (status, metrics) */
	bool may_write;			/* root or vipd's user: reload, drain, undrain */
	bool closing;			/* an answer was cut: close once it is out */
	bool eof;			/* the client sends no more: close once answered */
	uid_t uid;
};

static size_t client_count(const struct daemon *d)
{
	size_t n = 0;

	for (const struct control_client *c = d->clients; c; c = c->next)
		n++;
	return n;
}

static void client_free(struct control_client *c)
{
	struct control_client **pp = &c->d->clients;

	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	daemon_reload_cancel(c->d, c->reload);
	doc_stream_free(c->stream);
	bufferevent_free(c->bev);
	free(c);
}

static bool serve_requests(struct control_client *c);

/* The parse that covered this client's reload is applied: answer, then
 * serve the requests that waited behind it. */
static void on_reloaded(struct daemon *d, void *ctx, int rc, json_t *errors)
{
	struct control_client *c = ctx;
	json_t *resp;

	c->reload = NULL;
	c->session.waiting = false;
	if (rc < 0)
		resp = control_reply_error("the new configuration has errors; nothing changed",
					   json_incref(errors));
	else
		resp = control_reply_ok(json_pack("{s:I}", "instances", (json_int_t)d->rt.n_insts));
	control_write_json(c->session.out, resp);
	json_decref(resp);
	serve_requests(c);
}

static json_t *do_reload(struct control_client *c)
{
	c->reload = daemon_reload_request(c->d, "vipctl", on_reloaded, c);
	if (!c->reload)
		return control_reply_error("out of memory", NULL);
	c->session.waiting = true; /* answered by on_reloaded */
	return NULL;
}

static json_t *do_drain(struct daemon *d, bool drain)
{
	daemon_set_drained(d, drain, "vipctl");
	return control_reply_ok(json_pack("{s:b}", "drained", d->rt.drained));
}

/* The next batches of the answer being streamed, up to DOC_STREAM_HIGH
 * bytes waiting; once it is complete the client's next requests may be
 * read. False when the stream is over (complete, or cut: out of memory,
 * the connection is then closed). */
static bool pump(struct control_client *c)
{
	enum doc_stream_rc rc = doc_stream_fill(c->stream, c->session.out);

	if (rc == DOC_STREAM_MORE)
		return true;
	doc_stream_free(c->stream);
	c->stream = NULL;
	/* on_write again only when every answer was taken */
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	if (rc == DOC_STREAM_ERR) {
		/* nothing more is served (still waiting); the idle limit
		 * closes it if nothing is left to write */
		vrrp_rt_log(&c->d->rt, VRRP_RT_LOG_ERR, "control: out of memory in an answer");
		c->closing = true; /* on_write closes it once the cut answer is out */
		return false;
	}
	c->session.waiting = false;
	return false;
}

/* status and metrics: streamed (doc_stream.h), so that their memory does
 * not grow with the instances; the next batch is made when the output
 * drained below DOC_STREAM_LOW (the write watermark calls on_write). */
static json_t *stream_answer(struct control_client *c, struct doc_stream *s)
{
	if (!s)
		return control_reply_error("out of memory", NULL);
	c->stream = s;
	c->session.waiting = true;
	bufferevent_setwatermark(c->bev, EV_WRITE, DOC_STREAM_LOW, 0);
	pump(c);
	return NULL;
}

/* {"cmd": "subscribe", "backlog": N}: the answer, then the last N kept
 * events, then every new one. */
static json_t *do_subscribe(struct control_client *c, json_t *req)
{
	json_int_t backlog = json_integer_value(json_object_get(req, "backlog"));
	size_t n = backlog > 0 ? (size_t)backlog : 0;
	json_t *r;

	if (n > events_kept(c->d))
		n = events_kept(c->d);
	r = control_reply_ok(json_pack("{s:b, s:I, s:I}", "subscribed", 1, "backlog", (json_int_t)n,
				       "seq", (json_int_t)c->d->events.seq));
	control_write_json(c->session.out, r);
	json_decref(r);
	for (size_t i = 0; i < n; i++) {
		const struct daemon_kept_event *ev = events_recent(c->d, n, i);

		if (ev && ev->text) /* as control_write_json writes a live one */
			evbuffer_add_printf(c->session.out, "%s\n", ev->text);
	}
	c->session.subscribed = true;
	/* a subscriber sends nothing more and may see no event for hours:
	 * no idle limit; one that stops reading is dropped at MAX_BACKLOG */
	bufferevent_set_timeouts(c->bev, NULL, NULL);
	return NULL;
}

static json_t *answer(struct control_session *s, const struct control_request *r)
{
	struct control_client *c = s->ctx;
	struct daemon *d = c->d;

	vrrp_rt_log(&d->rt, VRRP_RT_LOG_DEBUG, "control: %s (uid %u)", r->name, (unsigned)c->uid);
	if (control_cmd_writes(r->cmd) && !c->may_write) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN, "control: %s refused to uid %u (not root)",
			    r->name, (unsigned)c->uid);
		return control_reply_error("permission denied: only root may change the daemon "
					   "(reload, drain, undrain)",
					   NULL);
	}
	switch (r->cmd) {
	case CONTROL_STATUS:
		/* the bytes json_dumps(control_reply_ok(status_json(d))) gives */
		return stream_answer(c, status_stream_new(d, false, JSON_COMPACT,
							  "{\"ok\":true,\"result\":", "}\n"));
	case CONTROL_RELOAD:
		return do_reload(c);
	case CONTROL_DRAIN:
	case CONTROL_UNDRAIN:
		return do_drain(d, r->cmd == CONTROL_DRAIN);
	case CONTROL_METRICS:
		return stream_answer(c, metrics_stream_new(d, true));
	case CONTROL_SUBSCRIBE:
		return do_subscribe(c, r->json);
	case CONTROL_UNKNOWN:
		break;
	}
	return control_reply_error("unknown command", NULL);
}

/* Serves what the client sent (control_serve); stops reading it while its
 * answers wait or a reload is parsed for it. Returns false when c was
 * freed. */
static bool serve_requests(struct control_client *c)
{
	switch (control_serve(&c->session)) {
	case CONTROL_SERVE_CLOSE:
		client_free(c);
		return false;
	case CONTROL_SERVE_PAUSE:
		bufferevent_disable(c->bev, EV_READ);
		return true;
	case CONTROL_SERVE_READ:
		if (!c->eof) {
			bufferevent_enable(c->bev, EV_READ);
			break;
		}
		/* nothing more will come: close once every answer is out
		 * (on_write calls again when the output drained) */
		if (!c->stream && !evbuffer_get_length(c->session.out)) {
			client_free(c);
			return false;
		}
		break;
	}
	return true;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	serve_requests(arg);
}

/* Every answer was taken: read and serve the requests that waited. While
 * an answer streams: its output drained below DOC_STREAM_LOW, the next
 * batches. */
static void on_write(struct bufferevent *bev, void *arg)
{
	struct control_client *c = arg;

	(void)bev;
	if (c->closing) {
		if (!evbuffer_get_length(c->session.out))
			client_free(c);
		return;
	}
	if (c->session.subscribed || (c->stream && pump(c)) || c->closing)
		return;
	serve_requests(c);
}

void control_broadcast(struct daemon *d, const json_t *event)
{
	struct control_client *c = d->clients, *next;

	for (; c; c = next) {
		next = c->next;
		if (!c->session.subscribed)
			continue;
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > MAX_BACKLOG) {
			vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN,
				    "control: an event subscriber stopped reading: dropped");
			client_free(c);
			continue;
		}
		control_write_json(c->session.out, event);
	}
}

/* A client that shut its sending side (`socat`, a script's half-close)
 * still gets the answers to what it sent: a streamed one has more to
 * come than the output holds. */
static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct control_client *c = arg;

	if (what == (BEV_EVENT_EOF | BEV_EVENT_READING) && !c->session.subscribed &&
	    (c->stream || evbuffer_get_length(c->session.out))) {
		bufferevent_disable(bev, EV_READ);
		c->eof = true;
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		client_free(c);
}

/* The peer's user, from the kernel (SO_PEERCRED). -errno if unknown. */
static int peer_uid(evutil_socket_t fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	*uid = cred.uid;
	return 0;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	const struct timeval idle = {.tv_sec = IDLE_SECONDS};
	struct daemon *d = arg;
	struct control_client *c;
	uid_t uid = (uid_t)-1;

	(void)l;
	(void)sa;
	(void)len;
	if (peer_uid(fd, &uid) < 0 || client_count(d) >= MAX_CLIENTS) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN, "control: connection refused (%s)",
			    client_count(d) >= MAX_CLIENTS ? "64 clients already"
							   : "no peer credentials");
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->d = d;
	c->uid = uid;
	c->may_write = uid == 0 || uid == geteuid();
	c->bev = bufferevent_socket_new(d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return;
	}
	c->session = (struct control_session){.in = bufferevent_get_input(c->bev),
					      .out = bufferevent_get_output(c->bev),
					      .answer = answer,
					      .ctx = c};
	c->next = d->clients;
	d->clients = c;
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* Out of descriptors (EMFILE, ENFILE): pause accepting, not spin. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
	daemon_accept_backoff(arg, l, "control");
}

/* A socket file nobody answers on is a leftover of a crash: remove it.
 * One that answers belongs to a running vipd: refuse to start twice.
 * Anything but a socket (a mistyped --control /etc/...) is never removed. */
static int clear_stale(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc = 0;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
		rc = -EADDRINUSE;
	else if (errno == ECONNREFUSED)
		unlink(sun->sun_path);
	close(fd);
	return rc;
}

static void make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755); /* /run/vipd; an existing one is fine */
	}
}

/* --control-group: its members may connect (and read); 0660 root:group. */
static int set_group(const char *path, const char *group)
{
	struct group *g;

	if (!group)
		return 0;
	g = getgrnam(group);
	if (!g)
		return -ESRCH;
	return chown(path, (uid_t)-1, g->gr_gid) < 0 ? -errno : 0;
}

static int bind_control(const char *path, const char *group)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	make_parent(path);
	rc = clear_stale(&sun);
	if (rc < 0)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, 0660) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = set_group(path, group);
	if (rc < 0) {
		close(fd);
		unlink(path);
		return rc;
	}
	return fd;
}

int control_open(struct daemon *d)
{
	int fd = bind_control(d->control_path, d->control_group);

	if (fd < 0)
		return fd;
	d->listener = evconnlistener_new(d->base, on_accept, d,
					 LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, fd);
	if (!d->listener) {
		close(fd);
		unlink(d->control_path);
		return -ENOMEM;
	}
	evconnlistener_set_error_cb(d->listener, on_accept_error);
	return 0;
}

/* The loop has stopped, so a bufferevent no longer writes (and its output
 * buffer's start is frozen): push what the subscribers have pending, the
 * shutdown's events, straight to their sockets if they take it now. */
static void flush_subscribers(struct daemon *d)
{
	for (struct control_client *c = d->clients; c; c = c->next) {
		struct evbuffer *out = bufferevent_get_output(c->bev);
		size_t len = evbuffer_get_length(out);
		unsigned char *data = len ? evbuffer_pullup(out, -1) : NULL;

		if (c->session.subscribed && data)
			(void)!send(bufferevent_getfd(c->bev), data, len,
				    MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

void control_close(struct daemon *d)
{
	flush_subscribers(d);
	while (d->clients)
		client_free(d->clients);
	if (d->listener) {
		evconnlistener_free(d->listener);
		d->listener = NULL;
		unlink(d->control_path);
	}
}
