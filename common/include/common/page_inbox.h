// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PAGE_INBOX_H
#define COMMON_PAGE_INBOX_H

#include "common/router.h"
#include "common/status.h"

/*
 * The commune's side of residents' problem reports (docs/decisions/0007-reports.md): the
 * agents' inbox of mirrored reports on the official platform (page_inbox.c) and the commune's
 * statuses, written and signed here and applied on the citizen side (report_federation.c).
 */
struct app;

/* Handlers (official side, staff with "reports.answer"). */
void page_inbox(struct request *req);         /* GET /staff/inbox, JSON twin */
void page_inbox_geojson(struct request *req); /* GET /staff/inbox.geojson */
void page_inbox_report(struct request *req);  /* GET /staff/inbox/{ref}, JSON twin */
void page_inbox_status(struct request *req);  /* POST /staff/inbox/{ref}/status */

// clang-format off
#define INBOX_ROUTES \
	{"GET", "/staff/inbox", page_inbox, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "inbox"}, \
	{"GET", "/staff/inbox.geojson", page_inbox_geojson, ROUTE_STAFF, 0, "inbox_geojson"}, \
	{"GET", "/staff/inbox/{ref}", page_inbox_report, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, \
	 "inbox_report"}, \
	{"POST", "/staff/inbox/{ref}/status", page_inbox_status, ROUTE_STAFF, 16 * 1024, \
	 "inbox_status"}
// clang-format on

/*
 * Lets the report.* hooks check a mirrored report's category against app's configuration
 * (official-srv calls it at start; without it only the code's shape is checked).
 */
void report_federation_init(const struct app *app);

/*
 * NULL when a commune status is acceptable for the report ref, else the stable error code:
 * "unknown_status" (not a settable status), "message_too_long" / "invalid_message" (more than
 * REPORT_MESSAGE_MAX characters, control characters), "body_required" (out_of_scope without the
 * body it goes to), "body_too_long", "duplicate_required" (duplicate without duplicate_of),
 * "duplicate_unknown" (not a reference, or ref itself). Strings may not be NULL but
 * duplicate_of.
 */
const char *report_status_check(const char *status, const char *message, const char *body,
				const char *duplicate_of, const char *ref);

/*
 * Official side: set the commune's status of report ref in a transaction of its own — the
 * row, its timeline entry and the signed report.status event, at the event's time. body is
 * kept for out_of_scope only, duplicate_of for duplicate only (it must name a report here).
 * Returns STATUS_OK (*code NULL), STATUS_INVALID with a code of report_status_check() or
 * "duplicate_unknown", STATUS_NOT_FOUND ("report_not_found"), STATUS_CONFLICT
 * ("status_unchanged": the same status, message, body and duplicate as now), or
 * STATUS_UNAVAILABLE ("database_unavailable").
 */
enum status report_set_status(const char *ref, const char *status, const char *message,
			      const char *body, const char *duplicate_of, const char **code);

/*
 * Demo loader (official side): demo/official/report_answers.json, the commune's answers to the
 * demo reports once they are mirrored here: [{"title": "<the report's title>", "steps":
 * [{"status": "...", "message": "...", "body"?: "...", "duplicate_of_title"?: "..."}]}].
 * Idempotent: steps already given (official timeline entries after the receipt) are skipped;
 * reports not mirrored yet are counted as waiting. Returns 0, or -1 (printed).
 */
int report_answers_demo_load(struct app *app, const char *dir);

#endif
