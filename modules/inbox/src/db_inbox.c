// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The inbox's SQL: the agents' list of reports with its filters, the map's pins, the
 * counters, and one report with its timeline and duplicates (the map's counts by area are the
 * reports module's, reports/report_map.h).
 */
#include "db_inbox.h"

#include "common/check.h"
#include "common/db.h"
#include "reports/report_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQL conditions on a report r: the commune still has to act; and past its category's target
 * delay ($1: {"VOI": 15, ...}, the target_days argument) */
#define OPEN_SQL "r.status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate')"
#define OVERDUE_SQL                                                                                \
	"(" OPEN_SQL " AND r.received_at IS NOT NULL AND r.received_at"                            \
	" + make_interval(days => coalesce(($1::jsonb ->> r.category)::int, 15)) < now())"

/* The inbox's filters on report r: $2 category, $3 status ("open": OPEN_SQL), $4 quarter, $5
 * overdue, $6 disputed (each NULL or false: any); every column they read is in the age index. */
#define FILTERS_SQL                                                                                \
	"r.visibility <> 'pending' AND ($2::text IS NULL OR r.category = $2)"                      \
	" AND ($3::text IS NULL OR r.status = $3 OR ($3 = 'open' AND " OPEN_SQL "))"               \
	" AND ($4::text IS NULL OR r.quarter = $4) AND (NOT $5 OR " OVERDUE_SQL ")"                \
	" AND (NOT $6 OR r.disputes > 0)"

/*
 * The page's rows are chosen on the age index alone (it carries every filtered column: the
 * rows a deep page skips are never read from the table), then only those rows are read and
 * projected. Only the filters asked are in the statement (db_query: each combination planned
 * once; target_days is its first parameter, the $1 of OVERDUE_SQL). A keyset cursor starts the
 * page right after a row in the walk's order ("after": ">" walking up, "<" down): a deep page
 * reads its 51 entries, where OFFSET reads every entry it skips.
 */
#define INBOX_COLUMNS                                                                              \
	"SELECT r.ref, r.category, r.title, r.place, r.quarter, r.status, r.status_message,"       \
	"  r.assessment, r.disputes, r.supporters, r.visibility = 'hidden' AS hidden,"             \
	"  utc_iso(r.created_at) AS created_at, utc_iso(r.received_at) AS received_at,"            \
	"  " OPEN_SQL " AS open, " OVERDUE_SQL " AS overdue, r.lat_e6, r.lon_e6, r.id"             \
	" FROM (SELECT r.id FROM reports r WHERE r.visibility <> 'pending'"
#define OLDEST "r.created_at, r.id"
#define NEWEST "r.created_at DESC, r.id DESC"

/* The inbox list's statement for f; bufs holds the numbers' text. */
static void
list_query(struct db_query *q, const char *target_days, const struct inbox_filter *f, int limit,
	   int offset, char bufs[3][24])
{
	/* a "before" page walks the other way from its cursor, then is shown in the list's order */
	bool down = f->newest_first != (f->before > 0);
	long long cursor = f->after ? f->after : f->before;
	db_query_init(q, "");
	db_query_param(q, INBOX_COLUMNS, target_days);
	if (f->category)
		db_query_param(q, " AND r.category = $?", f->category);
	if (f->status && strcmp(f->status, "open") == 0)
		db_query_add(q, " AND " OPEN_SQL);
	else if (f->status)
		db_query_param(q, " AND r.status = $?", f->status);
	if (f->quarter)
		db_query_param(q, " AND r.quarter = $?", f->quarter);
	if (f->overdue)
		db_query_add(q, " AND " OVERDUE_SQL);
	if (f->disputed)
		db_query_add(q, " AND r.disputes > 0");
	if (cursor)
		db_query_param(q,
			       down ? " AND (r.created_at, r.id) < (SELECT c.created_at, c.id"
				      " FROM reports c WHERE c.id = $?::bigint)"
				    : " AND (r.created_at, r.id) > (SELECT c.created_at, c.id"
				      " FROM reports c WHERE c.id = $?::bigint)",
			       LL(bufs[0], cursor));
	else if (f->from)
		db_query_param(q,
			       down ? " AND (r.created_at, r.id) <= (SELECT c.created_at, c.id"
				      " FROM reports c WHERE c.id = $?::bigint)"
				    : " AND (r.created_at, r.id) >= (SELECT c.created_at, c.id"
				      " FROM reports c WHERE c.id = $?::bigint)",
			       LL(bufs[0], f->from));
	db_query_add(q, down ? " ORDER BY " NEWEST : " ORDER BY " OLDEST);
	db_query_limit(q, limit + 1);
	/* a page number typed by hand (no link leads there without a cursor): the offset in a
	 * subquery, costed alike whatever its value, so that PostgreSQL keeps one generic plan
	 * instead of planning the statement again for each request (0.81 -> 0.66 ms at page 100) */
	if (!cursor && !f->from && offset > 0)
		db_query_param(q, " OFFSET (SELECT $?::int)", LL(bufs[2], offset));
	db_query_add(q, f->newest_first ? ") p JOIN reports r ON r.id = p.id ORDER BY " NEWEST
					: ") p JOIN reports r ON r.id = p.id ORDER BY " OLDEST);
}

/* The single text value of res's first row as JSON (new reference); NULL when res is NULL or
 * has no row. Clears res. */
static json_t *
json_value(PGresult *res)
{
	json_t *v = res && PQntuples(res) ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return v;
}

PGresult *
db_inbox_list(const char *target_days, const struct inbox_filter *f, int limit, int offset)
{
	struct db_query q;
	char bufs[3][24];
	list_query(&q, target_days, f, limit, offset, bufs);
	return db_query_exec(&q);
}

int
db_inbox_map_pins(const char *target_days, const struct inbox_filter *f, int cap, json_t *labels,
		  const char *no_title, struct strbuf *out)
{
	/* the viewport's reports through the GiST index ($8..$11), or one report ($12) */
	static const char q[] =
		"SELECT r.ref, r.title, r.status, " OVERDUE_SQL ", r.disputes, r.lon_e6, r.lat_e6"
		" FROM reports r WHERE r.geom IS NOT NULL AND " FILTERS_SQL
		" AND ($8::bigint IS NULL OR r.geom && ST_MakeEnvelope($8 / 1e6, $9 / 1e6,"
		"  $10 / 1e6, $11 / 1e6, 4326)) AND ($12::text IS NULL OR r.ref = $12)"
		" ORDER BY " OLDEST " LIMIT $7";
	char lim[16], box[4][24];
	const char *b[4] = {NULL, NULL, NULL, NULL};
	for (int i = 0; i < 4 && f->has_bbox; i++)
		b[i] = LL(box[i], f->bbox[i]);
	PGresult *res = db_exec(q, DB_PARAMS(target_days, f->category, f->status, f->quarter,
					     f->overdue ? "t" : "f", f->disputed ? "t" : "f",
					     LL(lim, cap), b[0], b[1], b[2], b[3], f->ref));
	if (!res)
		return -1;
	int n = PQntuples(res);
	report_map_pins_begin(out, n);
	for (int i = 0; i < n; i++) {
		const char *ref = PQgetvalue(res, i, 0), *title = PQgetvalue(res, i, 1);
		const char *status = PQgetvalue(res, i, 2);
		report_map_pin_begin(out, i == 0, NULL, strtoll(PQgetvalue(res, i, 5), NULL, 10),
				     strtoll(PQgetvalue(res, i, 6), NULL, 10));
		strbuf_addstr(out, "\"title\":");
		report_map_string(out, *title ? title : no_title);
		/* a checked reference: nothing to escape */
		strbuf_addstr(out, ",\"ref\":\"");
		strbuf_addstr(out, ref);
		strbuf_addstr(out, "\",\"url\":\"/staff/inbox/");
		strbuf_addstr(out, ref);
		strbuf_addstr(out, "\",\"status\":");
		report_map_string(out, status);
		strbuf_addstr(out, ",\"label\":");
		report_map_string(out, json_string_value(json_object_get(labels, status)));
		strbuf_addstr(out, strcmp(PQgetvalue(res, i, 3), "t") == 0 ? ",\"overdue\":true"
									   : ",\"overdue\":false");
		strbuf_addstr(out, ",\"disputes\":");
		strbuf_addstr(out, PQgetvalue(res, i, 4)); /* an integer column */
		strbuf_addstr(out, "}}");
	}
	report_map_pins_end(out);
	PQclear(res);
	return 0;
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
		"  'lat_e6', r.lat_e6, 'lon_e6', r.lon_e6,"
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
