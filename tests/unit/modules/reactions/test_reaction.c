// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Reactions (modules/reactions/src/reaction.c, hook_reaction.c): the checks of a resident's
 * reaction, and the appliers of the citizen platform's "reaction.created" and "reaction.hidden",
 * which refuse the peer's data that does not fit (STATUS_INVALID) or a type they do not apply
 * (STATUS_NOT_FOUND) before any SQL runs. The tests have no database (PGHOST names a folder
 * that does not exist): an event that passes the checks reaches the database and comes back
 * STATUS_UNAVAILABLE, which the valid cases assert, so an invalid case that slipped through the
 * checks would fail too.
 */
#include "../../../../modules/reactions/src/internal.h"

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

static void
assert_check(const char *stance, const char *comment, const char *name, const char *want)
{
	const char *got = reaction_check(stance, comment, name);
	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
}

static void
test_check_stance(void **state)
{
	(void)state;
	assert_check("support", "", "", NULL);
	assert_check("concern", "Trop cher.", "Samia", NULL);
	assert_check(NULL, "", "", "stance_required");
	assert_check("", "", "", "stance_required");
	assert_check("neutral", "", "", "invalid_stance");
	assert_check("Support", "", "", "invalid_stance");
	assert_check("support ", "", "", "invalid_stance");
}

static void
test_check_comment(void **state)
{
	(void)state;
	/* the limit counts characters, not bytes: 1000 Arabic letters are 2000 bytes */
	char *at = repeat("ب", REACTION_COMMENT_MAX), *over = repeat("ب", REACTION_COMMENT_MAX + 1);
	assert_check("support", at, "", NULL);
	assert_check("support", over, "", "comment_too_long");
	free(at);
	free(over);
	assert_check("support", "ligne 1\nligne 2\tfin", "", NULL);
	assert_check("support", "bip\x07", "", "invalid_comment");
	assert_check("support", "\x1B[2J", "", "invalid_comment");
	assert_check("support", "a\rb", "", "invalid_comment");
}

static void
test_check_display_name(void **state)
{
	(void)state;
	char *at = repeat("é", REACTION_NAME_MAX), *over = repeat("é", REACTION_NAME_MAX + 1);
	assert_check("support", "", at, NULL);
	assert_check("support", "", over, "display_name_too_long");
	free(at);
	free(over);
	assert_check("support", "", "Une voisine", NULL);
	assert_check("support", "", "Samia\nBenali", "invalid_display_name");
	assert_check("support", "", "Sam\tia", "invalid_display_name");
	assert_check("support", "", "samia@example.org", "display_name_personal");
	assert_check("support", "", "0555 12 34 56", "display_name_personal");
}

static void
test_plain_string(void **state)
{
	(void)state;
	json_t *ok = json_string("texte"), *nul = json_stringn("a\0b", 3), *num = json_integer(1);
	assert_string_equal(reaction_plain_string(ok), "texte");
	assert_null(reaction_plain_string(nul));
	assert_null(reaction_plain_string(num));
	assert_null(reaction_plain_string(NULL));
	assert_true(is_reaction_kind(NULL, "project"));
	assert_true(is_reaction_kind(NULL, "deliberation"));
	assert_false(is_reaction_kind(NULL, "budget"));
	assert_false(is_reaction_kind(NULL, NULL));
	json_decref(ok);
	json_decref(nul);
	json_decref(num);
}

/* hook_reaction on data (consumed) as type from origin. */
static enum status
apply(const char *origin, const char *type, json_t *data)
{
	struct hook_event ev = {
		.app = NULL, /* the appliers read origin, type and data only */
		.origin = origin,
		.type = type,
		.occurred_at = "2026-11-26T07:00:01Z",
		.data = data,
	};
	enum status st = hook_reaction(&ev);
	json_decref(data);
	return st;
}

static json_t *
valid_created(void)
{
	return json_pack("{s:i, s:{s:s, s:s, s:i}, s:s, s:s, s:s, s:s}", "id", 12, "target",
			 "origin", "official", "kind", "project", "id", 3, "stance", "support",
			 "comment", "Enfin un trottoir.", "display_name", "Une voisine",
			 "created_at", "2026-11-26T07:00:00.5Z");
}

static json_t *
valid_hidden(void)
{
	return json_pack("{s:i, s:i, s:s, s:s, s:s}", "id", 12, "moderation_id", 4, "reason",
			 "propos injurieux", "comment_sha256",
			 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			 "hidden_at", "2026-11-26T08:00:00Z");
}

/* base (consumed) with member key set to v (NULL: removed); key "target.x" sets in target. */
static json_t *
with(json_t *base, const char *key, json_t *v)
{
	json_t *o = base;
	if (strncmp(key, "target.", 7) == 0) {
		o = json_object_get(base, "target");
		key += 7;
	}
	if (v)
		json_object_set_new(o, key, v);
	else
		json_object_del(o, key);
	return base;
}

static enum status
created_with(const char *key, json_t *v)
{
	return apply("citizen", "reaction.created", with(valid_created(), key, v));
}

static enum status
hidden_with(const char *key, json_t *v)
{
	return apply("citizen", "reaction.hidden", with(valid_hidden(), key, v));
}

