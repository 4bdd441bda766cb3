// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef OPEN311_PARSE_H
#define OPEN311_PARSE_H

/*
 * What the Open311 API reads and writes as text, without a request or a database (parse.c):
 * W3C date-times with a timezone, comma-separated lists, prefixes of UTF-8 texts, API key
 * names. Between the module's own files and its unit tests.
 */
#include <stdbool.h>
#include <stddef.h>

#define OPEN311_UTC_SIZE 21 /* "YYYY-MM-DDThh:mm:ssZ" and the NUL */

/*
 * Parse "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)" (1 to 9 fraction digits, "t" and
 * "z" also in lower case, years from 1970, offsets up to 14:59) into seconds since the epoch.
 * A space stands for "+": an unencoded "+" in a query string arrives as a space. False when s
 * is NULL, not of that shape, or not a real day and time.
 */
bool open311_parse_datetime(const char *s, long long *epoch);

/* epoch (seconds since 1970) as "YYYY-MM-DDThh:mm:ssZ" (years 1000 to 9999; "" past them). */
void open311_format_utc(long long epoch, char out[OPEN311_UTC_SIZE]);

/*
 * Call each(ctx, item) on every non-empty comma-separated item of s (a NUL-terminated copy), in
 * order, while it returns true. Returns the number of items, or -1 when there are more than
 * max or each returned false.
 */
long open311_each_item(const char *s, size_t max, bool (*each)(void *ctx, const char *item),
		       void *ctx);

/*
 * True when s is a list of 1 to max comma-separated items that all pass ok(ctx, item), with no
 * empty item (no leading, trailing or doubled comma).
 */
bool open311_list_ok(const char *s, size_t max, bool (*ok)(void *ctx, const char *item), void *ctx);

/*
 * The status filter of GET requests: "open", "closed" or both, comma-separated (empty items
 * skipped). Sets *open and *closed to what the list names; false when an item is anything else
 * or the list names neither.
 */
bool open311_parse_status(const char *s, bool *open, bool *closed);

/* Bytes of the first max_chars characters of the UTF-8 text s (strlen(s) when it is shorter). */
size_t open311_prefix_len(const char *s, size_t max_chars);

/*
 * The title of a filed request (the spec has none): the first line of description, leading
 * white space (spaces, tabs, line ends) skipped, at most max_chars characters. Returns where it
 * starts in description, and its length in bytes in *len.
 */
const char *open311_title(const char *description, size_t max_chars, size_t *len);

/* An API key's name: 1 to 64 ASCII letters, digits, '.', '_' or '-', starting with a letter or
 * a digit. */
bool open311_is_key_name(const char *s);

#endif
