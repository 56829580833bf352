/* Left-over VIPs (docs/operations.md, "Left-over VIPs"): at start and for
 * --cleanup, vrrp_rt_remove_leftovers sweeps every interface of the
 * daemon's own namespace, of the file's namespaces and of the namespaces
 * vipd used before, which this file remembers: CONTROL_PATH.netns, one
 * name a line, written before an instance can add a VIP there (at start,
 * and at a reload that names a new namespace), so that a VIP of a
 * namespace removed from the file does not linger after a crash.
 *
 * Why not every namespace of /run/netns: another vipd on the host (a
 * container, a test lab, a second cluster) keeps its VIPs there with the
 * same tag, and sweeping them would take its traffic down. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"

#define RECORD_MAX 64 /* namespaces remembered; more are not (logged) */

struct netns_record {
	char names[RECORD_MAX][VRRP_RT_NETNS_MAX];
	const char *ptrs[RECORD_MAX];
	size_t n;
};

static int record_path(const struct daemon *d, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.netns", d->control_path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* A namespace name as `ip netns` makes them: no '/', not "." or "..". */
static bool valid_name(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len < VRRP_RT_NETNS_MAX && !strchr(s, '/') && strcmp(s, ".") != 0 &&
	       strcmp(s, "..") != 0;
}

static bool record_has(const struct netns_record *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->names[i], name) == 0)
			return true;
	return false;
}

/* false when full */
static bool record_add(struct netns_record *r, const char *name)
{
	if (!*name || record_has(r, name))
		return true;
	if (r->n == RECORD_MAX)
		return false;
	snprintf(r->names[r->n], sizeof(r->names[r->n]), "%s", name);
	r->ptrs[r->n] = r->names[r->n];
	r->n++;
	return true;
}

/* The file, as far as it makes sense; a missing one is an empty record. */
static void record_read(struct daemon *d, struct netns_record *r)
{
	char path[256], line[VRRP_RT_NETNS_MAX + 2];
	FILE *f;

	r->n = 0;
	if (record_path(d, path, sizeof(path)) < 0 || !(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (valid_name(line))
			(void)record_add(r, line);
	}
	fclose(f);
}

/* Replaces the file with r (removed when r is empty); a failure is
 * logged, never fatal. */
static void record_write(struct daemon *d, const struct netns_record *r)
{
	char path[256], tmp[272];
	FILE *f;

	if (record_path(d, path, sizeof(path)) < 0)
		return;
	if (r->n == 0) {
		if (unlink(path) < 0 && errno != ENOENT)
			vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN, "cannot remove %s: %s", path,
				    strerror(errno));
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	for (size_t i = 0; f && i < r->n; i++)
		fprintf(f, "%s\n", r->names[i]);
	if (!f || fclose(f) != 0 || rename(tmp, path) < 0) {
		vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN,
			    "cannot write %s: %s (after a crash, VIPs in a namespace "
			    "removed from the file may stay)",
			    path, strerror(errno));
		(void)unlink(tmp);
	}
}

int daemon_remove_leftovers(struct daemon *d, const struct vrrp_inst_spec *specs, size_t n)
{
	struct netns_record *r = calloc(1, sizeof(*r));
	int removed;

	if (!r)
		return -ENOMEM;
	record_read(d, r);
	removed = vrrp_rt_remove_leftovers(&d->rt, specs, n, r->ptrs, r->n);
	free(r);
	return removed;
}

void daemon_remember_netns(struct daemon *d, const struct vrrp_inst_spec *specs, size_t n,
			   bool keep_old)
{
	struct netns_record *r = calloc(1, sizeof(*r));
	size_t before;

	if (!r)
		return;
	if (keep_old)
		record_read(d, r);
	before = r->n;
	for (size_t i = 0; i < n; i++)
		if (!record_add(r, specs[i].netns))
			vrrp_rt_log(&d->rt, VRRP_RT_LOG_WARN,
				    "more than %d namespaces to remember: %s is not (after a "
				    "crash, its VIPs are found only while the file names it)",
				    RECORD_MAX, specs[i].netns);
	if (!keep_old || r->n != before)
		record_write(d, r);
	free(r);
}
