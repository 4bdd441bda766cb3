// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The pilot's pure logic (modules/pilot/src/pilot.c): the configuration's checks (the shipped
 * config/pilot.json passes them), the period and its timeline, the figures' canonical JSON and
 * digest (compared with Python's json.dumps(sort_keys=True, separators=(',', ':')) and
 * sha256), the difference of two sides' figures, the questionnaire's aggregate and its minimum
 * sample; and hook_pilot_signed, which refuses a signature whose digest is not its figures'
 * (no database: what passes the checks comes back STATUS_UNAVAILABLE).
 */
#include "../../../../modules/pilot/src/internal.h"

#include "common/module.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nodb.h"

#define DAY 86400

static json_t *
parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		fail_msg("bad test JSON: %s", err.text);
	return v;
}

static void
test_shipped_config(void **state)
{
	(void)state;
	json_error_t err;
	char why[160] = "";
	json_t *cfg = json_load_file(SOURCE_DIR "/modules/pilot/config/pilot.json",
				     JSON_REJECT_DUPLICATES, &err);
	if (!cfg)
		fail_msg("config/pilot.json: %s", err.text);
	if (pilot_config_check(cfg, why, sizeof(why)) != 0)
		fail_msg("config/pilot.json: %s", why);
	json_object_set_new(cfg, "months", json_integer(30));
	assert_int_equal(pilot_config_check(cfg, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "start"));
	json_object_set_new(cfg, "months", json_integer(3));
	json_object_set_new(json_object_get(cfg, "survey"), "min_sample", json_integer(0));
	assert_int_equal(pilot_config_check(cfg, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "survey.min_sample"));
	json_decref(cfg);
}

static void
test_period_and_timeline(void **state)
{
	(void)state;
	struct pilot_period p;
	assert_int_equal(pilot_period_of("2026-11-15", 3, &p), 0);
	assert_string_equal(p.from, "2026-11-15T00:00:00Z");
	assert_string_equal(p.to, "2027-02-15T00:00:00Z"); /* across the year */
	assert_int_equal(pilot_period_of("2026-13-01", 3, &p), -1);
	assert_int_equal(pilot_period_of("2026-11-15", 0, &p), -1);
	assert_int_equal(pilot_period_of(NULL, 3, &p), -1);

	pilot_period_of("2026-10-01", 3, &p);
	json_t *ms = parse("[{\"id\": \"launch\", \"day\": 0}, {\"id\": \"first\", \"day\": 14},"
			   " {\"id\": \"mid\", \"day\": 45}, {\"id\": \"end\", \"day\": 90}]");
	json_t *t = pilot_timeline(ms, &p, p.start - 1);
	assert_string_equal(json_string_value(json_object_get(t, "stage")), "before");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(t, "milestones"), 0), "state")),
			    "next");
	json_decref(t);
	t = pilot_timeline(ms, &p, p.start + 20 * DAY + 3600);
	assert_string_equal(json_string_value(json_object_get(t, "stage")), "running");
	assert_int_equal(json_integer_value(json_object_get(t, "day")), 21);
	assert_int_equal(json_integer_value(json_object_get(t, "days")), 92);
	const char *want[] = {"done", "done", "next", "planned"};
	for (size_t i = 0; i < 4; i++) {
		json_t *m = json_array_get(json_object_get(t, "milestones"), i);
		assert_string_equal(json_string_value(json_object_get(m, "state")), want[i]);
	}
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(t, "milestones"), 2), "date")),
			    "2026-11-15");
	json_decref(t);
	t = pilot_timeline(ms, &p, p.end);
	assert_string_equal(json_string_value(json_object_get(t, "stage")), "ended");
	assert_null(json_object_get(t, "day"));
	json_decref(t);
	json_decref(ms);
}

static void
test_canonical_digest(void **state)
{
	(void)state;
	/* the same figures in another order make the same text */
	json_t *a = parse("{\"report\": 3, \"news.official\": 2}");
	char *text = pilot_canonical("2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z", a);
	assert_string_equal(text,
			    "{\"figures\":{\"news.official\":2,\"report\":3},"
			    "\"from\":\"2026-10-01T00:00:00Z\",\"to\":\"2027-01-01T00:00:00Z\"}");
	free(text);
	char d[PILOT_DIGEST_SIZE];
	pilot_digest("2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z", a, d);
	assert_string_equal(d, "d61c28c7f5df3a8f742381951b402b471836606a215d83b444887bfcc6786382");
	json_decref(a);
}

static void
test_figures(void **state)
{
	(void)state;
	json_t *names = parse("[\"report\", \"need\", \"news.official\"]");
	json_t *facts =
		parse("{\"report\": {\"count\": 4, \"latest\": null}, \"other\": {\"count\": "
		      "9, \"latest\": null}}");
	json_t *f = pilot_figures_of(names, facts);
	json_t *want = parse("{\"report\": 4, \"need\": 0, \"news.official\": 0}");
	assert_true(json_equal(f, want));
	json_t *b = parse("{\"report\": 5, \"need\": 0}");
	json_t *diff = pilot_figures_diff(f, b);
	json_t *want_diff = parse("[{\"name\": \"news.official\", \"a\": 0, \"b\": null}, "
				  "{\"name\": \"report\", \"a\": 4, \"b\": 5}]");
	assert_true(json_equal(diff, want_diff));
	json_decref(diff);
	diff = pilot_figures_diff(f, f);
	assert_int_equal(json_array_size(diff), 0);
	json_decref(diff);
	json_decref(want_diff);
	json_decref(b);
	json_decref(want);
	json_decref(f);
	json_decref(facts);
	json_decref(names);
}

