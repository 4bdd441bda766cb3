// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The news staff area: the list of own items, the form to write and edit them in every
 * language, publishing and unpublishing (with a public reason; never a delete), each change
 * emitted as a signed event in the transaction that makes it.
 */
#include "news/news.h"

#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "news/db_news.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEWS_TITLE_MAX 200  /* characters */
#define NEWS_BODY_MAX 20000 /* characters */
#define NEWS_REASON_MAX 500

/*
 * Emit the public snapshot of news item id as event type, in the caller's transaction. Drafts
 * are not public: nothing is emitted for them.
 */
static int
news_emit(const char *side, long long id, const char *type)
{
	enum status st;
	json_t *item = db_news_get(id, true, &st);
	if (!item)
		return -1;
	const char *status = json_string_value(json_object_get(item, "status"));
	int rc = 0;
	if (strcmp(status, "draft") != 0) {
		char ids[32];
		snprintf(ids, sizeof(ids), "%lld", id);
		json_t *data = json_pack(
			"{s:I, s:O, s:O, s:s, s:O, s:O}", "id", (json_int_t)id, "title",
			json_object_get(item, "title"), "body", json_object_get(item, "body"),
			"status", status, "published_at", json_object_get(item, "published_at"),
			"unpublish_reason", json_object_get(item, "unpublish_reason"));
		json_t *refs =
			json_pack("[{s:s, s:s, s:s}]", "origin", side, "type", "news", "id", ids);
		rc = outbox_emit(type, refs, data, NULL);
	}
	json_decref(item);
	return rc;
}

long long
news_create(const char *side, long long author_id, const json_t *title, const json_t *body,
	    bool publish)
{
	long long id = -1;
	if (db_begin() == 0) {
		id = db_news_create(side, author_id, title, body, publish);
		if (id < 0 || news_emit(side, id, "news.published") < 0 || db_commit() < 0) {
			db_rollback();
			id = -1;
		}
	}
	return id;
}

/* The per-language fields of the news form, with values from item or the posted form. */
static json_t *
form_fields(struct request *req, json_t *title, json_t *body)
{
	json_t *fields = json_array();
	size_t i;
	json_t *l;
	json_array_foreach(i18n_languages(req->app->i18n), i, l)
	{
		const char *code = json_string_value(json_object_get(l, "code"));
		const char *t = json_string_value(json_object_get(title, code));
		const char *b = json_string_value(json_object_get(body, code));
		json_array_append_new(
			fields,
			json_pack("{s:s, s:O, s:O, s:s, s:s, s:s, s:s}", "code", code, "name",
				  json_object_get(l, "name"), "dir", json_object_get(l, "dir"),
				  "title", t ? t : "", "body", b ? b : "", "title_id",
				  arena_printf(req->arena, "title_%s", code), "body_id",
				  arena_printf(req->arena, "body_%s", code)));
	}
	return fields;
}

static void
render_form(struct request *req, unsigned code, json_t *item, json_t *title, json_t *body,
	    const char *error)
{
	http_csrf(req);
	json_t *view = json_pack("{s:o}", "fields", form_fields(req, title, body));
	if (item) {
		json_object_set_new(view, "item", news_view(req, item, false));
		json_object_set_new(
			view, "action",
			json_sprintf("/staff/news/%lld",
				     (long long)json_integer_value(json_object_get(item, "id"))));
	} else {
		json_object_set_new(view, "action", json_string("/staff/news"));
	}
	if (error) {
		const char *key = arena_printf(req->arena, "error_%s", error);
		json_object_set_new(view, "error",
				    json_pack("{s:s, s:s}", "code", error, "message",
					      i18n_get(req->app->i18n, req->lang, key)));
	}
	http_render(req, code, "staff_news_form", view);
}

/* Read and validate the posted texts; on failure returns the error code. */
static const char *
read_texts(struct request *req, json_t *title, json_t *body)
{
	/* keep every language first, so a refused form comes back with all that was typed */
	const char *err = NULL;
	bool any = false;
	size_t i;
	json_t *l;
	json_array_foreach(i18n_languages(req->app->i18n), i, l)
	{
		const char *code = json_string_value(json_object_get(l, "code"));
		const char *t = http_form(req, arena_printf(req->arena, "title_%s", code));
		const char *b = http_form(req, arena_printf(req->arena, "body_%s", code));
		t = t ? t : "";
		b = b ? b : "";
		if (!*t && !*b)
			continue;
		json_object_set_new(title, code, json_string(t));
		json_object_set_new(body, code, json_string(b));
		any = true;
		if (!err && utf8_length(t) > NEWS_TITLE_MAX)
			err = "title_too_long";
		else if (!err && utf8_length(b) > NEWS_BODY_MAX)
			err = "body_too_long";
		else if (!err && !*t)
			err = "title_required";
	}
	if (!err && any) {
		/* the item travels whole in one event (≤ 64 KiB) */
		char *t = json_dumps(title, JSON_COMPACT), *b = json_dumps(body, JSON_COMPACT);
		if (strlen(t) + strlen(b) > OUTBOX_DATA_MAX)
			err = "content_too_long";
		free(t);
		free(b);
	}
	return err ? err : (any ? NULL : "title_required");
}

