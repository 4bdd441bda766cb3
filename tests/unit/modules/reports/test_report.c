// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What both platforms share about reports (modules/reports/src/report.c): the commune's
 * statuses, the quarters, public references, private tracking tokens, and the categories
 * loaded from their configuration file (every malformed file refused, the loaded ones kept).
 */
#include "reports_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#define CROCKFORD "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

static void
test_statuses(void **state)
{
	(void)state;
	static const char *const want[] = {"new",          "received",  "forwarded",
					   "in_progress",  "scheduled", "resolved",
					   "out_of_scope", "rejected",  "duplicate"};
	size_t n = 0;
	while (report_statuses[n])
		n++;
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(report_statuses[i], want[i]);
		assert_true(report_status_is_valid(want[i]));
		assert_int_equal(report_status_is_settable(want[i]), i > 0);
	}
	static const char *const bad[] = {"", "Resolved", "closed", "resolved ", "new\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(report_status_is_valid(bad[i]));
		assert_false(report_status_is_settable(bad[i]));
	}
	assert_false(report_status_is_valid(NULL));
	assert_false(report_status_is_settable(NULL));
}

static void
test_status_open(void **state)
{
	(void)state;
	static const char *const open[] = {"new", "received", "forwarded", "in_progress",
					   "scheduled"};
	static const char *const closed[] = {"resolved", "out_of_scope", "rejected", "duplicate"};
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		assert_true(report_status_is_open(open[i]));
	for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++)
		assert_false(report_status_is_open(closed[i]));
	/* only the four closing statuses close a report: anything else is still to act on */
	assert_true(report_status_is_open("Resolved"));
}

