// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The report.* appliers (modules/reports/src/report_federation.c), reached as the base reaches
 * them (hook_apply over the served modules): the peer's data that does not fit, an event from
 * the platform that does not own its type, an event without data or time, are STATUS_INVALID
 * before any SQL runs, and a type the applier does not know is STATUS_NOT_FOUND. The tests have
 * no database: each refusal asserts that no query was tried, and each valid event that it
 * reached the database (STATUS_UNAVAILABLE), so an invalid case that slipped through the checks
 * would fail. What only the database can tell (no such report here, a reference taken by
 * another report, a ref that does not match the report's) is for the integration tests.
 */
#include "reports_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#define REF "R-7K3M-Q9TZ"
#define OTHER "R-0123-4567"
#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define AT "2026-11-26T07:00:01.123Z"

static const char *const report_types[] = {"report.created", "report.supported", "report.assessed",
					   "report.hidden", "report.status"};

/* The valid data of each event type. */
static json_t *
valid(const char *type)
{
	if (strcmp(type, "report.created") == 0)
		return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:[{s:s, s:i, "
				 "s:i}]}",
				 "id", 7, "ref", REF, "category", "VOI", "title", "Nid-de-poule",
				 "description", "Devant l'école,\nprofond.", "place", "Rue 12",
				 "quarter", "centre", "lang", "fr", "lat_e6", 35703000, "lon_e6",
				 -633000, "photos", "sha256", SHA, "width", 1600, "height", 1200);
	if (strcmp(type, "report.supported") == 0)
		return json_pack("{s:i, s:i}", "id", 7, "supporters", 3);
	if (strcmp(type, "report.assessed") == 0)
		return json_pack("{s:i, s:s, s:s}", "id", 7, "assessment", "disputed", "comment",
				 "Toujours là.\nDepuis lundi.");
	if (strcmp(type, "report.hidden") == 0)
		return json_pack("{s:i, s:s, s:s, s:i}", "id", 7, "reason", "Propos injurieux",
				 "text_sha256", SHA, "moderation_id", 3);
	return json_pack("{s:i, s:s, s:s, s:s}", "report", 7, "ref", REF, "status", "resolved",
			 "message", "Réparé.");
}

/* The platform that signs an event type. */
static const char *
owner(const char *type)
{
	return strcmp(type, "report.status") == 0 ? REPORT_ANSWERER : REPORT_OWNER;
}

/* The valid data of type with member key set to v (stolen; NULL: removed). */
static json_t *
with(const char *type, const char *key, json_t *v)
{
	json_t *data = valid(type);
	if (v)
		json_object_set_new(data, key, v);
	else
		json_object_del(data, key);
	return data;
}

/* The event applied on the platform that mirrors it, as the base applies it; data stolen. */
static enum status
apply_at(const char *origin, const char *type, json_t *data, const char *at, bool *queried)
{
	struct hook_event ev = {
		.app = &test_app,
		.origin = origin,
		.type = type,
		.occurred_at = at,
		.data = data,
	};
	test_app.side = strcmp(origin, "citizen") == 0 ? "official" : "citizen";
	test_db_forget();
	enum status st = hook_apply(&ev);
	*queried = test_db_queried();
	json_decref(data);
	return st;
}

/* The event (data stolen) must come back st; queried: whether it may have tried SQL. */
static void
assert_applied(enum status want, bool want_queried, const char *origin, const char *type,
	       json_t *data, const char *at)
{
	char *text = data ? json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	bool queried;
	enum status st = apply_at(origin, type, data, at, &queried);
	if (st != want || queried != want_queried)
		fail_msg("%s from %s %s: status %d, not %d; %s", type, origin, text ? text : "null",
			 st, want, queried ? "queried" : "no query");
	free(text);
}

/* Refused before any SQL. */
static void
assert_refused(const char *type, json_t *data)
{
	assert_applied(STATUS_INVALID, false, owner(type), type, data, AT);
}

/* Past the checks: the database (absent) comes next. */
static void
assert_reaches_db(const char *type, json_t *data)
{
	assert_applied(STATUS_UNAVAILABLE, true, owner(type), type, data, AT);
}

static void
test_registered(void **state)
{
	(void)state;
	const struct hook *sides[] = {reports_module.official.hooks, reports_module.citizen.hooks};
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < sizeof(report_types) / sizeof(report_types[0]); i++) {
			const struct hook *h = sides[s];
			while (h->type && strcmp(h->type, report_types[i]) != 0)
				h++;
			if (!h->type)
				fail_msg("no applier of %s on side %zu", report_types[i], s);
			assert_ptr_equal(h->apply, sides[0][0].apply);
		}
}

static void
test_valid_reaches_the_database(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(report_types) / sizeof(report_types[0]); i++)
		assert_reaches_db(report_types[i], valid(report_types[i]));
	/* no pin but a place; a quarter left empty; a title alone; no photos; a language tag */
	json_t *d = with("report.created", "lat_e6", NULL);
	json_object_del(d, "lon_e6");
	json_object_set_new(d, "quarter", json_string(""));
	json_object_set_new(d, "description", json_string(""));
	json_object_set_new(d, "photos", json_array());
	json_object_set_new(d, "lang", json_string("ar-Latn"));
	assert_reaches_db("report.created", d);
	assert_reaches_db("report.supported",
			  with("report.supported", "supporters", json_integer(0)));
	assert_reaches_db("report.supported",
			  with("report.supported", "supporters", json_integer(100000000)));
	assert_reaches_db("report.assessed",
			  with("report.assessed", "assessment", json_string("confirmed")));
	assert_reaches_db("report.hidden", with("report.hidden", "moderation_id", NULL));
	d = with("report.status", "status", json_string("out_of_scope"));
	json_object_set_new(d, "body", json_string("La wilaya"));
	assert_reaches_db("report.status", d);
	d = with("report.status", "status", json_string("duplicate"));
	json_object_set_new(d, "duplicate_of", json_string(OTHER));
	assert_reaches_db("report.status", d);
	d = with("report.status", "status", json_string("received"));
	json_object_set_new(d, "message", json_string(""));
	json_object_set_new(d, "reopened", json_true());
	assert_reaches_db("report.status", d);
}

