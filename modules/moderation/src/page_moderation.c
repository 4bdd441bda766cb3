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

static json_t *
string_or_null(const char *s)
{
	/* the database's texts (db.c: UTF-8 checked by PostgreSQL) */
	return s ? json_string_nocheck(s) : json_null();
}

static json_t *
entry_view(struct request *req, const struct entry *e)
{
	/* no json_pack: the log's page builds 50 of these */
	char key[96];
	snprintf(key, sizeof(key), "moderation_action_%s", e->action);
	json_t *v = json_object();
	json_object_set_new_nocheck(v, "id", json_integer(e->origin_id));
	json_object_set_new_nocheck(v, "origin", json_string_nocheck(e->origin));
	json_object_set_new_nocheck(v, "action", json_string_nocheck(e->action));
	/* a catalog's text: UTF-8 already */
	json_object_set_new_nocheck(v, "action_label",
				    json_string_nocheck(i18n_get(req->app->i18n, req->lang, key)));
	json_object_set_new_nocheck(v, "target", json_string_nocheck(e->target));
	json_object_set_new_nocheck(v, "reason", string_or_null(e->reason));
	json_object_set_new_nocheck(v, "comment_sha256", string_or_null(e->sha));
	json_object_set_new_nocheck(v, "created_at", json_string_nocheck(e->created));
	json_object_set_new_nocheck(v, "created_date",
				    json_stringn_nocheck(e->created, strnlen(e->created, 10)));
	if (e->kind) {
		const char *title = i18n_pick(e->title, req->lang, NULL);
		json_t *iv = json_pack(
			"{s:s, s:s, s:I, s:s}", "kind", e->kind, "label",
			i18n_get(req->app->i18n, req->lang,
				 arena_printf(req->arena, "reaction_target_%s", e->kind)),
			"origin_id", (json_int_t)e->item_origin_id, "title",
			title ? title : arena_printf(req->arena, "#%lld", e->item_origin_id));
		if (e->item_id > 0) {
			const struct kind *pk = publication_kind(e->kind);
			json_object_set_new(
				iv, "url",
				json_sprintf("/%s/%lld#%s", pk ? pk->path : "", e->item_id,
					     strncmp(e->target, "reaction/", 9) == 0
						     ? arena_printf(req->arena, "reaction-%s",
								    e->target + 9)
						     : "reactions"));
		}
		json_object_set_new_nocheck(v, "item", iv);
	}
	return v;
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

/* The view of row `row` of the log's page (db_moderation_page's columns). */
static json_t *
row_view(struct request *req, PGresult *res, int row)
{
#define COL(c) (PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c))
	json_t *title = PQgetisnull(res, row, MODERATION_COL_TITLE)
				? NULL
				: json_loads(PQgetvalue(res, row, MODERATION_COL_TITLE),
					     JSON_DECODE_ANY, NULL);
	const struct entry e = {
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
		.title = title,
	};
#undef COL
	json_t *v = entry_view(req, &e);
	json_decref(title);
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
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, row_view(req, res, i));
	PQclear(res);
	json_t *view =
		json_pack("{s:o, s:b, s:b, s:b}", "items", items, "has_items", n > 0, "is_first",
			  before == 0, "is_mirror", strcmp(req->app->side, MODERATION_OWNER) != 0);
	if (next > 0)
		json_object_set_new(view, "next_url",
				    json_sprintf("/moderation?before=%lld", next));
	feed_advertise(req, i18n_get(req->app->i18n, req->lang, "moderation_title"), NULL);
	http_render(req, 200, "moderation", view);
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
