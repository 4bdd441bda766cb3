// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * report_submit's checks (modules/reports/src/page_report_file.c), the one way a resident's
 * report comes in (the form, Open311, the demo): every refusal with its code and field, before
 * any SQL runs. The tests have no database: a report that passes the checks reaches it and
 * comes back STATUS_UNAVAILABLE, which the accepted cases assert.
 */
#include "reports_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

/* A report that fits: a category, a title, a description and a place typed. */
static struct report_input
valid(void)
{
	return (struct report_input){
		.category = "VOI",
		.title = "Nid-de-poule",
		.description = "Devant l'école,\nprofond.",
		.place = "Rue 12",
		.quarter = "centre",
		.lang = "fr",
	};
}

/* report_submit(in) must be refused with code and field, without a query. */
static void
assert_refused(struct report_input in, const char *code, const char *field)
{
	char token[SECRET_TOKEN_SIZE];
	enum status st = STATUS_OK;
	const char *got = NULL, *got_field = NULL;
	test_db_forget();
	json_t *r = report_submit(&test_app, &in, token, &st, &got, &got_field);
	assert_null(r);
	if (!got || strcmp(got, code) != 0 || !got_field || strcmp(got_field, field) != 0)
		fail_msg("%s (%s), not %s (%s)", got ? got : "(null)",
			 got_field ? got_field : "(null)", code, field);
	assert_int_equal(st, STATUS_INVALID);
	assert_false(test_db_queried());
}

/*
 * report_submit(in) must pass the checks: then it goes to the database, which is not there
 * (no transaction begins: STATUS_UNAVAILABLE, no refusal code, no field).
 */
static void
assert_accepted(struct report_input in)
{
	char token[SECRET_TOKEN_SIZE];
	enum status st = STATUS_OK;
	const char *got = "x", *got_field = "x";
	test_db_forget();
	json_t *r = report_submit(&test_app, &in, token, &st, &got, &got_field);
	assert_null(r);
	if (got)
		fail_msg("refused: %s (%s)", got, got_field ? got_field : "-");
	assert_null(got_field);
	assert_int_equal(st, STATUS_UNAVAILABLE);
	assert_true(test_db_queried());
}

static void
test_accepted(void **state)
{
	(void)state;
	assert_accepted(valid());
	struct report_input in = valid();
	/* a pin instead of a place; no quarter; white space around the texts is trimmed */
	in.place = NULL;
	in.has_point = true;
	in.lat_e6 = 35703000;
	in.lon_e6 = -633000;
	in.quarter = NULL;
	in.title = "  Nid-de-poule \n";
	assert_accepted(in);
	in = valid();
	in.category = "PRO"; /* pre-moderated: checked the same */
	in.quarter = " elamel ";
	in.lang = NULL;
	assert_accepted(in);
	/* the limits themselves, in characters */
	char *title = repeat("ب", REPORT_TITLE_MAX);
	char *description = repeat("é", REPORT_DESCRIPTION_MAX);
	char *place = repeat("x", REPORT_PLACE_MAX);
	in = valid();
	in.title = title;
	in.description = description;
	in.place = place;
	assert_accepted(in);
	free(title);
	free(description);
	free(place);
	/* the world's corners */
	in = valid();
	in.has_point = true;
	in.lat_e6 = -90000000;
	in.lon_e6 = 180000000;
	assert_accepted(in);
}

static void
test_category(void **state)
{
	(void)state;
	struct report_input in = valid();
	in.category = NULL;
	assert_refused(in, "unknown_category", "category");
	in.category = "XYZ";
	assert_refused(in, "unknown_category", "category");
	in.category = "voi";
	assert_refused(in, "unknown_category", "category");
	/* the category is checked first */
	in.title = "";
	assert_refused(in, "unknown_category", "category");
}

static void
test_texts(void **state)
{
	(void)state;
	struct report_input in = valid();
	in.title = NULL;
	assert_refused(in, "empty_text", "title");
	in.title = " \t\xc2\xa0"; /* no-break space */
	assert_refused(in, "empty_text", "title");
	in = valid();
	in.description = "\n\n";
	assert_refused(in, "empty_text", "description");
	char *longer = repeat("ب", REPORT_TITLE_MAX + 1);
	in = valid();
	in.title = longer;
	assert_refused(in, "text_too_long", "title");
	free(longer);
	longer = repeat("x", REPORT_DESCRIPTION_MAX + 1);
	in = valid();
	in.description = longer;
	assert_refused(in, "text_too_long", "description");
	free(longer);
	longer = repeat("x", REPORT_PLACE_MAX + 1);
	in = valid();
	in.place = longer;
	assert_refused(in, "text_too_long", "place");
	free(longer);
	/* one line for the title and the place; the description may hold line feeds and tabs */
	in = valid();
	in.title = "Nid\tde poule";
	assert_refused(in, "invalid_text", "title");
	in = valid();
	in.place = "Rue\n12";
	assert_refused(in, "invalid_text", "place");
	in = valid();
	in.description = "profond\x01";
	assert_refused(in, "invalid_text", "description");
	in.title = "Nid\x7f";
	assert_refused(in, "invalid_text", "title");
}

