// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * publication: the kinds' field tables as one validator reads them — a staff form through a
 * lookup function (required fields, per-language texts counted in characters, choices, integer
 * bounds, dates, patterns such as the deliberation number, the first problem reported, the
 * whole item within PUBLICATION_DATA_MAX, what was typed given back), and a peer's data checked
 * against the same tables (types, bounds, choices, a project's milestones).
 */
#include "publications/publication.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- a form: name=value pairs, looked up by name ---- */

#define FORM_MAX 32

struct form {
	const char *names[FORM_MAX];
	const char *values[FORM_MAX];
	size_t n;
};

static const char *
lookup(void *ctx, const char *name)
{
	const struct form *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

/* Set name to value (NULL: remove it). */
static void
form_set(struct form *f, const char *name, const char *value)
{
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->names[i], name) == 0) {
			if (value) {
				f->values[i] = value;
			} else {
				f->n--;
				f->names[i] = f->names[f->n];
				f->values[i] = f->values[f->n];
			}
			return;
		}
	}
	if (value) {
		assert_true(f->n < FORM_MAX);
		f->names[f->n] = name;
		f->values[f->n++] = value;
	}
}

static json_t *
langs(void)
{
	return json_pack("[{s:s}, {s:s}, {s:s}]", "code", "ar", "code", "fr", "code", "en");
}

/* A valid project form: the required fields and a few others. */
static void
project_form(struct form *f)
{
	memset(f, 0, sizeof(*f));
	form_set(f, "title_fr", "Réfection de la rue des Oliviers");
	form_set(f, "title_ar", "تهيئة شارع الزيتون");
	form_set(f, "description_fr", "Chaussée et trottoirs.");
	form_set(f, "category", "voirie");
	form_set(f, "status", "en_cours");
	form_set(f, "progress", "40");
	form_set(f, "budget_da", "38000000");
	form_set(f, "start_date", "2025-03-01");
}

static void
deliberation_form(struct form *f)
{
	memset(f, 0, sizeof(*f));
	form_set(f, "number", "2025/014");
	form_set(f, "title_fr", "Adoption du budget primitif");
	form_set(f, "session_date", "2025-01-15");
	form_set(f, "outcome", "adoptee");
	form_set(f, "votes_for", "19");
}

struct result {
	json_t *data, *partial;
	const char *error, *field;
};

static struct result
read_form(const char *kind, struct form *f)
{
	struct result r = {NULL, NULL, NULL, NULL};
	const struct kind *k = publication_kind(kind);
	assert_non_null(k);
	json_t *l = langs();
	r.data = publication_from_form(k, lookup, f, l, &r.error, &r.field, &r.partial);
	json_decref(l);
	return r;
}

static void
result_release(struct result *r)
{
	json_decref(r->data);
	json_decref(r->partial);
}

/* The form is refused with code on field; returns what it gave back as typed. */
static void
assert_refused(const char *kind, struct form *f, const char *code, const char *field)
{
	struct result r = read_form(kind, f);
	if (r.data)
		fail_msg("%s form accepted, expected %s", kind, code);
	assert_non_null(r.error);
	assert_string_equal(r.error, code);
	assert_string_equal(r.field, field);
	assert_true(json_is_object(r.partial));
	result_release(&r);
}

/* ---- the kinds ---- */

static void
test_kinds(void **state)
{
	(void)state;
	const struct kind *k = publication_kind("deliberation");
	assert_non_null(k);
	assert_string_equal(k->path, "deliberations");
	assert_ptr_equal(publication_kind_by_path("deliberations"), k);
	assert_ptr_equal(publication_kind_by_path("budgets"), publication_kind("budget"));
	assert_null(publication_kind("deliberations"));
	assert_null(publication_kind_by_path("deliberation"));
	assert_null(publication_kind(""));
	assert_null(publication_kind(NULL));
	size_t n = 0;
	for (const struct kind *p = publication_kinds; p->name; p++)
		n++;
	assert_int_equal(n, 4);
}

/* ---- the staff form ---- */

