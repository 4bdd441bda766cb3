// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What a verified participant does on a proposal's page (citizen platform): support and
 * withdraw (one support per verified contact, participation module; the tally in the same
 * transaction, where crossing the threshold forwards the proposal), follow (notify module, with
 * the contact they chose to keep for notifications), argue for or against, and mark an argument
 * helpful once. A resident not yet verified is sent to the verification page and back; a POST
 * without verification is refused and changes nothing.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_proposal.h"
#include "notify/notify.h"
#include "participation/participation.h"

#include <stdlib.h>
#include <string.h>

#define SUPPORT_RATE_PER_MINUTE 30
#define ARGUMENT_RATE_PER_MINUTE 5

void
proposal_add_actions(struct request *req, json_t *v, json_t *row)
{
	const char *ref = json_str(row, "ref");
	long long id = json_integer_value(json_object_get(row, "id"));
	bool open = strcmp(json_str(row, "visibility"), "public") == 0 &&
		    strcmp(json_str(row, "stage"), "expired") != 0;
	struct participant p;
	bool verified = participant_of(req, &p);
	json_object_set_new(v, "is_open", json_boolean(open));
	json_object_set_new(v, "is_verified", json_boolean(verified));
	if (verified) {
		bool supports = participation_supports("proposal", id, &p);
		json_object_set_new(v, "supports", json_boolean(supports));
		json_object_set_new(v, "support_action",
				    json_string(arena_printf(req->arena, "/proposals/%s/%s", ref,
							     supports ? "withdraw" : "support")));
	} else {
		char *url =
			participation_verify_url(arena_printf(req->arena, "/proposals/%s", ref));
		json_object_set_new(v, "verify_url", json_string(url));
		free(url);
	}
	json_object_set_new(v, "follow_action",
			    json_string(arena_printf(req->arena, "/proposals/%s/follow", ref)));
	json_object_set_new(v, "argument_action",
			    json_string(arena_printf(req->arena, "/proposals/%s/arguments", ref)));
	json_object_set_new(v, "argument_max", json_integer(PROPOSAL_ARGUMENT_MAX));
	json_object_set_new(v, "name_max", json_integer(PROPOSAL_NAME_MAX));
	const char *done = http_query_value(req, "done");
	if (done && (strcmp(done, "supported") == 0 || strcmp(done, "withdrawn") == 0 ||
		     strcmp(done, "followed") == 0 || strcmp(done, "argued") == 0 ||
		     strcmp(done, "helpful") == 0))
		json_object_set_new(
			v, "done",
			json_string(p_t(req, arena_printf(req->arena, "proposal_done_%s", done))));
	http_csrf(req);
}

/* The verified participant of a POST; otherwise the verification page that comes back to the
 * proposal (HTML: 303; JSON: 403 participation_required), and false. */
static bool
verified(struct request *req, json_t *row, struct participant *p)
{
	if (participant_of(req, p))
		return true;
	participation_require(req, arena_printf(req->arena, "/proposals/%s", json_str(row, "ref")));
	return false;
}

/* Back to the page with what was done, or its JSON. */
static void
done(struct request *req, json_t *row, const char *what)
{
	http_cache_bump();
	if (req->want_json) {
		http_json(req, 200,
			  json_pack("{s:s, s:s, s:O, s:O}", "done", what, "ref",
				    json_str(row, "ref"), "supporters",
				    json_object_get(row, "supporters"), "stage",
				    json_object_get(row, "stage")));
		return;
	}
	http_redirect(
		req, arena_printf(req->arena, "/proposals/%s?done=%s", json_str(row, "ref"), what));
}

/* The proposal of the route, open to supports (public, not expired), or replied. */
static json_t *
open_proposal(struct request *req)
{
	json_t *row = proposal_for_page(req);
	if (row && (strcmp(json_str(row, "visibility"), "public") != 0 ||
		    strcmp(json_str(row, "stage"), "expired") == 0)) {
		http_error(req, STATUS_CONFLICT, "support_closed",
			   "this proposal takes no more supports or arguments");
		json_decref(row);
		return NULL;
	}
	return row;
}

/* Support (+1) or withdraw (-1) in one transaction; replies. */
static void
change_support(struct request *req, int delta)
{
	struct participant p;
	json_t *row = open_proposal(req), *after = NULL;
	if (!row || !verified(req, row, &p) ||
	    !page_rate_allow(req, "proposal_support", SUPPORT_RATE_PER_MINUTE, "too_many_supports",
			     "too many supports from this connection"))
		goto out;
	long long id = json_integer_value(json_object_get(row, "id"));
	enum support_outcome o = SUPPORT_FAILED;
	enum status st = STATUS_UNAVAILABLE;
	int rc = -1;
	if (db_begin() == 0) {
		o = delta > 0 ? participation_support_add("proposal", id, &p)
			      : participation_support_remove("proposal", id, &p);
		if (o == SUPPORT_ADDED || o == SUPPORT_REMOVED) {
			after = db_proposal_count(id, delta, &st);
			rc = after ? (delta > 0 ? proposal_maybe_forward(after) : 0) : -1;
		}
		if (rc < 0 || db_commit() < 0)
			db_rollback();
	}
	if (o == SUPPORT_ALREADY)
		http_error(req, STATUS_CONFLICT, "already_supported",
			   "this contact supports this proposal already");
	else if (o == SUPPORT_ABSENT)
		http_error(req, STATUS_CONFLICT, "not_supporting",
			   "this contact does not support this proposal");
	else if (rc == OUTBOX_BUSY)
		page_busy(req);
	else if (rc < 0)
		page_write_failed(req, STATUS_UNAVAILABLE, "proposal_not_found", "");
	else
		done(req, after, delta > 0 ? "supported" : "withdrawn");
out:
	json_decref(after);
	json_decref(row);
}

