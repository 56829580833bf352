/* The bearer token of the API's writes (docs/api.md, docs/security.md).
 * The token file is a secret: it is refused unless only root (or vipd's
 * own user) owns and reads it, as ssh refuses a private key others can
 * read. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/api.h"

#define TOKEN_FILE_MAX 4096

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first line, trimmed, in place. */
static char *first_line(char *buf)
{
	char *end;

	while (blank(*buf))
		buf++;
	end = buf + strcspn(buf, "\r\n");
	while (end > buf && blank(end[-1]))
		end--;
	*end = '\0';
	return buf;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* O_NOFOLLOW and fstat on the open file: what is judged is what is read. */
static int read_secret(const char *path, char *buf, size_t size, const char **why)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0) {
		*why = errno == ELOOP ? "is a symbolic link" : strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = "is not a regular file";
	} else if (st.st_uid != 0 && st.st_uid != geteuid()) {
		*why = "is not owned by root (chown root: it holds a secret)";
	} else if (st.st_mode & 077) {
		*why = "may be read or written by others (chmod 0600: it holds a secret)";
	} else {
		n = read(fd, buf, size - 1);
		if (n < 0)
			*why = strerror(errno);
		else if ((size_t)n == size - 1)
			*why = "is too long for a token file (at most 4 KiB)";
		else
			buf[n] = '\0';
		close(fd);
		return *why ? -1 : 0;
	}
	close(fd);
	return -1;
}

char *api_token_load(const char *path, const char **why)
{
	char buf[TOKEN_FILE_MAX], *tok;

	*why = NULL;
	if (read_secret(path, buf, sizeof(buf), why) < 0)
		return NULL;
	tok = first_line(buf);
	if (strlen(tok) < API_TOKEN_MIN) {
		*why = "holds no token of at least 16 characters on its first line";
		return NULL;
	}
	if (!printable(tok)) {
		*why = "has a token with spaces or non-ASCII characters";
		return NULL;
	}
	tok = strdup(tok);
	if (!tok)
		*why = strerror(ENOMEM);
	return tok;
}

bool api_token_matches(const char *token, const char *authorization)
{
	static const char scheme[] = "Bearer ";
	size_t len = strlen(token), given;
	unsigned char diff = 0;

	if (!authorization || strncasecmp(authorization, scheme, sizeof(scheme) - 1) != 0)
		return false;
	authorization += sizeof(scheme) - 1;
	given = strlen(authorization);
	/* every byte of the token is compared whatever the answer */
	for (size_t i = 0; i < len; i++)
		diff |= (unsigned char)(token[i] ^ (i < given ? authorization[i] : 0));
	return diff == 0 && given == len;
}
