// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROPOSALS_INTERNAL_H
#define PROPOSALS_INTERNAL_H

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/secret.h"
#include "common/status.h"
#include "proposals/proposals.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * Between the proposals module's files. Pure logic: proposal.c (types, stages, countdown,
 * checks of residents' texts). Views: proposal_view.c. Events: proposal_events.c (emitting,
 * erasing) and proposal_federation.c (the appliers). Pages: page_proposal_public.c (list, map,
 * item), page_proposal_write.c (submitting), page_proposal_support.c (supports, follows,
 * arguments), page_proposal_staff.c (the collective's moderation), page_proposal_official.c
 * (the commune's queue and stages). Jobs: proposal_jobs.c. Figures: proposal_stats.c. Demo:
 * proposal_demo.c. SQL: db_proposal*.c.
 */
#define PROPOSAL_TITLE_MAX 120
#define PROPOSAL_BODY_MAX 5000
#define PROPOSAL_NAME_MAX 60
#define PROPOSAL_ARGUMENT_MAX 1000
#define PROPOSAL_ANSWER_MAX 5000
#define PROPOSAL_URL_MAX 300
#define PROPOSAL_REASON_MAX 500
#define PROPOSAL_REF_LETTER 'P'
#define PROPOSAL_MAX_BODY (10u * 1024 * 1024) /* the form: one photo of 8 MiB and the texts */
#define PROPOSAL_PAGE 20
#define MICRODEGREES 1000000LL

/* A message of the reader's language (catalog string). */
static inline const char *
p_t(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* ---- pure logic (proposal.c) ---- */

/* Load config/proposal_types.json ([{code, name: {ar, fr, en}}]); 0 or -1 (logged). */
int proposal_types_load(struct app *app);
void proposal_types_free(struct app *app);
/* True when code is a configured type. */
bool proposal_type_is_valid(const struct app *app, const char *code);
/* A type's name in the reader's language (its code when unknown). */
const char *proposal_type_label(struct request *req, const char *code);
json_t *proposal_type_options(struct request *req, const char *selected);
/* The commune's quarters (site.h) and their labels. */
bool proposal_quarter_is_valid(const char *q);
const char *proposal_quarter_label(struct request *req, const char *q);
json_t *proposal_quarter_options(struct request *req, const char *selected);

/* The stages a proposal is in, in order: submitted supported examined agenda adopted refused
 * expired; "overdue" is a stage of the timeline, not a state. */
extern const char *const proposal_stages[];
bool proposal_stage_is_valid(const char *stage);
json_t *proposal_stage_options(struct request *req, const char *selected);
const char *proposal_stage_label(struct request *req, const char *stage);
/* True for the stages the commune sets (examined, agenda, adopted, refused). */
bool proposal_stage_is_commune(const char *stage);
/* True once the commune answered (adopted, refused). */
bool proposal_stage_is_answered(const char *stage);
/*
 * NULL when the commune may move a proposal from stage current to next, else the stable code:
 * "unknown_stage" (next is not a commune stage), "not_forwarded" (current is submitted or
 * expired), "already_answered" (current is adopted or refused), "stage_backwards" (next comes
 * before current, or is current).
 */
const char *proposal_stage_check(const char *current, const char *next);

/*
 * The countdown to a due time, from the seconds left (negative: past): days left rounded up,
 * or days overdue rounded up (at least 1 once past).
 */
struct countdown {
	bool overdue;
	long days;
};
struct countdown proposal_countdown(long long seconds_left);

/*
 * A display name's checks: NULL when fine, else "name_required", "display_name_too_long",
 * "invalid_display_name" (control or bidirectional-override characters, markup),
 * "display_name_personal" (looks like an e-mail address or a phone number).
 */
const char *proposal_name_check(const char *name);
/* A resident's text (multiline or not) of at most max characters: NULL, or "empty_text",
 * "text_too_long", "invalid_text" (control or bidirectional-override characters). */
const char *proposal_text_check(const char *s, size_t max, bool multiline);
/* An absolute http(s) URL without spaces, at most PROPOSAL_URL_MAX bytes, or a local path. */
bool proposal_url_is_valid(const char *s);

/* ---- pages ---- */

/* The proposal of the route's {ref}, not pending; or replied 404/503 and NULL. */
json_t *proposal_for_page(struct request *req);
/* The same, any visibility, for an account granted grant (else replied 403). */
json_t *proposal_for_staff(struct request *req, const char *grant);
/* The argument of the route's {id} with its proposal's ref; or replied 404/503 and NULL. */
json_t *proposal_argument_for_page(struct request *req);
/* The resident's buttons on a proposal's page (citizen side): support or withdraw, verify,
 * follow, argue. */
void proposal_add_actions(struct request *req, json_t *v, json_t *row);
void page_proposal_list(struct request *req);
void page_proposal_map(struct request *req);
void page_proposal_geojson(struct request *req);
void page_proposal_item(struct request *req);
void page_proposal_new(struct request *req);
void page_proposal_create(struct request *req);
void page_proposal_support(struct request *req);
void page_proposal_withdraw(struct request *req);
void page_proposal_follow(struct request *req);
void page_proposal_argue(struct request *req);
void page_proposal_helpful(struct request *req);
void page_staff_proposals(struct request *req);
void page_staff_proposal_approve(struct request *req);
void page_staff_proposal_hide(struct request *req);
void page_staff_argument_hide(struct request *req);
void page_staff_proposals_due(struct request *req);
void page_staff_proposal_answer(struct request *req);
void page_staff_proposal_stage(struct request *req);

/* The accountability section (proposal_stats.c). */
extern const struct accountability_section proposal_section;
/* The demo loaders (proposal_demo.c). */
int proposal_demo_load(struct app *app, const char *dir);
int proposal_answers_demo_load(struct app *app, const char *dir);

/* Its facts (module_side.facts), in its db file. */
int proposal_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif

/* ---- events (proposal_events.c) ---- */

/*
 * Emit type about proposal row r (its origin id names it) in the caller's transaction, with
 * what a resident wrote or showed committed, not carried (docs/decisions/0008). data stolen.
 * Returns outbox_emit's result.
 */
int proposal_emit(const char *type, json_t *r, json_t *data, char when[OUTBOX_TIME_SIZE]);
/* The same for an argument row a of the proposal of origin id poid. */
int proposal_argument_emit(const char *type, json_t *a, long long poid, json_t *data);
/* Take down the committed content of every event about proposal (or argument) origin_id. */
int proposal_erase(const char *type, long long origin_id, const char *reason);
/*
 * Make the pending or new row public in the caller's transaction: proposal.created, then its
 * times. The updated row, or NULL with *st (TOO_MANY: the ceiling, NOT_FOUND, UNAVAILABLE).
 */
json_t *proposal_publish(json_t *row, enum status *st);
/*
 * After a support counted on locked row r (caller's transaction): when the tally reached the
 * threshold in the submitted stage within the support time, emit proposal.forwarded and move
 * the row to "supported" (exactly once: the row is locked and the UPDATE checks the stage).
 * 0, or outbox_emit's negative result / -1.
 */
int proposal_maybe_forward(json_t *r);
/*
 * Official side: the commune's stage of locked row r in the caller's transaction (checked by
 * the caller): proposal.stage, then the row. session_date "YYYY-MM-DD", answer {ar, fr} and
 * url may be NULL. STATUS_OK, TOO_MANY or UNAVAILABLE.
 */
enum status proposal_stage_emit(json_t *r, const char *stage, const char *session_date,
				json_t *answer, const char *url);

/* ---- followers (proposal_follow.c) ---- */

/* Tell the followers of proposal row r that its stage changed (caller's transaction; citizen
 * side): the message key proposal_notify_<stage>. 0 or -1. */
int proposal_notify_stage(json_t *r, const char *stage);

/* ---- appliers and jobs ---- */

enum status hook_proposal(const struct hook_event *ev);
/* The restorer of the platform's own proposal.* events re-imported after a database restore
 * (docs/decisions/0010): the same checks, the own rows written back under their ids. */
enum status restore_proposal(const struct hook_event *ev);
/* The citizen side's jobs: the tally sent to the commune, expiry, overdue. */
int proposal_tally_run(struct app *app);
int proposal_deadlines_run(struct app *app);

/* ---- views (proposal_view.c) ---- */

/* The public view of a row: labels, countdown, place, photo, answer; never anything private. */
json_t *proposal_view(struct request *req, json_t *row);
/* The page's view: {proposal, timeline, arguments_for, arguments_against, map}. */
json_t *proposal_item_view(struct request *req, json_t *row);
/* An argument's public view. */
json_t *proposal_argument_view(struct request *req, json_t *a);
