#include "util/file_pages.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* One mapping of /proc/self/smaps as far as the choice needs it. */
struct mapping {
	uintptr_t start, end;
	bool file_backed; /* a path, not [heap], [stack], [vdso] or anonymous */
	bool writable;
	size_t rss_kb, anon_kb;
};

static bool releasable(const struct mapping *m)
{
	return m->file_backed && !m->writable && m->anon_kb == 0 && m->rss_kb > 0;
}

/* "start-end perms offset dev inode [path]" */
static bool parse_header(const char *line, struct mapping *m)
{
	uintmax_t start, end;
	char perms[8];
	int path_at = 0;

	if (sscanf(line, "%jx-%jx %7s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3)
		return false;
	*m = (struct mapping){.start = (uintptr_t)start, .end = (uintptr_t)end};
	m->writable = strchr(perms, 'w') != NULL;
	/* a deleted file's pages cannot be read back: keep them */
	m->file_backed =
	    path_at > 0 && line[path_at] == '/' && !strstr(line + path_at, "(deleted)");
	return true;
}

static void parse_field(const char *line, struct mapping *m)
{
	size_t kb;

	if (sscanf(line, "Rss: %zu kB", &kb) == 1)
		m->rss_kb = kb;
	else if (sscanf(line, "Anonymous: %zu kB", &kb) == 1)
		m->anon_kb = kb;
}

static size_t release(const struct mapping *m)
{
	if (!releasable(m))
		return 0;
	/* EINVAL for a locked mapping: it stays, as it was asked to */
	return madvise((void *)m->start, m->end - m->start, MADV_DONTNEED) == 0 ? m->rss_kb : 0;
}

int file_pages_release(size_t *released_kb)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char *line = NULL;
	size_t cap = 0, total = 0;
	struct mapping cur = {0};
	bool have = false;

	if (!f)
		return -errno;
	/* a header line starts with a hex digit, a field with a capital */
	while (getline(&line, &cap, f) >= 0) {
		struct mapping next;

		if (line[0] >= 'A' && line[0] <= 'Z') {
			if (have)
				parse_field(line, &cur);
		} else if (parse_header(line, &next)) {
			if (have)
				total += release(&cur);
			cur = next;
			have = true;
		}
	}
	if (have)
		total += release(&cur);
	free(line);
	(void)fclose(f);
	if (released_kb)
		*released_kb = total;
	return 0;
}
