// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The agents' inbox on the official platform: residents' reports mirrored from the citizen
 * platform, with filters, oldest first, overdue marking against each category's target delay,
 * the dispute counter, a map, and the page of one report where an agent sets the commune's
 * status (signed, sent to the citizen platform; report_federation.c).
 */
#include "inbox/inbox.h"

#include "internal.h"

#include "common/check.h"
#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/map.h"
#include "common/module.h"
#include "common/page_util.h"
#include "reports/report.h"
#include "common/page_cache.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INBOX_PAGE 50        /* reports per inbox page */
#define INBOX_PAGES_MAX 1000 /* ?page= bound */
#define INBOX_MAP_MAX 500    /* features in /staff/inbox.geojson (the map loads by viewport) */

/* SQL conditions on a report r: the commune still has to act; and past its category's target
 * delay ($1: {"VOI": 15, ...}, see target_days_param) */
#define OPEN_SQL "r.status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate')"
#define OVERDUE_SQL                                                                                \
	"(" OPEN_SQL " AND r.received_at IS NOT NULL AND r.received_at"                            \
	" + make_interval(days => coalesce(($1::jsonb ->> r.category)::int, 15)) < now())"

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* {"VOI": 15, ...}: each category's target delay in days, as a query parameter. */
static char *
target_days_param(struct request *req)
{
	json_t *m = json_object();
	size_t i;
	json_t *c;
	json_array_foreach(report_categories(req->app), i, c)
	{
		json_object_set(m, json_string_value(json_object_get(c, "code")),
				json_object_get(c, "target_days"));
	}
	char *s = json_dumps(m, JSON_COMPACT);
	char *out = arena_strdup(req->arena, s);
	free(s);
	json_decref(m);
	return out;
}

/* ---- SQL ---- */

struct inbox_filter {
	const char *category, *status, *quarter, *ref;
	bool overdue, disputed, newest_first;
	bool has_bbox;
	long long bbox[4]; /* microdegrees: min lon, min lat, max lon, max lat (the map's view) */
	int page;          /* from 1 */
};

/*
 * The reports of the inbox matching f as an array of objects ({ref, category, ..., overdue,
 * lat_e6, lon_e6}), at most limit + 1 of them from offset; NULL on failure.
 */
static json_t *
db_inbox_list(struct request *req, const struct inbox_filter *f, int limit, int offset)
{
	/*
	 * The page's rows first (filters on the table's own columns, so that the age index
	 * serves the order), then their projection: only limit + 1 rows are built. For the map,
	 * the viewport's reports come first through the GiST index instead (OFFSET 0 keeps the
	 * planner from walking the age index and filtering by the box, which reads far more rows).
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
	/* [bbox][newest first] */
	static const char *const queries[2][2] = {
		{INBOX_LIST("reports", OLDEST), INBOX_LIST("reports", NEWEST)},
		{INBOX_LIST(IN_BOX, OLDEST), INBOX_LIST(IN_BOX, NEWEST)},
	};
#undef INBOX_LIST
#undef IN_BOX
#undef OLDEST
#undef NEWEST
	char lim[16], off[24], box[4][24];
	const char *b[4] = {NULL, NULL, NULL, NULL};
	for (int i = 0; i < 4 && f->has_bbox; i++)
		b[i] = LL(box[i], f->bbox[i]);
	const char *q = queries[f->has_bbox][f->newest_first];
	PGresult *res =
		f->has_bbox
			? db_exec(q, DB_PARAMS(target_days_param(req), f->category, f->status,
					       f->quarter, f->overdue ? "t" : "f",
					       f->disputed ? "t" : "f", f->ref, LL(lim, limit + 1),
					       LL(off, offset), b[0], b[1], b[2], b[3]))
			: db_exec(q, DB_PARAMS(target_days_param(req), f->category, f->status,
					       f->quarter, f->overdue ? "t" : "f",
					       f->disputed ? "t" : "f", f->ref, LL(lim, limit + 1),
					       LL(off, offset)));
	json_t *rows = res ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return rows;
}