static void
test_quarter(void **state)
{
	(void)state;
	struct report_input in = valid();
	in.quarter = "nowhere";
	assert_refused(in, "invalid_quarter", "quarter");
	in.quarter = "Centre";
	assert_refused(in, "invalid_quarter", "quarter");
}

static void
test_place(void **state)
{
	(void)state;
	struct report_input in = valid();
	in.place = "   ";
	assert_refused(in, "place_required", "place");
	in.place = NULL;
	assert_refused(in, "place_required", "place");
	in.has_point = true;
	in.lat_e6 = 90000001;
	assert_refused(in, "invalid_point", "lat");
	in.lat_e6 = -90000001;
	assert_refused(in, "invalid_point", "lat");
	in.lat_e6 = 0;
	in.lon_e6 = 180000001;
	assert_refused(in, "invalid_point", "lat");
	in.lon_e6 = -180000001;
	assert_refused(in, "invalid_point", "lat");
}

static void
test_contact(void **state)
{
	(void)state;
	static const char *const good[] = {
		"karim@example.org", "k.b+reports@mail.example.dz",
		"+213 555 12 34 56", "(021) 55-12-34-56",
		"0555123456",
	};
	static const char *const bad[] = {
		"karim",
		"karim@example",
		"@example.org",
		"karim@@example.org",
		"k@example.org.",
		"k arim@example.org",
		"k<b>@example.org",
		"1234567",
		"1234567890123456",
		"0555 12 34 56 ext",
		"k@.o",
	};
	struct report_input in = valid();
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		in.contact = good[i];
		assert_accepted(in);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.contact = bad[i];
		assert_refused(in, "contact_invalid", "contact");
	}
	/* at most 120 characters */
	char *name = repeat("a", 109);
	char contact[160];
	snprintf(contact, sizeof(contact), "%s@example.org", name); /* 121 */
	in.contact = contact;
	assert_refused(in, "contact_invalid", "contact");
	contact[0] = ' '; /* trimmed: 120 */
	assert_accepted(in);
	free(name);
}

static void
test_boundary(void **state)
{
	(void)state;
	struct report_input in = valid();
	in.has_point = true;
	in.lat_e6 = 35703000;
	in.lon_e6 = -633000;
	/* with a boundary, whether the pin is inside is the database's to say */
	test_app.site = json_loads("{\"map\": {\"boundary\": [[-0.7, 35.6], [-0.5, 35.6],"
				   " [-0.5, 35.8], [-0.7, 35.8]]}}",
				   0, NULL);
	char token[SECRET_TOKEN_SIZE];
	enum status st = STATUS_OK;
	const char *code = NULL, *field = NULL;
	test_db_forget();
	assert_null(report_submit(&test_app, &in, token, &st, &code, &field));
	assert_int_equal(st, STATUS_UNAVAILABLE);
	assert_string_equal(code, "database_unavailable");
	assert_string_equal(field, "lat"); /* the boundary check, not the filing, failed */
	assert_true(test_db_queried());
	/* the checks before it still come first */
	in.lat_e6 = 91000000;
	assert_refused(in, "invalid_point", "lat");
	json_decref(test_app.site);
	/* a boundary that is not [lon, lat] points is no boundary: the filing goes on */
	test_app.site =
		json_loads("{\"map\": {\"boundary\": [[-0.7, 35.6], [-0.5], [1, 2]]}}", 0, NULL);
	in.lat_e6 = 35703000;
	assert_accepted(in);
	json_decref(test_app.site);
	test_app.site = NULL;
}

int
main(void)
{
	test_no_database();
	if (test_app_open("citizen") < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted), cmocka_unit_test(test_category),
		cmocka_unit_test(test_texts),    cmocka_unit_test(test_quarter),
		cmocka_unit_test(test_place),    cmocka_unit_test(test_contact),
		cmocka_unit_test(test_boundary),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	report_categories_free(&test_app);
	return failed;
}