static void
test_form_good_project(void **state)
{
	(void)state;
	struct form f;
	project_form(&f);
	struct result r = read_form("project", &f);
	assert_non_null(r.data);
	assert_null(r.error);
	assert_null(r.partial);
	json_t *title = json_object_get(r.data, "title");
	assert_int_equal(json_object_size(title), 2); /* the languages filled, not "en" */
	assert_string_equal(json_string_value(json_object_get(title, "ar")), "تهيئة شارع الزيتون");
	assert_string_equal(json_string_value(json_object_get(title, "fr")),
			    "Réfection de la rue des Oliviers");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(r.data, "description"), "fr")),
		"Chaussée et trottoirs.");
	assert_string_equal(json_string_value(json_object_get(r.data, "category")), "voirie");
	assert_int_equal(json_integer_value(json_object_get(r.data, "progress")), 40);
	assert_true(json_is_integer(json_object_get(r.data, "budget_da")));
	assert_int_equal(json_integer_value(json_object_get(r.data, "budget_da")), 38000000);
	assert_string_equal(json_string_value(json_object_get(r.data, "start_date")), "2025-03-01");
	/* optional fields left empty are absent, not empty */
	assert_null(json_object_get(r.data, "end_date"));
	assert_null(json_object_get(r.data, "funding"));
	assert_null(json_object_get(r.data, "lat_micro"));
	/* what comes back is what the peer's check accepts */
	assert_true(publication_data_is_valid(publication_kind("project"), r.data));
	result_release(&r);
}

static void
test_form_required(void **state)
{
	(void)state;
	struct form f;
	project_form(&f);
	form_set(&f, "title_fr", NULL);
	form_set(&f, "title_ar", "");
	assert_refused("project", &f, "title_required", "title");

	project_form(&f);
	form_set(&f, "category", NULL);
	assert_refused("project", &f, "category_required", "category");

	project_form(&f);
	form_set(&f, "status", "");
	assert_refused("project", &f, "status_required", "status");

	project_form(&f);
	form_set(&f, "progress", NULL);
	assert_refused("project", &f, "progress_required", "progress");

	deliberation_form(&f);
	form_set(&f, "number", "");
	assert_refused("deliberation", &f, "number_required", "number");

	deliberation_form(&f);
	form_set(&f, "session_date", NULL);
	assert_refused("deliberation", &f, "session_date_required", "session_date");

	memset(&f, 0, sizeof(f));
	form_set(&f, "title_fr", "BP");
	form_set(&f, "type", "bp");
	assert_refused("budget", &f, "year_required", "year");

	/* a Markdown field is optional: a project without a description is fine */
	project_form(&f);
	form_set(&f, "description_fr", NULL);
	struct result r = read_form("project", &f);
	assert_non_null(r.data);
	assert_null(json_object_get(r.data, "description"));
	result_release(&r);
}

static void
test_form_texts(void **state)
{
	(void)state;
	struct form f;
	char ascii[202], arabic[2 * 200 + 1];
	memset(ascii, 'a', 201);
	ascii[201] = '\0';
	for (size_t i = 0; i < 200; i++)
		memcpy(arabic + 2 * i, "\xD8\xB9", 2); /* ع: two bytes, one character */
	arabic[400] = '\0';

	/* 200 characters is the title's limit, counted in characters, not bytes */
	project_form(&f);
	form_set(&f, "title_ar", arabic);
	struct result r = read_form("project", &f);
	assert_non_null(r.data);
	assert_int_equal(
		strlen(json_string_value(json_object_get(json_object_get(r.data, "title"), "ar"))),
		400);
	result_release(&r);

	/* 201 in any one language is too long; the text is given back as typed */
	project_form(&f);
	form_set(&f, "title_en", ascii);
	r = read_form("project", &f);
	assert_null(r.data);
	assert_string_equal(r.error, "title_too_long");
	assert_string_equal(r.field, "title");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(r.partial, "title"), "en")),
		ascii);
	assert_string_equal(json_string_value(json_object_get(r.partial, "category")), "voirie");
	result_release(&r);

	/* a deliberation's title may be longer (300) */
	deliberation_form(&f);
	form_set(&f, "title_fr", ascii);
	r = read_form("deliberation", &f);
	assert_non_null(r.data);
	result_release(&r);
}

