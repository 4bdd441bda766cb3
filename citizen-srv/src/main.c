// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * citizen-srv: the citizen platform. Everything but its routes, roles, hooks and assets is
 * shared through common/ and protocol/; see app_main().
 */
#include "routes.h"

#include "common/app.h"
#include "protocol/federation.h"

extern const struct embedded_file citizen_assets_files[];

static const char *const citizen_roles[] = {"admin", "moderator", NULL};

static const struct app_grant citizen_grants[] = {
	{"news.write", "admin moderator"},
	{"federation.admin", "admin"},
	{"reactions.moderate", "admin moderator"},
	{NULL, NULL},
};

/* The peer's events this side applies beyond the shared ones (news, profile). */
static const struct hook citizen_hooks[] = {
	{NULL, NULL},
};

static int
citizen_start(struct app *app)
{
	return federation_start(app, citizen_hooks);
}

int
main(int argc, char **argv)
{
	struct app app = {
		.side = "citizen",
		.peer_side = "official",
		.routes = citizen_routes,
		.assets = citizen_assets_files,
		.roles = citizen_roles,
		.grants = citizen_grants,
		.commands = federation_commands,
		.on_start = citizen_start,
		.on_stop = federation_stop,
		.on_cli = federation_open,
	};
	app.nroutes = citizen_nroutes;
	return app_main(&app, argc, argv);
}
