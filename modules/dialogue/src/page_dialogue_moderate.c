// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The collective's moderators and residents' questions (citizen platform, grant
 * "dialogue.moderate"): the list, pending questions first; approving one (pre-moderation) makes
 * it public and sends it to the commune; hiding one with a public reason erases its texts on
 * both platforms and writes the action to the public moderation log.
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/http.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/secret.h"
#include "moderation/moderation.h"

#include <string.h>

#define MODERATE_PAGE 50

void
page_staff_dialogue_moderate(struct request *req)
{
	if (!page_require(req, "dialogue.moderate"))
		return;
	long long before = page_before_param(req);
	if (before < 0)
		return;
	json_t *list = db_question_staff_list(before, MODERATE_PAGE);
	if (!list) {
		page_db_unavailable(req);
		return;
	}
	json_t *items = questions_view(req, list);
	json_t *view = json_pack("{s:o, s:b, s:b}", "items", items, "has_items",
				 json_array_size(items) > 0, "is_first", before == 0);
	json_t *next = json_object_get(list, "next");
	if (json_is_integer(next))
		json_object_set_new(view, "next_url",
				    json_sprintf("/staff/dialogue?before=%lld",
						 (long long)json_integer_value(next)));
	json_decref(list);
	http_csrf(req);
	http_render(req, 200, "dialogue_staff_moderate", view);
}

void
page_staff_dialogue_approve(struct request *req)
{
	const char *ref;
	if (!page_require(req, "dialogue.moderate") || !(ref = dialogue_ref_param(req)))
		return;
	enum status st;
	json_t *q = question_approve(ref, &st);
	if (!q) {
		page_write_failed(req, st, "question_not_found", "question_not_pending");
		return;
	}
	log_info("question %s approved by account %lld", ref, req->user->id);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, question_view(req, q));
	else
		http_redirect(req, "/staff/dialogue");
	json_decref(q);
}

void
page_staff_dialogue_hide(struct request *req)
{
	const char *ref, *reason;
	if (!page_require(req, "dialogue.moderate") || !(ref = dialogue_ref_param(req)) ||
	    !(reason = page_hide_reason(req)))
		return;
	enum status st;
	json_t *m = question_hide(ref, reason, &st);
	if (!m) {
		page_write_failed(req, st, "question_not_found", "already_hidden");
		return;
	}
	log_info("question %s hidden by account %lld (moderation %lld)", ref, req->user->id,
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, moderation_view(req, m));
	else
		http_redirect(req, "/staff/dialogue");
	json_decref(m);
}
