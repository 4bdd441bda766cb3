// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The resident's tracking page, reached by the private link only (the token is never stored,
 * logged, or sent as a Referer; its routes are ROUTE_SECRET): status, history, the message
 * thread, an answer with documents, which brings an incomplete file back to "received".
 * Requests are limited per client, so that links cannot be guessed.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_forms.h"

#include <string.h>

/* The file of {token}; NULL when it replied (429, 404 tracking_unknown). */
static json_t *
tracked_file(struct request *req)
{
	char sha[SHA256_HEX_SIZE];
	enum status st = STATUS_NOT_FOUND;
	json_t *row = NULL;
	secret_private_headers(req);
	if (!page_rate_allow(req, "form_track", FORM_TRACK_PER_MINUTE, "too_many_attempts",
			     "too many tracking requests from this connection; try again later"))
		return NULL;
	if (secret_token_hash(http_param(req, "token"), sha))
		row = db_file_by_tracking(sha, &st);
	if (!row)
		page_read_failed(req, st, "tracking_unknown", "this tracking link is not valid");
	return row;
}

/* The resident's own answers, labelled (never shown anywhere else but to staff). */
json_t *
form_answers_view(struct request *req, json_t *file)
{
	json_t *def = json_object_get(file, "definition"),
	       *answers = json_object_get(file, "answers");
	json_t *out = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
	{
		const char *name = json_string_value(json_object_get(f, "name"));
		json_t *v = json_object_get(answers, name);
		if (json_is_string(v))
			json_array_append_new(
				out, json_pack("{s:s, s:O}", "label",
					       form_text(json_object_get(f, "label"), req->lang),
					       "value", v));
	}
	return out;
}

/* The messages view: who wrote (the resident or the commune; staff also see the account). */
json_t *
form_messages_view(json_t *rows, bool staff)
{
	json_t *out = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(rows, i, m)
	{
		json_t *v = json_pack(
			"{s:O, s:o, s:O, s:b}", "body", json_object_get(m, "body"), "when",
			form_when(json_object_get(m, "at")), "at", json_object_get(m, "at"),
			"by_resident",
			!strcmp(json_string_value(json_object_get(m, "author")), "resident"));
		json_object_set_new(v, "lines",
				    text_lines(json_string_value(json_object_get(m, "body"))));
		if (staff && json_is_string(json_object_get(m, "username")))
			json_object_set(v, "username", json_object_get(m, "username"));
		json_array_append_new(out, v);
	}
	return out;
}

/* What is missing: the detail of the last "incomplete" change. */
static const char *
missing_of(json_t *history)
{
	const char *missing = NULL;
	size_t i;
	json_t *h;
	json_array_foreach(history, i, h)
	{
		if (!strcmp(json_string_value(json_object_get(h, "status")), "incomplete"))
			missing = json_string_value(
				json_object_get(json_object_get(h, "detail"), "missing"));
	}
	return missing;
}

void
page_form_track(struct request *req)
{
	json_t *file = tracked_file(req);
	if (!file)
		return;
	struct form_parts parts;
	if (!form_parts_load(req, file, &parts))
		goto out;
	json_t *history = parts.history, *messages = parts.messages, *atts = parts.attachments;
	const char *status = json_string_value(json_object_get(file, "status"));
	char key[FORM_KEY_SIZE];
	form_new_key(key);
	const char *missing = missing_of(history);
	const char *sent = http_query(req, "sent");
	json_t *view = json_pack(
		"{s:O, s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:b, s:b, s:s, s:s, s:i, s:b}", "ref",
		json_object_get(file, "ref"), "title",
		form_text(json_object_get(json_object_get(file, "definition"), "title"), req->lang),
		"status", status, "status_label", form_status_label(req, status), "history",
		form_history_view(req, history, false), "messages",
		form_messages_view(messages, false), "answers", form_answers_view(req, file),
		"documents", (int)json_array_size(atts), "is_incomplete",
		!strcmp(status, "incomplete"), "can_write", strcmp(status, "closed") != 0, "action",
		arena_printf(req->arena, "/forms/track/%s/messages", http_param(req, "token")),
		"form_key", key, "message_max", FORM_MESSAGE_MAX, "sent",
		sent && !strcmp(sent, "1"));
	if (missing)
		json_object_set_new(view, "missing", text_lines(missing));
	http_csrf(req);
	http_render(req, 200, "form_track", view);
	form_parts_release(&parts);
out:
	json_decref(file);
}

/* Store the resident's message and documents; an incomplete file comes back to "received".
 * STATUS_OK, CONFLICT (a replayed form), UNAVAILABLE. */
static enum status
store_message(json_t *file, const char *body, const char *key, const struct form_upload *ups,
	      size_t n)
{
	long long id = json_integer_value(json_object_get(file, "id"));
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return st;
	long long mid = db_message_add(id, "resident", 0, body, key);
	if (mid == 0)
		st = STATUS_CONFLICT;
	else if (mid > 0 && form_store_uploads(id, mid, ups, n) == 0)
		st = STATUS_OK;
	if (st == STATUS_OK && n > 0 &&
	    !strcmp(json_string_value(json_object_get(file, "status")), "incomplete"))
		st = db_file_set_status(id, "received", "{\"note\":\"documents_added\"}",
					"resident", 0);
	if (st != STATUS_OK || db_commit() < 0) {
		db_rollback();
		return st == STATUS_OK ? STATUS_UNAVAILABLE : st;
	}
	return STATUS_OK;
}

void
page_form_track_message(struct request *req)
{
	json_t *file = tracked_file(req);
	if (!file)
		return;
	const char *key = http_form(req, "form_key");
	const char *body = text_clean(req, http_form(req, "body"));
	struct form_upload ups[FORM_FILES_MAX];
	size_t n = 0;
	enum status st = STATUS_INVALID;
	const char *code = NULL, *field;
	if (!form_key_is_valid(key))
		code = "invalid_form_key";
	else if (!strcmp(json_string_value(json_object_get(file, "status")), "closed"))
		st = STATUS_CONFLICT, code = "file_closed";
	else if (utf8_length(body) > FORM_MESSAGE_MAX)
		code = "text_too_long";
	else if (text_has_control(body, true))
		code = "invalid_text";
	else
		code = form_take_uploads(req, NULL, NULL, ups, &n, &st, &field);
	if (!code && n == 0 && is_blank(body))
		st = STATUS_INVALID, code = "message_empty";
	if (!code && (st = store_message(file, body ? body : "", key, ups, n)) != STATUS_OK)
		code = st == STATUS_CONFLICT ? "form_replayed" : "database_unavailable";
	if (code) {
		http_error(req, st, code, "the message was refused");
		goto out;
	}
	log_info("form file %s: message from the resident (%zu documents)",
		 json_string_value(json_object_get(file, "ref")), n);
	if (req->want_json)
		http_json(req, 201, json_pack("{s:b}", "ok", 1));
	else
		http_redirect(req, arena_printf(req->arena, "/forms/track/%s?sent=1",
						http_param(req, "token")));
out:
	json_decref(file);
}
