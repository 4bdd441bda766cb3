// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NEWS_NEWS_H
#define NEWS_NEWS_H

/*
 * News: each platform's own items (written by staff, published, unpublished with a public
 * reason, never deleted) and the peer's, mirrored from its signed events.
 */
#include <jansson.h>
#include <stdbool.h>

struct request;
struct app;

extern const struct module news_module;

/* The view of one news item in the reader's language; full adds the rendered body. */
json_t *news_view(struct request *req, json_t *item, bool full);
/* The views of origin's limit newest published items, or NULL when the database failed. */
json_t *news_views(struct request *req, const char *origin, int limit);
/* Advertise the Atom feeds of this side's news and of the peer's (common/atom.h) on a page
 * that shows both (the home page). */
void news_advertise_feeds(struct request *req);

#endif
