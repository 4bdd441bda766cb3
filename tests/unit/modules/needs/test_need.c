// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Needs (modules/needs/src/need.c, hook_need.c): the checks of what a resident writes (lengths,
 * control and bidirectional override characters, markup and contact-looking names) and the
 * appliers' refusals of the peer's data that does not fit (STATUS_INVALID) or of a type they do
 * not apply (STATUS_NOT_FOUND), before any SQL runs. No database (PGHOST names a folder that
 * does not exist): a valid event reaches the database and comes back STATUS_UNAVAILABLE.
 */
#include "../../../../modules/needs/src/internal.h"

#include "common/log.h"
#include "common/module.h"
#include "common/page_util.h"
#include "common/status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nodb.h"

static void
assert_check(const char *text, const char *name, const char *want)
{
	const char *got = need_check(text, name);
	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
}

static void
test_check(void **state)
{
	(void)state;
	assert_check("Une crèche à Tighilt", "Parents", NULL);
	assert_check("دار حضانة في تيغيلت\nمن فضلكم", "أولياء", NULL);
	assert_check("", "P", "need_text_required");
	assert_check(" \t", "P", "need_text_required");
	char *big = malloc(10001);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	assert_check(big, "P", "need_text_too_long");
	big[500] = '\0';
	assert_check(big, "P", NULL);
	free(big);
	assert_check("a\x01b", "P", "invalid_need_text");
	assert_check("texte \xe2\x80\xae"
		     "inverse",
		     "P", "invalid_need_text");
	assert_check("t", "", "need_display_name_required");
	assert_check("t", "Ali\xe2\x80\xaegnp.exe", "invalid_need_display_name");
	assert_check("t", "Ali\xe2\x81\xa6x\xe2\x81\xa9", "invalid_need_display_name");
	assert_check("t", "<b>Ali</b>", "invalid_need_display_name");
	assert_check("t", "Ali\nBaba", "invalid_need_display_name");
	assert_check("t", "0555 12 34 56", "need_display_name_personal");
	assert_check("t", "ali@example.org", "need_display_name_personal");
	assert_check("t", "0123456789012345678901234567890123456789012345678901234567890",
		     "need_display_name_too_long");
	assert_true(text_has_bidi_control("\xe2\x80\xaa"));
	assert_false(text_has_bidi_control("\xe2\x80\x8f")); /* a mark, not an override */
	assert_false(text_has_bidi_control(NULL));
}

static enum status
apply(const char *origin, const char *type, const char *data_json)
{
	json_t *data = json_loads(data_json, 0, NULL);
	struct hook_event ev = {NULL, origin, type, "2026-12-07T10:00:00Z", data, NULL};
	enum status st = hook_need(&ev);
	json_decref(data);
	return st;
}

static void
test_hooks(void **state)
{
	(void)state;
	const char *created =
		"{\"id\": 3, \"quarter\": \"tighilt\", \"theme\": \"childcare\","
		" \"text\": \"Une crèche\", \"display_name\": \"P\", \"lang\": \"fr\"}";
	assert_int_equal(apply("citizen", "need.created", created), STATUS_UNAVAILABLE);
	assert_int_equal(apply("official", "need.created", created), STATUS_INVALID);
	assert_int_equal(apply("citizen", "need.unknown", created), STATUS_NOT_FOUND);
	assert_int_equal(apply("citizen", "need.created",
			       "{\"id\": 3, \"quarter\": \"atlantis\", \"theme\": \"childcare\","
			       " \"text\": \"x\", \"display_name\": \"P\", \"lang\": \"fr\"}"),
			 STATUS_INVALID);
	assert_int_equal(apply("citizen", "need.created",
			       "{\"id\": 0, \"quarter\": \"tighilt\", \"theme\": \"childcare\","
			       " \"text\": \"x\", \"display_name\": \"P\", \"lang\": \"fr\"}"),
			 STATUS_INVALID);
	assert_int_equal(
		apply("citizen", "need.created",
		      "{\"id\": 3, \"quarter\": \"tighilt\", \"theme\": \"childcare\","
		      " \"text\": \"x\", \"display_name\": \"A\\u202eB\", \"lang\": \"fr\"}"),
		STATUS_INVALID);
	assert_int_equal(apply("citizen", "need.supported", "{\"id\": 3, \"supporters\": 4}"),
			 STATUS_UNAVAILABLE);
	assert_int_equal(apply("citizen", "need.supported", "{\"id\": 3, \"supporters\": -1}"),
			 STATUS_INVALID);
	assert_int_equal(apply("official", "need.supported", "{\"id\": 3, \"supporters\": 4}"),
			 STATUS_INVALID);
	assert_int_equal(apply("official", "need.answered",
			       "{\"id\": 3, \"answer\": \"Oui\", \"lang\": \"fr\"}"),
			 STATUS_UNAVAILABLE);
	assert_int_equal(apply("citizen", "need.answered",
			       "{\"id\": 3, \"answer\": \"Oui\", \"lang\": \"fr\"}"),
			 STATUS_INVALID);
	assert_int_equal(apply("official", "need.answered",
			       "{\"id\": 3, \"answer\": \" \", \"lang\": \"fr\"}"),
			 STATUS_INVALID);
	const char *hidden =
		"{\"id\": 3, \"reason\": \"Données personnelles\", \"text_sha256\":"
		" \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		" \"moderation_id\": 2, \"hidden_at\": \"2026-12-07T10:00:00Z\"}";
	assert_int_equal(apply("citizen", "need.hidden", hidden), STATUS_UNAVAILABLE);
	assert_int_equal(apply("official", "need.hidden", hidden), STATUS_INVALID);
	assert_int_equal(apply("citizen", "need.hidden",
			       "{\"id\": 3, \"reason\": \"\", \"text_sha256\": \"00\","
			       " \"moderation_id\": 2, \"hidden_at\": \"2026-12-07T10:00:00Z\"}"),
			 STATUS_INVALID);
}

int
main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
