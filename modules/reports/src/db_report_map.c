// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The maps' SQL (reports/report_map.h): a viewport's reports counted by area from the index
 * reports_map alone, and the public map's pins written as GeoJSON text from plain columns
 * (PostgreSQL's json_build_object and a parse in jansson cost more than the few pins' text).
 */
#include "db_report_map.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The commune still has to act on report r. */
#define OPEN_SQL "r.status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate')"

/*
 * Parameters: $1..$4 the box (min lon, min lat, max lon, max lat, microdegrees), $5 the cell
 * size, $6 inbox (all but pending) or public, $7 category, $8 status ("open": OPEN_SQL), $9
 * quarter, $10 age in days, $11 overdue, $12 disputed, $13 target days ({"VOI": 15, ...}).
 * One index probe per 0.001° band of longitude within the box and the data's extent; every
 * condition reads columns the index carries, so the table is not read. (OFFSET 0 keeps the
 * probe per band: flattened, a filter such as one category makes the planner read every row of
 * that category from the table instead.) Cells are floor divisions: they tile the plane the
 * same way for every box.
 */
static const char q_cells[] =
	"SELECT floor(p.lon_e6 / $5::float8)::bigint, floor(p.lat_e6 / $5::float8)::bigint,"
	" count(*), round(avg(p.lon_e6))::bigint, round(avg(p.lat_e6))::bigint"
	" FROM generate_series("
	"  greatest($1::int / 1000, (SELECT min(lon_e6 / 1000) FROM reports"
	"   WHERE lon_e6 IS NOT NULL)),"
	"  least($3::int / 1000, (SELECT max(lon_e6 / 1000) FROM reports"
	"   WHERE lon_e6 IS NOT NULL))) AS b(band)"
	" CROSS JOIN LATERAL (SELECT r.lon_e6, r.lat_e6 FROM reports r"
	"  WHERE r.lon_e6 / 1000 = b.band AND r.lat_e6 BETWEEN $2 AND $4"
	"  AND r.lon_e6 BETWEEN $1 AND $3 AND r.lon_e6 IS NOT NULL"
	"  AND CASE WHEN $6 THEN r.visibility <> 'pending' ELSE r.visibility = 'public' END"
	"  AND ($7::text IS NULL OR r.category = $7)"
	"  AND ($8::text IS NULL OR r.status = $8 OR ($8 = 'open' AND " OPEN_SQL "))"
	"  AND ($9::text IS NULL OR r.quarter = $9)"
	"  AND ($10::int IS NULL OR r.created_at >= now() - make_interval(days => $10::int))"
	"  AND (NOT $11 OR (" OPEN_SQL " AND r.received_at IS NOT NULL AND r.received_at"
	"   + make_interval(days => coalesce(($13::jsonb ->> r.category)::int, 15)) < now()))"
	"  AND (NOT $12 OR r.disputes > 0) OFFSET 0) p"
	" GROUP BY 1, 2";

static void read_cells(PGresult *res, long long cell_e6, struct report_map_count *out);

int
db_report_map_cells(const struct report_map_filter *f, const long long box[4], long long cell_e6,
		    struct report_map_count *out)
{
	char b[4][24], cell[24], age[16];
	PGresult *res =
		db_exec(q_cells, DB_PARAMS(LL(b[0], box[0]), LL(b[1], box[1]), LL(b[2], box[2]),
					   LL(b[3], box[3]), LL(cell, cell_e6),
					   f->inbox ? "t" : "f", f->category, f->status, f->quarter,
					   f->age_days > 0 ? LL(age, f->age_days) : NULL,
					   f->overdue ? "t" : "f", f->disputed ? "t" : "f",
					   f->target_days ? f->target_days : "{}"));
	if (!res)
		return -1;
	read_cells(res, cell_e6, out);
	return 0;
}

/* Rows (cx, cy, count, mean lon, mean lat) of res (consumed) into out. */
static void
read_cells(PGresult *res, long long cell_e6, struct report_map_count *out)
{
	int n = PQntuples(res);
	out->ncells = (size_t)n;
	out->cells = n ? xmalloc((size_t)n * sizeof(*out->cells)) : NULL;
	out->total = 0;
	for (int i = 0; i < n; i++) {
		struct report_map_cell *c = &out->cells[i];
		long long cx = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		long long cy = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		c->count = strtoll(PQgetvalue(res, i, 2), NULL, 10);
		c->lon_e6 = strtoll(PQgetvalue(res, i, 3), NULL, 10);
		c->lat_e6 = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		c->box[0] = cx * cell_e6;
		c->box[1] = cy * cell_e6;
		c->box[2] = (cx + 1) * cell_e6;
		c->box[3] = (cy + 1) * cell_e6;
		out->total += c->count;
	}
	PQclear(res);
}

