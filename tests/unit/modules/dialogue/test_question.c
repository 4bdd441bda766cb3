// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The dialogue's pure logic (modules/dialogue/src/question.c) and the appliers of the peer's
 * question.* events (dialogue_hooks.c), which refuse what does not fit (STATUS_INVALID) or a
 * type they do not apply (STATUS_NOT_FOUND) before any SQL runs. No database (PGHOST names a
 * folder that does not exist): an event that passes the checks comes back STATUS_UNAVAILABLE,
 * which the valid cases assert, so an invalid case that slipped through would fail too.
 */
#include "../../../../modules/dialogue/src/internal.h"

#include "common/db.h"
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
assert_question(const char *title, const char *text, const char *name, const char *quarter,
		const char *theme, const char *want, const char *want_field)
{
	const char *field = "unset";
	const char *got = question_check(title, text, name, quarter, theme, &field);
	if (!want) {
		assert_null(got);
		assert_null(field);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_string_equal(field, want_field);
}

static void
test_question_texts(void **state)
{
	(void)state;
	assert_question("Horaires ?", "Ouvert samedi ?", "", "", "", NULL, NULL);
	assert_question("متى؟", "سؤال\nسطر ثان", "قارئ", "centre", "water", NULL, NULL);
	assert_question("", "x", "", "", "", "question_title_required", "title");
	assert_question("   ", "x", "", "", "", "question_title_required", "title");
	/* limits count characters: 150 Arabic letters are 300 bytes */
	char *t_at = repeat("ب", QUESTION_TITLE_MAX), *t_over = repeat("ب", QUESTION_TITLE_MAX + 1);
	assert_question(t_at, "x", "", "", "", NULL, NULL);
	assert_question(t_over, "x", "", "", "", "question_title_too_long", "title");
	free(t_at);
	free(t_over);
	assert_question("deux\nlignes", "x", "", "", "", "invalid_question_title", "title");
	assert_question("abc\u202Eexe.txt", "x", "", "", "", "invalid_question_title", "title");
	assert_question("t", "", "", "", "", "question_required", "text");
	char *q_at = repeat("é", QUESTION_TEXT_MAX), *q_over = repeat("x", 10000);
	assert_question("t", q_at, "", "", "", NULL, NULL);
	assert_question("t", q_over, "", "", "", "question_too_long", "text");
	free(q_at);
	free(q_over);
	assert_question("t", "bip\x07", "", "", "", "invalid_question", "text");
	assert_question("t", "a\u2066b", "", "", "", "invalid_question", "text");
	assert_question("t", "x", "", "atlantide", "", "invalid_quarter", "quarter");
	assert_question("t", "x", "", "", "astrologie", "invalid_theme", "theme");
}

static void
test_question_names(void **state)
{
	(void)state;
	char *at = repeat("é", QUESTION_NAME_MAX), *over = repeat("é", QUESTION_NAME_MAX + 1);
	assert_question("t", "x", at, "", "", NULL, NULL);
	assert_question("t", "x", over, "", "", "display_name_too_long", "display_name");
	free(at);
	free(over);
	assert_question("t", "x", "<b>Maire</b>", "", "", "invalid_display_name", "display_name");
	assert_question("t", "x", "a>b", "", "", "invalid_display_name", "display_name");
	assert_question("t", "x", "Ali\u202Eila", "", "", "invalid_display_name", "display_name");
	assert_question("t", "x", "\u2067Ali\u2069", "", "", "invalid_display_name",
			"display_name");
	assert_question("t", "x", "Ali\nB", "", "", "invalid_display_name", "display_name");
	assert_question("t", "x", "ali@example.org", "", "", "display_name_personal",
			"display_name");
	/* marks that only hint a direction are fine: RLM, LRM */
	assert_question("t", "x", "Ali\u200F", "", "", NULL, NULL);
	assert_false(text_has_bidi_control("plain"));
	assert_true(text_has_bidi_control("\u202A"));
	assert_true(text_has_bidi_control("x\u2069"));
	assert_false(text_has_bidi_control("\u2065\u202F"));
}

static void
test_answer_texts(void **state)
{
	(void)state;
	assert_null(answer_text_check("رد", ""));
	assert_null(answer_text_check("", "Réponse\nsur deux lignes"));
	assert_string_equal(answer_text_check("", " "), "answer_required");
	char *over = repeat("x", ANSWER_TEXT_MAX + 1);
	assert_string_equal(answer_text_check(over, "ok"), "answer_too_long");
	free(over);
	assert_string_equal(answer_text_check("ok", "a\u202Eb"), "invalid_answer");
	assert_string_equal(answer_text_check("a\x01", ""), "invalid_answer");
}

static void
test_cites(void **state)
{
	(void)state;
	json_t *c = cite_parse("deliberation", "12");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "id")), 12);
	assert_true(cite_is_valid(c));
	json_decref(c);
	c = cite_parse("report", "R-7K3M-Q9ZD");
	assert_string_equal(json_string_value(json_object_get(c, "ref")), "R-7K3M-Q9ZD");
	assert_true(cite_is_valid(c));
	json_decref(c);
	c = cite_parse("answer", "Q-7K3M-Q9ZD");
	assert_true(cite_is_valid(c));
	json_decref(c);
	assert_null(cite_parse("answer", "R-7K3M-Q9ZD"));
	assert_null(cite_parse("report", "12"));
	assert_null(cite_parse("project", "0"));
	assert_null(cite_parse("project", "-3"));
	assert_null(cite_parse("project", "R-7K3M-Q9ZD"));
	assert_null(cite_parse("budget", "1"));
	assert_null(cite_parse(NULL, "1"));
	assert_null(cite_parse("service", NULL));
	json_t *bad[] = {
		json_pack("{s:s, s:s}", "kind", "project", "id", "12"),
		json_pack("{s:s, s:i}", "kind", "report", "id", 3),
		json_pack("{s:s, s:i, s:s}", "kind", "project", "id", 3, "x", "y"),
		json_pack("{s:s, s:s}", "kind", "note", "ref", "Q-7K3M-Q9ZD"),
		json_string("project"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(cite_is_valid(bad[i]));
		json_decref(bad[i]);
	}
}

