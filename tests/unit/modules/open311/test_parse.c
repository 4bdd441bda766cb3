// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Open311 API's text parsing (modules/open311/src/parse.c): W3C date-times with a
 * timezone (offsets, fractions, the space an unencoded "+" becomes, real days only), their UTC
 * form, comma-separated lists of references and codes, the status filter, UTF-8 prefixes, the
 * title taken from a description, and API key names.
 */
#include "../../../../modules/open311/src/parse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define T_2026_11_26_07 1795676400LL /* 2026-11-26T07:00:00Z */

static long long
epoch_of(const char *s)
{
	long long t = -1;
	assert_true(open311_parse_datetime(s, &t));
	return t;
}

static void
test_datetime_zones(void **state)
{
	(void)state;
	assert_int_equal(epoch_of("2026-11-26T07:00:00Z"), T_2026_11_26_07);
	assert_int_equal(epoch_of("2026-11-26t07:00:00z"), T_2026_11_26_07);
	assert_int_equal(epoch_of("2026-11-26T08:00:00+01:00"), T_2026_11_26_07);
	assert_int_equal(epoch_of("2026-11-26T08:00:00 01:00"), T_2026_11_26_07); /* "+" as sent */
	assert_int_equal(epoch_of("2026-11-26T01:30:00-05:30"), T_2026_11_26_07);
	assert_int_equal(epoch_of("2026-11-26T07:00:00+00:00"), T_2026_11_26_07);
	assert_int_equal(epoch_of("2026-11-26T21:58:00+14:59"), T_2026_11_26_07 - 60);
	/* the day changes with the offset */
	assert_int_equal(epoch_of("2026-11-25T23:00:00-08:00"), T_2026_11_26_07);
	assert_int_equal(epoch_of("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(epoch_of("1970-01-01T01:00:00+01:00"), 0);
	assert_int_equal(epoch_of("2024-02-29T23:59:59Z"), 1709251199LL);
	assert_int_equal(epoch_of("2000-02-29T00:00:00Z"), 951782400LL);
}

static void
test_datetime_fraction(void **state)
{
	(void)state;
	assert_int_equal(epoch_of("2026-11-26T07:00:00.5Z"), T_2026_11_26_07);
	assert_int_equal(epoch_of("2026-11-26T07:00:00.123456789+00:00"), T_2026_11_26_07);
	long long t;
	assert_false(open311_parse_datetime("2026-11-26T07:00:00.1234567890Z", &t));
	assert_false(open311_parse_datetime("2026-11-26T07:00:00.Z", &t));
	assert_false(open311_parse_datetime("2026-11-26T07:00:00,5Z", &t));
}

static void
test_datetime_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-11-26T07:00:00",        /* no timezone */
		"2026-11-26",                 /* no time */
		"2026-11-26 07:00:00Z",       /* no T */
		"2026-11-26T07:00Z",          /* no seconds */
		"2026-11-26T07:00:00+0100",   /* no colon in the offset */
		"2026-11-26T07:00:00+1:00",   /* one-digit hours */
		"2026-11-26T07:00:00+15:00",  /* past +14:59 */
		"2026-11-26T07:00:00+01:60",  /* no such minute */
		"2026-11-26T07:00:00Z ",      /* trailing text */
		"2026-11-26T07:00:00ZZ",      /* trailing text */
		"2026-11-26T07:00:00+01:00x", /* trailing text */
		"2026-02-29T07:00:00Z",       /* not a leap year */
		"1900-02-29T07:00:00Z",       /* not a leap year, and before 1970 */
		"2026-04-31T07:00:00Z",       /* April has 30 days */
		"2026-00-10T07:00:00Z",
		"2026-13-10T07:00:00Z",
		"2026-11-00T07:00:00Z",
		"2026-11-26T24:00:00Z",
		"2026-11-26T07:60:00Z",
		"2026-11-26T07:00:60Z",
		"1969-12-31T23:59:59Z",  /* before 1970 */
		"２026-11-26T07:00:00Z", /* a full-width digit */
		"+2026-11-26T07:00:00Z",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long long t = 42;
		if (open311_parse_datetime(bad[i], &t))
			fail_msg("\"%s\" was taken as %lld", bad[i], t);
	}
	long long t;
	assert_false(open311_parse_datetime(NULL, &t));
}