int
db_report_map_cells_kept(bool inbox, const long long range[4], int level,
			 struct report_map_count *out)
{
	/* the cells of report_map_cells (migration 0014) numbered within range */
	static const char q[] =
		"SELECT cx, cy, n, round(lon / n::float8)::bigint, round(lat / n::float8)::bigint"
		" FROM (SELECT cx, cy, CASE WHEN $6 THEN inbox_n ELSE public_n END AS n,"
		"  CASE WHEN $6 THEN inbox_lon ELSE public_lon END AS lon,"
		"  CASE WHEN $6 THEN inbox_lat ELSE public_lat END AS lat FROM report_map_cells"
		"  WHERE level = $5 AND cx BETWEEN $1 AND $3 AND cy BETWEEN $2 AND $4) c"
		" WHERE n > 0";
	long long cell = 100LL << level;
	char b[4][24], lv[16];
	PGresult *res =
		db_exec(q, DB_PARAMS(LL(b[0], range[0]), LL(b[1], range[1]), LL(b[2], range[2]),
				     LL(b[3], range[3]), LL(lv, level), inbox ? "t" : "f"));
	if (!res)
		return -1;
	read_cells(res, cell, out);
	return 0;
}

int
db_report_map_pins(const struct report_filter *f, int cap, json_t *labels, struct strbuf *out)
{
	/* the public filters of db_report.c's list on $1..$9, the box through the GiST index */
	static const char q[] =
		"SELECT r.ref, r.category, r.title, r.status, r.assessment, r.supporters,"
		" utc_iso(r.created_at), r.lon_e6, r.lat_e6 FROM reports r"
		" WHERE r.geom IS NOT NULL AND r.visibility = 'public'"
		" AND ($1::text IS NULL OR r.category = $1) AND ($9::text IS NULL OR r.ref = $9)"
		" AND ($2::text IS NULL OR r.status = $2) AND ($3::text IS NULL OR r.quarter = $3)"
		" AND ($4::int IS NULL OR r.created_at >= now() - make_interval(days => $4::int))"
		" AND ($5::bigint IS NULL OR r.geom && ST_MakeEnvelope($5 / 1e6, $6 / 1e6,"
		"  $7 / 1e6, $8 / 1e6, 4326))"
		" ORDER BY r.created_at DESC, r.id DESC LIMIT $10";
	char bufs[5][24], lim[16];
	const char *p[10] = {f->category, f->status, f->quarter,
			     f->age_days > 0 ? LL(bufs[0], f->age_days) : NULL};
	for (int i = 0; i < 4; i++)
		p[4 + i] = f->has_bbox ? LL(bufs[i + 1], f->bbox[i]) : NULL;
	p[8] = f->ref;
	p[9] = LL(lim, cap);
	PGresult *res = db_exec(q, 10, p);
	if (!res)
		return -1;
	int n = PQntuples(res);
	report_map_pins_begin(out, n);
	for (int i = 0; i < n; i++) {
		const char *ref = PQgetvalue(res, i, 0), *status = PQgetvalue(res, i, 3);
		report_map_pin_begin(out, i == 0, ref, strtoll(PQgetvalue(res, i, 7), NULL, 10),
				     strtoll(PQgetvalue(res, i, 8), NULL, 10));
		strbuf_addstr(out, "\"ref\":");
		report_map_string(out, ref);
		strbuf_addstr(out, ",\"category\":");
		report_map_string(out, PQgetvalue(res, i, 1));
		strbuf_addstr(out, ",\"title\":");
		report_map_string(out, PQgetvalue(res, i, 2));
		strbuf_addstr(out, ",\"status\":");
		report_map_string(out, status);
		strbuf_addstr(out, ",\"assessment\":");
		report_map_string(out, PQgetvalue(res, i, 4));
		strbuf_addstr(out, ",\"supporters\":");
		strbuf_addstr(out, PQgetvalue(res, i, 5)); /* an integer column */
		strbuf_addstr(out, ",\"created_at\":");
		report_map_string(out, PQgetvalue(res, i, 6));
		strbuf_addstr(out, ",\"label\":");
		report_map_string(out, json_string_value(json_object_get(labels, status)));
		strbuf_addstr(out, ",\"url\":\"/reports/");
		strbuf_addstr(out, ref); /* a checked reference: nothing to escape */
		strbuf_addstr(out, "\"}}");
	}
	report_map_pins_end(out);
	PQclear(res);
	return 0;
}
