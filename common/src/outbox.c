// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The indirection between domain code (common, servers) and the federation layer (protocol)
 * that signs and stores events.
 */
#include "common/outbox.h"

static outbox_emit_fn outbox_emitter;
static outbox_erase_fn outbox_eraser;

void
outbox_set_emitter(outbox_emit_fn emit, outbox_erase_fn erase)
{
	outbox_emitter = emit;
	outbox_eraser = erase;
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
	return outbox_emitter(type, refs, data, committed, when);
}
