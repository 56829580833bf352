/* util/file_pages.c: what is released and what must never be. A page is
 * "mapped" when /proc/self/pagemap says present (bit 63). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/file_pages.h"

static int written_global = 1; /* .data: a copied page of the program's file */

static bool page_present(const void *addr)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	off_t at = (off_t)((uintptr_t)addr / (uintptr_t)page * sizeof(entry));

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &entry, sizeof(entry), at), (ssize_t)sizeof(entry));
	close(fd);
	return (entry >> 63) & 1;
}

/* A file of n pages, each filled with its index, mapped privately. */
static unsigned char *map_file(size_t pages, int prot)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[] = "/tmp/test_file_pages.XXXXXX";
	int fd = mkstemp(path);
	unsigned char *buf = malloc((size_t)page);
	void *map;

	assert_true(fd >= 0 && buf);
	unlink(path); /* a deleted file is never released: keep the name until mapped */
	for (size_t i = 0; i < pages; i++) {
		memset(buf, (int)i + 1, (size_t)page);
		assert_int_equal(write(fd, buf, (size_t)page), page);
	}
	free(buf);
	map = mmap(NULL, pages * (size_t)page, prot, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(map != MAP_FAILED);
	return map;
}

/* The mapping of a file that was unlinked shows "(deleted)": kept. The
 * program's own text is a file that exists: released. */
static void test_the_programs_text_is_released(void **state)
{
	size_t kb = 0;
	const void *text = (const void *)&test_the_programs_text_is_released;

	(void)state;
	assert_true(page_present(text));
	assert_int_equal(file_pages_release(&kb), 0);
	assert_true(kb > 0);
	/* running it again faults it back: it still works */
	assert_int_equal(file_pages_release(NULL), 0);
}

static void test_a_written_page_keeps_what_was_written(void **state)
{
	(void)state;
	written_global = 42;
	assert_int_equal(file_pages_release(NULL), 0);
	assert_int_equal(written_global, 42);
}

/* The dynamic linker's RELRO: written, then made read-only. Dropping it
 * would give the file's bytes back in place of the relocations. */
static void test_a_copied_page_made_read_only_is_kept(void **state)
{
	char path[] = "/tmp/test_file_pages.XXXXXX";
	int fd = mkstemp(path);
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *buf = calloc(1, (size_t)page);
	unsigned char *map;

	(void)state;
	assert_true(fd >= 0 && buf);
	assert_int_equal(write(fd, buf, (size_t)page), page);
	map = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	assert_true(map != MAP_FAILED);
	map[0] = 0xab; /* copied: anonymous now */
	assert_int_equal(mprotect(map, (size_t)page, PROT_READ), 0);
	assert_int_equal(file_pages_release(NULL), 0);
	assert_true(page_present(map));
	assert_int_equal(map[0], 0xab);
	munmap(map, (size_t)page);
	close(fd);
	unlink(path);
	free(buf);
}

static void test_a_read_only_file_page_is_released_and_reads_the_same(void **state)
{
	char path[] = "/tmp/test_file_pages.XXXXXX";
	int fd = mkstemp(path);
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *buf = malloc((size_t)page);
	volatile unsigned char *map;

	(void)state;
	assert_true(fd >= 0 && buf);
	memset(buf, 0x5a, (size_t)page);
	assert_int_equal(write(fd, buf, (size_t)page), page);
	map = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(map[0], 0x5a);
	assert_true(page_present((const void *)map));
	assert_int_equal(file_pages_release(NULL), 0);
	assert_false(page_present((const void *)map));
	assert_int_equal(map[100], 0x5a); /* faulted back from the page cache */
	munmap((void *)map, (size_t)page);
	close(fd);
	unlink(path);
	free(buf);
}

static void test_a_deleted_files_pages_are_kept(void **state)
{
	unsigned char *map = map_file(2, PROT_READ);
	long page = sysconf(_SC_PAGESIZE);

	(void)state;
	assert_int_equal(map[0], 1);
	assert_int_equal(file_pages_release(NULL), 0);
	assert_true(page_present(map));
	assert_int_equal(map[page], 2);
	munmap(map, 2 * (size_t)page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_programs_text_is_released),
	    cmocka_unit_test(test_a_written_page_keeps_what_was_written),
	    cmocka_unit_test(test_a_copied_page_made_read_only_is_kept),
	    cmocka_unit_test(test_a_read_only_file_page_is_released_and_reads_the_same),
	    cmocka_unit_test(test_a_deleted_files_pages_are_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
