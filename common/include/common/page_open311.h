// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PAGE_OPEN311_H
#define COMMON_PAGE_OPEN311_H

#include "common/router.h"

/*
 * The citizen platform's machine interfaces to its reports: the Open311 GeoReport v2 API in
 * JSON (common/src/page_open311.c: discovery, services, service definitions, filing a request
 * with an API key, requests, one request, tokens, and the status history as an extension) and
 * the Atom and RSS feeds of the newest public reports (common/src/page_feed.c). Both show only
 * public reports and never a reporter's contact. docs/api.md, "Open311" and "Feeds".
 */
struct app;
struct request;

#define OPEN311_MAX_BODY (64u * 1024) /* a filed request: texts only (no photos) */
#define OPEN311_PAGE_MAX 100          /* requests in one GET requests.json answer */
#define FEED_ITEMS 50                 /* reports in a feed */

void open311_discovery(struct request *req);
void open311_services(struct request *req);
void open311_service(struct request *req);
void open311_requests(struct request *req);
void open311_request_create(struct request *req);
void open311_request(struct request *req);
void open311_request_history(struct request *req);
void open311_token(struct request *req);
void open311_unknown(struct request *req);

void page_feed_atom(struct request *req);
void page_feed_rss(struct request *req);

/* `citizen-srv open311 key add NAME | key list | key revoke NAME`: the API keys. */
int open311_cli(struct app *app, int argc, char **argv);

// clang-format off
#define OPEN311_COMMAND \
	{"open311", open311_cli, "open311 key add NAME|list|revoke NAME   Open311 API keys"}

/*
 * Every answer under /open311/v2/ is JSON, errors in the GeoReport shape (ROUTE_OPEN311); the
 * last two rows answer unknown addresses (and .xml) there in that shape too. POST takes a
 * form without CSRF token (a machine client; the API key authenticates it).
 */
#define OPEN311_ROUTES \
	{"GET", "/open311/v2/discovery.json", open311_discovery, \
	 ROUTE_API | ROUTE_OPEN311 | ROUTE_CACHE, 0, "open311_discovery"}, \
	{"GET", "/open311/v2/services.json", open311_services, \
	 ROUTE_API | ROUTE_OPEN311 | ROUTE_CACHE, 0, "open311_services"}, \
	{"GET", "/open311/v2/services/{file}", open311_service, \
	 ROUTE_API | ROUTE_OPEN311 | ROUTE_CACHE, 0, "open311_service"}, \
	{"GET", "/open311/v2/requests.json", open311_requests, \
	 ROUTE_API | ROUTE_OPEN311 | ROUTE_CACHE, 0, "open311_requests"}, \
	{"POST", "/open311/v2/requests.json", open311_request_create, \
	 ROUTE_API | ROUTE_OPEN311 | ROUTE_RAW_BODY, OPEN311_MAX_BODY, "open311_create"}, \
	{"GET", "/open311/v2/requests/{ref}/history.json", open311_request_history, \
	 ROUTE_API | ROUTE_OPEN311 | ROUTE_CACHE, 0, "open311_history"}, \
	{"GET", "/open311/v2/requests/{file}", open311_request, \
	 ROUTE_API | ROUTE_OPEN311 | ROUTE_CACHE, 0, "open311_request"}, \
	{"GET", "/open311/v2/tokens/{file}", open311_token, ROUTE_API | ROUTE_OPEN311 | ROUTE_SECRET, 0, \
	 "open311_token"}, \
	{"GET", "/open311/v2/*", open311_unknown, ROUTE_API | ROUTE_OPEN311, 0, "open311_unknown"}, \
	{"POST", "/open311/v2/*", open311_unknown, ROUTE_API | ROUTE_OPEN311 | ROUTE_RAW_BODY, \
	 OPEN311_MAX_BODY, "open311_unknown_post"}

/* Before REPORT_ROUTES: "/reports/{ref}" would take "feed.atom" for a reference. */
#define FEED_ROUTES \
	{"GET", "/reports/feed.atom", page_feed_atom, ROUTE_CACHE, 0, "reports_atom"}, \
	{"GET", "/reports/feed.rss", page_feed_rss, ROUTE_CACHE, 0, "reports_rss"}
// clang-format on

#endif