static void
test_quarters(void **state)
{
	(void)state;
	static const char *const want[] = {"centre", "cite500",        "tighilt",
					   "elamel", "zone_activites", "autre"};
	const char *const *q = report_quarters();
	size_t n = 0;
	for (; q[n]; n++) {
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_string_equal(q[n], want[n]);
		assert_true(report_quarter_is_valid(q[n]));
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_false(report_quarter_is_valid(NULL));
	assert_false(report_quarter_is_valid(""));
	assert_false(report_quarter_is_valid("Centre"));
	assert_false(report_quarter_is_valid("centre "));
	assert_false(report_quarter_is_valid("nowhere"));
}

static void
test_new_ref(void **state)
{
	(void)state;
	char refs[50][REPORT_REF_SIZE];
	for (size_t i = 0; i < 50; i++) {
		memset(refs[i], '!', REPORT_REF_SIZE);
		report_new_ref(refs[i]);
		const char *r = refs[i];
		assert_int_equal(strlen(r), REPORT_REF_SIZE - 1);
		assert_int_equal(r[0], 'R');
		assert_int_equal(r[1], '-');
		assert_int_equal(r[6], '-');
		for (size_t k = 2; k < REPORT_REF_SIZE - 1; k++)
			if (k != 6)
				assert_non_null(strchr(CROCKFORD, r[k]));
		assert_true(report_ref_is_valid(r));
		/* 40 random bits: two alike in 50 would mean the randomness is broken */
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(refs[j], r);
	}
}

static void
test_ref_is_valid(void **state)
{
	(void)state;
	assert_true(report_ref_is_valid("R-0123-4567"));
	assert_true(report_ref_is_valid("R-ABCD-EFGH"));
	assert_true(report_ref_is_valid("R-JKMN-PQRS"));
	assert_true(report_ref_is_valid("R-TVWX-YZ89"));
	static const char *const bad[] = {
		"",
		"R-ABCD-EFG",
		"R-ABCD-EFGHJ",
		"r-ABCD-EFGH",
		"R_ABCD-EFGH",
		"R-ABCDXEFGH",
		"R-abcd-efgh",
		"R-ABCI-EFGH",
		"R-ABCL-EFGH",
		"R-ABCO-EFGH",
		"R-ABCU-EFGH",
		"R-ABCD-EF-H",
		"X-ABCD-EFGH",
		"R-ABCD EFGH",
		"R--ABC-EFGH",
		" R-ABCD-EFG",
		"R-ABCD-EFGH ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (report_ref_is_valid(bad[i]))
			fail_msg("\"%s\" was taken for a reference", bad[i]);
	}
	assert_false(report_ref_is_valid(NULL));
}

static void
test_new_token(void **state)
{
	(void)state;
	char tokens[20][SECRET_TOKEN_SIZE];
	for (size_t i = 0; i < 20; i++) {
		char sha[SHA256_HEX_SIZE], again[SHA256_HEX_SIZE];
		memset(tokens[i], '!', SECRET_TOKEN_SIZE);
		memset(sha, '!', sizeof(sha));
		secret_token_new(tokens[i], sha);
		const char *t = tokens[i];
		assert_int_equal(strlen(t), SECRET_TOKEN_SIZE - 1);
		assert_int_equal(strspn(t, B64URL), SECRET_TOKEN_SIZE - 1);
		/* 256 bits in 43 characters: the last one holds 4 bits, its 2 low bits are zero */
		assert_int_equal((strchr(B64URL, t[SECRET_TOKEN_SIZE - 2]) - B64URL) % 4, 0);
		assert_int_equal(strlen(sha), SHA256_HEX_SIZE - 1);
		assert_int_equal(strspn(sha, "0123456789abcdef"), SHA256_HEX_SIZE - 1);
		/* what is stored is what a presented token hashes to */
		assert_true(secret_token_hash(t, again));
		assert_string_equal(again, sha);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(tokens[j], t);
	}
}

static void
test_token_hash(void **state)
{
	(void)state;
	char sha[SHA256_HEX_SIZE];
	/* SHA-256 of the 43 bytes, computed elsewhere (Python's hashlib) */
	assert_true(secret_token_hash("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234", sha));
	assert_string_equal(sha,
			    "3a3f89df6a8ee992e20ba461e1531b4224f060509a2ca6f3a52f2b979b466ca4");
	static const char *const bad[] = {
		"",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_0123",   /* 42 */
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_012345", /* 44 */
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ+/01234",  /* base64, not base64url */
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_0123=",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_0123.",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ -01234",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(sha, 'x', sizeof(sha));
		if (secret_token_hash(bad[i], sha))
			fail_msg("\"%s\" was taken for a token", bad[i]);
		assert_string_equal(sha, "");
	}
	memset(sha, 'x', sizeof(sha));
	assert_false(secret_token_hash(NULL, sha));
	assert_string_equal(sha, "");
}

static void
test_categories_loaded(void **state)
{
	(void)state;
	assert_int_equal(test_app_open("citizen"), 0);
	json_t *all = report_categories(&test_app);
	assert_int_equal(json_array_size(all), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "code")),
			    "VOI");
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 2), "code")),
			    "PRO");
	json_t *ecl = report_category(&test_app, "ECL");
	assert_ptr_equal(ecl, json_array_get(all, 1));
	assert_string_equal(json_string_value(json_object_get(json_object_get(ecl, "name"), "en")),
			    "Lighting");
	assert_null(report_category(&test_app, NULL));
	assert_null(report_category(&test_app, ""));
	assert_null(report_category(&test_app, "voi"));
	assert_null(report_category(&test_app, "XYZ"));
	assert_int_equal(report_category_target_days(&test_app, "VOI"), 15);
	assert_int_equal(report_category_target_days(&test_app, "ECL"), 7);
	assert_int_equal(report_category_target_days(&test_app, "PRO"), 30);
	assert_int_equal(report_category_target_days(&test_app, "XYZ"), 0);
	assert_false(report_category_premoderated(&test_app, "VOI"));
	assert_false(report_category_premoderated(&test_app, "ECL"));
	assert_true(report_category_premoderated(&test_app, "PRO"));
	assert_false(report_category_premoderated(&test_app, "XYZ"));
	report_categories_free(&test_app);
	assert_null(report_categories(&test_app));
	assert_null(report_category(&test_app, "VOI"));
	/* the official platform loads the same file */
	assert_int_equal(test_app_open("official"), 0);
	assert_non_null(report_category(&test_app, "PRO"));
	report_categories_free(&test_app);
}