static void
test_form_choices(void **state)
{
	(void)state;
	struct form f;
	project_form(&f);
	form_set(&f, "category", "piscine");
	assert_refused("project", &f, "category_invalid_choice", "category");

	project_form(&f);
	form_set(&f, "status", "termine");
	assert_refused("project", &f, "status_invalid_choice", "status");

	project_form(&f);
	form_set(&f, "funding", "Wilaya"); /* choices are exact */
	assert_refused("project", &f, "funding_invalid_choice", "funding");

	deliberation_form(&f);
	form_set(&f, "outcome", "adopted");
	assert_refused("deliberation", &f, "outcome_invalid_choice", "outcome");

	/* the typed value comes back for the form */
	project_form(&f);
	form_set(&f, "category", "piscine");
	struct result r = read_form("project", &f);
	assert_string_equal(json_string_value(json_object_get(r.partial, "category")), "piscine");
	result_release(&r);

	/* every choice of the table is accepted */
	const struct kind *k = publication_kind("project");
	for (size_t i = 0; i < k->nfields; i++) {
		if (strcmp(k->fields[i].name, "category") != 0)
			continue;
		for (const char *const *c = k->fields[i].choices; *c; c++) {
			project_form(&f);
			form_set(&f, "category", *c);
			r = read_form("project", &f);
			assert_non_null(r.data);
			result_release(&r);
		}
	}
}

static void
test_form_ints(void **state)
{
	(void)state;
	static const struct {
		const char *kind, *name, *value, *code;
	} bad[] = {
		{"project", "progress", "soixante", "progress_not_a_number"},
		{"project", "progress", "12.5", "progress_not_a_number"},
		{"project", "progress", "99999999999999999999999", "progress_not_a_number"},
		{"project", "progress", " 40", "progress_not_a_number"},
		{"project", "budget_da", "38 M DA", "budget_da_not_a_number"},
		{"project", "budget_da", "1e9", "budget_da_not_a_number"},
		{"project", "progress", "150", "progress_out_of_range"},
		{"project", "progress", "101", "progress_out_of_range"},
		{"project", "progress", "-1", "progress_out_of_range"},
		{"project", "budget_da", "-5000000", "budget_da_out_of_range"},
		{"project", "budget_da", "1000000000001", "budget_da_out_of_range"},
		{"project", "lat_micro", "91000000", "lat_micro_out_of_range"},
		{"project", "lon_micro", "-180000001", "lon_micro_out_of_range"},
		{"deliberation", "votes_against", "-2", "votes_against_out_of_range"},
		{"deliberation", "abstentions", "1001", "abstentions_out_of_range"},
	};
	struct form f;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strcmp(bad[i].kind, "project") == 0)
			project_form(&f);
		else
			deliberation_form(&f);
		form_set(&f, bad[i].name, bad[i].value);
		assert_refused(bad[i].kind, &f, bad[i].code, bad[i].name);
	}
	/* the bounds themselves are in */
	project_form(&f);
	form_set(&f, "progress", "100");
	form_set(&f, "lat_micro", "-90000000");
	form_set(&f, "lon_micro", "180000000");
	form_set(&f, "budget_da", "1000000000000");
	struct result r = read_form("project", &f);
	assert_non_null(r.data);
	assert_int_equal(json_integer_value(json_object_get(r.data, "lat_micro")), -90000000);
	result_release(&r);
	project_form(&f);
	form_set(&f, "progress", "0");
	r = read_form("project", &f);
	assert_non_null(r.data);
	assert_int_equal(json_integer_value(json_object_get(r.data, "progress")), 0);
	result_release(&r);
	/* a wrong number is given back as the text typed */
	project_form(&f);
	form_set(&f, "progress", "150");
	r = read_form("project", &f);
	assert_string_equal(json_string_value(json_object_get(r.partial, "progress")), "150");
	result_release(&r);
}

