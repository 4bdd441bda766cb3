// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_OUTBOX_H
#define COMMON_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>

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

/* outbox_emit's answer when the ceiling of the event's type is reached this minute. */
#define OUTBOX_BUSY (-2)
/* outbox_emit's answer while emitting is held (outbox_hold): the caller rolls back. */
#define OUTBOX_HELD (-3)

/*
 * Hold every emission with a public reason (static string, e.g. "the platform is recovering
 * its log from its peer after a database restore"), or release it (NULL): while held,
 * outbox_emit returns OUTBOX_HELD and staff writes are answered 503 recovery_pending
 * (http.c, page_write_failed). The federation layer holds it until its recovery has run
 * (docs/decisions/0010).
 */
void outbox_hold(const char *reason);
/* The reason emitting is held, or NULL. */
const char *outbox_held(void);

/*
 * Ceilings per minute on the events a platform signs, so that a flood from many clients ends
 * in clear refusals, never in an endless log. A module offers the defaults of its own types as
 * the extension OUTBOX_CEILINGS_EXT, an array of struct outbox_ceiling ended by {NULL, 0};
 * BALADIYA_EVENT_CEILINGS overrides them. Counted in the database per (type, minute), shared
 * by every replica of the daemon, inside the transaction of the change (a change rolled back
 * does not count), once the event is stored: past the ceiling the caller's rollback takes it
 * back. Events emitted while applying the peer's events (a receipt) are not
 * counted: the peer's own ceilings bound them.
 */
#define OUTBOX_CEILINGS_EXT "outbox.ceilings"
struct outbox_ceiling {
	const char *type; /* an event type, e.g. "news.published" */
	long per_minute;
};

/*
 * The ceiling of type, per minute: ceiling(type) (set by limits_start; NULL turns ceilings
 * off, as in subcommands). ceiling returns 0 for no ceiling.
 */
void outbox_set_ceilings(long (*ceiling)(const char *type));
/* While on (the calling thread applies a peer's event), emitting counts against no ceiling. */
void outbox_applying_peer(bool on);
/*
 * For "demo load" only (a subcommand, one thread): the events emitted from now on are dated
 * seconds in the past (0 again: the real time), so that a demo's questions have ages and
 * delays. An origin's occurred_at is its own signed claim (docs/protocol.md §4.3); the daemons
 * never call this.
 */
void outbox_set_backdate(long seconds);
/* The current backdate in seconds (0 outside a demo load): read by the emitter. */
long outbox_backdate(void);
/* Seconds until the current ceiling window ends (for Retry-After), 1..60. */
int outbox_retry_after_s(void);

/*
 * Emit one event of this platform. refs (array of {origin, type, id}, may be NULL) and data
 * (object, no floats, no personal data) are stolen. When when is not NULL it receives the
 * event's occurred_at ("" without an emitter): what an origin stores as the time of the change,
 * so that both sides hold the time the signed event carries. Returns 0; OUTBOX_BUSY when the
 * ceiling of type is reached this minute (the caller rolls back and answers 429
 * busy_try_later, see page_busy); or -1 (logged) when it could not be stored: the caller must
 * then roll back. Without a registered emitter it returns 0.
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

/*
 * After a database restore, own events re-imported from the peer's copy may wait for an object
 * of the peer before their state can be rebuilt (docs/decisions/0010): restoring(origin, type,
 * id) answers 1 when such an own event names the object {origin, type, id}, 0 when none does,
 * -1 (logged) on failure. An applier that answers a peer's event with an event of its own (a
 * receipt) asks it first: when 1, its answer was signed before the restore and comes back with
 * the waiting event, so signing it again would say it twice. Without a registered function
 * (no federation) it returns 0.
 */
typedef int (*outbox_restoring_fn)(const char *origin, const char *type, const char *id);
void outbox_set_restoring(outbox_restoring_fn restoring);
int outbox_restoring(const char *origin, const char *type, const char *id);

#endif
