// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_DB_REPORT_FEDERATION_H
#define REPORTS_DB_REPORT_FEDERATION_H

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * The SQL of the report.* appliers and of the commune's statuses, on both platforms
 * (db_report_federation.c): mirroring the peer's reports and changes, locking a report to write
 * its status, and the rows of the official demo. Times are the signed events' occurred_at
 * (RFC 3339 UTC) as the events carry them.
 */

/* The local id of the report (origin, origin_id), 0 when there is none, -1 on failure. */
long long db_report_local_id(const char *origin, long long origin_id);
/*
 * Mirror a new report from the report.created data (checked by the caller) at time at. Returns
 * the new local id, 0 when (origin, origin_id) is here already, -1 on failure.
 */
long long db_report_mirror(const char *origin, long long origin_id, json_t *data, const char *at);
/*
 * Write an own report back after a database restore (docs/decisions/0010) from its
 * report.created data (checked by the caller; its photos those whose bytes are here): public,
 * id = origin_id as when it was filed, the ids moving past it. It has no private row: neither
 * the contact nor the tracking token travel in an event. Returns the id, 0 when it is here
 * already, -1 on failure.
 */
long long db_report_restore(const char *origin, long long origin_id, json_t *data, json_t *photos,
			    const char *at);
/* 1 when report id's timeline has an entry of side and kind with status at time at, 0 when
 * not, -1 on failure (a restore retried writes no entry twice). */
int db_report_timeline_has(long long id, const char *side, const char *kind, const char *status,
			   const char *at);
/* 1 when ref belongs to another report than (origin, origin_id), 0 when not, -1 on failure. */
int db_report_ref_taken(const char *ref, const char *origin, long long origin_id);
/* 1 when a report with this ref exists here, 0 when not, -1 on failure. */
int db_report_ref_exists(const char *ref);

/*
 * The mirrored report (origin, origin_id) changed at time at: its supporters count, the
 * reporter's assessment, its texts hidden (blanked, with the reason and their hash; only a
 * report not hidden yet). 1 when the row was changed, 0 when there is none, -1 on failure.
 */
int db_report_mirror_supporters(const char *origin, long long origin_id, long long supporters,
				const char *at);
int db_report_mirror_assessment(const char *origin, long long origin_id, const char *assessment,
				const char *comment, const char *at);
int db_report_mirror_hide(const char *origin, long long origin_id, const char *reason,
			  const char *text_sha256, const char *at);

/*
 * The report a status is written to (by local id when id > 0, by ref when not NULL), locked
 * for update: {id, origin_id, ref, status, status_message, status_body, duplicate_of,
 * assessment} (new reference), or NULL with *st NOT_FOUND or UNAVAILABLE.
 */
json_t *db_report_lock(long long id, const char *ref, enum status *st);
/*
 * Write a commune status to report id at time at, with the time rules of the decision:
 * received_at is the first "received"; first_answer_at the first status after receipt that is
 * not a bare "received"; resolved_at the first "resolved"; a reopening counts a dispute; the
 * reporter's contact's retention starts when the status closes the report; and the official
 * timeline row. The same statements run on the origin and on the mirror. Returns 0 or -1.
 */
int db_report_status_write(long long id, const char *status, const char *message, const char *body,
			   const char *duplicate_of, bool reopened, const char *at);

/*
 * The official demo: the mirrored report of the citizen platform whose title is title, once
 * received: {ref, answered} where answered counts the commune's statuses after its receipt
 * (new reference); NULL when it is not here (yet), or on failure (*failed).
 */
json_t *db_report_demo_answers(const char *title, bool *failed);

#endif
