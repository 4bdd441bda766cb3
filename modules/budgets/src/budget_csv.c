// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The budget lines' checks: the strict CSV import (six columns under their header, amounts in
 * whole dinars grouped by three or not, every problem named with its line, the whole file or
 * nothing) and the same checks on the lines a peer sends; the open-data CSV, whose texts are
 * neutralised against formula injection. No database, no request: what the unit tests reach
 * directly (tests/unit/modules/budgets/test_budget_csv.c).
 */
#include "internal.h"

#include "common/csv.h"
#include "common/html.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- one line: checked the same way from a CSV file and from a peer's event ---- */

const char *const budget_sections[BUDGET_NSECTIONS] = {"fonctionnement", "equipement"};
const char *const budget_columns[BUDGET_NCOLUMNS] = {"section", "chapter", "article",
						     "label",   "planned", "executed"};

/* NULL when s is 1..max characters without control characters, else what is wrong with it. */
static const char *
text_problem(const char *s, size_t max)
{
	size_t n = 0;
	if (!*s)
		return "required";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F || (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
			return "invalid_character";
		n += (*p & 0xC0) != 0x80;
	}
	return n > max ? "too_long" : NULL;
}

int
budget_section_index(const char *s)
{
	for (int i = 0; i < BUDGET_NSECTIONS; i++)
		if (strcmp(s, budget_sections[i]) == 0)
			return i;
	return -1;
}

bool
budget_line_is_valid(json_t *l)
{
	if (!json_is_object(l) || json_object_size(l) != BUDGET_NCOLUMNS)
		return false;
	const char *section = json_string_value(json_object_get(l, "section"));
	if (!section || budget_section_index(section) < 0)
		return false;
	static const char *const texts[] = {"chapter", "article", "label"};
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(l, texts[i]);
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
		    text_problem(json_string_value(v), i == 2 ? BUDGET_LABEL_MAX : BUDGET_CODE_MAX))
			return false;
	}
	static const char *const amounts[] = {"planned", "executed"};
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(l, amounts[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > BUDGET_AMOUNT_MAX)
			return false;
	}
	return true;
}

/* ---- the CSV file ---- */

static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* A space between digit groups: ASCII, no-break (U+00A0) or narrow no-break (U+202F). */
static size_t
group_separator(const char *p)
{
	if (*p == ' ')
		return 1;
	if (strncmp(p, "\xC2\xA0", 2) == 0)
		return 2;
	if (strncmp(p, "\xE2\x80\xAF", 3) == 0)
		return 3;
	return 0;
}

/*
 * An amount in whole dinars: digits, optionally grouped by three with spaces ("1 250 000").
 * NULL when it is one (*out), else "required", "negative", "not_a_number" or "too_large".
 */
static const char *
parse_amount(const char *s, long long *out)
{
	if (!*s)
		return "required";
	bool negative = *s == '-';
	if (negative)
		s++;
	long long v = 0;
	size_t group = 0, groups = 0;
	bool big = false;
	for (const char *p = s; *p;) {
		size_t sep = group_separator(p);
		if (*p >= '0' && *p <= '9') {
			if (!big)
				v = v * 10 + (*p - '0');
			big |= v > BUDGET_AMOUNT_MAX;
			group++;
			p++;
		} else if (sep) {
			if (group == 0 || (groups == 0 ? group > 3 : group != 3))
				return "not_a_number";
			groups++;
			group = 0;
			p += sep;
		} else {
			return "not_a_number";
		}
	}
	if (group == 0 || (groups && group != 3))
		return "not_a_number";
	if (negative)
		return "negative";
	if (big)
		return "too_large";
	*out = v;
	return NULL;
}

/* "fonctionnement", "equipement" (any case, "équipement" too): the section's index or -1. */
static int
parse_section(const char *s)
{
	if (strcasecmp(s, "fonctionnement") == 0)
		return 0;
	if (strcasecmp(s, "equipement") == 0 ||
	    ((strncmp(s, "\xC3\xA9", 2) == 0 || strncmp(s, "\xC3\x89", 2) == 0) &&
	     strcasecmp(s + 2, "quipement") == 0))
		return 1;
	return -1;
}

static void
problem(struct budget_problems *pb, size_t line, const char *field, const char *what)
{
	pb->count++;
	if (json_array_size(pb->list) >= BUDGET_ERRORS_KEPT)
		return;
	char reason[64];
	if (field)
		snprintf(reason, sizeof(reason), "%s_%s", field, what);
	else
		snprintf(reason, sizeof(reason), "%s", what);
	json_array_append_new(pb->list,
			      json_pack("{s:I, s:s}", "line", (json_int_t)line, "reason", reason));
}

