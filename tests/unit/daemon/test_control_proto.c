/* src/daemon/control_proto.c: the control protocol on bare buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "daemon/control_proto.h"

struct fake {
	size_t served;
	bool reload_waits;
	size_t big; /* bytes of each status answer */
};

static json_t *answer(struct control_session *s, const struct control_request *r)
{
	struct fake *f = s->ctx;

	f->served++;
	if (r->cmd == CONTROL_RELOAD && f->reload_waits) {
		s->waiting = true;
		return NULL;
	}
	if (r->cmd == CONTROL_STATUS && f->big) {
		char *pad = calloc(1, f->big + 1);
		json_t *resp;

		memset(pad, 'x', f->big);
		resp = control_reply_ok(json_pack("{s:s}", "pad", pad));
		free(pad);
		return resp;
	}
	return control_reply_ok(json_pack("{s:s}", "cmd", r->name));
}

static struct control_session *session(struct fake *f)
{
	static struct control_session s;

	s = (struct control_session){
	    .in = evbuffer_new(), .out = evbuffer_new(), .answer = answer, .ctx = f};
	return &s;
}

static void session_free(struct control_session *s)
{
	evbuffer_free(s->in);
	evbuffer_free(s->out);
}

static json_t *next_answer(struct control_session *s)
{
	size_t len;
	char *line = evbuffer_readln(s->out, &len, EVBUFFER_EOL_LF);
	json_error_t err;
	json_t *j;

	assert_non_null(line);
	j = json_loadb(line, len, 0, &err);
	free(line);
	assert_non_null(j);
	return j;
}

static void assert_answer_cmd(struct control_session *s, const char *cmd)
{
	json_t *j = next_answer(s);

	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "result"), "cmd")),
			    cmd);
	json_decref(j);
}

/* Pipelined requests, the last one cut: each complete one answered in
 * order, the partial one waits for its end. */
static void test_pipelined_and_partial_lines(void **state)
{
	struct fake f = {0};
	struct control_session *s = session(&f);
	static const char two[] = "{\"cmd\":\"status\"}\n{\"cmd\":\"drain\"}\n{\"cmd\":\"und";

	(void)state;
	evbuffer_add(s->in, two, strlen(two));
	assert_int_equal(control_serve(s), CONTROL_SERVE_READ);
	assert_int_equal(f.served, 2);
	assert_answer_cmd(s, "status");
	assert_answer_cmd(s, "drain");
	evbuffer_add(s->in, "rain\"}\n", 7);
	assert_int_equal(control_serve(s), CONTROL_SERVE_READ);
	assert_answer_cmd(s, "undrain");
	session_free(s);
}

static void test_invalid_requests_are_answered_with_an_error(void **state)
{
	struct fake f = {0};
	struct control_session *s = session(&f);
	static const char bad[] = "not json\n[1]\n{\"cmd\":1}\n{\"cmd\":\"x\"}\n";
	json_t *j;

	(void)state;
	evbuffer_add(s->in, bad, strlen(bad));
	assert_int_equal(control_serve(s), CONTROL_SERVE_READ);
	for (int i = 0; i < 3; i++) {
		j = next_answer(s);
		assert_true(json_is_false(json_object_get(j, "ok")));
		assert_non_null(
		    strstr(json_string_value(json_object_get(j, "error")), "bad request"));
		json_decref(j);
	}
	assert_int_equal(f.served, 1); /* only the well-formed unknown command reaches answer */
	assert_answer_cmd(s, "x");
	session_free(s);
}

/* A line past CONTROL_MAX_REQUEST closes, complete or not. */
static void test_a_line_too_long_closes(void **state)
{
	struct fake f = {0};
	struct control_session *s = session(&f);
	char *big = malloc(CONTROL_MAX_REQUEST + 2);

	(void)state;
	memset(big, 'a', CONTROL_MAX_REQUEST + 1);
	evbuffer_add(s->in, big, CONTROL_MAX_REQUEST);
	assert_int_equal(control_serve(s), CONTROL_SERVE_READ); /* at the bound: waits */
	evbuffer_add(s->in, "a", 1);
	assert_int_equal(control_serve(s), CONTROL_SERVE_CLOSE);
	session_free(s);

	s = session(&f);
	big[CONTROL_MAX_REQUEST + 1] = '\n';
	evbuffer_add(s->in, big, CONTROL_MAX_REQUEST + 2);
	assert_int_equal(control_serve(s), CONTROL_SERVE_CLOSE);
	assert_int_equal(f.served, 0);
	session_free(s);
	free(big);
}

/* A client that does not read: serving stops at CONTROL_OUT_HIGH, the
 * rest of its requests wait in the input until it took its answers. */
static void test_answers_not_taken_pause_serving(void **state)
{
	struct fake f = {.big = 60000};
	struct control_session *s = session(&f);

	(void)state;
	for (int i = 0; i < 20; i++)
		evbuffer_add(s->in, "{\"cmd\":\"status\"}\n", 17);
	assert_int_equal(control_serve(s), CONTROL_SERVE_PAUSE);
	assert_int_equal(f.served, 5); /* 5 x 60 KB reach 256 KiB */
	assert_true(evbuffer_get_length(s->out) < CONTROL_OUT_HIGH + 61000);
	evbuffer_drain(s->out, evbuffer_get_length(s->out));
	assert_int_equal(control_serve(s), CONTROL_SERVE_PAUSE);
	assert_int_equal(f.served, 10);
	session_free(s);
}

/* A reload answered later: the requests behind it wait, in order. */
static void test_requests_wait_behind_a_reload_being_parsed(void **state)
{
	struct fake f = {.reload_waits = true};
	struct control_session *s = session(&f);
	static const char req[] = "{\"cmd\":\"reload\"}\n{\"cmd\":\"status\"}\n";
	json_t *ok;

	(void)state;
	evbuffer_add(s->in, req, strlen(req));
	assert_int_equal(control_serve(s), CONTROL_SERVE_PAUSE);
	assert_int_equal(f.served, 1);
	assert_int_equal(evbuffer_get_length(s->out), 0);
	ok = control_reply_ok(json_pack("{s:s}", "cmd", "reload")); /* the parse's answer */
	control_write_json(s->out, ok);
	json_decref(ok);
	s->waiting = false;
	assert_int_equal(control_serve(s), CONTROL_SERVE_READ);
	assert_answer_cmd(s, "reload");
	assert_answer_cmd(s, "status");
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pipelined_and_partial_lines),
	    cmocka_unit_test(test_invalid_requests_are_answered_with_an_error),
	    cmocka_unit_test(test_a_line_too_long_closes),
	    cmocka_unit_test(test_answers_not_taken_pause_serving),
	    cmocka_unit_test(test_requests_wait_behind_a_reload_being_parsed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
