// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The needs module: residents express needs on the citizen platform and verified residents
 * add "me too" (participation.h); the official platform mirrors them read-only and its staff
 * answer; both list them by quarter and theme and add "needs by quarter" to /accountability.
 * The themes are configuration (config/need_themes.json, a theme may override it).
 */
#include "needs/needs.h"

#include "internal.h"

#include "accountability/accountability.h"
#include "common/jobs.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/router.h"

// clang-format off
static const struct route citizen_routes[] = {
	{"GET", "/needs", page_needs, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE, 0, "needs"},
	{"GET", "/needs.geojson", page_needs_geojson, ROUTE_CACHE, 0, "needs_geojson"},
	{"POST", "/needs", page_need_create, 0, NEED_MAX_BODY, "need_create"},
	{"GET", "/needs/new", page_need_new, 0, 0, "need_new"},
	{"GET", "/needs/{id}", page_need_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "need"},
	{"POST", "/needs/{id}/me-too", page_need_me_too, 0, 1024, "need_me_too"},
	{"POST", "/needs/{id}/withdraw", page_need_withdraw, 0, 1024, "need_withdraw"},
	{"GET", "/staff/needs", page_staff_needs, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "staff_needs"},
	{"POST", "/staff/needs/{id}/hide", page_staff_need_hide, ROUTE_STAFF, 4096,
	 "staff_need_hide"},
};
static const struct route official_routes[] = {
	{"GET", "/needs", page_needs, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE, 0, "needs"},
	{"GET", "/needs.geojson", page_needs_geojson, ROUTE_CACHE, 0, "needs_geojson"},
	{"GET", "/needs/{id}", page_need_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "need"},
	{"GET", "/staff/needs", page_staff_needs, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "staff_needs"},
	{"POST", "/staff/needs/{id}/answer", page_staff_need_answer, ROUTE_STAFF, NEED_MAX_BODY,
	 "staff_need_answer"},
};
// clang-format on

static const struct hook citizen_hooks[] = {
	{"need.answered", hook_need},
	{NULL, NULL},
};
static const struct hook official_hooks[] = {
	{"need.created", hook_need},
	{"need.supported", hook_need},
	{"need.hidden", hook_need},
	{NULL, NULL},
};

/* the platform's own events re-imported after a database restore (docs/decisions/0010) */
static const struct hook citizen_restorers[] = {
	{"need.created", restore_need},
	{"need.supported", restore_need},
	{"need.hidden", restore_need},
	{NULL, NULL},
};
static const struct hook official_restorers[] = {
	{"need.answered", restore_need},
	{NULL, NULL},
};

static const struct app_job citizen_jobs[] = {
	{"need_tally", NEED_TALLY_INTERVAL_S, need_tally_run},
	{NULL, 0, NULL},
};

static const struct nav_link need_nav[] = {
	{"/needs", "nav_needs", NULL},
	{NULL, NULL, NULL},
};
static const struct nav_link need_staff[] = {
	{"/staff/needs", "need_staff_title", "needs.answer"},
	{NULL, NULL, NULL},
};
static const struct nav_link need_moderate[] = {
	{"/staff/needs", "need_staff_title", "needs.moderate"},
	{NULL, NULL, NULL},
};

/* signed events a minute on the whole platform; need.supported is one per changed need per
 * tally run, whatever the number of residents */
static const struct outbox_ceiling citizen_ceilings[] = {
	{"need.created", 60},
	{"need.supported", 1200},
	{"need.hidden", 60},
	{NULL, 0},
};
static const struct outbox_ceiling official_ceilings[] = {
	{"need.answered", 120},
	{NULL, 0},
};

static const struct accountability_section need_section = {
	.partial = "need_accountability",
	.fill = need_accountability_fill,
};

static const struct module_ext citizen_extends[] = {
	{OUTBOX_CEILINGS_EXT, citizen_ceilings},
	{ACCOUNTABILITY_SECTION_EXT, &need_section},
	{NULL, NULL},
};
static const struct module_ext official_extends[] = {
	{OUTBOX_CEILINGS_EXT, official_ceilings},
	{ACCOUNTABILITY_SECTION_EXT, &need_section},
	{NULL, NULL},
};

extern const struct embedded_file needs_assets_files[];

const struct module needs_module = {
	.name = "needs",
	.assets = needs_assets_files,
	.open = need_themes_load,
	.close = need_themes_free,
	.official = {MODULE_ROUTES(official_routes), .facts = need_facts, .hooks = official_hooks,
		     .restorers = official_restorers, .nav = need_nav, .staff = need_staff,
		     .extends = official_extends},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = citizen_hooks,
		    .restorers = citizen_restorers, .jobs = citizen_jobs, .nav = need_nav,
		    .staff = need_moderate, .extends = citizen_extends, .demo_load = need_demo_load,
		    .facts = need_facts},
};
