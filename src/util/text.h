/* A text that costs a pointer while it is empty: a slot is never NULL but
 * text_empty (shared) or a string of its own, so readers use it as a
 * string without a test. Kept that way because most of a daemon's
 * reasons and details are empty or short, and a buffer for the longest
 * one in every instance and check was a third of its memory (issue 16). */
#ifndef VIPD_UTIL_TEXT_H
#define VIPD_UTIL_TEXT_H

extern const char text_empty[];

/* *slot = a copy of text (NULL counts as ""); nothing is allocated when
 * the slot says the same already. Out of memory: the slot is emptied. */
void text_set(const char **slot, const char *text);
/* Gives the slot's string back; the slot is text_empty after. */
void text_free(const char **slot);

#endif
