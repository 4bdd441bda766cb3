// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The SQL of the report.* appliers and of the commune's statuses, on both platforms: the
 * mirror's rows written from the peer's events, the locked row a status is written to, and the
 * statements that keep the times of the decision (docs/decisions/0007-reports.md) identical on
 * both sides.
 */
#include "db_report_federation.h"

#include "common/check.h"
#include "common/db.h"
#include "reports/db_report.h"
#include "reports/report.h"

#include <stdlib.h>

/* The id in the first row of res (cleared), 0 when there is no row, -1 when res is NULL. */
static long long
first_id(PGresult *res)
{
	long long id = !res ? -1 : PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return id;
}

/* The JSON object in the first row of res (cleared), or NULL; *failed when res is NULL. */
static json_t *
first_object(PGresult *res, bool *failed)
{
	*failed = !res;
	json_t *r = res && PQntuples(res) ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return r;
}

/* Run a one-row update with RETURNING: 1 when it changed a row, 0 when none, -1 on failure. */
static int
update_one(const char *q, int n, const char *const *params)
{
	PGresult *res = db_exec(q, n, params);
	int changed = !res ? -1 : PQntuples(res) > 0;
	PQclear(res);
	return changed;
}

long long
db_report_local_id(const char *origin, long long origin_id)
{
	static const char q[] = "SELECT id FROM reports WHERE origin = $1 AND origin_id = $2";
	char oid[24];
	return first_id(db_exec(q, DB_PARAMS(origin, LL(oid, origin_id))));
}

/* Insert a report from its report.created data with q (the mirror's or the restore's
 * statement, same parameters), photos its [{sha256, width, height}]: the new id, 0 when it is
 * here already, -1 on failure. */
static long long
insert_report(const char *q, const char *origin, long long origin_id, json_t *data, json_t *photos,
	      const char *at)
{
	char oid[24], lat[24], lon[24];
	json_t *jlat = json_object_get(data, "lat_e6"), *jlon = json_object_get(data, "lon_e6");
	char *ph = json_dumps(photos, JSON_COMPACT);
	PGresult *res =
		db_exec(q, DB_PARAMS(origin, LL(oid, origin_id),
				     json_string_value(json_object_get(data, "ref")),
				     json_string_value(json_object_get(data, "category")),
				     json_string_value(json_object_get(data, "title")),
				     json_string_value(json_object_get(data, "description")),
				     json_string_value(json_object_get(data, "place")),
				     json_string_value(json_object_get(data, "quarter")),
				     jlat ? LL(lat, json_integer_value(jlat)) : NULL,
				     jlon ? LL(lon, json_integer_value(jlon)) : NULL,
				     json_string_value(json_object_get(data, "lang")), ph, at));
	free(ph);
	return first_id(res);
}

long long
db_report_mirror(const char *origin, long long origin_id, json_t *data, const char *at)
{
	static const char q[] =
		"INSERT INTO reports (origin, origin_id, ref, category, title, description, place,"
		" quarter, geom, lang, photos, created_at, updated_at) VALUES ($1, $2, $3, $4, $5,"
		" $6, $7, $8, CASE WHEN $9::bigint IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint("
		"$10::bigint::float8 / 1000000, $9::bigint::float8 / 1000000), 4326) END, $11,"
		" $12::jsonb, $13, $13) ON CONFLICT (origin, origin_id) DO NOTHING RETURNING id";
	return insert_report(q, origin, origin_id, data, json_object_get(data, "photos"), at);
}

long long
db_report_restore(const char *origin, long long origin_id, json_t *data, json_t *photos,
		  const char *at)
{
	/* own reports keep id = origin_id, their addresses; the ids then move past them */
	static const char q[] =
		"INSERT INTO reports (id, origin, origin_id, ref, category, title, description,"
		" place, quarter, geom, lang, photos, created_at, updated_at) VALUES ($2, $1, $2,"
		" $3, $4, $5, $6, $7, $8, point_e6($9, $10), $11, $12::jsonb, $13, $13)"
		" ON CONFLICT DO NOTHING RETURNING id";
	long long id = insert_report(q, origin, origin_id, data, photos, at);
	if (id > 0 && db_ids_past("reports") < 0)
		return -1;
	return id;
}

int
db_report_timeline_has(long long id, const char *side, const char *kind, const char *status,
		       const char *at)
{
	static const char q[] = "SELECT 1 FROM report_timeline WHERE report_id = $1 AND side = $2"
				" AND kind = $3 AND status = $4 AND at = $5::timestamptz";
	char rid[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(rid, id), side, kind, status, at));
	int found = !res ? -1 : PQntuples(res) > 0;
	PQclear(res);
	return found;
}

