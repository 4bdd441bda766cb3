// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_REPORT_STATS_H
#define REPORTS_REPORT_STATS_H

#include <jansson.h>

/*
 * The accountability figures of residents' reports, shown on /accountability on both
 * platforms. They are computed with the same SQL on both sides from the same rows, whose times
 * are the signed events' occurred_at (docs/decisions/0007-reports.md), so both sides publish the
 * same numbers.
 */
struct request;

/*
 * Below this many reports, a figure (a median, a share) is not shown: "not enough reports".
 * A constant, not a setting, so that both platforms always apply the same threshold.
 */
#define REPORT_STATS_MIN_SAMPLE 5

/*
 * Per category (those with at least one received report) and overall, over public reports the
 * commune has received: median and 90th percentile of the time from receipt to first answer
 * and to resolution (seconds, and a text in hours or days in the reader's language), share
 * resolved (the commune's status is "resolved" now), share disputed (at least one dispute),
 * share overdue (resolved later than the category's target delay, or still open past it).
 * Returns {min_sample, overall, categories: [...]} (new reference), or NULL when the database
 * failed (logged).
 */
json_t *report_stats(struct request *req);

#endif
