// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * csv: RFC 4180 records (quotes, doubled quotes, CRLF and LF, a missing last newline, a BOM),
 * the physical line of each record, every syntax error and resuming after it, and writing
 * fields that read back the same.
 */
#include "common/csv.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct fixture {
	struct csv_reader r;
	struct csv_record rec;
	const char *error;
};

static void
start(struct fixture *f, const char *text)
{
	csv_reader_init(&f->r, text, strlen(text));
	csv_record_init(&f->rec);
}

static enum csv_result
next(struct fixture *f)
{
	return csv_read(&f->r, &f->rec, &f->error);
}

static void
test_simple_records(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "section,chapter\nfonctionnement,61\r\nequipement,90");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(f.rec.nfields, 2);
	assert_string_equal(csv_field(&f.rec, 0), "section");
	assert_string_equal(csv_field(&f.rec, 1), "chapter");
	assert_null(csv_field(&f.rec, 2));
	assert_int_equal(f.rec.line, 1);
	assert_int_equal(next(&f), CSV_RECORD);
	assert_string_equal(csv_field(&f.rec, 0), "fonctionnement");
	assert_string_equal(csv_field(&f.rec, 1), "61");
	assert_int_equal(f.rec.line, 2);
	assert_int_equal(next(&f), CSV_RECORD);
	assert_string_equal(csv_field(&f.rec, 1), "90");
	assert_int_equal(f.rec.line, 3);
	assert_int_equal(next(&f), CSV_END);
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);
}

static void
test_quotes(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "\"a,b\",\"say \"\"hi\"\"\",\"\"\n\"two\nlines\",x\nnext,y\n");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(f.rec.nfields, 3);
	assert_string_equal(csv_field(&f.rec, 0), "a,b");
	assert_string_equal(csv_field(&f.rec, 1), "say \"hi\"");
	assert_string_equal(csv_field(&f.rec, 2), "");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_string_equal(csv_field(&f.rec, 0), "two\nlines");
	assert_int_equal(f.rec.line, 2);
	/* the quoted newline counts: this record starts on line 4 */
	assert_int_equal(next(&f), CSV_RECORD);
	assert_string_equal(csv_field(&f.rec, 0), "next");
	assert_int_equal(f.rec.line, 4);
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);
}

static void
test_bom_and_empty_fields(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "\xEF\xBB\xBF"
		  "a,,c,\n\n,\n"
		  "last,");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(f.rec.nfields, 4);
	assert_string_equal(csv_field(&f.rec, 0), "a");
	assert_string_equal(csv_field(&f.rec, 1), "");
	assert_string_equal(csv_field(&f.rec, 3), "");
	assert_int_equal(next(&f), CSV_RECORD); /* an empty line: one empty field */
	assert_int_equal(f.rec.nfields, 1);
	assert_string_equal(csv_field(&f.rec, 0), "");
	assert_int_equal(f.rec.line, 2);
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(f.rec.nfields, 2);
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(f.rec.nfields, 2);
	assert_string_equal(csv_field(&f.rec, 0), "last");
	assert_string_equal(csv_field(&f.rec, 1), "");
	assert_int_equal(f.rec.line, 4);
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);

	start(&f, "\xEF\xBB\xBF");
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);
	start(&f, "");
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);
}

static void
test_errors_resume(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "ok,1\nbad\"quote,2\n\"x\"y,3\nfine,4\rmore\nlast,5\n");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(next(&f), CSV_ERROR);
	assert_string_equal(f.error, "quote_in_unquoted_field");
	assert_int_equal(f.rec.line, 2);
	assert_int_equal(next(&f), CSV_ERROR);
	assert_string_equal(f.error, "text_after_quote");
	assert_int_equal(f.rec.line, 3);
	assert_int_equal(next(&f), CSV_ERROR);
	assert_string_equal(f.error, "stray_carriage_return");
	assert_int_equal(f.rec.line, 4);
	assert_int_equal(next(&f), CSV_RECORD);
	assert_string_equal(csv_field(&f.rec, 0), "last");
	assert_int_equal(f.rec.line, 5);
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);
}

static void
test_unterminated_quote(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "a,b\n\"never closed,c\nd,e\n");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(next(&f), CSV_ERROR);
	assert_string_equal(f.error, "unterminated_quote");
	assert_int_equal(f.rec.line, 2);
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);
}

