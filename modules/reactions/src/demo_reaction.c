// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The reactions part of "citizen-srv demo load DIR": DIR/reactions.json, written through the
 * residents' path (row and signed event in one transaction).
 */
#include "internal.h"

#include "common/app.h"
#include "common/demo.h"
#include "db_reaction.h"
#include "publications/db_publication.h"

#include <stdio.h>
#include <string.h>

/* The mirrored item of kind whose title (in any language) is title, or NULL. */
static json_t *
demo_find_item(struct app *app, const char *kind, const char *title)
{
	json_t *items = db_pub_list_own(app->peer_side, kind, 10000);
	json_t *found = NULL;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *lang;
		json_t *t;
		json_object_foreach(json_object_get(json_object_get(it, "data"), "title"), lang, t)
		{
			if (!found && json_is_string(t) && strcmp(json_string_value(t), title) == 0)
				found = json_incref(it);
		}
	}
	json_decref(items);
	return found;
}

/*
 * Entry i of reactions.json: {"kind": "project", "title": "<the item's title in one language>",
 * "stance": "support", "comment": "...", "display_name": "..."}. The items are the commune's,
 * mirrored from its events: those not here yet wait (load again once in sync).
 */
static int
demo_reaction_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	const char *kind = json_string_value(json_object_get(e, "kind"));
	const char *title = json_string_value(json_object_get(e, "title"));
	const char *stance = json_string_value(json_object_get(e, "stance"));
	const char *comment = reaction_plain_string(json_object_get(e, "comment"));
	const char *name = reaction_plain_string(json_object_get(e, "display_name"));
	if (!is_reaction_kind(app, kind) || !title || !comment || !name ||
	    reaction_check(stance, comment, name)) {
		fprintf(stderr, "%s: entry %zu is not a valid reaction\n", path, i);
		return -1;
	}
	json_t *item = demo_find_item(app, kind, title);
	if (!item || strcmp(json_string_value(json_object_get(item, "status")), "published") != 0) {
		json_decref(item);
		n->waiting++;
		return 0;
	}
	long long have = db_reaction_find(REACTION_TARGET_OWNER, kind,
					  json_integer_value(json_object_get(item, "origin_id")),
					  stance, comment, name);
	json_t *r = NULL;
	enum status st = STATUS_UNAVAILABLE;
	if (have == 0) /* the residents' path: row and signed event in one transaction */
		r = reaction_create(app->side, item, stance, comment, name, &st);
	json_decref(item);
	if (have < 0 || (have == 0 && !r)) {
		/* a refusal that logged nothing (an event ceiling) still says which entry */
		fprintf(stderr, "%s: entry %zu could not be added (status %d)\n", path, i,
			have < 0 ? -1 : (int)st);
		return -1;
	}
	json_decref(r);
	if (have > 0)
		n->present++;
	else
		n->added++;
	return 0;
}

static const struct demo_file reaction_demo = {
	.name = "reactions.json",
	.owner = REACTION_OWNER,
	.what = "reactions are written",
	.noun = "demo reactions",
	.waiting = " demo reactions wait for the commune's items, not mirrored here yet; load the"
		   " demo again once the platforms are paired and in sync",
	.entry = demo_reaction_entry,
};

int
reaction_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &reaction_demo);
}
