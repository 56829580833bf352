/* The control socket: a unix stream socket; each request is one JSON
 * object on one line, each response too (see docs/json.md, "Control
 * socket"). Requests: status, reload, drain, undrain, metrics, subscribe.
 * After "subscribe" the connection carries events (events.c), one per
 * line, until the client closes it; what it sends then is ignored.
 *
 * A local client must not stall or exhaust the daemon (docs/security.md):
 * at most MAX_CLIENTS connections; a request line of at most MAX_REQUEST
 * bytes; requests are answered one at a time, and a client that does not
 * read its answers stops being read (its output stays under OUT_HIGH, its
 * pipelined requests wait in the kernel); an idle one is closed after
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

#include "daemon/daemon.h"

#define MAX_REQUEST  65536	  /* a longer line closes the connection */
#define MAX_BACKLOG  (4u << 20)	  /* a subscriber this far behind is dropped */
#define OUT_HIGH     (256u << 10) /* answers waiting: stop reading requests */
#define MAX_CLIENTS  64
#define IDLE_SECONDS 60 /* no request, or an answer not taken, for this long */

struct control_client {
	struct daemon *d;
	struct bufferevent *bev;
	struct control_client *next;
	bool subscribed;
	bool may_write; /* root or vipd's user: reload, drain, undrain */
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
	bufferevent_free(c->bev);
	free(c);
}

static json_t *reply_error(const char *msg, json_t *errors)
{
	json_t *r = json_pack("{s:b, s:s}", "ok", 0, "error", msg);

	if (errors)
		json_object_set_new(r, "errors", errors);
	return r;
}

static json_t *reply_ok(json_t *result)
{
	return json_pack("{s:b, s:o}", "ok", 1, "result", result ? result : json_object());
}

static json_t *do_reload(struct daemon *d)
{
	json_t *errors = json_array();

	if (daemon_reload(d, errors) < 0) {
		events_daemon(d, "reload-failed",
			      "the new configuration has errors; nothing changed");
		return reply_error("the new configuration has errors; nothing changed", errors);
	}
	json_decref(errors);
	events_daemon(d, "reload", d->config_path);
	return reply_ok(json_pack("{s:I}", "instances", (json_int_t)d->rt.n_insts));
}

static json_t *do_drain(struct daemon *d, bool drain)
{
	daemon_set_drained(d, drain, "vipctl");
	return reply_ok(json_pack("{s:b}", "drained", d->rt.drained));
}

static json_t *do_metrics(struct daemon *d)
{
	size_t len = 0;
	char *text = metrics_text(d, &len);
	json_t *r;

	if (!text)
		return reply_error("out of memory", NULL);
	r = reply_ok(json_pack("{s:s%}", "text", text, len));
	free(text);
	return r;
}

static void send_json(struct control_client *c, const json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT);

	if (!text)
		return;
	bufferevent_write(c->bev, text, strlen(text));
	bufferevent_write(c->bev, "\n", 1);
	free(text);
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
	r = reply_ok(json_pack("{s:b, s:I, s:I}", "subscribed", 1, "backlog", (json_int_t)n, "seq",
			       (json_int_t)c->d->events.seq));
	send_json(c, r);
	json_decref(r);
	for (size_t i = 0; i < n; i++)
		send_json(c, events_recent(c->d, n, i));
	c->subscribed = true;
	/* a subscriber sends nothing more and may see no event for hours:
	 * no idle limit; one that stops reading is dropped at MAX_BACKLOG */
	bufferevent_set_timeouts(c->bev, NULL, NULL);
	return NULL;
}

static bool is_write_command(const char *cmd)
{
	return strcmp(cmd, "reload") == 0 || strcmp(cmd, "drain") == 0 ||
	       strcmp(cmd, "undrain") == 0;
}

static json_t *handle(struct control_client *c, const char *line)
{
	struct daemon *d = c->d;
	json_error_t jerr;
	json_t *req = json_loads(line, 0, &jerr), *resp;
	const char *cmd = NULL;

	if (!req || json_unpack(req, "{s:s}", "cmd", &cmd) < 0) {
		json_decref(req);
		return reply_error("bad request: want {\"cmd\": "
				   "\"status|reload|drain|undrain|metrics|subscribe\"}",
				   NULL);
	}
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_DEBUG, "control: %s (uid %u)", cmd, (unsigned)c->uid);
	if (is_write_command(cmd) && !c->may_write) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN, "control: %s refused to uid %u (not root)",
			    cmd, (unsigned)c->uid);
		resp = reply_error("permission denied: only root may change the daemon "
				   "(reload, drain, undrain)",
				   NULL);
	} else if (strcmp(cmd, "status") == 0)
		resp = reply_ok(status_json(d));
	else if (strcmp(cmd, "reload") == 0)
		resp = do_reload(d);
	else if (strcmp(cmd, "drain") == 0 || strcmp(cmd, "undrain") == 0)
		resp = do_drain(d, strcmp(cmd, "drain") == 0);
	else if (strcmp(cmd, "metrics") == 0)
		resp = do_metrics(d);
	else if (strcmp(cmd, "subscribe") == 0)
		resp = do_subscribe(c, req);
	else
		resp = reply_error("unknown command", NULL);
	json_decref(req);
	return resp;
}

static size_t output_len(const struct control_client *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

/* Answers the complete request lines received, one at a time, until the
 * client has OUT_HIGH bytes of answers to take: then it is not read any
 * more (on_write resumes it). Returns false when c was freed. */
static bool serve_requests(struct control_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	char *line;
	size_t n;

	if (c->subscribed) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return true;
	}
	while (!c->subscribed && output_len(c) < OUT_HIGH &&
	       (line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF))) {
		json_t *resp = handle(c, line);

		free(line);
		if (resp)
			send_json(c, resp);
		json_decref(resp);
	}
	if (!c->subscribed && output_len(c) >= OUT_HIGH) {
		bufferevent_disable(c->bev, EV_READ);
		return true;
	}
	/* no complete line left: what is there is the start of one */
	if (evbuffer_get_length(in) > MAX_REQUEST) {
		client_free(c);
		return false;
	}
	return true;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	serve_requests(arg);
}

/* Every answer was taken: read and serve the requests that waited. */
static void on_write(struct bufferevent *bev, void *arg)
{
	struct control_client *c = arg;

	if (c->subscribed)
		return;
	bufferevent_enable(bev, EV_READ);
	serve_requests(c);
}

void control_broadcast(struct daemon *d, const json_t *event)
{
	struct control_client *c = d->clients, *next;

	for (; c; c = next) {
		next = c->next;
		if (!c->subscribed)
			continue;
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > MAX_BACKLOG) {
			vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN,
				    "control: an event subscriber stopped reading: dropped");
			client_free(c);
			continue;
		}
		send_json(c, event);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		client_free(arg);
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

		if (c->subscribed && data)
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
