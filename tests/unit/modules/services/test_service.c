// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The services module's logic without a request: a service's key and portal link, its kind's
 * fields (read from a staff form and checked in a peer's event), the catalog keys its pages
 * build at run time, the public figures made from the two contracts' answers (real values
 * rounded to integers, nulls kept, values out of range dropped), and the applier of
 * "service.figures": data that does not fit is STATUS_INVALID before any SQL runs, data that
 * fits reaches the database, which the tests do not have (STATUS_UNAVAILABLE, nodb.h).
 */
#include "../../../../modules/services/src/internal.h"

#include "common/db.h"
#include "common/module.h"
#include "publications/publication.h"

#include "catalog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nodb.h"

static void
test_service_key(void **state)
{
	(void)state;
	assert_true(service_key_is_valid("passport"));
	assert_true(service_key_is_valid("birth-certificate-12s"));
	assert_true(service_key_is_valid("ab"));
	assert_true(service_key_is_valid("a23456789012345678901234567890123456789012345678"));
	assert_false(service_key_is_valid("a234567890123456789012345678901234567890123456789"));
	assert_false(service_key_is_valid("a"));
	assert_false(service_key_is_valid("12"));   /* would read as an item id */
	assert_false(service_key_is_valid("-abc")); /* starts with a letter */
	assert_false(service_key_is_valid("Passport"));
	assert_false(service_key_is_valid("pass port"));
	assert_false(service_key_is_valid("pass_port"));
	assert_false(service_key_is_valid("passé"));
	assert_false(service_key_is_valid(""));
	assert_false(service_key_is_valid(NULL));
}

static void
test_url(void **state)
{
	(void)state;
	assert_true(service_url_is_valid("https://passeport.interieur.gov.dz/"));
	assert_true(service_url_is_valid("https://example.dz"));
	assert_true(service_url_is_valid("https://example.dz:8443/a?b=c#d"));
	assert_false(service_url_is_valid("http://example.dz/"));
	assert_false(service_url_is_valid("javascript:alert(1)"));
	assert_false(service_url_is_valid("https://"));
	assert_false(service_url_is_valid("https:///path"));
	assert_false(service_url_is_valid("https://exa mple.dz/"));
	assert_false(service_url_is_valid("https://example.dz/\"><script>"));
	assert_false(service_url_is_valid(NULL));
	char longer[600];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, "https://", 8);
	assert_false(service_url_is_valid(longer));
}

/* A staff form as name=value pairs. */
struct form {
	const char *const *pairs;
};

static const char *
lookup(void *ctx, const char *name)
{
	const struct form *f = ctx;
	for (const char *const *p = f->pairs; *p; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

/* The error code of reading pairs as a service's form (NULL: accepted, data in *out). */
static const char *
read_form(const char *const *pairs, json_t **out)
{
	struct form f = {pairs};
	json_t *langs = json_pack("[{s:s}, {s:s}]", "code", "ar", "code", "fr");
	const char *err = NULL, *field = NULL;
	json_t *partial = NULL;
	*out = publication_from_form(&service_kind, lookup, &f, langs, &err, &field, &partial);
	json_decref(partial);
	json_decref(langs);
	return err;
}

static void
test_form(void **state)
{
	(void)state;
	json_t *d;
	const char *ok[] = {"key",       "passport",   "title_fr",
			    "Passeport", "life_event", "civil_status",
			    "mode",      "portal",     "fees_da",
			    "6000",      "portal_url", "https://passeport.interieur.gov.dz/",
			    NULL};
	assert_null(read_form(ok, &d));
	assert_true(publication_data_is_valid(&service_kind, d));
	assert_int_equal(json_integer_value(json_object_get(d, "fees_da")), 6000);
	assert_string_equal(json_string_value(json_object_get(d, "key")), "passport");
	json_decref(d);
	const char *bad_key[] = {"key",    "Passport", "title_fr", "x", "life_event",
				 "school", "mode",     "info",     NULL};
	assert_string_equal(read_form(bad_key, &d), "key_invalid_format");
	const char *no_key[] = {"title_fr", "x", "life_event", "school", "mode", "info", NULL};
	assert_string_equal(read_form(no_key, &d), "key_required");
	const char *http[] = {"key",        "ab",           "title_fr", "x",
			      "life_event", "school",       "mode",     "info",
			      "portal_url", "http://x.dz/", NULL};
	assert_string_equal(read_form(http, &d), "portal_url_invalid_format");
	const char *event[] = {"key",   "ab",   "title_fr", "x", "life_event",
			       "party", "mode", "info",     NULL};
	assert_string_equal(read_form(event, &d), "life_event_invalid_choice");
	const char *delay[] = {"key",  "ab",   "title_fr",         "x",    "life_event", "school",
			       "mode", "info", "legal_delay_days", "3651", NULL};
	assert_string_equal(read_form(delay, &d), "legal_delay_days_out_of_range");
	assert_null(d);
}

static void
test_peer_data(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:s, s:{s:s}, s:s, s:s}", "key", "social-aid", "title", "fr",
			      "Aide sociale", "life_event", "social_aid", "mode", "form");
	assert_true(publication_data_is_valid(&service_kind, d));
	json_object_set_new(d, "portal_url", json_string("ftp://x.dz/"));
	assert_false(publication_data_is_valid(&service_kind, d));
	json_object_del(d, "portal_url");
	json_object_set_new(d, "fees_da", json_integer(-1));
	assert_false(publication_data_is_valid(&service_kind, d));
	json_object_del(d, "fees_da");
	json_object_set_new(d, "key", json_string("Social Aid"));
	assert_false(publication_data_is_valid(&service_kind, d));
	json_decref(d);
}

