// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REACTIONS_INTERNAL_H
#define REACTIONS_INTERNAL_H

/* Between the reactions module's own files. */
#include "common/module.h"

#include <jansson.h>

struct request;
struct app;

void reaction_item_extras(struct request *req, json_t *item, json_t *view);
void page_reaction_create(struct request *req);
void page_staff_reactions(struct request *req);
void page_staff_reaction_hide(struct request *req);
/* GET /origin/{kind}/{id}: 303 to this platform's copy of the peer's item (the official
 * page's "react on the citizen platform" link). */
void page_pub_by_origin(struct request *req);
enum status hook_reaction(const struct hook_event *ev);
int reaction_demo_load(struct app *app, const char *dir); /* reactions.json */

#endif