/* hook_dialogue on data (consumed) as type from origin. */
static enum status
apply(const char *origin, const char *type, json_t *data)
{
	struct hook_event ev = {
		.origin = origin,
		.type = type,
		.occurred_at = "2026-11-26T07:00:01Z",
		.data = data,
	};
	enum status st = hook_dialogue(&ev);
	json_decref(data);
	return st;
}

static json_t *
asked(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", 7, "ref", "Q-7K3M-Q9ZD",
			 "title", "Horaires ?", "text", "Ouvert samedi ?", "quarter", "centre",
			 "theme", "", "display_name", "Lecteur", "lang", "fr");
}

static json_t *
answered(void)
{
	return json_pack("{s:i, s:s, s:s, s:{s:s}, s:[]}", "id", 3, "question", "Q-7K3M-Q9ZD",
			 "kind", "answer", "text", "fr", "Oui.", "cites");
}

static enum status
asked_with(const char *key, json_t *v)
{
	json_t *d = asked();
	if (v)
		json_object_set_new(d, key, v);
	else
		json_object_del(d, key);
	return apply("citizen", "question.asked", d);
}

static enum status
answered_with(const char *key, json_t *v)
{
	json_t *d = answered();
	if (v)
		json_object_set_new(d, key, v);
	else
		json_object_del(d, key);
	return apply("official", "question.answered", d);
}

