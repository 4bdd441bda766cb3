// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The services module: the kind "service" it brings to the publications (staff writes it on
 * the official platform with drafts, versions and publication; the citizen platform mirrors
 * it), the residents' catalogue and sheets on both platforms, reactions to a sheet on the
 * citizen platform, and the public figures (the official job, the citizen applier, the
 * accountability page's section).
 */
#include "services/services.h"

#include "internal.h"

#include "accountability/accountability.h"
#include "common/jobs.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/router.h"
#include "publications/page_publication.h"
#include "publications/publication.h"
#include "reactions/reactions.h"

// clang-format off
#define SERVICES_PUBLIC_ROUTES \
	{"GET", "/services", page_service_catalogue, \
	 ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE, 0, "services"}, \
	{"GET", "/services/{key}", page_service_sheet, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, \
	 "services_sheet"}, \
	{"GET", "/services/{id}/history", page_pub_history, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, \
	 "services_history"}

static const struct route official_routes[] = {
	SERVICES_PUBLIC_ROUTES,
	PUBLICATION_STAFF_ROUTES("services"),
};
static const struct route citizen_routes[] = {
	SERVICES_PUBLIC_ROUTES,
	{"POST", "/services/{id}/reactions", page_reaction_create, 0, 16 * 1024,
	 "service_reaction"},
};
// clang-format on

static const struct hook service_hooks[] = {
	{"service.figures", hook_service_figures},
	{"service.*", pub_hook_apply}, /* service.published|updated|unpublished */
	{NULL, NULL},
};

/* the official platform's own service.published|updated|unpublished after a restore */
static const struct hook service_restorers[] = {
	{"service.figures", hook_service_figures}, /* stored as the job stored them */
	{"service.*", pub_restore_apply},
	{NULL, NULL},
};

static const struct app_job service_jobs[] = {
	{"services_figures", 300, services_figures_run},
	{NULL, 0, NULL},
};

/* a sheet's links, figures and residents' reactions (the template is reactions') */
static const struct pub_extension service_extension = {
	.kind = "service",
	.item_view = service_item_view,
	.partial = "reaction_extras",
};

static const struct accountability_section service_section = {
	.partial = "services_accountability",
	.fill = services_accountability_fill,
};

/* one event per service whose figures changed, each run (outbox.h) */
static const struct outbox_ceiling service_ceilings[] = {
	{"service.figures", 600},
	{NULL, 0},
};

static const struct module_ext service_extends[] = {
	{PUB_KIND_EXT, &service_kind},           {PUB_EXTENSION, &service_extension},
	{REACTION_KIND_EXT, "service"},          {ACCOUNTABILITY_SECTION_EXT, &service_section},
	{OUTBOX_CEILINGS_EXT, service_ceilings}, {NULL, NULL},
};

static const struct nav_link service_nav[] = {
	{"/services", "nav_services", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link service_staff[] = {
	{"/staff/services", "nav_services", "services.write"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file services_assets_files[];

const struct module services_module = {
	.name = "services",
	.assets = services_assets_files,
	.settings_defs = services_settings_defs,
	.nsettings = SERVICES_NSETTINGS,
	.settings = &services_settings,
	.official = {MODULE_ROUTES(official_routes), .hooks = service_hooks,
		     .restorers = service_restorers, .jobs = service_jobs, .nav = service_nav,
		     .staff = service_staff, .extends = service_extends,
		     .demo_load = services_demo_load},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = service_hooks, .nav = service_nav,
		    .extends = service_extends},
};
