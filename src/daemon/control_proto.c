/* The control protocol on bare buffers (control_proto.h): no socket, no
 * daemon, so that tests/fuzz/fuzz_control.c runs the same code as the
 * control socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "daemon/control_proto.h"

static const char *const cmd_names[] = {
    [CONTROL_STATUS] = "status",   [CONTROL_RELOAD] = "reload",	  [CONTROL_DRAIN] = "drain",
    [CONTROL_UNDRAIN] = "undrain", [CONTROL_METRICS] = "metrics", [CONTROL_SUBSCRIBE] = "subscribe",
};

int control_request_parse(const char *line, size_t len, struct control_request *r)
{
	json_error_t jerr;
	const char *name = NULL;

	memset(r, 0, sizeof(*r));
	r->json = json_loadb(line, len, 0, &jerr);
	if (!r->json || json_unpack(r->json, "{s:s}", "cmd", &name) < 0) {
		json_decref(r->json);
		r->json = NULL;
		return -EINVAL;
	}
	r->name = name;
	r->cmd = CONTROL_UNKNOWN;
	for (size_t i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (strcmp(name, cmd_names[i]) == 0)
			r->cmd = (enum control_cmd)i;
	return 0;
}

void control_request_done(struct control_request *r)
{
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

bool control_cmd_writes(enum control_cmd cmd)
{
	return cmd == CONTROL_RELOAD || cmd == CONTROL_DRAIN || cmd == CONTROL_UNDRAIN;
}

json_t *control_reply_error(const char *msg, json_t *errors)
{
	json_t *r = json_pack("{s:b, s:s}", "ok", 0, "error", msg);

	if (r && errors)
		json_object_set_new(r, "errors", errors);
	else
		json_decref(errors);
	return r;
}

json_t *control_reply_ok(json_t *result)
{
	return json_pack("{s:b, s:o}", "ok", 1, "result", result ? result : json_object());
}

void control_write_json(struct evbuffer *out, const json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

	if (!text)
		return;
	evbuffer_add(out, text, strlen(text));
	evbuffer_add(out, "\n", 1);
	free(text);
}

enum next_line { LINE, NO_LINE, TOO_LONG };

/* The next complete request line (malloc'd, without its LF). A line is
 * judged too long as soon as CONTROL_MAX_REQUEST bytes came without a LF.
 * The search starts where the last one stopped. */
static enum next_line next_line(struct control_session *s, char **line, size_t *len)
{
	size_t have = evbuffer_get_length(s->in);
	struct evbuffer_ptr from, eol;

	if (s->scanned > have)
		s->scanned = 0;
	if (evbuffer_ptr_set(s->in, &from, s->scanned, EVBUFFER_PTR_SET) < 0)
		return NO_LINE;
	eol = evbuffer_search_eol(s->in, &from, NULL, EVBUFFER_EOL_LF);
	if (eol.pos < 0) {
		s->scanned = have;
		return have > CONTROL_MAX_REQUEST ? TOO_LONG : NO_LINE;
	}
	if ((size_t)eol.pos > CONTROL_MAX_REQUEST)
		return TOO_LONG;
	s->scanned = 0;
	*line = evbuffer_readln(s->in, len, EVBUFFER_EOL_LF);
	return *line ? LINE : NO_LINE;
}

static void serve_one(struct control_session *s, const char *line, size_t len)
{
	struct control_request r;
	json_t *resp;

	if (control_request_parse(line, len, &r) < 0)
		resp = control_reply_error("bad request: want {\"cmd\": "
					   "\"status|reload|drain|undrain|metrics|subscribe\"}",
					   NULL);
	else
		resp = s->answer(s, &r);
	control_write_json(s->out, resp);
	json_decref(resp);
	control_request_done(&r);
}

enum control_serve_result control_serve(struct control_session *s)
{
	enum next_line got = NO_LINE;
	char *line;
	size_t len;

	while (!s->subscribed && !s->waiting && evbuffer_get_length(s->out) < CONTROL_OUT_HIGH &&
	       (got = next_line(s, &line, &len)) == LINE) {
		serve_one(s, line, len);
		free(line);
	}
	if (s->subscribed) {
		/* what a subscriber sends is ignored */
		evbuffer_drain(s->in, evbuffer_get_length(s->in));
		s->scanned = 0;
		return CONTROL_SERVE_READ;
	}
	if (got == TOO_LONG)
		return CONTROL_SERVE_CLOSE;
	if (s->waiting || evbuffer_get_length(s->out) >= CONTROL_OUT_HIGH)
		return CONTROL_SERVE_PAUSE;
	return CONTROL_SERVE_READ;
}
