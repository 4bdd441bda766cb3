// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * official-srv: the commune's platform. It is its roles, what each role may do, and the list
 * of modules it serves; everything else is shared (app_main, common/, protocol/, modules/).
 */
#include "accountability/accountability.h"
#include "budgets/budgets.h"
#include "common/app.h"
#include "common/module.h"
#include "council/council.h"
#include "home/home.h"
#include "inbox/inbox.h"
#include "moderation/moderation.h"
#include "news/news.h"
#include "protocol/federation.h"
#include "publications/publications.h"
#include "reactions/reactions.h"
#include "reports/report.h"

extern const struct embedded_file official_assets_files[];

static const char *const official_roles[] = {"admin", "editor", "agent", NULL};

static const struct app_grant official_grants[] = {
	{"news.write", "admin editor"},
	{"federation.admin", "admin"},
	{"projects.write", "admin editor"},
	{"council.write", "admin editor"},
	{"budgets.write", "admin editor"},
	{"reports.answer", "admin editor agent"},
	{NULL, NULL},
};

/* In this order: routes are tried, the navigation is shown and the demo is loaded so. */
static const struct module *const official_modules[] = {
	&home_module,    &news_module,           &publications_module, &budgets_module,
	&council_module, &moderation_module,     &reactions_module,    &reports_module,
	&inbox_module,   &accountability_module, &federation_module,   NULL,
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
