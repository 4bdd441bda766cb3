// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The agents' side (grant "forms.process"): the queue of files (filters by service and status,
 * newest first, keyset pages), a file with its answers, attachments (served to staff only, as
 * downloads), the audit trail of its statuses with who set them, the thread, and the changes:
 * incomplete (what is missing), in progress, ready (where and when), refused (reason and legal
 * ground), closed.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_PAGE 50
#define DETAIL_MAX 1000 /* characters of what is missing, a pickup, a reason */

static json_t *
status_options(struct request *req, const char *selected, bool with_received)
{
	json_t *out = json_array();
	for (const char *const *s = form_statuses; *s; s++)
		if (with_received || strcmp(*s, "received"))
			json_array_append_new(out,
					      json_pack("{s:s, s:s, s:b}", "value", *s, "label",
							form_status_label(req, *s), "selected",
							selected && !strcmp(selected, *s)));
	return out;
}

void
page_staff_files(struct request *req)
{
	if (!page_require(req, "forms.process"))
		return;
	const char *service = http_query_value(req, "service");
	const char *status = http_query_value(req, "status");
	long long before = page_before_param(req);
	if (before < 0)
		return;
	if ((service && !form_service_is_valid(service)) ||
	    (status && !form_status_is_valid(status))) {
		http_error(req, STATUS_INVALID, "invalid_filter", "the filter is not valid");
		return;
	}
	json_t *rows = db_files_queue(service, status, before, QUEUE_PAGE);
	json_t *forms = db_form_services();
	if (!rows || !forms) {
		json_decref(rows);
		json_decref(forms);
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array(), *services = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		if (i >= QUEUE_PAGE)
			break;
		const char *ref = json_string_value(json_object_get(r, "ref"));
		const char *s = json_string_value(json_object_get(r, "status"));
		json_array_append_new(items,
				      json_pack("{s:s, s:O, s:s, s:O, s:o, s:s}", "ref", ref,
						"service", json_object_get(r, "service"), "status",
						s, "created_at", json_object_get(r, "created_at"),
						"when", form_when(json_object_get(r, "created_at")),
						"status_label", form_status_label(req, s)));
		json_object_set_new(json_array_get(items, i), "url",
				    json_sprintf("/staff/files/%s", ref));
	}
	json_array_foreach(forms, i, r)
	{
		const char *s = json_string_value(json_object_get(r, "service"));
		json_array_append_new(services,
				      json_pack("{s:s, s:s, s:b}", "value", s, "label", s,
						"selected", service && !strcmp(service, s)));
	}
	json_t *view = json_pack("{s:o, s:b, s:o, s:o, s:b}", "items", items, "has_items",
				 json_array_size(items) > 0, "services", services, "statuses",
				 status_options(req, status, true), "is_first", before == 0);
	if (json_array_size(rows) > QUEUE_PAGE) {
		long long last = json_integer_value(
			json_object_get(json_array_get(rows, QUEUE_PAGE - 1), "id"));
		json_object_set_new(
			view, "next_url",
			json_string(arena_printf(
				req->arena, "/staff/files?service=%s&status=%s&before=%lld",
				service ? service : "", status ? status : "", last)));
	}
	json_decref(rows);
	json_decref(forms);
	http_render(req, 200, "form_staff_files", view);
}

/* The file of {ref} for staff; NULL when it replied. */
static json_t *
staff_file(struct request *req)
{
	if (!page_require(req, "forms.process"))
		return NULL;
	const char *ref = http_param(req, "ref");
	enum status st = STATUS_NOT_FOUND;
	json_t *row = form_ref_is_valid(ref) ? db_file_by_ref(ref, &st) : NULL;
	if (!row)
		page_read_failed(req, st, "form_file_not_found", "there is no such file");
	else
		secret_private_headers(req);
	return row;
}

static json_t *
attachments_view(struct request *req, json_t *file, json_t *rows)
{
	json_t *def = json_object_get(file, "definition"), *out = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(rows, i, a)
	{
		const char *field = json_string_value(json_object_get(a, "field"));
		json_t *f = form_def_field(def, field);
		long long id = json_integer_value(json_object_get(a, "id"));
		json_array_append_new(
			out, json_pack("{s:s, s:O, s:O, s:o, s:s}", "label",
				       f ? form_text(json_object_get(f, "label"), req->lang)
					 : form_t(req, "forms_documents"),
				       "media_type", json_object_get(a, "media_type"), "size",
				       json_object_get(a, "size"), "when",
				       form_when(json_object_get(a, "created_at")), "url",
				       arena_printf(req->arena, "/staff/files/%s/attachments/%lld",
						    json_string_value(json_object_get(file, "ref")),
						    id)));
	}
	return out;
}

void
page_staff_file(struct request *req)
{
	json_t *file = staff_file(req);
	if (!file)
		return;
	struct form_parts parts;
	if (!form_parts_load(req, file, &parts))
		goto out;
	json_t *history = parts.history, *messages = parts.messages, *atts = parts.attachments;
	const char *ref = json_string_value(json_object_get(file, "ref"));
	const char *status = json_string_value(json_object_get(file, "status"));
	json_t *view = json_pack(
		"{s:s, s:O, s:O, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:b, s:i}", "ref",
		ref, "service", json_object_get(file, "service"), "version",
		json_object_get(file, "version"), "status", status, "status_label",
		form_status_label(req, status), "history", form_history_view(req, history, true),
		"messages", form_messages_view(messages, true), "answers",
		form_answers_view(req, file), "attachments", attachments_view(req, file, atts),
		"statuses", status_options(req, NULL, false), "status_action",
		arena_printf(req->arena, "/staff/files/%s/status", ref), "message_action",
		arena_printf(req->arena, "/staff/files/%s/messages", ref), "is_closed",
		!strcmp(status, "closed"), "message_max", FORM_MESSAGE_MAX);
	json_object_set(view, "created_at", json_object_get(file, "created_at"));
	json_object_set_new(view, "when", form_when(json_object_get(file, "created_at")));
	json_object_set(view, "contact_kind", json_object_get(file, "contact_kind"));
	json_object_set(view, "contact", json_object_get(file, "contact"));
	json_object_set(view, "notify_consent", json_object_get(file, "notify_consent"));
	http_csrf(req);
	http_render(req, 200, "form_staff_file", view);
	form_parts_release(&parts);
out:
	json_decref(file);
}

