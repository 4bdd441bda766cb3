// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REACTIONS_INTERNAL_H
#define REACTIONS_INTERNAL_H

/* Between the reactions module's own files, and its unit tests. */
#include "common/module.h"
#include "reactions/reactions.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

struct request;
struct app;

/* Who writes reactions, and whose items they are about (DESIGN.md §2). */
#define REACTION_OWNER "citizen"
#define REACTION_TARGET_OWNER "official"

#define REACTION_COMMENT_MAX 1000 /* characters, once trimmed */
#define REACTION_NAME_MAX 40

/* reaction.c: what a reaction is, for the form, the peer's events and the demo */

/* True for the kinds of items residents react to: "project", "deliberation", and those other
 * modules name through REACTION_KIND_EXT on app's platform (none when app is NULL). */
bool is_reaction_kind(const struct app *app, const char *kind);
/*
 * Check a reaction's stance ("support" or "concern"), comment (at most REACTION_COMMENT_MAX
 * characters, line feeds and tabs allowed, no other control) and display name (at most
 * REACTION_NAME_MAX characters on one line, nothing like an e-mail address or a phone number).
 * comment and name are valid UTF-8, "" when absent. NULL when fine, else the error code:
 * stance_required, invalid_stance, comment_too_long, invalid_comment, display_name_too_long,
 * invalid_display_name, display_name_personal.
 */
const char *reaction_check(const char *stance, const char *comment, const char *name);
/* The value of a JSON string without NUL bytes (jansson allows "\u0000"), or NULL. */
const char *reaction_plain_string(json_t *v);
/*
 * Store a reaction of side to item (a mirrored item of the target owner) and emit
 * "reaction.created", in one transaction. Returns the row (db_reaction_create's), or NULL with
 * *st (STATUS_NOT_FOUND: the item is not published; STATUS_TOO_MANY: the ceiling of
 * reaction.created is reached this minute; STATUS_UNAVAILABLE).
 */
json_t *reaction_create(const char *side, json_t *item, const char *stance, const char *comment,
			const char *name, enum status *st);

/* page_reaction.c: item pages and the residents' form */

/* The public view of one reaction row; the same on both platforms (ids are the origin's). */
json_t *reaction_view(struct request *req, json_t *r);
/* Adds to v (returned) the item reaction r is about, with a link when this platform has it. */
json_t *reaction_target_view(struct request *req, json_t *r, json_t *v);
/* reaction_item_extras, page_reaction_create: reactions/reactions.h */
/* GET /origin/{kind}/{id}: 303 to this platform's copy of the peer's item (the official
 * page's "react on the citizen platform" link). */
void page_pub_by_origin(struct request *req);

/* page_staff_reaction.c: moderators ("reactions.moderate") */
void page_staff_reactions(struct request *req);
void page_staff_reaction_hide(struct request *req);

/*
 * hook_reaction.c: the applier of "reaction.created" and "reaction.hidden". STATUS_NOT_FOUND
 * for another type; STATUS_INVALID, before any SQL, when the event does not come from
 * REACTION_OWNER or its data does not fit; then what the database says. Reads ev->origin,
 * ev->type and ev->data only.
 */
enum status hook_reaction(const struct hook_event *ev);
/* The restorer of the citizen platform's own reaction events re-imported after a database
 * restore (docs/decisions/0010): the same checks, the reaction written back under its id;
 * STATUS_CONFLICT while the commune's item it is about is not in the mirror yet. */
enum status restore_reaction(const struct hook_event *ev);

int reaction_demo_load(struct app *app, const char *dir); /* demo_reaction.c: reactions.json */

/* Its facts (module_side.facts), in its db file. */
int reaction_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