static void
test_form_budget_year(void **state)
{
	(void)state;
	static const struct {
		const char *year, *code;
	} cases[] = {
		{"1999", "year_out_of_range"},
		{"2000", NULL},
		{"2100", NULL},
		{"2101", "year_out_of_range"},
		{"deux mille", "year_not_a_number"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct form f;
		memset(&f, 0, sizeof(f));
		form_set(&f, "title_fr", "Budget primitif");
		form_set(&f, "type", "bp");
		form_set(&f, "year", cases[i].year);
		if (cases[i].code) {
			assert_refused("budget", &f, cases[i].code, "year");
		} else {
			struct result r = read_form("budget", &f);
			assert_non_null(r.data);
			assert_int_equal(json_integer_value(json_object_get(r.data, "year")),
					 atoi(cases[i].year));
			result_release(&r);
		}
	}
}

static void
test_form_dates(void **state)
{
	(void)state;
	static const char *const bad[] = {"2025-02-30", "2025-13-01",           "01/03/2025",
					  "2025-3-1",   "2025-03-01T00:00:00Z", "demain"};
	struct form f;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		project_form(&f);
		form_set(&f, "end_date", bad[i]);
		assert_refused("project", &f, "end_date_invalid_date", "end_date");
	}
	deliberation_form(&f);
	form_set(&f, "session_date", "2025-02-29"); /* not a leap year */
	assert_refused("deliberation", &f, "session_date_invalid_date", "session_date");
	deliberation_form(&f);
	form_set(&f, "session_date", "2024-02-29");
	struct result r = read_form("deliberation", &f);
	assert_non_null(r.data);
	result_release(&r);
}

static void
test_form_deliberation_number(void **state)
{
	(void)state;
	static const char *const good[] = {"2025/014", "2025/1", "2025/9999"};
	static const char *const bad[] = {"25/14",    "2025-014", "2025/",     "2025/01234",
					  "2025/01a", "abcd/014", " 2025/014", "2025/ 14"};
	struct form f;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		deliberation_form(&f);
		form_set(&f, "number", good[i]);
		struct result r = read_form("deliberation", &f);
		if (!r.data)
			fail_msg("number \"%s\" refused: %s", good[i], r.error);
		assert_string_equal(json_string_value(json_object_get(r.data, "number")), good[i]);
		result_release(&r);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		deliberation_form(&f);
		form_set(&f, "number", bad[i]);
		assert_refused("deliberation", &f, "number_invalid_format", "number");
	}
}

static void
test_form_bool(void **state)
{
	(void)state;
	struct form f;
	memset(&f, 0, sizeof(f));
	form_set(&f, "title_fr", "Session ordinaire");
	form_set(&f, "date", "2025-01-15");
	form_set(&f, "type", "ordinaire");
	struct result r = read_form("session", &f);
	assert_non_null(r.data);
	assert_true(json_is_false(json_object_get(r.data, "public"))); /* unchecked: false */
	result_release(&r);
	form_set(&f, "public", "on");
	r = read_form("session", &f);
	assert_non_null(r.data);
	assert_true(json_is_true(json_object_get(r.data, "public")));
	result_release(&r);
}

/* With several problems, the first field's is reported, with its own code. */
static void
test_form_first_problem(void **state)
{
	(void)state;
	struct form f;
	project_form(&f);
	form_set(&f, "title_fr", NULL);
	form_set(&f, "title_ar", NULL);
	form_set(&f, "progress", "150");
	form_set(&f, "end_date", "demain");
	struct result r = read_form("project", &f);
	assert_null(r.data);
	assert_string_equal(r.field, "title");
	assert_string_equal(r.error, "title_required");
	/* every typed value still comes back */
	assert_string_equal(json_string_value(json_object_get(r.partial, "progress")), "150");
	assert_string_equal(json_string_value(json_object_get(r.partial, "end_date")), "demain");
	result_release(&r);
}

/* The whole item must fit in one event: PUBLICATION_DATA_MAX. */
static void
test_form_data_max(void **state)
{
	(void)state;
	size_t n = 20000; /* the description's limit, in each language */
	char *text = malloc(n + 1);
	memset(text, 'x', n);
	text[n] = '\0';
	struct form f;
	project_form(&f);
	form_set(&f, "description_fr", text);
	form_set(&f, "description_ar", text);
	struct result r = read_form("project", &f);
	assert_non_null(r.data); /* 40 000 bytes fit */
	char *d = json_dumps(r.data, JSON_COMPACT);
	assert_true(strlen(d) <= PUBLICATION_DATA_MAX);
	free(d);
	result_release(&r);

	form_set(&f, "description_en", text); /* 60 000 bytes do not */
	r = read_form("project", &f);
	assert_null(r.data);
	assert_string_equal(r.error, "content_too_long");
	assert_string_equal(r.field, "title");
	assert_non_null(r.partial);
	result_release(&r);
	free(text);
}

/* ---- a peer's data ---- */

