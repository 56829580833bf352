/* The pure parts of the service probes, apart so that the unit tests reach
 * them without a kernel: an HTTP status line, a /proc/PID/stat line, the
 * process-name rule, and the last line of a command's output. */
#ifndef VIPD_CHECK_SVC_PARSE_H
#define VIPD_CHECK_SVC_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* The kernel's comm is 15 bytes (TASK_COMM_LEN - 1). */
#define SVC_COMM_MAX 15
/* The longest line kept of a command's output (longer ones are cut). */
#define SVC_LINE_MAX 120

/* The status code of a response's first line, "HTTP/1.1 200 OK\r\n"
 * (buf need not be terminated). 1 with *code; 0 when no full line is there
 * yet (read more); -1 when it is not a status line (another protocol, a
 * code outside 100..599, a line longer than 256 bytes). */
int svc_http_status(const char *buf, size_t len, unsigned *code);

/* The name and state of a /proc/PID/stat text: "4242 (haproxy) S 1 ...".
 * The name may hold spaces and ')' (the last ')' ends it). 0, or -1 if the
 * text is not such a line. comm gets at most comm_size - 1 bytes. */
int svc_proc_stat(const char *text, size_t len, char *comm, size_t comm_size, char *state);

/* Does a process match `name`, as pidof matches it: its comm equals name;
 * or, for a name longer than the kernel keeps (15 bytes), its comm is the
 * name's first 15 bytes and the base name of its argv[0] is the name
 * (argv0 may be NULL: then the long name does not match). */
bool svc_comm_match(const char *name, const char *comm, const char *argv0);
/* Whether svc_comm_match needs argv0 to decide (read /proc/PID/cmdline
 * only then). */
bool svc_comm_needs_argv0(const char *name, const char *comm);

/* A command's output read in pieces: the last non-empty line, bounded. */
struct svc_lines {
	char cur[SVC_LINE_MAX + 1]; /* the line being read */
	size_t cur_len;
	char last[SVC_LINE_MAX + 1]; /* the last complete non-empty line */
	size_t total;		     /* bytes fed */
};
void svc_lines_init(struct svc_lines *l);
void svc_lines_feed(struct svc_lines *l, const char *buf, size_t n);
/* The last line, an unterminated one at the end included ("" if none);
 * control characters are shown as '?'. */
const char *svc_lines_last(struct svc_lines *l);

#endif
