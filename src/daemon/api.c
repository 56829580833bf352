/* The REST API on the --http server (docs/api.md; the contract is
 * docs/openapi.json, served at /api/v1/openapi.json):
 *
 *   GET  /healthz                 the loop answers
 *   GET  /api/v1/status           `vipctl status -o json`
 *   GET  /api/v1/instances/NAME   one instance of it (NAME URL-encoded)
 *   GET  /api/v1/model            `vipctl show -o json` of the file in force
 *   GET  /api/v1/events           Server-Sent Events (api_sse.c)
 *   GET  /api/v1/openapi.json     the description, compiled in
 *   GET  /, /app.js, /style.css   the page (src/daemon/www/), compiled in
 *   POST /api/v1/drain, /undrain, /reload
 *   POST /api/v1/validate         a candidate file -> its diagnostics
 *
 * Reads are open to whoever reaches the address (keep it on loopback);
 * every POST needs `Authorization: Bearer TOKEN` with the token of
 * --http-token-file, and without that file the API is read-only (403).
 * Answers and errors are JSON: {"status": CODE, "error": "..."} for an
 * error. Bounds: http.c's (headers, idle time); a body only for POST and
 * at most VALIDATE_MAX; requests over RATE_PER_S a second (all clients
 * together, a burst of RATE_PER_S) get 429 before any work is done, and
 * so do all once the API has taken its share of the loop: LOOP_SHARE_PCT
 * of the time (a status of a thousand instances costs tens of ms), with
 * at most BUSY_MAX_US at once after a quiet time. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/api.h"
#include "daemon/daemon.h"
#include "model/model_json.h"

#define METRICS_TYPE   "text/plain; version=0.0.4; charset=utf-8"
#define VALIDATE_MAX   (1u << 20) /* a candidate file; the API's largest body */
#define GET_BODY_MAX   1024	  /* a GET carries none; as http.c without the API */
#define RATE_PER_S     500
#define LOOP_SHARE_PCT 25
#define BUSY_MAX_US    250000

struct api {
	struct daemon *d;
	char *token; /* NULL: read-only */
	struct api_sse *sse;
	struct api_validations *validations;
	double tokens; /* the rate limit's bucket */
	uint64_t refill_ms;
	int64_t budget_us; /* the loop time the API may still take */
	uint64_t budget_at_us;
	/* GET /api/v1/model's text, made once per file in force: it changes
	 * only with a reload (d->reloads counts them) */
	char *model_text;
	uint64_t model_reloads;
	struct api_reload *reloads;  /* POST /api/v1/reload waiting for the parse */
	struct api_streams *streams; /* status and metrics answers in progress */
};

struct route {
	const char *path;
	bool prefix; /* the path continues with a name */
	bool write;  /* POST, with the token */
	void (*serve)(struct api *a, struct evhttp_request *req, const char *rest);
};

static const char *peer_of(struct evhttp_request *req)
{
	const char *host = "?";
	ev_uint16_t port;
	struct evhttp_connection *c = evhttp_request_get_connection(req);

	if (c)
		evhttp_connection_get_peer(c, (char **)&host, &port);
	return host;
}

/* ---- reads ---- */

static void serve_healthz(struct api *a, struct evhttp_request *req, const char *rest)
{
	(void)rest;
	api_reply_json(req, 200,
		       json_pack("{s:s, s:s, s:I, s:b, s:I}", "status", "ok", "node",
				 a->d->node_name, "instances", (json_int_t)a->d->rt.n_insts,
				 "drained", a->d->rt.drained, "event_streams",
				 (json_int_t)api_sse_count(a->sse)));
}

/* ?counters=false: without the instances' counters and the sockets (a
 * third of the size, and of the time, with a thousand instances). */
static bool query_false(struct evhttp_request *req, const char *name)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq args;
	bool no = false;

	if (query && evhttp_parse_query_str(query, &args) == 0) {
		const char *v = evhttp_find_header(&args, name);

		no = v && (strcmp(v, "false") == 0 || strcmp(v, "0") == 0);
		evhttp_clear_headers(&args);
	}
	return no;
}

/* Streamed: the bytes of json_dumps(status_json(d)) with these flags. */
static void serve_status(struct api *a, struct evhttp_request *req, const char *rest)
{
	(void)rest;
	api_stream_start(a->streams, req, API_JSON_TYPE,
			 status_stream_new(a->d, query_false(req, "counters"),
					   JSON_COMPACT | JSON_PRESERVE_ORDER, "", ""),
			 &a->budget_us);
}

