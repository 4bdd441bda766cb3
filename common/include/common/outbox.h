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
/* Largest serialized data of one event (bytes): its payload must fit in an envelope of 96 KiB
 * once signed and base64-encoded (docs/protocol.md §6); committed content travels beside it. */
#define OUTBOX_DATA_MAX (56 * 1024)

/* An event's occurred_at as the emitter writes it ("2026-11-26T07:00:00.123Z") and its NUL. */
#define OUTBOX_TIME_SIZE 32

/* The emitter writes the event's occurred_at to when; committed: see outbox_emit_committed. */
typedef int (*outbox_emit_fn)(const char *type, json_t *refs, json_t *data,
			      const char *const *committed, char when[OUTBOX_TIME_SIZE]);
/* The eraser of the committed content of the events about one object: see outbox_erase. */
typedef int (*outbox_erase_fn)(const char *origin, const char *type, const char *id,
			       const char *reason);

void outbox_set_emitter(outbox_emit_fn emit, outbox_erase_fn erase);

/*
 * Emit one event of this platform. refs (array of {origin, type, id}, may be NULL) and data
 * (object, no floats, no personal data) are stolen. When when is not NULL it receives the
 * event's occurred_at ("" without an emitter): what an origin stores as the time of the change,
 * so that both sides hold the time the signed event carries. Returns 0, or -1 (logged) when it
 * could not be stored: the caller must then roll back. Without a registered emitter it
 * returns 0.
 */
int outbox_emit(const char *type, json_t *refs, json_t *data, char when[OUTBOX_TIME_SIZE]);

/*
 * Like outbox_emit, for an event with free text or media that may have to be taken down: the
 * fields of data named in committed (NULL-terminated list) leave the signed payload, which
 * keeps a salted hash of each, and their content is stored and travels beside the envelope
 * (docs/protocol.md §4.6), so that outbox_erase() can delete it everywhere later.
 */
int outbox_emit_committed(const char *type, json_t *refs, json_t *data,
			  const char *const *committed, char when[OUTBOX_TIME_SIZE]);

/*
 * In the caller's transaction, delete the committed content of every stored event (own or the
 * peer's) whose refs name the object {origin, type, id}: the payloads and signatures stay,
 * the fields are served as withheld with reason (public: say why, name no one). Returns the
 * number of fields erased, or -1 (logged).
 */
int outbox_erase(const char *origin, const char *type, const char *id, const char *reason);

#endif
