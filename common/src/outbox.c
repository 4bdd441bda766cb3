// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The indirection between domain code (common, servers) and the federation layer (protocol)
 * that signs and stores events.
 */
#include "common/outbox.h"

static outbox_emit_fn outbox_emitter;

void
outbox_set_emitter(outbox_emit_fn fn)
{
	outbox_emitter = fn;
}

int
outbox_emit(const char *type, json_t *refs, json_t *data, char when[OUTBOX_TIME_SIZE])
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
	return outbox_emitter(type, refs, data, when);
}
