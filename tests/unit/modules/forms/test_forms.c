// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The forms module's pure logic: the strict check of definitions, conditions evaluated on
 * answers, each value's check, the PDF check (also inside compressed streams) and the shape
 * of references and tracking tokens.
 */
#include "../../../../modules/forms/src/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include <cmocka.h>

static const char good[] =
	"{\"title\": {\"ar\": \"ط\", \"fr\": \"Demande\"}, \"fields\": ["
	"{\"name\": \"who\", \"type\": \"text\", \"required\": true, \"max_length\": 10,"
	" \"label\": {\"ar\": \"الاسم\", \"fr\": \"Nom\"}},"
	"{\"name\": \"kind\", \"type\": \"choice\", \"label\": {\"ar\": \"ن\", \"fr\": \"Type\"},"
	" \"options\": [{\"value\": \"a\", \"label\": {\"ar\": \"أ\", \"fr\": \"A\"}},"
	" {\"value\": \"b\", \"label\": {\"ar\": \"ب\", \"fr\": \"B\"}}]},"
	"{\"name\": \"why\", \"type\": \"long_text\", \"required\": true,"
	" \"label\": {\"ar\": \"ل\", \"fr\": \"Pourquoi\"}, \"show_if\": {\"field\": \"kind\", "
	"\"equals\": \"b\"}},"
	"{\"name\": \"n\", \"type\": \"number\", \"min\": 1, \"max\": 9, \"label\": {\"ar\": "
	"\"ع\", \"fr\": \"N\"}},"
	"{\"name\": \"d\", \"type\": \"date\", \"min\": \"2020-01-01\", \"max\": \"today\","
	" \"label\": {\"ar\": \"ت\", \"fr\": \"D\"}},"
	"{\"name\": \"tel\", \"type\": \"phone\", \"pattern\": \"^0[5-7][0-9]{8}$\","
	" \"label\": {\"ar\": \"ه\", \"fr\": \"Tél\"}},"
	"{\"name\": \"plan\", \"type\": \"attachment\", \"max_files\": 2, \"accept\": [\"pdf\"],"
	" \"label\": {\"ar\": \"م\", \"fr\": \"Plan\"}}]}";

static json_t *
load(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	return j;
}

static void
test_def_valid(void **state)
{
	(void)state;
	json_t *def = load(good);
	struct form_def_error err;
	assert_true(form_def_check(def, &err));
	json_decref(def);
}

/* A definition with one change at the given JSON pointer-ish edit must be refused with reason
 * in the named field. */
static void
refused(const char *from, const char *to, const char *reason, const char *field)
{
	char *s = strdup(good);
	char *p = strstr(s, from);
	assert_non_null(p);
	char buf[4096];
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	json_t *def = load(buf);
	struct form_def_error err;
	assert_false(form_def_check(def, &err));
	assert_string_equal(err.reason, reason);
	assert_string_equal(err.field, field);
	json_decref(def);
	free(s);
}

static void
test_def_refused(void **state)
{
	(void)state;
	refused("\"type\": \"text\"", "\"type\": \"texte\"", "field_type", "who");
	refused("\"name\": \"kind\"", "\"name\": \"who\"", "duplicate_name", "who");
	refused("\"name\": \"who\"", "\"name\": \"Who\"", "field_name", "#1");
	refused("\"max_length\": 10", "\"max_length\": 100000", "bounds", "who");
	refused("\"max_length\": 10", "\"min\": 3", "rules", "who");
	refused("\"equals\": \"b\"", "\"equals\": \"c\"", "condition", "why");
	refused("\"field\": \"kind\"", "\"field\": \"n\"", "condition", "why");
	refused("\"min\": 1, \"max\": 9", "\"min\": 10, \"max\": 9", "bounds", "n");
	refused("\"max\": \"today\"", "\"max\": \"yesterday\"", "bounds", "d");
	refused("[5-7][0-9]{8}$", "([0-9]\\\\1", "pattern", "tel");
	refused("\"accept\": [\"pdf\"]", "\"accept\": [\"exe\"]", "accept", "plan");
	refused("\"max_files\": 2", "\"max_files\": 50", "bounds", "plan");
	refused("\"fr\": \"Nom\"", "\"de\": \"Name\"", "label", "who");
	refused("\"required\": true, \"max_length\"", "\"required\": \"yes\", \"max_length\"",
		"required", "who");
	refused("\"title\": {\"ar\": \"ط\", \"fr\": \"Demande\"}", "\"title\": {\"ar\": \"ط\"}",
		"title", "");
	refused("\"fields\": [", "\"extra\": 1, \"fields\": [", "unknown_key", "");
}