/*
 * {open, overdue, disputed}: the counters over the whole inbox (a new reference); NULL on
 * failure. They read every report, so they are kept until the next write (the page cache's
 * generation) or for COUNTS_TTL_S at most, as "overdue" also moves with the clock.
 */
#define COUNTS_TTL_S 60
static json_t *
db_inbox_counts(struct request *req)
{
	static const char q[] =
		"SELECT json_build_object('open', count(*) FILTER (WHERE " OPEN_SQL "),"
		"  'overdue', count(*) FILTER (WHERE " OVERDUE_SQL "),"
		"  'disputed', count(*) FILTER (WHERE r.disputes > 0 AND " OPEN_SQL "))::text"
		" FROM reports r WHERE r.visibility <> 'pending'";
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static json_t *cached;
	static unsigned long cached_gen;
	static time_t cached_at;
	unsigned long gen = page_cache_generation();
	time_t now = time(NULL);
	pthread_mutex_lock(&lock);
	json_t *c = cached && cached_gen == gen && now - cached_at < COUNTS_TTL_S
			    ? json_incref(cached)
			    : NULL;
	pthread_mutex_unlock(&lock);
	if (c)
		return c;
	PGresult *res = db_exec(q, DB_PARAMS(target_days_param(req)));
	c = res ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	if (c) {
		pthread_mutex_lock(&lock);
		json_decref(cached);
		cached = json_incref(c);
		cached_gen = gen;
		cached_at = now;
		pthread_mutex_unlock(&lock);
	}
	return c;
}

/*
 * One report with everything its inbox page shows: the row, photos, timeline and the
 * reports that are its duplicates; NULL with *st NOT_FOUND or UNAVAILABLE.
 */
static json_t *
db_inbox_report(struct request *req, const char *ref, enum status *st)
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
	PGresult *res = db_exec(q, DB_PARAMS(target_days_param(req), ref));
	json_t *row = res && PQntuples(res) ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	*st = !res ? STATUS_UNAVAILABLE : row ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return row;
}

/* ---- views ---- */

static json_t *
date_of(json_t *at)
{
	const char *s = json_string_value(at);
	return s ? json_stringn(s, 10) : json_null();
}

/* Adds the labels every view of a report row r needs (r is changed and returned). */
static json_t *
report_labels(struct request *req, json_t *r)
{
	const char *ref = json_string_value(json_object_get(r, "ref"));
	const char *category = json_string_value(json_object_get(r, "category"));
	const char *status = json_string_value(json_object_get(r, "status"));
	const char *assessment = json_string_value(json_object_get(r, "assessment"));
	json_int_t disputes = json_integer_value(json_object_get(r, "disputes"));
	json_object_set_new(r, "url", json_sprintf("/staff/inbox/%s", ref));
	json_object_set_new(r, "category_name", json_string(report_category_label(req, category)));
	json_object_set_new(r, "target_days",
			    json_integer(report_category_target_days(req->app, category)));
	json_object_set_new(r, "status_label", json_string(report_status_label(req, status)));
	json_object_set_new(r, "quarter_label",
			    json_string(report_quarter_label(
				    req, json_string_value(json_object_get(r, "quarter")))));
	json_object_set_new(r, "assessment_label",
			    json_string(t_get(req, arena_printf(req->arena, "inbox_assessment_%s",
								assessment))));
	json_object_set_new(r, "has_assessment", json_boolean(strcmp(assessment, "none") != 0));
	json_object_set_new(r, "has_disputes", json_boolean(disputes > 0));
	json_object_set_new(r, "created_date", date_of(json_object_get(r, "created_at")));
	json_object_set_new(r, "received_date", date_of(json_object_get(r, "received_at")));
	const char *title = json_string_value(json_object_get(r, "title"));
	json_object_set_new(r, "display_title",
			    json_string(title && *title ? title : t_get(req, "inbox_no_title")));
	json_object_set_new(r, "has_point",
			    json_boolean(json_is_integer(json_object_get(r, "lat_e6"))));
	return r;
}

