/* libFuzzer target for the keepalived importer (src/import). Links:
 * import_lib + util_lib + libyaml.
 *
 * Input: the bytes of node 1's keepalived.conf; a line "=====" splits off
 * node 2's (without it both nodes read the same bytes, as the corpus test
 * does). Every `include` reads the same bytes again, so include loops and
 * depth are fuzzed too. Seeds: tests/fuzz/corpus/keepalived/ and
 * tests/import/.
 *
 * Besides "no crash, no leak", it checks the importer's contract: it
 * returns 0 exactly when no error was reported and a file was written, and
 * that file is well-formed YAML (one document, libyaml parses it). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "import/keepalived.h"

struct input {
	const char *buf[2];
	size_t len[2];
	int which; /* the file an include reads: the one being parsed */
};

static int fz_read(void *arg, const char *path, char **buf, size_t *len)
{
	const struct input *in = arg;
	size_t n = in->len[in->which];

	(void)path;
	*buf = malloc(n + 1);
	if (!*buf)
		return -ENOMEM;
	memcpy(*buf, in->buf[in->which], n);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

static int fz_glob(void *arg, const char *pattern, char ***paths, size_t *n)
{
	(void)arg;
	*paths = calloc(2, sizeof(**paths));
	if (!*paths)
		return -ENOMEM;
	(*paths)[0] = strdup(pattern);
	*n = (*paths)[0] ? 1 : 0;
	return 0;
}

static void check_yaml(const char *text)
{
	yaml_parser_t p;
	yaml_document_t doc;

	if (!yaml_parser_initialize(&p))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&p, &doc))
		abort(); /* the importer wrote YAML libyaml cannot read */
	if (!yaml_document_get_root_node(&doc))
		abort(); /* an empty document */
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
}

static void split(const uint8_t *data, size_t size, struct input *in)
{
	static const char sep[] = "\n=====\n";
	const char *d = (const char *)data;
	const char *s = size >= sizeof(sep) - 1 ? memmem(d, size, sep, sizeof(sep) - 1) : NULL;

	in->buf[0] = in->buf[1] = d;
	in->len[0] = in->len[1] = size;
	if (s) {
		in->len[0] = (size_t)(s - d);
		in->buf[1] = s + sizeof(sep) - 1;
		in->len[1] = size - in->len[0] - (sizeof(sep) - 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct input in;
	struct kad_reader rd = {.read = fz_read, .glob = fz_glob, .arg = &in};
	struct kad_import_opts o = {.nodes = {"a", "b"}};
	struct kad_msgs msgs = {0};
	struct kad_tree t[2];
	struct arena a;
	char *yaml = NULL;
	int rc;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	split(data, size, &in);
	arena_init(&a);
	for (int i = 0; i < 2; i++) {
		in.which = i;
		if (kad_parse_file(&a, &rd, i ? "b.conf" : "a.conf", o.nodes[i], &t[i], &msgs) != 0)
			abort(); /* the reader never fails here */
	}
	rc = kad_import(&a, &t[0], &t[1], &o, &yaml, &msgs);
	if ((rc == 0) != (msgs.errors == 0 && yaml != NULL))
		abort(); /* the return value and the messages disagree */
	if (yaml)
		check_yaml(yaml);
	if (devnull)
		kad_msgs_print(&msgs, devnull);
	free(yaml);
	kad_msgs_done(&msgs);
	arena_done(&a);
	return 0;
}
