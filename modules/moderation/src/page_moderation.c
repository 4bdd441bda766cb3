// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The public moderation log page (/moderation, both platforms) and the view of one entry.
 */
#include "moderation/moderation.h"

#include "common/app.h"
#include "common/atom.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/module.h"
#include "common/page_util.h"
#include "publications/publication.h"

#include <stdio.h>
#include <string.h>

#define MODERATION_PAGE 50 /* entries on a page of the public log */

json_t *
moderation_view(struct request *req, json_t *m)
{
	const char *action = json_string_value(json_object_get(m, "action"));
	const char *created = json_string_value(json_object_get(m, "created_at"));
	const char *sha = json_string_value(json_object_get(m, "comment_sha256"));
	/* no json_pack: the log's page builds 50 of these */
	char key[96];
	snprintf(key, sizeof(key), "moderation_action_%s", action);
	json_t *v = json_object();
	json_object_set_nocheck(v, "id", json_object_get(m, "origin_id"));
	json_object_set_nocheck(v, "origin", json_object_get(m, "origin"));
	json_object_set_nocheck(v, "action", json_object_get(m, "action"));
	/* a catalog's text, and the database's (db_value): UTF-8 already */
	json_object_set_new_nocheck(v, "action_label",
				    json_string_nocheck(i18n_get(req->app->i18n, req->lang, key)));
	json_object_set_nocheck(v, "target", json_object_get(m, "target"));
	json_object_set_nocheck(v, "reason", json_object_get(m, "reason"));
	json_object_set_nocheck(v, "comment_sha256", json_object_get(m, "comment_sha256"));
	json_object_set_nocheck(v, "created_at", json_object_get(m, "created_at"));
	json_object_set_new_nocheck(v, "created_date",
				    json_stringn_nocheck(created, strnlen(created, 10)));
	if (sha) {
		/* 8-character groups, so a long hash can wrap on a phone (copied, it is whole) */
		json_t *chunks = json_array();
		size_t len = strlen(sha);
		for (size_t i = 0; i < len; i += 8)
			json_array_append_new(
				chunks, json_stringn_nocheck(sha + i, len - i < 8 ? len - i : 8));
		json_object_set_new(v, "sha_chunks", chunks);
	}
	json_t *item = json_object_get(m, "item");
	if (item) {
		const char *kind = json_string_value(json_object_get(item, "kind"));
		const char *title = i18n_pick(json_object_get(item, "title"), req->lang, NULL);
		json_t *iv = json_pack(
			"{s:s, s:s, s:O, s:s}", "kind", kind, "label",
			i18n_get(req->app->i18n, req->lang,
				 arena_printf(req->arena, "reaction_target_%s", kind)),
			"origin_id", json_object_get(item, "origin_id"), "title",
			title ? title
			      : arena_printf(req->arena, "#%lld",
					     (long long)json_integer_value(
						     json_object_get(item, "origin_id"))));
		json_t *local = json_object_get(item, "id");
		if (json_is_integer(local))
			json_object_set_new(
				iv, "url",
				json_sprintf(
					"/%s/%lld#%s",
					publication_kind(kind) ? publication_kind(kind)->path : "",
					(long long)json_integer_value(local),
					strncmp(json_string_value(json_object_get(m, "target")),
						"reaction/", 9) == 0
						? arena_printf(req->arena, "reaction-%s",
							       json_string_value(json_object_get(
								       m, "target")) +
								       9)
						: "reactions"));
		json_object_set_new(v, "item", iv);
	}
	return v;
}

/* The log's Atom feed (/moderation.atom): each decision with its public reason, linked to
 * what it concerns (or to the log). */
static void
moderation_feed(struct request *req, json_t *rows)
{
	struct feed f;
	const char *title = i18n_get(req->app->i18n, req->lang, "moderation_title");
	feed_begin(req, &f, title, NULL);
	size_t i;
	json_t *m;
	json_array_foreach(rows, i, m)
	{
		json_t *v = moderation_view(req, m);
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
	json_t *list = db_moderation_list(before, MODERATION_PAGE);
	if (!list) {
		page_db_unavailable(req);
		return;
	}
	if (feed_wanted(req)) {
		moderation_feed(req, json_object_get(list, "items"));
		json_decref(list);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(list, "items"), i, m)
	{
		json_array_append_new(items, moderation_view(req, m));
	}
	json_t *view = json_pack("{s:o, s:b, s:b, s:b}", "items", items, "has_items",
				 json_array_size(items) > 0, "is_first", before == 0, "is_mirror",
				 strcmp(req->app->side, MODERATION_OWNER) != 0);
	json_t *next = json_object_get(list, "next");
	if (json_is_integer(next))
		json_object_set_new(view, "next_url",
				    json_sprintf("/moderation?before=%lld",
						 (long long)json_integer_value(next)));
	json_decref(list);
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
