// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_REPORT_H
#define REPORTS_REPORT_H

#include "common/config.h"
#include "common/secret.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * What both platforms share about residents' problem reports (docs/decisions/0007-reports.md):
 * who owns which part, the categories (configuration, per commune), the commune's statuses, the
 * public references and the private tracking tokens.
 */
struct app;

extern const struct module reports_module;

/* The module's settings (environment variables, loaded at start with the base's). */
struct report_settings {
	long nearby_m;               /* "nearby" radius before filing, metres */
	long contact_retention_days; /* days after closure before the contact is erased */
	long ask_weeks; /* weeks after resolution before the tracking page asks again */
};
#define REPORT_NSETTINGS 3
extern struct report_settings report_settings;
extern const struct config_def report_settings_defs[REPORT_NSETTINGS];

#define REPORT_OWNER "citizen"     /* reports, supports, assessments, moderation */
#define REPORT_ANSWERER "official" /* the commune's statuses and answers */

#define REPORT_TITLE_MAX 120 /* characters, once trimmed */
#define REPORT_DESCRIPTION_MAX 5000
#define REPORT_PLACE_MAX 200
#define REPORT_MESSAGE_MAX 2000 /* a status message, an assessment comment */
#define REPORT_PHOTOS_MAX 3
#define REPORT_REF_SIZE PUBLIC_REF_SIZE /* "R-XXXX-XXXX" and the NUL (common/secret.h) */

/*
 * Load the categories from the asset "config/report_categories.json" (the commune theme's copy
 * first): [{code, name: {ar, fr, en}, target_days, premoderate?, body?: {ar, fr, en}}].
 * Returns 0, or -1 (logged) when the file is missing or malformed.
 */
int report_categories_load(struct app *app);
void report_categories_free(struct app *app);
/* The loaded categories (borrowed), in the file's order. */
json_t *report_categories(const struct app *app);
/* One category by code (borrowed), or NULL. */
json_t *report_category(const struct app *app, const char *code);
/* The category's target delay in days, true when its texts are moderated before publication. */
int report_category_target_days(const struct app *app, const char *code);
bool report_category_premoderated(const struct app *app, const char *code);

/*
 * The commune's statuses in order ("new" is the citizen side's state before the commune has
 * received a report): new received forwarded in_progress scheduled resolved out_of_scope
 * rejected duplicate. Message keys are "report.status.<status>".
 */
extern const char *const report_statuses[];
bool report_status_is_valid(const char *status);
/* True for the statuses an agent may set (all but "new"). */
bool report_status_is_settable(const char *status);
/* True while the commune still has to act: not resolved, out_of_scope, rejected or duplicate. */
bool report_status_is_open(const char *status);

/*
 * Quarters: the project kind's codes (publication.c), so reports and projects share them;
 * labelled by the messages project_quarter_<code>.
 */
const char *const *report_quarters(void);
bool report_quarter_is_valid(const char *q);

/*
 * Labels in the reader's language (arena or catalog strings): a category's name (its code when
 * unknown), a status ("report.status.<status>"), a quarter (its code when unknown).
 */
struct request;
const char *report_category_label(struct request *req, const char *code);
const char *report_status_label(struct request *req, const char *status);
const char *report_quarter_label(struct request *req, const char *q);
/* {status: label} for every status, in req's language (a new reference). */
json_t *report_status_labels(struct request *req);
/*
 * Those labels for a whole list, looked up once per request (a new reference): {"category":
 * {code: name}, "days": {code: target days}, "status": {status: label}, "quarter": {code:
 * label}}. A list sets each row's labels from it with json_object_set (the strings are shared,
 * not copied): 100 rows cost 100 lookups, not 100 formatted keys and copies.
 */
json_t *report_label_table(struct request *req);
/* The label of code in part ("category", "status", "quarter") of table, or code itself when
 * the table has none; without a table (one report: building the table costs more than its few
 * lookups), looked up directly. Borrowed (from the table, the catalog or code; "" for none). */
const char *report_label_text(struct request *req, json_t *table, const char *part,
			      const char *code);
/* The choices of a form's select, [{value, label, selected}]: the configured categories, the
 * quarters, the statuses (all of report_statuses). New references. */
json_t *report_category_options(struct request *req, const char *selected);
json_t *report_quarter_options(struct request *req, const char *selected);
json_t *report_status_options(struct request *req, const char *selected);

/* A fresh random public reference "R-XXXX-XXXX" (Crockford base32, no I L O U). */
void report_new_ref(char out[REPORT_REF_SIZE]);
/* True when s has the shape of a reference. */
bool report_ref_is_valid(const char *s);

/*
 * A resident's new report, as the HTML form and the Open311 API both take it. Strings may be
 * NULL; photos is an array of photo_store() results (borrowed, may be NULL).
 */
struct report_input {
	const char *category, *title, *description, *place, *quarter, *lang;
	bool has_point;
	long long lat_e6, lon_e6; /* microdegrees, when has_point */
	json_t *photos;
	const char *contact; /* optional e-mail or phone: private, never public */
};

/*
 * Validate and create a report on the citizen side, in one transaction of its own: the report,
 * its private row (tracking hash, contact) and, unless its category is pre-moderated, the
 * report.created event. On success returns the stored row (db_report.h's shape, new reference)
 * and fills token with the tracking token (shown once to the reporter). On bad input returns
 * NULL with *st = STATUS_INVALID and *code, *field set: "unknown_category", "empty_text",
 * "text_too_long", "invalid_text", "invalid_quarter", "invalid_point", "outside_commune",
 * "place_required" (neither a pin nor a place), "contact_invalid". When the platform's ceiling
 * of report.created events is reached this minute, NULL with *st = STATUS_TOO_MANY (*code
 * "busy_try_later"). On a database failure NULL with *st = STATUS_UNAVAILABLE (*code
 * "database_unavailable", or NULL when no transaction could begin). All checks run before any
 * SQL but the boundary's. (page_report_file.c)
 */
json_t *report_submit(struct app *app, const struct report_input *in, char token[SECRET_TOKEN_SIZE],
		      enum status *st, const char **code, const char **field);

/*
 * NULL when a commune status is acceptable for the report ref, else the stable error code:
 * "unknown_status" (not a settable status), "message_too_long" / "invalid_message" (more than
 * REPORT_MESSAGE_MAX characters, control characters), "body_required" (out_of_scope without the
 * body it goes to), "body_name_too_long", "duplicate_required" (duplicate without duplicate_of),
 * "duplicate_unknown" (not a reference, or ref itself). Strings may not be NULL but
 * duplicate_of.
 */
const char *report_status_check(const char *status, const char *message, const char *body,
				const char *duplicate_of, const char *ref);

/*
 * Official side: set the commune's status of report ref in a transaction of its own — the
 * row, its timeline entry and the signed report.status event, at the event's time. body is
 * kept for out_of_scope only, duplicate_of for duplicate only (it must name a report here).
 * Returns STATUS_OK (*code NULL), STATUS_INVALID with a code of report_status_check() or
 * "duplicate_unknown", STATUS_NOT_FOUND ("report_not_found"), STATUS_CONFLICT
 * ("status_unchanged": the same status, message, body and duplicate as now), or
 * STATUS_UNAVAILABLE ("database_unavailable").
 */
enum status report_set_status(const char *ref, const char *status, const char *message,
			      const char *body, const char *duplicate_of, const char **code);

#endif
