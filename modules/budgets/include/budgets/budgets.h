// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef BUDGETS_BUDGETS_H
#define BUDGETS_BUDGETS_H

/*
 * Budgets: a publication kind whose documents carry lines (strict CSV import on the official
 * platform, chunked "budget.lines" events, charts with their tables, year against year, CSV
 * open data on both platforms).
 */
extern const struct module budgets_module;

#endif
