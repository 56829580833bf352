/* A log writer that never blocks (logq.h). */
#include "util/logq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int logq_init(struct logq *q, int fd, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->saved_flags = -1;
	q->cap = cap;
	return 0; /* the queue is allocated when a line must wait (enqueue) */
}

static void restore_flags(struct logq *q)
{
	if (q->saved_flags >= 0)
		(void)fcntl(q->fd, F_SETFL, q->saved_flags);
	q->saved_flags = -1;
}

void logq_done(struct logq *q)
{
	if (q->buf)
		(void)logq_flush(q);
	restore_flags(q);
	free(q->buf);
	q->buf = NULL;
	q->len = 0;
}

int logq_set_fd(struct logq *q, int fd)
{
	struct stat st;
	int flags;

	if (fstat(fd, &st) < 0)
		return -errno;
	(void)logq_flush(q);
	restore_flags(q);
	q->fd = fd;
	if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
		return 0;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	q->saved_flags = flags;
	return 0;
}

/* write(2) without EINTR: bytes written, or -errno. */
static ssize_t write_some(int fd, const char *p, size_t len)
{
	ssize_t n;

	do
		n = write(fd, p, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static size_t count_lines(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] == '\n';
	return n;
}

int logq_flush(struct logq *q)
{
	while (q->len > 0) {
		ssize_t n = write_some(q->fd, q->buf, q->len);

		if (n == -EAGAIN || n == 0)
			return -EAGAIN;
		if (n < 0) {
			/* the reader is gone (EPIPE) or fd is bad: nothing waits for it */
			q->dropped += count_lines(q->buf, q->len);
			q->len = 0;
			return (int)n;
		}
		memmove(q->buf, q->buf + n, q->len - (size_t)n);
		q->len -= (size_t)n;
	}
	/* empty: its memory goes back until a line must wait again */
	free(q->buf);
	q->buf = NULL;
	return 0;
}

static bool enqueue(struct logq *q, const char *p, size_t len, bool note)
{
	size_t room = q->cap - q->len;

	if (!note)
		room = room > LOGQ_NOTE_RESERVE ? room - LOGQ_NOTE_RESERVE : 0;
	if (len > room) {
		q->dropped++;
		return false;
	}
	if (!len)
		return true;
	if (!q->buf)
		q->buf = malloc(q->cap);
	if (!q->buf) {
		q->dropped++;
		return false;
	}
	memcpy(q->buf + q->len, p, len);
	q->len += len;
	return true;
}

bool logq_put(struct logq *q, const char *line, size_t len, bool note)
{
	ssize_t n;

	if (q->len > 0 && logq_flush(q) == -EAGAIN)
		return enqueue(q, line, len, note);
	/* the queue is empty: a remainder always fits unless the line is too
	 * long for the queue, so refuse that before writing any of it */
	if (len > q->cap - (note ? 0 : LOGQ_NOTE_RESERVE)) {
		q->dropped++;
		return false;
	}
	n = write_some(q->fd, line, len);
	if (n == -EAGAIN)
		return enqueue(q, line, len, note);
	if (n < 0) {
		q->dropped++;
		return false;
	}
	return enqueue(q, line + n, len - (size_t)n, true);
}

size_t logq_pending(const struct logq *q)
{
	return q->len;
}

uint64_t logq_take_dropped(struct logq *q)
{
	uint64_t n = q->dropped;

	q->dropped = 0;
	return n;
}
