// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What a reaction is, for every path that takes one (the residents' form, the peer's events, the
 * demo): the kinds of items it is about, the checks of its texts, and the write path of a new
 * one (row and signed "reaction.created" in one transaction).
 */
#include "internal.h"

#include "common/db.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "db_reaction.h"

#include <stdio.h>
#include <string.h>

struct kind_ctx {
	const char *kind;
	bool found;
};

static void
match_kind(const void *impl, void *ctx)
{
	struct kind_ctx *c = ctx;
	c->found = c->found || strcmp(impl, c->kind) == 0;
}

bool
is_reaction_kind(const struct app *app, const char *kind)
{
	if (!kind)
		return false;
	if (strcmp(kind, "project") == 0 || strcmp(kind, "deliberation") == 0)
		return true;
	struct kind_ctx c = {kind, false};
	if (app)
		module_each_ext(app, REACTION_KIND_EXT, match_kind, &c);
	return c.found;
}

static bool
is_stance(const char *s)
{
	return s && (strcmp(s, "support") == 0 || strcmp(s, "concern") == 0);
}

const char *
reaction_check(const char *stance, const char *comment, const char *name)
{
	if (!stance || !*stance)
		return "stance_required";
	if (!is_stance(stance))
		return "invalid_stance";
	if (utf8_length(comment) > REACTION_COMMENT_MAX)
		return "comment_too_long";
	if (text_has_control(comment, true))
		return "invalid_comment";
	if (utf8_length(name) > REACTION_NAME_MAX)
		return "display_name_too_long";
	if (text_has_control(name, false))
		return "invalid_display_name";
	if (text_looks_personal(name))
		return "display_name_personal";
	return NULL;
}

const char *
reaction_plain_string(json_t *v)
{
	const char *s = json_string_value(v);
	return s && strlen(s) == json_string_length(v) ? s : NULL;
}

/* Emit "reaction.created" for r (a row of db_reaction_create) in the caller's transaction. */
static int
emit_created(const char *side, json_t *r)
{
	json_t *target = json_object_get(r, "target");
	long long id = json_integer_value(json_object_get(r, "origin_id"));
	char ids[24], tids[24];
	snprintf(ids, sizeof(ids), "%lld", id);
	snprintf(tids, sizeof(tids), "%lld",
		 (long long)json_integer_value(json_object_get(target, "id")));
	json_t *data = json_pack(
		"{s:I, s:{s:O, s:O, s:O}, s:O, s:O, s:O, s:O}", "id", (json_int_t)id, "target",
		"origin", json_object_get(target, "origin"), "kind",
		json_object_get(target, "kind"), "id", json_object_get(target, "id"), "stance",
		json_object_get(r, "stance"), "comment", json_object_get(r, "comment"),
		"display_name", json_object_get(r, "display_name"), "created_at",
		json_object_get(r, "created_at"));
	json_t *refs = json_pack("[{s:s, s:s, s:s}, {s:O, s:O, s:s}]", "origin", side, "type",
				 "reaction", "id", ids, "origin", json_object_get(target, "origin"),
				 "type", json_object_get(target, "kind"), "id", tids);
	/* what the resident wrote is committed, not carried (docs/decisions/0008) */
	static const char *const committed[] = {"comment", "display_name", NULL};
	return outbox_emit_committed("reaction.created", refs, data, committed, NULL);
}

json_t *
reaction_create(const char *side, json_t *item, const char *stance, const char *comment,
		const char *name, enum status *st)
{
	json_t *r = NULL;
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return NULL;
	r = db_reaction_create(side, json_string_value(json_object_get(item, "origin")),
			       json_string_value(json_object_get(item, "kind")),
			       json_integer_value(json_object_get(item, "origin_id")), stance,
			       comment, name, st);
	int rc = r ? emit_created(side, r) : 0;
	if (r && (rc < 0 || db_commit() < 0)) {
		json_decref(r);
		r = NULL;
		*st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY : STATUS_UNAVAILABLE;
	}
	if (!r)
		db_rollback();
	return r;
}
