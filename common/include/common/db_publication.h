// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DB_PUBLICATION_H
#define COMMON_DB_PUBLICATION_H

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * All SQL about publications (projects, sessions, deliberations, budgets), their versions,
 * budget lines, files, reactions and the moderation log. Items come back as
 * {id, origin, origin_id, kind, status, version, data, unpublish_reason, published_at,
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
/* The versions of an item, newest first: [{version, status, data, unpublish_reason, changed_at}].
 */
json_t *db_pub_versions(long long id);
/* Mirror a peer's item from its event snapshot (insert or replace, and record the version). */
enum status db_pub_mirror(const char *origin, const char *kind, long long origin_id, int version,
			  const char *status, json_t *data, const char *reason,
			  const char *published_at);
/* The local id of a peer's item, or -1. */
long long db_pub_local_id(const char *origin, const char *kind, long long origin_id);

/* The lines of a budget document, in order; NULL on failure. */
json_t *db_budget_lines(long long pub_id);

/* Accountability figures, computed from the (mirrored) data so both sides agree:
 * {projects_by_status: {status: n}, budget_execution: [{year, type, planned, executed, rate_pct}],
 *  deliberations: {published, within_8_days, share_pct}}. */
json_t *db_pub_accountability(void);

/*
 * Deliberation files (PDF attachments). On the origin a file row holds its bytes; on a mirror
 * the row has the origin's file id as its own id (only the origin of a deliberation adds files,
 * so the ids cannot clash) and no bytes: readers are sent to the origin.
 */
/* Lock an own item for the caller's transaction. STATUS_NOT_FOUND when there is no such own
 * item; *is_published tells whether it is public. */
enum status db_pub_lock_own(const char *origin, const char *kind, long long id, bool *is_published);
/* Store a file of own item pub_id (sha256: lowercase hex) in the caller's transaction.
 * Returns the file id or -1. */
long long db_pub_file_add(long long pub_id, const char *name, const char *content_type,
			  const void *data, size_t len, const char *sha256);
/* Record the metadata of a peer's file (id file_id) under the local item pub_id; the same file
 * again is STATUS_OK, a different file with that id STATUS_CONFLICT. */
enum status db_pub_file_mirror(long long file_id, long long pub_id, const char *name,
			       const char *content_type, long long size, const char *sha256);
/* The files of an item, oldest first: [{id, publication_id, name, content_type, size, sha256,
 * is_local, created_at}] (is_local: the bytes are here); NULL on failure. */
json_t *db_pub_files(long long pub_id);
/* One file of item pub_id (same object as db_pub_files), or NULL (*st: STATUS_NOT_FOUND or
 * STATUS_UNAVAILABLE). When data is not NULL, *data gets the bytes (malloc'd, NUL-terminated,
 * the caller frees it; NULL on a mirror) and *len their length. */
json_t *db_pub_file_get(long long pub_id, long long file_id, char **data, size_t *len,
			enum status *st);

/* Like db_pub_local_id, telling a missing item (STATUS_NOT_FOUND) from a database failure
 * (STATUS_UNAVAILABLE); *id gets the local id. */
enum status db_pub_find_local(const char *origin, const char *kind, long long origin_id,
			      long long *id);

/*
 * Residents' reactions to the commune's items (citizen-owned: origin_id = id on the citizen
 * side, mirrored on the official side) and the public moderation log. A reaction comes back as
 * {id, origin, origin_id, target: {origin, kind, id}, stance, comment, display_name,
 *  hidden_reason, comment_sha256, created_at, item_id, item_title}, where item_id and
 * item_title (per-language texts) describe this platform's copy of the target (null when it
 * has none).
 */
/* A new own reaction to the published item (target_origin, kind, target_id); NULL with
 * STATUS_NOT_FOUND when there is no such published item. */
json_t *db_reaction_create(const char *origin, const char *target_origin, const char *kind,
			   long long target_id, const char *stance, const char *comment,
			   const char *display_name, enum status *st);
/* One reaction by its origin's identity; NULL: not found (*st) or failure. */
json_t *db_reaction_get(const char *origin, long long origin_id, enum status *st);
/* Store a peer's reaction as its event carries it (kept as is when already there);
 * STATUS_NOT_FOUND when the item it is about is not here. */
enum status db_reaction_mirror(const char *origin, long long origin_id, const char *target_origin,
			       const char *kind, long long target_id, const char *stance,
			       const char *comment, const char *display_name,
			       const char *created_at);
/*
 * Hide a reaction: blank its comment and display name, keep the SHA-256 (hex) of the comment
 * (comment_sha256 when given, as the origin computed it; NULL: computed here) and the public
 * reason. computed_sha256 (may be NULL) receives the hash of the comment this side held.
 * Returns the hidden reaction, or NULL with STATUS_NOT_FOUND, STATUS_CONFLICT (hidden already)
 * or STATUS_UNAVAILABLE.
 */
json_t *db_reaction_hide(const char *origin, long long origin_id, const char *reason,
			 const char *comment_sha256, char computed_sha256[65], enum status *st);
/* Counts and newest commented (or hidden) reactions to an item:
 * {support, concern, comments_total, items: [reaction, at most limit]}; NULL on failure. */
json_t *db_reaction_summary(const char *target_origin, const char *kind, long long target_id,
			    int limit);
/* The moderators' queue: reactions of origin, newest first, before id before_id (0: from the
 * newest); {items, next (an id or null)} or NULL. */
json_t *db_reaction_queue(const char *origin, long long before_id, int limit);
/* The id of an identical reaction to the item (the demo loader's idempotence), 0, or -1. */
long long db_reaction_find(const char *target_origin, const char *kind, long long target_id,
			   const char *stance, const char *comment, const char *display_name);
/*
 * Append to the moderation log: origin_id <= 0 for an own action (its id becomes its
 * origin_id), created_at NULL for now. Returns {id, origin, origin_id, action, target, reason,
 * comment_sha256, created_at}, or NULL with STATUS_CONFLICT (that origin_id is there already)
 * or STATUS_UNAVAILABLE.
 */
json_t *db_moderation_add(const char *origin, long long origin_id, const char *action,
			  const char *target, const char *reason, const char *comment_sha256,
			  const char *created_at, enum status *st);
/* The moderation log, newest first, before id before_id (0: from the newest): {items, next};
 * each entry about a reaction ("reaction/<origin_id>") has item: {kind, origin_id, id, title}
 * (id: the local copy, or null). NULL on failure. */
json_t *db_moderation_list(long long before_id, int limit);

/* Like db_pub_get (drafts included), locking the row until the caller's transaction ends. */
json_t *db_pub_get_for_update(const char *kind, long long id, enum status *st);
/* Append lines to a document's, numbering them from first_line_no (the caller's transaction). */
int db_budget_lines_append(long long pub_id, long long first_line_no, json_t *lines);
/* Replace all the lines of a document, [{section, chapter, article, label, planned, executed}]
 * (the caller's transaction). */
int db_budget_lines_set(long long pub_id, json_t *lines);
/* How many lines a document has, or -1 on failure. */
long long db_budget_lines_count(long long pub_id);
/*
 * The published budget documents of origin and type (bp|bs|ca) up to max_year, the limit most
 * recent, oldest first, with their totals: [{id, year, planned, executed, lines}]. NULL on
 * failure.
 */
json_t *db_budget_year_totals(const char *origin, const char *type, int max_year, int limit);

#endif
