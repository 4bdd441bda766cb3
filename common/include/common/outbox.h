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
/* Largest serialized data of one event (bytes): it must fit, with its envelope, within the
 * peer's inbox limit (FEDERATION_INBOX_MAX, 96 KiB) once signed and base64-encoded. */
#define OUTBOX_DATA_MAX (56 * 1024)

/* An event's occurred_at as the emitter writes it ("2026-11-26T07:00:00.123Z") and its NUL. */
#define OUTBOX_TIME_SIZE 32

/* The emitter writes the event's occurred_at to when. */
typedef int (*outbox_emit_fn)(const char *type, json_t *refs, json_t *data,
			      char when[OUTBOX_TIME_SIZE]);

void outbox_set_emitter(outbox_emit_fn fn);

/*
 * Emit one event of this platform. refs (array of {origin, type, id}, may be NULL) and data
 * (object, no floats, no personal data) are stolen. When when is not NULL it receives the
 * event's occurred_at ("" without an emitter): what an origin stores as the time of the change,
 * so that both sides hold the time the signed event carries. Returns 0, or -1 (logged) when it
 * could not be stored: the caller must then roll back. Without a registered emitter it
 * returns 0.
 */
int outbox_emit(const char *type, json_t *refs, json_t *data, char when[OUTBOX_TIME_SIZE]);

#endif
