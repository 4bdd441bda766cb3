// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Open311 module: on the citizen platform (which owns reports), the GeoReport v2 routes,
 * their error shape and the API keys command.
 */
#include "open311/open311.h"

#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/module.h"

#include <jansson.h>

void
open311_error(struct request *req, unsigned http_status, const char *code, const char *message)
{
	http_json(req, http_status,
		  json_pack("[{s:i, s:s, s:s}]", "code", (int)http_status, "description", message,
			    "error_code", code));
}

/*
 * Every answer under /open311/v2/ is JSON, errors in the GeoReport shape (open311_error); the
 * last two rows answer unknown addresses (and .xml) there in that shape too. POST takes a form
 * without CSRF token (a machine client; the API key authenticates it).
 */
#define API ROUTE_API
#define E open311_error
// clang-format off
static const struct route open311_routes[] = {
	{"GET", "/open311/v2/discovery.json", open311_discovery, API | ROUTE_CACHE, 0,
	 "open311_discovery", E},
	{"GET", "/open311/v2/services.json", open311_services, API | ROUTE_CACHE, 0,
	 "open311_services", E},
	{"GET", "/open311/v2/services/{file}", open311_service, API | ROUTE_CACHE, 0,
	 "open311_service", E},
	{"GET", "/open311/v2/requests.json", open311_requests, API | ROUTE_CACHE, 0,
	 "open311_requests", E},
	{"POST", "/open311/v2/requests.json", open311_request_create, API | ROUTE_RAW_BODY,
	 OPEN311_MAX_BODY, "open311_create", E},
	{"GET", "/open311/v2/requests/{ref}/history.json", open311_request_history,
	 API | ROUTE_CACHE, 0, "open311_history", E},
	{"GET", "/open311/v2/requests/{file}", open311_request, API | ROUTE_CACHE, 0,
	 "open311_request", E},
	{"GET", "/open311/v2/tokens/{file}", open311_token, API | ROUTE_SECRET, 0, "open311_token", E},
	{"GET", "/open311/v2/*", open311_unknown, API, 0, "open311_unknown", E},
	{"POST", "/open311/v2/*", open311_unknown, API | ROUTE_RAW_BODY, OPEN311_MAX_BODY,
	 "open311_unknown_post", E},
};
// clang-format on

static const struct app_command open311_commands[] = {
	{"open311", open311_cli, "open311 key add NAME|list|revoke NAME   Open311 API keys"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file open311_assets_files[];

const struct module open311_module = {
	.name = "open311",
	.assets = open311_assets_files,
	.citizen = {MODULE_ROUTES(open311_routes), .commands = open311_commands},
};
