// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef DIALOGUE_INTERNAL_H
#define DIALOGUE_INTERNAL_H

/* Between the dialogue module's own files, and its unit tests. */
#include "common/module.h"
#include "common/status.h"
#include "dialogue/dialogue.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct request;
struct app;

/* Who writes what (DESIGN.md §2): residents' questions, the commune's answers. */
#define QUESTION_OWNER "citizen"
#define ANSWER_OWNER "official"

#define QUESTION_TITLE_MAX 150  /* characters, once trimmed */
#define QUESTION_TEXT_MAX 2000  /* characters, once trimmed */
#define QUESTION_NAME_MAX 40    /* the asker's display name */
#define ANSWER_TEXT_MAX 4000    /* per language */
#define ANSWER_CITES_MAX 5      /* what one answer may cite */
#define ANSWERED_WITHIN_DAYS 15 /* the accountability figure's bound */

/* settings (dialogue_module.c) */
struct dialogue_settings {
	bool premoderate; /* questions wait for a moderator before they are public */
};
extern struct dialogue_settings dialogue_settings;

/* ---- question.c: pure logic (checks of what residents, agents and the peer send) ---- */

/* The themes a question may have (codes; labels t["dialogue_theme_<code>"]), NULL-ended. */
extern const char *const dialogue_themes[];
bool dialogue_theme_is_valid(const char *s);
bool dialogue_quarter_is_valid(const char *s);
/*
 * Check a question as the form sends it (cleaned texts, "" when absent): NULL when it fits,
 * else the error code (question_title_required, question_title_too_long,
 * invalid_question_title, question_required,
 * question_too_long, invalid_question, display_name_too_long, invalid_display_name,
 * display_name_personal, invalid_quarter, invalid_theme) and *field the form field.
 */
const char *question_check(const char *title, const char *text, const char *name,
			   const char *quarter, const char *theme, const char **field);
/*
 * Check an answer's texts (ar, fr: cleaned, "" when absent): at least one, each at most
 * ANSWER_TEXT_MAX characters without control characters. NULL, or answer_required,
 * answer_too_long, invalid_answer.
 */
const char *answer_text_check(const char *ar, const char *fr);
/* The kinds of items an answer cites (NULL-ended; labels t["dialogue_cite_<kind>"]). */
extern const char *const dialogue_cite_kinds[];
bool is_cite_kind(const char *kind);
/* A citation's shape, {kind, id} (publications: a positive integer, the official id) or {kind,
 * ref} (report: R-..., answer: Q-...); new reference, or NULL when it does not fit. */
json_t *cite_parse(const char *kind, const char *value);
/* True when c is a citation of that shape (the peer's events). */
bool cite_is_valid(json_t *c);
/* A JSON string without NUL bytes, or NULL. */
const char *plain_string(json_t *v);

/* ---- dialogue_write.c: the write paths (rows and signed events in one transaction) ---- */

/* The question as a resident gives it (already checked by question_check); follow_to (NULL:
 * none) is the verified contact of an asker who asked to be told of the answer (channel
 * follow_channel, "email" or "sms"), followed through notify, never stored with the question. */
struct question_input {
	const char *title, *text, *name, *quarter, *theme, *lang;
	const char *follow_channel, *follow_to;
};
/*
 * Store a resident's question: public at once with its question.asked, or pending (pre-
 * moderation). Returns the row ({id, ref, visibility...}), or NULL with *st
 * (STATUS_TOO_MANY: the ceiling of question.asked; STATUS_UNAVAILABLE).
 */
json_t *question_submit(const struct question_input *in, enum status *st);
/* A moderator approves a pending question: public, with its question.asked. */
json_t *question_approve(const char *ref, enum status *st);
/* A moderator hides a question with a public reason: texts erased on both platforms, the
 * action in the public moderation log. Returns the log entry; NULL with *st (NOT_FOUND,
 * CONFLICT: hidden already, UNAVAILABLE). */
json_t *question_hide(const char *ref, const char *reason, enum status *st);
/*
 * The commune answers question ref (kind "answer" with texts {ar, fr} and cites, or
 * "pointer" to the answer of question points_to) with its signed question.answered. NULL
 * with *st and *code: question_not_found, question_not_open (answered or merged already),
 * invalid_cite (an item cited does not exist), answer_not_found (points_to has no answer),
 * busy / unavailable.
 */
json_t *answer_give(const char *ref, const char *kind, json_t *texts, json_t *cites,
		    const char *points_to, enum status *st, const char **code);
/* The commune merges question ref into the earlier question into (question.merged). */
json_t *question_merge(const char *ref, const char *into, enum status *st, const char **code);
/* Resolve citations for storing: publications get their local id and title (as they are
 * now), reports and answers are checked to exist. NULL with *code invalid_cite when one does
 * not exist here, or database_unavailable. New reference. */
json_t *cites_resolve(json_t *cites, bool must_exist, const char **code);

/* ---- dialogue_hooks.c: the peer's events ---- */
enum status hook_dialogue(const struct hook_event *ev);
/* The restorer of the platform's own question.* events re-imported after a database restore
 * (docs/decisions/0010): the same checks, the own rows written back under their ids. */
enum status restore_dialogue(const struct hook_event *ev);

/* ---- dialogue_view.c: what both platforms show ---- */
json_t *question_view(struct request *req, json_t *q);
/* The views of the rows list.items (a db_question_* list): a new array. */
json_t *questions_view(struct request *req, json_t *list);
/* The {ref} of the route when it is a question reference; otherwise replied 404
 * question_not_found and NULL. */
const char *dialogue_ref_param(struct request *req);
/* The view of the answer a of a question (with its cites' links). */
json_t *answer_view(struct request *req, json_t *a);
const char *dialogue_t(struct request *req, const char *key);
/* Labels of a theme and a quarter code (for page_options). */
const char *dialogue_theme_label(struct request *req, const char *code);
const char *dialogue_quarter_label(struct request *req, const char *code);

/* ---- page_dialogue.c: public pages (both platforms) ---- */
void page_dialogue_list(struct request *req);
void page_dialogue_item(struct request *req);
/* ---- page_dialogue_ask.c: residents (citizen platform) ---- */
void page_dialogue_ask(struct request *req);
void page_dialogue_ask_post(struct request *req);
/* ---- page_dialogue_moderate.c: the collective's moderators ---- */
void page_staff_dialogue_moderate(struct request *req);
void page_staff_dialogue_approve(struct request *req);
void page_staff_dialogue_hide(struct request *req);
/* ---- page_dialogue_answer.c: the commune's agents ---- */
void page_staff_dialogue_queue(struct request *req);
void page_staff_dialogue_question(struct request *req);
void page_staff_dialogue_answer(struct request *req);
void page_staff_dialogue_merge(struct request *req);
void page_staff_dialogue_point(struct request *req);

/* ---- dialogue_stats.c: the accountability section ---- */
int dialogue_stats_fill(struct request *req, json_t *view);

/* ---- dialogue_demo.c ---- */
int dialogue_demo_load(struct app *app, const char *dir);
int dialogue_answers_demo_load(struct app *app, const char *dir);

/* Its facts (module_side.facts), in its db file. */
int dialogue_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
