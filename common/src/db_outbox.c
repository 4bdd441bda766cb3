// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The SQL of the ceilings on emitted events: one counter row per (type, minute), taken with
 * an atomic upsert in the transaction of the change, so that replicas sharing the database
 * share the count and a change rolled back is not counted.
 */
#include "db_outbox.h"

#include "common/check.h"
#include "common/db.h"

#include <stdlib.h>

int
db_event_ceiling_take(const char *type, long max)
{
	/*
	 * The row stays locked until the caller's transaction ends; outbox_emit takes it after
	 * the emitter locked the platform's event counter, so that lock orders every taker. The
	 * first event of a window drops windows older than an hour.
	 */
	static const char q[] =
		"WITH taken AS ("
		" INSERT INTO event_ceilings AS c (event_type, window_start, events)"
		" VALUES ($1, date_trunc('minute', now()), 1)"
		" ON CONFLICT (event_type, window_start) DO UPDATE SET events = c.events + 1"
		" WHERE c.events < $2::integer RETURNING events),"
		" old AS (DELETE FROM event_ceilings WHERE window_start < now() - interval '1 hour'"
		" AND (SELECT events FROM taken) = 1)"
		" SELECT count(*) FROM taken";
	char maxs[24];
	PGresult *res = db_exec(q, DB_PARAMS(type, LL(maxs, max)));
	if (!res)
		return -1;
	int taken = atoi(PQgetvalue(res, 0, 0)) > 0;
	PQclear(res);
	return taken;
}