static bool
is_blank_record(struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *f = csv_field(rec, i);
		if (f[strspn(f, " \t")] != '\0')
			return false;
	}
	return true;
}

/* The header: the six column names in order (any case, spaces around them allowed). */
static const char *
header_problem(struct csv_record *rec)
{
	if (rec->nfields == 1 && strchr(csv_field(rec, 0), ';'))
		return "header_semicolons";
	if (rec->nfields != BUDGET_NCOLUMNS)
		return "header_invalid";
	for (size_t i = 0; i < BUDGET_NCOLUMNS; i++)
		if (strcasecmp(trim(csv_field(rec, i)), budget_columns[i]) != 0)
			return "header_invalid";
	return NULL;
}

/* One data record into a line (NULL, and its problems noted, when it has any). */
static json_t *
parse_record(struct csv_record *rec, struct budget_problems *pb)
{
	size_t before = pb->count, line = rec->line;
	if (rec->nfields != BUDGET_NCOLUMNS) {
		problem(pb, line, NULL, "field_count");
		return NULL;
	}
	const char *f[BUDGET_NCOLUMNS];
	for (size_t i = 0; i < BUDGET_NCOLUMNS; i++)
		f[i] = trim(csv_field(rec, i));
	/* the texts as the download wrote them: a quote put before a formula-like value goes */
	for (size_t i = 1; i <= 3; i++)
		f[i] = csv_text_value(f[i]);
	int section = parse_section(f[0]);
	if (section < 0)
		problem(pb, line, "section", "invalid");
	for (size_t i = 1; i <= 3; i++) {
		const char *what = text_problem(f[i], i == 3 ? BUDGET_LABEL_MAX : BUDGET_CODE_MAX);
		if (what)
			problem(pb, line, budget_columns[i], what);
	}
	long long amount[2] = {0, 0};
	for (size_t i = 0; i < 2; i++) {
		const char *what = parse_amount(f[4 + i], &amount[i]);
		if (what)
			problem(pb, line, budget_columns[4 + i], what);
	}
	if (pb->count != before)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "section", budget_sections[section],
			 "chapter", f[1], "article", f[2], "label", f[3], "planned",
			 (json_int_t)amount[0], "executed", (json_int_t)amount[1]);
}

json_t *
budget_csv_parse(const char *data, size_t len, const char **file_error, struct budget_problems *pb)
{
	*file_error = NULL;
	size_t bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t i = bom;
	while (i < len && data[i] && strchr(" \t\r\n", data[i]))
		i++;
	if (i == len) {
		*file_error = "csv_empty";
		return NULL;
	}
	if (!utf8_is_valid(data, len)) {
		*file_error = "csv_not_utf8";
		return NULL;
	}
	struct csv_reader r;
	struct csv_record rec;
	const char *error;
	json_t *lines = json_array();
	size_t count = 0;
	csv_reader_init(&r, data, len);
	csv_record_init(&rec);
	enum csv_result res = csv_read(&r, &rec, &error);
	const char *hp = res == CSV_RECORD ? header_problem(&rec) : "header_invalid";
	if (hp) {
		problem(pb, 1, NULL, hp);
		goto out;
	}
	while ((res = csv_read(&r, &rec, &error)) != CSV_END) {
		if (res == CSV_ERROR) {
			problem(pb, rec.line, NULL, error);
			continue;
		}
		if (is_blank_record(&rec))
			continue;
		if (++count > BUDGET_MAX_LINES) {
			problem(pb, rec.line, NULL, "too_many_lines");
			break;
		}
		json_t *line = parse_record(&rec, pb);
		if (line && pb->count == 0)
			json_array_append_new(lines, line);
		else
			json_decref(line);
	}
out:
	csv_record_release(&rec);
	if (pb->count || json_array_size(lines) == 0) {
		if (!pb->count)
			*file_error = "csv_no_lines"; /* a header alone would wipe the document */
		json_decref(lines);
		return NULL;
	}
	return lines;
}

void
budget_csv_write(struct strbuf *out, json_t *lines)
{
	for (size_t c = 0; c < BUDGET_NCOLUMNS; c++)
		strbuf_addf(out, "%s%s", c ? "," : "", budget_columns[c]);
	strbuf_addstr(out, "\r\n");
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		for (size_t c = 0; c < 4; c++) {
			if (c)
				strbuf_addch(out, ',');
			/* texts typed by staff or sent by the peer: never a formula in a
			 * spreadsheet */
			csv_add_text(out, json_string_value(json_object_get(l, budget_columns[c])));
		}
		/* the amounts are numbers (whole dinars, never negative) and stay numbers */
		strbuf_addf(out, ",%lld,%lld\r\n",
			    (long long)json_integer_value(json_object_get(l, "planned")),
			    (long long)json_integer_value(json_object_get(l, "executed")));
	}
}
