// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef BUDGETS_INTERNAL_H
#define BUDGETS_INTERNAL_H

/* Between the budgets module's own files (and its unit tests). */
#include "common/module.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct app;
struct request;
struct strbuf;

#define BUDGET_CSV_MAX_BYTES (4 * 1024 * 1024)
#define BUDGET_MAX_LINES 20000
#define BUDGET_AMOUNT_MAX 10000000000000LL /* 10^13 DA */
#define BUDGET_CODE_MAX 32                 /* chapter, article: characters */
#define BUDGET_LABEL_MAX 300
#define BUDGET_ERRORS_KEPT 1000 /* problems listed in the JSON answer */

/* ---- the lines (budget_csv.c): checked the same way from a CSV file and a peer's event ---- */

#define BUDGET_NSECTIONS 2
#define BUDGET_NCOLUMNS 6
/* "fonctionnement", "equipement": the sections as stored and sent */
extern const char *const budget_sections[BUDGET_NSECTIONS];
/* section, chapter, article, label, planned, executed: the file's columns and a line's keys */
extern const char *const budget_columns[BUDGET_NCOLUMNS];

/* The index of a stored section name in budget_sections, or -1. */
int budget_section_index(const char *s);
/* A peer's line: {section, chapter, article, label, planned, executed}, exactly. */
bool budget_line_is_valid(json_t *l);

/* The problems of a refused file. */
struct budget_problems {
	json_t *list; /* [{line, reason}], the first BUDGET_ERRORS_KEPT (the caller's array) */
	size_t count; /* all of them */
};

/*
 * Read a budget CSV file (the strict import: the whole file or nothing) into its lines
 * [{section, chapter, article, label, planned, executed}]. NULL when the file is refused:
 * *file_error names a problem of the whole file ("csv_empty", "csv_not_utf8",
 * "csv_no_lines"), or else pb lists the problems by line, e.g. {line: 3, reason:
 * "planned_not_a_number"} (the caller answers "invalid_csv").
 */
json_t *budget_csv_parse(const char *data, size_t len, const char **file_error,
			 struct budget_problems *pb);

/* The lines as the open-data CSV file (the header, then a line a record, CRLF), appended to
 * out: what budget_csv_parse reads back the same. Text cells that a spreadsheet would take for
 * a formula get a leading single quote (csv_add_text); the import removes it again. */
void budget_csv_write(struct strbuf *out, json_t *lines);

/* ---- the import (page_staff_budget.c) ---- */

/*
 * Replace the lines of own document id, in the caller's transaction, with their "budget.lines"
 * events when it is public (*events: how many). A draft's lines travel when it is published.
 */
enum status budget_import_lines(const char *side, long long id, json_t *lines, int *events);
int budget_lines_on_publish(const char *side, long long id);
void page_staff_budget_lines(struct request *req);

/* ---- the public pages (page_budget.c), the applier, the demo ---- */

/* The path's budget document (drafts too when include_drafts), or NULL after replying 404
 * budget_not_found or 503. The caller decrefs it. */
json_t *budget_load(struct request *req, bool include_drafts);
void budget_item_extras(struct request *req, json_t *item, json_t *view);
void page_budget_lines_csv(struct request *req);
enum status hook_budget_lines(const struct hook_event *ev);
int budget_demo_load(struct app *app, const char *dir); /* budgets/ *.csv */

#endif