/* NAME is URL-encoded ("eth0%2Fmaster%2Fipv4%2Fvrrp"); its slashes may
 * also come as they are. */
static void serve_instance(struct api *a, struct evhttp_request *req, const char *rest)
{
	size_t len = 0;
	char *name = evhttp_uridecode(rest, 0, &len);
	json_t *inst;

	if (!name || len == 0 || strlen(name) != len) {
		free(name);
		api_reply_error(req, 400, "want /api/v1/instances/NAME, NAME URL-encoded");
		return;
	}
	inst = status_instance_json(a->d, name);
	if (inst) {
		free(name);
		api_reply_json(req, 200, inst);
		return;
	}
	api_reply_error(req, 404, "no instance '%s' on node %s (GET /api/v1/status lists them)",
			name, a->d->node_name);
	free(name);
}

/* The model of the file in force, made again from the bytes it was
 * loaded from (the daemon keeps the node record, not the model); NULL
 * when out of memory. */
static char *model_text_of(struct daemon *d)
{
	struct model *m = NULL;
	struct diag_list dl;
	json_t *doc = NULL;
	char *text = NULL;

	diag_list_init(&dl, d->config_path);
	if (model_load_buffer(d->config_text.bytes, d->config_text.len, d->config_path, &m, &dl) >=
	    0)
		doc = model_show_json(m, d->record->node);
	if (doc)
		text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	model_free(m);
	diag_list_done(&dl);
	/* the model was freed amid the heap; its parse ran code the loop
	 * does not */
	daemon_trim(d);
	return text;
}

static void serve_model(struct api *a, struct evhttp_request *req, const char *rest)
{
	(void)rest;
	if (!a->model_text || a->model_reloads != a->d->reloads) {
		free(a->model_text);
		a->model_text = model_text_of(a->d);
		a->model_reloads = a->d->reloads;
	}
	if (!a->model_text)
		api_reply_error(req, 500, "out of memory");
	else
		api_send(req, 200, API_JSON_TYPE, a->model_text, strlen(a->model_text));
}

static void serve_events(struct api *a, struct evhttp_request *req, const char *rest)
{
	(void)rest;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		api_send(req, 200, "text/event-stream", "", 0); /* no stream for a HEAD */
		return;
	}
	if (api_sse_count(a->sse) >= API_SSE_MAX) {
		api_reply_error(req, 503, "%d event streams already; try again later", API_SSE_MAX);
		return;
	}
	api_sse_start(a->sse, req);
}

static const struct api_file *file_at(const char *path)
{
	for (size_t i = 0; i < api_n_files; i++)
		if (strcmp(api_files[i].path, path) == 0)
			return &api_files[i];
	return NULL;
}

static void serve_file(struct api *a, struct evhttp_request *req, const char *rest)
{
	/* rest: the page's path; "" for a route of its own (openapi.json) */
	const struct api_file *f =
	    file_at(*rest ? rest : evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)));

	(void)a;
	if (f)
		api_send(req, 200, f->type, f->data, f->len);
	else
		api_reply_error(req, 404, "no such file");
}

/* ---- writes ---- */

static void serve_drain(struct api *a, struct evhttp_request *req, const char *rest)
{
	(void)rest;
	daemon_set_drained(a->d, true, "http");
	api_reply_json(req, 200, json_pack("{s:b}", "drained", a->d->rt.drained));
}

static void serve_undrain(struct api *a, struct evhttp_request *req, const char *rest)
{
	(void)rest;
	daemon_set_drained(a->d, false, "http");
	api_reply_json(req, 200, json_pack("{s:b}", "drained", a->d->rt.drained));
}

/* A POST /api/v1/reload waiting for its parse (reload.c runs it on a
 * worker thread). The request stays valid until answered: if the client
 * went meanwhile, evhttp left it to us and the answer frees it. */
struct api_reload {
	struct api *a;
	struct evhttp_request *req;
	struct reload_waiter *waiter;
	struct api_reload *next;
};

static void unlink_reload(struct api_reload *r)
{
	struct api_reload **pp = &r->a->reloads;

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp)
		*pp = r->next;
}

/* The parse that covered this request is applied (reload.c sent the
 * reload or reload-failed event). */
