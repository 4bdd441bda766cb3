// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The moderators' side of reactions, on the citizen platform: the queue, newest first, and
 * hiding one with a public reason (the comment blanked for good, its SHA-256 kept, the action
 * written to the public moderation log and emitted as "reaction.hidden").
 */
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "db_reaction.h"
#include "moderation/moderation.h"

#include <stdio.h>

#define REACTION_QUEUE_PAGE 50 /* the moderators' queue */

void
page_staff_reactions(struct request *req)
{
	if (!page_require(req, "reactions.moderate"))
		return;
	long long before = page_before_param(req);
	if (before < 0)
		return;
	json_t *q = db_reaction_queue(req->app->side, before, REACTION_QUEUE_PAGE);
	if (!q) {
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(q, "items"), i, r)
	{
		json_t *v = reaction_target_view(req, r, reaction_view(req, r));
		json_object_set_new(
			v, "hide_action",
			json_sprintf("/staff/reactions/%lld/hide",
				     (long long)json_integer_value(json_object_get(r, "id"))));
		json_array_append_new(items, v);
	}
	json_t *view = json_pack("{s:o, s:b, s:b}", "items", items, "has_items",
				 json_array_size(items) > 0, "is_first", before == 0);
	json_t *next = json_object_get(q, "next");
	if (json_is_integer(next))
		json_object_set_new(view, "next_url",
				    json_sprintf("/staff/reactions?before=%lld",
						 (long long)json_integer_value(next)));
	json_decref(q);
	http_csrf(req);
	http_render(req, 200, "staff_reactions", view);
}

/* Emit "reaction.hidden" for the hidden reaction r and its log entry m. */
static int
emit_hidden(const char *side, json_t *r, json_t *m)
{
	char ids[24], mids[24];
	snprintf(ids, sizeof(ids), "%lld",
		 (long long)json_integer_value(json_object_get(r, "origin_id")));
	snprintf(mids, sizeof(mids), "%lld",
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	json_t *data = json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(r, "origin_id"),
				 "reason", json_object_get(m, "reason"), "comment_sha256",
				 json_object_get(m, "comment_sha256"), "moderation_id",
				 json_object_get(m, "origin_id"), "hidden_at",
				 json_object_get(m, "created_at"));
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "origin", side, "type", "reaction",
			  "id", ids, "origin", side, "type", "moderation", "id", mids);
	return outbox_emit("reaction.hidden", refs, data, NULL);
}

/* Erase the committed comment and name of hidden reaction r from both logs' content. */
static int
erase_content(const char *side, json_t *r, const char *reason)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld",
		 (long long)json_integer_value(json_object_get(r, "origin_id")));
	return outbox_erase(side, "reaction", ids, reason);
}

void
page_staff_reaction_hide(struct request *req)
{
	if (!page_require(req, "reactions.moderate"))
		return;
	long long id = page_parse_id(http_param(req, "id"));
	if (id < 0) {
		http_error(req, STATUS_NOT_FOUND, "reaction_not_found",
			   "there is no such reaction");
		return;
	}
	const char *reason = page_hide_reason(req);
	if (!reason)
		return;
	enum status st = STATUS_UNAVAILABLE;
	json_t *r = NULL, *m = NULL;
	if (db_begin() == 0) {
		r = db_reaction_hide(req->app->side, id, reason, NULL, NULL, &st);
		if (r)
			m = db_moderation_add(
				req->app->side, 0, "hide_reaction",
				arena_printf(req->arena, "reaction/%lld", id), reason,
				json_string_value(json_object_get(r, "comment_sha256")), NULL, &st);
		if (m && (emit_hidden(req->app->side, r, m) < 0 ||
			  erase_content(req->app->side, r, reason) < 0 || db_commit() < 0))
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		if (st == STATUS_NOT_FOUND)
			http_error(req, st, "reaction_not_found", "there is no such reaction");
		else if (st == STATUS_CONFLICT && r == NULL)
			http_error(req, st, "already_hidden", "this reaction is hidden already");
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the change could not be saved; try again in a minute");
		goto out;
	}
	log_info("reaction %lld hidden by account %lld (moderation %lld)", id, req->user->id,
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, moderation_view(req, m));
	else
		http_redirect(req, "/staff/reactions");
out:
	json_decref(r);
	json_decref(m);
}
