// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Open311 API's text parsing: W3C date-times with a timezone as the GeoReport spec wants
 * them, comma-separated lists, UTF-8 prefixes and titles, API key names. Pure functions, unit
 * tested in tests/unit/modules/open311/test_parse.c.
 */
#include "parse.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The n decimal digits at s in *out; false when one is not a digit. */
static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* The fraction of a second at p ('.' and 1 to 9 digits, or nothing): what follows it, or NULL. */
static const char *
skip_fraction(const char *p)
{
	if (*p != '.')
		return p;
	int nd = 0;
	while (p[1] >= '0' && p[1] <= '9') {
		p++;
		nd++;
	}
	return nd == 0 || nd > 9 ? NULL : p + 1;
}

/* The timezone at p, the whole rest of the string: its offset east of UTC in seconds. */
static bool
parse_zone(const char *p, long long *offset_s)
{
	int oh, om;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		*offset_s = 0;
		return true;
	}
	if ((*p == '+' || *p == ' ' || *p == '-') && strlen(p) == 6 && digits(p + 1, 2, &oh) &&
	    p[3] == ':' && digits(p + 4, 2, &om) && oh <= 14 && om <= 59) {
		*offset_s = (*p == '-' ? -1 : 1) * (oh * 3600LL + om * 60);
		return true;
	}
	return false;
}

bool
open311_parse_datetime(const char *s, long long *epoch)
{
	int y, mo, d, h, mi, sec;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return false;
	const char *zone = skip_fraction(s + 19);
	long long offset_s;
	if (!zone || !parse_zone(zone, &offset_s))
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59)
		return false;
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = sec};
	*epoch = (long long)timegm(&tm) - offset_s;
	return true;
}

void
open311_format_utc(long long epoch, char out[OPEN311_UTC_SIZE])
{
	time_t t = (time_t)epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(out, OPEN311_UTC_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0'; /* past year 9999 */
}

long
open311_each_item(const char *s, size_t max, bool (*each)(void *ctx, const char *item), void *ctx)
{
	long n = 0;
	char *copy = xstrdup(s);
	for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if ((size_t)++n > max || !each(ctx, item)) {
			n = -1;
			break;
		}
	}
	free(copy);
	return n;
}

bool
open311_list_ok(const char *s, size_t max, bool (*ok)(void *ctx, const char *item), void *ctx)
{
	size_t len = strlen(s);
	return open311_each_item(s, max, ok, ctx) > 0 && s[0] != ',' && s[len - 1] != ',' &&
	       !strstr(s, ",,");
}

struct status_filter {
	bool open, closed;
};

static bool
status_item(void *ctx, const char *item)
{
	struct status_filter *f = ctx;
	if (strcmp(item, "open") == 0)
		f->open = true;
	else if (strcmp(item, "closed") == 0)
		f->closed = true;
	else
		return false;
	return true;
}

bool
open311_parse_status(const char *s, bool *open, bool *closed)
{
	struct status_filter f = {false, false};
	long n = open311_each_item(s, strlen(s) + 1, status_item, &f);
	*open = f.open;
	*closed = f.closed;
	return n > 0;
}

size_t
open311_prefix_len(const char *s, size_t max_chars)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (chars == max_chars)
				return i;
			chars++;
		}
	}
	return i;
}

const char *
open311_title(const char *description, size_t max_chars, size_t *len)
{
	const char *p = description + strspn(description, " \t\r\n");
	size_t line = strcspn(p, "\r\n");
	size_t prefix = open311_prefix_len(p, max_chars);
	*len = prefix < line ? prefix : line;
	return p;
}

bool
open311_is_key_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}
