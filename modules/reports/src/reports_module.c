// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The reports module: residents file, support, track and assess reports on the citizen
 * platform, where the collective moderates them; both platforms apply the report.* events
 * (the official platform signs its receipt and statuses, see report_federation.c); the
 * categories are configuration (config/report_categories.json, a theme may override it).
 */
#include "reports/report.h"

#include "internal.h"

#include "common/jobs.h"
#include "common/module.h"
#include "common/outbox.h"

/*
 * Literal paths come before "/reports/{ref}" (the router takes the first match), and
 * "/reports/nearby" is a twin route so that "/reports/nearby.json" does not reach {ref}.
 */
// clang-format off
static const struct route citizen_routes[] = {
	{"GET", "/reports", page_report_list, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "reports"},
	{"POST", "/reports", page_report_create, ROUTE_HEAVY, REPORT_MAX_BODY, "report_create"},
	{"GET", "/reports/new", page_report_new, 0, 0, "report_new"},
	{"GET", "/reports/map", page_report_map, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "reports_map"},
	{"GET", "/reports/nearby", page_report_nearby, ROUTE_JSON_TWIN | ROUTE_API, 0,
	 "reports_nearby"},
	{"GET", "/reports.geojson", page_report_geojson, ROUTE_CACHE, 0, "reports_geojson"},
	{"GET", "/reports/track/{token}", page_report_track, ROUTE_SECRET, 0, "report_track"},
	{"POST", "/reports/track/{token}/assess", page_report_assess, ROUTE_SECRET, 0,
	 "report_assess"},
	{"GET", "/reports/{ref}", page_report_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "report"},
	{"POST", "/reports/{ref}/support", page_report_support, 0, 0, "report_support"},
	{"POST", "/reports/{ref}/follow", page_report_follow, 0, 0, "report_follow"},
	{"GET", "/staff/reports", page_staff_reports, ROUTE_JSON_TWIN | ROUTE_STAFF, 0,
	 "staff_reports"},
	{"POST", "/staff/reports/{ref}/approve", page_staff_report_approve, ROUTE_STAFF, 0,
	 "staff_report_approve"},
	{"POST", "/staff/reports/{ref}/hide", page_staff_report_hide, ROUTE_STAFF, 0,
	 "staff_report_hide"},
};
// clang-format on

static const struct hook report_hooks[] = {
	{"report.created", hook_report},  {"report.supported", hook_report},
	{"report.assessed", hook_report}, {"report.hidden", hook_report},
	{"report.status", hook_report},   {NULL, NULL},
};

/* each platform's own report.* events, written back after a database restore */
static const struct hook report_official_restorers[] = {
	{"report.status", restore_report},
	{NULL, NULL},
};

static const struct hook report_citizen_restorers[] = {
	{"report.created", restore_report},
	{"report.supported", restore_report},
	{"report.assessed", restore_report},
	{"report.hidden", restore_report},
	{NULL, NULL},
};

/* Housekeeping: reporters' contacts are erased after the retention period. */
static const struct app_job report_jobs[] = {
	{"report_retention", 3600, report_retention_run},
	{NULL, 0, NULL},
};

static const struct nav_link report_nav[] = {
	{"/reports", "nav_reports", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link report_staff[] = {
	{"/staff/reports", "staff_reports_title", "reports.moderate"},
	{NULL, NULL, NULL},
};

/* the residents' signed events a minute on the whole platform, whoever sends them (outbox.h);
 * each report.created also makes the commune sign a receipt */
static const struct outbox_ceiling report_ceilings[] = {
	{"report.created", 60},
	{"report.supported", 120},
	{"report.assessed", 60},
	{NULL, 0},
};

static const struct module_ext report_citizen_extends[] = {
	{OUTBOX_CEILINGS_EXT, report_ceilings},
	{NULL, NULL},
};

static void
reports_close(struct app *app)
{
	report_categories_free(app);
}

extern const struct embedded_file reports_assets_files[];

const struct module reports_module = {
	.name = "reports",
	.assets = reports_assets_files,
	.settings_defs = report_settings_defs,
	.nsettings = REPORT_NSETTINGS,
	.settings = &report_settings,
	.open = report_categories_load,
	.close = reports_close,
	.official = {.hooks = report_hooks,
		     .restorers = report_official_restorers,
		     .demo_load = report_answers_demo_load,
		     .facts = report_facts},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = report_hooks,
		    .restorers = report_citizen_restorers, .jobs = report_jobs, .nav = report_nav,
		    .staff = report_staff, .extends = report_citizen_extends,
		    .demo_load = report_demo_load, .facts = report_facts},
};
