// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The news module: its routes (the same on both platforms), the applier of the peer's news
 * events, its part of the demo.
 */
#include "news/news.h"

#include "internal.h"

#include "common/check.h"
#include "common/log.h"
#include "common/module.h"
#include "common/router.h"
#include "news/db_news.h"

#include <string.h>

#define KIB 1024

// clang-format off
static const struct route news_routes[] = {
	{"GET", "/news", page_news_list, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE, 0, "news"},
	{"GET", "/news/{id}", page_news_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "news_item"},
	{"GET", "/staff/news", page_staff_news_list, ROUTE_STAFF | ROUTE_JSON_TWIN, 0, "staff_news"},
	{"GET", "/staff/news/new", page_staff_news_new, ROUTE_STAFF, 0, "staff_news_new"},
	{"POST", "/staff/news", page_staff_news_create, ROUTE_STAFF, 256 * KIB, "staff_news_create"},
	{"GET", "/staff/news/{id}/edit", page_staff_news_edit, ROUTE_STAFF, 0, "staff_news_edit"},
	{"POST", "/staff/news/{id}", page_staff_news_update, ROUTE_STAFF, 256 * KIB,
	 "staff_news_update"},
	{"POST", "/staff/news/{id}/publish", page_staff_news_publish, ROUTE_STAFF, 4 * KIB,
	 "staff_news_publish"},
	{"POST", "/staff/news/{id}/unpublish", page_staff_news_unpublish, ROUTE_STAFF, 8 * KIB,
	 "staff_news_unpublish"},
};
// clang-format on

/* Check ev's news fields and write them: as the peer's item in the mirror, or (own) as this
 * platform's own item again, re-imported after a database restore. */
static enum status
news_apply(const struct hook_event *ev, bool own)
{
	const char *origin = ev->origin;
	json_t *data = ev->data;
	json_t *id = json_object_get(data, "id");
	json_t *title = json_object_get(data, "title");
	json_t *body = json_object_get(data, "body");
	const char *status = json_string_value(json_object_get(data, "status"));
	const char *published_at = json_string_value(json_object_get(data, "published_at"));
	const char *reason = json_string_value(json_object_get(data, "unpublish_reason"));
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !is_lang_texts(title) ||
	    !is_lang_texts(body) || !status ||
	    (strcmp(status, "published") != 0 && strcmp(status, "unpublished") != 0) ||
	    (published_at ? !is_utc_time(published_at) : strcmp(status, "published") == 0)) {
		log_warn("news event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	return db_news_mirror_upsert(origin, json_integer_value(id), title, body, status,
				     published_at, reason, own);
}

enum status
hook_news(const struct hook_event *ev)
{
	return news_apply(ev, false);
}

enum status
restore_news(const struct hook_event *ev)
{
	return news_apply(ev, true);
}

static const struct hook news_hooks[] = {
	{"news.published", hook_news},
	{"news.updated", hook_news},
	{"news.unpublished", hook_news},
	{NULL, NULL},
};

static const struct hook news_restorers[] = {
	{"news.published", restore_news},
	{"news.updated", restore_news},
	{"news.unpublished", restore_news},
	{NULL, NULL},
};

static const struct nav_link news_nav[] = {
	{"/news", "nav_news", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link news_staff[] = {
	{"/staff/news", "staff_news", "news.write"},
	{NULL, NULL, NULL},
};

#define NEWS_SIDE                                                                                  \
	{                                                                                          \
		MODULE_ROUTES(news_routes), .hooks = news_hooks, .restorers = news_restorers,      \
					    .nav = news_nav, .staff = news_staff,                  \
					    .demo_load = news_demo_load, .facts = news_facts,      \
	}

extern const struct embedded_file news_assets_files[];

const struct module news_module = {
	.name = "news",
	.assets = news_assets_files,
	.official = NEWS_SIDE,
	.citizen = NEWS_SIDE,
};
