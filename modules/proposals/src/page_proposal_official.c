// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The commune's side of proposals (official platform, grant "proposals.answer"): the queue of
 * forwarded proposals by due date with their countdowns, and the form that moves a proposal
 * through examined in commission -> on the council's agenda (session date) -> adopted or
 * refused (a reasoned answer in Arabic and French, a link to the deliberation). Each move is
 * the commune's signed proposal.stage, which the citizen platform applies.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/auth.h"
#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_proposal.h"

#include <string.h>

#define QUEUE_MAX 200

void
page_staff_proposals_due(struct request *req)
{
	if (!page_require(req, "proposals.answer"))
		return;
	json_t *rows = db_proposal_due_list(QUEUE_MAX);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *v = proposal_view(req, r);
		json_object_set_new(v, "staff_url",
				    json_string(arena_printf(req->arena, "/staff/proposals/%s",
							     json_str(r, "ref"))));
		json_array_append_new(items, v);
	}
	json_decref(rows);
	http_render(req, 200, "proposal_due",
		    json_pack("{s:o, s:b}", "items", items, "has_items", json_array_size(items)));
}

/* The commune's stages a form offers after stage current. */
static json_t *
next_stages(struct request *req, const char *current)
{
	static const char *const stages[] = {"examined", "agenda", "adopted", "refused"};
	json_t *out = json_array();
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (!proposal_stage_check(current, stages[i]))
			json_array_append_new(out,
					      json_pack("{s:s, s:s}", "value", stages[i], "label",
							proposal_stage_label(req, stages[i])));
	return out;
}

static void
render_form(struct request *req, json_t *row, const char *code, const char *field,
	    unsigned http_status)
{
	json_t *v = proposal_item_view(req, row);
	if (!v) {
		page_db_unavailable(req);
		return;
	}
	json_t *next = next_stages(req, json_str(row, "stage"));
	json_object_set_new(v, "has_next", json_boolean(json_array_size(next) > 0));
	json_object_set_new(v, "next_stages", next);
	json_object_set_new(v, "stage_action",
			    json_string(arena_printf(req->arena, "/staff/proposals/%s/stage",
						     json_str(row, "ref"))));
	if (code)
		json_object_set_new(v, "error",
				    json_pack("{s:s, s:s, s:s}", "code", code, "message",
					      p_t(req, arena_printf(req->arena, "error_%s", code)),
					      "field", field));
	http_csrf(req);
	http_render(req, http_status, "proposal_answer", v);
}

static json_t *
staff_row(struct request *req)
{
	return proposal_for_staff(req, "proposals.answer");
}

void
page_staff_proposal_answer(struct request *req)
{
	json_t *row = staff_row(req);
	if (row)
		render_form(req, row, NULL, NULL, 200);
	json_decref(row);
}

/* The form's fields for stage: NULL when they fit, else the code and *field. */
static const char *
stage_fields(struct request *req, const char *stage, const char **date, json_t **answer,
	     const char **url, const char **field)
{
	*date = http_form_value(req, "session_date");
	*url = http_form_value(req, "deliberation_url");
	const char *ar = text_clean(req, http_form(req, "answer_ar"));
	const char *fr = text_clean(req, http_form(req, "answer_fr"));
	*field = "session_date";
	if (strcmp(stage, "agenda") == 0 && !is_iso_date(*date))
		return "session_date_required";
	if (strcmp(stage, "agenda") != 0)
		*date = NULL;
	if (!proposal_stage_is_answered(stage)) {
		*url = NULL;
		return NULL;
	}
	*field = "answer_fr";
	const char *code;
	if ((code = proposal_text_check(ar, PROPOSAL_ANSWER_MAX, true)) ||
	    (code = proposal_text_check(fr, PROPOSAL_ANSWER_MAX, true))) {
		if (strcmp(code, "empty_text") == 0)
			return "reasoned_answer_required";
		return code;
	}
	*field = "deliberation_url";
	if (*url && !proposal_url_is_valid(*url))
		return "invalid_url";
	*answer = json_pack("{s:s, s:s}", "ar", ar, "fr", fr);
	return NULL;
}

void
page_staff_proposal_stage(struct request *req)
{
	json_t *row = staff_row(req), *answer = NULL, *locked = NULL;
	if (!row)
		return;
	const char *stage = http_form(req, "stage"), *date, *url, *field = "stage";
	const char *code = proposal_stage_check(json_str(row, "stage"), stage);
	/* a move the proposal's stage does not allow conflicts; a wrong field is bad input */
	enum status cst = code && strcmp(code, "unknown_stage") ? STATUS_CONFLICT : STATUS_INVALID;
	if (!code)
		code = stage_fields(req, stage, &date, &answer, &url, &field);
	if (code) {
		if (req->want_json)
			http_error(req, cst, code, "the commune's stage does not fit");
		else
			render_form(req, row, code, field, status_http(cst));
		goto out;
	}
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		/* the row again, locked: two agents at once make one move, not two */
		locked = db_proposal_lock_origin(
			json_str(row, "origin"),
			json_integer_value(json_object_get(row, "origin_id")), &st);
		if (locked && proposal_stage_check(json_str(locked, "stage"), stage))
			st = STATUS_CONFLICT;
		else if (locked)
			st = proposal_stage_emit(locked, stage, date, answer, url);
		if (st != STATUS_OK || db_commit() < 0) {
			db_rollback();
			if (st == STATUS_OK)
				st = STATUS_UNAVAILABLE;
		}
	}
	if (st != STATUS_OK) {
		page_write_failed(req, st, "proposal_not_found", "stage_backwards");
		goto out;
	}
	log_info("proposal %s: stage %s by account %lld", json_str(row, "ref"), stage,
		 req->user->id);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200,
			  json_pack("{s:s, s:s}", "ref", json_str(row, "ref"), "stage", stage));
	else
		http_redirect(
			req, arena_printf(req->arena, "/staff/proposals/%s", json_str(row, "ref")));
out:
	json_decref(answer);
	json_decref(locked);
	json_decref(row);
}