static void
test_breakdown(void **state)
{
	(void)state;
	json_t *kinds = parse("[\"report\", \"need\"]");
	json_t *facts = parse("{\"report.quarter.centre\": {\"count\": 3, \"latest\": null},"
			      " \"report.quarter.tighilt\": {\"count\": 0, \"latest\": null},"
			      " \"report.lang.ar\": {\"count\": 2, \"latest\": null},"
			      " \"report.answered\": {\"count\": 9, \"latest\": null},"
			      " \"reports.lang.fr\": {\"count\": 9, \"latest\": null},"
			      " \"proposal.lang.fr\": {\"count\": 9, \"latest\": null},"
			      " \"need.lang.fr\": {\"count\": 1, \"latest\": null}}");
	json_t *figures = parse("{\"report\": 5}");
	pilot_breakdown_add(kinds, facts, figures);
	/* zero counts, other kinds and names that only begin alike are left out */
	json_t *want = parse("{\"report\": 5, \"report.quarter.centre\": 3, "
			     "\"report.lang.ar\": 2, \"need.lang.fr\": 1}");
	assert_true(json_equal(figures, want));
	json_decref(want);
	json_decref(figures);
	json_decref(facts);
	json_decref(kinds);
}

static void
test_survey_aggregate(void **state)
{
	(void)state;
	json_t *qs = parse("[{\"id\": \"useful\", \"text\": {\"ar\": \"؟\", \"fr\": \"?\"}}]");
	json_t *rows = parse("[{\"question\": \"useful\", \"value\": 5, \"n\": 2},"
			     " {\"question\": \"useful\", \"value\": 4, \"n\": 1},"
			     " {\"question\": \"other\", \"value\": 1, \"n\": 7}]");
	json_t *below = pilot_survey_aggregate(qs, rows, 3, 10);
	assert_false(json_is_true(json_object_get(below, "shown")));
	assert_null(
		json_object_get(json_array_get(json_object_get(below, "questions"), 0), "counts"));
	json_decref(below);
	json_t *agg = pilot_survey_aggregate(qs, rows, 3, 3);
	json_t *q = json_array_get(json_object_get(agg, "questions"), 0);
	json_t *want = parse("[0, 0, 0, 1, 2]");
	assert_true(json_equal(json_object_get(q, "counts"), want));
	/* 14 / 3 = 4.67: 47 tenths, rounded half up */
	assert_int_equal(json_integer_value(json_object_get(q, "mean_tenths")), 47);
	json_decref(want);
	json_decref(agg);
	json_decref(rows);
	json_decref(qs);
}

static enum status
apply(json_t *data)
{
	struct hook_event ev = {.origin = "citizen",
				.type = "pilot.assessment_signed",
				.occurred_at = "2026-12-01T10:00:00Z",
				.data = data};
	enum status st = hook_pilot_signed(&ev);
	json_decref(data);
	return st;
}

static json_t *
signed_event(const char *digest, const char *figures)
{
	return json_pack("{s:{s:s, s:s}, s:s, s:o, s:{s:s, s:s}}", "period", "from",
			 "2026-10-01T00:00:00Z", "to", "2027-01-01T00:00:00Z", "digest", digest,
			 "figures", parse(figures), "conclusion", "ar", "خلاصة", "fr",
			 "Conclusion");
}

static void
test_hook_refuses_a_wrong_digest(void **state)
{
	(void)state;
	test_no_database();
	const char *good = "d61c28c7f5df3a8f742381951b402b471836606a215d83b444887bfcc6786382";
	assert_int_equal(apply(signed_event(good, "{\"report\": 3, \"news.official\": 2}")),
			 STATUS_UNAVAILABLE);
	/* the same digest over other figures */
	assert_int_equal(apply(signed_event(good, "{\"report\": 4, \"news.official\": 2}")),
			 STATUS_INVALID);
	assert_int_equal(apply(signed_event("xyz", "{\"report\": 3}")), STATUS_INVALID);
	assert_int_equal(apply(signed_event(good, "{\"report\": -3}")), STATUS_INVALID);
	assert_int_equal(apply(signed_event(good, "{\"report\": \"3\"}")), STATUS_INVALID);
	json_t *declared = signed_event(good, "{\"report\": 3, \"news.official\": 2}");
	json_object_set_new(declared, "declared", json_pack("{s:i}", "booking", 4));
	assert_int_equal(apply(declared), STATUS_UNAVAILABLE);
	declared = signed_event(good, "{\"report\": 3, \"news.official\": 2}");
	json_object_set_new(declared, "declared", json_pack("{s:s}", "booking", "4"));
	assert_int_equal(apply(declared), STATUS_INVALID);
	json_t *no_conclusion = signed_event(good, "{\"report\": 3, \"news.official\": 2}");
	json_object_del(no_conclusion, "conclusion");
	assert_int_equal(apply(no_conclusion), STATUS_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_config),
		cmocka_unit_test(test_period_and_timeline),
		cmocka_unit_test(test_canonical_digest),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_breakdown),
		cmocka_unit_test(test_survey_aggregate),
		cmocka_unit_test(test_hook_refuses_a_wrong_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
