// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The reactions module: residents react and moderators hide on the citizen platform; both
 * platforms apply the events and show the reactions on project and deliberation pages.
 */
#include "reactions/reactions.h"

#include "internal.h"

#include "common/module.h"
#include "common/outbox.h"
#include "publications/page_publication.h"

// clang-format off
static const struct route citizen_routes[] = {
	{"POST", "/projects/{id}/reactions", page_reaction_create, 0, 16 * 1024, "project_reaction"},
	{"POST", "/deliberations/{id}/reactions", page_reaction_create, 0, 16 * 1024,
	 "deliberation_reaction"},
	{"GET", "/staff/reactions", page_staff_reactions, ROUTE_STAFF | ROUTE_JSON_TWIN, 0,
	 "staff_reactions"},
	{"POST", "/staff/reactions/{id}/hide", page_staff_reaction_hide, ROUTE_STAFF, 8 * 1024,
	 "staff_reaction_hide"},
	{"GET", "/origin/{kind}/{id}", page_pub_by_origin, ROUTE_CACHE, 0, "origin_item"},
};
// clang-format on

static const struct hook reaction_hooks[] = {
	{"reaction.created", hook_reaction},
	{"reaction.hidden", hook_reaction},
	{NULL, NULL},
};

/* the citizen platform's own reactions, written back after a database restore */
static const struct hook reaction_restorers[] = {
	{"reaction.created", restore_reaction},
	{"reaction.hidden", restore_reaction},
	{NULL, NULL},
};

static const struct pub_extension project_extension = {
	.kind = "project",
	.item_view = reaction_item_extras,
	.partial = "reaction_extras",
};
static const struct pub_extension deliberation_extension = {
	.kind = "deliberation",
	.item_view = reaction_item_extras,
	.partial = "reaction_extras",
};

/* signed reactions a minute on the whole platform, whoever sends them (outbox.h) */
static const struct outbox_ceiling reaction_ceilings[] = {
	{"reaction.created", 120},
	{NULL, 0},
};

static const struct module_ext reaction_extends[] = {
	{PUB_EXTENSION, &project_extension},
	{PUB_EXTENSION, &deliberation_extension},
	{OUTBOX_CEILINGS_EXT, reaction_ceilings},
	{NULL, NULL},
};

static const struct nav_link reaction_staff[] = {
	{"/staff/reactions", "staff_reactions_title", "reactions.moderate"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file reactions_assets_files[];

const struct module reactions_module = {
	.name = "reactions",
	.assets = reactions_assets_files,
	.official = {.hooks = reaction_hooks, .facts = reaction_facts, .extends = reaction_extends},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = reaction_hooks,
		    .restorers = reaction_restorers, .extends = reaction_extends,
		    .staff = reaction_staff, .demo_load = reaction_demo_load,
		    .facts = reaction_facts},
};