static void
test_nul_and_too_many_fields(void **state)
{
	(void)state;
	struct fixture f;
	static const char with_nul[] = "a,b\0c\nd,e\n";
	csv_reader_init(&f.r, with_nul, sizeof(with_nul) - 1);
	csv_record_init(&f.rec);
	assert_int_equal(next(&f), CSV_ERROR);
	assert_string_equal(f.error, "nul_byte");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_string_equal(csv_field(&f.rec, 0), "d");
	csv_record_release(&f.rec);

	struct strbuf many = STRBUF_INIT;
	for (int i = 0; i < CSV_MAX_FIELDS + 5; i++)
		strbuf_addstr(&many, i ? ",x" : "x");
	strbuf_addstr(&many, "\nok\n");
	start(&f, many.buf);
	assert_int_equal(next(&f), CSV_ERROR);
	assert_string_equal(f.error, "too_many_fields");
	assert_int_equal(next(&f), CSV_RECORD);
	assert_string_equal(csv_field(&f.rec, 0), "ok");
	assert_int_equal(f.rec.line, 2);
	csv_record_release(&f.rec);

	/* exactly the maximum is fine, trailing comma included */
	strbuf_reset(&many);
	for (int i = 0; i < CSV_MAX_FIELDS - 1; i++)
		strbuf_addstr(&many, "y,");
	start(&f, many.buf);
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(f.rec.nfields, CSV_MAX_FIELDS);
	csv_record_release(&f.rec);
	strbuf_release(&many);
}

static void
test_write_reads_back(void **state)
{
	(void)state;
	static const char *const fields[] = {
		"plain", "with,comma", "say \"hi\"", "two\r\nlines", " padded ", "", "عربي",
	};
	size_t n = sizeof(fields) / sizeof(fields[0]);
	struct strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&out, ',');
		csv_add_field(&out, fields[i]);
	}
	strbuf_addstr(&out, "\r\n");
	assert_true(strstr(out.buf, "plain,\"with,comma\",\"say \"\"hi\"\"\"") == out.buf);
	struct fixture f;
	start(&f, out.buf);
	assert_int_equal(next(&f), CSV_RECORD);
	assert_int_equal(f.rec.nfields, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(csv_field(&f.rec, i), fields[i]);
	assert_int_equal(next(&f), CSV_END);
	csv_record_release(&f.rec);
	strbuf_release(&out);
}

/* OWASP's CSV injection: a text field a spreadsheet would evaluate gets a quote in front. */
static void
test_text_neutralises_formulas(void **state)
{
	(void)state;
	static const struct {
		const char *value, *written;
	} cases[] = {
		{"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
		{"+33 1 23", "\"'+33 1 23\""},
		{"-12", "\"'-12\""},
		{"@SUM(A1)", "\"'@SUM(A1)\""},
		{"\tx", "\"'\tx\""},
		{"\r=1", "\"'\r=1\""},
		{"'=1", "\"''=1\""}, /* a quote already there: one more, so reading back is exact */
		{"''-2", "\"'''-2\""}, /* the same after a run of quotes */
		{"'plain", "'plain"},  /* a quote before a harmless value stays as it is */
		{"a=1", "a=1"},        /* only the first character matters */
		{"1-2", "1-2"},
		{"", ""},
		{"'", "'"},
		{"تهيئة", "تهيئة"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		csv_add_text(&out, cases[i].value);
		assert_string_equal(out.buf, cases[i].written);
		strbuf_addstr(&out, "\r\n");
		struct fixture f;
		start(&f, out.buf);
		assert_int_equal(next(&f), CSV_RECORD);
		assert_int_equal(f.rec.nfields, 1);
		assert_string_equal(csv_text_value(csv_field(&f.rec, 0)), cases[i].value);
		csv_record_release(&f.rec);
		strbuf_release(&out);
	}
	/* what a person typed with a leading quote before a harmless value is kept */
	assert_string_equal(csv_text_value("'abc"), "'abc");
	assert_string_equal(csv_text_value("=1"), "=1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_records),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_bom_and_empty_fields),
		cmocka_unit_test(test_errors_resume),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_nul_and_too_many_fields),
		cmocka_unit_test(test_write_reads_back),
		cmocka_unit_test(test_text_neutralises_formulas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
