/* Whole-file reads for the callers that do I/O (vipctl, vipd); the model
 * itself only ever sees buffers. A caller opens first, judges the file by
 * its fstat (type, size, owner, mode), then reads. */
#ifndef VIPD_UTIL_FILE_H
#define VIPD_UTIL_FILE_H

#include <stddef.h>
#include <sys/stat.h>

/* Opens path for reading without blocking (a FIFO must not stall the
 * caller at open) and fills *st. The descriptor, or a negative errno. */
int file_open_stat(const char *path, struct stat *st);

/* Reads fd to its end into a malloc'd *out with a terminating NUL (not
 * counted in *len), and closes fd. Reads block (a pipe waits for its
 * writer): a caller that must not wait refuses anything but a regular
 * file before it reads. -EFBIG when the file has max_len bytes or more,
 * or another negative errno. */
int file_read_fd(int fd, size_t max_len, char **out, size_t *len);

#endif
