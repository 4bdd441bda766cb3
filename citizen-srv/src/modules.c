// SPDX-License-Identifier: AGPL-3.0-or-later
/* The list of modules citizen-srv serves: the server is this list (main.c adds roles). */
#include "citizen.h"

#include "accountability/accountability.h"
#include "criteria/criteria.h"
#include "budgets/budgets.h"
#include "council/council.h"
#include "dialogue/dialogue.h"
#include "feeds/feeds.h"
#include "home/home.h"
#include "moderation/moderation.h"
#include "needs/needs.h"
#include "news/news.h"
#include "notify/notify.h"
#include "open311/open311.h"
#include "participation/participation.h"
#include "pilot/pilot.h"
#include "proposals/proposals.h"
#include "protocol/federation.h"
#include "publications/publications.h"
#include "reactions/reactions.h"
#include "reports/report.h"
#include "services/services.h"

/*
 * In this order: routes are tried, the navigation is shown and the demo is loaded so. Feeds
 * come before reports, whose "/reports/{ref}" would take "feed.atom" for a reference.
 */
// clang-format off
const struct module *const citizen_modules[] = {
	&home_module,
	&news_module,
	&feeds_module,
	&reports_module,
	&participation_module,
	&proposals_module,
	&open311_module,
	&publications_module,
	&budgets_module,
	&council_module,
	&moderation_module,
	&reactions_module,
	&services_module,
	&needs_module,
	&notify_module,
	&dialogue_module,
	&accountability_module,
	&criteria_module,
	&pilot_module,
	&federation_module,
	NULL,
};
// clang-format on
