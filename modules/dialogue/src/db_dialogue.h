// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef DIALOGUE_DB_DIALOGUE_H
#define DIALOGUE_DB_DIALOGUE_H

/*
 * The dialogue's SQL (tables questions and question_answers, migration 0045), the same on both
 * platforms. A question row: {id, origin, origin_id, ref, title, text, quarter, theme,
 * display_name, lang, visibility, hidden_reason, text_sha256, state, merged_into, asked_at,
 * answered_at, age_days, answer_days} (times RFC 3339 UTC; age_days since it was asked;
 * answer_days from asking to the answer, or null), with "answer" (an answer row, or null) where
 * said. An answer row: {id, origin, origin_id, question_ref, kind, body, points_to, cites,
 * answered_at}.
 */
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

struct question_input;

/* A new own question, pending (its question.asked comes with db_question_publish). */
json_t *db_question_create(const char *ref, const struct question_input *in, enum status *st);
/* Make pending question id public, asked at `at` (the signed time). STATUS_CONFLICT when it is
 * not pending. */
json_t *db_question_publish(long long id, const char *at, enum status *st);
/* The question with this reference and its answer. */
json_t *db_question_by_ref(const char *ref, bool for_update, enum status *st);
/* Mirror the peer's question (idempotent: STATUS_CONFLICT when that origin_id is there). own:
 * the platform's own question written back after a database restore (docs/decisions/0010)
 * under its id (id = origin_id; one the backup holds pending is made public), the ids moved
 * past it; STATUS_CONFLICT when it is public already. */
enum status db_question_mirror(const char *origin, long long origin_id, const char *ref,
			       const struct question_input *in, const char *asked_at, bool own);
/* Hide question ref: texts blanked, their SHA-256 kept (sha256: the origin's, or NULL to
 * compute it here, written to computed). STATUS_CONFLICT: hidden already. */
json_t *db_question_hide(const char *ref, const char *reason, const char *sha256, char computed[65],
			 enum status *st);

/* Public list filter; NULL members do not filter. */
struct question_filter {
	const char *state; /* "open", "answered" (answers and pointers) */
	const char *quarter;
	const char *theme;
};
/* Public questions newest first, before before_id (0: from the newest), with their answers:
 * {items, next}. NULL on failure. */
json_t *db_question_list(const struct question_filter *f, long long before_id, int limit);
/* The agents' queue: open public questions, oldest first, after the question after_id (0: from
 * the oldest), at most limit: an array of rows. NULL on failure. */
json_t *db_question_queue(long long after_id, int limit);
/* How many questions the agents' queue holds (a JSON integer), NULL on failure. */
json_t *db_question_queue_count(void);
/* The moderators' list: own questions, pending first, then newest: {items, next}. */
json_t *db_question_staff_list(long long before_id, int limit);

/* Store an answer (origin_id: the origin's id of it) to open public question qref and
 * mark the question answered at `at`, in one statement. STATUS_NOT_FOUND: no such question,
 * STATUS_CONFLICT: not open (answered, merged) or not public. */
json_t *db_answer_create(const char *origin, long long origin_id, const char *qref,
			 const char *kind, json_t *body, const char *points_to, json_t *cites,
			 const char *at, enum status *st);
/* A fresh id for an own answer (its origin_id), or -1. */
long long db_answer_next_id(void);
/* After own answers were written back from re-imported events (a restore): move the answers'
 * ids past every own origin_id, so that db_answer_next_id gives none the peer holds: 0 / -1. */
int db_answer_ids_restored(void);
/* Whether the answer (origin, origin_id) is stored: 1, 0, or -1 (failed). */
int db_answer_exists(const char *origin, long long origin_id);
/* The answer to question qref. */
json_t *db_answer_by_ref(const char *qref, enum status *st);
/* Merge open public question ref into into at `at`. STATUS_CONFLICT when ref is not open. */
enum status db_question_merge(const char *ref, const char *into, const char *at);
/* The references of the questions merged into ref: a new array, NULL on failure. */
json_t *db_question_merged_into(const char *ref);
/* The figures: {asked, answered, answered_within, median_days, unanswered, oldest_days}. */
json_t *db_dialogue_stats(int within_days);
/* The reference of the own question with this title, "" when none; NULL on failure (demo). */
char *db_question_ref_by_title(const char *title);
/* What a demo answer cites by title (a report's, or a publication's French title or number):
 * the reference or id as text, "" when none; NULL on failure. */
char *db_dialogue_demo_cite(const char *kind, const char *title);

#endif
