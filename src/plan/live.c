/* Look-ups over a live state snapshot. Pure: the snapshot is read by src/net. */
#include "plan/live.h"

#include <stdlib.h>
#include <string.h>

void live_state_free(struct live_state *ls)
{
	for (size_t i = 0; i < ls->n_links; i++)
		free(ls->links[i].addrs);
	free(ls->links);
	for (size_t i = 0; i < ls->n_netns; i++)
		free(ls->netns[i]);
	free(ls->netns);
	memset(ls, 0, sizeof(*ls));
}

const struct live_link *live_find(const struct live_state *ls, const char *netns, const char *name)
{
	if (!netns)
		netns = "";
	for (size_t i = 0; i < ls->n_links; i++)
		if (strcmp(ls->links[i].name, name) == 0 && strcmp(ls->links[i].netns, netns) == 0)
			return &ls->links[i];
	return NULL;
}

bool live_has_netns(const struct live_state *ls, const char *netns)
{
	if (!netns || !*netns)
		return true;
	for (size_t i = 0; i < ls->n_netns; i++)
		if (strcmp(ls->netns[i], netns) == 0)
			return true;
	return false;
}

bool live_is_owned(const struct live_link *l, const char *cluster)
{
	size_t n = strlen(VIPD_ALIAS_PREFIX);

	return strncmp(l->alias, VIPD_ALIAS_PREFIX, n) == 0 && strcmp(l->alias + n, cluster) == 0;
}