static void
test_hooks(void **state)
{
	(void)state;
	/* valid events reach the database (none here) */
	assert_int_equal(apply("citizen", "question.asked", asked()), STATUS_UNAVAILABLE);
	assert_int_equal(apply("official", "question.answered", answered()), STATUS_UNAVAILABLE);
	assert_int_equal(
		apply("official", "question.merged",
		      json_pack("{s:s, s:s}", "question", "Q-7K3M-Q9ZD", "into", "Q-AAAA-BBBB")),
		STATUS_UNAVAILABLE);
	/* types and writers */
	assert_int_equal(apply("citizen", "question.voted", asked()), STATUS_NOT_FOUND);
	assert_int_equal(apply("official", "question.asked", asked()), STATUS_INVALID);
	assert_int_equal(apply("citizen", "question.answered", answered()), STATUS_INVALID);
	/* the residents' questions */
	assert_int_equal(asked_with("id", json_integer(0)), STATUS_INVALID);
	assert_int_equal(asked_with("ref", json_string("R-7K3M-Q9ZD")), STATUS_INVALID);
	/* any well-formed language tag (the peer may offer languages this side does not) */
	assert_int_equal(asked_with("lang", json_string("de/../x")), STATUS_INVALID);
	assert_int_equal(asked_with("lang", json_string("")), STATUS_INVALID);
	assert_int_equal(asked_with("title", NULL), STATUS_INVALID);
	assert_int_equal(asked_with("title", json_stringn("a\0b", 3)), STATUS_INVALID);
	char *big = repeat("x", 10000);
	assert_int_equal(asked_with("text", json_string(big)), STATUS_INVALID);
	free(big);
	assert_int_equal(asked_with("display_name", json_string("<i>x</i>")), STATUS_INVALID);
	assert_int_equal(asked_with("quarter", json_string("atlantide")), STATUS_INVALID);
	/* the commune's answers */
	assert_int_equal(answered_with("kind", json_string("opinion")), STATUS_INVALID);
	assert_int_equal(answered_with("text", json_object()), STATUS_INVALID);
	assert_int_equal(answered_with("text", json_string("Oui")), STATUS_INVALID);
	assert_int_equal(answered_with("points_to", json_string("Q-AAAA-BBBB")), STATUS_INVALID);
	assert_int_equal(
		answered_with("cites", json_pack("[{s:s, s:s}]", "kind", "project", "id", "1")),
		STATUS_INVALID);
	json_t *six = json_array();
	for (int i = 1; i <= ANSWER_CITES_MAX + 1; i++)
		json_array_append_new(six, json_pack("{s:s, s:i}", "kind", "project", "id", i));
	assert_int_equal(answered_with("cites", six), STATUS_INVALID);
	/* a pointer names another question, and may come without text */
	json_t *p = answered();
	json_object_set_new(p, "kind", json_string("pointer"));
	json_object_set_new(p, "text", json_object());
	json_object_set_new(p, "points_to", json_string("Q-7K3M-Q9ZD"));
	assert_int_equal(apply("official", "question.answered", p), STATUS_INVALID);
	p = answered();
	json_object_set_new(p, "kind", json_string("pointer"));
	json_object_set_new(p, "text", json_object());
	json_object_set_new(p, "points_to", json_string("Q-AAAA-BBBB"));
	assert_int_equal(apply("official", "question.answered", p), STATUS_UNAVAILABLE);
	assert_int_equal(
		apply("official", "question.merged",
		      json_pack("{s:s, s:s}", "question", "Q-7K3M-Q9ZD", "into", "Q-7K3M-Q9ZD")),
		STATUS_INVALID);
	assert_int_equal(apply("citizen", "question.hidden",
			       json_pack("{s:i, s:s, s:s, s:s, s:i, s:s}", "id", 7, "ref",
					 "Q-7K3M-Q9ZD", "reason", "", "text_sha256", "00",
					 "moderation_id", 1, "hidden_at", "2026-11-26T07:00:01Z")),
			 STATUS_INVALID);
}

int
main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_question_texts), cmocka_unit_test(test_question_names),
		cmocka_unit_test(test_answer_texts),   cmocka_unit_test(test_cites),
		cmocka_unit_test(test_hooks),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	db_shutdown();
	return failed;
}
