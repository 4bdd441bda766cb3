// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The inbox module: on the official platform, the agents' inbox of the residents' reports
 * mirrored from the citizen platform, for staff granted "reports.answer".
 */
#include "inbox/inbox.h"

#include "internal.h"

#include "common/module.h"
#include "common/router.h"

// clang-format off
static const struct route inbox_routes[] = {
	{"GET", "/staff/inbox", page_inbox, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "inbox"},
	{"GET", "/staff/inbox.geojson", page_inbox_geojson, ROUTE_STAFF, 0, "inbox_geojson"},
	{"GET", "/staff/inbox/{ref}", page_inbox_report, ROUTE_JSON_TWIN | ROUTE_STAFF, 0,
	 "inbox_report"},
	{"POST", "/staff/inbox/{ref}/status", page_inbox_status, ROUTE_STAFF, 16 * 1024,
	 "inbox_status"},
};
// clang-format on

static const struct nav_link inbox_staff[] = {
	{"/staff/inbox", "inbox_title", "reports.answer"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file inbox_assets_files[];

const struct module inbox_module = {
	.name = "inbox",
	.assets = inbox_assets_files,
	.official = {MODULE_ROUTES(inbox_routes), .staff = inbox_staff},
};
