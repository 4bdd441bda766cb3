// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PUBLICATIONS_DB_PUBLICATION_H
#define PUBLICATIONS_DB_PUBLICATION_H

#include "common/status.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

/*
 * All SQL about publications (projects, sessions, deliberations, budgets): the items, their
 * versions, the accountability figures, and the lookups and locks that the other modules' own
 * SQL builds on (budget lines in budgets, files in council, reactions in reactions). Items come
 * back as {id, origin, origin_id, kind, status, version, data, unpublish_reason, published_at,
 *  updated_at}.
 */

/* A new own item (version 1); published at once when publish. Returns its id or -1. */
long long db_pub_create(const char *origin, const char *kind, json_t *data, bool publish);
/*
 * Replace the fields of an own item. A public item gets a new version (the old one stays in
 * history). STATUS_NOT_FOUND when there is no such own item.
 */
enum status db_pub_update(const char *origin, const char *kind, long long id, json_t *data);
/* Publish, or unpublish with a public reason; a new version either way. STATUS_CONFLICT when the
 * item is not in a state that allows it. */
enum status db_pub_set_status(const char *origin, const char *kind, long long id, bool publish,
			      const char *reason);
/* One item; drafts only when include_drafts. NULL: not found (*st) or failure. */
json_t *db_pub_get(const char *kind, long long id, bool include_drafts, enum status *st);
/*
 * Public items of kind (published, and unpublished ones when with_withdrawn), newest first by
 * sort_field (a data date field, NULL: published_at); filter: a data object the items must
 * contain ({"status": "en_cours"}), q: full-text search in Arabic and French (NULL: none).
 * Keyset pagination like db_news_list_published. Returns {items, next} or NULL (*st).
 */
json_t *db_pub_list(const char *kind, const char *sort_field, json_t *filter, const char *q,
		    const char *cursor, int limit, bool with_withdrawn, enum status *st);
/*
 * Published items of kind that have a location (data lat_micro and lon_micro, integers), for a
 * map: filter and q as db_pub_list; bbox_e6 (may be NULL) is {min lon, min lat, max lon,
 * max lat} in microdegrees. Newest first, at most limit. Returns an array, or NULL (*st).
 */
json_t *db_pub_located(const char *kind, json_t *filter, const char *q, const long long *bbox_e6,
		       int limit, enum status *st);
/* Every item of kind and origin, any status (the staff list). */
json_t *db_pub_list_own(const char *origin, const char *kind, int limit);
/* The same a page at a time, after the keyset cursor before_id (the last id shown; 0: the
 * first page), at most limit + 1 rows (one more: there is a next page), a result with the item
 * columns (id, origin, origin_id, kind, status, version, data, unpublish_reason, published_at,
 * updated_at) and title_i18n, data's title_field alone; NULL on failure. */
PGresult *db_pub_page_own(const char *origin, const char *kind, const char *title_field,
			  long long before_id, int limit);
/* The versions of an item, newest first: [{version, status, data, unpublish_reason, changed_at}].
 */
json_t *db_pub_versions(long long id);
/* Mirror a peer's item from its event snapshot (insert or replace, and record the version); own:
 * write back an own item (id = origin_id) from its own event re-imported after a database
 * restore (docs/decisions/0010), and move the ids past it. */
enum status db_pub_mirror(const char *origin, const char *kind, long long origin_id, int version,
			  const char *status, json_t *data, const char *reason,
			  const char *published_at, bool own);
/* The local id of a peer's item, or -1. */
long long db_pub_local_id(const char *origin, const char *kind, long long origin_id);

/* Accountability figures, computed from the (mirrored) data so both sides agree:
 * {projects_by_status: {status: n}, budget_execution: [{year, type, planned, executed, rate_pct}],
 *  deliberations: {published, within_8_days, share_pct}}. */
json_t *db_pub_accountability(void);

/* Lock an own item for the caller's transaction. STATUS_NOT_FOUND when there is no such own
 * item; *is_published tells whether it is public. */
enum status db_pub_lock_own(const char *origin, const char *kind, long long id, bool *is_published);

/* Like db_pub_local_id, telling a missing item (STATUS_NOT_FOUND) from a database failure
 * (STATUS_UNAVAILABLE); *id gets the local id. */
enum status db_pub_find_local(const char *origin, const char *kind, long long origin_id,
			      long long *id);

/* Whether another own item of kind than except_id (0: none) has data field = value: *taken. */
enum status db_pub_value_taken(const char *origin, const char *kind, const char *field,
			       const char *value, long long except_id, bool *taken);
/* The public item (published or withdrawn) of kind whose data field equals value, as db_pub_get;
 * NULL: not found (*st) or failure. */
json_t *db_pub_get_by_value(const char *kind, const char *field, const char *value,
			    enum status *st);

/* Like db_pub_get (drafts included), locking the row until the caller's transaction ends. */
json_t *db_pub_get_for_update(const char *kind, long long id, enum status *st);

#endif
