// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * official-srv: the commune's platform. It is its roles, what each role may do, and the list
 * of modules it serves (modules.c); everything else is shared (app_main, common/, protocol/,
 * modules/).
 */
#include "official.h"

#include "common/app.h"
#include "common/module.h"

extern const struct embedded_file official_assets_files[];

static const char *const official_roles[] = {"admin", "editor", "agent", NULL};

static const struct app_grant official_grants[] = {
	{"news.write", "admin editor"},
	{"federation.admin", "admin"},
	{"projects.write", "admin editor"},
	{"council.write", "admin editor"},
	{"budgets.write", "admin editor"},
	{"services.write", "admin editor"},
	{"reports.answer", "admin editor agent"},
	{"proposals.answer", "admin editor"},
	{"forms.define", "admin editor"},
	{"forms.process", "admin editor agent"},
	{"appointments.manage", "admin editor"},
	{"appointments.desk", "admin editor agent"},
	{"dialogue.answer", "admin editor agent"},
	{"needs.answer", "admin editor agent"},
	{"pilot.sign", "admin"},
	{NULL, NULL},
};

int
main(int argc, char **argv)
{
	struct app app = {
		.side = "official",
		.peer_side = "citizen",
		.modules = official_modules,
		.assets = official_assets_files,
		.roles = official_roles,
		.grants = official_grants,
	};
	return app_main(&app, argc, argv);
}