static json_t *
good_project(void)
{
	return json_pack("{s:{s:s, s:s}, s:{s:s}, s:s, s:s, s:i, s:I, s:s, s:i, s:i}", "title",
			 "fr", "Rue des Oliviers", "ar", "شارع الزيتون", "description", "fr",
			 "Chaussée.", "category", "voirie", "status", "en_cours", "progress", 40,
			 "budget_da", (json_int_t)38000000, "start_date", "2025-03-01", "lat_micro",
			 36752887, "lon_micro", 3042048);
}

/* good_project with key set to v (NULL: removed) is valid or not */
static void
assert_project(const char *key, json_t *v, bool valid)
{
	json_t *d = good_project();
	if (v)
		json_object_set_new(d, key, v);
	else
		json_object_del(d, key);
	if (publication_data_is_valid(publication_kind("project"), d) != valid)
		fail_msg("project data with %s changed: expected %s", key,
			 valid ? "valid" : "invalid");
	json_decref(d);
}

static void
test_data_project(void **state)
{
	(void)state;
	const struct kind *k = publication_kind("project");
	json_t *d = good_project();
	assert_true(publication_data_is_valid(k, d));
	json_decref(d);
	assert_false(publication_data_is_valid(k, NULL));
	d = json_array();
	assert_false(publication_data_is_valid(k, d));
	json_decref(d);

	assert_project("title", NULL, false);      /* required */
	assert_project("category", NULL, false);   /* required */
	assert_project("progress", NULL, false);   /* required */
	assert_project("description", NULL, true); /* optional */
	assert_project("budget_da", NULL, true);   /* optional */
	assert_project("title", json_string("Rue"), false);
	assert_project("title", json_pack("{s:i}", "fr", 3), false);
	assert_project("title", json_pack("{s:s}", "fr-latn-dz", "Rue"), false); /* > 8 bytes */
	assert_project("progress", json_integer(101), false);
	assert_project("progress", json_integer(-1), false);
	assert_project("progress", json_integer(100), true);
	assert_project("progress", json_string("40"), false);
	assert_project("progress", json_real(40.0), false);
	assert_project("lat_micro", json_integer(90000001), false);
	assert_project("category", json_string("piscine"), false);
	assert_project("category", json_integer(1), false);
	assert_project("start_date", json_string("2025-02-30"), false);
	assert_project("start_date", json_null(), false);
	assert_project("unknown", json_string("ignored"), true); /* not a field: not checked */

	char title[202];
	memset(title, 'a', 201);
	title[201] = '\0';
	assert_project("title", json_pack("{s:s}", "fr", title), false);
	title[200] = '\0';
	assert_project("title", json_pack("{s:s}", "fr", title), true);
}

static void
test_data_other_kinds(void **state)
{
	(void)state;
	const struct kind *s = publication_kind("session");
	json_t *d = json_pack("{s:{s:s}, s:s, s:s}", "title", "fr", "Session", "date", "2025-01-15",
			      "type", "ordinaire");
	assert_true(publication_data_is_valid(s, d)); /* "public" may be absent */
	json_object_set_new(d, "public", json_true());
	assert_true(publication_data_is_valid(s, d));
	json_object_set_new(d, "public", json_string("on"));
	assert_false(publication_data_is_valid(s, d));
	json_decref(d);

	const struct kind *k = publication_kind("deliberation");
	d = json_pack("{s:s, s:{s:s}, s:s, s:s, s:i}", "number", "2025/014", "title", "fr",
		      "Budget", "session_date", "2025-01-15", "outcome", "adoptee", "votes_for",
		      19);
	assert_true(publication_data_is_valid(k, d));
	json_object_set_new(d, "number", json_string("2025-014"));
	assert_false(publication_data_is_valid(k, d));
	json_object_set_new(d, "number", json_integer(2025));
	assert_false(publication_data_is_valid(k, d));
	json_object_set_new(d, "number", json_string("2025/7"));
	json_object_set_new(d, "votes_for", json_integer(1001));
	assert_false(publication_data_is_valid(k, d));
	json_decref(d);

	const struct kind *b = publication_kind("budget");
	d = json_pack("{s:{s:s}, s:i, s:s}", "title", "fr", "BP", "year", 2025, "type", "bp");
	assert_true(publication_data_is_valid(b, d));
	json_object_set_new(d, "year", json_integer(1999));
	assert_false(publication_data_is_valid(b, d));
	json_object_set_new(d, "year", json_integer(2025));
	json_object_set_new(d, "type", json_string("cb"));
	assert_false(publication_data_is_valid(b, d));
	json_decref(d);
}

