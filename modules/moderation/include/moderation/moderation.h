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
 * An own entry of a re-imported own event written back after a database restore
 * (docs/decisions/0010): under its id (id = origin_id = the event's moderation_id), the ids
 * moved past it, so that the next own entry does not take an id the peer holds already.
 * Idempotent. STATUS_OK, or STATUS_UNAVAILABLE.
 */
enum status db_moderation_restore(const char *origin, long long id, const char *action,
				  const char *target, const char *reason,
				  const char *comment_sha256, const char *created_at);

/* The public view of log entry m (as db_moderation_add returns it; an entry about a reaction
 * may carry item: {kind, origin_id, id, title}, id the local copy or null). */
json_t *moderation_view(struct request *req, json_t *m);

#endif
