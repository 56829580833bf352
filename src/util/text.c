#include "util/text.h"

#include <stdlib.h>
#include <string.h>

const char text_empty[] = "";

void text_free(const char **slot)
{
	if (*slot && *slot != text_empty)
		free((void *)*slot);
	*slot = text_empty;
}

void text_set(const char **slot, const char *text)
{
	char *copy = NULL;

	if (!text)
		text = text_empty;
	if (*slot && strcmp(*slot, text) == 0)
		return;
	if (text[0])
		copy = strdup(text);
	text_free(slot);
	if (copy)
		*slot = copy;
}