static void
test_conditions(void **state)
{
	(void)state;
	json_t *def = load(good);
	json_t *why = form_def_field(def, "why");
	json_t *answers = json_pack("{s:s}", "kind", "a");
	assert_false(form_field_shown(def, why, answers));
	json_object_set_new(answers, "kind", json_string("b"));
	assert_true(form_field_shown(def, why, answers));
	assert_true(form_field_shown(def, form_def_field(def, "who"), answers));
	json_decref(answers);
	json_decref(def);
}

static const char *
check(json_t *def, const char *field, const char *v)
{
	json_t *out = NULL;
	const char *code = form_value_check(form_def_field(def, field), v, "2026-12-06", &out);
	json_decref(out);
	return code;
}

static void
test_values(void **state)
{
	(void)state;
	json_t *def = load(good);
	assert_null(check(def, "who", "Amine"));
	assert_string_equal(check(def, "who", ""), "field_required");
	assert_string_equal(check(def, "who", "Amine Amine Amine"), "field_too_long");
	assert_string_equal(check(def, "who", "a\x01"), "field_invalid");
	assert_null(check(def, "kind", NULL));
	assert_null(check(def, "kind", "b"));
	assert_string_equal(check(def, "kind", "c"), "field_not_an_option");
	assert_null(check(def, "n", "3,5"));
	assert_string_equal(check(def, "n", "12"), "field_out_of_range");
	assert_string_equal(check(def, "n", "1e3"), "field_invalid");
	assert_null(check(def, "d", "2026-12-06"));
	assert_string_equal(check(def, "d", "2026-12-07"), "field_out_of_range");
	assert_string_equal(check(def, "d", "2026-02-30"), "field_invalid");
	assert_null(check(def, "tel", "0550 12 34 56"));
	assert_string_equal(check(def, "tel", "0450123456"), "field_invalid");
	assert_string_equal(check(def, "plan", "x"), "field_invalid");
	assert_true(form_is_email("a.b@example.dz"));
	assert_false(form_is_email("a@b"));
	assert_true(form_is_phone("+213 550 12 34 56"));
	assert_false(form_is_phone("12"));
	json_decref(def);
}

static const char *
pdf(const char *body)
{
	char buf[8192];
	int n = snprintf(buf, sizeof(buf), "%%PDF-1.7\n%s\ntrailer<<>>\n%%%%EOF\n", body);
	return form_pdf_check((const unsigned char *)buf, (size_t)n);
}

