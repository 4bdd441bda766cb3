// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * i18n: language choice order (query, cookie, Accept-Language with q-values), French fallback,
 * direction, per-language texts.
 */
#include "common/i18n.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct i18n *
load(void)
{
	json_t *cats = json_pack("{s:{s:s}, s:{s:s, s:s}, s:{s:s}}", "ar", "hello", "مرحبا", "fr",
				 "hello", "bonjour", "only_fr", "seulement", "en", "hello", "hi");
	struct i18n *i = i18n_from_json("ar,fr,en", cats);
	json_decref(cats);
	return i;
}

static void
test_choose(void **state)
{
	(void)state;
	struct i18n *i = load();
	assert_non_null(i);
	assert_string_equal(i18n_choose(i, NULL, NULL, NULL), "ar");
	assert_string_equal(i18n_choose(i, "fr", "en", "en"), "fr");
	assert_string_equal(i18n_choose(i, "xx", "en", "fr"), "en");
	assert_string_equal(i18n_choose(i, NULL, NULL, "fr-DZ,fr;q=0.9,ar;q=0.8"), "fr");
	assert_string_equal(i18n_choose(i, NULL, NULL, "de, en;q=0.3, fr;q=0.7"), "fr");
	assert_string_equal(i18n_choose(i, NULL, NULL, "de"), "ar");
	assert_string_equal(i18n_choose(i, NULL, "garbage;;", ",,;q=x"), "ar");
	i18n_free(i);
}

static void
test_fallback(void **state)
{
	(void)state;
	struct i18n *i = load();
	assert_string_equal(i18n_get(i, "ar", "hello"), "مرحبا");
	assert_string_equal(i18n_get(i, "ar", "only_fr"), "seulement");
	assert_string_equal(i18n_get(i, "en", "only_fr"), "seulement");
	assert_string_equal(i18n_get(i, "en", "nowhere"), "nowhere");
	assert_string_equal(json_string_value(json_object_get(i18n_catalog(i, "ar"), "only_fr")),
			    "seulement");
	assert_true(i18n_is_rtl("ar"));
	assert_false(i18n_is_rtl("fr"));
	assert_int_equal(json_array_size(i18n_languages(i)), 3);
	i18n_free(i);
}

static void
test_codes(void **state)
{
	(void)state;
	/* direction from the language, or from a script subtag */
	assert_true(i18n_is_rtl("ar"));
	assert_true(i18n_is_rtl("ar-DZ"));
	assert_true(i18n_is_rtl("fa"));
	assert_true(i18n_is_rtl("ku-Arab"));
	assert_false(i18n_is_rtl("ar-Latn"));
	assert_false(i18n_is_rtl("kab"));
	assert_false(i18n_is_rtl("kab-Tfng"));
	assert_false(i18n_is_rtl("zgh"));
	assert_false(i18n_is_rtl("en"));
	assert_false(i18n_is_rtl("arn")); /* Mapudungun is not "ar" */
	/* what a language list and per-language texts may name */
	assert_true(i18n_is_lang_tag("kab"));
	assert_true(i18n_is_lang_tag("kab-Tfng"));
	assert_true(i18n_is_lang_tag("fr-DZ"));
	assert_true(i18n_is_lang_tag("ar"));
	assert_false(i18n_is_lang_tag("k"));
	assert_false(i18n_is_lang_tag("kabyle"));
	assert_false(i18n_is_lang_tag("kab-"));
	assert_false(i18n_is_lang_tag("kab-T"));
	assert_false(i18n_is_lang_tag("../fr"));
	assert_false(i18n_is_lang_tag("fr/x"));
	assert_false(i18n_is_lang_tag("kab-Tfng-x"));
	assert_false(i18n_is_lang_tag(""));
	assert_false(i18n_is_lang_tag(NULL));
	/* kab is named as it names itself, and Accept-Language's kab-DZ finds it */
	json_t *cats = json_pack("{s:{s:s}, s:{s:s}}", "fr", "k", "v", "kab", "k", "w");
	struct i18n *i = i18n_from_json("fr,kab", cats);
	json_decref(cats);
	assert_non_null(i);
	json_t *kab = json_array_get(i18n_languages(i), 1);
	assert_string_equal(json_string_value(json_object_get(kab, "name")), "Taqbaylit");
	assert_string_equal(json_string_value(json_object_get(kab, "dir")), "ltr");
	assert_string_equal(i18n_choose(i, NULL, NULL, "kab-DZ, fr;q=0.5"), "kab");
	assert_string_equal(i18n_choose(i, NULL, NULL, "KAB"), "kab");
	assert_string_equal(i18n_get(i, "kab", "k"), "w");
	i18n_free(i);
}

static void
test_missing_catalog(void **state)
{
	(void)state;
	json_t *cats = json_pack("{s:{}}", "fr");
	assert_null(i18n_from_json("fr,ar", cats));
	json_decref(cats);
}

static void
test_pick_resolve(void **state)
{
	(void)state;
	json_t *t = json_pack("{s:s, s:s}", "ar", "عنوان", "fr", "titre");
	const char *used;
	assert_string_equal(i18n_pick(t, "en", &used), "titre");
	assert_string_equal(used, "fr");
	assert_string_equal(i18n_pick(t, "ar", &used), "عنوان");
	json_t *only_ar = json_pack("{s:s}", "ar", "عنوان");
	assert_string_equal(i18n_pick(only_ar, "fr", &used), "عنوان");
	assert_string_equal(used, "ar");
	json_t *doc = json_pack("{s:O, s:[{s:O}], s:i}", "name", t, "list", "x", only_ar, "n", 3);
	json_t *r = i18n_resolve(doc, "fr");
	assert_string_equal(json_string_value(json_object_get(r, "name")), "titre");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r, "list"), 0), "x")),
			    "عنوان");
	assert_int_equal(json_integer_value(json_object_get(r, "n")), 3);
	/* a text shown in another language than asked says which: "<key>_lang" */
	assert_null(json_object_get(r, "name_lang"));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r, "list"), 0), "x_lang")),
			    "ar");
	json_decref(r);
	r = i18n_resolve(doc, "kab");
	assert_string_equal(json_string_value(json_object_get(r, "name")), "titre");
	assert_string_equal(json_string_value(json_object_get(r, "name_lang")), "fr");
	json_decref(r);
	json_decref(doc);
	json_decref(t);
	json_decref(only_ar);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),       cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_codes),        cmocka_unit_test(test_missing_catalog),
		cmocka_unit_test(test_pick_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