static void
test_unknown_type(void **state)
{
	(void)state;
	const struct hook *h = reports_module.official.hooks;
	static const char *const types[] = {"report.deleted", "report", "report.created.x",
					    "news.published", ""};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		/* the type first: neither the origin nor the data matter */
		struct hook_event ev = {&test_app, "citizen", types[i], AT, NULL};
		test_db_forget();
		assert_int_equal(h->apply(&ev), STATUS_NOT_FOUND);
		ev.origin = "official";
		assert_int_equal(h->apply(&ev), STATUS_NOT_FOUND);
		assert_false(test_db_queried());
	}
}

static void
test_wrong_origin(void **state)
{
	(void)state;
	bool queried;
	for (size_t i = 0; i < sizeof(report_types) / sizeof(report_types[0]); i++) {
		const char *type = report_types[i];
		const char *other = strcmp(owner(type), "citizen") == 0 ? "official" : "citizen";
		assert_int_equal(apply_at(other, type, valid(type), AT, &queried), STATUS_INVALID);
		assert_false(queried);
		assert_int_equal(apply_at("somewhere", type, valid(type), AT, &queried),
				 STATUS_INVALID);
		assert_false(queried);
	}
}

static void
test_no_data_or_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(report_types) / sizeof(report_types[0]); i++) {
		const char *type = report_types[i];
		const char *o = owner(type);
		assert_applied(STATUS_INVALID, false, o, type, NULL, AT);
		assert_applied(STATUS_INVALID, false, o, type, json_pack("[i]", 7), AT);
		assert_applied(STATUS_INVALID, false, o, type, json_string("{}"), AT);
		assert_applied(STATUS_INVALID, false, o, type, valid(type), NULL);
		assert_applied(STATUS_INVALID, false, o, type, valid(type), "");
	}
}

/* Every type's id (the report's citizen id) must be a positive integer. */
static void
test_bad_id(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(report_types) / sizeof(report_types[0]); i++) {
		const char *type = report_types[i];
		const char *key = strcmp(type, "report.status") == 0 ? "report" : "id";
		assert_refused(type, with(type, key, NULL));
		assert_refused(type, with(type, key, json_integer(0)));
		assert_refused(type, with(type, key, json_integer(-7)));
		assert_refused(type, with(type, key, json_string("7")));
		assert_refused(type, with(type, key, json_real(7.0)));
		assert_refused(type, with(type, key, json_null()));
	}
}

