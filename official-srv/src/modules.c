// SPDX-License-Identifier: AGPL-3.0-or-later
/* The list of modules official-srv serves: the server is this list (main.c adds roles). */
#include "official.h"

#include "accountability/accountability.h"
#include "appointments/appointments.h"
#include "criteria/criteria.h"
#include "budgets/budgets.h"
#include "council/council.h"
#include "dialogue/dialogue.h"
#include "forms/forms.h"
#include "home/home.h"
#include "inbox/inbox.h"
#include "moderation/moderation.h"
#include "needs/needs.h"
#include "news/news.h"
#include "pilot/pilot.h"
#include "notify/notify.h"
#include "protocol/federation.h"
#include "proposals/proposals.h"
#include "publications/publications.h"
#include "reactions/reactions.h"
#include "reports/report.h"
#include "services/services.h"

/* In this order: routes are tried, the navigation is shown and the demo is loaded so. */
// clang-format off
const struct module *const official_modules[] = {
	&home_module,
	&news_module,
	&publications_module,
	&budgets_module,
	&council_module,
	&moderation_module,
	&reactions_module,
	&reports_module,
	&proposals_module,
	&services_module,
	&needs_module,
	&forms_module,
	&appointments_module,
	&notify_module,
	&inbox_module,
	&dialogue_module,
	&accountability_module,
	&criteria_module,
	&pilot_module,
	&federation_module,
	NULL,
};
// clang-format on
