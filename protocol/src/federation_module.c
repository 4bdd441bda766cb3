// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Federation as every server serves it: its routes, subcommands, the applier of the peer's
 * profile, the admin's staff section, its tables (migrations 0003, 0004, 0060 the transparency
 * log's) and its life in the daemon (open, start, stop, close).
 */
#include "protocol/federation.h"

#include "common/check.h"
#include "common/jobs.h"
#include "common/log.h"
#include "federation_internal.h"
#include "protocol/db_federation.h"
#include "protocol/tlog_service.h"

#include <jansson.h>

/* The peer's public profile (presentation, priorities, address), shown on the home page. */
static enum status
hook_profile(const struct hook_event *ev)
{
	const char *origin = ev->origin;
	json_t *data = ev->data;
	if (!json_is_object(data) || !is_lang_texts(json_object_get(data, "name"))) {
		log_warn("profile event from %s does not have a name", origin);
		return STATUS_INVALID;
	}
	return db_fed_profile_put(origin, data) == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
}

static const struct hook federation_hooks[] = {
	{"profile.updated", hook_profile},
	{"checkpoint.cosigned", fed_hook_cosigned},
	{NULL, NULL},
};

/* Own events re-imported after a database restore: the profile last published; a cosigning
 * record stays in the log, where the witness reads it (witness.c, recorded_floor). */
static const struct hook federation_restorers[] = {
	{"profile.updated", hook_profile},
	{"checkpoint.cosigned", fed_hook_cosigned},
	{NULL, NULL},
};

// clang-format off
static const struct route federation_routes[] = {
	FEDERATION_ROUTES,
	TLOG_ROUTES,
};
// clang-format on

/* The audit of both logs that the public /audit page shows (page_audit.c). */
static const struct app_job federation_jobs[] = {
	{"federation_audit", 86400, federation_audit_run},
	{NULL, 0, NULL},
};

static const struct nav_link federation_footer[] = {
	{"/audit", "fed_audit_title", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link federation_staff[] = {
	{"/staff/federation", "fed_title", "federation.admin"},
	{NULL, NULL, NULL},
};

#define FEDERATION_SIDE                                                                            \
	{                                                                                          \
		MODULE_ROUTES(federation_routes),                                                  \
			.hooks = federation_hooks, .restorers = federation_restorers,              \
			.jobs = federation_jobs, .commands = federation_commands,                  \
			.staff = federation_staff, .footer = federation_footer,                    \
	}

extern const struct embedded_file protocol_assets_files[];

const struct module federation_module = {
	.name = "federation",
	.assets = protocol_assets_files,
	.open = federation_open,
	.start = federation_start,
	.stop = federation_stop,
	.close = federation_close,
	.official = FEDERATION_SIDE,
	.citizen = FEDERATION_SIDE,
};
