// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The pilot module: config/pilot.json (a theme may override it; BALADIYA_PILOT_START and
 * BALADIYA_PILOT_MIN_SAMPLE override its start and the questionnaire's minimum sample), its
 * routes on both platforms, and the applier of the peer's pilot.assessment_signed.
 */
#include "pilot/pilot.h"

#include "db_pilot.h"
#include "internal.h"

#include "common/app.h"
#include "common/check.h"
#include "common/config.h"
#include "common/log.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/router.h"
#include "common/strbuf.h"

#include <stddef.h>
#include <string.h>

#define PILOT_ASSET "config/pilot.json"
#define KIB 1024

struct pilot_settings pilot_settings;

#define SET(field) offsetof(struct pilot_settings, field)
const struct config_def pilot_settings_defs[PILOT_NSETTINGS] = {
	{"BALADIYA_PILOT_START", CONFIG_STRING, "", false, 0, 0, SET(start),
	 "pilot: its first day (YYYY-MM-DD), instead of the configuration's"},
	{"BALADIYA_PILOT_MIN_SAMPLE", CONFIG_INT, "0", false, 0, 100000, SET(min_sample),
	 "pilot: answers before the questionnaire's results are shown (0: the configuration's)"},
};

static int
pilot_open(struct app *app)
{
	char why[160];
	int rc = -1;
	json_t *cfg = app_asset_json(app, PILOT_ASSET);
	if (!cfg)
		goto out;
	if (pilot_settings.start && *pilot_settings.start)
		json_object_set_new(cfg, "start", json_string(pilot_settings.start));
	if (pilot_config_check(cfg, why, sizeof(why)) < 0) {
		log_error("%s: %s", PILOT_ASSET, why);
		goto out;
	}
	module_state_set(app, &pilot_module, cfg);
	cfg = NULL;
	rc = 0;
out:
	json_decref(cfg);
	return rc;
}

static void
pilot_close(struct app *app)
{
	json_decref(module_state(app, &pilot_module));
	module_state_set(app, &pilot_module, NULL);
}

const json_t *
pilot_config(const struct app *app)
{
	return module_state(app, &pilot_module);
}

void
pilot_period(const struct app *app, struct pilot_period *p)
{
	const json_t *cfg = pilot_config(app);
	const json_t *months = json_object_get(cfg, "months");
	/* checked at open */
	pilot_period_of(json_string_value(json_object_get(cfg, "start")),
			months ? (long)json_integer_value(months) : 3, p);
}

long long
pilot_min_sample(const struct app *app)
{
	if (pilot_settings.min_sample > 0)
		return pilot_settings.min_sample;
	return json_integer_value(
		json_object_get(json_object_get(pilot_config(app), "survey"), "min_sample"));
}

/* An object of counts: {name: integer >= 0}. */
static bool
is_counts(json_t *o)
{
	const char *k;
	json_t *v;
	if (!json_is_object(o))
		return false;
	json_object_foreach(o, k, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return false;
	}
	return true;
}

/* {period: {from, to}, digest, figures: {name: count}, conclusion: {ar, fr}}: the peer's
 * signature of the assessment (or, restored, our own). */
enum status
hook_pilot_signed(const struct hook_event *ev)
{
	json_t *period = json_object_get(ev->data, "period");
	const char *from = json_string_value(json_object_get(period, "from"));
	const char *to = json_string_value(json_object_get(period, "to"));
	const char *digest = json_string_value(json_object_get(ev->data, "digest"));
	json_t *figures = json_object_get(ev->data, "figures");
	json_t *conclusion = json_object_get(ev->data, "conclusion");
	json_t *declared = json_object_get(ev->data, "declared");
	bool ok = from && to && is_utc_time(from) && is_utc_time(to) && digest &&
		  is_sha256_hex(digest) && is_counts(figures) && is_lang_texts(conclusion) &&
		  (!declared || is_counts(declared));
	if (ok) {
		/* the digest must be the figures' own: a signature over other numbers is refused */
		char mine[PILOT_DIGEST_SIZE];
		pilot_digest(from, to, figures, mine);
		ok = strcmp(mine, digest) == 0;
	}
	if (!ok) {
		log_warn("pilot.assessment_signed from %s does not have the expected fields",
			 ev->origin);
		return STATUS_INVALID;
	}
	json_t *none = json_object();
	int rc = db_pilot_signature_add(ev->origin, from, to, digest, figures, conclusion,
					declared ? declared : none, ev->occurred_at);
	json_decref(none);
	return rc < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

// clang-format off
static const struct route official_routes[] = {
	{"GET", "/pilot", page_pilot, ROUTE_JSON_TWIN, 0, "pilot"},
	{"GET", "/pilot/assessment", page_pilot_assessment, ROUTE_JSON_TWIN, 0, "pilot_assessment"},
	{"POST", "/staff/pilot/sign", page_staff_pilot_sign, ROUTE_STAFF, 32 * KIB,
	 "staff_pilot_sign"},
};
static const struct route citizen_routes[] = {
	{"GET", "/pilot", page_pilot, ROUTE_JSON_TWIN, 0, "pilot"},
	{"GET", "/pilot/survey", page_pilot_survey, 0, 0, "pilot_survey"},
	{"POST", "/pilot/survey", page_pilot_survey_post, 0, 8 * KIB, "pilot_survey_post"},
	{"GET", "/pilot/assessment", page_pilot_assessment, ROUTE_JSON_TWIN, 0, "pilot_assessment"},
	{"POST", "/staff/pilot/sign", page_staff_pilot_sign, ROUTE_STAFF, 32 * KIB,
	 "staff_pilot_sign"},
};
// clang-format on

static const struct hook pilot_hooks[] = {
	{"pilot.assessment_signed", hook_pilot_signed},
	{NULL, NULL},
};

static const struct nav_link pilot_footer[] = {
	{"/pilot", "nav_pilot", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link pilot_staff[] = {
	{"/pilot/assessment", "nav_pilot_assessment", "pilot.sign"},
	{NULL, NULL, NULL},
};

static const struct outbox_ceiling pilot_ceilings[] = {
	{"pilot.assessment_signed", 10},
	{NULL, 0},
};

static const struct module_ext pilot_extends[] = {
	{OUTBOX_CEILINGS_EXT, pilot_ceilings},
	{NULL, NULL},
};

extern const struct embedded_file pilot_assets_files[];

const struct module pilot_module = {
	.name = "pilot",
	.assets = pilot_assets_files,
	.settings_defs = pilot_settings_defs,
	.nsettings = PILOT_NSETTINGS,
	.settings = &pilot_settings,
	.open = pilot_open,
	.close = pilot_close,
	.official = {MODULE_ROUTES(official_routes), .hooks = pilot_hooks, .restorers = pilot_hooks,
		     .footer = pilot_footer, .staff = pilot_staff, .extends = pilot_extends},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = pilot_hooks, .restorers = pilot_hooks,
		    .footer = pilot_footer, .staff = pilot_staff, .extends = pilot_extends},
};
