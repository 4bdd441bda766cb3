// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * citizen-srv: the collective's platform. It is its roles, what each role may do, and the
 * list of modules it serves; everything else is shared (app_main, common/, protocol/,
 * modules/).
 */
#include "accountability/accountability.h"
#include "budgets/budgets.h"
#include "common/app.h"
#include "common/module.h"
#include "council/council.h"
#include "feeds/feeds.h"
#include "home/home.h"
#include "moderation/moderation.h"
#include "news/news.h"
#include "open311/open311.h"
#include "protocol/federation.h"
#include "publications/publications.h"
#include "reactions/reactions.h"
#include "reports/report.h"

extern const struct embedded_file citizen_assets_files[];

static const char *const citizen_roles[] = {"admin", "moderator", NULL};

static const struct app_grant citizen_grants[] = {
	{"news.write", "admin moderator"},
	{"federation.admin", "admin"},
	{"reactions.moderate", "admin moderator"},
	{"reports.moderate", "admin moderator"},
	{NULL, NULL},
};

/*
 * In this order: routes are tried, the navigation is shown and the demo is loaded so. Feeds
 * come before reports, whose "/reports/{ref}" would take "feed.atom" for a reference.
 */
static const struct module *const citizen_modules[] = {
	&home_module,
	&news_module,
	&feeds_module,
	&reports_module,
	&open311_module,
	&publications_module,
	&budgets_module,
	&council_module,
	&moderation_module,
	&reactions_module,
	&accountability_module,
	&federation_module,
	NULL,
};

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
