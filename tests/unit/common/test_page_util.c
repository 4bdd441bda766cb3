// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * page_util, the parts that need no request: lengths in characters, blank texts, paragraphs,
 * the white space residents' texts are trimmed of, control characters and contact-looking names
 * (the per-client rate limit is test_limits.c's).
 */
#include "common/page_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void
test_utf8_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("\xC3\xA9t\xC3\xA9"), 3);                /* été */
	assert_int_equal(utf8_length("\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A"), 4); /* عربي */
	assert_int_equal(utf8_length("a\xE2\x82\xAC"
				     "b"),
			 3);                                  /* a€b */
	assert_int_equal(utf8_length("\xF0\x9F\x98\x80"), 1); /* 😀 */
}

static void
test_is_blank(void **state)
{
	(void)state;
	assert_true(is_blank(NULL));
	assert_true(is_blank(""));
	assert_true(is_blank(" \t\r\n "));
	assert_false(is_blank(" x "));
	assert_false(is_blank("x"));
	assert_false(is_blank("\xC2\xA0")); /* ASCII white space only */
}

static void
test_text_lines(void **state)
{
	(void)state;
	json_t *l = text_lines("first\n\n  \t\n  second, indented\nthird");
	assert_int_equal(json_array_size(l), 3);
	assert_string_equal(json_string_value(json_array_get(l, 0)), "first");
	assert_string_equal(json_string_value(json_array_get(l, 1)), "  second, indented");
	assert_string_equal(json_string_value(json_array_get(l, 2)), "third");
	json_decref(l);

	l = text_lines("<b>not html</b>\n");
	assert_int_equal(json_array_size(l), 1);
	assert_string_equal(json_string_value(json_array_get(l, 0)), "<b>not html</b>");
	json_decref(l);

	l = text_lines(NULL);
	assert_true(json_is_array(l));
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	l = text_lines("\n \n\n");
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
}

static void
test_text_space_at(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
	} cases[] = {
		{" x", 1},           {"\t", 1}, {"\n", 1},       {"\r", 1},
		{"\v", 1},           {"\f", 1}, {"\xC2\xA0", 2}, /* U+00A0 no-break space */
		{"\xE2\x80\x80", 3},                             /* U+2000 en quad */
		{"\xE2\x80\x83", 3},                             /* U+2003 em space */
		{"\xE2\x80\x8B", 3},                             /* U+200B zero-width space */
		{"\xE2\x80\x8F", 3},                             /* U+200F right-to-left mark */
		{"\xE2\x80\xAF", 3},                             /* U+202F narrow no-break space */
		{"\xE2\x81\x9F", 3}, /* U+205F medium mathematical space */
		{"\xE3\x80\x80", 3}, /* U+3000 ideographic space */
		{"\xEF\xBB\xBF", 3}, /* U+FEFF byte order mark */
		{"x ", 0},           {"", 0},   {"\xC3\xA9", 0}, /* é */
		{"\xE2\x80\x90", 0}, /* U+2010 hyphen, next to the spaces */
		{"\xE2\x80\xA8", 0}, /* U+2028 line separator: not in the list */
		{"\xC2\xA1", 0},     /* ¡ */
		{"\x1F", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (text_space_at(cases[i].s) != cases[i].n)
			fail_msg("case %zu: %zu bytes of space, expected %zu", i,
				 text_space_at(cases[i].s), cases[i].n);
}

static void
test_text_has_control(void **state)
{
	(void)state;
	assert_false(text_has_control("", false));
	assert_false(text_has_control("plain text, عربي", false));
	assert_true(text_has_control("two\nlines", false));
	assert_false(text_has_control("two\nlines", true));
	assert_true(text_has_control("a\tb", false));
	assert_false(text_has_control("a\tb", true));
	assert_true(text_has_control("a\rb", true)); /* CR: text_clean made line ends LF */
	assert_true(text_has_control("\x1B[31mred", true));
	assert_true(text_has_control("del\x7F", true));
	assert_true(text_has_control("\x01", true));
}

static void
test_text_looks_personal(void **state)
{
	(void)state;
	assert_true(text_looks_personal("karim@example.org"));
	assert_true(text_looks_personal("@"));
	assert_true(text_looks_personal("0555 12 34 56"));
	assert_true(text_looks_personal("12345678"));
	assert_false(text_looks_personal("1234567"));
	assert_false(text_looks_personal("Karim 1990"));
	assert_false(text_looks_personal("Karim"));
	assert_false(text_looks_personal(""));
	/* Arabic-Indic digits count, ٠ to ٩: ٠٥٥٥٩٨٧٦ */
	assert_true(text_looks_personal("\xD9\xA0\xD9\xA5\xD9\xA5\xD9\xA5\xD9\xA9\xD9\xA8\xD9\xA7"
					"\xD9\xA6"));
	assert_false(
		text_looks_personal("\xD9\xA0\xD9\xA5\xD9\xA5\xD9\xA5\xD9\xA9\xD9\xA8\xD9\xA7"));
	/* U+066A, the Arabic percent sign next to them, is no digit */
	assert_false(text_looks_personal("1234567\xD9\xAA"));
	/* and mix with ASCII ones */
	assert_true(text_looks_personal("0555 \xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_length),      cmocka_unit_test(test_is_blank),
		cmocka_unit_test(test_text_lines),       cmocka_unit_test(test_text_space_at),
		cmocka_unit_test(test_text_has_control), cmocka_unit_test(test_text_looks_personal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