/* Query arguments of the filters, for links that keep them (arena string, "" when none). */
static const char *
filter_query(struct request *req, const struct inbox_filter *f, bool for_geojson)
{
	struct strbuf sb = STRBUF_INIT;
	const char *names[] = {"category", "status", "quarter"};
	const char *values[] = {f->category, f->status, f->quarter};
	for (size_t i = 0; i < 3; i++)
		if (values[i])
			/* values are checked codes: nothing to escape */
			strbuf_addf(&sb, "%s%s=%s", sb.len ? "&" : "", names[i], values[i]);
	if (f->overdue)
		strbuf_addf(&sb, "%soverdue=1", sb.len ? "&" : "");
	if (f->disputed)
		strbuf_addf(&sb, "%sdisputed=1", sb.len ? "&" : "");
	if (f->newest_first && !for_geojson)
		strbuf_addf(&sb, "%ssort=newest", sb.len ? "&" : "");
	char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* An empty query argument counts as absent (a form's "all" choice). */
static const char *
query_arg(struct request *req, const char *name)
{
	const char *v = http_query(req, name);
	return v && *v ? v : NULL;
}

/* Reads and checks the filters; on bad input replies 400 and returns false. */
static bool
read_filter(struct request *req, struct inbox_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->category = query_arg(req, "category");
	f->status = query_arg(req, "status");
	f->quarter = query_arg(req, "quarter");
	const char *overdue = query_arg(req, "overdue"), *disputed = query_arg(req, "disputed");
	const char *sort = query_arg(req, "sort"), *page = query_arg(req, "page");
	f->overdue = overdue && strcmp(overdue, "1") == 0;
	f->disputed = disputed && strcmp(disputed, "1") == 0;
	f->newest_first = sort && strcmp(sort, "newest") == 0;
	f->page = page ? (int)page_parse_id(page) : 1;
	if ((f->category && !report_category(req->app, f->category)) ||
	    (f->status && strcmp(f->status, "open") != 0 &&
	     !report_status_is_settable(f->status)) ||
	    (f->quarter && !report_quarter_is_valid(f->quarter)) || (overdue && !f->overdue) ||
	    (disputed && !f->disputed) || (sort && !f->newest_first && strcmp(sort, "oldest")) ||
	    f->page < 1 || f->page > INBOX_PAGES_MAX) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "a filter has a value the inbox does not know");
		return false;
	}
	return true;
}

/* The filter form's choices: [{value, label, selected}] */
static json_t *
options(struct request *req, const char *const *values,
	const char *(*label)(struct request *, const char *), const char *selected)
{
	json_t *out = json_array();
	for (const char *const *v = values; *v; v++)
		json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", *v, "label",
						     label(req, *v), "selected",
						     selected && strcmp(selected, *v) == 0));
	return out;
}

static const char *
filter_status_label(struct request *req, const char *status)
{
	return strcmp(status, "open") == 0 ? t_get(req, "inbox_filter_open")
					   : report_status_label(req, status);
}

