/* vipctl: validate, show, explain, plan, apply and talk to the daemon. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct verb {
	const char *name;
	int (*run)(struct cli_opts *o);
	const char *usage;
};

static const struct verb verbs[] = {
    {"validate", cmd_validate,
     "validate [-c FILE]          check the file; exit 2 with every error"},
    {"show", cmd_show, "show [-c FILE] [--node N]   resolved model: interfaces, VRRP instances"},
    {"explain", cmd_explain, "explain [TYPE|SECTION]      the keys a type or section accepts"},
    {"schema", cmd_schema, "schema                      JSON Schema of the file, for editors"},
    {"status", cmd_status,
     "status [--watch [SECS]]     live state from the daemon, per instance\n"
     "         [--interface IF] [--zone Z] [--namespace NS]"},
    {"events", cmd_events,
     "events [--backlog N]        stream transitions and health changes (JSON lines)"},
    {"metrics", cmd_metrics,
     "metrics                     Prometheus text: state, priorities, counters"},
    {"reload", cmd_reload,
     "reload                      the daemon reloads its file; exit 2 with errors"},
    {"drain", cmd_drain,
     "drain                       advertise priority 1: move every VIP to the peer"},
    {"undrain", cmd_undrain, "undrain                     back to the configured priorities"},
    {"plan", cmd_plan, "plan [-c FILE] [--node N]   what apply would change on this node"},
    {"apply", cmd_apply, "apply [-c FILE] [--node N]  make the kernel match the file (idempotent)"},
    {"import", cmd_import,
     "import keepalived A.conf B.conf [--name NAME] [--nodes A,B]\n"
     "                            cluster.yaml from a keepalived pair, on stdout"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vipctl [-c FILE] [--node N] [--control SOCK] [-o json] VERB [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  vipctl %s\n", verbs[i].usage);
	fprintf(out, "\nFILE defaults to %s, SOCK to %s.\n", VIPD_DEFAULT_CONFIG,
		VIPD_DEFAULT_CONTROL);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"node", required_argument, NULL, 'n'},
	    {"control", required_argument, NULL, 's'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    /* status, events */
	    {"interface", required_argument, NULL, 'I'},
	    {"zone", required_argument, NULL, 'Z'},
	    {"namespace", required_argument, NULL, 'N'},
	    {"watch", optional_argument, NULL, 'W'},
	    {"backlog", required_argument, NULL, 'B'},
	    /* import */
	    {"name", required_argument, NULL, 'A'},
	    {"nodes", required_argument, NULL, 'D'},
	    {NULL, 0, NULL, 0},
	};
	struct cli_opts o = {.config = VIPD_DEFAULT_CONFIG, .control = VIPD_DEFAULT_CONTROL};
	int c;

	while ((c = getopt_long(argc, argv, "c:n:s:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			break;
		case 'n':
			o.node = optarg;
			break;
		case 's':
			o.control = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
				fprintf(stderr, "vipctl: error: -o takes json or text, not '%s'\n",
					optarg);
				return EXIT_BADCONF;
			}
			o.json = strcmp(optarg, "json") == 0;
			o.text = !o.json;
			break;
		case 'I':
			o.filter_interface = optarg;
			break;
		case 'Z':
			o.filter_zone = optarg;
			break;
		case 'N':
			o.filter_namespace = optarg;
			break;
		case 'W':
			o.watch = true;
			o.watch_secs = optarg ? strtod(optarg, NULL) : 0;
			break;
		case 'B':
			o.backlog = strtol(optarg, NULL, 10);
			break;
		case 'A':
			o.import_name = optarg;
			break;
		case 'D':
			o.import_nodes = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_BADCONF;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_BADCONF;
	}
	o.argc = argc - optind - 1;
	o.argv = argv + optind + 1;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[optind], verbs[i].name) == 0)
			return verbs[i].run(&o);
	fprintf(stderr, "vipctl: error: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_BADCONF;
}