static void
test_created_texts(void **state)
{
	(void)state;
	const char *t = "report.created";
	char *longer = repeat("x", REPORT_DESCRIPTION_MAX + 1);
	assert_refused(t, with(t, "description", json_string(longer)));
	longer[REPORT_PLACE_MAX + 1] = '\0';
	assert_refused(t, with(t, "place", json_string(longer)));
	longer[REPORT_TITLE_MAX + 1] = '\0';
	assert_refused(t, with(t, "title", json_string(longer)));
	longer[REPORT_TITLE_MAX] = '\0';
	assert_reaches_db(t, with(t, "title", json_string(longer)));
	free(longer);
	static const char *const keys[] = {"title", "description", "place"};
	for (size_t i = 0; i < 3; i++) {
		assert_refused(t, with(t, keys[i], NULL));
		assert_refused(t, with(t, keys[i], json_integer(5)));
		assert_refused(t, with(t, keys[i], json_stringn("Rue\0 12", 7)));
		assert_refused(t, with(t, keys[i], json_string("Rue\x01 12")));
	}
	/* a title and a place are one line */
	assert_refused(t, with(t, "title", json_string("Nid\nde poule")));
	assert_refused(t, with(t, "place", json_string("Rue\t12")));
	/* a title or a description */
	json_t *d = with(t, "title", json_string(" "));
	json_object_set_new(d, "description", json_string("\n"));
	assert_refused(t, d);
	/* no pin: a place */
	d = with(t, "lat_e6", NULL);
	json_object_del(d, "lon_e6");
	json_object_set_new(d, "place", json_string("  "));
	assert_refused(t, d);
}

static void
test_created_codes(void **state)
{
	(void)state;
	const char *t = "report.created";
	static const char *const refs[] = {"R-7K3M-Q9T", "r-7k3m-q9tz", "R-7K3M-Q9TI", "7K3M-Q9TZ"};
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		assert_refused(t, with(t, "ref", json_string(refs[i])));
	assert_refused(t, with(t, "ref", NULL));
	/* a category of this platform's configuration */
	static const char *const cats[] = {"ZZZ", "voi", "VOIE", "VO", ""};
	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		assert_refused(t, with(t, "category", json_string(cats[i])));
	assert_refused(t, with(t, "category", NULL));
	/* codes: letters, digits, '_' and '-'; a quarter of at most 40, a language of 16 */
	assert_refused(t, with(t, "quarter", NULL));
	assert_refused(t, with(t, "quarter", json_string("cité")));
	assert_refused(t, with(t, "quarter", json_string("a b")));
	assert_refused(
		t, with(t, "quarter", json_string("q0123456789012345678901234567890123456789")));
	assert_reaches_db(
		t, with(t, "quarter", json_string("q012345678901234567890123456789012345678")));
	assert_refused(t, with(t, "lang", NULL));
	assert_refused(t, with(t, "lang", json_string("")));
	assert_refused(t, with(t, "lang", json_string("fr;")));
	assert_refused(t, with(t, "lang", json_string("fr-Latn-DZ-x-1234")));
	assert_reaches_db(t, with(t, "lang", json_string("fr-Latn-DZ-x-123")));
}

static void
test_created_pin_and_photos(void **state)
{
	(void)state;
	const char *t = "report.created";
	assert_refused(t, with(t, "lon_e6", NULL));
	assert_refused(t, with(t, "lat_e6", NULL));
	assert_refused(t, with(t, "lat_e6", json_real(35.7)));
	assert_refused(t, with(t, "lat_e6", json_string("35703000")));
	assert_refused(t, with(t, "lat_e6", json_integer(90000001)));
	assert_refused(t, with(t, "lat_e6", json_integer(-90000001)));
	assert_refused(t, with(t, "lon_e6", json_integer(180000001)));
	assert_reaches_db(t, with(t, "lon_e6", json_integer(-180000000)));
	assert_refused(t, with(t, "photos", NULL));
	assert_refused(t, with(t, "photos", json_object()));
	json_t *p = json_pack("{s:s, s:i, s:i}", "sha256", SHA, "width", 10, "height", 10);
	assert_refused(t, with(t, "photos", json_pack("[O, O, O, O]", p, p, p, p)));
	assert_reaches_db(t, with(t, "photos", json_pack("[O, O, O]", p, p, p)));
	json_decref(p);
	static const char *const photos[] = {
		"[1]",
		"[{\"sha256\": "
		"\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\","
		" \"width\": 10, \"height\": 10}]",
		"[{\"sha256\": \"9f86\", \"width\": 10, \"height\": 10}]",
		"[{\"width\": 10, \"height\": 10}]",
		"[{\"sha256\": \"" SHA "\", \"width\": 0, \"height\": 10}]",
		"[{\"sha256\": \"" SHA "\", \"width\": 1601, \"height\": 10}]",
		"[{\"sha256\": \"" SHA "\", \"width\": 10, \"height\": 1601}]",
		"[{\"sha256\": \"" SHA "\", \"width\": 10, \"height\": \"10\"}]",
		"[{\"sha256\": \"" SHA "\", \"width\": 10}]",
		"[{\"sha256\": \"" SHA "\", \"width\": 10, \"height\": 10, \"exif\": \"\"}]",
	};
	for (size_t i = 0; i < sizeof(photos) / sizeof(photos[0]); i++)
		assert_refused(t, with(t, "photos", json_loads(photos[i], 0, NULL)));
}

