// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * News pages for readers: the public list (keyset-paginated, own news or the peer's mirrored)
 * and one item, and the views of items other pages show (the home page). The staff area is
 * page_staff_news.c.
 */
#include "news/news.h"

#include "internal.h"

#include "common/app.h"
#include "common/atom.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/markdown.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "news/db_news.h"

#include <stdlib.h>
#include <string.h>

#define NEWS_PAGE_SIZE 10
#define NEWS_FEED_SIZE 30 /* entries in a news feed */

/* The list's heading: this side's news, or the peer's ("From the commune"). */
static const char *
news_heading(struct request *req, bool peer)
{
	const char *key = !peer                                          ? "news_title"
			  : strcmp(req->app->peer_side, "official") == 0 ? "home_from_official"
									 : "home_from_citizen";
	return i18n_get(req->app->i18n, req->lang, key);
}

json_t *
news_view(struct request *req, json_t *item, bool full)
{
	const char *used = NULL;
	const char *title = i18n_pick(json_object_get(item, "title"), req->lang, &used);
	const char *origin = json_string_value(json_object_get(item, "origin"));
	bool own = strcmp(origin, req->app->side) == 0;
	json_int_t id = json_integer_value(json_object_get(item, "id"));
	json_t *v = json_pack(
		"{s:I, s:s, s:b, s:s, s:s, s:b, s:O, s:O, s:s, s:O, s:O, s:O, s:O}", "id", id,
		"origin", origin, "is_own", own, "title", title ? title : "", "title_lang",
		used ? used : req->lang, "title_rtl", used && i18n_is_rtl(used), "published_at",
		json_object_get(item, "published_at"), "published_date",
		json_object_get(item, "published_date"), "url",
		arena_printf(req->arena, "/news/%lld", (long long)id), "status",
		json_object_get(item, "status"), "unpublish_reason",
		json_object_get(item, "unpublish_reason"), "texts_title",
		json_object_get(item, "title"), "origin_id", json_object_get(item, "origin_id"));
	json_object_set_new(v, "is_official_item", json_boolean(strcmp(origin, "official") == 0));
	json_object_set_new(v, "is_unpublished",
			    json_boolean(strcmp(json_string_value(json_object_get(item, "status")),
						"unpublished") == 0));
	if (full &&
	    strcmp(json_string_value(json_object_get(item, "status")), "unpublished") != 0) {
		const char *body = i18n_pick(json_object_get(item, "body"), req->lang, NULL);
		char *html = markdown_to_html(body ? body : "", body ? strlen(body) : 0);
		json_object_set_new(v, "body_html", json_string(html));
		json_object_set(v, "texts_body", json_object_get(item, "body"));
		free(html);
	}
	return v;
}

json_t *
news_views(struct request *req, const char *origin, int limit)
{
	enum status st;
	json_t *list = db_news_list_published(origin, NULL, limit, &st);
	if (!list)
		return NULL;
	json_t *items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		json_array_append_new(items, news_view(req, it, false));
	}
	json_decref(list);
	return items;
}

void
news_advertise_feeds(struct request *req)
{
	feed_advertise_path(req, news_heading(req, false), "/news.atom", NULL);
	feed_advertise_path(req, news_heading(req, true), "/news.atom", "from=peer");
}

/* The list's Atom feed (ROUTE_ATOM_TWIN: /news.atom, /news.atom?from=peer): the newest
 * published news of origin, as the page lists them. */
static void
news_feed(struct request *req, const char *origin, bool peer, json_t *rows)
{
	struct feed f;
	feed_begin(req, &f, news_heading(req, peer), peer ? "from=peer" : NULL);
	size_t i;
	json_t *it;
	json_array_foreach(rows, i, it)
	{
		const char *title = i18n_pick(json_object_get(it, "title"), req->lang, NULL);
		const char *body = i18n_pick(json_object_get(it, "body"), req->lang, NULL);
		long long id = json_integer_value(json_object_get(it, "id"));
		feed_add(&f,
			 &(struct atom_entry){
				 .id = feed_tag(
					 req,
					 arena_printf(req->arena, "news/%s/%lld", origin,
						      (long long)json_integer_value(
							      json_object_get(it, "origin_id")))),
				 .title = title ? title : "",
				 .link = arena_printf(req->arena, "/news/%lld", id),
				 .updated = json_str(it, "updated_at"),
				 .published = json_str(it, "published_at"),
				 .summary = feed_summary(req, body, true),
			 });
	}
	feed_send(&f);
}

void
page_news_list(struct request *req)
{
	enum status st;
	bool atom = feed_wanted(req);
	const char *cursor = atom ? NULL : http_query(req, "before");
	/* own news by default; ?from=peer lists the other side's, mirrored */
	const char *from = http_query(req, "from");
	bool peer = from && strcmp(from, "peer") == 0;
	const char *origin = peer ? req->app->peer_side : req->app->side;
	json_t *list =
		db_news_list_published(origin, cursor, atom ? NEWS_FEED_SIZE : NEWS_PAGE_SIZE, &st);
	if (!list) {
		if (st == STATUS_INVALID)
			http_error(req, st, "invalid_cursor", "the page cursor is not valid");
		else
			http_error(req, st, "database_unavailable",
				   "the site cannot reach its database");
		return;
	}
	if (atom) {
		news_feed(req, origin, peer, json_object_get(list, "items"));
		json_decref(list);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		json_array_append_new(items, news_view(req, it, false));
	}
	json_t *next = json_object_get(list, "next");
	json_t *view =
		json_pack("{s:b, s:o, s:O, s:b, s:b, s:b}", "has_items", json_array_size(items) > 0,
			  "items", items, "next", next, "is_first", cursor == NULL, "from_peer",
			  peer, "peer_is_official", strcmp(req->app->peer_side, "official") == 0);
	if (json_is_string(next)) {
		struct strbuf url = STRBUF_INIT;
		strbuf_addstr(&url, "/news?before=");
		strbuf_addurlenc(&url, json_string_value(next));
		if (peer)
			strbuf_addstr(&url, "&from=peer");
		json_object_set_new(view, "next_url", json_string(url.buf));
		strbuf_release(&url);
	}
	json_decref(list);
	feed_advertise(req, news_heading(req, peer), peer ? "from=peer" : NULL);
	http_render(req, 200, "news_list", view);
}

void
page_news_item(struct request *req)
{
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 ? db_news_get(id, false, &st) : NULL;
	if (!item) {
		page_read_failed(req, st, "news_not_found", "there is no such news item");
		return;
	}
	json_t *view = news_view(req, item, true);
	json_decref(item);
	if (!json_is_true(json_object_get(view, "is_own")) && req->app->cfg.peer_url)
		json_object_set_new(view, "origin_url",
				    json_sprintf("%s/news/%lld", req->app->cfg.peer_url,
						 (long long)json_integer_value(
							 json_object_get(view, "origin_id"))));
	http_render(req, 200, "news_item", view);
}
