// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * official-srv: the official platform. Everything but its routes, roles, hooks and assets is
 * shared through common/ and protocol/; see app_main().
 */
#include "routes.h"

#include "common/app.h"
#include "common/page_inbox.h"
#include "protocol/federation.h"

extern const struct embedded_file official_assets_files[];

static const char *const official_roles[] = {"admin", "editor", "agent", NULL};

// clang-format off
static const struct app_grant official_grants[] = {
	{"news.write", "admin editor"},
	{"federation.admin", "admin"},
	{"projects.write", "admin editor"},
	{"council.write", "admin editor"},
	{"budgets.write", "admin editor"},
	{"reports.answer", "admin editor agent"},
	{NULL, NULL},
};
// clang-format on

/* The peer's events this side applies beyond the shared ones (news, profile). */
static const struct hook official_hooks[] = {
	{NULL, NULL},
};

static int
official_start(struct app *app)
{
	report_federation_init(app);
	return federation_start(app, official_hooks);
}

int
main(int argc, char **argv)
{
	struct app app = {
		.side = "official",
		.peer_side = "citizen",
		.routes = official_routes,
		.assets = official_assets_files,
		.roles = official_roles,
		.grants = official_grants,
		.commands = federation_commands,
		.on_start = official_start,
		.on_stop = federation_stop,
		.on_cli = federation_open,
	};
	app.nroutes = official_nroutes;
	return app_main(&app, argc, argv);
}