static void
test_supported(void **state)
{
	(void)state;
	const char *t = "report.supported";
	assert_refused(t, with(t, "supporters", NULL));
	assert_refused(t, with(t, "supporters", json_integer(-1)));
	assert_refused(t, with(t, "supporters", json_integer(100000001)));
	assert_refused(t, with(t, "supporters", json_string("3")));
	assert_refused(t, with(t, "supporters", json_real(3.0)));
}

static void
test_assessed(void **state)
{
	(void)state;
	const char *t = "report.assessed";
	assert_refused(t, with(t, "assessment", NULL));
	assert_refused(t, with(t, "assessment", json_string("none")));
	assert_refused(t, with(t, "assessment", json_string("Disputed")));
	assert_refused(t, with(t, "assessment", json_integer(1)));
	assert_refused(t, with(t, "comment", NULL));
	assert_refused(t, with(t, "comment", json_null()));
	assert_refused(t, with(t, "comment", json_string("pas\x01 réparé")));
	char *longer = repeat("x", REPORT_MESSAGE_MAX + 1);
	assert_refused(t, with(t, "comment", json_string(longer)));
	longer[REPORT_MESSAGE_MAX] = '\0';
	assert_reaches_db(t, with(t, "comment", json_string(longer)));
	free(longer);
}

static void
test_hidden(void **state)
{
	(void)state;
	const char *t = "report.hidden";
	assert_refused(t, with(t, "reason", NULL));
	assert_refused(t, with(t, "reason", json_string("")));
	assert_refused(t, with(t, "reason", json_string("  ")));
	assert_refused(t, with(t, "reason", json_string("Propos\ninjurieux")));
	char *longer = repeat("ر", 501); /* characters, not bytes */
	assert_refused(t, with(t, "reason", json_string(longer)));
	free(longer);
	longer = repeat("ر", 500);
	assert_reaches_db(t, with(t, "reason", json_string(longer)));
	free(longer);
	assert_refused(t, with(t, "text_sha256", NULL));
	assert_refused(t, with(t, "text_sha256", json_string("9f86d0")));
	assert_refused(t, with(t, "moderation_id", json_integer(0)));
	assert_refused(t, with(t, "moderation_id", json_string("3")));
	assert_refused(t, with(t, "moderation_id", json_null()));
}

static void
test_status(void **state)
{
	(void)state;
	const char *t = "report.status";
	assert_refused(t, with(t, "ref", NULL));
	assert_refused(t, with(t, "ref", json_string("R-7K3M")));
	assert_refused(t, with(t, "status", NULL));
	assert_refused(t, with(t, "status", json_string("new")));
	assert_refused(t, with(t, "status", json_string("fixed")));
	assert_refused(t, with(t, "message", NULL));
	assert_refused(t, with(t, "message", json_string("fait\x01")));
	assert_refused(t, with(t, "body", json_integer(5)));
	assert_refused(t, with(t, "body", json_string("La\nwilaya")));
	assert_refused(t, with(t, "reopened", json_string("true")));
	assert_refused(t, with(t, "reopened", json_integer(1)));
	assert_refused(t, with(t, "duplicate_of", json_integer(5)));
	/* the status checks of the agents' form (report_status_check) */
	assert_refused(t, with(t, "status", json_string("out_of_scope")));
	assert_refused(t, with(t, "status", json_string("duplicate")));
	json_t *d = with(t, "status", json_string("duplicate"));
	json_object_set_new(d, "duplicate_of", json_string(REF));
	assert_refused(t, d);
	d = with(t, "status", json_string("duplicate"));
	json_object_set_new(d, "duplicate_of", json_string("R-0123"));
	assert_refused(t, d);
	char *longer = repeat("x", REPORT_MESSAGE_MAX + 1);
	assert_refused(t, with(t, "message", json_string(longer)));
	free(longer);
}

int
main(void)
{
	test_no_database();
	if (test_app_open("official") < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered),
		cmocka_unit_test(test_valid_reaches_the_database),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_wrong_origin),
		cmocka_unit_test(test_no_data_or_time),
		cmocka_unit_test(test_bad_id),
		cmocka_unit_test(test_created_texts),
		cmocka_unit_test(test_created_codes),
		cmocka_unit_test(test_created_pin_and_photos),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_assessed),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_status),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	report_categories_free(&test_app);
	return failed;
}
