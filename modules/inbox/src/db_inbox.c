// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The inbox's SQL: the agents' list of reports with its filters (by age, or by the map's
 * viewport), the counters, and one report with its timeline and duplicates.
 */
#include "db_inbox.h"

#include "common/check.h"
#include "common/db.h"

#include <stdio.h>

/* SQL conditions on a report r: the commune still has to act; and past its category's target
 * delay ($1: {"VOI": 15, ...}, the target_days argument) */
#define OPEN_SQL "r.status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate')"
#define OVERDUE_SQL                                                                                \
	"(" OPEN_SQL " AND r.received_at IS NOT NULL AND r.received_at"                            \
	" + make_interval(days => coalesce(($1::jsonb ->> r.category)::int, 15)) < now())"

/*
 * The page's rows first (filters on the table's own columns, so that the age index serves the
 * order), then their projection: only limit + 1 rows are built. For the map, the viewport's
 * reports come first through the GiST index instead (OFFSET 0 keeps the planner from walking
 * the age index and filtering by the box, which reads far more rows).
 */
#define INBOX_LIST(source, order)                                                                  \
	"SELECT coalesce(json_agg(x), '[]')::text FROM (SELECT r.ref, r.category, r.title,"        \
	"  r.place, r.quarter, r.status, r.status_message, r.assessment, r.disputes,"              \
	"  r.supporters, r.visibility = 'hidden' AS hidden, utc_iso(r.created_at) AS created_at,"  \
	"  utc_iso(r.received_at) AS received_at, " OPEN_SQL " AS open,"                           \
	"  " OVERDUE_SQL " AS overdue,"                                                            \
	"  round(ST_Y(r.geom) * 1000000)::bigint AS lat_e6,"                                       \
	"  round(ST_X(r.geom) * 1000000)::bigint AS lon_e6"                                        \
	" FROM (SELECT * FROM " source " r WHERE r.visibility <> 'pending'"                        \
	"  AND ($2::text IS NULL OR r.category = $2)"                                              \
	"  AND ($3::text IS NULL OR r.status = $3 OR ($3 = 'open' AND " OPEN_SQL "))"              \
	"  AND ($4::text IS NULL OR r.quarter = $4) AND (NOT $5 OR " OVERDUE_SQL ")"               \
	"  AND (NOT $6 OR r.disputes > 0) AND ($7::text IS NULL OR r.ref = $7)"                    \
	"  ORDER BY " order " LIMIT $8 OFFSET $9) r ORDER BY " order ") x"
#define IN_BOX                                                                                     \
	"(SELECT * FROM reports WHERE $10::bigint IS NOT NULL AND geom && ST_MakeEnvelope("        \
	"$10 / 1e6, $11 / 1e6, $12 / 1e6, $13 / 1e6, 4326) OFFSET 0)"
#define OLDEST "r.created_at, r.id"
#define NEWEST "r.created_at DESC, r.id DESC"

/* The single text value of res's first row as JSON (new reference); NULL when res is NULL or
 * has no row. Clears res. */
static json_t *
json_value(PGresult *res)
{
	json_t *v = res && PQntuples(res) ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return v;
}

json_t *
db_inbox_list(const char *target_days, const struct inbox_filter *f, int limit, int offset)
{
	/* [bbox][newest first] */
	static const char *const queries[2][2] = {
		{INBOX_LIST("reports", OLDEST), INBOX_LIST("reports", NEWEST)},
		{INBOX_LIST(IN_BOX, OLDEST), INBOX_LIST(IN_BOX, NEWEST)},
	};
	char lim[16], off[24], box[4][24];
	const char *b[4] = {NULL, NULL, NULL, NULL};
	for (int i = 0; i < 4 && f->has_bbox; i++)
		b[i] = LL(box[i], f->bbox[i]);
	const char *q = queries[f->has_bbox][f->newest_first];
	const char *overdue = f->overdue ? "t" : "f", *disputed = f->disputed ? "t" : "f";
	PGresult *res =
		f->has_bbox ? db_exec(q, DB_PARAMS(target_days, f->category, f->status, f->quarter,
						   overdue, disputed, f->ref, LL(lim, limit + 1),
						   LL(off, offset), b[0], b[1], b[2], b[3]))
			    : db_exec(q, DB_PARAMS(target_days, f->category, f->status, f->quarter,
						   overdue, disputed, f->ref, LL(lim, limit + 1),
						   LL(off, offset)));
	return json_value(res);
}

json_t *
db_inbox_counts(const char *target_days)
{
	static const char q[] =
		"SELECT json_build_object('open', count(*) FILTER (WHERE " OPEN_SQL "),"
		"  'overdue', count(*) FILTER (WHERE " OVERDUE_SQL "),"
		"  'disputed', count(*) FILTER (WHERE r.disputes > 0 AND " OPEN_SQL "))::text"
		" FROM reports r WHERE r.visibility <> 'pending'";
	return json_value(db_exec(q, DB_PARAMS(target_days)));
}

json_t *
db_inbox_report(const char *target_days, const char *ref, enum status *st)
{
	static const char q[] =
		"SELECT json_build_object('ref', r.ref, 'category', r.category, 'title', r.title,"
		"  'description', r.description, 'place', r.place, 'quarter', r.quarter,"
		"  'lang', r.lang, 'status', r.status, 'status_message', r.status_message,"
		"  'status_body', r.status_body, 'duplicate_of', r.duplicate_of,"
		"  'assessment', r.assessment, 'assessment_comment', r.assessment_comment,"
		"  'disputes', r.disputes, 'supporters', r.supporters, 'photos', r.photos,"
		"  'hidden', r.visibility = 'hidden', 'hidden_reason', r.hidden_reason,"
		"  'created_at', utc_iso(r.created_at), 'received_at', utc_iso(r.received_at),"
		"  'first_answer_at', utc_iso(r.first_answer_at),"
		"  'resolved_at', utc_iso(r.resolved_at),"
		"  'open', " OPEN_SQL ", 'overdue', " OVERDUE_SQL ","
		"  'lat_e6', round(ST_Y(r.geom) * 1000000)::bigint,"
		"  'lon_e6', round(ST_X(r.geom) * 1000000)::bigint,"
		"  'timeline', (SELECT coalesce(json_agg(json_build_object('side', t.side,"
		"    'kind', t.kind, 'status', t.status, 'message', t.message, 'body', t.body,"
		"    'at', utc_iso(t.at)) ORDER BY t.at, t.id), '[]')"
		"   FROM report_timeline t WHERE t.report_id = r.id),"
		"  'duplicates', (SELECT coalesce(json_agg(d.ref ORDER BY d.created_at), '[]')"
		"   FROM reports d WHERE d.duplicate_of = r.ref AND d.status = 'duplicate'))::text"
		" FROM reports r WHERE r.ref = $2 AND r.visibility <> 'pending'";
	PGresult *res = db_exec(q, DB_PARAMS(target_days, ref));
	bool failed = !res;
	json_t *row = json_value(res);
	*st = failed ? STATUS_UNAVAILABLE : row ? STATUS_OK : STATUS_NOT_FOUND;
	return row;
}
