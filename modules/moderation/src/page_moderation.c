// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The public moderation log page (/moderation, both platforms) and the view of one entry.
 */
#include "internal.h"
#include "moderation/moderation.h"

#include "common/app.h"
#include "common/atom.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/module.h"
#include "common/page_util.h"
#include "common/template.h"
#include "publications/publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODERATION_PAGE 50 /* entries on a page of the public log */

/*
 * One log entry as its view reads it: from an entry object (db_moderation_add's) or from a row
 * of the log's page, read in place (the page then makes no row objects: they were a sixth of
 * its instructions).
 */
struct entry {
	long long origin_id;
	const char *origin, *action, *target, *reason, *sha, *created; /* reason, sha: or NULL */
	const char *kind; /* the item of the reaction the entry is about, or NULL */
	long long item_origin_id;
	long long item_id; /* its local copy, or 0 */
	json_t *title;     /* its {"ar": ..., "fr": ...}, or NULL (borrowed) */
};

/* An entry's view, field by field, in the order its JSON writes them (item: when it is about
 * a reaction's item). */
enum {
	M_ID,
	M_ORIGIN,
	M_ACTION,
	M_ACTION_LABEL,
	M_TARGET,
	M_REASON,
	M_SHA,
	M_CREATED_AT,
	M_CREATED_DATE,
	M_ITEM,
	M_FIELDS
};
static const char *const entry_fields[M_FIELDS] = {
	"id",     "origin",         "action",     "action_label", "target",
	"reason", "comment_sha256", "created_at", "created_date", "item"};

/* Where the entries come from: one entry, or each row of the log's page (read in place; the
 * item's title is parsed when read). */
struct entries {
	struct request *req;
	const struct entry *one;
	PGresult *res;
	struct entry *rows;
};

/* Row `row` of the log's page (db_moderation_page's columns); the title is parsed only when
 * want_title (then the caller releases it). */
static void
row_entry(PGresult *res, int row, bool want_title, struct entry *e)
{
#define COL(c) (PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c))
	*e = (struct entry){
		.origin_id = strtoll(PQgetvalue(res, row, MODERATION_COL_ORIGIN_ID), NULL, 10),
		.origin = PQgetvalue(res, row, MODERATION_COL_ORIGIN),
		.action = PQgetvalue(res, row, MODERATION_COL_ACTION),
		.target = PQgetvalue(res, row, MODERATION_COL_TARGET),
		.reason = COL(MODERATION_COL_REASON),
		.sha = COL(MODERATION_COL_SHA),
		.created = PQgetvalue(res, row, MODERATION_COL_CREATED),
		.kind = COL(MODERATION_COL_ITEM_KIND),
		.item_origin_id =
			strtoll(PQgetvalue(res, row, MODERATION_COL_ITEM_ORIGIN_ID), NULL, 10),
		.item_id = strtoll(PQgetvalue(res, row, MODERATION_COL_ITEM_ID), NULL, 10),
		.title = want_title && COL(MODERATION_COL_TITLE)
				 ? json_loads(PQgetvalue(res, row, MODERATION_COL_TITLE),
					      JSON_DECODE_ANY, NULL)
				 : NULL,
	};
#undef COL
}

/* The item a reaction's entry is about (a new object). */
static json_t *
item_view(struct request *req, const struct entry *e)
{
	const char *title = i18n_pick(e->title, req->lang, NULL);
	json_t *iv =
		json_pack("{s:s, s:s, s:I, s:s}", "kind", e->kind, "label",
			  i18n_get(req->app->i18n, req->lang,
				   arena_printf(req->arena, "reaction_target_%s", e->kind)),
			  "origin_id", (json_int_t)e->item_origin_id, "title",
			  title ? title : arena_printf(req->arena, "#%lld", e->item_origin_id));
	if (e->item_id > 0) {
		const struct kind *pk = publication_kind(e->kind);
		json_object_set_new(iv, "url",
				    json_sprintf("/%s/%lld#%s", pk ? pk->path : "", e->item_id,
						 strncmp(e->target, "reaction/", 9) == 0
							 ? arena_printf(req->arena, "reaction-%s",
									e->target + 9)
							 : "reactions"));
	}
	return iv;
}

static void
entry_get(void *self, size_t i, size_t f, struct template_value *v)
{
	const struct entries *es = self;
	struct request *req = es->req;
	struct entry row;
	const struct entry *e = es->one ? es->one : &es->rows[i];
	if (f == M_ITEM && !es->one) {
		row_entry(es->res, (int)i, true, &row);
		e = &row;
	}
	switch (f) {
	case M_ID:
		*v = (struct template_value){TEMPLATE_INTEGER, .integer = e->origin_id};
		break;
	case M_ORIGIN:
	case M_ACTION:
	case M_TARGET:
	case M_CREATED_AT:
	case M_REASON:
	case M_SHA: {
		const char *t = f == M_ORIGIN   ? e->origin
				: f == M_ACTION ? e->action
				: f == M_TARGET ? e->target
				: f == M_REASON ? e->reason
				: f == M_SHA    ? e->sha
						: e->created;
		template_value_text(v, t);
		break;
	}
	case M_ACTION_LABEL: {
		/* a catalog's text */
		const char *t =
			i18n_get(req->app->i18n, req->lang,
				 arena_printf(req->arena, "moderation_action_%s", e->action));
		template_value_text(v, t);
		break;
	}
	case M_CREATED_DATE:
		*v = (struct template_value){TEMPLATE_TEXT, e->created, strnlen(e->created, 10)};
		break;
	case M_ITEM:
		if (e->kind)
			*v = (struct template_value){TEMPLATE_JSON, .json = item_view(req, e)};
		break;
	}
	if (e == &row)
		json_decref(row.title);
}

