// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * citizen-srv: the collective's platform. It is its roles, what each role may do, and the
 * list of modules it serves (modules.c); everything else is shared (app_main, common/, protocol/,
 * modules/).
 */
#include "citizen.h"

#include "common/app.h"
#include "common/module.h"

extern const struct embedded_file citizen_assets_files[];

static const char *const citizen_roles[] = {"admin", "moderator", NULL};

/* One grant a line, as official-srv's (clang-format would pack these short ones). */
// clang-format off
static const struct app_grant citizen_grants[] = {
	{"news.write", "admin moderator"},
	{"federation.admin", "admin"},
	{"reactions.moderate", "admin moderator"},
	{"reports.moderate", "admin moderator"},
	{"proposals.moderate", "admin moderator"},
	{"dialogue.moderate", "admin moderator"},
	{"needs.moderate", "admin moderator"},
	{"pilot.sign", "admin"},
	{NULL, NULL},
};
// clang-format on

int
main(int argc, char **argv)
{
	struct app app = {
		.side = "citizen",
		.peer_side = "official",
		.modules = citizen_modules,
		.assets = citizen_assets_files,
		.roles = citizen_roles,
		.grants = citizen_grants,
	};
	return app_main(&app, argc, argv);
}