void
page_staff_news_list(struct request *req)
{
	if (!page_require(req, "news.write"))
		return;
	json_t *rows = db_news_list_own(req->app->side, 200);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(rows, i, it)
	{
		json_t *v = news_view(req, it, false);
		const char *s = json_string_value(json_object_get(it, "status"));
		json_object_set_new(v, "is_published", json_boolean(strcmp(s, "published") == 0));
		json_object_set_new(
			v, "status_label",
			json_string(i18n_get(req->app->i18n, req->lang,
					     arena_printf(req->arena, "status_%s", s))));
		json_array_append_new(items, v);
	}
	json_decref(rows);
	http_csrf(req);
	http_render(req, 200, "staff_news_list", json_pack("{s:o}", "items", items));
}

void
page_staff_news_new(struct request *req)
{
	if (!page_require(req, "news.write"))
		return;
	render_form(req, 200, NULL, NULL, NULL, NULL);
}

void
page_staff_news_create(struct request *req)
{
	if (!page_require(req, "news.write"))
		return;
	json_t *title = json_object(), *body = json_object();
	const char *err = read_texts(req, title, body);
	if (err) {
		render_form(req, 400, NULL, title, body, err);
		goto out;
	}
	const char *action = http_form(req, "action");
	bool publish = action && strcmp(action, "publish") == 0;
	long long id = news_create(req->app->side, req->user->id, title, body, publish);
	if (id < 0) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the news item could not be saved");
		goto out;
	}
	log_info("news %lld created by account %lld (%s)", id, req->user->id,
		 publish ? "published" : "draft");
	http_cache_bump();
	http_redirect(req, "/staff/news");
out:
	json_decref(title);
	json_decref(body);
}

static json_t *
own_item(struct request *req)
{
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 ? db_news_get(id, true, &st) : NULL;
	if (item && strcmp(json_string_value(json_object_get(item, "origin")), req->app->side)) {
		json_decref(item);
		item = NULL;
		st = STATUS_FORBIDDEN;
	}
	if (!item) {
		if (st == STATUS_FORBIDDEN)
			http_error(req, st, "not_own_item",
				   "this item belongs to the other platform; only its origin "
				   "changes it");
		else
			page_read_failed(req, st, "news_not_found", "there is no such news item");
	}
	return item;
}

void
page_staff_news_edit(struct request *req)
{
	if (!page_require(req, "news.write"))
		return;
	json_t *item = own_item(req);
	if (!item)
		return;
	render_form(req, 200, item, json_object_get(item, "title"), json_object_get(item, "body"),
		    NULL);
	json_decref(item);
}

void
page_staff_news_update(struct request *req)
{
	if (!page_require(req, "news.write"))
		return;
	json_t *item = own_item(req);
	if (!item)
		return;
	json_t *title = json_object(), *body = json_object();
	const char *err = read_texts(req, title, body);
	long long id = json_integer_value(json_object_get(item, "id"));
	if (err) {
		render_form(req, 400, item, title, body, err);
		goto out;
	}
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		st = db_news_update(req->app->side, id, title, body);
		if (st == STATUS_OK &&
		    (news_emit(req->app->side, id, "news.updated") < 0 || db_commit() < 0))
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		http_error(req, st,
			   st == STATUS_NOT_FOUND ? "news_not_found" : "database_unavailable",
			   "the news item could not be saved");
		goto out;
	}
	log_info("news %lld edited by account %lld", id, req->user->id);
	http_cache_bump();
	http_redirect(req, "/staff/news");
out:
	json_decref(item);
	json_decref(title);
	json_decref(body);
}

static void
set_status(struct request *req, bool publish)
{
	if (!page_require(req, "news.write"))
		return;
	json_t *item = own_item(req);
	if (!item)
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	const char *reason = http_form(req, "reason");
	if (!publish &&
	    (!reason || !*reason || is_blank(reason) || utf8_length(reason) > NEWS_REASON_MAX)) {
		http_error(req, STATUS_INVALID, "reason_required",
			   "unpublishing needs a public reason (at most 500 characters)");
		goto out;
	}
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		st = db_news_set_status(req->app->side, id, publish, reason);
		if (st == STATUS_OK &&
		    (news_emit(req->app->side, id,
			       publish ? "news.published" : "news.unpublished") < 0 ||
		     db_commit() < 0))
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st == STATUS_CONFLICT) {
		http_error(req, st, publish ? "already_published" : "not_published",
			   publish ? "this item is already published"
				   : "only a published item can be withdrawn");
		goto out;
	}
	if (st != STATUS_OK) {
		http_error(req, st,
			   st == STATUS_NOT_FOUND ? "news_not_found" : "database_unavailable",
			   "the news item could not be saved");
		goto out;
	}
	log_info("news %lld %s by account %lld", id, publish ? "published" : "unpublished",
		 req->user->id);
	http_cache_bump();
	http_redirect(req, "/staff/news");
out:
	json_decref(item);
}

void
page_staff_news_publish(struct request *req)
{
	set_status(req, true);
}

void
page_staff_news_unpublish(struct request *req)
{
	set_status(req, false);
}
