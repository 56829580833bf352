/* libFuzzer target for the control protocol (src/daemon/control_proto.c),
 * the code the control socket runs, without a socket or a daemon.
 * Links: control_proto.c + jansson + libevent (evbuffers only).
 *
 * Input: two control bytes, then the bytes a client sends.
 *   byte 0: the sizes of the chunks the bytes arrive in (partial lines,
 *           several lines at once), and whether the client may write
 *   byte 1: how much of its answers the client takes between chunks (none:
 *           the answers pile up to CONTROL_OUT_HIGH and reading pauses)
 * Seeds: tests/fuzz/corpus/control/ (pipelined requests, a reload behind
 * which requests wait, a subscribe, a line too long, invalid JSON).
 *
 * The answers come from a stand-in for the daemon: status a small object,
 * metrics one of up to 16 KiB (so the output bound is reached), reload
 * answered later (the session waits, as for a parse on the worker thread),
 * subscribe turns the session into a subscriber. Besides "no crash, no
 * leak", it checks the bounds: the input never holds more than
 * CONTROL_MAX_REQUEST plus one chunk, the answers waiting never exceed
 * CONTROL_OUT_HIGH plus one answer, a paused session is never read, and
 * every answer is one line of JSON with a boolean "ok", one per complete
 * request line served. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "daemon/control_proto.h"

#define MAX_ANSWER (16u << 10)

struct stand_in {
	bool may_write;
	size_t requests; /* answered by the loop or later */
	size_t pending;	 /* reloads waiting for their answer */
	size_t big;	 /* the size of the next metrics answer */
};

static void put_ok(struct evbuffer *out)
{
	json_t *ok = control_reply_ok(NULL);

	control_write_json(out, ok);
	json_decref(ok);
}

static json_t *answer(struct control_session *s, const struct control_request *r)
{
	struct stand_in *d = s->ctx;
	json_t *text;

	d->requests++;
	if (control_cmd_writes(r->cmd) && !d->may_write)
		return control_reply_error("permission denied", NULL);
	switch (r->cmd) {
	case CONTROL_STATUS:
		return control_reply_ok(json_pack("{s:s}", "node", "a"));
	case CONTROL_RELOAD:
		s->waiting = true;
		d->pending++;
		return NULL;
	case CONTROL_DRAIN:
	case CONTROL_UNDRAIN:
		return control_reply_ok(json_pack("{s:b}", "drained", r->cmd == CONTROL_DRAIN));
	case CONTROL_METRICS: {
		char *buf = malloc(d->big + 1);
		json_t *resp;

		if (!buf)
			abort();
		memset(buf, 'm', d->big);
		buf[d->big] = '\0';
		text = json_string(buf);
		free(buf);
		d->big = (d->big * 7 + 4099) % MAX_ANSWER;
		resp = control_reply_ok(json_pack("{s:o}", "text", text));
		return resp;
	}
	case CONTROL_SUBSCRIBE:
		put_ok(s->out);
		s->subscribed = true;
		return NULL;
	case CONTROL_UNKNOWN:
		break;
	}
	return control_reply_error("unknown command", NULL);
}

/* The answers the client takes: each one line of JSON with "ok". */
static size_t take(struct evbuffer *out, size_t want)
{
	size_t lines = 0;
	char *line;
	size_t len;

	while (want-- > 0 && (line = evbuffer_readln(out, &len, EVBUFFER_EOL_LF))) {
		json_error_t err;
		json_t *j = json_loadb(line, len, 0, &err);

		if (!j || !json_is_boolean(json_object_get(j, "ok")))
			abort(); /* an answer that is not one JSON object with "ok" */
		json_decref(j);
		free(line);
		lines++;
	}
	return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stand_in d = {0};
	struct control_session s = {.answer = answer, .ctx = &d};
	enum control_serve_result res = CONTROL_SERVE_READ;
	size_t chunk, pos = 2, taken = 0;
	unsigned takes;

	if (size < 2)
		return 0;
	d.may_write = data[0] & 1;
	chunk = ((size_t)(data[0] >> 1) + 1) * 37; /* 37 .. 4736 bytes at a time */
	takes = data[1] & 7;			   /* answers taken per round, 0 = none */
	d.big = (size_t)data[1] << 8;
	s.in = evbuffer_new();
	s.out = evbuffer_new();
	if (!s.in || !s.out)
		abort();
	for (int rounds = 0; rounds < 100000; rounds++) {
		size_t n = size - pos < chunk ? size - pos : chunk;

		if (res == CONTROL_SERVE_CLOSE)
			break;
		if (res == CONTROL_SERVE_READ) {
			if (n == 0)
				break;
			evbuffer_add(s.in, data + pos, n); /* the client's next bytes */
			pos += n;
		} else if (s.waiting) {
			/* the parse is done: the answer, then the waiting requests */
			d.pending--;
			put_ok(s.out);
			s.waiting = false;
		} else {
			taken += take(s.out, (size_t)-1); /* paused: the client reads all */
		}
		if (evbuffer_get_length(s.in) > CONTROL_MAX_REQUEST + chunk)
			abort(); /* input not bounded */
		res = control_serve(&s);
		if (evbuffer_get_length(s.out) > CONTROL_OUT_HIGH + MAX_ANSWER + 256)
			abort(); /* output not bounded */
		if (takes)
			taken += take(s.out, takes);
	}
	taken += take(s.out, (size_t)-1);
	if (taken < d.requests - d.pending)
		abort(); /* a request served without its answer line */
	evbuffer_free(s.in);
	evbuffer_free(s.out);
	return 0;
}
