// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NEEDS_INTERNAL_H
#define NEEDS_INTERNAL_H

/*
 * What the needs module's files share: need.c (themes, checks, events), page_need.c (the
 * residents' pages), page_need_staff.c (the commune's answers), hook_need.c (the peer's
 * events), need_stats.c (the accountability section), need_demo.c, db_need.c (its SQL).
 */
#include "needs/needs.h"

#include "common/outbox.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

struct app;
struct request;
struct hook_event;

#define NEED_OWNER "citizen"   /* needs are the citizen platform's */
#define NEED_TEXT_MAX 500      /* characters of a need */
#define NEED_NAME_MAX 60       /* characters of a display name */
#define NEED_ANSWER_MAX 2000   /* characters of the commune's answer */
#define NEED_MAX_BODY 16384    /* bytes of a need's form */
#define NEED_RATE_PER_MINUTE 5 /* needs one client files a minute */
#define ME_TOO_RATE_PER_MINUTE 30
#define NEED_TALLY_INTERVAL_S 10 /* how often new "me too" counts are sent to the commune */
#define NEED_LIST_LIMIT 50

/* ---- need.c ---- */
/* Load config/need_themes.json and config/need_quarters.json (a theme may override them): 0
 * or -1 (logged). */
int need_themes_load(struct app *app);
void need_themes_free(struct app *app);
/* The themes' codes, and whether code is one. */
json_t *need_themes(const struct app *app);
/* need_map.c: config/need_quarters.json (a theme may override it), the quarters' places on
 * the map, as {code: {lat_e6, lon_e6}}: a new reference, NULL (logged) when it is not valid. */
json_t *need_places_load(struct app *app);
/* The places loaded at start (borrowed). */
json_t *need_places(const struct app *app);
/* GET /needs.geojson: the needs' aggregate per quarter (a theme filter) on the map. */
void page_needs_geojson(struct request *req);
/* The per-quarter rows the map shows for the theme filter (NULL: all), labelled, with their
 * place when the quarter has one ({quarter, label, needs, supporters, answered, url,
 * lat_e6?, lon_e6?}): a new array, NULL when the database failed. */
json_t *need_map_rows(struct request *req, const char *theme);
bool need_theme_is_valid(const struct app *app, const char *code);
/* The label of a theme or quarter in req's language (code itself when unknown). */
const char *need_theme_label(struct request *req, const char *code);
const char *need_quarter_label(struct request *req, const char *code);
bool need_quarter_is_valid(const char *code);
/* NULL when text and name are acceptable; else the stable error code. */
const char *need_check(const char *text, const char *name);
/* Emit type for need row r in the caller's transaction (text and name committed). */
int need_emit(const char *type, json_t *r, json_t *data, char when[OUTBOX_TIME_SIZE]);
/* The view of a need row for req. */
json_t *need_view(struct request *req, json_t *row);

/* ---- page_need.c ---- */
void page_needs(struct request *req);
void page_need_new(struct request *req);
void page_need_create(struct request *req);
void page_need_item(struct request *req);
void page_need_me_too(struct request *req);
void page_need_withdraw(struct request *req);
/* ---- page_need_staff.c ---- */
void page_staff_needs(struct request *req);
void page_staff_need_answer(struct request *req);
/* ---- page_need_moderate.c ---- */
void page_staff_need_hide(struct request *req);
/* ---- hook_need.c ---- */
enum status hook_need(const struct hook_event *ev);
/* The restorer of the platform's own need.* events re-imported after a database restore
 * (docs/decisions/0010): the same checks, the own rows written back under their ids. */
enum status restore_need(const struct hook_event *ev);
int need_tally_run(struct app *app);
/* ---- need_stats.c ---- */
int need_accountability_fill(struct request *req, json_t *view);
/* ---- need_demo.c ---- */
int need_demo_load(struct app *app, const char *dir);

/* Its facts (module_side.facts), in its db file. */
int need_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
