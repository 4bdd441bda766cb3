// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_INTERNAL_H
#define REPORTS_INTERNAL_H

#include "common/secret.h"
#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/router.h"
#include "common/template.h"
#include "reports/report.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

/*
 * Between the reports module's own files (docs/decisions/0007-reports.md). The citizen
 * platform's pages, by audience: page_report_file.c (the form, the nearby check, filing:
 * report_submit), page_report_public.c (list, map, GeoJSON, report page, supports),
 * page_report_track.c (the reporter's tracking page and assessment), page_report_staff.c (the
 * collective's moderation); what they share: report_view.c (views, private headers) and
 * report_events.c (the citizen's events about its reports). Both platforms: report_status.c
 * (the commune's statuses), report_federation.c (the report.* appliers), report_demo.c (the
 * demo loaders), report_retention.c (the contact retention job). SQL: db_report*.c.
 */
#define REPORT_MAX_BODY (26u * 1024 * 1024) /* the form: 3 photos of 8 MiB and the texts */
#define REPORT_NEARBY_MAX 10                /* open reports shown before filing */
#define MICRODEGREES 1000000LL

/* A message of the reader's language (catalog string). */
static inline const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* ---- views (report_view.c) ---- */

/* Degrees with 6 decimals from microdegrees ("-0.500000"), in the request's arena. */
const char *report_degrees(struct request *req, long long e6);
/*
 * The public view of a report row (db_report.h's shape; borrowed): reference, category and
 * quarter with their labels, texts (blank when hidden, with the reason and hash), place and
 * pin, photos with their URLs, both statuses (the commune's and the reporter's assessment)
 * with labels, supporters, dates, url. Never the contact or the tracking token. New reference.
 */
json_t *report_view(struct request *req, json_t *row);
/* The same for a list: table is report_label_table() with "assessment" added ({code: label}),
 * whose labels the views share; NULL looks each label up (one report). */
json_t *report_view_labelled(struct request *req, json_t *table, json_t *row);
/* A result's first rows (at most limit) as rows a template reads under name (template.h):
 * the fields of report_view_labelled, read from res as the page renders them, never built as
 * objects (a list page's rows); with actions, the moderators' approve_action and hide_action
 * too. res and table must outlive the render; the rest lives in the request's arena. */
void report_rows(struct request *req, json_t *table, PGresult *res, int limit, const char *name,
		 bool actions, struct template_rows *rows);
/* report_label_table() with the public assessment labels (report_view_labelled's table). */
json_t *report_view_table(struct request *req);
/* The report's page view, shared by the public page and the tracking page: {report, timeline,
 * map (when it has a pin)}. New reference. */
json_t *report_item_view(struct request *req, json_t *row);

/* ---- the citizen's events (report_events.c) ---- */

/*
 * Emit the event type (data stolen, as outbox_emit does) about report row r, in the caller's
 * transaction: every report event names the report by its origin id on the citizen platform.
 * when receives the signed time (may be NULL). Returns outbox_emit's result.
 */
int report_emit(const char *type, json_t *r, json_t *data, char when[OUTBOX_TIME_SIZE]);
/*
 * In the caller's transaction, take down everything the hidden report of origin_id (its id at
 * the citizen platform) still shows, on this side: its point, photos and assessment comment
 * (db_report_erase_media), and the committed content of every event about it, withheld with
 * reason. Returns 0 or -1.
 */
int report_erase(long long origin_id, const char *reason);
/* The photos as events and rows carry them, [{sha256, width, height}] (new reference), from
 * photo_store() results or stored rows (borrowed). */
json_t *report_photo_refs(json_t *photos);
/*
 * Make the pending (from_pending) or new row public in the caller's transaction: the
 * report.created event, then the row's times and its timeline entry at the event's time.
 * Returns the updated row (new reference), or NULL with *st (NOT_FOUND: not pending,
 * TOO_MANY: the ceiling of report.created is reached this minute, UNAVAILABLE).
 */
json_t *report_publish(json_t *row, bool from_pending, enum status *st);

/* ---- the commune's statuses (report_status.c) ---- */

/*
 * Emit and write one status of the locked row r (db_report_lock's shape) in the caller's
 * transaction (official side): the event first, so that the row holds the signed event's time.
 * Returns STATUS_OK or STATUS_UNAVAILABLE.
 */
enum status report_status_emit(json_t *r, const char *status, const char *message, const char *body,
			       const char *duplicate_of, bool reopened);

/* ---- handlers (page_report_*.c) ---- */

void page_report_new(struct request *req);
void page_report_create(struct request *req);
void page_report_nearby(struct request *req);
void page_report_list(struct request *req);
void page_report_map(struct request *req);
void page_report_geojson(struct request *req);
void page_report_item(struct request *req);
void page_report_support(struct request *req);
void page_report_follow(struct request *req);
void page_report_track(struct request *req);
void page_report_assess(struct request *req);
void page_staff_reports(struct request *req);
void page_staff_report_approve(struct request *req);
void page_staff_report_hide(struct request *req);

/* ---- both platforms ---- */

/* The report.* appliers (report_federation.c), and the restorer of the platform's own ones
 * re-imported after a database restore (docs/decisions/0010): the citizen's reports, supports,
 * assessments and hidings, the commune's statuses (STATUS_CONFLICT while the mirror does not
 * hold the report yet). */
enum status hook_report(const struct hook_event *ev);
enum status restore_report(const struct hook_event *ev);
/* Erase reporters' contacts after the retention period (report_retention.c). */
int report_retention_run(struct app *app);
/* demo/citizen/reports.json: residents' reports, filed like the form does (citizen side);
 * demo/official/report_answers.json: the commune's answers to the demo reports once they are
 * mirrored (official side). report_demo.c; see common/include/common/demo.h. */
int report_demo_load(struct app *app, const char *dir);
int report_answers_demo_load(struct app *app, const char *dir);

/* Its facts (module_side.facts), in its db file. */
int report_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
