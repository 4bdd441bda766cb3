// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Report storage on the citizen side: the SQL for reports, their private rows, supports and
 * timeline, and the PostGIS queries (boundary, nearby, map viewport). Rows are built as JSON by
 * PostgreSQL itself (json_build_object), so each query is one constant statement and one parse.
 */
#include "reports/db_report.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A report as plain columns, the keys and values of report_json() (migration 0007): lists read
 * their rows with db_row_object() instead of parsing JSON text built by PostgreSQL.
 */
#define REPORT_COLUMNS                                                                             \
	" r.id, r.origin, r.origin_id, r.ref, r.category, r.title, r.description, r.place,"        \
	" r.quarter, r.lat_e6, r.lon_e6, r.lang, r.visibility, r.hidden_reason, r.text_sha256,"    \
	" r.status, r.status_message, r.status_body, r.duplicate_of, r.assessment,"                \
	" r.assessment_comment, r.disputes, r.supporters, r.photos,"                               \
	" utc_iso(r.created_at) AS created_at, utc_iso(r.received_at) AS received_at,"             \
	" utc_iso(r.resolved_at) AS resolved_at, utc_iso(r.updated_at) AS updated_at"

static json_t *
parse_row(PGresult *res, int row, int col)
{
	json_t *v = json_loads(PQgetvalue(res, row, col), JSON_DECODE_ANY, NULL);
	if (!v)
		log_error("could not parse a report row from the database");
	return v;
}

/* The single JSON row of res (consumed), *st OK, none when there is no row, UNAVAILABLE. */
static json_t *
one_row(PGresult *res, enum status *st, enum status none)
{
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *r = PQntuples(res) ? parse_row(res, 0, 0) : NULL;
	*st = r ? STATUS_OK : PQntuples(res) ? STATUS_UNAVAILABLE : none;
	PQclear(res);
	return r;
}

/* An array of the JSON rows in column 0 (consumed), or NULL. */
static json_t *
all_rows(PGresult *res)
{
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *v = parse_row(res, i, 0);
		if (v)
			json_array_append_new(a, v);
	}
	PQclear(res);
	return a;
}

json_t *
db_report_create(const char *origin, const char *ref, const char *category, const char *title,
		 const char *description, const char *place, const char *quarter,
		 const long long *lat_e6, const long long *lon_e6, const char *lang,
		 const char *visibility, const char *photos, const char *tracking_sha256,
		 const char *contact, enum status *st)
{
	static const char q[] =
		"WITH n AS (SELECT nextval('reports_id_seq') AS id),"
		" r AS (INSERT INTO reports (id, origin, origin_id, ref, category, title, "
		"description,"
		"  place, quarter, geom, lang, visibility, photos, created_at, updated_at)"
		"  SELECT n.id, $1, n.id, $2, $3, $4, $5, $6, $7, point_e6($8, $9), $10, $11,"
		"  $12::jsonb, now(), now() FROM n RETURNING *),"
		" p AS (INSERT INTO report_private (report_id, tracking_sha256, contact)"
		"  SELECT id, $13, $14 FROM r)"
		" SELECT report_json(r)::text FROM r";
	char lat[24], lon[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, ref, category, title, description, place,
					     quarter, lat_e6 ? LL(lat, *lat_e6) : NULL,
					     lon_e6 ? LL(lon, *lon_e6) : NULL, lang, visibility,
					     photos, tracking_sha256, contact));
	if (!res && db_is_unique_violation()) {
		*st = STATUS_CONFLICT;
		return NULL;
	}
	return one_row(res, st, STATUS_UNAVAILABLE);
}

json_t *
db_report_publish(long long id, const char *at, bool from_pending, enum status *st)
{
	static const char q[] =
		"UPDATE reports r SET visibility = 'public',"
		" created_at = coalesce($2::timestamptz, now()),"
		" updated_at = coalesce($2::timestamptz, now())"
		" WHERE id = $1 AND visibility = CASE WHEN $3 THEN 'pending' ELSE 'public' END"
		" RETURNING report_json(r)::text";
	char ids[24];
	PGresult *res =
		db_exec(q, DB_PARAMS(LL(ids, id), at && *at ? at : NULL, from_pending ? "t" : "f"));
	return one_row(res, st, STATUS_NOT_FOUND);
}

json_t *
db_report_by_ref(const char *ref, enum status *st)
{
	static const char q[] = "SELECT report_json(r)::text FROM reports r WHERE r.ref = $1";
	return one_row(db_exec(q, DB_PARAMS(ref)), st, STATUS_NOT_FOUND);
}

