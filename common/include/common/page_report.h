// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PAGE_REPORT_H
#define COMMON_PAGE_REPORT_H

#include "common/router.h"

#include <jansson.h>

/*
 * Residents' problem reports on the citizen platform (common/src/page_report.c): the form
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

/*
 * Citizen side. Literal paths come before "/reports/{ref}" (the router takes the first match),
 * and "/reports/nearby" is a twin route so that "/reports/nearby.json" does not reach {ref}.
 */
// clang-format off
#define REPORT_ROUTES \
	{"GET", "/reports", page_report_list, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "reports"}, \
	{"POST", "/reports", page_report_create, 0, REPORT_MAX_BODY, "report_create"}, \
	{"GET", "/reports/new", page_report_new, 0, 0, "report_new"}, \
	{"GET", "/reports/map", page_report_map, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "reports_map"}, \
	{"GET", "/reports/nearby", page_report_nearby, ROUTE_JSON_TWIN | ROUTE_API, 0, \
	 "reports_nearby"}, \
	{"GET", "/reports.geojson", page_report_geojson, ROUTE_CACHE, 0, "reports_geojson"}, \
	{"GET", "/reports/track/{token}", page_report_track, ROUTE_SECRET, 0, "report_track"}, \
	{"POST", "/reports/track/{token}/assess", page_report_assess, ROUTE_SECRET, 0, \
	 "report_assess"}, \
	{"GET", "/reports/{ref}", page_report_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "report"}, \
	{"POST", "/reports/{ref}/support", page_report_support, 0, 0, "report_support"}

#define REPORT_STAFF_ROUTES \
	{"GET", "/staff/reports", page_staff_reports, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, \
	 "staff_reports"}, \
	{"POST", "/staff/reports/{ref}/approve", page_staff_report_approve, ROUTE_STAFF, 0, \
	 "staff_report_approve"}, \
	{"POST", "/staff/reports/{ref}/hide", page_staff_report_hide, ROUTE_STAFF, 0, \
	 "staff_report_hide"}
// clang-format on

#endif
