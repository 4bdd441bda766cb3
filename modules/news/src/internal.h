// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NEWS_INTERNAL_H
#define NEWS_INTERNAL_H

/* The news module's handlers, applier and loaders, between its own files and its unit tests. */
#include "common/module.h"

#include <jansson.h>
#include <stdbool.h>

struct request;
struct app;

/* page_news.c: readers */
void page_news_list(struct request *req);
void page_news_item(struct request *req);

/* page_staff_news.c: the staff area ("news.write") */
void page_staff_news_list(struct request *req);
void page_staff_news_new(struct request *req);
void page_staff_news_create(struct request *req);
void page_staff_news_edit(struct request *req);
void page_staff_news_update(struct request *req);
void page_staff_news_publish(struct request *req);
void page_staff_news_unpublish(struct request *req);

/*
 * Create an own item of side (published when publish, else a draft) and emit it, in one
 * transaction: the staff form's path, and the demo's. author_id 0: none. Returns the new id, or
 * -1 when the database failed (rolled back, logged).
 */
long long news_create(const char *side, long long author_id, const json_t *title,
		      const json_t *body, bool publish);

/*
 * news_module.c: the applier of the peer's news.published, news.updated and news.unpublished.
 * STATUS_INVALID (nothing written) when the data does not fit: id a positive integer, title and
 * body per-language texts, status "published" or "unpublished", published_at an RFC 3339 UTC
 * time (required when published). Reads ev->origin and ev->data only.
 */
enum status hook_news(const struct hook_event *ev);
/* The restorer of this platform's own news events re-imported from the peer's copy after a
 * database restore (docs/decisions/0010): the same checks, the item written back as an own
 * item with its id. */
enum status restore_news(const struct hook_event *ev);

int news_demo_load(struct app *app, const char *dir); /* demo_news.c: news.json */

/* Its facts (module_side.facts), in its db file. */
int news_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
