// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Storage for the Open311 API: its keys (only their SHA-256 is kept) and the search of public
 * reports behind GET requests.json, with the filters the GeoReport v2 text defines (several
 * references or service codes, a date range, open or closed). Rows are built as JSON by
 * PostgreSQL in the shape of db_report.h, and never read report_private.
 */
#include "db_open311.h"

#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rows of res, one JSON text each, as an array (res cleared); NULL when the query failed. */
static json_t *
json_rows(PGresult *res)
{
	if (!res)
		return NULL;
	json_t *rows = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *v = json_loads(PQgetvalue(res, i, 0), 0, NULL);
		if (!v) {
			log_error("could not parse a JSON row from the database");
			continue;
		}
		json_array_append_new(rows, v);
	}
	PQclear(res);
	return rows;
}

json_t *
db_open311_requests(const struct open311_query *q)
{
	/*
	 * notes: the commune's latest public message, which may belong to an earlier status than
	 * the current one (a bare "received" after a reopening carries none).
	 */
	static const char sql[] =
		"SELECT json_build_object('id', r.id, 'ref', r.ref, 'category', r.category,"
		"  'title', r.title, 'description', r.description, 'place', r.place,"
		"  'quarter', r.quarter, 'lat_e6', round(ST_Y(r.geom) * 1000000)::bigint,"
		"  'lon_e6', round(ST_X(r.geom) * 1000000)::bigint, 'status', r.status,"
		"  'status_message', r.status_message, 'status_body', r.status_body,"
		"  'photos', r.photos, 'created_at', utc_iso(r.created_at),"
		"  'received_at', utc_iso(r.received_at), 'updated_at', utc_iso(r.updated_at),"
		"  'notes', (SELECT t.message FROM report_timeline t"
		"    WHERE t.report_id = r.id AND t.side = 'official' AND t.message <> ''"
		"    ORDER BY t.at DESC, t.id DESC LIMIT 1))::text"
		" FROM reports r"
		" WHERE r.visibility = 'public'"
		"  AND ($1::text IS NULL OR r.ref = ANY (string_to_array($1, ',')))"
		"  AND ($2::text IS NULL OR r.category = ANY (string_to_array($2, ',')))"
		"  AND ($3::timestamptz IS NULL OR r.created_at >= $3::timestamptz)"
		"  AND ($4::timestamptz IS NULL OR r.created_at <= $4::timestamptz)"
		"  AND ($6::text IS NULL"
		"    OR (r.status = ANY (string_to_array($5::text, ','))) = ($6::text = 'closed'))"
		" ORDER BY r.created_at DESC, r.id DESC"
		" LIMIT $7::int";
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", q->limit);
	return json_rows(db_exec(sql, DB_PARAMS(q->refs, q->categories, q->start, q->end,
						q->closed ? q->closed : "", q->want, limit)));
}

enum status
db_open311_key_add(const char *name, const char *sha256_hex)
{
	static const char sql[] = "INSERT INTO open311_keys (name, key_sha256) VALUES ($1, $2)";
	if (db_command(sql, DB_PARAMS(name, sha256_hex)) == 0)
		return STATUS_OK;
	return db_is_unique_violation() ? STATUS_CONFLICT : STATUS_UNAVAILABLE;
}

enum status
db_open311_key_revoke(const char *name)
{
	static const char sql[] = "UPDATE open311_keys SET revoked_at = now()"
				  " WHERE name = $1 AND revoked_at IS NULL RETURNING id";
	PGresult *res = db_exec(sql, DB_PARAMS(name));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) == 1 ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return st;
}

json_t *
db_open311_key_list(void)
{
	static const char sql[] =
		"SELECT json_build_object('name', name, 'created_at', utc_iso(created_at),"
		"  'revoked_at', utc_iso(revoked_at), 'last_used_at', utc_iso(last_used_at))::text"
		" FROM open311_keys"
		" ORDER BY name";
	return json_rows(db_exec(sql, 0, NULL));
}

enum status
db_open311_key_check(const char *sha256_hex, char **name)
{
	static const char sql[] = "UPDATE open311_keys SET last_used_at = now()"
				  " WHERE key_sha256 = $1 AND revoked_at IS NULL RETURNING name";
	*name = NULL;
	PGresult *res = db_exec(sql, DB_PARAMS(sha256_hex));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = STATUS_FORBIDDEN;
	if (PQntuples(res) == 1) {
		*name = xstrdup(PQgetvalue(res, 0, 0));
		st = STATUS_OK;
	}
	PQclear(res);
	return st;
}
