// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The indirection between domain code (common, servers) and the federation layer (protocol)
 * that signs and stores events, and the ceilings per minute on each type of event it emits.
 */
#include "common/outbox.h"

#include "db_outbox.h"

#include "common/http.h"
#include "common/log.h"

#include <stdatomic.h>
#include <time.h>

static outbox_emit_fn outbox_emitter;
static outbox_erase_fn outbox_eraser;
static outbox_restoring_fn outbox_restoring_check;
static long (*outbox_ceiling)(const char *type);
static _Thread_local bool applying_peer;
static long backdate_s;
static _Atomic(const char *) held_reason;

void
outbox_hold(const char *reason)
{
	atomic_store(&held_reason, reason);
}

const char *
outbox_held(void)
{
	return atomic_load(&held_reason);
}

void
outbox_set_emitter(outbox_emit_fn emit, outbox_erase_fn erase)
{
	outbox_emitter = emit;
	outbox_eraser = erase;
}

void
outbox_set_restoring(outbox_restoring_fn restoring)
{
	outbox_restoring_check = restoring;
}

int
outbox_restoring(const char *origin, const char *type, const char *id)
{
	return outbox_restoring_check ? outbox_restoring_check(origin, type, id) : 0;
}

void
outbox_set_ceilings(long (*ceiling)(const char *type))
{
	outbox_ceiling = ceiling;
}

void
outbox_applying_peer(bool on)
{
	applying_peer = on;
}

void
outbox_set_backdate(long seconds)
{
	backdate_s = seconds > 0 ? seconds : 0;
}

long
outbox_backdate(void)
{
	return backdate_s;
}

int
outbox_retry_after_s(void)
{
	return 60 - (int)(time(NULL) % 60);
}

int
outbox_emit(const char *type, json_t *refs, json_t *data, char when[OUTBOX_TIME_SIZE])
{
	return outbox_emit_committed(type, refs, data, NULL, when);
}

int
outbox_erase(const char *origin, const char *type, const char *id, const char *reason)
{
	return outbox_eraser ? outbox_eraser(origin, type, id, reason) : 0;
}

int
outbox_emit_committed(const char *type, json_t *refs, json_t *data, const char *const *committed,
		      char when[OUTBOX_TIME_SIZE])
{
	char ignored[OUTBOX_TIME_SIZE];
	if (!when)
		when = ignored;
	when[0] = '\0';
	if (!outbox_emitter) {
		json_decref(refs);
		json_decref(data);
		return 0;
	}
	const char *held = outbox_held();
	if (held) {
		log_warn("event %s refused: %s", type, held);
		json_decref(refs);
		json_decref(data);
		return OUTBOX_HELD;
	}
	long ceiling = outbox_ceiling && !applying_peer ? outbox_ceiling(type) : 0;
	int rc = outbox_emitter(type, refs, data, committed, when);
	/*
	 * Counted after the emitter, which locks the platform's event counter first: every
	 * transaction that holds a ceiling row then holds that lock too, so two transactions
	 * emitting several types can never wait for each other's rows. Past the ceiling the
	 * caller rolls back, the event with its change.
	 */
	if (rc == 0 && ceiling > 0) {
		int taken = db_event_ceiling_take(type, ceiling);
		if (taken <= 0) {
			if (taken == 0)
				log_debug(
					"event %s refused: its ceiling of %ld a minute is reached",
					type, ceiling);
			when[0] = '\0';
			rc = taken < 0 ? -1 : OUTBOX_BUSY;
		}
	}
	/*
	 * Every public change signs an event: its NOTIFY (delivered with the change's commit)
	 * empties every replica's page cache, whichever process made it (a CLI command too).
	 */
	if (rc == 0)
		http_cache_bump();
	return rc;
}
