// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The commune's side of needs (official platform): its staff read the needs mirrored from the
 * citizen platform, unanswered first, and answer them; an answer is the commune's signed
 * need.answered event, shown on both platforms.
 */
#include "internal.h"

#include "db_need.h"

#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/app.h"
#include "common/page_util.h"

#include <string.h>

void
page_staff_needs(struct request *req)
{
	/* the commune answers (official); the collective's moderators hide (citizen) */
	bool moderate = strcmp(req->app->side, NEED_OWNER) == 0;
	if (!page_require(req, moderate ? "needs.moderate" : "needs.answer"))
		return;
	json_t *rows = db_need_list(NULL, NULL, 200);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	json_t *open = json_array(), *answered = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *v = need_view(req, r);
		json_object_set_new(
			v, "action",
			json_sprintf("/staff/needs/%lld/%s",
				     (long long)json_integer_value(json_object_get(r, "origin_id")),
				     moderate ? "hide" : "answer"));
		json_array_append_new(
			json_is_string(json_object_get(r, "answer")) ? answered : open, v);
	}
	json_decref(rows);
	http_render(req, 200, "need_staff",
		    json_pack("{s:o, s:o, s:b, s:b}", "open", open, "answered", answered, "saved",
			      http_query_value(req, "saved") != NULL, "moderate", moderate));
}

void
page_staff_need_answer(struct request *req)
{
	if (!page_require(req, "needs.answer"))
		return;
	long long id = page_parse_id(http_param(req, "id"));
	const char *answer = text_clean(req, http_form(req, "answer"));
	if (!answer || is_blank(answer) || utf8_length(answer) > NEED_ANSWER_MAX ||
	    text_has_control(answer, true) || text_has_bidi_control(answer)) {
		http_error(req, STATUS_INVALID, "invalid_need_answer",
			   "an answer has 1 to 2000 characters");
		return;
	}
	enum status st = STATUS_UNAVAILABLE;
	json_t *row = NULL;
	char at[OUTBOX_TIME_SIZE] = "";
	int rc = -1;
	if (id > 0 && db_begin() == 0) {
		row = db_need_get(NEED_OWNER, id, &st);
		rc = row ? 0 : -1;
	}
	if (rc == 0) {
		json_t *data = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "answer", answer,
					 "lang", req->lang);
		char ids[24];
		snprintf(ids, sizeof(ids), "%lld", id);
		json_t *refs = json_pack("[{s:s, s:s, s:s}]", "origin", NEED_OWNER, "type", "need",
					 "id", ids);
		rc = outbox_emit("need.answered", refs, data, at);
		if (rc == OUTBOX_BUSY)
			st = STATUS_TOO_MANY;
	}
	if (rc == 0 && db_need_answer(id, answer, req->lang, at) != 1)
		rc = -1;
	if (rc < 0 || db_commit() < 0) {
		db_rollback();
		json_decref(row);
		page_write_failed(req, st == STATUS_OK ? STATUS_UNAVAILABLE : st, "need_not_found",
				  "need_conflict");
		return;
	}
	json_decref(row);
	log_info("need %lld answered", id);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200,
			  json_pack("{s:I, s:s}", "id", (json_int_t)id, "answered_at", at));
	else
		http_redirect(req, "/staff/needs?saved=1");
}
