// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * official-srv: the official platform. Everything but its routes, roles and assets is shared
 * through common/ and protocol/; see app_main().
 */
#include "routes.h"

#include "common/app.h"

extern const struct embedded_file official_assets_files[];

static const char *const official_roles[] = {"admin", "editor", "agent", NULL};

static const struct app_grant official_grants[] = {
        {"news.write", "admin editor"},
        {NULL, NULL},
};

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
	};
	app.nroutes = official_nroutes;
	return app_main(&app, argc, argv);
}
