// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * citizen-srv: the citizen platform. Everything but its routes, roles and assets is shared
 * through common/ and protocol/; see app_main().
 */
#include "routes.h"

#include "common/app.h"

extern const struct embedded_file citizen_assets_files[];

static const char *const citizen_roles[] = {"admin", "moderator", NULL};

static const struct app_grant citizen_grants[] = {
        {"news.write", "admin moderator"},
        {NULL, NULL},
};

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
	};
	app.nroutes = citizen_nroutes;
	return app_main(&app, argc, argv);
}
