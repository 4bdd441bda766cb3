// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_OUTBOX_H
#define COMMON_OUTBOX_H

#include <jansson.h>

/*
 * Emitting federation events from domain code. A handler that changes a public object calls
 * outbox_emit() inside the same database transaction as the change: the event is signed, stored
 * and NOTIFY'd by the federation layer (protocol/), which registers itself at start; if the
 * transaction rolls back, no event exists. common/ cannot depend on protocol/, hence the hook.
 */
/* The emitter writes the event's occurred_at ("2026-11-26T07:00:00.123Z") to when[32]. */
typedef int (*outbox_emit_fn)(const char *type, json_t *refs, json_t *data, char *when);

void outbox_set_emitter(outbox_emit_fn fn);

/*
 * Emit one event of this platform. refs (array of {origin, type, id}, may be NULL) and data
 * (object, no floats, no personal data) are stolen. Returns 0, or -1 (logged) when it could not
 * be stored: the caller must then roll back. Without a registered emitter it returns 0.
 */
int outbox_emit(const char *type, json_t *refs, json_t *data);

/*
 * The occurred_at of the last event this thread emitted ("" before any, or without an
 * emitter): what an origin stores as the time of a change, so that both sides hold the time the
 * signed event carries.
 */
const char *outbox_last_time(void);

#endif
