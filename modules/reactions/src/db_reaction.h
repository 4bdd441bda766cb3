// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REACTIONS_DB_REACTION_H
#define REACTIONS_DB_REACTION_H

/* The reactions' SQL (table reactions, migration 0005). */

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A new own reaction to the published item (target_origin, kind, target_id); NULL with
 * STATUS_NOT_FOUND when there is no such published item. */
json_t *db_reaction_create(const char *origin, const char *target_origin, const char *kind,
			   long long target_id, const char *stance, const char *comment,
			   const char *display_name, enum status *st);

/* One reaction by its origin's identity; NULL: not found (*st) or failure. */
json_t *db_reaction_get(const char *origin, long long origin_id, enum status *st);

/* Store a peer's reaction as its event carries it (kept as is when already there), or (own)
 * write an own reaction back after a database restore under its id (docs/decisions/0010);
 * STATUS_NOT_FOUND when the item it is about is not here. */
enum status db_reaction_mirror(const char *origin, long long origin_id, const char *target_origin,
			       const char *kind, long long target_id, const char *stance,
			       const char *comment, const char *display_name,
			       const char *created_at, bool own);

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

#endif
