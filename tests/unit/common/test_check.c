// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * check: calendar dates (leap years, the 1900..2200 bounds, bad shapes), signed UTC times
 * (0 to 6 fraction digits, hours, minutes and seconds in range, a real day, the Z), SHA-256
 * hex, per-language texts, and decoding UTF-8 sequences with the bytes to skip on bad ones.
 */
#include "common/check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* None of the n texts passes check, which tells a what. */
static void
assert_none(bool (*check)(const char *), const char *const *texts, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (check(texts[i]))
			fail_msg("\"%s\" taken for %s", texts[i], what);
	assert_false(check(NULL));
}

static void
test_iso_date_calendar(void **state)
{
	(void)state;
	assert_true(is_iso_date("2025-06-15"));
	assert_true(is_iso_date("2025-01-31"));
	assert_true(is_iso_date("2025-04-30"));
	assert_false(is_iso_date("2025-04-31"));
	assert_false(is_iso_date("2025-06-31"));
	assert_false(is_iso_date("2025-13-01"));
	assert_false(is_iso_date("2025-00-10"));
	assert_false(is_iso_date("2025-01-00"));
	assert_false(is_iso_date("2025-01-32"));
	/* leap years: every 4, not every 100, every 400 */
	assert_true(is_iso_date("2024-02-29"));
	assert_false(is_iso_date("2023-02-29"));
	assert_false(is_iso_date("2025-02-30"));
	assert_true(is_iso_date("2000-02-29"));
	assert_false(is_iso_date("2100-02-29"));
	assert_true(is_iso_date("2023-02-28"));
}

static void
test_iso_date_bounds(void **state)
{
	(void)state;
	assert_true(is_iso_date("1900-01-01"));
	assert_false(is_iso_date("1899-12-31"));
	assert_false(is_iso_date("1900-02-29")); /* not a leap year */
	assert_true(is_iso_date("2200-12-31"));
	assert_false(is_iso_date("2201-01-01"));
	assert_false(is_iso_date("2200-02-29"));
	assert_false(is_iso_date("0000-01-01"));
	assert_false(is_iso_date("9999-12-31"));
}

static void
test_iso_date_shapes(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"2025-1-01",
		"2025-01-1",
		"25-01-01",
		"2025/01/01",
		"20250101",
		"2025-01-011",
		"2025-01-01 ",
		" 2025-01-01",
		"2025-01-01T00:00:00Z",
		"2025_01_01",
		"abcd-ef-gh",
		"2025-0a-01",
		"2025-01-0a",
		"2025-01-01\n",
		/* what sscanf's %2d would take: a space or a sign before the digits */
		"2025-01- 5",
		"2025-01-+5",
		"2025- 1-05",
		"+025-01-05",
		"2025--1-05",
	};
	assert_none(is_iso_date, bad, COUNT(bad), "a date");
}

static void
test_utc_time(void **state)
{
	(void)state;
	assert_true(is_utc_time("2026-11-26T07:00:00Z"));
	assert_true(is_utc_time("2024-02-29T23:59:59Z"));
	assert_true(is_utc_time("1900-01-01T00:00:00Z"));
	/* 0 (no dot) to 6 fraction digits */
	assert_true(is_utc_time("2026-11-26T07:00:00.5Z"));
	assert_true(is_utc_time("2026-11-26T07:00:00.12Z"));
	assert_true(is_utc_time("2026-11-26T07:00:00.123456Z"));
	assert_false(is_utc_time("2026-11-26T07:00:00.Z"));
	assert_false(is_utc_time("2026-11-26T07:00:00.1234567Z"));
	/* a real time and day */
	assert_false(is_utc_time("2026-11-26T24:00:00Z"));
	assert_false(is_utc_time("2026-11-26T23:60:00Z"));
	assert_false(is_utc_time("2026-11-26T23:59:60Z"));
	assert_false(is_utc_time("2025-02-30T00:00:00Z"));
	assert_false(is_utc_time("2023-02-29T12:00:00Z"));
	assert_false(is_utc_time("2201-01-01T00:00:00Z"));
}