json_t *
db_report_by_tracking(const char *sha256_hex, enum status *st)
{
	static const char q[] = "SELECT report_json(r)::text FROM reports r JOIN report_private p"
				" ON p.report_id = r.id WHERE p.tracking_sha256 = $1";
	return one_row(db_exec(q, DB_PARAMS(sha256_hex)), st, STATUS_NOT_FOUND);
}

int
db_report_ask_due(long long id, int weeks)
{
	/* since the latest resolution (resolved_at is the first one, kept after a reopening) */
	static const char q[] =
		"SELECT coalesce((SELECT max(o.at) FROM report_timeline o WHERE o.report_id = r.id"
		" AND o.side = 'official' AND o.status = 'resolved'), r.resolved_at)"
		" < now() - make_interval(weeks => $2::int)"
		" FROM reports r WHERE r.id = $1 AND r.resolved_at IS NOT NULL";
	char ids[24], w[16];
	PGresult *res = db_exec(q, DB_PARAMS(LL(ids, id), LL(w, weeks)));
	if (!res)
		return -1;
	int due = PQntuples(res) && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return due;
}

int
db_report_set_asked(long long id)
{
	static const char q[] = "UPDATE report_private SET asked_at = now()"
				" WHERE report_id = $1 AND asked_at IS NULL";
	char ids[24];
	return db_command(q, DB_PARAMS(LL(ids, id)));
}

long long
db_report_find_title(const char *origin, const char *title)
{
	static const char q[] = "SELECT id FROM reports WHERE origin = $1 AND title = $2 LIMIT 1";
	PGresult *res = db_exec(q, DB_PARAMS(origin, title));
	if (!res)
		return -1;
	long long id = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return id;
}

int
db_report_point_inside(const char *polygon_geojson, long long lat_e6, long long lon_e6)
{
	static const char q[] =
		"SELECT ST_Contains(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), point_e6($2, $3))";
	char lat[24], lon[24];
	PGresult *res = db_exec(q, DB_PARAMS(polygon_geojson, LL(lat, lat_e6), LL(lon, lon_e6)));
	if (!res)
		return -1;
	int inside = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return inside;
}

json_t *
db_report_nearby(const char *category, long long lat_e6, long long lon_e6, int meters, int limit)
{
	/* geography: distances in metres on the spheroid, through the index on geom::geography */
	static const char q[] =
		"SELECT" REPORT_COLUMNS ", round(ST_Distance(r.geom::geography,"
		"  point_e6($2, $3)::geography))::bigint AS distance_m"
		" FROM reports r WHERE r.visibility = 'public' AND r.category = $1"
		" AND r.status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate')"
		" AND r.geom IS NOT NULL"
		" AND ST_DWithin(r.geom::geography, point_e6($2, $3)::geography, $4)"
		" ORDER BY ST_Distance(r.geom::geography, point_e6($2, $3)::geography), r.id";
	char lat[24], lon[24], m[16];
	struct db_query dq;
	db_query_init(&dq, "");
	db_query_param(&dq, q, category); /* $1, then the $2..$4 written in q */
	db_query_param(&dq, "", LL(lat, lat_e6));
	db_query_param(&dq, "", LL(lon, lon_e6));
	db_query_param(&dq, "", LL(m, meters));
	db_query_limit(&dq, limit); /* a parameter would have it planned again every time */
	return db_row_objects(db_query_exec(&dq));
}

/*
 * The public list's statement: only the filters f has (db_query: planned once for each
 * combination), then the keyset cursor ($? the last id shown) on (created_at, id). Filtered on
 * a category or a status, the page's rows are chosen on that column's index alone (it carries
 * the other filtered columns: the reports filtered out are never read from the table), then
 * only those rows are read: 5,281 against 3,740 requests a second for one category at 100,000
 * reports. Unfiltered, the list index's order is the table's and the rows are read as they
 * come (the join would cost 10 %). bufs holds the numbers' text.
 */
