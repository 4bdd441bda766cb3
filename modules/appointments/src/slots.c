// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The pure rules of booking: local time in Africa/Algiers, the slots of opening hours, closed
 * days, horizon and notice, and the shapes of tokens, codes, contacts and form values.
 */
#include "internal.h"

#include "common/check.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
appt_local_now(time_t now, char day[APPT_DAY_SIZE], int *minute)
{
	time_t local = now + APPT_UTC_OFFSET_S;
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(day, APPT_DAY_SIZE, "%Y-%m-%d", &tm);
	*minute = tm.tm_hour * 60 + tm.tm_min;
}

/* Noon UTC of a real day (so that adding days never crosses a date line); -1 otherwise. */
static time_t
day_noon(const char *day)
{
	if (!day || !is_iso_date(day))
		return -1;
	struct tm tm = {0};
	tm.tm_year = atoi(day) - 1900;
	tm.tm_mon = atoi(day + 5) - 1;
	tm.tm_mday = atoi(day + 8);
	tm.tm_hour = 12;
	return timegm(&tm);
}

int
appt_weekday(const char *day)
{
	time_t t = day_noon(day);
	if (t < 0)
		return -1;
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_wday;
}

bool
appt_day_add(const char *day, int n, char out[APPT_DAY_SIZE])
{
	time_t t = day_noon(day);
	if (t < 0)
		return false;
	t += (time_t)n * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, APPT_DAY_SIZE, "%Y-%m-%d", &tm);
	return true;
}

int
appt_days_between(const char *a, const char *b)
{
	return (int)((day_noon(b) - day_noon(a)) / 86400);
}

int
appt_parse_hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

void
appt_hhmm(int minute, char out[6])
{
	snprintf(out, 6, "%02u:%02u", (unsigned)(minute / 60) % 25, (unsigned)minute % 60);
}

int
appt_slot_starts(int opens, int closes, int len, int *out, int max)
{
	int n = 0;
	if (len <= 0)
		return 0;
	for (int m = opens; m + len <= closes && n < max; m += len)
		out[n++] = m;
	return n;
}

enum appt_when
appt_check_when(const char *day, int minute, const char *today, int now_minute, int horizon_days,
		int notice_minutes)
{
	int ahead = appt_days_between(today, day);
	long long from_now = (long long)ahead * 1440 + minute - now_minute;
	if (from_now <= 0)
		return APPT_WHEN_PAST;
	if (from_now < notice_minutes)
		return APPT_WHEN_NOTICE;
	if (ahead > horizon_days)
		return APPT_WHEN_HORIZON;
	return APPT_WHEN_OK;
}

bool
appt_day_closed(const char *day, long long counter_id, json_t *rest_days, json_t *closed)
{
	int wd = appt_weekday(day);
	size_t i;
	json_t *v;
	json_array_foreach(rest_days, i, v) if (json_integer_value(v) == wd) return true;
	json_array_foreach(closed, i, v)
	{
		json_t *c = json_object_get(v, "counter_id");
		const char *d = json_string_value(json_object_get(v, "day"));
		if (d && !strcmp(d, day) &&
		    (json_is_null(c) || json_integer_value(c) == counter_id))
			return true;
	}
	return false;
}

void
appt_new_code(char code[APPT_CODE_SIZE])
{
	public_ref_new('A', code);
}

static bool
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	return true;
}

bool
appt_contact_ok(const char *s)
{
	if (!s || !*s || strlen(s) > APPT_CONTACT_MAX)
		return false;
	if (strchr(s, '@'))
		return email_ok(s);
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr(" +-.()", *p) || (*p == '+' && p != s))
			return false;
	}
	return digits >= 8 && digits <= 15;
}

static bool
charset_ok(const char *s, size_t min, size_t max, const char *extra, bool upper)
{
	size_t n = s ? strlen(s) : 0;
	if (n < min || n > max)
		return false;
	for (const char *p = s; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !isdigit((unsigned char)*p) &&
		    !(upper && *p >= 'A' && *p <= 'Z') && !strchr(extra, *p))
			return false;
	return true;
}

bool
appt_nonce_ok(const char *s)
{
	return charset_ok(s, 16, 64, "-_", true);
}

bool
appt_service_key_ok(const char *s)
{
	return charset_ok(s, 2, 48, "-", false);
}