static void
test_utc_time_shapes(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-11-26T07:00:00",       /* no Z */
		"2026-11-26T07:00:00z",      /* lower case */
		"2026-11-26t07:00:00Z",      /* lower case */
		"2026-11-26 07:00:00Z",      /* a space for the T */
		"2026-11-26T07:00:00+00:00", /* an offset, even zero */
		"2026-11-26T07:00:00ZZ",     /* after the Z */
		"2026-11-26T07:00Z",         /* no seconds */
		"2026-11-26T7:00:00Z",       /* one digit */
		"2026-11-26",                /* a date alone */
		"2026-11-26T07:00:00.12a4Z", /* a letter in the fraction */
		"",
	};
	assert_none(is_utc_time, bad, COUNT(bad), "a UTC time");
}

static void
test_hex_digit_value(void **state)
{
	(void)state;
	assert_int_equal(hex_digit_value('0'), 0);
	assert_int_equal(hex_digit_value('9'), 9);
	assert_int_equal(hex_digit_value('a'), 10);
	assert_int_equal(hex_digit_value('F'), 15);
	assert_int_equal(hex_digit_value('g'), -1);
	assert_int_equal(hex_digit_value('#'), -1);
	assert_int_equal(hex_digit_value('\0'), -1);
}

static void
test_sha256_hex(void **state)
{
	(void)state;
	const char *good = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	char s[80];
	assert_true(is_sha256_hex(good));
	strcpy(s, good);
	s[10] = 'A'; /* upper case */
	assert_false(is_sha256_hex(s));
	strcpy(s, good);
	s[63] = 'g';
	assert_false(is_sha256_hex(s));
	strcpy(s, good);
	s[63] = '\0'; /* 63 digits */
	assert_false(is_sha256_hex(s));
	strcpy(s, good);
	strcat(s, "0"); /* 65 */
	assert_false(is_sha256_hex(s));
	assert_false(is_sha256_hex(""));
	assert_false(is_sha256_hex(NULL));
}

static void
test_lang_texts(void **state)
{
	(void)state;
	json_t *v = json_pack("{s:s, s:s, s:s}", "ar", "نص", "fr", "texte", "en", "");
	assert_true(is_lang_texts(v));
	json_object_set_new(v, "ber-Tfng", json_string("8 bytes")); /* the longest code */
	assert_true(is_lang_texts(v));
	json_object_set_new(v, "ber-Latin", json_string("9 bytes"));
	assert_false(is_lang_texts(v));
	json_decref(v);

	v = json_pack("{s:s, s:i}", "ar", "نص", "fr", 3);
	assert_false(is_lang_texts(v)); /* a value that is not a string */
	json_decref(v);
	v = json_pack("{s:n}", "ar");
	assert_false(is_lang_texts(v));
	json_decref(v);

	v = json_object();
	assert_true(is_lang_texts(v)); /* no language at all: the callers ask for theirs */
	json_decref(v);
	v = json_pack("[s]", "ar");
	assert_false(is_lang_texts(v));
	json_decref(v);
	v = json_string("texte");
	assert_false(is_lang_texts(v));
	json_decref(v);
	assert_false(is_lang_texts(NULL));
}

/* utf8_decode of s: the code point and the length it reports. */
static long
decode(const char *s, size_t *n)
{
	*n = 99;
	return utf8_decode((const unsigned char *)s, n);
}

static void
test_utf8_decode_valid(void **state)
{
	(void)state;
	size_t n;
	assert_int_equal(decode("A", &n), 'A');
	assert_int_equal(n, 1);
	assert_int_equal(decode("\x7F", &n), 0x7F);
	assert_int_equal(n, 1);
	assert_int_equal(decode("", &n), 0); /* the terminating NUL */
	assert_int_equal(n, 1);
	assert_int_equal(decode("\xC3\xA9t\xC3\xA9", &n), 0xE9); /* é, then more */
	assert_int_equal(n, 2);
	assert_int_equal(decode("\xD8\xB9", &n), 0x639); /* ع */
	assert_int_equal(n, 2);
	assert_int_equal(decode("\xDF\xBF", &n), 0x7FF);
	assert_int_equal(n, 2);
	assert_int_equal(decode("\xE2\x82\xAC", &n), 0x20AC); /* € */
	assert_int_equal(n, 3);
	assert_int_equal(decode("\xEF\xBF\xBD", &n), 0xFFFD);
	assert_int_equal(n, 3);
	assert_int_equal(decode("\xF0\x9F\x98\x80", &n), 0x1F600); /* 😀 */
	assert_int_equal(n, 4);
	assert_int_equal(decode("\xF4\x8F\xBF\xBF", &n), 0x10FFFF);
	assert_int_equal(n, 4);
}