static void
test_pdf(void **state)
{
	(void)state;
	assert_null(pdf("1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj"));
	assert_string_equal(pdf("1 0 obj <</S /JavaScript /JS (app.alert(1))>> endobj"),
			    "pdf_active_content");
	assert_string_equal(pdf("1 0 obj <</S /J#61vaScript>> endobj"), "pdf_active_content");
	assert_string_equal(pdf("1 0 obj <</S /Launch /F (cmd.exe)>> endobj"),
			    "pdf_active_content");
	assert_string_equal(pdf("1 0 obj <</Type /EmbeddedFile>> endobj"), "pdf_active_content");
	assert_null(pdf("1 0 obj <</JSON 1>> endobj")); /* a longer name is another name */
	const unsigned char html[] = "<html><script>alert(1)</script></html>";
	assert_string_equal(form_pdf_check(html, sizeof(html) - 1), "pdf_invalid");
	const unsigned char cut[] = "%PDF-1.7\n1 0 obj <<>> endobj\n";
	assert_string_equal(form_pdf_check(cut, sizeof(cut) - 1), "pdf_invalid");

	/* JavaScript hidden in a Flate-compressed object stream */
	const char *inner = "<</S /JavaScript /JS (app.alert(1))>>";
	unsigned char z[256];
	uLongf zn = sizeof(z);
	assert_int_equal(compress(z, &zn, (const Bytef *)inner, strlen(inner)), Z_OK);
	unsigned char file[1024];
	size_t n = (size_t)snprintf(
		(char *)file, sizeof(file),
		"%%PDF-1.7\n1 0 obj <</Type /ObjStm /Filter /FlateDecode>>\nstream\n");
	memcpy(file + n, z, zn);
	n += zn;
	n += (size_t)snprintf((char *)file + n, sizeof(file) - n, "\nendstream endobj\n%%%%EOF\n");
	assert_string_equal(form_pdf_check(file, n), "pdf_active_content");
}

static void
test_refs_and_tokens(void **state)
{
	(void)state;
	char ref[FORM_REF_SIZE], ref2[FORM_REF_SIZE];
	form_new_ref(ref);
	form_new_ref(ref2);
	assert_true(form_ref_is_valid(ref));
	assert_string_not_equal(ref, ref2);
	assert_int_equal(strlen(ref), 11);
	assert_false(form_ref_is_valid("D-ABCD-EFGI")); /* I is not in the alphabet */
	assert_false(form_ref_is_valid("R-ABCD-EFGH"));
	assert_false(form_ref_is_valid("D-ABCD-EFG"));
	char key[FORM_KEY_SIZE];
	form_new_key(key);
	assert_true(form_key_is_valid(key));
	assert_false(form_key_is_valid("0123"));
	assert_true(form_service_is_valid("building-permit"));
	assert_false(form_service_is_valid("Building_Permit"));
	assert_false(form_service_is_valid("x"));
}

/* An instant given in UTC. */
static time_t
utc(int y, int mo, int d, int h, int mi, int sec)
{
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = sec};
	return timegm(&tm);
}

/* The commune's day turns at 23:00 UTC all year (Algeria keeps UTC+1, no summer time). */
static void
test_commune_day(void **state)
{
	(void)state;
	char day[11];
	form_today(utc(2026, 12, 6, 22, 59, 59), day);
	assert_string_equal(day, "2026-12-06");
	form_today(utc(2026, 12, 6, 23, 0, 0), day);
	assert_string_equal(day, "2026-12-07");
	form_today(utc(2026, 12, 31, 23, 30, 0), day);
	assert_string_equal(day, "2027-01-01");
	form_today(utc(2026, 7, 15, 22, 59, 59), day); /* summer: still UTC+1 */
	assert_string_equal(day, "2026-07-15");
	form_today(utc(2026, 7, 15, 23, 0, 0), day);
	assert_string_equal(day, "2026-07-16");
	/* a "max": "today" bound at 23:30 UTC accepts the commune's new day, UTC's would not */
	json_t *def = json_loads(good, 0, NULL);
	json_t *out = NULL;
	form_today(utc(2026, 12, 6, 23, 30, 0), day);
	assert_null(form_value_check(form_def_field(def, "d"), "2026-12-07", day, &out));
	json_decref(out);
	assert_string_equal(
		form_value_check(form_def_field(def, "d"), "2026-12-07", "2026-12-06", &out),
		"field_out_of_range");
	json_decref(def);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_def_valid),   cmocka_unit_test(test_def_refused),
		cmocka_unit_test(test_conditions),  cmocka_unit_test(test_values),
		cmocka_unit_test(test_pdf),         cmocka_unit_test(test_refs_and_tokens),
		cmocka_unit_test(test_commune_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
