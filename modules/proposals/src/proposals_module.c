// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The proposals module: residents write, support, follow and argue on the citizen platform,
 * which forwards a proposal crossing the commune's threshold; the official platform mirrors
 * them read-only and signs the commune's stages. The types are configuration
 * (config/proposal_types.json, a theme may override it); the threshold and delays are settings.
 */
#include "proposals/proposals.h"

#include "accountability/accountability.h"
#include "common/jobs.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/router.h"
#include "internal.h"

/* Literal paths before "/proposals/{ref}" (the router takes the first match). */
// clang-format off
static const struct route citizen_routes[] = {
	{"GET", "/proposals", page_proposal_list, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE, 0,
	 "proposals"},
	{"POST", "/proposals", page_proposal_create, ROUTE_HEAVY, PROPOSAL_MAX_BODY,
	 "proposal_create"},
	{"GET", "/proposals/new", page_proposal_new, 0, 0, "proposal_new"},
	{"GET", "/proposals/map", page_proposal_map, ROUTE_JSON_TWIN | ROUTE_CACHE, 0,
	 "proposals_map"},
	{"GET", "/proposals.geojson", page_proposal_geojson, ROUTE_CACHE, 0, "proposals_geojson"},
	{"POST", "/proposals/arguments/{id}/helpful", page_proposal_helpful, 0, 0,
	 "proposal_helpful"},
	{"GET", "/proposals/{ref}", page_proposal_item, ROUTE_JSON_TWIN, 0, "proposal"},
	{"POST", "/proposals/{ref}/support", page_proposal_support, 0, 0, "proposal_support"},
	{"POST", "/proposals/{ref}/withdraw", page_proposal_withdraw, 0, 0, "proposal_withdraw"},
	{"POST", "/proposals/{ref}/follow", page_proposal_follow, 0, 0, "proposal_follow"},
	{"POST", "/proposals/{ref}/arguments", page_proposal_argue, 0, 16 * 1024,
	 "proposal_argue"},
	{"GET", "/staff/proposals", page_staff_proposals, ROUTE_JSON_TWIN | ROUTE_STAFF, 0,
	 "staff_proposals"},
	{"POST", "/staff/proposals/arguments/{id}/hide", page_staff_argument_hide, ROUTE_STAFF, 0,
	 "staff_argument_hide"},
	{"POST", "/staff/proposals/{ref}/approve", page_staff_proposal_approve, ROUTE_STAFF, 0,
	 "staff_proposal_approve"},
	{"POST", "/staff/proposals/{ref}/hide", page_staff_proposal_hide, ROUTE_STAFF, 0,
	 "staff_proposal_hide"},
};

static const struct route official_routes[] = {
	{"GET", "/proposals", page_proposal_list, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE, 0,
	 "proposals"},
	{"GET", "/proposals/map", page_proposal_map, ROUTE_JSON_TWIN | ROUTE_CACHE, 0,
	 "proposals_map"},
	{"GET", "/proposals.geojson", page_proposal_geojson, ROUTE_CACHE, 0, "proposals_geojson"},
	{"GET", "/proposals/{ref}", page_proposal_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0,
	 "proposal"},
	{"GET", "/staff/proposals", page_staff_proposals_due, ROUTE_JSON_TWIN | ROUTE_STAFF, 0,
	 "staff_proposals_due"},
	{"GET", "/staff/proposals/{ref}", page_staff_proposal_answer,
	 ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "staff_proposal_answer"},
	{"POST", "/staff/proposals/{ref}/stage", page_staff_proposal_stage, ROUTE_STAFF, 32 * 1024,
	 "staff_proposal_stage"},
};
// clang-format on

static const struct hook proposal_hooks[] = {
	{"proposal.*", hook_proposal},
	{NULL, NULL},
};

/* the platform's own events re-imported after a database restore (docs/decisions/0010): the
 * type checks which platform signs which */
static const struct hook proposal_restorers[] = {
	{"proposal.*", restore_proposal},
	{NULL, NULL},
};

static const struct app_job proposal_jobs[] = {
	{"proposal_tally", 30, proposal_tally_run},
	{"proposal_deadlines", 300, proposal_deadlines_run},
	{NULL, 0, NULL},
};

static const struct nav_link proposal_nav[] = {
	{"/proposals", "nav_proposals", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link citizen_staff[] = {
	{"/staff/proposals", "proposal_staff_title", "proposals.moderate"},
	{NULL, NULL, NULL},
};

static const struct nav_link official_staff[] = {
	{"/staff/proposals", "proposal_due_title", "proposals.answer"},
	{NULL, NULL, NULL},
};

/* the residents' signed events a minute on the whole platform (outbox.h); supports travel as
 * tallies, so a burst of supports costs a few events */
static const struct outbox_ceiling citizen_ceilings[] = {
	{"proposal.created", 60},
	{"proposal.argued", 120},
	{"proposal.supported", 600},
	{"proposal.forwarded", 600},
	{NULL, 0},
};

static const struct outbox_ceiling official_ceilings[] = {
	{"proposal.stage", 120},
	{NULL, 0},
};

static const struct module_ext citizen_extends[] = {
	{OUTBOX_CEILINGS_EXT, citizen_ceilings},
	{ACCOUNTABILITY_SECTION_EXT, &proposal_section},
	{NULL, NULL},
};

static const struct module_ext official_extends[] = {
	{OUTBOX_CEILINGS_EXT, official_ceilings},
	{ACCOUNTABILITY_SECTION_EXT, &proposal_section},
	{NULL, NULL},
};

static void
proposals_close(struct app *app)
{
	proposal_types_free(app);
}

extern const struct embedded_file proposals_assets_files[];

const struct module proposals_module = {
	.name = "proposals",
	.assets = proposals_assets_files,
	.settings_defs = proposal_settings_defs,
	.nsettings = PROPOSAL_NSETTINGS,
	.settings = &proposal_settings,
	.open = proposal_types_load,
	.close = proposals_close,
	.official = {MODULE_ROUTES(official_routes), .hooks = proposal_hooks,
		     .restorers = proposal_restorers, .nav = proposal_nav, .staff = official_staff,
		     .extends = official_extends, .demo_load = proposal_answers_demo_load,
		     .facts = proposal_facts},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = proposal_hooks,
		    .restorers = proposal_restorers, .jobs = proposal_jobs, .nav = proposal_nav,
		    .staff = citizen_staff, .extends = citizen_extends,
		    .demo_load = proposal_demo_load, .facts = proposal_facts},
};