static void
test_format_utc(void **state)
{
	(void)state;
	char out[OPEN311_UTC_SIZE];
	open311_format_utc(T_2026_11_26_07, out);
	assert_string_equal(out, "2026-11-26T07:00:00Z");
	open311_format_utc(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	open311_format_utc(1709251199LL + 1, out);
	assert_string_equal(out, "2024-03-01T00:00:00Z");
	/* what a filter in another timezone searches for */
	open311_format_utc(epoch_of("2026-11-01T00:00:00+01:00"), out);
	assert_string_equal(out, "2026-10-31T23:00:00Z");
	open311_format_utc(epoch_of("2026-11-26T07:00:00.999Z") + 15 * 86400LL, out);
	assert_string_equal(out, "2026-12-11T07:00:00Z");
}

static bool
is_short(void *ctx, const char *item)
{
	(*(int *)ctx)++;
	return strlen(item) <= 3;
}

static void
test_list(void **state)
{
	(void)state;
	int calls = 0;
	assert_true(open311_list_ok("VOI", 64, is_short, &calls));
	assert_true(open311_list_ok("VOI,ECL,EAU", 64, is_short, &calls));
	assert_true(open311_list_ok("VOI,ECL,EAU", 3, is_short, &calls));
	assert_false(open311_list_ok("VOI,ECL,EAU", 2, is_short, &calls)); /* too many */
	assert_false(open311_list_ok("VOI,ECLAIRAGE", 64, is_short, &calls));
	assert_false(open311_list_ok("VOI,,ECL", 64, is_short, &calls));
	assert_false(open311_list_ok(",VOI", 64, is_short, &calls));
	assert_false(open311_list_ok("VOI,", 64, is_short, &calls));
	assert_false(open311_list_ok(",", 64, is_short, &calls));
	assert_false(open311_list_ok(",,", 64, is_short, &calls));
	assert_false(open311_list_ok("", 64, is_short, &calls));
	assert_true(calls > 0);
	/* each item is a string of its own, in order */
	calls = 0;
	assert_int_equal(open311_each_item("a,,bb,ccc", 10, is_short, &calls), 3);
	assert_int_equal(calls, 3);
	assert_int_equal(open311_each_item("a,bb,cccc,d", 10, is_short, &calls), -1);
	assert_int_equal(open311_each_item(",,", 10, is_short, &calls), 0);
}

static void
assert_status(const char *s, bool ok, bool want_open, bool want_closed)
{
	bool open = !want_open, closed = !want_closed;
	assert_int_equal(open311_parse_status(s, &open, &closed), ok);
	if (ok) {
		assert_int_equal(open, want_open);
		assert_int_equal(closed, want_closed);
	}
}

static void
test_status(void **state)
{
	(void)state;
	assert_status("open", true, true, false);
	assert_status("closed", true, false, true);
	assert_status("open,closed", true, true, true);
	assert_status("closed,open,open", true, true, true);
	assert_status("open,,closed", true, true, true);
	assert_status("Open", false, false, false);
	assert_status("open,resolved", false, false, false);
	assert_status("open ", false, false, false);
	assert_status(",", false, false, false);
	assert_status("", false, false, false);
}

static void
test_prefix_and_title(void **state)
{
	(void)state;
	assert_int_equal(open311_prefix_len("abc", 5), 3);
	assert_int_equal(open311_prefix_len("abcdef", 3), 3);
	assert_int_equal(open311_prefix_len("", 3), 0);
	assert_int_equal(open311_prefix_len("abc", 0), 0);
	/* characters, not bytes: 2 bytes each in Arabic, 4 for the emoji */
	assert_int_equal(open311_prefix_len("ماء مقطوع", 3), 6);
	assert_int_equal(open311_prefix_len("\xF0\x9F\x9A\xB0\xF0\x9F\x9A\xB0", 1), 4);
	size_t n;
	const char *t = open311_title("  \r\n\tFuite rue Didouche\nDepuis lundi.", 120, &n);
	assert_int_equal(n, strlen("Fuite rue Didouche"));
	assert_memory_equal(t, "Fuite rue Didouche", n);
	t = open311_title("Fuite rue Didouche\r\nDepuis lundi.", 5, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(t, "Fuite", n);
	t = open311_title("تسرب مياه\nمنذ الاثنين", 4, &n);
	assert_int_equal(n, strlen("تسرب"));
	t = open311_title(" \n ", 120, &n);
	assert_int_equal(n, 0);
	t = open311_title("", 120, &n);
	assert_int_equal(n, 0);
}

static void
test_key_name(void **state)
{
	(void)state;
	assert_true(open311_is_key_name("fixmystreet"));
	assert_true(open311_is_key_name("App-2.v_1"));
	assert_true(open311_is_key_name("9lives"));
	char name[66];
	memset(name, 'k', 64);
	name[64] = '\0';
	assert_true(open311_is_key_name(name));
	name[64] = 'k';
	name[65] = '\0';
	assert_false(open311_is_key_name(name));
	assert_false(open311_is_key_name(""));
	assert_false(open311_is_key_name("-app"));
	assert_false(open311_is_key_name(".app"));
	assert_false(open311_is_key_name("my app"));
	assert_false(open311_is_key_name("app/1"));
	assert_false(open311_is_key_name("تطبيق"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datetime_zones),
		cmocka_unit_test(test_datetime_fraction),
		cmocka_unit_test(test_datetime_refused),
		cmocka_unit_test(test_format_utc),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_prefix_and_title),
		cmocka_unit_test(test_key_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
