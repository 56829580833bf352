/* The pure parts of the service probes (svc_parse.h). */
#include "check/svc_parse.h"

#include <string.h>

#define STATUS_LINE_MAX 256

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/" DIGIT "." DIGIT SP 3DIGIT (SP reason)? ; HTTP/2 style "HTTP/2 "
 * is accepted too (a version without a minor). */
static int status_of_line(const char *s, size_t n, unsigned *code)
{
	size_t i = 5;

	if (n < 12 || memcmp(s, "HTTP/", 5) != 0 || !is_digit(s[i++]))
		return -1;
	if (s[i] == '.') {
		if (!is_digit(s[++i]))
			return -1;
		i++;
	}
	if (i + 4 > n || s[i] != ' ' || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
	    !is_digit(s[i + 3]))
		return -1;
	if (i + 4 < n && s[i + 4] != ' ' && s[i + 4] != '\r')
		return -1;
	*code = (unsigned)(s[i + 1] - '0') * 100 + (unsigned)(s[i + 2] - '0') * 10 +
		(unsigned)(s[i + 3] - '0');
	return *code >= 100 && *code <= 599 ? 1 : -1;
}

int svc_http_status(const char *buf, size_t len, unsigned *code)
{
	const char *nl = memchr(buf, '\n', len);

	if (!nl)
		return len >= STATUS_LINE_MAX ? -1 : 0;
	if ((size_t)(nl - buf) >= STATUS_LINE_MAX)
		return -1;
	return status_of_line(buf, (size_t)(nl - buf), code);
}

int svc_proc_stat(const char *text, size_t len, char *comm, size_t comm_size, char *state)
{
	const char *open = memchr(text, '(', len), *close = NULL;
	size_t n;

	for (const char *p = text + len; p > text; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!open || !close || close < open || (size_t)(close - text) + 2 >= len ||
	    close[1] != ' ' || comm_size == 0)
		return -1;
	n = (size_t)(close - open - 1);
	if (n >= comm_size)
		n = comm_size - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	*state = close[2];
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool svc_comm_needs_argv0(const char *name, const char *comm)
{
	return strlen(name) > SVC_COMM_MAX && strlen(comm) == SVC_COMM_MAX &&
	       strncmp(name, comm, SVC_COMM_MAX) == 0;
}

bool svc_comm_match(const char *name, const char *comm, const char *argv0)
{
	if (!*name)
		return false;
	if (strcmp(name, comm) == 0)
		return true;
	return svc_comm_needs_argv0(name, comm) && argv0 && strcmp(base_name(argv0), name) == 0;
}

void svc_lines_init(struct svc_lines *l)
{
	memset(l, 0, sizeof(*l));
}

static void end_line(struct svc_lines *l)
{
	size_t n = l->cur_len;

	while (n > 0 && (l->cur[n - 1] == '\r' || l->cur[n - 1] == ' '))
		n--;
	if (n > 0) {
		for (size_t i = 0; i < n; i++) {
			char c = l->cur[i];

			l->last[i] = (c >= 0 && c < ' ' && c != '\t') || c == 0x7f ? '?' : c;
		}
		l->last[n] = '\0';
	}
	l->cur_len = 0;
}

void svc_lines_feed(struct svc_lines *l, const char *buf, size_t n)
{
	l->total += n;
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n') {
			end_line(l);
			continue;
		}
		if (l->cur_len < SVC_LINE_MAX)
			l->cur[l->cur_len++] = c;
	}
}

const char *svc_lines_last(struct svc_lines *l)
{
	if (l->cur_len > 0)
		end_line(l);
	return l->last;
}
