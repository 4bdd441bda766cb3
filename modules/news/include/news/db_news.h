// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NEWS_DB_NEWS_H
#define NEWS_DB_NEWS_H

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * All SQL about news. Items come back as JSON objects:
 * {id, origin, origin_id, title: {lang: text}, body: {lang: markdown}, status,
 *  unpublish_reason, published_at (RFC 3339 or null), published_date (YYYY-MM-DD), updated_at}.
 */

/*
 * Published items, newest first, keyset-paginated: items published strictly before the cursor
 * (NULL for the first page; cursors are the "next" values this returns). origin filters on one
 * side (NULL: both). Returns {"items": [...], "next": cursor or null}, or NULL when the
 * database failed. A malformed cursor gives STATUS_INVALID through *st.
 */
json_t *db_news_list_published(const char *origin, const char *cursor, int limit, enum status *st);
/* One item by local id; only published ones unless include_unpublished. NULL: not found or
 * failure (*st tells which). */
json_t *db_news_get(long long id, bool include_unpublished, enum status *st);
/* Every item of origin, any status, most recently updated first (the staff list). */
json_t *db_news_list_own(const char *origin, int limit);
/* The id of an item of origin whose title is title (the demo loader's idempotence), 0, or -1
 * when the database failed. */
long long db_news_find_own(const char *origin, const json_t *title);

/* Create an item of origin (a draft, or published when publish). Returns the new id or -1. */
long long db_news_create(const char *origin, long long author_id, const json_t *title,
			 const json_t *body, bool publish);
/* Change title and body of an own item. */
enum status db_news_update(const char *origin, long long id, const json_t *title,
			   const json_t *body);
/* Publish (a draft or withdrawn item), or unpublish a published one with a public reason (never
 * a delete). STATUS_CONFLICT when the item is not in a state that allows it. */
enum status db_news_set_status(const char *origin, long long id, bool publish, const char *reason);

/*
 * Insert or replace the mirror of a peer's item (origin, origin_id) from its event snapshot;
 * own: write back an own item (id = origin_id) from its own event re-imported after a database
 * restore (docs/decisions/0010), and move the ids past it. published_at is RFC 3339 (may be
 * NULL). Returns STATUS_OK or STATUS_UNAVAILABLE.
 */
enum status db_news_mirror_upsert(const char *origin, long long origin_id, const json_t *title,
				  const json_t *body, const char *status, const char *published_at,
				  const char *reason, bool own);

#endif
