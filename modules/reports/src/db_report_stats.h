// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_DB_REPORT_STATS_H
#define REPORTS_DB_REPORT_STATS_H

#include <jansson.h>

/*
 * The accountability figures' rows (db_report_stats.c), over public reports the commune
 * received: one row per category and one overall (category null), each {category, received,
 * answered, ever_resolved, resolved, disputed, overdue, answer_p50, answer_p90, resolve_p50,
 * resolve_p90}. Delays are whole seconds, rounded percentile_cont over the intervals.
 * target_days: JSON object text {category code: target days} (15 days for a code it lacks).
 * Returns the array (new reference), or NULL when the database failed (logged).
 */
json_t *db_report_stats(const char *target_days);

#endif
