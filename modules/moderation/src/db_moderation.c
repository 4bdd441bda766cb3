// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The public moderation log's SQL (table moderation_log, migration 0005).
 */

#include "internal.h"
#include "moderation/moderation.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODERATION_COLUMNS                                                                         \
	"m.id, m.origin, m.origin_id, m.action, m.target, m.reason, m.comment_sha256,"             \
	" to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/* {id, origin, origin_id, action, target, reason, comment_sha256, created_at} from the
 * MODERATION_COLUMNS of row (no json_pack: the log's page reads 50 of these) */
static json_t *
moderation_row(PGresult *res, int row)
{
	static const char *const keys[] = {"id",     "origin", "origin_id",      "action",
					   "target", "reason", "comment_sha256", "created_at"};
	json_t *m = json_object();
	for (int col = 0; col < 8; col++)
		json_object_set_new_nocheck(m, keys[col], db_value(res, row, col));
	return m;
}

json_t *
db_moderation_add(const char *origin, long long origin_id, const char *action, const char *target,
		  const char *reason, const char *comment_sha256, const char *created_at,
		  enum status *st)
{
	/* an own action takes its id as origin_id; a mirrored one keeps the origin's id and date */
	static const char q[] =
		"WITH n AS (SELECT nextval('moderation_log_id_seq') AS id)"
		" INSERT INTO moderation_log AS m (id, origin, origin_id, action, target, reason,"
		" comment_sha256, created_at)"
		" SELECT n.id, $1, coalesce($2::bigint, n.id), $3, $4, $5, $6,"
		"  coalesce($7::timestamptz, now()) FROM n"
		" ON CONFLICT (origin, origin_id) DO NOTHING RETURNING " MODERATION_COLUMNS;
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, origin_id > 0 ? LL(oid, origin_id) : NULL,
					     action, target, reason, comment_sha256, created_at));
	json_t *row = res && PQntuples(res) ? moderation_row(res, 0) : NULL;
	*st = !res ? STATUS_UNAVAILABLE : row ? STATUS_OK : STATUS_CONFLICT;
	PQclear(res);
	return row;
}

enum status
db_moderation_restore(const char *origin, long long id, const char *action, const char *target,
		      const char *reason, const char *comment_sha256, const char *created_at)
{
	static const char q[] =
		"INSERT INTO moderation_log (id, origin, origin_id, action, target, reason,"
		" comment_sha256, created_at) VALUES ($2, $1, $2, $3, $4, $5, $6, $7::timestamptz)"
		" ON CONFLICT DO NOTHING";
	char ids[24];
	if (db_command(q, DB_PARAMS(origin, LL(ids, id), action, target, reason, comment_sha256,
				    created_at)) < 0 ||
	    db_ids_past("moderation_log") < 0)
		return STATUS_UNAVAILABLE;
	return STATUS_OK;
}

PGresult *
db_moderation_page(long long before_id, int limit, long long *next)
{
	/* each entry with the reaction it is about and that reaction's item, when known here:
	 * - the reaction found by its number in the target through its (origin, origin_id) key
	 *   (compared as text, every reaction of the origin was read for each entry: 148 ms a page
	 *   at 20,000 reactions, 0.57 ms so);
	 * - the item looked for only when there is a reaction (the subquery's condition on r alone
	 *   is checked once per entry before any scan; OFFSET 0 keeps it a subquery): 0.22 ->
	 *   0.09 ms a page at 200 entries about reports.
	 * The cursor only when there is one (db_query: each statement planned once). */
	struct db_query q;
	char bid[24];
	db_query_init(&q,
		      "SELECT " MODERATION_COLUMNS ", r.target_kind, r.target_id, p.id, p.title"
		      " FROM moderation_log m"
		      " LEFT JOIN reactions r"
		      "  ON r.origin = m.origin AND r.origin_id = CASE WHEN m.target"
		      "   ~ '^reaction/[0-9]{1,18}$' THEN substr(m.target, 10)::bigint END"
		      " LEFT JOIN LATERAL (SELECT p.id, (p.data -> 'title')::text AS title"
		      "  FROM publications p WHERE r.id IS NOT NULL AND p.origin = r.target_origin"
		      "  AND p.kind = r.target_kind AND p.origin_id = r.target_id OFFSET 0) p"
		      " ON true");
	if (before_id > 0)
		db_query_param(&q, " WHERE m.id < $?::bigint", LL(bid, before_id));
	db_query_add(&q, " ORDER BY m.id DESC");
	db_query_limit(&q, limit + 1);
	PGresult *res = db_query_exec(&q);
	*next = res && PQntuples(res) > limit
			? strtoll(PQgetvalue(res, limit - 1, MODERATION_COL_ID), NULL, 10)
			: 0;
	return res;
}
