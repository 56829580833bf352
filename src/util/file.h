/* Whole-file reads for the callers that do I/O (vipctl, vipd); the model
 * itself only ever sees buffers. */
#ifndef VIPD_UTIL_FILE_H
#define VIPD_UTIL_FILE_H

#include <stddef.h>

/* The file's bytes plus a terminating NUL (not counted in *len); NULL with
 * errno set on failure. The caller frees. */
char *file_read_all(const char *path, size_t *len);

#endif
