// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * citizen-srv: the citizen platform. Everything but its routes, roles, hooks and assets is
 * shared through common/ and protocol/; see app_main().
 */
#include "routes.h"

#include "common/app.h"
#include "common/jobs.h"
#include "common/page_open311.h"
#include "protocol/federation.h"

extern const struct embedded_file citizen_assets_files[];

static const char *const citizen_roles[] = {"admin", "moderator", NULL};

static const struct app_grant citizen_grants[] = {
	{"news.write", "admin moderator"},
	{"federation.admin", "admin"},
	{"reactions.moderate", "admin moderator"},
	{"reports.moderate", "admin moderator"},
	{NULL, NULL},
};

/* The peer's events this side applies beyond the shared ones (news, profile). */
static const struct hook citizen_hooks[] = {
	{NULL, NULL},
};

/* The federation subcommands and the Open311 keys: federation_commands is an extern array, so
 * the two are joined at start. */
static struct app_command citizen_commands[8];

static void
citizen_commands_fill(void)
{
	const struct app_command open311 = OPEN311_COMMAND;
	size_t n = 0;
	for (const struct app_command *c = federation_commands; c->name && n < 6; c++)
		citizen_commands[n++] = *c;
	citizen_commands[n] = open311;
}

/* Housekeeping: reporters' contacts are erased after the retention period (jobs.h). */
static const struct app_job citizen_jobs[] = {
	{"report_retention", 3600, report_retention_run},
	{NULL, 0, NULL},
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
		.commands = citizen_commands,
		.jobs = citizen_jobs,
		.on_start = citizen_start,
		.on_stop = federation_stop,
		.on_cli = federation_open,
	};
	app.nroutes = citizen_nroutes;
	citizen_commands_fill();
	return app_main(&app, argc, argv);
}
