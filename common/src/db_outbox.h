// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DB_OUTBOX_H
#define COMMON_DB_OUTBOX_H

/* The SQL of the ceilings on emitted events (table of migration 0010), for outbox.c only. */

/*
 * Count one event of type in this minute's window, in the caller's transaction, unless max are
 * counted already: 1 counted, 0 the ceiling is reached, -1 failure (logged).
 */
int db_event_ceiling_take(const char *type, long max);

#endif
