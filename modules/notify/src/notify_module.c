// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The notify module (both platforms): the durable queue of outgoing e-mails and SMS, its sender
 * thread, follows with their hourly digest and the unsubscribe page.
 */
#include "internal.h"

#include "common/app.h"
#include "common/jobs.h"
#include "common/module.h"

#include <string.h>

// clang-format off
static const struct route notify_routes[] = {
	{"GET", "/unsubscribe/{token}", page_unsubscribe, ROUTE_SECRET, 0, "unsubscribe"},
	{"POST", "/unsubscribe/{token}", page_unsubscribe_post, ROUTE_SECRET | ROUTE_RAW_BODY, 4096,
	 "unsubscribe_post"},
};
// clang-format on

/* Housekeeping: sent messages' recipients and texts are erased after the retention period. */
static const struct app_job notify_jobs[] = {
	{"notify_retention", 3600, notify_retention_run},
	{NULL, 0, NULL},
};

static const struct app_command notify_commands[] = {
	{"notify", notify_cli,
	 "notify status|failed|requeue ID|all|send ...   the outgoing queue (docs/operations.md)"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file notify_assets_files[];

const struct module notify_module = {
	.name = "notify",
	.assets = notify_assets_files,
	.settings_defs = notify_settings_defs,
	.nsettings = NOTIFY_NSETTINGS,
	.settings = &notify_settings,
	.start = notify_sender_start,
	.stop = notify_sender_stop,
	.official = {MODULE_ROUTES(notify_routes), .jobs = notify_jobs,
		     .commands = notify_commands},
	.citizen = {MODULE_ROUTES(notify_routes), .jobs = notify_jobs, .commands = notify_commands},
};
