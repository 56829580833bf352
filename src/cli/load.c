/* vipctl's side of the one loader (model/loader.h): print what it says. */
#include <stdio.h>

#include "cli/cli.h"
#include "model/loader.h"

struct model *cli_load_model_quiet(const char *path, struct diag_list *dl)
{
	struct model *m = NULL;

	diag_list_init(dl, path);
	model_load_file(path, MODEL_FILE_ANY, &m, dl);
	return m;
}

struct model *cli_load_model_diags(const char *path, struct diag_list *dl)
{
	struct model *m = cli_load_model_quiet(path, dl);

	diag_list_print(dl, stderr);
	return m;
}

struct model *cli_load_model(const char *path)
{
	struct diag_list dl;
	struct model *m = cli_load_model_diags(path, &dl);

	diag_list_done(&dl);
	return m;
}

int cli_pick_node(const struct model *m, const char *path, const char *node_opt)
{
	struct diag_list dl;
	int idx;

	diag_list_init(&dl, path);
	idx = model_pick_node(m, node_opt, &dl);
	diag_list_print(&dl, stderr);
	diag_list_done(&dl);
	return idx;
}
