// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * hook_news, the applier of the peer's news events (modules/news/src/news_module.c): data that
 * does not fit (a bad id, texts that are not per-language objects, an unknown status, a bad or
 * missing published_at) is STATUS_INVALID before any SQL runs. The tests have no database
 * (PGHOST names a folder that does not exist): an event that passes the checks reaches the
 * database and comes back STATUS_UNAVAILABLE, which the valid cases assert, so an invalid case
 * that slipped through the checks would fail too.
 */
#include "../../../../modules/news/src/internal.h"

#include "common/db.h"
#include "common/log.h"
#include "common/status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nodb.h"

/* A valid news.published snapshot. */
static json_t *
valid_event(void)
{
	return json_pack("{s:i, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s, s:n}", "id", 7, "title", "ar",
			 "ماء", "fr", "Coupure d'eau", "body", "ar", "...", "fr",
			 "Mardi, rue **Didouche**.", "status", "published", "published_at",
			 "2026-11-26T07:00:00.123456Z", "unpublish_reason");
}

/* hook_news on data as the official side's event type. */
static enum status
apply(const char *type, json_t *data)
{
	struct hook_event ev = {
		.app = NULL, /* hook_news reads origin and data only */
		.origin = "official",
		.type = type,
		.occurred_at = "2026-11-26T07:00:01Z",
		.data = data,
	};
	enum status st = hook_news(&ev);
	json_decref(data);
	return st;
}

/* The valid event with member key set to v (NULL: removed). */
static json_t *
with(const char *key, json_t *v)
{
	json_t *data = valid_event();
	if (v)
		json_object_set_new(data, key, v);
	else
		json_object_del(data, key);
	return data;
}

static void
test_valid_reaches_the_database(void **state)
{
	(void)state;
	assert_int_equal(apply("news.published", valid_event()), STATUS_UNAVAILABLE);
	assert_int_equal(apply("news.updated", valid_event()), STATUS_UNAVAILABLE);
	/* an unpublished item that was never published has no published_at */
	json_t *d = with("published_at", json_null());
	json_object_set_new(d, "status", json_string("unpublished"));
	json_object_set_new(d, "unpublish_reason", json_string("erreur de date"));
	assert_int_equal(apply("news.unpublished", d), STATUS_UNAVAILABLE);
	/* one language is enough, and an empty text is a text */
	assert_int_equal(apply("news.updated", with("title", json_pack("{s:s}", "fr", ""))),
			 STATUS_UNAVAILABLE);
}

static void
test_bad_id(void **state)
{
	(void)state;
	assert_int_equal(apply("news.published", with("id", NULL)), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("id", json_integer(0))), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("id", json_integer(-3))), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("id", json_string("7"))), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("id", json_real(7.0))), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("id", json_null())), STATUS_INVALID);
}

static void
test_texts_not_per_language(void **state)
{
	(void)state;
	assert_int_equal(apply("news.published", with("title", NULL)), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("title", json_string("Coupure d'eau"))),
			 STATUS_INVALID);
	assert_int_equal(apply("news.published", with("title", json_pack("[s]", "Coupure"))),
			 STATUS_INVALID);
	assert_int_equal(apply("news.published", with("title", json_pack("{s:i}", "fr", 5))),
			 STATUS_INVALID);
	assert_int_equal(apply("news.published", with("title", json_pack("{s:n}", "fr"))),
			 STATUS_INVALID);
	assert_int_equal(apply("news.published", with("body", NULL)), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("body", json_string("texte"))),
			 STATUS_INVALID);
	assert_int_equal(
		apply("news.published", with("body", json_pack("{s:{s:s}}", "fr", "x", "y"))),
		STATUS_INVALID);
	/* a language code is at most 8 bytes */
	assert_int_equal(
		apply("news.published", with("body", json_pack("{s:s}", "français-algérie", "x"))),
		STATUS_INVALID);
}

static void
test_bad_status(void **state)
{
	(void)state;
	assert_int_equal(apply("news.published", with("status", NULL)), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("status", json_string("draft"))),
			 STATUS_INVALID);
	assert_int_equal(apply("news.published", with("status", json_string("deleted"))),
			 STATUS_INVALID);
	assert_int_equal(apply("news.published", with("status", json_string("Published"))),
			 STATUS_INVALID);
	assert_int_equal(apply("news.published", with("status", json_true())), STATUS_INVALID);
}

static void
test_bad_published_at(void **state)
{
	(void)state;
	/* a published item says when */
	assert_int_equal(apply("news.published", with("published_at", NULL)), STATUS_INVALID);
	assert_int_equal(apply("news.published", with("published_at", json_null())),
			 STATUS_INVALID);
	static const char *const bad[] = {
		"2026-11-26",                /* no time */
		"2026-11-26T07:00:00+01:00", /* not UTC */
		"2026-11-26 07:00:00Z",      /* no T */
		"2026-02-30T07:00:00Z",      /* no such day */
		"2026-11-26T24:00:00Z",      /* no such hour */
		"2026-11-26T07:00:00.1234567Z",
		"yesterday",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(apply("news.published", with("published_at", json_string(bad[i]))),
				 STATUS_INVALID);
		json_t *d = with("published_at", json_string(bad[i]));
		json_object_set_new(d, "status", json_string("unpublished"));
		assert_int_equal(apply("news.unpublished", d), STATUS_INVALID);
	}
	assert_int_equal(apply("news.published", with("published_at", json_integer(1764140400))),
			 STATUS_INVALID);
}

int
main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_reaches_the_database),
		cmocka_unit_test(test_bad_id),
		cmocka_unit_test(test_texts_not_per_language),
		cmocka_unit_test(test_bad_status),
		cmocka_unit_test(test_bad_published_at),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	db_shutdown();
	return failed;
}
