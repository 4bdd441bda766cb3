// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Publication pages for the commune's staff, on the origin (official) platform only: the list
 * of own items, the form (new, edit), and the workflow (draft, publish, edit with history,
 * unpublish with a public reason, a project's milestones), each write emitting its event in
 * the same transaction.
 */
#include "publications/page_publication.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/check.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/map.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "common/xalloc.h"
#include "internal.h"
#include "publications/db_publication.h"

#include <stdio.h>
#include <string.h>

#define STAFF_LIST_PAGE 20 /* items a page of a staff list shows, newest change first */
#define PUB_REASON_MAX 500

/* ---- the form ---- */

static const char *
form_lookup(void *ctx, const char *name)
{
	return http_form(ctx, name);
}

/* A per-language field's inputs, one per language of the site. */
static json_t *
lang_inputs(struct request *req, const struct field *f, json_t *v)
{
	json_t *ls = json_array();
	size_t li;
	json_t *l;
	json_array_foreach(i18n_languages(req->app->i18n), li, l)
	{
		const char *code = json_string_value(json_object_get(l, "code"));
		const char *t = json_string_value(json_object_get(v, code));
		json_array_append_new(
			ls, json_pack("{s:s, s:O, s:O, s:s, s:s}", "code", code, "name",
				      json_object_get(l, "name"), "dir", json_object_get(l, "dir"),
				      "id", arena_printf(req->arena, "%s_%s", f->name, code),
				      "value", t ? t : ""));
	}
	return ls;
}

/* A choice field's options, the current value v selected. */
static json_t *
choice_options(struct request *req, const struct kind *k, const struct field *f, json_t *v)
{
	json_t *opts = json_array();
	for (const char *const *c = f->choices; *c; c++)
		json_array_append_new(
			opts,
			json_pack("{s:s, s:s, s:b}", "value", *c, "label",
				  pub_choice_label(req, k, f, *c), "selected",
				  json_is_string(v) && strcmp(json_string_value(v), *c) == 0));
	return opts;
}

/* The form's fields with the values of data (what was typed, or the item's). */
static json_t *
form_fields(struct request *req, const struct kind *k, json_t *data, const char *error_field)
{
	json_t *out = json_array();
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		json_t *v = json_object_get(data, f->name);
		json_t *fv =
			json_pack("{s:s, s:s, s:b, s:b}", "name", f->name, "label",
				  pub_field_label(req, k, f), "required", f->required, "has_error",
				  error_field && strcmp(error_field, f->name) == 0);
		switch (f->type) {
		case FIELD_TEXT:
		case FIELD_MARKDOWN:
			json_object_set_new(fv, f->type == FIELD_TEXT ? "is_text" : "is_markdown",
					    json_true());
			json_object_set_new(fv, "langs", lang_inputs(req, f, v));
			break;
		case FIELD_CHOICE:
			json_object_set_new(fv, "is_choice", json_true());
			json_object_set_new(fv, "options", choice_options(req, k, f, v));
			break;
		case FIELD_BOOL:
			json_object_set_new(fv, "is_bool", json_true());
			json_object_set_new(fv, "checked", json_boolean(json_is_true(v)));
			break;
		default:
			json_object_set_new(fv, f->type == FIELD_DATE ? "is_date" : "is_input",
					    json_true());
			if (f->type == FIELD_INT) {
				json_object_set_new(fv, "is_number", json_true());
				json_object_set_new(fv, "min", json_integer(f->min));
				json_object_set_new(fv, "max", json_integer(f->max));
			}
			if (json_is_integer(v))
				json_object_set_new(
					fv, "value",
					json_sprintf("%lld", (long long)json_integer_value(v)));
			else if (json_is_string(v))
				json_object_set(fv, "value", v);
			break;
		}
		json_array_append_new(out, fv);
	}
	return out;
}

/* The map to pick a location: it fills the two microdegree inputs, which stay usable by hand
 * (and without JavaScript). */
static json_t *
pick_map(struct request *req)
{
	json_t *map = map_view(req, NULL);
	json_object_set_new(map, "pick_lat", json_string("lat_micro"));
	json_object_set_new(map, "pick_lon", json_string("lon_micro"));
	json_object_set_new(map, "pick_micro", json_true());
	json_object_set_new(map, "note", json_string(""));
	json_object_set_new(map, "label", json_string(pub_text(req, "map_label_pick")));
	return map;
}

struct staff_extras_ctx {
	const struct kind *k;
	json_t *view;
};

static void
add_staff_extras(const void *impl, void *ctx)
{
	const struct pub_extension *e = impl;
	struct staff_extras_ctx *c = ctx;
	if (strcmp(e->kind, c->k->name) == 0 && e->staff_partial)
		json_array_append_new(json_object_get(c->view, "staff_extras"),
				      json_pack("{s:s}", "partial", e->staff_partial));
}