static void
list_query(struct db_query *q, const struct report_filter *f, long long before_id, int limit,
	   char bufs[7][32])
{
	bool ids_first = f->category || f->status;
	db_query_init(q, ids_first ? "SELECT" REPORT_COLUMNS " FROM (SELECT r.id FROM reports r"
				     " WHERE r.visibility = 'public'"
				   : "SELECT" REPORT_COLUMNS " FROM reports r"
				     " WHERE r.visibility = 'public'");
	if (f->category)
		db_query_param(q, " AND r.category = $?", f->category);
	if (f->ref)
		db_query_param(q, " AND r.ref = $?", f->ref);
	if (f->status)
		db_query_param(q, " AND r.status = $?", f->status);
	if (f->quarter)
		db_query_param(q, " AND r.quarter = $?", f->quarter);
	if (f->age_days > 0)
		db_query_param(q, " AND r.created_at >= now() - make_interval(days => $?::int)",
			       LL(bufs[0], f->age_days));
	if (f->has_bbox) {
		static const char *const box[4] = {
			" AND r.geom && ST_MakeEnvelope($?::bigint / 1e6", ", $?::bigint / 1e6",
			", $?::bigint / 1e6", ", $?::bigint / 1e6, 4326)"};
		for (int i = 0; i < 4; i++)
			db_query_param(q, box[i], LL(bufs[i + 1], f->bbox[i]));
	}
	if (before_id > 0)
		db_query_param(q,
			       " AND (r.created_at, r.id) <"
			       " (SELECT created_at, id FROM reports WHERE id = $?::bigint)",
			       LL(bufs[5], before_id));
	db_query_add(q, " ORDER BY r.created_at DESC, r.id DESC");
	db_query_limit(q, limit + 1);
	if (ids_first)
		db_query_add(
			q,
			") p JOIN reports r ON r.id = p.id ORDER BY r.created_at DESC, r.id DESC");
}

PGresult *
db_report_list_result(const struct report_filter *f, long long before_id, int limit)
{
	struct db_query q;
	char bufs[7][32];
	list_query(&q, f, before_id, limit, bufs);
	return db_query_exec(&q);
}

json_t *
db_report_list(const struct report_filter *f, long long before_id, int limit)
{
	json_t *items = db_row_objects(db_report_list_result(f, before_id, limit));
	if (!items)
		return NULL;
	json_t *next = json_null();
	if (json_array_size(items) > (size_t)limit) {
		next = json_incref(json_object_get(json_array_get(items, (size_t)limit - 1), "id"));
		json_array_remove(items, (size_t)limit);
	}
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

int
db_report_staff_list(long long before_id, int pending_limit, int limit, PGresult **pending,
		     PGresult **others)
{
	/* the first page's pending reports, the waiting ones' number, then a keyset page of the
	 * others on (created_at, id) through the age index */
	static const char q_pending[] =
		"SELECT" REPORT_COLUMNS ", count(*) OVER () AS waiting FROM reports r"
		" WHERE r.origin = 'citizen' AND r.visibility = 'pending'"
		" ORDER BY r.created_at DESC, r.id DESC";
	static const char q_others[] = "SELECT" REPORT_COLUMNS " FROM reports r"
				       " WHERE r.origin = 'citizen' AND r.visibility <> 'pending'";
	char bid[24];
	struct db_query q;
	*pending = *others = NULL;
	if (before_id == 0) {
		db_query_init(&q, q_pending);
		db_query_limit(&q, pending_limit);
		if (!(*pending = db_query_exec(&q)))
			return -1;
	}
	/* the cursor only when there is one (db_query: each statement planned once) */
	db_query_init(&q, q_others);
	if (before_id > 0)
		db_query_param(&q,
			       " AND (r.created_at, r.id) <"
			       "  (SELECT created_at, id FROM reports WHERE id = $?::bigint)",
			       LL(bid, before_id));
	db_query_add(&q, " ORDER BY r.created_at DESC, r.id DESC");
	db_query_limit(&q, limit + 1);
	if (!(*others = db_query_exec(&q))) {
		PQclear(*pending);
		*pending = NULL;
		return -1;
	}
	return 0;
}

json_t *
db_report_timeline(long long id)
{
	static const char q[] =
		"SELECT json_build_object('side', side, 'kind', kind, 'status', status,"
		"  'message', message, 'body', body, 'at', utc_iso(at))::text"
		" FROM report_timeline WHERE report_id = $1 ORDER BY at, id";
	char ids[24];
	return all_rows(db_exec(q, DB_PARAMS(LL(ids, id))));
}

int
db_report_timeline_append(long long id, const char *side, const char *kind, const char *status,
			  const char *message, const char *body, const char *at)
{
	static const char q[] =
		"INSERT INTO report_timeline (report_id, side, kind, status, message, body, at)"
		" VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()))";
	char ids[24];
	return db_command(q, DB_PARAMS(LL(ids, id), side, kind, status ? status : "",
				       message ? message : "", body ? body : "",
				       at && *at ? at : NULL));
}

int
db_report_supporters_add(long long id)
{
	static const char q[] = "UPDATE reports SET supporters = supporters + 1 WHERE id = $1"
				" RETURNING supporters";
	char ids[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(ids, id)));
	if (!res)
		return -1;
	int n = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : -1;
	PQclear(res);
	return n;
}

