/* Fall/rise hysteresis: the single "check finished" funnel. */
#include "check/rise_fall.h"

#include <stdio.h>
#include <string.h>

#include "util/text.h"

void check_state_init(struct check_state *st, uint32_t fall, uint32_t rise, bool counts)
{
	memset(st, 0, sizeof(*st));
	st->detail = st->reason = text_empty;
	st->fall = fall ? fall : 1;
	st->rise = rise ? rise : 1;
	st->counts = counts;
	st->status = CHECK_UNKNOWN;
}

void check_state_done(struct check_state *st)
{
	text_free(&st->detail);
	text_free(&st->reason);
}

/* "detail (k/n probes)" while the run is within its threshold, "detail (k
 * probes in a row)" past it: "5/3" would read like an error. */
static void format_detail(const struct check_state *st, bool ok, const char *detail, char *out,
			  size_t len)
{
	uint32_t run = ok ? st->ok_run : st->fail_run;
	uint32_t need = ok ? st->rise : st->fall;

	if (!detail)
		detail = ok ? "ok" : "failed";
	if (!st->counts)
		snprintf(out, len, "%s", detail);
	else if (run <= need)
		snprintf(out, len, "%s (%u/%u probe%s)", detail, run, need, need == 1 ? "" : "s");
	else
		snprintf(out, len, "%s (%u probes in a row)", detail, run);
}

/* The status this result leads to: a threshold reached moves to its
 * state; otherwise the status stays. */
static enum check_status next_status(const struct check_state *st, bool ok)
{
	if (ok && st->ok_run >= st->rise)
		return CHECK_UP;
	if (!ok && st->fail_run >= st->fall)
		return CHECK_DOWN;
	return st->status;
}

/* Every status change, from a result or forced: counted, timed, and its
 * detail kept as the reason. Back to UNKNOWN is counted too but reported as
 * no change (there is no "became unknown"). */
static enum check_change move_to(struct check_state *st, enum check_status to, uint64_t now_ms)
{
	if (to == st->status)
		return CHECK_CHANGE_NONE;
	st->status = to;
	st->changes++;
	st->last_change_ms = now_ms;
	text_set(&st->reason, st->detail);
	if (to == CHECK_UP)
		return CHECK_CHANGE_BECAME_UP;
	return to == CHECK_DOWN ? CHECK_CHANGE_BECAME_DOWN : CHECK_CHANGE_NONE;
}

enum check_change check_result(struct check_state *st, bool ok, uint64_t now_ms, const char *detail)
{
	char text[CHECK_TEXT_MAX];

	st->probes++;
	st->last_ms = now_ms;
	if (ok) {
		st->oks++;
		st->ok_run++;
		st->fail_run = 0;
	} else {
		st->fail_run++;
		st->ok_run = 0;
	}
	format_detail(st, ok, detail, text, sizeof(text));
	text_set(&st->detail, text);
	return move_to(st, next_status(st, ok), now_ms);
}

void check_note(struct check_state *st, const char *detail)
{
	char text[CHECK_TEXT_MAX];

	snprintf(text, sizeof(text), "%s", detail ? detail : "");
	text_set(&st->detail, text);
}

static enum check_change force(struct check_state *st, enum check_status to, uint64_t now_ms,
			       const char *detail)
{
	st->ok_run = 0;
	st->fail_run = 0;
	check_note(st, detail);
	return move_to(st, to, now_ms);
}

enum check_change check_force_down(struct check_state *st, uint64_t now_ms, const char *detail)
{
	return force(st, CHECK_DOWN, now_ms, detail);
}

enum check_change check_restart(struct check_state *st, uint64_t now_ms, const char *detail)
{
	return force(st, CHECK_UNKNOWN, now_ms, detail);
}

bool check_healthy(const struct check_state *st)
{
	return st->status != CHECK_DOWN;
}

const char *check_status_name(enum check_status s)
{
	static const char *const names[] = {
	    [CHECK_UNKNOWN] = "unknown",
	    [CHECK_UP] = "up",
	    [CHECK_DOWN] = "down",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "invalid";
}

const char *check_change_name(enum check_change c)
{
	static const char *const names[] = {
	    [CHECK_CHANGE_NONE] = "none",
	    [CHECK_CHANGE_BECAME_UP] = "became-up",
	    [CHECK_CHANGE_BECAME_DOWN] = "became-down",
	};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "invalid";
}