static void
render_form(struct request *req, const struct kind *k, unsigned code, json_t *item, json_t *data,
	    const char *error, const char *error_field)
{
	http_csrf(req);
	json_t *view = json_pack("{s:s, s:s, s:o}", "kind", k->name, "path", k->path, "fields",
				 form_fields(req, k, data, error_field));
	json_object_set_new(
		view, "heading",
		json_string(pub_text(req, arena_printf(req->arena, "nav_%s", k->path))));
	if (item) {
		json_object_set_new(view, "item", pub_view(req, k, item, false));
		json_object_set_new(
			view, "action",
			json_sprintf("/staff/%s/%lld", k->path,
				     (long long)json_integer_value(json_object_get(item, "id"))));
	} else {
		json_object_set_new(view, "action", json_sprintf("/staff/%s", k->path));
	}
	if (pub_kind_is_located(k))
		json_object_set_new(view, "map", pick_map(req));
	if (error)
		json_object_set_new(
			view, "error",
			json_pack("{s:s, s:s}", "code", error, "message",
				  pub_text(req, arena_printf(req->arena, "error_%s", error))));
	struct staff_extras_ctx ctx = {k, view};
	json_object_set_new(view, "staff_extras", json_array());
	module_each_ext(req->app, PUB_EXTENSION, add_staff_extras, &ctx);
	http_render(req, code, "staff_publication_form", view);
}

/* ---- the pages ---- */

/* The path's kind, when the signed-in account holds its write grant (else it replied). */
static bool
staff_kind(struct request *req, const struct kind **k)
{
	*k = page_pub_kind(req);
	return *k && page_require(req, (*k)->write_action);
}

/* The path's item, when this platform is its origin (else it replied). */
static json_t *
own_item(struct request *req, const struct kind *k)
{
	json_t *item = pub_load_item(req, k, true);
	if (item && strcmp(json_string_value(json_object_get(item, "origin")), req->app->side)) {
		json_decref(item);
		http_error(req, STATUS_FORBIDDEN, "not_own_item",
			   "this item belongs to the other platform; only its origin changes it");
		return NULL;
	}
	return item;
}

void
page_staff_pub_list(struct request *req)
{
	const struct kind *k;
	if (!staff_kind(req, &k))
		return;
	long long before = page_before_param(req);
	if (before < 0)
		return;
	PGresult *res =
		db_pub_page_own(req->app->side, k->name, k->title_field, before, STAFF_LIST_PAGE);
	if (!res) {
		page_db_unavailable(req);
		return;
	}
	struct pub_rows *rows;
	pub_rows(req, k, res, STAFF_LIST_PAGE, &rows);
	http_csrf(req);
	json_t *view = json_pack("{s:s, s:s, s:b}", "kind", k->name, "path", k->path, "is_first",
				 before == 0);
	if (PQntuples(res) > STAFF_LIST_PAGE)
		json_object_set_new(view, "next_url",
				    json_sprintf("/staff/%s?before=%s", k->path,
						 PQgetvalue(res, STAFF_LIST_PAGE - 1, 0)));
	json_object_set_new(
		view, "heading",
		json_string(pub_text(req, arena_printf(req->arena, "nav_%s", k->path))));
	json_object_set_new(view, arena_printf(req->arena, "is_%s", k->name), json_true());
	http_render_rows(req, 200, "staff_publication_list", view, pub_rows_list(rows));
	pub_rows_release(rows);
	PQclear(res);
}

void
page_staff_pub_new(struct request *req)
{
	const struct kind *k;
	if (staff_kind(req, &k))
		render_form(req, k, 200, NULL, NULL, NULL, NULL);
}

void
page_staff_pub_edit(struct request *req)
{
	const struct kind *k;
	json_t *item;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	render_form(req, k, 200, item, json_object_get(item, "data"), NULL, NULL);
	json_decref(item);
}

/* ---- writes, each with its event ---- */

int
pub_emit(const char *side, const struct kind *k, long long id, const char *action)
{
	enum status st;
	json_t *item = db_pub_get(k->name, id, true, &st);
	if (!item)
		return -1;
	int rc = 0;
	if (strcmp(json_string_value(json_object_get(item, "status")), "draft") != 0) {
		char ids[24], type[64];
		snprintf(ids, sizeof(ids), "%lld", id);
		snprintf(type, sizeof(type), "%s.%s", k->name, action);
		json_t *data = json_pack("{s:I, s:O, s:O, s:O, s:O, s:O}", "id", (json_int_t)id,
					 "version", json_object_get(item, "version"), "status",
					 json_object_get(item, "status"), "published_at",
					 json_object_get(item, "published_at"), "unpublish_reason",
					 json_object_get(item, "unpublish_reason"), "fields",
					 json_object_get(item, "data"));
		json_t *refs =
			json_pack("[{s:s, s:s, s:s}]", "origin", side, "type", k->name, "id", ids);
		rc = outbox_emit(type, refs, data, NULL);
	}
	json_decref(item);
	return rc;
}

