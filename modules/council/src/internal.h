// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COUNCIL_INTERNAL_H
#define COUNCIL_INTERNAL_H

/* Between the council module's own files. */
#include "common/module.h"

#include <jansson.h>

struct request;

void council_item_extras(struct request *req, json_t *item, json_t *view);
void page_staff_deliberation_file(struct request *req);
void page_deliberation_file(struct request *req);
enum status hook_deliberation_file(const struct hook_event *ev);

#endif
