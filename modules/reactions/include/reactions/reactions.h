// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REACTIONS_REACTIONS_H
#define REACTIONS_REACTIONS_H

/*
 * Residents' reactions to the commune's projects and deliberations: written on the citizen
 * platform (stance, comment, chosen name; nothing personal), moderated there, mirrored with
 * their counts on the official item pages.
 */
extern const struct module reactions_module;

struct request;
#include <jansson.h>

/*
 * Another module's kind of publication that residents react to: it lists
 * {REACTION_KIND_EXT, "<kind name>"} in its extends, its own PUB_EXTENSION for the kind calls
 * reaction_item_extras (and shows the partial "reaction_extras"), and the citizen platform
 * serves "POST /<kind path>/{id}/reactions" with page_reaction_create.
 */
#define REACTION_KIND_EXT "reaction.kind"
/* The reactions part of an item page's view (view.reactions), for its PUB_EXTENSION. */
void reaction_item_extras(struct request *req, json_t *item, json_t *view);
/* POST /<kind path>/{id}/reactions (citizen platform): a resident's reaction to an item. */
void page_reaction_create(struct request *req);

#endif
