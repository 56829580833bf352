/* Positioned values: what the loader makes of each value of the file.
 * Every value remembers where it was written, for the messages. Below
 * model.h and the kinds' options, which are made of them. */
#ifndef VIPD_MODEL_VALUES_H
#define VIPD_MODEL_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"
#include "util/ipaddr.h"

struct u32_val {
	uint32_t v;
	bool set;
	struct src_pos pos;
};
struct bool_val {
	bool v;
	bool set;
	struct src_pos pos;
};
struct str_val {
	const char *v; /* NULL when unset */
	struct src_pos pos;
};
struct name_ref {
	const char *name;
	struct src_pos pos;
	long idx; /* resolved interface index, -1 if none */
};
struct names_val {
	struct name_ref *v;
	size_t n;
	bool set;
	struct src_pos pos;
};
struct mac_val {
	uint8_t v[6];
	bool set;
	struct src_pos pos;
};
struct addr_val {
	struct ip_addr v;
	bool set;
	bool bad; /* written but invalid (reported): checks that need it stay quiet */
	struct src_pos pos;
};

#endif
