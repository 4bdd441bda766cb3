// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef CRITERIA_CRITERIA_H
#define CRITERIA_CRITERIA_H

/*
 * The competition's minimum criteria for this platform (config/criteria.json, a theme may
 * override it), each evaluated from the facts the served modules expose (common/module.h,
 * module_side.facts) over its period: /criteria and /.well-known/baladiya-criteria.json.
 */
#include <jansson.h>
#include <time.h>

struct app;

extern const struct module criteria_module;

/*
 * This platform's criteria as they stood at now: {platform, evaluated_at, met, total,
 * criteria: [{id, label, status "met"|"not_met", ...}]} (new reference), or NULL when the
 * database failed (logged).
 */
json_t *criteria_evaluate(struct app *app, time_t now);

#endif