static void
test_utf8_decode_malformed(void **state)
{
	(void)state;
	size_t n;
	/* a continuation byte or an impossible byte where a sequence starts: skip it */
	assert_int_equal(decode("\x80"
				"a",
				&n),
			 -1);
	assert_int_equal(n, 1);
	assert_int_equal(decode("\xBF", &n), -1);
	assert_int_equal(n, 1);
	assert_int_equal(decode("\xF5\x80\x80\x80", &n), -1);
	assert_int_equal(n, 1);
	assert_int_equal(decode("\xFF", &n), -1);
	assert_int_equal(n, 1);
	/* a sequence cut short by the end of the string: the bytes before the NUL */
	assert_int_equal(decode("\xC3", &n), -1);
	assert_int_equal(n, 1);
	assert_int_equal(decode("\xE2\x82", &n), -1);
	assert_int_equal(n, 2);
	assert_int_equal(decode("\xF0\x9F\x98", &n), -1);
	assert_int_equal(n, 3);
	/* a sequence broken by a byte that is not a continuation: skip up to that byte, which
	 * starts the next sequence */
	assert_int_equal(decode("\xC3"
				"A",
				&n),
			 -1);
	assert_int_equal(n, 1);
	assert_int_equal(decode("\xE2\x82"
				"A",
				&n),
			 -1);
	assert_int_equal(n, 2);
	assert_int_equal(decode("\xF0\x9F\xC3\xA9", &n), -1);
	assert_int_equal(n, 2);
	assert_int_equal(decode("\xE2\xC3\xA9", &n), -1);
	assert_int_equal(n, 1);
	/* whole sequences that are not UTF-8: overlong forms, surrogates, past U+10FFFF */
	assert_int_equal(decode("\xC0\x80", &n), -1);
	assert_int_equal(n, 2);
	assert_int_equal(decode("\xC1\xBF", &n), -1);
	assert_int_equal(decode("\xE0\x80\x80", &n), -1);
	assert_int_equal(n, 3);
	assert_int_equal(decode("\xE0\x9F\xBF", &n), -1);
	assert_int_equal(decode("\xF0\x8F\xBF\xBF", &n), -1);
	assert_int_equal(decode("\xED\xA0\x80", &n), -1);
	assert_int_equal(decode("\xED\xBF\xBF", &n), -1);
	assert_int_equal(decode("\xF4\x90\x80\x80", &n), -1);
	assert_int_equal(n, 4);
	/* the neighbours that are: U+0080, U+0800, U+D7FF, U+E000, U+10000 */
	assert_int_equal(decode("\xC2\x80", &n), 0x80);
	assert_int_equal(decode("\xE0\xA0\x80", &n), 0x800);
	assert_int_equal(decode("\xED\x9F\xBF", &n), 0xD7FF);
	assert_int_equal(decode("\xEE\x80\x80", &n), 0xE000);
	assert_int_equal(decode("\xF0\x90\x80\x80", &n), 0x10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_date_calendar),
		cmocka_unit_test(test_iso_date_bounds),
		cmocka_unit_test(test_iso_date_shapes),
		cmocka_unit_test(test_utc_time),
		cmocka_unit_test(test_utc_time_shapes),
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_hex_digit_value),
		cmocka_unit_test(test_lang_texts),
		cmocka_unit_test(test_utf8_decode_valid),
		cmocka_unit_test(test_utf8_decode_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