void
page_inbox(struct request *req)
{
	struct inbox_filter f;
	if (!page_require(req, "reports.answer") || !read_filter(req, &f))
		return;
	json_t *rows = db_inbox_list(req, &f, INBOX_PAGE, (f.page - 1) * INBOX_PAGE);
	json_t *counts = rows ? db_inbox_counts(req) : NULL;
	if (!rows || !counts) {
		json_decref(rows);
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database");
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		if (i == INBOX_PAGE)
			break;
		json_array_append(items, report_labels(req, r));
	}
	bool has_next = json_array_size(rows) > INBOX_PAGE;
	json_decref(rows);

	const char *fq = filter_query(req, &f, false);
	/* the filter form: "open" first, then every status an agent may set */
	static const char *const statuses[] = {
		"open",     "received",     "forwarded", "in_progress", "scheduled",
		"resolved", "out_of_scope", "rejected",  "duplicate",   NULL};
	json_t *filters =
		json_pack("{s:o, s:o, s:o, s:b, s:b, s:b}", "categories",
			  report_category_options(req, f.category), "statuses",
			  options(req, statuses, filter_status_label, f.status), "quarters",
			  report_quarter_options(req, f.quarter), "overdue", f.overdue, "disputed",
			  f.disputed, "newest_first", f.newest_first);

	json_t *view = json_pack("{s:o, s:b, s:o, s:o, s:i}", "items", items, "has_items",
				 json_array_size(items) > 0, "counts", counts, "filters", filters,
				 "page", f.page);
	if (has_next)
		json_object_set_new(
			view, "next_url",
			json_sprintf("/staff/inbox?%s%spage=%d", fq, *fq ? "&" : "", f.page + 1));
	if (f.page > 1)
		json_object_set_new(
			view, "prev_url",
			json_sprintf("/staff/inbox?%s%spage=%d", fq, *fq ? "&" : "", f.page - 1));
	const char *gq = filter_query(req, &f, true);
	json_t *map = map_view(
		req, arena_printf(req->arena, "/staff/inbox.geojson%s%s", *gq ? "?" : "", gq));
	json_object_set_new(map, "label", json_string(t_get(req, "inbox_map_label")));
	json_object_set_new(map, "bbox", json_true());
	json_object_set_new(view, "map", map);
	http_render(req, 200, "inbox", view);
}

void
page_inbox_geojson(struct request *req)
{
	struct inbox_filter f;
	if (!page_require(req, "reports.answer") || !read_filter(req, &f))
		return;
	const char *ref = query_arg(req, "ref");
	if (ref && !report_ref_is_valid(ref)) {
		http_error(req, STATUS_INVALID, "invalid_filter", "not a report reference");
		return;
	}
	f.ref = ref;
	const char *bbox = query_arg(req, "bbox");
	if (bbox && !(f.has_bbox = map_parse_bbox(bbox, f.bbox))) {
		http_error(req, STATUS_INVALID, "invalid_bbox",
			   "bbox is minlon,minlat,maxlon,maxlat in degrees");
		return;
	}
	json_t *rows = db_inbox_list(req, &f, INBOX_MAP_MAX, 0);
	if (!rows) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database");
		return;
	}
	json_t *features = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *lat = json_object_get(r, "lat_e6"), *lon = json_object_get(r, "lon_e6");
		if (i == INBOX_MAP_MAX || !json_is_integer(lat))
			continue;
		report_labels(req, r);
		json_t *coords = json_pack("[f, f]", (double)json_integer_value(lon) / 1e6,
					   (double)json_integer_value(lat) / 1e6);
		json_array_append_new(
			features,
			json_pack("{s:s, s:{s:s, s:o}, s:{s:O, s:O, s:O, s:O, s:O, s:b, s:O}}",
				  "type", "Feature", "geometry", "type", "Point", "coordinates",
				  coords, "properties", "title",
				  json_object_get(r, "display_title"), "ref",
				  json_object_get(r, "ref"), "url", json_object_get(r, "url"),
				  "status", json_object_get(r, "status"), "label",
				  json_object_get(r, "status_label"), "overdue",
				  json_is_true(json_object_get(r, "overdue")), "disputes",
				  json_object_get(r, "disputes")));
	}
	json_decref(rows);
	json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
	char *body = json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(fc);
	http_add_header(req, "Cache-Control", "no-store");
	http_send_owned(req, 200, "application/geo+json", body, strlen(body));
}