int
db_report_ref_taken(const char *ref, const char *origin, long long origin_id)
{
	static const char q[] = "SELECT 1 FROM reports WHERE ref = $1 AND NOT (origin = $2 AND"
				" origin_id = $3)";
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(ref, origin, LL(oid, origin_id)));
	int taken = !res ? -1 : PQntuples(res) > 0;
	PQclear(res);
	return taken;
}

int
db_report_ref_exists(const char *ref)
{
	static const char q[] = "SELECT 1 FROM reports WHERE ref = $1";
	PGresult *res = db_exec(q, DB_PARAMS(ref));
	int found = !res ? -1 : PQntuples(res) > 0;
	PQclear(res);
	return found;
}

int
db_report_mirror_supporters(const char *origin, long long origin_id, long long supporters,
			    const char *at)
{
	static const char q[] = "UPDATE reports SET supporters = $3, updated_at = $4 WHERE origin"
				" = $1 AND origin_id = $2 RETURNING id";
	char oid[24], n[24];
	return update_one(q, DB_PARAMS(origin, LL(oid, origin_id), LL(n, supporters), at));
}

int
db_report_mirror_assessment(const char *origin, long long origin_id, const char *assessment,
			    const char *comment, const char *at)
{
	static const char q[] =
		"UPDATE reports SET assessment = $3, assessment_comment = $4, updated_at = $5"
		" WHERE origin = $1 AND origin_id = $2 RETURNING id";
	char oid[24];
	return update_one(q, DB_PARAMS(origin, LL(oid, origin_id), assessment, comment, at));
}

int
db_report_mirror_hide(const char *origin, long long origin_id, const char *reason,
		      const char *text_sha256, const char *at)
{
	static const char q[] =
		"UPDATE reports SET title = '', description = '', place = '', visibility ="
		" 'hidden', hidden_reason = $3, text_sha256 = $4, updated_at = $5 WHERE origin = $1"
		" AND origin_id = $2 AND visibility <> 'hidden' RETURNING id";
	char oid[24];
	return update_one(q, DB_PARAMS(origin, LL(oid, origin_id), reason, text_sha256, at));
}

json_t *
db_report_lock(long long id, const char *ref, enum status *st)
{
	static const char q[] =
		"SELECT json_build_object('id', id, 'origin_id', origin_id, 'ref', ref, 'status',"
		" status, 'status_message', status_message, 'status_body', status_body,"
		" 'duplicate_of', duplicate_of, 'assessment', assessment)::text FROM reports"
		" WHERE ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR ref = $2)"
		" FOR UPDATE";
	char rid[24];
	bool failed;
	json_t *row =
		first_object(db_exec(q, DB_PARAMS(id > 0 ? LL(rid, id) : NULL, ref)), &failed);
	*st = failed ? STATUS_UNAVAILABLE : row ? STATUS_OK : STATUS_NOT_FOUND;
	return row;
}

int
db_report_status_write(long long id, const char *status, const char *message, const char *body,
		       const char *duplicate_of, bool reopened, const char *at)
{
	static const char q[] =
		"UPDATE reports SET status = $2, status_message = $3, status_body = $4,"
		" duplicate_of = $5,"
		" received_at = coalesce(received_at,"
		"  CASE WHEN $2 = 'received' THEN $7::timestamptz END),"
		" first_answer_at = coalesce(first_answer_at, CASE WHEN received_at IS NOT NULL AND"
		" NOT ($2 = 'received' AND $3 = '') THEN $7::timestamptz END),"
		" resolved_at = coalesce(resolved_at,"
		"  CASE WHEN $2 = 'resolved' THEN $7::timestamptz END),"
		" disputes = disputes + CASE WHEN $6 THEN 1 ELSE 0 END, updated_at = $7"
		" WHERE id = $1";
	/* the retention clock of the reporter's contact (citizen side only: no private row on the
	 * official side) starts when the commune closes the report, and stops if it reopens */
	static const char closed[] =
		"UPDATE report_private SET closed_at = CASE WHEN $2 THEN"
		" coalesce(closed_at, $3::timestamptz) END WHERE report_id = $1";
	char rid[24];
	if (db_command(q, DB_PARAMS(LL(rid, id), status, message, body, duplicate_of,
				    reopened ? "t" : "f", at)) < 0 ||
	    db_command(closed, DB_PARAMS(rid, report_status_is_open(status) ? "f" : "t", at)) < 0)
		return -1;
	return db_report_timeline_append(id, REPORT_ANSWERER, "status", status, message, body, at);
}

json_t *
db_report_demo_answers(const char *title, bool *failed)
{
	static const char q[] =
		"SELECT json_build_object('ref', r.ref, 'answered', (SELECT count(*) FROM"
		" report_timeline t WHERE t.report_id = r.id AND t.side = 'official') - 1)::text"
		" FROM reports r WHERE r.origin = 'citizen' AND r.title = $1 AND r.received_at IS"
		" NOT NULL ORDER BY r.id LIMIT 1";
	return first_object(db_exec(q, DB_PARAMS(title)), failed);
}
