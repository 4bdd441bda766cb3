// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROPOSALS_DB_PROPOSAL_H
#define PROPOSALS_DB_PROPOSAL_H

/*
 * The proposals' SQL (migration 0040). A proposal row is an object of PROPOSAL_COLUMNS: id,
 * origin, origin_id, ref, type, title, body, quarter, lat_e6, lon_e6, photo, author_name, lang,
 * visibility, hidden_reason, text_sha256, stage, supporters, threshold, created_at,
 * support_until, forwarded_at, due_at, session_date, answer, deliberation_url, answered_at,
 * overdue_at, expired_at (times as "2026-11-26T07:00:00.000Z" or null), due_in_s and
 * support_in_s (seconds from now, negative when past, or null). Functions returning json_t *
 * return a new reference or NULL (*st says why when given).
 */
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/* What a new proposal holds (checked). */
struct proposal_new {
	const char *ref, *type, *title, *body, *quarter, *author_name, *lang;
	const long long *lat_e6, *lon_e6; /* both or neither */
	const char *photo;                /* {sha256, width, height} as JSON text, or NULL */
	bool pending;
	long threshold;
};

/* Insert a citizen proposal (origin_id = id), pending or public-to-be (created_at unset until
 * db_proposal_publish); NOT_FOUND when a visible proposal has the same title and text (a form
 * sent twice). */
json_t *db_proposal_create(const char *origin, const struct proposal_new *in, enum status *st);
/* Make it public at at (the proposal.created event's time): created_at, support_until = at +
 * support_days, the "submitted" stage. NOT_FOUND when it was not pending or new. */
json_t *db_proposal_publish(long long id, const char *at, long support_days, enum status *st);
/* The row of ref (any visibility). */
json_t *db_proposal_by_ref(const char *ref, enum status *st);
/* The row of a proposal by its exact title (the demo loaders find theirs so). */
json_t *db_proposal_by_title(const char *title, enum status *st);
/* The local row of a peer's proposal, locked FOR UPDATE (caller's transaction). */
json_t *db_proposal_lock_origin(const char *origin, long long origin_id, enum status *st);
/* The public list, newest first: filters may be NULL; before: 0 or the last id shown.
 * {items, next}. */
json_t *db_proposal_list(const char *type, const char *quarter, const char *stage, long long before,
			 int limit);
/* The newest public proposals with a place, at most limit: [{ref, title, stage, lat_e6,
 * lon_e6}]. */
json_t *db_proposal_pins(const char *type, const char *quarter, const char *stage, int limit);
/* The same pins as a GeoJSON FeatureCollection (malloc'd text), each feature's properties
 * {title, url, status (the stage), label (labels' value for the stage: {stage: label} JSON
 * text)}; NULL when the database failed. */
char *db_proposal_geojson(const char *type, const char *quarter, const char *stage, int limit,
			  const char *labels);
/* The timeline [{stage, at}] of proposal id, in order. */
json_t *db_proposal_timeline(long long id);
/* Append a stage to the timeline at at (idempotent per stage): 0 or -1. */
int db_proposal_timeline_add(long long id, const char *stage, const char *at);

/* Add delta (+1/-1) to the tally of public proposal id, in the caller's transaction (the row
 * stays locked until commit): the row after it, or NULL (NOT_FOUND: not public). */
json_t *db_proposal_count(long long id, int delta, enum status *st);
/* The threshold's stage: supported at at, due at at + answer_days (both sides compute it from
 * the signed time). 1 changed, 0 not in the submitted stage, -1. */
int db_proposal_forward(long long id, const char *at, long answer_days, long supporters);
/* The mirror of the tally (official side): 1, 0 when no such proposal, -1. own: an own
 * proposal's tally re-imported after a restore, which counts as sent. */
int db_proposal_set_supporters(const char *origin, long long origin_id, long supporters, bool own);
/* Expired (submitted past its support time) or overdue (past due without answer) at at:
 * 1 changed, 0 not in that state, -1. */
int db_proposal_expire(long long id, const char *at);
int db_proposal_overdue(long long id, const char *at);
/* The commune's stage next at at, with its session date, answer ({ar, fr} JSON text) and
 * deliberation link (may be NULL): 0 or -1. */
int db_proposal_stage_write(long long id, const char *stage, const char *at,
			    const char *session_date, const char *answer, const char *url);

/* Own proposals whose support time ended in the submitted stage / forwarded proposals past
 * their due date, unanswered and not yet overdue; at most limit, [{id, origin_id, ref, title,
 * supporters, due_at}]. */
json_t *db_proposal_to_expire(int limit);
json_t *db_proposal_to_overdue(int limit);
/* Own public proposals whose tally changed since it was last sent: [{id, origin_id,
 * supporters}] (marked sent in the caller's transaction). */
json_t *db_proposal_tally_take(int limit);

/* Mirror a peer's proposal.created (official side): the new local id, 0 when mirrored already,
 * -1. own: the platform's own proposal written back after a database restore
 * (docs/decisions/0010) under its id (id = origin_id; a pending row of the backup made
 * public), the ids moved past it, its photo kept only when its bytes are still here. */
long long db_proposal_mirror(const char *origin, long long origin_id, const struct proposal_new *in,
			     const char *at, long support_days, bool own);

/* Hide the texts of proposal id with reason (they are blanked; the SHA-256 of what was shown is
 * kept, or sha when given: a re-imported own event's): the row, or NULL (CONFLICT: hidden
 * already). */
json_t *db_proposal_hide(long long id, const char *reason, const char *sha, enum status *st);
/* The mirror's hiding with the origin's hash (1, 0 no visible proposal, -1). */
int db_proposal_mirror_hide(const char *origin, long long origin_id, const char *reason,
			    const char *sha);

/* The collective's queue: {pending: [rows], others: [rows]} (newest first). */
json_t *db_proposal_staff_list(int limit);
/* The commune's queue: forwarded proposals by due date, soonest first (answered last). */
json_t *db_proposal_due_list(int limit);

/* ---- arguments ---- */

/* Insert an own argument (origin_id = id) at now: the row {id, origin_id, proposal_id, side,
 * body, author_name, lang, helpful, visibility, created_at}; NOT_FOUND when the proposal has a
 * visible argument with the same text (a form sent twice). */
json_t *db_argument_create(const char *origin, long long proposal_id, const char *side,
			   const char *body, const char *name, const char *lang, enum status *st);
/* Mirror a peer's argument: 1, 0 already there, -1. own: an own argument written back after a
 * restore under its id (id = origin_id), the ids moved past it. */
int db_argument_mirror(const char *origin, long long origin_id, long long proposal_id,
		       const char *side, const char *body, const char *name, const char *lang,
		       const char *at, bool own);
/* The arguments of proposal id, public first by helpfulness (hidden ones blanked). */
json_t *db_argument_list(long long proposal_id);
/* One argument of this side by its id, with its proposal's ref. */
json_t *db_argument_get(long long id, enum status *st);
/* Add one to its helpful count (caller's transaction): the new count, or -1. */
long long db_argument_helpful(long long id);
/* Hide an argument's texts (CONFLICT: hidden already); the mirror's hiding (1/0/-1). */
json_t *db_argument_hide(long long id, const char *reason, enum status *st);
int db_argument_mirror_hide(const char *origin, long long origin_id, const char *reason,
			    const char *sha);

/* ---- figures ---- */

/* {forwarded, due_passed, answered, answered_in_time, median_days} over every proposal. */
json_t *db_proposal_figures(void);

#endif