/* The status form of report r: settable statuses, the prefilled body, the duplicate. */
static json_t *
status_form(struct request *req, json_t *r)
{
	const char *status = json_string_value(json_object_get(r, "status"));
	const char *category = json_string_value(json_object_get(r, "category"));
	const char *body = json_string_value(json_object_get(r, "status_body"));
	const char *dup = json_string_value(json_object_get(r, "duplicate_of"));
	json_t *statuses = json_array();
	for (const char *const *s = report_statuses; *s; s++)
		if (report_status_is_settable(*s))
			json_array_append_new(statuses,
					      json_pack("{s:s, s:s, s:b}", "value", *s, "label",
							report_status_label(req, *s), "selected",
							strcmp(*s, status) == 0));
	if (!body || !*body) {
		/* the body a category's reports usually go to (water: the water utility) */
		const char *usual =
			i18n_pick(json_object_get(report_category(req->app, category), "body"),
				  req->lang, NULL);
		body = usual ? usual : "";
	}
	return json_pack("{s:s, s:o, s:s, s:s, s:i, s:i}", "action",
			 arena_printf(req->arena, "/staff/inbox/%s/status",
				      json_string_value(json_object_get(r, "ref"))),
			 "statuses", statuses, "body", body, "duplicate_of", dup ? dup : "",
			 "message_max", REPORT_MESSAGE_MAX, "body_max", REPORT_PLACE_MAX);
}

static json_t *
timeline_view(struct request *req, json_t *timeline)
{
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(timeline, i, e)
	{
		const char *side = json_string_value(json_object_get(e, "side"));
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *status = json_string_value(json_object_get(e, "status"));
		const char *what =
			strcmp(kind, "status") == 0 ? report_status_label(req, status)
			: strcmp(kind, "assessed") == 0 && *status
				? t_get(req,
					arena_printf(req->arena, "inbox_assessment_%s", status))
				: t_get(req, arena_printf(req->arena, "inbox_timeline_%s", kind));
		json_t *v = json_pack(
			"{s:s, s:s, s:s, s:s, s:O, s:o, s:O, s:O, s:o}", "side", side, "side_label",
			t_get(req, arena_printf(req->arena, "inbox_side_%s", side)), "kind", kind,
			"what", what, "message", json_object_get(e, "message"), "message_lines",
			text_lines(json_string_value(json_object_get(e, "message"))), "body",
			json_object_get(e, "body"), "at", json_object_get(e, "at"), "date",
			date_of(json_object_get(e, "at")));
		json_array_append_new(out, v);
	}
	return out;
}

void
page_inbox_report(struct request *req)
{
	if (!page_require(req, "reports.answer"))
		return;
	const char *ref = http_param(req, "ref");
	enum status st = STATUS_NOT_FOUND;
	json_t *r = report_ref_is_valid(ref) ? db_inbox_report(req, ref, &st) : NULL;
	if (!r) {
		if (st == STATUS_NOT_FOUND)
			http_error(req, st, "report_not_found", "there is no such report");
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the site cannot reach its database");
		return;
	}
	report_labels(req, r);
	json_object_set_new(r, "description_lines",
			    text_lines(json_string_value(json_object_get(r, "description"))));
	json_object_set_new(r, "status_message_lines",
			    text_lines(json_string_value(json_object_get(r, "status_message"))));
	json_t *photos = json_object_get(r, "photos");
	size_t i;
	json_t *p;
	json_array_foreach(photos, i, p)
	{
		const char *sha = json_string_value(json_object_get(p, "sha256"));
		json_object_set_new(p, "url", json_sprintf("/photos/%s.jpg", sha));
		json_object_set_new(p, "small_url", json_sprintf("/photos/%s-small.jpg", sha));
		json_object_set_new(p, "number", json_integer((json_int_t)i + 1));
	}
	json_object_set_new(r, "has_photos", json_boolean(json_array_size(photos) > 0));
	json_object_set_new(r, "timeline", timeline_view(req, json_object_get(r, "timeline")));
	const char *dup = json_string_value(json_object_get(r, "duplicate_of"));
	if (dup)
		json_object_set_new(r, "duplicate_url", json_sprintf("/staff/inbox/%s", dup));
	json_t *dups = json_array();
	json_t *d;
	json_array_foreach(json_object_get(r, "duplicates"), i, d)
	{
		json_array_append_new(
			dups, json_pack("{s:O, s:o}", "ref", d, "url",
					json_sprintf("/staff/inbox/%s", json_string_value(d))));
	}
	json_object_set_new(r, "duplicates", dups);
	json_object_set_new(r, "has_duplicates", json_boolean(json_array_size(dups) > 0));
	json_object_set_new(r, "form", status_form(req, r));
	const char *done = http_query(req, "saved");
	json_object_set_new(r, "saved", json_boolean(done && strcmp(done, "1") == 0));
	if (json_is_integer(json_object_get(r, "lat_e6"))) {
		json_t *map =
			map_view(req, arena_printf(req->arena, "/staff/inbox.geojson?ref=%s", ref));
		json_object_set_new(map, "height", json_string("small"));
		json_object_set_new(map, "small", json_true()); /* what map.mustache reads */
		json_object_set_new(map, "label",
				    json_string(t_get(req, "inbox_report_map_label")));
		json_object_set_new(r, "map", map);
	}
	http_csrf(req);
	http_render(req, 200, "inbox_report", r);
}