/* A category file with one category in place of VOI (the others stay valid). */
static char *
with_category(const char *category)
{
	static const char rest[] =
		"{\"code\": \"ECL\", \"name\": {\"ar\": \"ض\", \"fr\": \"Éclairage\"},"
		" \"target_days\": 7}";
	size_t n = strlen(category) + sizeof(rest) + 8;
	char *s = malloc(n);
	snprintf(s, n, "[%s, %s]", rest, category);
	return s;
}

static void
test_categories_refused(void **state)
{
	(void)state;
	assert_int_equal(test_app_open("citizen"), 0);
	json_t *loaded = report_categories(&test_app);
	static const char *const bad_files[] = {
		"", "not json", "{\"code\": \"VOI\"}", "[]", "[1]", "[{}]",
	};
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		test_set_categories(bad_files[i]);
		if (report_categories_load(&test_app) != -1)
			fail_msg("the file '%s' was accepted", bad_files[i]);
	}
	static const char *const bad[] = {
		/* the code: three capitals */
		"{\"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": 15}",
		"{\"code\": \"voi\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"15}",
		"{\"code\": \"VO\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": 15}",
		"{\"code\": \"VOIE\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"15}",
		"{\"code\": \"V1I\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"15}",
		"{\"code\": 5, \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": 15}",
		/* the name in Arabic and French at least */
		"{\"code\": \"VOI\", \"target_days\": 15}",
		"{\"code\": \"VOI\", \"name\": \"Voirie\", \"target_days\": 15}",
		"{\"code\": \"VOI\", \"name\": {\"fr\": \"V\"}, \"target_days\": 15}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\"}, \"target_days\": 15}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": 5}, \"target_days\": 15}",
		/* a target of 1 to 365 days */
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": 0}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"366}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"\"15\"}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"15.0}",
		/* premoderate a boolean, body in Arabic and French */
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": 15,"
		" \"premoderate\": \"yes\"}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": 15,"
		" \"body\": {\"fr\": \"La wilaya\"}}",
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": 15,"
		" \"body\": \"La wilaya\"}",
		/* a code twice, a key twice */
		"{\"code\": \"ECL\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"15}",
		"{\"code\": \"VOI\", \"code\": \"VOJ\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"},"
		" \"target_days\": 15}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *file = with_category(bad[i]);
		test_set_categories(file);
		if (report_categories_load(&test_app) != -1)
			fail_msg("the category %s was accepted", bad[i]);
		free(file);
	}
	/* a missing file too; and the categories loaded before stay */
	test_set_categories(NULL);
	assert_int_equal(report_categories_load(&test_app), -1);
	assert_ptr_equal(report_categories(&test_app), loaded);
	assert_non_null(report_category(&test_app, "PRO"));
	/* the same with a valid category in place of the bad ones is accepted */
	char *good = with_category(
		"{\"code\": \"VOI\", \"name\": {\"ar\": \"ط\", \"fr\": \"V\"}, \"target_days\": "
		"365,"
		" \"premoderate\": true, \"body\": {\"ar\": \"و\", \"fr\": \"La wilaya\"}}");
	test_set_categories(good);
	assert_int_equal(report_categories_load(&test_app), 0);
	free(good);
	assert_int_equal(json_array_size(report_categories(&test_app)), 2);
	assert_null(report_category(&test_app, "PRO"));
	assert_int_equal(report_category_target_days(&test_app, "VOI"), 365);
	assert_true(report_category_premoderated(&test_app, "VOI"));
	report_categories_free(&test_app);
}

int
main(void)
{
	log_set_level(LOG_LEVEL_ERROR); /* each refused file is logged, as an error */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statuses),           cmocka_unit_test(test_status_open),
		cmocka_unit_test(test_quarters),           cmocka_unit_test(test_new_ref),
		cmocka_unit_test(test_ref_is_valid),       cmocka_unit_test(test_new_token),
		cmocka_unit_test(test_token_hash),         cmocka_unit_test(test_categories_loaded),
		cmocka_unit_test(test_categories_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