struct publish_ctx {
	const struct app *app;
	const struct kind *k;
	long long id;
	int rc;
};

static void
run_on_publish(const void *impl, void *ctx)
{
	const struct pub_extension *e = impl;
	struct publish_ctx *c = ctx;
	if (c->rc == 0 && e->on_publish && strcmp(e->kind, c->k->name) == 0)
		c->rc = e->on_publish(c->app->side, c->id);
}

/* The extensions' part of publishing own item id, in the caller's transaction: 0 or -1. */
static int
on_publish(const struct app *app, const struct kind *k, long long id)
{
	struct publish_ctx ctx = {app, k, id, 0};
	module_each_ext(app, PUB_EXTENSION, run_on_publish, &ctx);
	return ctx.rc;
}

enum pub_write {
	PUB_WRITE_CREATE, /* *id gets the new item's; published when the form's action says so */
	PUB_WRITE_UPDATE,
	PUB_WRITE_PUBLISH,
	PUB_WRITE_UNPUBLISH, /* with reason */
};

/* Run the change in a transaction with its event; returns the status. */
static enum status
write_with_event(struct request *req, const struct kind *k, long long *id, json_t *data,
		 enum pub_write op, const char *reason)
{
	const char *side = req->app->side;
	enum status st = STATUS_UNAVAILABLE;
	const char *action = "updated";
	if (db_begin() < 0)
		return st;
	switch (op) {
	case PUB_WRITE_CREATE: {
		const char *a = http_form(req, "action");
		bool publish = a && strcmp(a, "publish") == 0;
		*id = db_pub_create(side, k->name, data, publish);
		st = *id > 0 ? STATUS_OK : STATUS_UNAVAILABLE;
		action = "published";
		break;
	}
	case PUB_WRITE_UPDATE:
		st = db_pub_update(side, k->name, *id, data);
		break;
	case PUB_WRITE_PUBLISH:
		st = db_pub_set_status(side, k->name, *id, true, NULL);
		action = "published";
		break;
	case PUB_WRITE_UNPUBLISH:
		st = db_pub_set_status(side, k->name, *id, false, reason);
		action = "unpublished";
		break;
	}
	if (st == STATUS_OK &&
	    (pub_emit(side, k, *id, action) < 0 ||
	     (op == PUB_WRITE_PUBLISH && on_publish(req->app, k, *id) < 0) || db_commit() < 0))
		st = STATUS_UNAVAILABLE;
	if (st != STATUS_OK)
		db_rollback();
	else
		http_cache_bump();
	return st;
}

/*
 * Whether data's unique field (k->unique_field) is free among the other own items; when it is
 * not, shows the form again (409 "<field>_taken"), releases data and returns false.
 */
static bool
unique_value_free(struct request *req, const struct kind *k, json_t *item, long long id,
		  json_t *data)
{
	const char *v =
		k->unique_field ? json_string_value(json_object_get(data, k->unique_field)) : NULL;
	bool taken = false;
	if (!v)
		return true;
	if (db_pub_value_taken(req->app->side, k->name, k->unique_field, v, id, &taken) !=
	    STATUS_OK) {
		json_decref(data);
		page_db_unavailable(req);
		return false;
	}
	if (taken) {
		const char *code = arena_printf(req->arena, "%s_taken", k->unique_field);
		log_warn("%s form refused: %s", k->name, code);
		render_form(req, k, 409, item, data, code, k->unique_field);
		json_decref(data);
	}
	return !taken;
}

/* The fields of the form, or NULL after showing it again (400) with what is wrong. */
static json_t *
read_form(struct request *req, const struct kind *k, json_t *item, long long id)
{
	const char *err = NULL, *field = NULL;
	json_t *partial = NULL;
	json_t *data = publication_from_form(k, form_lookup, req, i18n_languages(req->app->i18n),
					     &err, &field, &partial);
	if (!data) {
		if (item)
			log_warn("%s %lld form refused: %s", k->name, id, err);
		else
			log_warn("%s form refused: %s", k->name, err);
		render_form(req, k, 400, item, partial, err, field);
		json_decref(partial);
		return NULL;
	}
	return unique_value_free(req, k, item, id, data) ? data : NULL;
}