void
page_inbox_status(struct request *req)
{
	if (!page_require(req, "reports.answer"))
		return;
	const char *ref = http_param(req, "ref");
	const char *status = text_clean(req, http_form(req, "status"));
	const char *message = text_clean(req, http_form(req, "message"));
	const char *body = text_clean(req, http_form(req, "body"));
	const char *dup = text_clean(req, http_form(req, "duplicate_of"));
	if (!report_ref_is_valid(ref)) {
		http_error(req, STATUS_NOT_FOUND, "report_not_found", "there is no such report");
		return;
	}
	const char *code = NULL;
	enum status st = report_set_status(ref, status, message, body, *dup ? dup : NULL, &code);
	if (st != STATUS_OK) {
		static const struct {
			const char *code, *message;
		} messages[] = {
			{"unknown_status", "choose one of the commune's statuses"},
			{"message_too_long", "the public message is too long (at most 2000 "
					     "characters)"},
			{"invalid_message", "the public message holds control characters"},
			{"body_required", "name the body the report is sent to"},
			{"body_name_too_long",
			 "the body's name is too long (at most 200 characters)"},
			{"duplicate_required", "give the reference of the report this one repeats"},
			{"duplicate_unknown", "there is no other report with that reference"},
			{"report_not_found", "there is no such report"},
			{"status_unchanged", "the report has this status and message already"},
		};
		const char *text = "the change could not be saved; try again in a minute";
		for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
			if (strcmp(messages[i].code, code) == 0)
				text = messages[i].message;
		http_error(req, st, code, text);
		return;
	}
	log_info("report %s: status %s set by account %lld", ref, status, req->user->id);
	http_cache_bump();
	http_redirect(req, arena_printf(req->arena, "/staff/inbox/%s?saved=1", ref));
}

// clang-format off
static const struct route inbox_routes[] = {
	{"GET", "/staff/inbox", page_inbox, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "inbox"},
	{"GET", "/staff/inbox.geojson", page_inbox_geojson, ROUTE_STAFF, 0, "inbox_geojson"},
	{"GET", "/staff/inbox/{ref}", page_inbox_report, ROUTE_JSON_TWIN | ROUTE_STAFF, 0,
	 "inbox_report"},
	{"POST", "/staff/inbox/{ref}/status", page_inbox_status, ROUTE_STAFF, 16 * 1024,
	 "inbox_status"},
};
// clang-format on

static const struct nav_link inbox_staff[] = {
	{"/staff/inbox", "inbox_title", "reports.answer"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file inbox_assets_files[];

const struct module inbox_module = {
	.name = "inbox",
	.assets = inbox_assets_files,
	.official = {MODULE_ROUTES(inbox_routes), .staff = inbox_staff},
};
