// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef MODERATION_MODERATION_H
#define MODERATION_MODERATION_H

/*
 * The public moderation log: every hiding by the collective's moderators (a reaction, a
 * report), with its public reason and the SHA-256 of what was hidden, written on the citizen
 * platform and mirrored on the official one by the hiding modules' events. /moderation shows it
 * on both.
 */
#include "common/status.h"

#include <jansson.h>

/* Who moderates residents' texts (DESIGN.md §2). */
#define MODERATION_OWNER "citizen"

struct request;

extern const struct module moderation_module;
/*
 * Append to the moderation log: origin_id <= 0 for an own action (its id becomes its
 * origin_id), created_at NULL for now. Returns {id, origin, origin_id, action, target, reason,
 * comment_sha256, created_at}, or NULL with STATUS_CONFLICT (that origin_id is there already)
 * or STATUS_UNAVAILABLE.
 */
json_t *db_moderation_add(const char *origin, long long origin_id, const char *action,
			  const char *target, const char *reason, const char *comment_sha256,
			  const char *created_at, enum status *st);

/*
 * Write an own entry back after a database restore (docs/decisions/0010), from the event that
 * carried it: its id is its origin_id, as when it was made, and the ids move past it; an entry
 * already there is kept as it is. Returns 0 or -1.
 */
int db_moderation_restore(const char *origin, long long origin_id, const char *action,
			  const char *target, const char *reason, const char *comment_sha256,
			  const char *created_at);

/* The moderation log, newest first, before id before_id (0: from the newest): {items, next};
 * each entry about a reaction ("reaction/<origin_id>") has item: {kind, origin_id, id, title}
 * (id: the local copy, or null). NULL on failure. */
json_t *db_moderation_list(long long before_id, int limit);

/* The public view of log entry m (as db_moderation_add and db_moderation_list return it). */
json_t *moderation_view(struct request *req, json_t *m);

#endif