static void on_reloaded(struct daemon *d, void *ctx, int rc, json_t *errors)
{
	static const char failed[] = "the new configuration has errors; nothing changed";
	struct api_reload *r = ctx;

	unlink_reload(r);
	if (rc < 0)
		api_reply_json(
		    r->req, 422,
		    json_pack("{s:i, s:s, s:O}", "status", 422, "error", failed, "errors", errors));
	else
		api_reply_json(r->req, 200,
			       json_pack("{s:I}", "instances", (json_int_t)d->rt.n_insts));
	free(r);
}

static void serve_reload(struct api *a, struct evhttp_request *req, const char *rest)
{
	struct api_reload *r = calloc(1, sizeof(*r));

	(void)rest;
	if (r) {
		*r = (struct api_reload){.a = a, .req = req, .next = a->reloads};
		r->waiter = daemon_reload_request(a->d, "http", on_reloaded, r);
	}
	if (!r || !r->waiter) {
		free(r);
		api_reply_error(req, 500, "out of memory");
		return;
	}
	a->reloads = r; /* answered by on_reloaded */
}

/* vipd stops: the reloads still waiting are answered now. */
static void end_reloads(struct api *a)
{
	while (a->reloads) {
		struct api_reload *r = a->reloads;

		a->reloads = r->next;
		daemon_reload_cancel(a->d, r->waiter);
		api_reply_error(r->req, 503, "vipd is stopping");
		free(r);
	}
}

static void serve_validate(struct api *a, struct evhttp_request *req, const char *rest)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	unsigned char *buf;

	(void)rest;
	if (len == 0) {
		api_reply_error(req, 400, "POST the candidate cluster file as the body");
		return;
	}
	buf = evbuffer_pullup(in, -1);
	if (!buf) {
		api_reply_error(req, 500, "out of memory");
		return;
	}
	api_validate_start(a->validations, req, (const char *)buf, len);
}

// clang-format off
static const struct route routes[] = {
	{"/healthz",		  false, false, serve_healthz},
	{"/api/v1/status",	  false, false, serve_status},
	{"/api/v1/instances/",	  true,	 false, serve_instance},
	{"/api/v1/model",	  false, false, serve_model},
	{"/api/v1/events",	  false, false, serve_events},
	{"/api/v1/openapi.json",  false, false, serve_file},
	{"/api/v1/drain",	  false, true,	serve_drain},
	{"/api/v1/undrain",	  false, true,	serve_undrain},
	{"/api/v1/reload",	  false, true,	serve_reload},
	{"/api/v1/validate",	  false, true,	serve_validate},
};
// clang-format on

static const struct route file_route = {"a file", false, false, serve_file};

static const struct route *route_of(const char *path, const char **rest)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *r = &routes[i];
		size_t n = strlen(r->path);

		if (r->prefix ? strncmp(path, r->path, n) == 0 : strcmp(path, r->path) == 0) {
			*rest = path + n;
			return r;
		}
	}
	return NULL;
}

/* ---- the gate: rate, method, body, token ---- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The loop time left to the API: LOOP_SHARE_PCT of what passed, kept up
 * to BUSY_MAX_US; what each request took is taken off after it. */
static bool budget_left(struct api *a)
{
	uint64_t now = now_us();

	a->budget_us += (int64_t)((now - a->budget_at_us) * LOOP_SHARE_PCT / 100);
	if (a->budget_us > BUSY_MAX_US)
		a->budget_us = BUSY_MAX_US;
	a->budget_at_us = now;
	return a->budget_us > 0;
}

static bool rate_take(struct api *a)
{
	uint64_t now = vrrp_rt_now_ms();

	a->tokens += (double)(now - a->refill_ms) * RATE_PER_S / 1000.0;
	if (a->tokens > RATE_PER_S)
		a->tokens = RATE_PER_S;
	a->refill_ms = now;
	if (a->tokens < 1)
		return false;
	a->tokens -= 1;
	return true;
}

