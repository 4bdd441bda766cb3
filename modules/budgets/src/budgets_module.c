// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The budgets module: the budget kind's routes (public on both platforms, staff and the CSV
 * import on the official one), the lines' applier, the item page's extras, its demo.
 */
#include "budgets/budgets.h"

#include "internal.h"

#include "common/module.h"
#include "publications/page_publication.h"

// clang-format off
#define BUDGET_PUBLIC_ROUTES \
	PUBLICATION_PUBLIC_ROUTES("budgets"), \
	{"GET", "/budgets/{id}/lines.csv", page_budget_lines_csv, 0, 0, "budget_lines_csv"}
static const struct route official_routes[] = {
	BUDGET_PUBLIC_ROUTES,
	PUBLICATION_STAFF_ROUTES("budgets"),
	{"POST", "/staff/budgets/{id}/lines", page_staff_budget_lines, ROUTE_STAFF, 4 * 1024 * 1024,
	 "staff_budget_lines"},
};
static const struct route citizen_routes[] = {
	BUDGET_PUBLIC_ROUTES,
};
// clang-format on

static const struct hook budget_hooks[] = {
	{"budget.lines", hook_budget_lines},
	{NULL, NULL},
};

static const struct pub_extension budget_extension = {
	.kind = "budget",
	.item_view = budget_item_extras,
	.partial = "budget_extras",
	.staff_partial = "staff_budget_extras",
	.on_publish = budget_lines_on_publish,
};

static const struct module_ext budget_extends[] = {
	{PUB_EXTENSION, &budget_extension},
	{NULL, NULL},
};

static const struct nav_link budget_nav[] = {
	{"/budgets", "nav_budgets", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link budget_staff[] = {
	{"/staff/budgets", "nav_budgets", "budgets.write"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file budgets_assets_files[];

const struct module budgets_module = {
	.name = "budgets",
	.assets = budgets_assets_files,
	.official = {MODULE_ROUTES(official_routes), .hooks = budget_hooks,
		     .restorers = budget_hooks, .nav = budget_nav, .staff = budget_staff,
		     .extends = budget_extends, .demo_load = budget_demo_load},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = budget_hooks, .nav = budget_nav,
		    .extends = budget_extends, .demo_load = budget_demo_load},
};