/*
 * The reporter may assess a resolution once: the report is resolved now, and no assessment was
 * recorded since the commune last declared it resolved (the official timeline row, or
 * resolved_at when the timeline lacks it).
 */
#define CAN_ASSESS                                                                                 \
	"r.status = 'resolved' AND NOT EXISTS (SELECT 1 FROM report_timeline a"                    \
	" WHERE a.report_id = r.id AND a.side = 'citizen' AND a.kind = 'assessed'"                 \
	" AND a.at >= coalesce((SELECT max(o.at) FROM report_timeline o WHERE o.report_id = r.id"  \
	" AND o.side = 'official' AND o.status = 'resolved'), r.resolved_at, r.created_at))"

int
db_report_can_assess(long long id)
{
	static const char q[] = "SELECT " CAN_ASSESS " FROM reports r WHERE r.id = $1";
	char ids[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(ids, id)));
	if (!res)
		return -1;
	int ok = PQntuples(res) && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return ok;
}

json_t *
db_report_assess(long long id, const char *assessment, const char *comment, const char *at,
		 enum status *st)
{
	static const char q[] =
		"UPDATE reports r SET assessment = $2, assessment_comment = $3,"
		" updated_at = coalesce($4::timestamptz, now())"
		" WHERE r.id = $1 AND " CAN_ASSESS " RETURNING report_json(r)::text";
	char ids[24];
	PGresult *res =
		db_exec(q, DB_PARAMS(LL(ids, id), assessment, comment, at && *at ? at : NULL));
	return one_row(res, st, STATUS_CONFLICT);
}

json_t *
db_report_hide(long long id, const char *reason, enum status *st)
{
	/* the hash of what was public: title, description and place joined by line feeds */
	static const char q[] =
		"UPDATE reports r SET visibility = 'hidden', hidden_reason = $2,"
		" text_sha256 = encode(sha256(convert_to("
		"  r.title || E'\\n' || r.description || E'\\n' || r.place, 'UTF8')), 'hex'),"
		" title = '', description = '', place = '', updated_at = now()"
		" WHERE r.id = $1 AND r.visibility <> 'hidden'"
		" RETURNING report_json(r)::text";
	char ids[24];
	return one_row(db_exec(q, DB_PARAMS(LL(ids, id), reason)), st, STATUS_CONFLICT);
}

int
db_report_erase_media(const char *origin, long long origin_id)
{
	static const char q[] =
		"WITH old AS (SELECT id, photos FROM reports WHERE origin = $1 AND origin_id = $2"
		"  FOR UPDATE),"
		" upd AS (UPDATE reports r SET geom = NULL, photos = '[]', assessment_comment = ''"
		"  FROM old WHERE r.id = old.id RETURNING r.id),"
		" gone AS (DELETE FROM photos p WHERE p.sha256 IN"
		"  (SELECT jsonb_array_elements(old.photos)->>'sha256' FROM old)"
		"  AND NOT EXISTS (SELECT 1 FROM reports o, old WHERE o.id <> old.id"
		"   AND o.photos @> jsonb_build_array(jsonb_build_object('sha256', p.sha256)))"
		"  RETURNING 1)"
		" SELECT (SELECT count(*) FROM upd), (SELECT count(*) FROM gone)";
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, LL(oid, origin_id)));
	if (!res)
		return -1;
	int n = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	return n;
}

long
db_report_erase_contacts(long days)
{
	static const char q[] = "UPDATE report_private SET contact = '' WHERE contact <> ''"
				" AND closed_at < now() - make_interval(days => $1::int)";
	char d[24];
	snprintf(d, sizeof(d), "%ld", days);
	PGresult *res = db_exec(q, DB_PARAMS(d));
	if (!res)
		return -1;
	long n = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return n;
}

json_t *
db_photos_known(json_t *shas)
{
	static const char q[] =
		"SELECT json_build_object('sha256', p.sha256, 'width', p.width, 'height', p.height)"
		"::text FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS s(sha, n)"
		" JOIN photos p ON p.sha256 = s.sha ORDER BY s.n";
	char *text = json_dumps(shas, JSON_COMPACT);
	json_t *out = all_rows(db_exec(q, DB_PARAMS(text)));
	free(text);
	return out;
}
