// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The collective's moderators hide a need (citizen platform) with a public reason, as they do
 * reports and reactions: the text and name blanked here, erased from both event logs
 * (outbox_erase), an entry in the public moderation log, and need.hidden, which the official
 * platform applies to its mirror and its own log.
 */
#include "internal.h"

#include "db_need.h"

#include "common/arena.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/page_util.h"
#include "moderation/moderation.h"

#include <stdio.h>

/* In the open transaction: hide need id, log it, erase its content, emit need.hidden. */
static enum status
hide(long long id, const char *reason, json_t **m)
{
	enum status st;
	char ids[24], target[40];
	snprintf(ids, sizeof(ids), "%lld", id);
	snprintf(target, sizeof(target), "need/%lld", id);
	json_t *h = db_need_hide(NEED_OWNER, id, reason, NULL, &st);
	if (!h)
		return st;
	*m = db_moderation_add(NEED_OWNER, 0, "hide_need", target, reason,
			       json_str(h, "text_sha256"), NULL, &st);
	if (*m) {
		json_t *data =
			json_pack("{s:I, s:s, s:O, s:O, s:O}", "id", (json_int_t)id, "reason",
				  reason, "text_sha256", json_object_get(h, "text_sha256"),
				  "moderation_id", json_object_get(*m, "origin_id"), "hidden_at",
				  json_object_get(*m, "created_at"));
		json_t *refs = json_pack("[{s:s, s:s, s:s}]", "origin", NEED_OWNER, "type", "need",
					 "id", ids);
		if (outbox_emit("need.hidden", refs, data, NULL) < 0 ||
		    outbox_erase(NEED_OWNER, "need", ids, reason) < 0)
			st = STATUS_UNAVAILABLE;
	}
	json_decref(h);
	return st;
}

void
page_staff_need_hide(struct request *req)
{
	if (!page_require(req, "needs.moderate"))
		return;
	long long id = page_parse_id(http_param(req, "id"));
	const char *reason = page_hide_reason(req);
	if (!reason)
		return;
	enum status st = id > 0 ? STATUS_UNAVAILABLE : STATUS_NOT_FOUND;
	json_t *m = NULL;
	if (id > 0 && db_begin() == 0) {
		st = hide(id, reason, &m);
		if (st == STATUS_OK && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		json_decref(m);
		page_write_failed(req, st, "need_not_found", "need_conflict");
		return;
	}
	log_info("need %lld hidden by account %lld (moderation %lld)", id, req->user->id,
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, moderation_view(req, m));
	else
		http_redirect(req, "/staff/needs?saved=1");
	json_decref(m);
}
