/* The one rule for "is this link up": the link watch (src/check) and the
 * netlink reader (nl_live_parse.c) both ask it. */
#include "net/link_state.h"

#include <stdio.h>

#include <linux/if.h>

const char *link_operstate_name(int operstate)
{
	static const char *const names[] = {
	    [IF_OPER_UNKNOWN] = "unknown", [IF_OPER_NOTPRESENT] = "notpresent",
	    [IF_OPER_DOWN] = "down",	   [IF_OPER_LOWERLAYERDOWN] = "lowerlayerdown",
	    [IF_OPER_TESTING] = "testing", [IF_OPER_DORMANT] = "dormant",
	    [IF_OPER_UP] = "up",
	};

	if (operstate < 0 || (size_t)operstate >= sizeof(names) / sizeof(names[0]))
		return "invalid";
	return names[operstate];
}

static void say(char *why, size_t len, const char *fmt, const char *arg)
{
	if (why && len)
		snprintf(why, len, fmt, arg);
}

bool link_state_up(unsigned flags, int operstate, char *why, size_t len)
{
	const char *name = link_operstate_name(operstate < 0 ? IF_OPER_UNKNOWN : operstate);
	bool up;

	if (!(flags & IFF_UP)) {
		say(why, len, "administratively down%s", "");
		return false;
	}
	if (operstate < 0 || operstate == IF_OPER_UNKNOWN)
		up = (flags & IFF_RUNNING) && (flags & IFF_LOWER_UP);
	else /* IFF_LOWER_UP is the carrier now; the operstate may lag it (linkwatch) */
		up = operstate == IF_OPER_UP && (flags & IFF_LOWER_UP);
	if (up)
		say(why, len, "up%s", "");
	else if (!(flags & IFF_LOWER_UP))
		say(why, len, "no carrier (operstate %s)", name);
	else
		say(why, len, "operstate %s", name);
	return up;
}
