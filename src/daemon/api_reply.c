/* The API's answers: every one with the same headers, errors as JSON
 * ({"status": CODE, "error": "..."}), below the files that route and
 * answer (api.c, api_validate.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "daemon/api.h"

static const char *reason_of(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Payload Too Large";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

void api_set_headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	/* the page (www/) loads its own files only: no inline script, no
	 * other origin, no framing */
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
}

void api_send(struct evhttp_request *req, int code, const char *type, const void *data, size_t len)
{
	struct evbuffer *body = evbuffer_new();

	api_set_headers(req, type);
	if (!body) {
		evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
		return;
	}
	evbuffer_add(body, data, len);
	evhttp_send_reply(req, code, reason_of(code), body);
	evbuffer_free(body);
}

void api_reply_json(struct evhttp_request *req, int code, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(doc);
	if (!text) {
		evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
		return;
	}
	api_send(req, code, API_JSON_TYPE, text, strlen(text));
	free(text);
}

void api_reply_error(struct evhttp_request *req, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	api_reply_json(req, code, json_pack("{s:i, s:s}", "status", code, "error", msg));
}