/* Every label the pages look up for the kind, in ar, fr and en. */
static void
test_catalog_keys(void **state)
{
	(void)state;
	const char *lang[] = {"ar", "fr", "en"};
	for (int l = 0; l < 3; l++) {
		json_t *cat = test_catalog(lang[l]);
		char key[128];
		assert_non_null(json_object_get(cat, "nav_services"));
		assert_non_null(json_object_get(cat, "error_service_not_found"));
		assert_non_null(json_object_get(cat, "reaction_target_service"));
		for (size_t i = 0; i < service_kind.nfields; i++) {
			const struct field *f = &service_kind.fields[i];
			snprintf(key, sizeof(key), "field_service_%s", f->name);
			if (!json_object_get(cat, key))
				fail_msg("%s: %s", lang[l], key);
			for (const char *const *c = f->choices; f->type == FIELD_CHOICE && *c;
			     c++) {
				snprintf(key, sizeof(key), "service_%s_%s", f->name, *c);
				if (!json_object_get(cat, key))
					fail_msg("%s: %s", lang[l], key);
			}
		}
		json_decref(cat);
	}
}

static void
test_figures_from_contracts(void **state)
{
	(void)state;
	json_t *forms = json_pack("{s:i, s:i, s:f, s:f, s:f}", "files", 40, "decided", 32,
				  "median_days", 4.25, "p90_days", 11.96, "within_delay", 0.8125);
	json_t *appts = json_pack("{s:i, s:s, s:f}", "bookings", 90, "next_free",
				  "2026-12-08T09:30:00+01:00", "no_show_share", 0.074);
	json_t *f = service_figures_make("social-aid", true, false, forms, appts, 5);
	json_t *want =
		json_pack("{s:s, s:b, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:i, s:i}", "service",
			  "social-aid", "form_offered", 1, "booking_offered", 0, "files", 40,
			  "decided", 32, "median_days_tenths", 43, "p90_days_tenths", 120,
			  "within_delay_pct", 81, "bookings", 90, "next_free",
			  "2026-12-08T09:30:00+01:00", "no_show_pct", 7, "min_sample", 5);
	assert_true(json_equal(f, want));
	assert_true(service_figures_are_valid(f));
	json_decref(f);
	json_decref(want);
	json_decref(forms);
	json_decref(appts);
}

