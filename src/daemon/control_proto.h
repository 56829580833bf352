/* The control protocol without a socket (control_proto.c): framing of the
 * request lines, parsing of one request, and the loop that answers the
 * requests of one connection one at a time. control.c runs it on a
 * bufferevent's buffers; tests/fuzz/fuzz_control.c on bare evbuffers. */
#ifndef VIPD_DAEMON_CONTROL_PROTO_H
#define VIPD_DAEMON_CONTROL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct evbuffer;

#define CONTROL_MAX_REQUEST 65536	 /* a longer line closes the connection */
#define CONTROL_OUT_HIGH    (256u << 10) /* answers waiting: stop reading requests */

enum control_cmd {
	CONTROL_STATUS,
	CONTROL_RELOAD,
	CONTROL_DRAIN,
	CONTROL_UNDRAIN,
	CONTROL_METRICS,
	CONTROL_SUBSCRIBE,
	CONTROL_UNKNOWN, /* a well-formed request for a command we do not know */
};

struct control_request {
	enum control_cmd cmd;
	const char *name; /* the "cmd" string, borrowed from json */
	json_t *json;	  /* the whole request */
};

/* One request line (without its LF). 0, or -EINVAL when it is not a JSON
 * object with a string "cmd" (r is then empty). */
int control_request_parse(const char *line, size_t len, struct control_request *r);
void control_request_done(struct control_request *r);
/* reload, drain, undrain: root's (or vipd's user's) alone. */
bool control_cmd_writes(enum control_cmd cmd);

json_t *control_reply_error(const char *msg, json_t *errors);
json_t *control_reply_ok(json_t *result);
/* obj as one compact line. */
void control_write_json(struct evbuffer *out, const json_t *obj);

/* One connection's protocol state. `answer` returns the reply to a request
 * (the loop writes and frees it) or NULL when it answers later (it then
 * sets `waiting` until it has: a reload being parsed) or has written
 * itself (subscribe sets `subscribed`). */
struct control_session {
	struct evbuffer *in, *out;
	bool subscribed;
	bool waiting;
	size_t scanned; /* bytes of in known to hold no LF: a line sent a byte
			 * at a time is searched once, not once per byte */
	json_t *(*answer)(struct control_session *s, const struct control_request *r);
	void *ctx;
};

enum control_serve_result {
	CONTROL_SERVE_READ,  /* read more requests */
	CONTROL_SERVE_PAUSE, /* stop reading: answers not taken, or one being prepared */
	CONTROL_SERVE_CLOSE, /* a request line over CONTROL_MAX_REQUEST: close */
};

/* Answers the complete request lines in s->in, one at a time, while the
 * client has less than CONTROL_OUT_HIGH bytes of answers to take and no
 * answer is being prepared. A subscriber's input is dropped. */
enum control_serve_result control_serve(struct control_session *s);

#endif