void
page_proposal_support(struct request *req)
{
	change_support(req, 1);
}

void
page_proposal_withdraw(struct request *req)
{
	change_support(req, -1);
}

void
page_proposal_follow(struct request *req)
{
	struct participant p;
	json_t *row = proposal_for_page(req);
	if (!row || !verified(req, row, &p))
		goto out;
	char channel[8], to[256], token[SECRET_TOKEN_SIZE];
	if (!participant_contact(&p, channel, to, sizeof(to))) {
		http_error(req, STATUS_CONFLICT, "contact_not_kept",
			   "to follow, verify again and tick \"notify me\": the platform keeps "
			   "your contact only when you ask it to write to you");
		goto out;
	}
	if (notify_follow("proposal", json_str(row, "ref"), channel, to, p.lang, token) < 0) {
		page_write_failed(req, STATUS_UNAVAILABLE, "proposal_not_found", "");
		goto out;
	}
	done(req, row, "followed");
out:
	json_decref(row);
}

/* An argument's checks: NULL or the code, *field. */
static const char *
argument_check(const char *side, const char *body, const char *name, const char **field)
{
	const char *code;
	*field = "side";
	if (!side || (strcmp(side, "for") && strcmp(side, "against")))
		return "invalid_side";
	*field = "body";
	if ((code = proposal_text_check(body, PROPOSAL_ARGUMENT_MAX, true)))
		return code;
	*field = "name";
	return proposal_name_check(name);
}

/* The argument and its event in one transaction: STATUS_OK, CONFLICT (the same text is there
 * already: a form sent twice), TOO_MANY or UNAVAILABLE. */
static enum status
argue_tx(struct request *req, json_t *row, const char *side, const char *body, const char *name)
{
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return st;
	long long id = json_integer_value(json_object_get(row, "id"));
	json_t *a = db_argument_create(PROPOSAL_OWNER, id, side, body, name, req->lang, &st);
	if (a) {
		json_t *data = json_pack("{s:O, s:s, s:s, s:s, s:s}", "id",
					 json_object_get(a, "origin_id"), "side", side, "body",
					 body, "author_name", name, "lang", req->lang);
		int rc = proposal_argument_emit(
			"proposal.argued", a, json_integer_value(json_object_get(row, "origin_id")),
			data);
		st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY : rc < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
		json_decref(a);
	} else if (st == STATUS_NOT_FOUND) {
		st = STATUS_CONFLICT;
	}
	if (st != STATUS_OK || db_commit() < 0) {
		db_rollback();
		return st == STATUS_OK ? STATUS_UNAVAILABLE : st;
	}
	return STATUS_OK;
}

void
page_proposal_argue(struct request *req)
{
	struct participant p;
	json_t *row = open_proposal(req);
	if (!row || !verified(req, row, &p))
		goto out;
	const char *side = http_form(req, "side");
	const char *body = text_clean(req, http_form(req, "body"));
	const char *name = text_clean(req, http_form(req, "name"));
	const char *field, *code = argument_check(side, body, name, &field);
	if (code) {
		log_info("argument refused: %s (%s)", code, field);
		http_error(req, STATUS_INVALID, code, "the argument does not fit the form's rules");
		goto out;
	}
	if (!page_rate_allow(req, "proposal_argument", ARGUMENT_RATE_PER_MINUTE,
			     "too_many_arguments", "too many arguments from this connection"))
		goto out;
	enum status st = argue_tx(req, row, side, body, name);
	if (st == STATUS_CONFLICT)
		http_error(req, st, "duplicate_argument", "this argument is there already");
	else if (st != STATUS_OK)
		page_write_failed(req, st, "proposal_not_found", "");
	else
		done(req, row, "argued");
out:
	json_decref(row);
}

void
page_proposal_helpful(struct request *req)
{
	struct participant p;
	json_t *a = proposal_argument_for_page(req);
	if (!a)
		return;
	long long aid = json_integer_value(json_object_get(a, "id"));
	if (!verified(req, a, &p))
		goto out;
	if (strcmp(json_str(a, "visibility"), "public") != 0) {
		http_error(req, STATUS_CONFLICT, "argument_hidden", "this argument is hidden");
		goto out;
	}
	enum support_outcome o = SUPPORT_FAILED;
	long long n = -1;
	if (db_begin() == 0) {
		o = participation_support_add("proposal_argument", aid, &p);
		if (o == SUPPORT_ADDED)
			n = db_argument_helpful(aid);
		if (n < 0 || db_commit() < 0)
			db_rollback();
	}
	if (o == SUPPORT_ALREADY)
		http_error(req, STATUS_CONFLICT, "already_marked",
			   "this contact marked this argument helpful already");
	else if (n < 0)
		page_write_failed(req, STATUS_UNAVAILABLE, "argument_not_found", "");
	else if (req->want_json)
		http_json(req, 200,
			  json_pack("{s:I, s:I}", "id", (json_int_t)aid, "helpful", (json_int_t)n));
	else
		http_redirect(req, arena_printf(req->arena, "/proposals/%s?done=helpful#arguments",
						json_str(a, "ref")));
	http_cache_bump();
out:
	json_decref(a);
}