/* A detail field of a status change: cleaned, required, at most DETAIL_MAX; NULL replied. */
static const char *
detail(struct request *req, const char *name, const char *code)
{
	const char *s = text_clean(req, http_form(req, name));
	if (is_blank(s)) {
		http_error(req, STATUS_INVALID, code, "this status needs its details");
		return NULL;
	}
	if (utf8_length(s) > DETAIL_MAX || text_has_control(s, true)) {
		http_error(req, STATUS_INVALID, "detail_too_long",
			   "a detail is longer than 1000 characters or holds control characters");
		return NULL;
	}
	return s;
}

/* The detail object a status needs ({missing}, {pickup}, {reason, legal_ground}); NULL when
 * it replied. */
static json_t *
status_detail(struct request *req, const char *status)
{
	const char *a = NULL, *b = NULL;
	if (!strcmp(status, "incomplete"))
		return (a = detail(req, "missing", "missing_required"))
			       ? json_pack("{s:s}", "missing", a)
			       : NULL;
	if (!strcmp(status, "ready"))
		return (a = detail(req, "pickup", "pickup_required"))
			       ? json_pack("{s:s}", "pickup", a)
			       : NULL;
	if (!strcmp(status, "refused"))
		return (a = detail(req, "reason", "refusal_reason_required")) &&
				       (b = detail(req, "legal_ground", "refusal_reason_required"))
			       ? json_pack("{s:s, s:s}", "reason", a, "legal_ground", b)
			       : NULL;
	return json_object();
}

void
page_staff_file_status(struct request *req)
{
	json_t *file = staff_file(req), *d = NULL;
	if (!file)
		return;
	const char *status = http_form(req, "status");
	if (!form_status_is_valid(status) || !strcmp(status, "received")) {
		http_error(req, STATUS_INVALID, "invalid_status", "choose a status");
		goto out;
	}
	if (!(d = status_detail(req, status)))
		goto out;
	char *text = json_dumps(d, JSON_COMPACT);
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		st = db_file_set_status(json_integer_value(json_object_get(file, "id")), status,
					text, "staff", req->user->id);
		if (st == STATUS_OK && form_notify_status(file, status) < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK || db_commit() < 0) {
			db_rollback();
			st = st == STATUS_OK ? STATUS_UNAVAILABLE : st;
		}
	}
	free(text);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "form_file_not_found", "status_not_allowed");
		goto out;
	}
	log_info("form file %s set %s by account %lld",
		 json_string_value(json_object_get(file, "ref")), status, req->user->id);
	if (req->want_json)
		http_json(req, 200, json_pack("{s:s}", "status", status));
	else
		http_redirect(req, arena_printf(req->arena, "/staff/files/%s",
						json_string_value(json_object_get(file, "ref"))));
out:
	json_decref(d);
	json_decref(file);
}

void
page_staff_file_message(struct request *req)
{
	json_t *file = staff_file(req);
	if (!file)
		return;
	const char *body = text_clean(req, http_form(req, "body"));
	if (is_blank(body) || utf8_length(body) > FORM_MESSAGE_MAX ||
	    text_has_control(body, true)) {
		http_error(req, STATUS_INVALID, "message_empty",
			   "write a message of at most 2000 characters");
		goto out;
	}
	if (db_message_add(json_integer_value(json_object_get(file, "id")), "staff", req->user->id,
			   body, NULL) <= 0) {
		page_db_unavailable(req);
		goto out;
	}
	log_info("form file %s: message by account %lld",
		 json_string_value(json_object_get(file, "ref")), req->user->id);
	if (req->want_json)
		http_json(req, 201, json_pack("{s:b}", "ok", 1));
	else
		http_redirect(req, arena_printf(req->arena, "/staff/files/%s",
						json_string_value(json_object_get(file, "ref"))));
out:
	json_decref(file);
}

void
page_staff_file_attachment(struct request *req)
{
	json_t *file = staff_file(req);
	if (!file)
		return;
	long long aid = page_parse_id(http_param(req, "id"));
	char *bytes = NULL;
	size_t len = 0;
	const char *type = NULL;
	enum status st =
		aid > 0 ? db_attachment_bytes(json_integer_value(json_object_get(file, "id")), aid,
					      &bytes, &len, &type)
			: STATUS_NOT_FOUND;
	if (st != STATUS_OK) {
		page_read_failed(req, st, "attachment_not_found", "there is no such attachment");
		goto out;
	}
	/* a download, never rendered in the site's origin */
	http_add_header(req, "Content-Disposition",
			arena_printf(req->arena, "attachment; filename=\"%s-%lld.%s\"",
				     json_string_value(json_object_get(file, "ref")), aid,
				     strcmp(type, "application/pdf") ? "jpg" : "pdf"));
	http_send_owned(req, 200, type, bytes, len);
out:
	json_decref(file);
}
