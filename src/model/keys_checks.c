/* The key tables of issue 13's sections: a service check (checks: NAME),
 * hooks (cluster.hooks, a sync group's hooks) and a sync group. `vipctl
 * explain checks|hooks|sync_groups` prints them, the loader enforces them
 * (load_checks.c). */
#include <stddef.h>
#include <string.h>

#include "model/kinds/kind.h"

#define CHECK_TYPES "process | tcp | http | exec"
#define TIMING(f)   (offsetof(struct svc_check, timing) + offsetof(struct gwcheck_cfg, f))

// clang-format off
static const struct key_spec check_key_specs[] = {
	{.name = "type", .type = KT_ENUM, .offset = offsetof(struct svc_check, type_val),
	 .enum_names = svc_type_names, .required = true,
	 .help = "process: a process by name; tcp: a connect; http: a GET and its status; "
		 "exec: a program's exit code"},
	{.name = "name", .type = KT_STRING, .offset = offsetof(struct svc_check, process),
	 .range_text = "process name, no '/' (matched with /proc/PID/comm and argv[0]'s base name)",
	 .help = "process (required): the process to find, as pidof and killall -0 match it"},
	{.name = "address", .type = KT_ADDR, .offset = offsetof(struct svc_check, address),
	 .has_default = true, .default_text = "127.0.0.1",
	 .help = "tcp: the address to connect to"},
	{.name = "port", .type = KT_U32, .offset = offsetof(struct svc_check, port), .min = 1,
	 .max = 65535, .help = "tcp (required): the port to connect to"},
	{.name = "url", .type = KT_STRING, .offset = offsetof(struct svc_check, url),
	 .range_text = "http://IP[:PORT]/PATH, IP a literal ([v6] in brackets)",
	 .help = "http (required): what to GET; an IP address, not a host name: vipd resolves "
		 "no names at run time"},
	{.name = "expect", .type = KT_U32, .offset = offsetof(struct svc_check, expect),
	 .min = 100, .max = 599, .def = 200, .has_default = true,
	 .help = "http: the status code that means healthy"},
	{.name = "command", .type = KT_ARGV, .offset = offsetof(struct svc_check, command),
	 .help = "exec (required): the program and its arguments; exit 0 means healthy, killed "
		 "at the timeout"},
	{.name = "user", .type = KT_STRING, .offset = offsetof(struct svc_check, user),
	 .has_default = true, .default_text = "nobody", .range_text = "user name",
	 .help = "exec: the user it runs as (root only when written)"},
	{.name = "namespace", .type = KT_NSNAME, .offset = offsetof(struct svc_check, netns),
	 .help = "tcp, http, exec: the network namespace it runs in (default: the daemon's); "
		 "not for process"},
	{.name = "interval", .type = KT_DURATION, .offset = TIMING(interval), .min = 10,
	 .max = 60000, .def = 500, .has_default = true, .default_text = "500ms or timeout/80%",
	 .help = "one attempt per interval (unset under a written timeout above 400ms: the "
		 "timeout / 80%)"},
	{.name = "timeout", .type = KT_DURATION, .offset = TIMING(timeout), .min = 10,
	 .max = 60000, .def = 400, .has_default = true, .default_text = "80% of interval",
	 .help = "an attempt not done after this long failed (an exec is killed); at most "
		 "interval"},
	{.name = "fall", .type = KT_U32, .offset = TIMING(fall), .min = 1, .max = 100, .def = 3,
	 .has_default = true, .help = "failed attempts in a row before the check counts as down"},
	{.name = "rise", .type = KT_U32, .offset = TIMING(rise), .min = 1, .max = 100, .def = 2,
	 .has_default = true, .help = "good attempts in a row before it counts as up again"},
};
// clang-format on
const struct key_table check_keys = KEY_TABLE("check", check_key_specs);

#define CMD(e) (offsetof(struct hooks_cfg, cmd) + (e) * sizeof(struct argv_val))

// clang-format off
static const struct key_spec hooks_key_specs[] = {
	{.name = "master", .type = KT_ARGV, .offset = CMD(HOOK_MASTER),
	 .help = "runs after the VIPs are added and announced"},
	{.name = "backup", .type = KT_ARGV, .offset = CMD(HOOK_BACKUP),
	 .help = "runs after the VIPs are removed on a handover"},
	{.name = "fault", .type = KT_ARGV, .offset = CMD(HOOK_FAULT),
	 .help = "runs when the instance (or group) cannot serve: link, checks"},
	{.name = "stop", .type = KT_ARGV, .offset = CMD(HOOK_STOP),
	 .help = "runs when vipd stops or the instance is removed by a reload"},
};
// clang-format on
const struct key_table hooks_keys = KEY_TABLE("hooks", hooks_key_specs);

// clang-format off
static const struct key_spec sync_group_key_specs[] = {
	{.name = "members", .type = KT_SPECIAL, .required = true, .type_text = "list",
	 .range_text = "[INTERFACE/SLOT[/FAMILY], ...]; INTERFACE may be *",
	 .help = "the instances that hand over together; an instance is in at most one group"},
	{.name = "hooks", .type = KT_STRUCT, .offset = offsetof(struct sync_group, hooks),
	 .sub = &hooks_keys, .help = "the group's hooks, instead of cluster.hooks"},
};
// clang-format on
const struct key_table sync_group_keys = KEY_TABLE("sync_group", sync_group_key_specs);

const char *check_required_key(enum svc_type t)
{
	static const char *const need[SVC_TYPE_COUNT] = {
	    [SVC_PROCESS] = "name", [SVC_TCP] = "port", [SVC_HTTP] = "url", [SVC_EXEC] = "command"};

	return t < SVC_TYPE_COUNT ? need[t] : NULL;
}

/* Which check types accept a key: 0 for the keys of every check. */
unsigned check_key_types(const char *key)
{
	static const struct {
		const char *key;
		unsigned types;
	} own[] = {
	    {"name", 1u << SVC_PROCESS},
	    {"address", 1u << SVC_TCP},
	    {"port", 1u << SVC_TCP},
	    {"url", 1u << SVC_HTTP},
	    {"expect", 1u << SVC_HTTP},
	    {"command", 1u << SVC_EXEC},
	    {"user", 1u << SVC_EXEC},
	    {"namespace", (1u << SVC_TCP) | (1u << SVC_HTTP) | (1u << SVC_EXEC)},
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(own[i].key, key) == 0)
			return own[i].types;
	return 0;
}
