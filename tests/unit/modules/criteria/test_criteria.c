// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The criteria's pure logic (modules/criteria/src/criteria.c): the configuration's checks (the
 * shipped config/criteria.json passes them) and one criterion's evaluation against facts.
 */
#include "../../../../modules/criteria/src/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
assert_config(const char *text, const char *want_why)
{
	char why[160] = "";
	json_t *cfg = parse(text);
	int rc = criteria_config_check(cfg, why, sizeof(why));
	if (want_why) {
		assert_int_equal(rc, -1);
		if (!strstr(why, want_why))
			fail_msg("%s: reason \"%s\", not \"%s\"", text, why, want_why);
	} else if (rc != 0) {
		fail_msg("%s: refused: %s", text, why);
	}
	json_decref(cfg);
}

#define LABEL "\"label\": {\"ar\": \"م\", \"fr\": \"C\"}"

static void
test_config_checks(void **state)
{
	(void)state;
	assert_config("{\"criteria\": [{\"id\": \"news\", \"platform\": \"official\", " LABEL
		      ", \"fact\": \"news.official\", \"within_days\": 30}]}",
		      NULL);
	assert_config("{\"criteria\": []}", "array of 1 to");
	assert_config("{\"criteria\": [{\"id\": \"News\", \"platform\": \"official\", " LABEL
		      ", \"fact\": \"x\"}]}",
		      "id must be");
	assert_config("{\"criteria\": [{\"id\": \"a\", \"platform\": \"wilaya\", " LABEL
		      ", \"fact\": \"x\"}]}",
		      "platform must be");
	assert_config("{\"criteria\": [{\"id\": \"a\", \"platform\": \"both\", "
		      "\"label\": {\"fr\": \"C\"}, \"fact\": \"x\"}]}",
		      "label needs ar and fr");
	assert_config("{\"criteria\": [{\"id\": \"a\", \"platform\": \"both\", " LABEL
		      ", \"fact\": \"x\", \"page\": \"/x\"}]}",
		      "exactly one of");
	assert_config("{\"criteria\": [{\"id\": \"a\", \"platform\": \"both\", " LABEL
		      ", \"page\": \"x\"}]}",
		      "page must be a path");
	assert_config("{\"criteria\": [{\"id\": \"a\", \"platform\": \"both\", " LABEL
		      ", \"fact\": \"x\", \"within_days\": 0}]}",
		      "within_days");
	assert_config("{\"criteria\": [{\"id\": \"a\", \"platform\": \"both\", " LABEL
		      ", \"fact\": \"x\"}, {\"id\": \"a\", \"platform\": \"both\", " LABEL
		      ", \"fact\": \"y\"}]}",
		      "criterion 2: id given twice");
}

static void
test_shipped_config(void **state)
{
	(void)state;
	json_error_t err;
	char why[160] = "";
	json_t *cfg = json_load_file(SOURCE_DIR "/modules/criteria/config/criteria.json",
				     JSON_REJECT_DUPLICATES, &err);
	if (!cfg)
		fail_msg("config/criteria.json: %s", err.text);
	if (criteria_config_check(cfg, why, sizeof(why)) != 0)
		fail_msg("config/criteria.json: %s", why);
	json_decref(cfg);
}

static const char *
status_of(const char *criterion, const char *facts, bool page_served, size_t nlanguages)
{
	static char out[16];
	json_t *c = parse(criterion), *f = parse(facts);
	json_t *site = parse("{\"presentation\": {\"ar\": \"\", \"fr\": \"Tiziri\"}, "
			     "\"priorities\": [], \"name\": \"\"}");
	struct criterion_input in = {
		.facts = f, .page_served = page_served, .site = site, .nlanguages = nlanguages};
	json_t *r = criterion_evaluate(c, &in);
	snprintf(out, sizeof(out), "%s", json_string_value(json_object_get(r, "status")));
	json_decref(r);
	json_decref(c);
	json_decref(f);
	json_decref(site);
	return out;
}

static void
test_evaluate(void **state)
{
	(void)state;
	const char *council = "{\"id\": \"council\", \"platform\": \"official\", \"fact\": "
			      "\"deliberation\", \"within_days\": 60}";
	assert_string_equal(status_of(council,
				      "{\"deliberation\": {\"count\": 1, \"latest\": "
				      "\"2026-12-01T10:00:00Z\"}}",
				      false, 2),
			    "met");
	assert_string_equal(status_of(council,
				      "{\"deliberation\": {\"count\": 0, \"latest\": null}}", false,
				      2),
			    "not_met");
	/* a fact nobody gives counts 0 */
	assert_string_equal(status_of(council, "{}", false, 2), "not_met");
	const char *many = "{\"id\": \"reports\", \"platform\": \"citizen\", \"fact\": \"report\", "
			   "\"min\": 5}";
	assert_string_equal(
		status_of(many, "{\"report\": {\"count\": 4, \"latest\": null}}", false, 2),
		"not_met");
	assert_string_equal(
		status_of(many, "{\"report\": {\"count\": 5, \"latest\": null}}", false, 2), "met");
	const char *page =
		"{\"id\": \"rt\", \"platform\": \"both\", \"page\": \"/accountability\"}";
	assert_string_equal(status_of(page, "{}", true, 2), "met");
	assert_string_equal(status_of(page, "{}", false, 2), "not_met");
	const char *langs = "{\"id\": \"l\", \"platform\": \"both\", \"languages\": 2, \"min\": 2}";
	assert_string_equal(status_of(langs, "{}", false, 2), "met");
	assert_string_equal(status_of(langs, "{}", false, 1), "not_met");
	/* site keys: a text in one language is enough; an empty list or text is not */
	assert_string_equal(status_of("{\"id\": \"p\", \"platform\": \"official\", \"site\": "
				      "\"presentation\"}",
				      "{}", false, 2),
			    "met");
	assert_string_equal(status_of("{\"id\": \"p\", \"platform\": \"official\", \"site\": "
				      "\"priorities\"}",
				      "{}", false, 2),
			    "not_met");
	assert_string_equal(
		status_of("{\"id\": \"p\", \"platform\": \"official\", \"site\": \"name\"}", "{}",
			  false, 2),
		"not_met");
}

static void
test_applies(void **state)
{
	(void)state;
	json_t *both = parse("{\"platform\": \"both\"}"),
	       *off = parse("{\"platform\": \"official\"}");
	assert_true(criterion_applies(both, "citizen"));
	assert_true(criterion_applies(off, "official"));
	assert_false(criterion_applies(off, "citizen"));
	json_decref(both);
	json_decref(off);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_checks),
		cmocka_unit_test(test_shipped_config),
		cmocka_unit_test(test_evaluate),
		cmocka_unit_test(test_applies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
