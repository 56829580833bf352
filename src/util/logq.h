/* A log writer that never blocks: whole lines go to a file descriptor
 * with write(2); what the descriptor cannot take now waits in a bounded
 * queue, and lines that do not fit there are dropped and counted.
 *
 * The daemon has one event loop: a log line written with stdio to a pipe
 * or journald that stopped reading would block it, and the adverts with
 * it (a false failover). Whoever owns the queue calls logq_flush when the
 * descriptor is writable again and reports logq_take_dropped then. */
#ifndef VIPD_UTIL_LOGQ_H
#define VIPD_UTIL_LOGQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGQ_DEFAULT_CAP (256 * 1024)
/* Room kept free for the note that says how many lines were dropped. */
#define LOGQ_NOTE_RESERVE 256

struct logq {
	int fd;
	char *buf; /* queued bytes, oldest first: whole lines, the first maybe begun;
		    * NULL while none wait */
	size_t len, cap;
	uint64_t dropped; /* lines dropped since the last logq_take_dropped */
	int saved_flags;  /* fd's file status flags before logq_set_fd; -1: untouched */
};

/* An empty queue of cap bytes writing to fd (not made non-blocking: see
 * logq_set_fd). Its memory is taken only while lines wait (a daemon that
 * logs to a reader that keeps up holds none). 0. */
int logq_init(struct logq *q, int fd, size_t cap);
/* Tries once more to write what waits, puts fd's flags back, frees. */
void logq_done(struct logq *q);

/* Writes to fd from now on, setting O_NONBLOCK on it when it is a pipe or
 * a socket (a terminal or a file does not stop reading); logq_done puts
 * the flags back. 0 or -errno (fd is kept then, as it is). */
int logq_set_fd(struct logq *q, int fd);

/* Writes line[0..len) whole, or queues the part fd cannot take now, or
 * drops it (counted) when the queue is full or fd fails for good. Lines
 * keep their order: while bytes wait, a new line waits behind them.
 * note: the line may use the room kept for the dropped-lines note.
 * true when written or queued. */
bool logq_put(struct logq *q, const char *line, size_t len, bool note);

/* Writes what waits: 0 when nothing is left, -EAGAIN when fd cannot take
 * more now, another -errno when fd failed (what waits is then dropped and
 * counted as the lines it held). */
int logq_flush(struct logq *q);

/* Bytes waiting. */
size_t logq_pending(const struct logq *q);

/* The count of dropped lines, reset to 0. */
uint64_t logq_take_dropped(struct logq *q);

#endif