static bool allowed(struct api *a, const struct route *r, struct evhttp_request *req)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	size_t body = evbuffer_get_length(evhttp_request_get_input_buffer(req));

	if (r->write ? m != EVHTTP_REQ_POST : (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD)) {
		evhttp_add_header(h, "Allow", r->write ? "POST" : "GET, HEAD");
		api_reply_error(req, 405, "%s takes %s", r->path, r->write ? "POST" : "GET");
		return false;
	}
	if (!r->write && body > GET_BODY_MAX) {
		api_reply_error(req, 413, "a GET carries no body");
		return false;
	}
	if (!r->write)
		return true;
	if (!a->token) {
		api_reply_error(req, 403,
				"read-only: vipd runs without --http-token-file, so the API takes "
				"no writes");
		return false;
	}
	if (!api_token_matches(a->token, evhttp_find_header(evhttp_request_get_input_headers(req),
							    "Authorization"))) {
		vrrp_rt_log(&a->d->rt, VRRP_RT_LOG_WARN, "http: %s refused to %s: bad token",
			    r->path, peer_of(req));
		evhttp_add_header(h, "WWW-Authenticate", "Bearer realm=\"vipd\"");
		api_reply_error(
		    req, 401, "%s needs Authorization: Bearer TOKEN (--http-token-file)", r->path);
		return false;
	}
	return true;
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct api *a = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)), *rest = "";
	const struct route *r;
	uint64_t start;

	if (!path || !*path)
		path = "/";
	if (!rate_take(a) || !budget_left(a)) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "1");
		api_reply_error(req, 429,
				"more than %d requests a second, or more than %d%% of vipd's time; "
				"try again",
				RATE_PER_S, LOOP_SHARE_PCT);
		return;
	}
	r = route_of(path, &rest);
	if (!r && file_at(path)) {
		r = &file_route; /* the page: /, /app.js, /style.css */
		rest = path;
	}
	if (!r) {
		api_reply_error(req, 404, "no such path: %s (GET /api/v1/openapi.json lists them)",
				path);
		return;
	}
	if (!allowed(a, r, req))
		return;
	if (r->write)
		vrrp_rt_log(&a->d->rt, VRRP_RT_LOG_INFO, "http: %s from %s", r->path, peer_of(req));
	start = now_us();
	r->serve(a, req, rest);
	a->budget_us -= (int64_t)(now_us() - start);
}

/* ---- lifecycle ---- */

int api_open(struct daemon *d)
{
	struct api *a = calloc(1, sizeof(*a));
	const char *why = NULL;

	if (!a)
		return -ENOMEM;
	a->d = d;
	a->tokens = RATE_PER_S;
	a->refill_ms = vrrp_rt_now_ms();
	a->budget_us = BUSY_MAX_US;
	a->budget_at_us = now_us();
	if (d->http_token_file) {
		a->token = api_token_load(d->http_token_file, &why);
		if (!a->token) {
			vrrp_rt_log(&d->rt, VRRP_RT_LOG_ERR, "--http-token-file %s %s",
				    d->http_token_file, why);
			free(a);
			return -EPERM;
		}
	}
	a->sse = api_sse_new(d);
	a->validations = api_validations_new(d);
	a->streams = api_streams_new(d->base);
	if (!a->sse || !a->validations || !a->streams) {
		api_streams_free(a->streams);
		api_sse_free(a->sse);
		api_validations_free(a->validations);
		free(a->token);
		free(a);
		return -ENOMEM;
	}
	d->api = a;
	return 0;
}

void api_register(struct daemon *d, struct evhttp *http)
{
	if (!d->api)
		return; /* api_open was not called: evhttp's own 404s */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
	/* a body only for the writes: none is read without the token file */
	evhttp_set_max_body_size(http, d->api->token ? VALIDATE_MAX : GET_BODY_MAX);
	evhttp_set_gencb(http, on_request, d->api);
	vrrp_rt_log(&d->rt, VRRP_RT_LOG_INFO, "http: API under /api/v1/ (%s)",
		    d->api->token ? "writes with the token of --http-token-file" : "read-only");
}

void api_close(struct daemon *d)
{
	struct api *a = d->api;

	if (!a)
		return;
	end_reloads(a);
	api_streams_free(a->streams);
	api_sse_free(a->sse);
	api_validations_free(a->validations);
	free(a->model_text);
	free(a->token);
	free(a);
	d->api = NULL;
}

void api_serve_metrics(struct evhttp_request *req, void *arg)
{
	struct daemon *d = arg;

	api_stream_start(d->api->streams, req, METRICS_TYPE, metrics_stream_new(d, false), NULL);
}

void api_conn_closed(void *arg)
{
	struct daemon *d = arg;

	if (d->api)
		api_streams_sweep(d->api->streams);
}

void api_push_event(struct daemon *d, const json_t *event)
{
	control_broadcast(d, event);
	if (d->api)
		api_sse_broadcast(d->api->sse, event);
}
