// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The dialogue module: residents ask and the collective moderates on the citizen platform,
 * the commune answers, merges and points on the official platform; both apply the other's
 * question.* events and show the same pages and figures.
 */
#include "dialogue/dialogue.h"

#include "internal.h"

#include "accountability/accountability.h"
#include "common/config.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/router.h"

#include <stddef.h>

#define ASK_MAX_BODY (64 * 1024) /* past the text's limit, so that it is refused by name */
#define ANSWER_MAX_BODY (64 * 1024)

struct dialogue_settings dialogue_settings;

static const struct config_def dialogue_settings_defs[] = {
	{"BALADIYA_DIALOGUE_PREMODERATE", CONFIG_BOOL, "false", false, 0, 0,
	 offsetof(struct dialogue_settings, premoderate),
	 "dialogue: residents' questions wait for a moderator of the collective before they are "
	 "public and sent to the commune (pre-moderation); otherwise they are public at once and "
	 "moderated afterwards"},
};

/* "/dialogue/ask" before "/dialogue/{ref}": the router takes the first match */
// clang-format off
static const struct route citizen_routes[] = {
	{"GET", "/dialogue", page_dialogue_list, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN, 0, "dialogue"},
	{"GET", "/dialogue/ask", page_dialogue_ask, 0, 0, "dialogue_ask"},
	{"POST", "/dialogue/ask", page_dialogue_ask_post, 0, ASK_MAX_BODY, "dialogue_ask_post"},
	{"GET", "/dialogue/{ref}", page_dialogue_item, ROUTE_JSON_TWIN, 0, "dialogue_question"},
	{"GET", "/staff/dialogue", page_staff_dialogue_moderate, ROUTE_STAFF | ROUTE_JSON_TWIN, 0,
	 "staff_dialogue_moderate"},
	{"POST", "/staff/dialogue/{ref}/approve", page_staff_dialogue_approve, ROUTE_STAFF, 0,
	 "staff_dialogue_approve"},
	{"POST", "/staff/dialogue/{ref}/hide", page_staff_dialogue_hide, ROUTE_STAFF, 8 * 1024,
	 "staff_dialogue_hide"},
};

static const struct route official_routes[] = {
	{"GET", "/dialogue", page_dialogue_list, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN, 0, "dialogue"},
	{"GET", "/dialogue/{ref}", page_dialogue_item, ROUTE_JSON_TWIN, 0, "dialogue_question"},
	{"GET", "/staff/dialogue", page_staff_dialogue_queue, ROUTE_STAFF | ROUTE_JSON_TWIN, 0,
	 "staff_dialogue_queue"},
	{"GET", "/staff/dialogue/{ref}", page_staff_dialogue_question, ROUTE_STAFF | ROUTE_JSON_TWIN,
	 0, "staff_dialogue_question"},
	{"POST", "/staff/dialogue/{ref}/answer", page_staff_dialogue_answer, ROUTE_STAFF,
	 ANSWER_MAX_BODY, "staff_dialogue_answer"},
	{"POST", "/staff/dialogue/{ref}/point", page_staff_dialogue_point, ROUTE_STAFF,
	 ANSWER_MAX_BODY, "staff_dialogue_point"},
	{"POST", "/staff/dialogue/{ref}/merge", page_staff_dialogue_merge, ROUTE_STAFF, 8 * 1024,
	 "staff_dialogue_merge"},
};
// clang-format on

static const struct hook dialogue_hooks[] = {
	{"question.*", hook_dialogue},
	{NULL, NULL},
};

/* the platform's own events re-imported after a database restore (docs/decisions/0010): the
 * type checks which platform signs which */
static const struct hook dialogue_restorers[] = {
	{"question.*", restore_dialogue},
	{NULL, NULL},
};

/* signed events a minute on the whole platform, whoever sends them (outbox.h) */
static const struct outbox_ceiling citizen_ceilings[] = {
	{"question.asked", 60},
	{"question.hidden", 120},
	{NULL, 0},
};
static const struct outbox_ceiling official_ceilings[] = {
	{"question.answered", 120},
	{"question.merged", 120},
	{NULL, 0},
};

static const struct accountability_section dialogue_section = {
	.partial = "dialogue_accountability",
	.fill = dialogue_stats_fill,
};

static const struct module_ext citizen_extends[] = {
	{OUTBOX_CEILINGS_EXT, citizen_ceilings},
	{ACCOUNTABILITY_SECTION_EXT, &dialogue_section},
	{NULL, NULL},
};
static const struct module_ext official_extends[] = {
	{OUTBOX_CEILINGS_EXT, official_ceilings},
	{ACCOUNTABILITY_SECTION_EXT, &dialogue_section},
	{NULL, NULL},
};

static const struct nav_link citizen_nav[] = {
	{"/dialogue", "dialogue_nav_citizen", NULL},
	{NULL, NULL, NULL},
};
static const struct nav_link official_nav[] = {
	{"/dialogue", "dialogue_nav_official", NULL},
	{NULL, NULL, NULL},
};
static const struct nav_link citizen_staff[] = {
	{"/staff/dialogue", "dialogue_staff_moderate_title", "dialogue.moderate"},
	{NULL, NULL, NULL},
};
static const struct nav_link official_staff[] = {
	{"/staff/dialogue", "dialogue_staff_queue_title", "dialogue.answer"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file dialogue_assets_files[];

const struct module dialogue_module = {
	.name = "dialogue",
	.assets = dialogue_assets_files,
	.settings_defs = dialogue_settings_defs,
	.nsettings = sizeof(dialogue_settings_defs) / sizeof(dialogue_settings_defs[0]),
	.settings = &dialogue_settings,
	.official = {MODULE_ROUTES(official_routes), .hooks = dialogue_hooks,
		     .restorers = dialogue_restorers, .nav = official_nav, .staff = official_staff,
		     .extends = official_extends, .demo_load = dialogue_answers_demo_load,
		     .facts = dialogue_facts},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = dialogue_hooks,
		    .restorers = dialogue_restorers, .nav = citizen_nav, .staff = citizen_staff,
		    .extends = citizen_extends, .demo_load = dialogue_demo_load,
		    .facts = dialogue_facts},
};