/* The entries of res's first n rows, read in place (in the arena). */
static struct entries
page_entries(struct request *req, PGresult *res, int n)
{
	struct entries es = {req, NULL, res,
			     arena_alloc(req->arena, (size_t)(n + 1) * sizeof(struct entry))};
	for (int i = 0; i < n; i++)
		row_entry(res, i, false, &es.rows[i]);
	return es;
}

static json_t *
entry_view(struct request *req, const struct entry *e)
{
	struct entries es = {req, e, NULL, NULL};
	struct template_rows rows = {"entry", 1, entry_fields, M_FIELDS, entry_get, &es};
	return template_row_json(&rows, 0);
}

json_t *
moderation_view(struct request *req, json_t *m)
{
	json_t *item = json_object_get(m, "item");
	json_t *local = json_object_get(item, "id");
	const struct entry e = {
		.origin_id = json_integer_value(json_object_get(m, "origin_id")),
		.origin = json_string_value(json_object_get(m, "origin")),
		.action = json_string_value(json_object_get(m, "action")),
		.target = json_string_value(json_object_get(m, "target")),
		.reason = json_string_value(json_object_get(m, "reason")),
		.sha = json_string_value(json_object_get(m, "comment_sha256")),
		.created = json_string_value(json_object_get(m, "created_at")),
		.kind = json_string_value(json_object_get(item, "kind")),
		.item_origin_id = json_integer_value(json_object_get(item, "origin_id")),
		.item_id = json_is_integer(local) ? json_integer_value(local) : 0,
		.title = json_object_get(item, "title"),
	};
	return entry_view(req, &e);
}

/* The view of row `row` of the log's page (a new object). */
static json_t *
row_view(struct request *req, PGresult *res, int row)
{
	struct entry e;
	row_entry(res, row, true, &e);
	json_t *v = entry_view(req, &e);
	json_decref(e.title);
	return v;
}

/* The log's Atom feed (/moderation.atom): each decision with its public reason, linked to
 * what it concerns (or to the log). */
static void
moderation_feed(struct request *req, PGresult *res, int n)
{
	struct feed f;
	const char *title = i18n_get(req->app->i18n, req->lang, "moderation_title");
	feed_begin(req, &f, title, NULL);
	for (int i = 0; i < n; i++) {
		json_t *v = row_view(req, res, i);
		json_t *item = json_object_get(v, "item");
		const char *url = json_string_value(json_object_get(item, "url"));
		const char *what = item ? json_str(item, "title") : json_str(v, "target");
		feed_add(&f, &(struct atom_entry){
				     .id = feed_tag(
					     req, arena_printf(req->arena, "moderation/%s/%lld",
							       json_str(v, "origin"),
							       (long long)json_integer_value(
								       json_object_get(v, "id")))),
				     .title = arena_printf(req->arena, "%s — %s",
							   json_str(v, "action_label"), what),
				     .link = url ? url
						 : arena_printf(req->arena, "/moderation#m-%s-%lld",
								json_str(v, "origin"),
								(long long)json_integer_value(
									json_object_get(v, "id"))),
				     .updated = json_str(v, "created_at"),
				     .summary = feed_summary(req, json_str(v, "reason"), false),
			     });
		json_decref(v);
	}
	feed_send(&f);
}

static void
page_moderation_log(struct request *req)
{
	long long before = feed_wanted(req) ? 0 : page_before_param(req);
	if (before < 0)
		return;
	long long next = 0;
	PGresult *res = db_moderation_page(before, MODERATION_PAGE, &next);
	if (!res) {
		page_db_unavailable(req);
		return;
	}
	int n = PQntuples(res) < MODERATION_PAGE ? PQntuples(res) : MODERATION_PAGE;
	if (feed_wanted(req)) {
		moderation_feed(req, res, n);
		PQclear(res);
		return;
	}
	/* the entries are rows the template reads as it renders them */
	struct entries es = page_entries(req, res, n);
	struct template_rows rows = {"items", (size_t)n, entry_fields, M_FIELDS, entry_get, &es};
	json_t *view = json_pack("{s:b, s:b, s:b}", "has_items", n > 0, "is_first", before == 0,
				 "is_mirror", strcmp(req->app->side, MODERATION_OWNER) != 0);
	if (next > 0)
		json_object_set_new(view, "next_url",
				    json_sprintf("/moderation?before=%lld", next));
	feed_advertise(req, i18n_get(req->app->i18n, req->lang, "moderation_title"), NULL);
	http_render_rows(req, 200, "moderation", view, &rows);
	PQclear(res);
}

static const struct route moderation_routes[] = {
	{"GET", "/moderation", page_moderation_log, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE,
	 0, "moderation"},
};

static const struct nav_link moderation_footer[] = {
	{"/moderation", "moderation_log_link", NULL},
	{NULL, NULL, NULL},
};

#define MODERATION_SIDE                                                                            \
	{                                                                                          \
		MODULE_ROUTES(moderation_routes), .footer = moderation_footer                      \
	}

extern const struct embedded_file moderation_assets_files[];

const struct module moderation_module = {
	.name = "moderation",
	.assets = moderation_assets_files,
	.official = MODERATION_SIDE,
	.citizen = MODERATION_SIDE,
};
