// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The participation module (citizen platform): residents verify an e-mail address or a phone
 * number with a one-time code sent through the notify queue, and hold a participation cookie;
 * other modules count one support per verified contact (participation.h). It emits no event:
 * nothing about a participant leaves the platform.
 */
#include "participation/participation.h"

#include "internal.h"

#include "common/jobs.h"
#include "common/module.h"
#include "common/router.h"

// clang-format off
static const struct route citizen_routes[] = {
	{"GET", "/participation", page_participation, ROUTE_JSON_TWIN, 0, "participation"},
	{"POST", "/participation", page_participation_send, 0, 4096, "participation_send"},
	{"GET", "/participation/code", page_participation_code, 0, 0, "participation_code"},
	{"POST", "/participation/code", page_participation_check, 0, 4096, "participation_check"},
	{"POST", "/participation/sign-out", page_participation_signout, 0, 1024,
	 "participation_signout"},
	{"POST", "/participation/erase", page_participation_erase, 0, 1024, "participation_erase"},
};
// clang-format on

/* Housekeeping: old codes, dead sessions, and contacts past their retention. */
static const struct app_job part_jobs[] = {
	{"participation_retention", 3600, part_retention_run},
	{NULL, 0, NULL},
};

static const struct nav_link part_footer[] = {
	{"/participation", "participation_nav", NULL},
	{NULL, NULL, NULL},
};

extern const struct embedded_file participation_assets_files[];

const struct module participation_module = {
	.name = "participation",
	.assets = participation_assets_files,
	.settings_defs = part_settings_defs,
	.nsettings = PART_NSETTINGS,
	.settings = &part_settings,
	.open = part_open,
	.close = part_close,
	.citizen = {MODULE_ROUTES(citizen_routes), .jobs = part_jobs, .footer = part_footer},
};
