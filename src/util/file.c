#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int file_open_stat(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Grows buf so that it holds at least want + 1 bytes, within max + 1. */
static int grow(char **buf, size_t *cap, size_t want, size_t max_len)
{
	size_t ncap = *cap ? *cap * 2 : 65536;
	char *nb;

	if (want > max_len)
		return -EFBIG;
	if (ncap > max_len)
		ncap = max_len;
	if (ncap < want)
		ncap = want;
	nb = realloc(*buf, ncap + 1);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*cap = ncap;
	return 0;
}

int file_read_fd(int fd, size_t max_len, char **out, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int flags = fcntl(fd, F_GETFL), rc = 0;

	/* O_NONBLOCK was for the open alone */
	if (flags >= 0 && (flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	for (;;) {
		ssize_t got;

		if (n == cap && (rc = grow(&buf, &cap, n + 1, max_len)) < 0)
			break;
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	if (!buf && (rc = grow(&buf, &cap, 0, max_len)) < 0)
		return rc;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
