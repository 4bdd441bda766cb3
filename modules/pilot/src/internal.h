// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PILOT_INTERNAL_H
#define PILOT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/config.h"
#include "common/status.h"

struct app;
struct request;

/* ---- pure logic (pilot.c), unit-tested ---- */

#define PILOT_TIME_SIZE 32
#define PILOT_DIGEST_SIZE 65 /* hex SHA-256 and NUL */
#define PILOT_SCALE_MAX 5    /* answers are 1..5 */

/* 0 when cfg is a valid pilot configuration, else -1 with the reason in why. */
int pilot_config_check(const json_t *cfg, char *why, size_t why_size);

/* The pilot's period: [start, start + months), times as RFC 3339 UTC. */
struct pilot_period {
	time_t start, end;
	char from[PILOT_TIME_SIZE], to[PILOT_TIME_SIZE];
};
/* start_date "YYYY-MM-DD" (00:00 UTC); -1 when it is not a date or months is not 1..24. */
int pilot_period_of(const char *start_date, long months, struct pilot_period *p);
/* The milestones ([{id, day, label}]) as a timeline at now: {stage "before"|"running"|"ended",
 * day (1-based, while running), days, milestones: [{id, label, date, state "done"|"next"|
 * "planned"}]} (new reference). */
json_t *pilot_timeline(const json_t *milestones, const struct pilot_period *p, time_t now);

/* The canonical text of the figures (keys sorted, no spaces, integers only):
 * {"figures":{...},"from":"...","to":"..."}, malloc'd; and its hex SHA-256. */
char *pilot_canonical(const char *from, const char *to, const json_t *figures);
void pilot_digest(const char *from, const char *to, const json_t *figures,
		  char out[PILOT_DIGEST_SIZE]);
/* The figures whose values differ between a and b, by name in byte order: [{name, a, b}]
 * (missing: null). */
json_t *pilot_figures_diff(json_t *a, json_t *b);
/* Adds to figures the facts "<kind>.quarter.<code>" and "<kind>.lang.<code>" of each kind of
 * kinds whose count is not 0: participation by quarter and by the language of the page. */
void pilot_breakdown_add(const json_t *kinds, json_t *facts, json_t *figures);
/* The counts of names from facts (module_facts): {name: count} (absent facts count 0). */
json_t *pilot_figures_of(const json_t *names, const json_t *facts);
/* The questionnaire's aggregate: questions [{id, text}], rows [{question, value, n}], responses;
 * {responses, min_sample, shown, questions: [{id, text, mean_tenths, counts[5]}]} with the
 * results only when responses >= min_sample (new reference). */
json_t *pilot_survey_aggregate(const json_t *questions, const json_t *rows, long long responses,
			       long long min_sample);

/* ---- the module ---- */

struct pilot_settings {
	char *start;     /* overrides the configuration's start when not empty */
	long min_sample; /* overrides the questionnaire's minimum sample when > 0 */
};
#define PILOT_NSETTINGS 2
extern struct pilot_settings pilot_settings;
extern const struct config_def pilot_settings_defs[PILOT_NSETTINGS];

/* The configuration (module state) and the period it gives. */
const json_t *pilot_config(const struct app *app);
void pilot_period(const struct app *app, struct pilot_period *p);
long long pilot_min_sample(const struct app *app);

/* The questionnaire's aggregate in the reader's language (citizen platform), or NULL when the
 * database failed. */
json_t *pilot_survey_view(struct request *req);

void page_pilot(struct request *req);
void page_pilot_survey(struct request *req);
void page_pilot_survey_post(struct request *req);
void page_pilot_assessment(struct request *req);
void page_staff_pilot_sign(struct request *req);
/* The applier of the peer's pilot.assessment_signed (and the restorer of own ones). */
struct hook_event;
enum status hook_pilot_signed(const struct hook_event *ev);

#endif