static void
test_hook_valid_reaches_the_database(void **state)
{
	(void)state;
	assert_int_equal(apply("citizen", "reaction.created", valid_created()), STATUS_UNAVAILABLE);
	assert_int_equal(created_with("target.kind", json_string("deliberation")),
			 STATUS_UNAVAILABLE);
	assert_int_equal(created_with("comment", json_string("")), STATUS_UNAVAILABLE);
	assert_int_equal(apply("citizen", "reaction.hidden", valid_hidden()), STATUS_UNAVAILABLE);
}

static void
test_hook_type_and_origin(void **state)
{
	(void)state;
	assert_int_equal(apply("citizen", "reaction.updated", valid_created()), STATUS_NOT_FOUND);
	assert_int_equal(apply("citizen", "reaction", valid_created()), STATUS_NOT_FOUND);
	/* reactions are written on the citizen platform only */
	assert_int_equal(apply("official", "reaction.created", valid_created()), STATUS_INVALID);
	assert_int_equal(apply("official", "reaction.hidden", valid_hidden()), STATUS_INVALID);
}

static void
test_hook_created_invalid(void **state)
{
	(void)state;
	assert_int_equal(created_with("id", NULL), STATUS_INVALID);
	assert_int_equal(created_with("id", json_integer(0)), STATUS_INVALID);
	assert_int_equal(created_with("id", json_string("12")), STATUS_INVALID);
	assert_int_equal(created_with("target", NULL), STATUS_INVALID);
	assert_int_equal(created_with("target", json_string("project/3")), STATUS_INVALID);
	assert_int_equal(created_with("target.origin", json_string("citizen")), STATUS_INVALID);
	assert_int_equal(created_with("target.kind", json_string("budget")), STATUS_INVALID);
	assert_int_equal(created_with("target.id", json_integer(-3)), STATUS_INVALID);
	assert_int_equal(created_with("target.id", NULL), STATUS_INVALID);
	assert_int_equal(created_with("stance", json_string("neutral")), STATUS_INVALID);
	assert_int_equal(created_with("stance", NULL), STATUS_INVALID);
	assert_int_equal(created_with("comment", NULL), STATUS_INVALID);
	assert_int_equal(created_with("comment", json_stringn("a\0b", 3)), STATUS_INVALID);
	assert_int_equal(created_with("comment", json_string("bip\x07")), STATUS_INVALID);
	char *long_comment = repeat("x", REACTION_COMMENT_MAX + 1);
	assert_int_equal(created_with("comment", json_string(long_comment)), STATUS_INVALID);
	free(long_comment);
	assert_int_equal(created_with("display_name", NULL), STATUS_INVALID);
	assert_int_equal(created_with("display_name", json_string("a@b.dz")), STATUS_INVALID);
	assert_int_equal(created_with("display_name", json_integer(5)), STATUS_INVALID);
	assert_int_equal(created_with("created_at", NULL), STATUS_INVALID);
	assert_int_equal(created_with("created_at", json_string("2026-11-26")), STATUS_INVALID);
	assert_int_equal(created_with("created_at", json_string("2026-11-26T07:00:00+01:00")),
			 STATUS_INVALID);
}

static void
test_hook_hidden_invalid(void **state)
{
	(void)state;
	assert_int_equal(hidden_with("id", NULL), STATUS_INVALID);
	assert_int_equal(hidden_with("id", json_integer(0)), STATUS_INVALID);
	assert_int_equal(hidden_with("moderation_id", NULL), STATUS_INVALID);
	assert_int_equal(hidden_with("moderation_id", json_integer(-1)), STATUS_INVALID);
	assert_int_equal(hidden_with("reason", NULL), STATUS_INVALID);
	assert_int_equal(hidden_with("reason", json_string("   ")), STATUS_INVALID);
	assert_int_equal(hidden_with("reason", json_string("deux\nlignes")), STATUS_INVALID);
	assert_int_equal(hidden_with("reason", json_stringn("a\0b", 3)), STATUS_INVALID);
	char *long_reason = repeat("x", 501);
	assert_int_equal(hidden_with("reason", json_string(long_reason)), STATUS_INVALID);
	free(long_reason);
	assert_int_equal(hidden_with("comment_sha256", NULL), STATUS_INVALID);
	assert_int_equal(hidden_with("comment_sha256", json_string("9F86D081")), STATUS_INVALID);
	assert_int_equal(
		hidden_with(
			"comment_sha256",
			json_string("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F"
				    "00A08")),
		STATUS_INVALID);
	assert_int_equal(hidden_with("hidden_at", NULL), STATUS_INVALID);
	assert_int_equal(hidden_with("hidden_at", json_string("hier")), STATUS_INVALID);
}

int
main(void)
{
	/* no database: whatever gets past the checks fails to connect, at once */
	test_no_database();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_stance),
		cmocka_unit_test(test_check_comment),
		cmocka_unit_test(test_check_display_name),
		cmocka_unit_test(test_plain_string),
		cmocka_unit_test(test_hook_valid_reaches_the_database),
		cmocka_unit_test(test_hook_type_and_origin),
		cmocka_unit_test(test_hook_created_invalid),
		cmocka_unit_test(test_hook_hidden_invalid),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	db_shutdown();
	return failed;
}
