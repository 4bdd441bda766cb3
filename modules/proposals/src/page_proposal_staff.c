// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The collective's moderation of proposals on the citizen platform (grant
 * "proposals.moderate"): the queue, pending proposals first; approving a pre-moderated one (it
 * becomes public and goes to the commune); hiding a proposal or an argument with the public
 * reason in the moderation log. Hiding blanks the texts here, erases the committed content of
 * every event about it on both sides, and tells the commune with a signed event.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_proposal.h"
#include "moderation/moderation.h"
#include "notify/notify.h"

#include <stdio.h>
#include <string.h>

#define STAFF_PAGE 50

static json_t *
queue_rows(struct request *req, json_t *rows)
{
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *v = proposal_view(req, r);
		const char *ref = json_str(r, "ref");
		json_object_set_new(
			v, "approve_action",
			json_string(arena_printf(req->arena, "/staff/proposals/%s/approve", ref)));
		json_object_set_new(
			v, "hide_action",
			json_string(arena_printf(req->arena, "/staff/proposals/%s/hide", ref)));
		json_array_append_new(out, v);
	}
	return out;
}

void
page_staff_proposals(struct request *req)
{
	if (!page_require(req, "proposals.moderate"))
		return;
	json_t *list = db_proposal_staff_list(STAFF_PAGE);
	if (!list) {
		page_db_unavailable(req);
		return;
	}
	json_t *pending = queue_rows(req, json_object_get(list, "pending"));
	json_t *others = queue_rows(req, json_object_get(list, "others"));
	json_decref(list);
	json_t *v = json_pack("{s:o, s:o, s:b, s:b}", "pending", pending, "others", others,
			      "has_pending", json_array_size(pending) > 0, "has_others",
			      json_array_size(others) > 0);
	http_csrf(req);
	http_render(req, 200, "proposal_staff", v);
}

/* The proposal of {ref} for a moderator, or replied. */
static json_t *
staff_proposal(struct request *req)
{
	return proposal_for_staff(req, "proposals.moderate");
}

static void
staff_done(struct request *req, json_t *row)
{
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, proposal_view(req, row));
	else
		http_redirect(req, "/staff/proposals");
}

void
page_staff_proposal_approve(struct request *req)
{
	json_t *row = staff_proposal(req), *done = NULL;
	if (!row)
		return;
	enum status st = STATUS_UNAVAILABLE;
	if (strcmp(json_str(row, "visibility"), "pending") != 0) {
		http_error(req, STATUS_CONFLICT, "not_pending", "this proposal is not waiting");
		goto out;
	}
	if (db_begin() == 0) {
		done = proposal_publish(row, &st);
		if (done && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		page_write_failed(req, st, "proposal_not_found", "not_pending");
		goto out;
	}
	log_info("proposal %s approved by account %lld", json_str(row, "ref"), req->user->id);
	staff_done(req, done);
out:
	json_decref(done);
	json_decref(row);
}

/*
 * Hide in the caller's transaction: the row, the committed content of its events, its follows,
 * the moderation log's entry and, when it was public, proposal.hidden (a pending proposal was
 * never sent). *st: OK, CONFLICT (hidden already), UNAVAILABLE.
 */
static json_t *
hide_in_tx(struct request *req, json_t *row, const char *reason, enum status *st)
{
	long long id = json_integer_value(json_object_get(row, "id"));
	long long oid = json_integer_value(json_object_get(row, "origin_id"));
	bool was_public = strcmp(json_str(row, "visibility"), "public") == 0;
	json_t *hidden = db_proposal_hide(id, reason, NULL, st);
	if (!hidden)
		return NULL;
	*st = STATUS_UNAVAILABLE;
	if (proposal_erase("proposal", oid, reason) < 0 ||
	    notify_unfollow_item("proposal", json_str(row, "ref")) < 0)
		return hidden;
	json_t *m = db_moderation_add(req->app->side, 0, "hide_proposal",
				      arena_printf(req->arena, "proposal/%lld", oid), reason,
				      json_str(hidden, "text_sha256"), NULL, st);
	if (m && was_public) {
		json_t *data =
			json_pack("{s:I, s:s, s:O, s:O}", "id", (json_int_t)oid, "reason", reason,
				  "text_sha256", json_object_get(hidden, "text_sha256"),
				  "moderation_id", json_object_get(m, "origin_id"));
		if (proposal_emit("proposal.hidden", row, data, NULL) < 0)
			*st = STATUS_UNAVAILABLE;
	}
	json_decref(m);
	return hidden;
}

void
page_staff_proposal_hide(struct request *req)
{
	json_t *row = staff_proposal(req), *hidden = NULL;
	if (!row)
		return;
	const char *reason = page_hide_reason(req);
	if (!reason)
		goto out;
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		hidden = hide_in_tx(req, row, reason, &st);
		if (st == STATUS_OK && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		page_write_failed(req, st, "proposal_not_found", "already_hidden");
		goto out;
	}
	log_info("proposal %s hidden by account %lld", json_str(row, "ref"), req->user->id);
	staff_done(req, hidden);
out:
	json_decref(hidden);
	json_decref(row);
}

/* Hide argument a in the caller's transaction, as hide_in_tx does for a proposal. */
static enum status
hide_argument_tx(struct request *req, json_t *a, const char *reason)
{
	enum status st;
	long long oid = json_integer_value(json_object_get(a, "origin_id"));
	json_t *hidden =
		db_argument_hide(json_integer_value(json_object_get(a, "id")), reason, &st);
	if (!hidden)
		return st;
	json_t *m = NULL;
	if (proposal_erase("proposal_argument", oid, reason) < 0 ||
	    !(m = db_moderation_add(req->app->side, 0, "hide_argument",
				    arena_printf(req->arena, "proposal_argument/%lld", oid), reason,
				    json_str(hidden, "text_sha256"), NULL, &st))) {
		json_decref(hidden);
		return STATUS_UNAVAILABLE;
	}
	json_t *data = json_pack("{s:I, s:s, s:O, s:O}", "id", (json_int_t)oid, "reason", reason,
				 "text_sha256", json_object_get(hidden, "text_sha256"),
				 "moderation_id", json_object_get(m, "origin_id"));
	/* own arguments of own proposals: the local proposal id is its origin id */
	int rc =
		proposal_argument_emit("proposal.argument_hidden", a,
				       json_integer_value(json_object_get(a, "proposal_id")), data);
	json_decref(m);
	json_decref(hidden);
	return rc < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

void
page_staff_argument_hide(struct request *req)
{
	json_t *a =
		page_require(req, "proposals.moderate") ? proposal_argument_for_page(req) : NULL;
	if (!a)
		return;
	long long aid = json_integer_value(json_object_get(a, "id"));
	enum status st;
	const char *reason = page_hide_reason(req);
	if (reason) {
		st = STATUS_UNAVAILABLE;
		if (db_begin() == 0) {
			st = hide_argument_tx(req, a, reason);
			if (st == STATUS_OK && db_commit() < 0)
				st = STATUS_UNAVAILABLE;
			if (st != STATUS_OK)
				db_rollback();
		}
		if (st != STATUS_OK) {
			page_write_failed(req, st, "argument_not_found", "already_hidden");
		} else {
			log_info("argument %lld hidden by account %lld", aid, req->user->id);
			http_cache_bump();
			http_redirect(req, arena_printf(req->arena, "/proposals/%s#arguments",
							json_str(a, "ref")));
		}
	}
	json_decref(a);
}