static json_t *
milestone(const char *date, json_t *text)
{
	return json_pack("{s:s, s:o}", "date", date, "text", text);
}

/* good_project with these milestones (stolen) is valid or not */
static bool
project_with(json_t *ms)
{
	json_t *d = good_project();
	json_object_set_new(d, "milestones", ms);
	bool ok = publication_data_is_valid(publication_kind("project"), d);
	json_decref(d);
	return ok;
}

static void
test_data_milestones(void **state)
{
	(void)state;
	const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	assert_true(project_with(json_array()));
	assert_true(project_with(
		json_pack("[o]", milestone("2025-04-01", json_pack("{s:s}", "fr", "Début")))));
	json_t *m = milestone("2025-04-01", json_pack("{s:s}", "fr", "Début"));
	json_object_set_new(
		m, "photo",
		json_pack("{s:s, s:i, s:i}", "sha256", sha, "width", 1600, "height", 1200));
	assert_true(project_with(json_pack("[o]", m)));

	/* photos: exactly {sha256, width, height} */
	m = milestone("2025-04-01", json_pack("{s:s}", "fr", "Début"));
	json_object_set_new(m, "photo", json_pack("{s:s, s:i}", "sha256", sha, "width", 1600));
	assert_false(project_with(json_pack("[o]", m)));
	m = milestone("2025-04-01", json_pack("{s:s}", "fr", "Début"));
	json_object_set_new(
		m, "photo",
		json_pack("{s:s, s:i, s:i}", "sha256", "abc", "width", 1600, "height", 1200));
	assert_false(project_with(json_pack("[o]", m)));

	assert_false(project_with(json_object())); /* not an array */
	assert_false(project_with(
		json_pack("[o]", milestone("2025-02-30", json_pack("{s:s}", "fr", "x")))));
	assert_false(project_with(json_pack("[o]", milestone("2025-04-01", json_string("x")))));
	assert_false(project_with(
		json_pack("[o]", milestone("2025-04-01", json_pack("{s:i}", "fr", 1)))));
	assert_false(project_with(json_pack("[{s:o}]", "text", json_pack("{s:s}", "fr", "x"))));

	/* a milestone's text: at most 2000 characters */
	char *text = malloc(2 * 2001 + 1);
	for (size_t i = 0; i < 2001; i++)
		memcpy(text + 2 * i, "\xD8\xB9", 2);
	text[2 * 2001] = '\0';
	assert_false(project_with(
		json_pack("[o]", milestone("2025-04-01", json_pack("{s:s}", "ar", text)))));
	text[2 * 2000] = '\0';
	assert_true(project_with(
		json_pack("[o]", milestone("2025-04-01", json_pack("{s:s}", "ar", text)))));
	free(text);

	/* at most 200 milestones */
	json_t *ms = json_array();
	for (int i = 0; i < 200; i++)
		json_array_append_new(ms, milestone("2025-04-01", json_pack("{s:s}", "fr", "x")));
	assert_true(project_with(json_deep_copy(ms)));
	json_array_append_new(ms, milestone("2025-04-01", json_pack("{s:s}", "fr", "x")));
	assert_false(project_with(ms));

	/* only projects have milestones */
	json_t *d = json_pack("{s:{s:s}, s:s, s:s, s:[]}", "title", "fr", "Session", "date",
			      "2025-01-15", "type", "ordinaire", "milestones");
	assert_false(publication_data_is_valid(publication_kind("session"), d));
	json_decref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_form_good_project),
		cmocka_unit_test(test_form_required),
		cmocka_unit_test(test_form_texts),
		cmocka_unit_test(test_form_choices),
		cmocka_unit_test(test_form_ints),
		cmocka_unit_test(test_form_budget_year),
		cmocka_unit_test(test_form_dates),
		cmocka_unit_test(test_form_deliberation_number),
		cmocka_unit_test(test_form_bool),
		cmocka_unit_test(test_form_first_problem),
		cmocka_unit_test(test_form_data_max),
		cmocka_unit_test(test_data_project),
		cmocka_unit_test(test_data_other_kinds),
		cmocka_unit_test(test_data_milestones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