void
page_staff_pub_create(struct request *req)
{
	const struct kind *k;
	json_t *data;
	if (!staff_kind(req, &k) || !(data = read_form(req, k, NULL, 0)))
		return;
	long long id = -1;
	enum status st = write_with_event(req, k, &id, data, PUB_WRITE_CREATE, NULL);
	json_decref(data);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found", "conflict");
		return;
	}
	log_info("%s %lld created by account %lld", k->name, id, req->user->id);
	http_redirect(req, arena_printf(req->arena, "/staff/%s", k->path));
}

void
page_staff_pub_update(struct request *req)
{
	const struct kind *k;
	json_t *item, *data;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	if (!(data = read_form(req, k, item, id)))
		goto out;
	/* what the form does not carry (milestones) is kept */
	json_t *ms = json_object_get(json_object_get(item, "data"), "milestones");
	if (ms)
		json_object_set(data, "milestones", ms);
	enum status st = write_with_event(req, k, &id, data, PUB_WRITE_UPDATE, NULL);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found", "conflict");
		goto out;
	}
	log_info("%s %lld edited by account %lld", k->name, id, req->user->id);
	http_redirect(req, arena_printf(req->arena, "/staff/%s", k->path));
out:
	json_decref(data);
	json_decref(item);
}

static void
set_status(struct request *req, bool publish)
{
	const struct kind *k;
	json_t *item;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	json_decref(item);
	const char *reason = http_form(req, "reason");
	if (!publish && (is_blank(reason) || utf8_length(reason) > PUB_REASON_MAX)) {
		http_error(req, STATUS_INVALID, "reason_required",
			   "unpublishing needs a public reason (at most 500 characters)");
		return;
	}
	enum status st = write_with_event(
		req, k, &id, NULL, publish ? PUB_WRITE_PUBLISH : PUB_WRITE_UNPUBLISH, reason);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found",
				  publish ? "already_published" : "not_published");
		return;
	}
	log_info("%s %lld %s by account %lld", k->name, id, publish ? "published" : "unpublished",
		 req->user->id);
	http_redirect(req, arena_printf(req->arena, "/staff/%s", k->path));
}

void
page_staff_pub_publish(struct request *req)
{
	set_status(req, true);
}

void
page_staff_pub_unpublish(struct request *req)
{
	set_status(req, false);
}

/* ---- a project's milestones ---- */

/* The milestone's text in each language the form filled: {"ar": .., "fr": ..}. */
static json_t *
milestone_text(struct request *req)
{
	json_t *text = json_object();
	size_t li;
	json_t *l;
	json_array_foreach(i18n_languages(req->app->i18n), li, l)
	{
		const char *code = json_string_value(json_object_get(l, "code"));
		const char *v = http_form(req, arena_printf(req->arena, "text_%s", code));
		if (v && *v)
			json_object_set_new(text, code, json_string(v));
	}
	return text;
}

/* The form's optional photo, stored: 0 (*photo NULL when there is none), or -1 after replying.
 * A file input left empty still sends an empty part without a name. */
static int
milestone_photo(struct request *req, json_t **photo)
{
	const struct upload *up = http_upload(req, "photo");
	*photo = NULL;
	if (!up || (up->data.len == 0 && !(up->filename && *up->filename)))
		return 0;
	enum status st;
	const char *code;
	if (!(*photo = photo_store(up->data.buf, up->data.len, &st, &code))) {
		http_error(req, st, code, photo_error_message(code));
		return -1;
	}
	return 0;
}

void
page_staff_project_milestone(struct request *req)
{
	const struct kind *k;
	json_t *item;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	const char *date = http_form(req, "date");
	json_t *text = milestone_text(req), *photo = NULL;
	long long id = json_integer_value(json_object_get(item, "id"));
	json_t *data = json_deep_copy(json_object_get(item, "data"));
	bool date_ok = date && is_iso_date(date);
	if (!date_ok || json_object_size(text) == 0) {
		http_error(req, STATUS_INVALID,
			   date_ok ? "milestone_text_required" : "milestone_invalid_date",
			   "a milestone needs a valid date and a text");
		goto out;
	}
	if (milestone_photo(req, &photo) < 0)
		goto out;
	json_t *ms = json_object_get(data, "milestones");
	if (!json_is_array(ms)) {
		ms = json_array();
		json_object_set_new(data, "milestones", ms);
	}
	json_t *milestone = json_pack("{s:s, s:O}", "date", date, "text", text);
	if (photo)
		json_object_set(milestone, "photo", photo);
	json_array_append_new(ms, milestone);
	enum status st = write_with_event(req, k, &id, data, PUB_WRITE_UPDATE, NULL);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found", "conflict");
		goto out;
	}
	http_redirect(req, arena_printf(req->arena, "/staff/projects/%lld/edit", id));
out:
	json_decref(photo);
	json_decref(text);
	json_decref(data);
	json_decref(item);
}
