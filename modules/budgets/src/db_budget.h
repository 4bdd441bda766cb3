// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef BUDGETS_DB_BUDGET_H
#define BUDGETS_DB_BUDGET_H

/* The budget lines' SQL (table budget_lines, migration 0005). */

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The lines of a budget document, in order; NULL on failure. */
json_t *db_budget_lines(long long pub_id);

/* Append lines to a document's, numbering them from first_line_no (the caller's transaction). */
int db_budget_lines_append(long long pub_id, long long first_line_no, json_t *lines);

/* Replace all the lines of a document, [{section, chapter, article, label, planned, executed}]
 * (the caller's transaction). */
int db_budget_lines_set(long long pub_id, json_t *lines);

/* How many lines a document has, or -1 on failure. */
long long db_budget_lines_count(long long pub_id);

/*
 * The published budget documents of origin and type (bp|bs|ca) up to max_year, the limit most
 * recent, oldest first, with their totals: [{id, year, planned, executed, lines}]. NULL on
 * failure.
 */
json_t *db_budget_year_totals(const char *origin, const char *type, int max_year, int limit);

#endif
