// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef BUDGETS_INTERNAL_H
#define BUDGETS_INTERNAL_H

/* Between the budgets module's own files. */
#include "common/module.h"

#include <jansson.h>

struct request;
struct app;

void budget_item_extras(struct request *req, json_t *item, json_t *view);
int budget_lines_on_publish(const char *side, long long id);
void page_staff_budget_lines(struct request *req);
void page_budget_lines_csv(struct request *req);
enum status hook_budget_lines(const struct hook_event *ev);
int budget_demo_load(struct app *app, const char *dir); /* budgets/ *.csv */

#endif
