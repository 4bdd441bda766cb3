// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The council module: sessions' and deliberations' routes (public on both platforms, staff and
 * the PDF upload on the official one), the files' applier and the deliberation page's extras.
 */
#include "council/council.h"

#include "internal.h"

#include "common/module.h"
#include "publications/page_publication.h"

// clang-format off
#define COUNCIL_PUBLIC_ROUTES \
	PUBLICATION_PUBLIC_ROUTES("sessions"), \
	PUBLICATION_PUBLIC_ROUTES("deliberations"), \
	{"GET", "/deliberations/{id}/files/{file}", page_deliberation_file, 0, 0, "deliberation_file"}
static const struct route official_routes[] = {
	COUNCIL_PUBLIC_ROUTES,
	PUBLICATION_STAFF_ROUTES("sessions"),
	PUBLICATION_STAFF_ROUTES("deliberations"),
	{"POST", "/staff/deliberations/{id}/files", page_staff_deliberation_file, ROUTE_STAFF,
	 11 * 1024 * 1024, "staff_deliberation_file"},
};
static const struct route citizen_routes[] = {
	COUNCIL_PUBLIC_ROUTES,
};
// clang-format on

static const struct hook council_hooks[] = {
	{"deliberation.file_added", hook_deliberation_file},
	{NULL, NULL},
};

static const struct pub_extension council_extension = {
	.kind = "deliberation",
	.item_view = council_item_extras,
	.partial = "council_extras",
	.staff_partial = "staff_council_extras",
};

static const struct module_ext council_extends[] = {
	{PUB_EXTENSION, &council_extension},
	{NULL, NULL},
};

static const struct nav_link council_nav[] = {
	{"/deliberations", "nav_deliberations", NULL},
	{"/sessions", "nav_sessions", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link council_staff[] = {
	{"/staff/deliberations", "nav_deliberations", "council.write"},
	{"/staff/sessions", "nav_sessions", "council.write"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file council_assets_files[];

const struct module council_module = {
	.name = "council",
	.assets = council_assets_files,
	.official = {MODULE_ROUTES(official_routes), .hooks = council_hooks, .nav = council_nav,
		     .staff = council_staff, .extends = council_extends},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = council_hooks, .nav = council_nav,
		    .extends = council_extends},
};