static void
test_figures_nulls_and_bad_values(void **state)
{
	(void)state;
	/* the placeholders' answers: zeros and nulls */
	json_t *forms = json_pack("{s:i, s:i, s:n, s:n, s:n}", "files", 0, "decided", 0,
				  "median_days", "p90_days", "within_delay");
	json_t *appts = json_pack("{s:i, s:n, s:n}", "bookings", 0, "next_free", "no_show_share");
	json_t *f = service_figures_make("passport", false, false, forms, appts, 5);
	assert_true(service_figures_are_valid(f));
	assert_true(json_is_null(json_object_get(f, "median_days_tenths")));
	assert_true(json_is_null(json_object_get(f, "next_free")));
	json_decref(f);
	json_decref(forms);
	json_decref(appts);
	/* a contract's value out of range or of the wrong type is not shown */
	forms = json_pack("{s:i, s:s, s:f, s:f, s:f}", "files", -4, "decided", "12", "median_days",
			  -1.0, "p90_days", 1e12, "within_delay", 1.5);
	appts = json_pack("{s:i, s:s, s:i}", "bookings", 3, "next_free", "demain", "no_show_share",
			  1);
	f = service_figures_make("passport", true, true, forms, appts, 5);
	assert_true(service_figures_are_valid(f));
	assert_int_equal(json_integer_value(json_object_get(f, "files")), 0);
	assert_int_equal(json_integer_value(json_object_get(f, "decided")), 0);
	assert_true(json_is_null(json_object_get(f, "median_days_tenths")));
	assert_true(json_is_null(json_object_get(f, "p90_days_tenths")));
	assert_true(json_is_null(json_object_get(f, "within_delay_pct")));
	assert_true(json_is_null(json_object_get(f, "next_free")));
	assert_int_equal(json_integer_value(json_object_get(f, "no_show_pct")), 100);
	json_decref(f);
	json_decref(forms);
	json_decref(appts);
	/* no answer at all (a contract failed): zeros and nulls */
	f = service_figures_make("passport", false, false, NULL, NULL, 5);
	assert_true(service_figures_are_valid(f));
	json_decref(f);
}

static json_t *
valid_figures(void)
{
	return json_pack("{s:s, s:b, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:i, s:i}", "service",
			 "social-aid", "form_offered", 1, "booking_offered", 0, "files", 40,
			 "decided", 32, "median_days_tenths", 43, "p90_days_tenths", 120,
			 "within_delay_pct", 81, "bookings", 90, "next_free",
			 "2026-12-08T09:30:00Z", "no_show_pct", 7, "min_sample", 5);
}

static enum status
apply(const char *origin, json_t *data)
{
	struct hook_event ev = {
		.app = NULL,
		.origin = origin,
		.type = "service.figures",
		.occurred_at = "2026-11-26T07:00:01Z",
		.data = data,
	};
	enum status st = hook_service_figures(&ev);
	json_decref(data);
	return st;
}

static json_t *
with(const char *key, json_t *v)
{
	json_t *d = valid_figures();
	if (v)
		json_object_set_new(d, key, v);
	else
		json_object_del(d, key);
	return d;
}

static void
test_hook_figures(void **state)
{
	(void)state;
	assert_int_equal(apply("official", valid_figures()), STATUS_UNAVAILABLE);
	assert_int_equal(apply("official", with("median_days_tenths", json_null())),
			 STATUS_UNAVAILABLE);
	assert_int_equal(apply("citizen", valid_figures()), STATUS_INVALID);
	assert_int_equal(apply("official", with("service", json_string("Bad"))), STATUS_INVALID);
	assert_int_equal(apply("official", with("service", NULL)), STATUS_INVALID);
	assert_int_equal(apply("official", with("files", json_string("40"))), STATUS_INVALID);
	assert_int_equal(apply("official", with("files", json_integer(-1))), STATUS_INVALID);
	assert_int_equal(apply("official", with("within_delay_pct", json_integer(101))),
			 STATUS_INVALID);
	assert_int_equal(apply("official", with("no_show_pct", json_real(0.5))), STATUS_INVALID);
	assert_int_equal(apply("official", with("form_offered", json_integer(1))), STATUS_INVALID);
	assert_int_equal(apply("official", with("next_free", json_string("2026-12-08"))),
			 STATUS_INVALID);
	assert_int_equal(apply("official", with("next_free", json_string("2026-02-30T09:00:00Z"))),
			 STATUS_INVALID);
	assert_int_equal(apply("official", with("min_sample", json_integer(0))), STATUS_INVALID);
	assert_int_equal(apply("official", with("name", json_string("someone"))), STATUS_INVALID);
	assert_int_equal(apply("official", json_array()), STATUS_INVALID);
}

int
main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_key),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_peer_data),
		cmocka_unit_test(test_catalog_keys),
		cmocka_unit_test(test_figures_from_contracts),
		cmocka_unit_test(test_figures_nulls_and_bad_values),
		cmocka_unit_test(test_hook_figures),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	db_shutdown();
	return failed;
}
