/* The non-blocking connect that the tcp and http probes share, from a
 * socket made in the check's namespace. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/svc_probe_internal.h"
#include "net/netns.h"

static socklen_t sockaddr_of(const struct svc_probe *p, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (p->cfg.addr.family == IP_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(p->cfg.port);
		memcpy(&sin->sin_addr, p->cfg.addr.bytes, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(p->cfg.port);
	memcpy(&sin6->sin6_addr, p->cfg.addr.bytes, 16);
	return sizeof(*sin6);
}

static int socket_for(struct svc_probe *p, int domain)
{
	int type = SOCK_STREAM | SOCK_NONBLOCK;
	int fd;

	if (p->netns[0]) {
		if (!p->cfg.ctx)
			return -EINVAL;
		return net_socket_in(p->cfg.ctx, p->netns, domain, type, 0);
	}
	fd = socket(domain, type | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int svc_connect(struct svc_probe *p, bool *done)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(p, &ss);
	int fd = socket_for(p, ss.ss_family), err;

	*done = false;
	if (fd < 0)
		return fd;
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		*done = true;
		return fd;
	}
	err = errno;
	if (err == EINPROGRESS)
		return fd;
	close(fd);
	return -err;
}

int svc_connect_result(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

const char *svc_connect_error(int err)
{
	switch (-err) {
	case ECONNREFUSED:
		return "refused";
	case ENETUNREACH:
	case EHOSTUNREACH:
		return "unreachable";
	case ETIMEDOUT:
		return "timed out";
	case ECONNRESET:
		return "reset";
	default:
		return strerror(-err);
	}
}
