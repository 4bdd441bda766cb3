// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The pieces of a report's view that lists build once a row (modules/reports/src/report_view.c,
 * report.c): degrees written by hand, the same text printf gave, for every sign and magnitude;
 * and the label tables and selects' choices, made once per language and shared by the requests
 * after (each of them a new reference, the same value; a choice made is never the shared one).
 */
#include "reports_test.h"

#include "../../../../modules/reports/src/internal.h"

#include "common/http.h"
#include "common/i18n.h"

#include "catalog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

static void
test_degrees(void **state)
{
	(void)state;
	static const long long values[] = {
		0,         1,          -1,         999999,       -999999,   1000000,    -1000000,
		36716900,  4049700,    -4049700,   -36716042,    180000000, -180000000, 90000000,
		123456789, -123456789, 1000000000, 9000000000LL, -120,      5,          -5000001};
	struct request req = {.arena = arena_new()};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		long long v = values[i], a = v < 0 ? -v : v;
		char want[48];
		snprintf(want, sizeof(want), "%s%lld.%06lld", v < 0 ? "-" : "", a / 1000000,
			 a % 1000000);
		assert_string_equal(report_degrees(&req, v), want);
	}
	arena_free(req.arena);
}

static void
test_label_memo(void **state)
{
	(void)state;
	assert_int_equal(test_app_open("citizen"), 0);
	json_t *catalogs =
		json_pack("{s:o, s:o}", "ar", test_catalog("ar"), "fr", test_catalog("fr"));
	test_app.i18n = i18n_from_json("ar,fr", catalogs);
	json_decref(catalogs);
	struct request a = {.app = &test_app, .lang = "fr", .arena = arena_new()};
	struct request b = {.app = &test_app, .lang = "fr", .arena = arena_new()};
	struct request c = {.app = &test_app, .lang = "ar", .arena = arena_new()};
	json_t *ta = report_label_table(&a), *tb = report_label_table(&b),
	       *tc = report_label_table(&c);
	assert_ptr_equal(ta, tb); /* made once for the language, shared */
	assert_ptr_not_equal(ta, tc);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(ta, "category"), "ECL")),
		"Éclairage");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ta, "days"), "ECL")),
			 7);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(tc, "category"), "ECL")),
		"الإنارة");
	json_t *va = report_view_table(&a);
	assert_non_null(json_object_get(va, "assessment"));
	assert_null(json_object_get(ta, "assessment")); /* the view's table is another one */
	json_t *o1 = report_category_options(&a, NULL), *o2 = report_category_options(&b, NULL);
	json_t *o3 = report_category_options(&a, "ECL");
	assert_ptr_equal(o1, o2);
	assert_ptr_not_equal(o1, o3);
	assert_int_equal(json_array_size(o1), 3);
	size_t i;
	json_t *o;
	json_array_foreach(o1, i, o)
	{
		assert_false(json_is_true(json_object_get(o, "selected")));
	}
	assert_true(json_is_true(json_object_get(json_array_get(o3, 1), "selected")));
	json_t *s1 = report_status_options(&a, NULL), *s2 = report_status_options(&a, "resolved");
	assert_ptr_not_equal(s1, s2);
	json_array_foreach(s1, i, o)
	{
		assert_false(json_is_true(json_object_get(o, "selected")));
	}
	json_t *labels[] = {ta, tb, tc, va, o1, o2, o3, s1, s2};
	for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
		json_decref(labels[k]);
	arena_free(a.arena);
	arena_free(b.arena);
	arena_free(c.arena);
	i18n_free(test_app.i18n);
	report_categories_free(&test_app);
}

int
main(void)
{
	log_set_level(LOG_LEVEL_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degrees),
		cmocka_unit_test(test_label_memo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
