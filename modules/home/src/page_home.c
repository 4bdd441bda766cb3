// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The home page of both platforms: the theme's presentation and priorities, the latest own news
 * and the peer's, with the peer's presentation mirrored from its signed profile.
 */
#include "home/home.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/markdown.h"
#include "common/module.h"
#include "news/news.h"
#include "protocol/db_federation.h"

#include <stdlib.h>
#include <string.h>

static void
page_home(struct request *req)
{
	struct app *app = req->app;
	json_t *items = news_views(req, app->side, 4);
	json_t *peer_items = items ? news_views(req, app->peer_side, 3) : NULL;
	if (!peer_items) {
		json_decref(items);
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database; try again in a minute");
		return;
	}
	json_t *site = json_object_get(app->site_by_lang, req->lang);
	json_t *prio = json_object_get(site, "priorities");
	json_t *view =
		json_pack("{s:O, s:O, s:O, s:b, s:b, s:o}", "name", json_object_get(site, "name"),
			  "presentation_html", json_object_get(site, "presentation_html"),
			  "priorities", prio, "has_priorities", json_array_size(prio) > 0,
			  "has_news", json_array_size(items) > 0, "items", items);
	/* texts the theme lacks in this language are in another: the page says which */
	for (const char *const *k = (const char *const[]){"name_lang", "presentation_lang", NULL};
	     *k; k++)
		if (json_object_get(site, *k))
			json_object_set(view, *k, json_object_get(site, *k));
	/* the other side's presentation and news, mirrored from its signed events */
	json_t *profile = db_fed_profile_get(app->peer_side);
	json_t *peer = json_pack("{s:b, s:o}", "has_news", json_array_size(peer_items) > 0, "items",
				 peer_items);
	if (profile) {
		json_t *r = i18n_resolve(profile, req->lang);
		json_object_set(peer, "name", json_object_get(r, "name"));
		json_object_set(peer, "url", json_object_get(r, "url"));
		for (const char *const *k =
			     (const char *const[]){"name_lang", "presentation_lang", NULL};
		     *k; k++)
			if (json_object_get(r, *k))
				json_object_set(peer, *k, json_object_get(r, *k));
		const char *pres = json_string_value(json_object_get(r, "presentation"));
		char *html = markdown_to_html(pres ? pres : "", pres ? strlen(pres) : 0);
		json_object_set_new(peer, "presentation_html", json_string(html));
		free(html);
		json_decref(r);
		json_decref(profile);
	}
	json_object_set_new(peer, "is_official",
			    json_boolean(strcmp(app->peer_side, "official") == 0));
	json_object_set_new(view, "peer", peer);
	news_advertise_feeds(req);
	http_render(req, 200, "home", view);
}

static const struct route home_routes[] = {
	{"GET", "/", page_home, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "home"},
};

#define HOME_SIDE                                                                                  \
	{                                                                                          \
		MODULE_ROUTES(home_routes)                                                         \
	}

extern const struct embedded_file home_assets_files[];

const struct module home_module = {
	.name = "home",
	.assets = home_assets_files,
	.official = HOME_SIDE,
	.citizen = HOME_SIDE,
};
