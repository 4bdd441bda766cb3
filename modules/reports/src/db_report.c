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
 * The public-list filters on parameters $1..$9 (category, status, quarter, age in days, bbox,
 * one reference).
 */
#define FILTERS                                                                                    \
	" r.visibility = 'public' AND ($1::text IS NULL OR r.category = $1)"                       \
	" AND ($9::text IS NULL OR r.ref = $9)"                                                    \
	" AND ($2::text IS NULL OR r.status = $2) AND ($3::text IS NULL OR r.quarter = $3)"        \
	" AND ($4::int IS NULL OR r.created_at >= now() - make_interval(days => $4::int))"         \
	" AND ($5::bigint IS NULL OR r.geom && ST_MakeEnvelope($5 / 1e6, $6 / 1e6, $7 / 1e6,"      \
	" $8 / 1e6, 4326))"

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
		"SELECT (report_json(r)::jsonb || jsonb_build_object('distance_m',"
		"  round(ST_Distance(r.geom::geography, point_e6($2, $3)::geography))))::text"
		" FROM reports r WHERE r.visibility = 'public' AND r.category = $1"
		" AND r.status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate')"
		" AND r.geom IS NOT NULL"
		" AND ST_DWithin(r.geom::geography, point_e6($2, $3)::geography, $4)"
		" ORDER BY ST_Distance(r.geom::geography, point_e6($2, $3)::geography), r.id"
		" LIMIT $5";
	char lat[24], lon[24], m[16], lim[16];
	return all_rows(db_exec(q, DB_PARAMS(category, LL(lat, lat_e6), LL(lon, lon_e6),
					     LL(m, meters), LL(lim, limit))));
}

/* The nine filter parameters; bufs holds the numbers' text. */
static void
filter_params(const struct report_filter *f, const char *p[9], char bufs[5][32])
{
	p[0] = f->category;
	p[1] = f->status;
	p[2] = f->quarter;
	p[3] = f->age_days > 0 ? LL(bufs[0], f->age_days) : NULL;
	for (int i = 0; i < 4; i++) {
		if (f->has_bbox)
			LL(bufs[i + 1], f->bbox[i]);
		p[4 + i] = f->has_bbox ? bufs[i + 1] : NULL;
	}
	p[8] = f->ref;
}

json_t *
db_report_list(const struct report_filter *f, long long before_id, int limit)
{
	/* keyset on (created_at, id): the cursor is the last id shown */
	static const char q[] = "SELECT report_json(r)::text, r.id FROM reports r WHERE" FILTERS
				" AND ($10::bigint IS NULL OR (r.created_at, r.id) <"
				" (SELECT created_at, id FROM reports WHERE id = $10))"
				" ORDER BY r.created_at DESC, r.id DESC LIMIT $11";
	const char *p[11];
	char bufs[5][32], bid[24], lim[16];
	filter_params(f, p, bufs);
	p[9] = before_id > 0 ? LL(bid, before_id) : NULL;
	p[10] = LL(lim, limit + 1);
	PGresult *res = db_exec(q, 11, p);
	if (!res)
		return NULL;
	int n = PQntuples(res);
	json_t *items = json_array();
	for (int i = 0; i < n && i < limit; i++) {
		json_t *v = parse_row(res, i, 0);
		if (v)
			json_array_append_new(items, v);
	}
	json_t *next = n > limit ? json_integer(strtoll(PQgetvalue(res, limit - 1, 1), NULL, 10))
				 : json_null();
	PQclear(res);
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

char *
db_report_geojson(const struct report_filter *f, int cap, const char *labels)
{
	/*
	 * RFC 7946 coordinates [lon, lat] with 6 decimals (about 0.1 m); properties are what a
	 * map popup shows. Newest first, so a capped viewport shows the recent reports. The
	 * viewport's reports are found first through the GiST index (OFFSET 0 keeps the planner
	 * from walking the age index instead, which reads far more rows for a small viewport),
	 * then sorted, and only the LIMIT's are built.
	 */
	static const char q[] =
		"SELECT json_build_object('type', 'FeatureCollection', 'features',"
		"  coalesce(json_agg(f.feature ORDER BY f.created_at DESC, f.id DESC), '[]'::json),"
		"  'capped', count(*) >= $10)::text"
		" FROM (SELECT r.id, r.created_at,"
		"   json_build_object('type', 'Feature', 'id', r.ref,"
		"   'geometry', ST_AsGeoJSON(r.geom, 6)::json,"
		"   'properties', json_build_object('ref', r.ref, 'category', r.category,"
		"    'title', r.title, 'status', r.status, 'assessment', r.assessment,"
		"    'supporters', r.supporters, 'created_at', utc_iso(r.created_at),"
		"    'label', $11::jsonb ->> r.status, 'url', '/reports/' || r.ref)) AS feature"
		"  FROM reports r WHERE r.id IN (SELECT c.id FROM (SELECT r.id, r.created_at"
		"   FROM reports r WHERE r.geom IS NOT NULL AND" FILTERS " OFFSET 0) c"
		"   ORDER BY c.created_at DESC, c.id DESC LIMIT $10)) f";
	const char *p[11];
	char bufs[5][32], lim[16];
	filter_params(f, p, bufs);
	p[9] = LL(lim, cap);
	p[10] = labels;
	PGresult *res = db_exec(q, 11, p);
	if (!res)
		return NULL;
	char *out = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return out;
}

json_t *
db_report_staff_list(int limit)
{
	static const char q[] =
		"SELECT report_json(r)::text FROM ("
		"  (SELECT * FROM reports WHERE origin = 'citizen' AND visibility = 'pending'"
		"   ORDER BY created_at DESC, id DESC LIMIT $1)"
		"  UNION ALL"
		"  (SELECT * FROM reports WHERE origin = 'citizen' AND visibility <> 'pending'"
		"   ORDER BY created_at DESC, id DESC LIMIT $1)) r"
		" ORDER BY r.visibility = 'pending' DESC, r.created_at DESC, r.id DESC LIMIT $1";
	char lim[16];
	return all_rows(db_exec(q, DB_PARAMS(LL(lim, limit))));
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
db_report_support(long long id, const char *voter_sha256)
{
	static const char q[] =
		"WITH s AS (INSERT INTO report_supports (report_id, voter_sha256) VALUES ($1, $2)"
		"  ON CONFLICT DO NOTHING RETURNING report_id)"
		" UPDATE reports SET supporters = supporters + 1"
		" WHERE id IN (SELECT report_id FROM s) RETURNING supporters";
	char ids[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(ids, id), voter_sha256));
	if (!res)
		return -1;
	int n = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
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
