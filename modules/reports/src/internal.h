// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_INTERNAL_H
#define REPORTS_INTERNAL_H

#include "common/module.h"
#include "common/router.h"

#include <jansson.h>

/*
 * Between the reports module's own files. Residents' problem reports on the citizen platform
 * (page_report.c): the form
 * (with the nearby check before filing), the list, the map and its GeoJSON, the report page,
 * supports, the reporter's private tracking page and assessment, the collective's moderation
 * and the demo loader. docs/decisions/0007-reports.md; report_submit() is declared in report.h.
 */
struct request;
struct app;

#define REPORT_MAX_BODY (26u * 1024 * 1024) /* the form: 3 photos of 8 MiB and the texts */
#define REPORT_GEOJSON_CAP 500              /* features in one /reports.geojson answer */

/*
 * The public view of a report row (db_report.h's shape; borrowed): reference, category and
 * quarter with their labels, texts (blank when hidden, with the reason and hash), place and
 * pin, photos with their URLs, both statuses (the commune's and the reporter's assessment)
 * with labels, supporters, dates, url. Never the contact or the tracking token. New reference.
 */
json_t *report_view(struct request *req, json_t *row);

void page_report_new(struct request *req);
void page_report_create(struct request *req);
void page_report_list(struct request *req);
void page_report_map(struct request *req);
void page_report_geojson(struct request *req);
void page_report_nearby(struct request *req);
void page_report_item(struct request *req);
void page_report_support(struct request *req);
void page_report_track(struct request *req);
void page_report_assess(struct request *req);
void page_staff_reports(struct request *req);
void page_staff_report_approve(struct request *req);
void page_staff_report_hide(struct request *req);

/* demo/<side>/reports.json (citizen side only); see common/include/common/demo.h. */
int report_demo_load(struct app *app, const char *dir);

/* The report.* appliers (report_federation.c). */
enum status hook_report(const struct hook_event *ev);
/* Erase reporters' contacts after the retention period (report_retention.c). */
int report_retention_run(struct app *app);
/* demo/official/report_answers.json: the commune's answers to the demo reports once they are
 * mirrored (official side; report_federation.c). */
int report_answers_demo_load(struct app *app, const char *dir);

#endif
