// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_SITE_H
#define COMMON_SITE_H

/*
 * The shared skeleton's handlers, the same on both servers (each lists them in its routes.c):
 * home, about, health, theme CSS, sign-in/out, news (public and staff).
 */
#include "common/router.h"

#include <jansson.h>
#include <stdbool.h>
#include "common/static_files.h"

struct request;

void page_home(struct request *req);
void page_about(struct request *req);
void page_healthz(struct request *req);
void page_theme_css(struct request *req);
void page_favicon(struct request *req);
void page_login(struct request *req);
void page_login_post(struct request *req);
void page_logout(struct request *req);
void page_staff_home(struct request *req);

void page_news_list(struct request *req);
void page_news_item(struct request *req);
void page_staff_news_list(struct request *req);
void page_staff_news_new(struct request *req);
void page_staff_news_create(struct request *req);
void page_staff_news_edit(struct request *req);
void page_staff_news_update(struct request *req);
void page_staff_news_publish(struct request *req);
void page_staff_news_unpublish(struct request *req);

/*
 * The skeleton's rows of a server's route table; each routes.c starts its table with them.
 */
// clang-format off
#define SITE_KIB 1024
#define SITE_ROUTES \
	{"GET", "/", page_home, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "home"}, \
	{"GET", "/about", page_about, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "about"}, \
	{"GET", "/news", page_news_list, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "news"}, \
	{"GET", "/news/{id}", page_news_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "news_item"}, \
	{"GET", "/login", page_login, 0, 0, "login"}, \
	{"POST", "/login", page_login_post, 0, 4 * SITE_KIB, "login_post"}, \
	{"POST", "/logout", page_logout, 0, 4 * SITE_KIB, "logout"}, \
	{"GET", "/staff", page_staff_home, ROUTE_STAFF, 0, "staff"}, \
	{"GET", "/staff/news", page_staff_news_list, ROUTE_STAFF | ROUTE_JSON_TWIN, 0, "staff_news"}, \
	{"GET", "/staff/news/new", page_staff_news_new, ROUTE_STAFF, 0, "staff_news_new"}, \
	{"POST", "/staff/news", page_staff_news_create, ROUTE_STAFF, 256 * SITE_KIB, \
	 "staff_news_create"}, \
	{"GET", "/staff/news/{id}/edit", page_staff_news_edit, ROUTE_STAFF, 0, "staff_news_edit"}, \
	{"POST", "/staff/news/{id}", page_staff_news_update, ROUTE_STAFF, 256 * SITE_KIB, \
	 "staff_news_update"}, \
	{"POST", "/staff/news/{id}/publish", page_staff_news_publish, ROUTE_STAFF, 4 * SITE_KIB, \
	 "staff_news_publish"}, \
	{"POST", "/staff/news/{id}/unpublish", page_staff_news_unpublish, ROUTE_STAFF, \
	 8 * SITE_KIB, "staff_news_unpublish"}, \
	{"GET", "/healthz", page_healthz, ROUTE_API, 0, "healthz"}, \
	{"GET", "/theme.css", page_theme_css, 0, 0, "theme_css"}, \
	{"GET", "/static/*", page_static, 0, 0, "static"}, \
	{"GET", "/favicon.ico", page_favicon, 0, 0, "favicon"}
// clang-format on

/* The view of one news item in the reader's language; full adds the rendered body. */
json_t *news_view(struct request *req, json_t *item, bool full);

/* Emit the public snapshot of own news item id as event type ("news.published"...) in the
 * caller's transaction; nothing for drafts. Returns 0 or -1. */
int news_emit(const char *side, long long id, const char *type);

/* Build the per-language views of the theme's site.json (called at start). */
struct app;
int site_load(struct app *app);
void site_free(struct app *app);

#endif
