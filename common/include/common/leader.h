// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_LEADER_H
#define COMMON_LEADER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Roles only one replica of a daemon may play at a time (a sender, a puller, the jobs runner),
 * elected through PostgreSQL: a session-level advisory lock on the role's key, held on a
 * connection of the role's own (never a thread's pooled one, which reconnects silently and
 * would lose the lock without noticing). The lock goes when the holder's connection does: a
 * replica killed or cut off from the database loses its roles, and another one that asks takes
 * them within about a second. Feature-agnostic: any background thread names its role.
 *
 *   struct leader *l = leader_new(app, "notify-sender");
 *   while (!stopping) {
 *           if (!leader_hold(l)) { sleep a second (LEADER_RETRY_MS); continue; }
 *           ... one round of work, from the durable position in the database ...
 *   }
 *   leader_free(l);
 */
struct app;
struct leader;

/* How often a replica that does not hold a role asks again, and how often a holder checks its
 * connection still holds it (milliseconds). */
#define LEADER_RETRY_MS 1000

/* The replica's name: BALADIYA_INSTANCE, or "<hostname>:<port>". Valid for the process. */
const char *leader_instance(const struct app *app);

/* A role named role (copied), not held yet. Opens no connection before leader_hold. */
struct leader *leader_new(const struct app *app, const char *role);

/*
 * True while this replica holds the role. The first call, and any call LEADER_RETRY_MS after
 * the last check, asks the database: a replica without the role tries to take it (once, never
 * waiting for it); a holder checks that its connection is alive (so a holder whose connection
 * broke learns it lost the role, logs it and answers false). Between checks it answers from
 * memory, so calling it before each unit of work is cheap. Blocks at most the connection's
 * timeouts (a few seconds) when the database is unreachable.
 */
bool leader_hold(struct leader *l);

/* True when the last leader_hold answered true (no database round trip). */
bool leader_is_held(const struct leader *l);

/* Give the role up (closing its connection, which releases the lock) and free l; NULL is
 * fine. */
void leader_free(struct leader *l);

/*
 * The advisory lock key of role: FNV-1a (64 bits) of "baladiya-leader/<role>", as a signed
 * bigint. Stable across versions and processes (every replica must compute the same).
 */
int64_t leader_key(const char *role);

/*
 * Every elected role of this database as a new JSON array of {role, holder, since, held}
 * (held: the holder's lock connection still holds it now), ordered by role; NULL when the
 * database failed. On the calling thread's connection.
 */
json_t *leader_roles(void);

#endif
