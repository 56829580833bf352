/* Giving back the page-table entries of the program's and its libraries'
 * file pages once a start is done (docs/decisions.md, "vipd's memory").
 * The start touches code it will not run again (the YAML parser, the
 * model's compiler, the dynamic linker's relocation), and the kernel maps
 * up to 64 KiB of page cache around each page touched (fault-around):
 * about 2.7 MiB of vipd's RSS at 1000 instances were such file pages. The
 * pages stay in the page cache; the loop faults back in (a minor fault)
 * what it runs. Only mappings that nothing can have written to are
 * released: not writable and without a private (copied) page, since
 * dropping one of those would give the file's bytes back in its place. */
#ifndef VIPD_UTIL_FILE_PAGES_H
#define VIPD_UTIL_FILE_PAGES_H

#include <stddef.h>

/* Releases them; *released_kb (if not NULL) gets the resident KiB the
 * released mappings had. 0, or a negative errno (the smaps file cannot be
 * read, out of memory): then nothing or only some were released, which
 * costs memory, never correctness. */
int file_pages_release(size_t *released_kb);

#endif
