// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The agents' inbox on the official platform: residents' reports mirrored from the citizen
 * platform, with filters, oldest first, overdue marking against each category's target delay,
 * the dispute counter, a map, and the page of one report where an agent sets the commune's
 * status (signed, sent to the citizen platform; report_federation.c). Its SQL is db_inbox.c.
 */
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/kept.h"
#include "common/log.h"
#include "common/map.h"
#include "common/page_cache.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "common/template.h"
#include "db_inbox.h"
#include "reports/report.h"
#include "reports/report_map.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INBOX_PAGE 50           /* reports per inbox page */
#define INBOX_PAGES_MAX 1000    /* ?page= bound without a cursor (OFFSET) */
#define INBOX_LABEL_MAX 1000000 /* ?page= bound with a cursor, where it only numbers the page */

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/*
 * {"VOI": 15, ...}: each category's target delay in days, db_inbox.h's target_days. The
 * categories are loaded once at start: the text is made once per app, not per request.
 */
static const char *
target_days_param(struct request *req)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static const struct app *made_for;
	static char *text;
	pthread_mutex_lock(&lock);
	if (made_for != req->app) {
		json_t *m = json_object();
		size_t i;
		json_t *c;
		json_array_foreach(report_categories(req->app), i, c)
		{
			json_object_set(m, json_string_value(json_object_get(c, "code")),
					json_object_get(c, "target_days"));
		}
		free(text);
		text = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		made_for = req->app;
	}
	const char *out = text;
	pthread_mutex_unlock(&lock);
	return out;
}

/*
 * The inbox's counters ({open, overdue, disputed}, a new value), or NULL when the database
 * failed. They read every report (tens of milliseconds at 100,000): kept (common/kept.h) until
 * the next write or for a minute at most, as "overdue" also moves with the clock.
 */
static json_t *
count_inbox(void *req)
{
	return db_inbox_counts(target_days_param(req));
}

static json_t *
inbox_counts(struct request *req)
{
	static struct kept counts = KEPT_INIT(60);
	return kept_get(&counts, count_inbox, req);
}

/* ---- views ---- */

static json_t *
date_of(json_t *at)
{
	const char *s = json_string_value(at);
	return s ? json_stringn(s, 10) : json_null();
}

/*
 * What the inbox adds to a report's columns, field by field (get_label): its links, its
 * labels, its dates. Read from a row object (one report) or from row i of a result, whose
 * columns come first (a list: the template reads the rows as it renders them).
 */
enum label {
	L_URL,
	L_CATEGORY_NAME,
	L_TARGET_DAYS,
	L_STATUS_LABEL,
	L_QUARTER_LABEL,
	L_ASSESSMENT_LABEL,
	L_HAS_ASSESSMENT,
	L_HAS_DISPUTES,
	L_CREATED_DATE,
	L_RECEIVED_DATE,
	L_DISPLAY_TITLE,
	L_HAS_POINT,
	NLABELS
};

static const char *const label_names[NLABELS] = {
	"url",           "category_name",    "target_days",    "status_label",
	"quarter_label", "assessment_label", "has_assessment", "has_disputes",
	"created_date",  "received_date",    "display_title",  "has_point"};

/* The columns the labels read. */
enum col {
	C_REF,
	C_CATEGORY,
	C_STATUS,
	C_QUARTER,
	C_ASSESSMENT,
	C_DISPUTES,
	C_CREATED,
	C_RECEIVED,
	C_TITLE,
	C_LAT,
	NCOLS
};
static const char *const col_names[NCOLS] = {"ref",        "category", "status",     "quarter",
					     "assessment", "disputes", "created_at", "received_at",
					     "title",      "lat_e6"};

struct inbox_src {
	struct request *req;
	json_t *table;       /* report_label_table() (NULL: one report, each label looked up) */
	json_t *assessments; /* assessment_labels() (NULL: looked up) */
	json_t *row;         /* a row object, or */
	PGresult *res;       /* rows first.. of a result */
	int first, i;
	int col[NCOLS];
	int ncols; /* the result's columns, the first fields */
};

/* A column the labels read: borrowed text, NULL when NULL or absent. */
static const char *
col_text(const struct inbox_src *s, enum col c)
{
	if (s->row)
		return json_string_value(json_object_get(s->row, col_names[c]));
	int r = s->first + s->i;
	return s->col[c] < 0 || PQgetisnull(s->res, r, s->col[c])
		       ? NULL
		       : PQgetvalue(s->res, r, s->col[c]);
}

/* An integer column: false when NULL or absent. */
static bool
col_integer(const struct inbox_src *s, enum col c, long long *out)
{
	if (s->row) {
		json_t *v = json_object_get(s->row, col_names[c]);
		*out = json_integer_value(v);
		return json_is_integer(v);
	}
	const char *t = col_text(s, c);
	*out = t ? strtoll(t, NULL, 10) : 0;
	return t != NULL;
}

static void
set_text(struct template_value *v, const char *s, size_t len)
{
	*v = (struct template_value){TEMPLATE_TEXT, s ? s : "", s ? len : 0};
}

static void
get_label(const struct inbox_src *s, enum label l, struct template_value *v)
{
	struct request *req = s->req;
	const char *t;
	long long n;
	json_t *j;
	switch (l) {
	case L_URL:
		t = arena_printf(req->arena, "/staff/inbox/%s", (t = col_text(s, C_REF)) ? t : "");
		set_text(v, t, strlen(t));
		break;
	case L_CATEGORY_NAME:
	case L_STATUS_LABEL:
	case L_QUARTER_LABEL:
		t = report_label_text(req, s->table,
				      l == L_CATEGORY_NAME  ? "category"
				      : l == L_STATUS_LABEL ? "status"
							    : "quarter",
				      col_text(s, l == L_CATEGORY_NAME  ? C_CATEGORY
						  : l == L_STATUS_LABEL ? C_STATUS
									: C_QUARTER));
		set_text(v, t, strlen(t));
		break;
	case L_TARGET_DAYS:
		t = col_text(s, C_CATEGORY);
		j = json_object_get(json_object_get(s->table, "days"), t ? t : "");
		*v = (struct template_value){
			TEMPLATE_INTEGER,
			.integer = j          ? json_integer_value(j)
				   : s->table ? 0
					      : report_category_target_days(req->app, t)};
		break;
	case L_ASSESSMENT_LABEL:
		t = col_text(s, C_ASSESSMENT);
		j = json_object_get(s->assessments, t ? t : "");
		t = j ? json_string_value(j)
		      : t_get(req, arena_printf(req->arena, "inbox_assessment_%s", t));
		set_text(v, t, t ? strlen(t) : 0);
		break;
	case L_HAS_ASSESSMENT:
		t = col_text(s, C_ASSESSMENT);
		*v = (struct template_value){TEMPLATE_BOOL, .integer = strcmp(t, "none") != 0};
		break;
	case L_HAS_DISPUTES:
		*v = (struct template_value){TEMPLATE_BOOL,
					     .integer = col_integer(s, C_DISPUTES, &n) && n > 0};
		break;
	case L_CREATED_DATE:
	case L_RECEIVED_DATE:
		if ((t = col_text(s, l == L_CREATED_DATE ? C_CREATED : C_RECEIVED)))
			set_text(v, t, strnlen(t, 10));
		else
			v->type = TEMPLATE_NULL;
		break;
	case L_DISPLAY_TITLE:
		if (!(t = col_text(s, C_TITLE)) || !*t)
			t = t_get(req, "inbox_no_title");
		set_text(v, t, t ? strlen(t) : 0);
		break;
	case L_HAS_POINT:
		*v = (struct template_value){TEMPLATE_BOOL, .integer = col_integer(s, C_LAT, &n)};
		break;
	case NLABELS:
		break;
	}
}

/* Field f of row i: a column of the result, then the labels. */
static void
inbox_get(void *self, size_t i, size_t f, struct template_value *v)
{
	struct inbox_src *s = self;
	s->i = (int)i;
	if ((int)f < s->ncols)
		db_template_value(s->res, s->first + s->i, (int)f, v);
	else
		get_label(s, (enum label)((int)f - s->ncols), v);
}

/* Adds the labels to the object of one report r (looked up one by one: no table). */
static void
report_labels(struct request *req, json_t *r)
{
	struct inbox_src s = {.req = req, .row = r};
	struct template_rows rows = {"report", 1, label_names, NLABELS, inbox_get, &s};
	json_t *labels = template_row_json(&rows, 0);
	json_object_update(r, labels);
	json_decref(labels);
}

/* The result's rows first..first + n as the list's rows, with their labels; in the arena. */
static void
inbox_rows(struct request *req, json_t *table, json_t *assessments, PGresult *res, int first, int n,
	   struct template_rows *rows)
{
	struct inbox_src *s = arena_alloc(req->arena, sizeof(*s));
	*s = (struct inbox_src){.req = req,
				.table = table,
				.assessments = assessments,
				.res = res,
				.first = first,
				.ncols = PQnfields(res)};
	for (int c = 0; c < NCOLS; c++)
		s->col[c] = PQfnumber(res, col_names[c]);
	const char **fields =
		arena_alloc(req->arena, (size_t)(s->ncols + NLABELS) * sizeof(*fields));
	for (int c = 0; c < s->ncols; c++)
		fields[c] = PQfname(res, c);
	memcpy(fields + s->ncols, label_names, sizeof(label_names));
	*rows = (struct template_rows){"items",   (size_t)n, fields, (size_t)(s->ncols + NLABELS),
				       inbox_get, s};
}

/* {code: label} of the reporter's assessments as the inbox names them (a new reference). */
static json_t *
assessment_labels(struct request *req)
{
	static const char *const codes[] = {"none", "confirmed", "disputed"};
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		json_object_set_new(
			out, codes[i],
			json_string(t_get(
				req, arena_printf(req->arena, "inbox_assessment_%s", codes[i]))));
	return out;
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

/* Reads and checks the filters; on bad input replies 400 and returns false. */
static bool
read_filter(struct request *req, struct inbox_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->category = http_query_value(req, "category");
	f->status = http_query_value(req, "status");
	f->quarter = http_query_value(req, "quarter");
	const char *overdue = http_query_value(req, "overdue"),
		   *disputed = http_query_value(req, "disputed");
	const char *sort = http_query_value(req, "sort"), *page = http_query_value(req, "page");
	const char *after = http_query_value(req, "after"),
		   *before = http_query_value(req, "before");
	f->overdue = overdue && strcmp(overdue, "1") == 0;
	f->disputed = disputed && strcmp(disputed, "1") == 0;
	f->newest_first = sort && strcmp(sort, "newest") == 0;
	f->after = after ? page_parse_id(after) : 0;
	f->before = before ? page_parse_id(before) : 0;
	bool cursor = after || before;
	long long n = page ? page_parse_id(page) : after ? 2 : 1;
	f->page = n >= 1 && n <= (cursor ? INBOX_LABEL_MAX : INBOX_PAGES_MAX) ? (int)n : 0;
	if (f->after < 0 || f->before < 0 || (after && before)) {
		http_error(req, STATUS_INVALID, "invalid_cursor", "the page cursor is not valid");
		return false;
	}
	if ((f->category && !report_category(req->app, f->category)) ||
	    (f->status && strcmp(f->status, "open") != 0 &&
	     !report_status_is_settable(f->status)) ||
	    (f->quarter && !report_quarter_is_valid(f->quarter)) || (overdue && !f->overdue) ||
	    (disputed && !f->disputed) || (sort && !f->newest_first && strcmp(sort, "oldest")) ||
	    f->page < 1) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "a filter has a value the inbox does not know");
		return false;
	}
	return true;
}

static const char *
filter_status_label(struct request *req, const char *status)
{
	return strcmp(status, "open") == 0 ? t_get(req, "inbox_filter_open")
					   : report_status_label(req, status);
}

/*
 * The pager's links: keyset cursors on the first and last rows shown (rows: the page in the
 * list's order), each with the number of the page it leads to. The page before the second, or
 * before an empty page (a cursor past the end), is the first page itself.
 */
static void
pager_links(struct request *req, const struct inbox_filter *f, long long first, long long last,
	    bool has_prev, bool has_next, json_t *view)
{
	const char *fq = filter_query(req, f, false), *amp = *fq ? "&" : "";
	if (has_next && last)
		json_object_set_new(view, "next_url",
				    json_sprintf("/staff/inbox?%s%safter=%lld&page=%d", fq, amp,
						 last, f->page + 1));
	if (!has_prev)
		return;
	json_object_set_new(view, "prev_url",
			    f->page <= 2 || !first
				    ? json_sprintf("/staff/inbox%s%s", *fq ? "?" : "", fq)
				    : json_sprintf("/staff/inbox?%s%sbefore=%lld&page=%d", fq, amp,
						   first, f->page - 1));
}

/*
 * Where pages asked by their number start. A page asked by its number (?page=N and no cursor:
 * typed, or a shared link; the pager's own links carry a cursor) is found by OFFSET, which
 * reads every report before it: 5,000 index entries at page 100. The report it starts with is
 * kept, by filters and number, for the write generation it was found in (page_cache.h: every
 * write the inbox shows moves it, in any process) and a minute at most (the overdue filter
 * moves with the clock, as the counters do): the same page asked again starts from that
 * report, which gives the same rows as OFFSET would.
 */
#define STARTS 64
#define STARTS_TTL_S 60

static struct {
	pthread_mutex_t lock;
	struct start {
		char key[192];
		unsigned long generation;
		time_t at;
		long long id;
	} slot[STARTS];
} starts = {PTHREAD_MUTEX_INITIALIZER};

/* The slot of key (FNV-1a). */
static struct start *
start_slot(const char *key)
{
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &starts.slot[h % STARTS];
}

/* The id of the report the page of key starts with, 0 when not known (or out of date). */
static long long
start_get(const char *key)
{
	struct start *s = start_slot(key);
	long long id = 0;
	pthread_mutex_lock(&starts.lock);
	if (strcmp(s->key, key) == 0 && s->generation == page_cache_generation() &&
	    time(NULL) - s->at < STARTS_TTL_S)
		id = s->id;
	pthread_mutex_unlock(&starts.lock);
	return id;
}

/* Keep id as the start of the page of key, found in write generation gen. */
static void
start_put(const char *key, unsigned long gen, long long id)
{
	struct start *s = start_slot(key);
	if (strlen(key) >= sizeof(s->key))
		return;
	pthread_mutex_lock(&starts.lock);
	strcpy(s->key, key);
	s->generation = gen;
	s->at = time(NULL);
	s->id = id;
	pthread_mutex_unlock(&starts.lock);
}

/* The page of f: its rows, with where a page asked by its number starts kept (see above). */
static PGresult *
list_page(struct request *req, struct inbox_filter *f)
{
	bool numbered = !f->after && !f->before && f->page > 1;
	const char *key =
		numbered ? arena_printf(req->arena, "%s#%d", filter_query(req, f, false), f->page)
			 : NULL;
	/* the generation before the query: a write meanwhile makes the start found out of date */
	unsigned long gen = page_cache_generation();
	f->from = numbered ? start_get(key) : 0;
	PGresult *res = db_inbox_list(target_days_param(req), f, INBOX_PAGE,
				      f->from ? 0 : (f->page - 1) * INBOX_PAGE);
	if (res && f->from && PQntuples(res) == 0) {
		/* the report it started with is gone */
		PQclear(res);
		f->from = 0;
		res = db_inbox_list(target_days_param(req), f, INBOX_PAGE,
				    (f->page - 1) * INBOX_PAGE);
	}
	if (res && numbered && !f->from && PQntuples(res) > 0)
		start_put(key, gen, strtoll(PQgetvalue(res, 0, PQfnumber(res, "id")), NULL, 10));
	return res;
}

void
page_inbox(struct request *req)
{
	struct inbox_filter f;
	if (!page_require(req, "reports.answer") || !read_filter(req, &f))
		return;
	PGresult *res = list_page(req, &f);
	json_t *counts = res ? inbox_counts(req) : NULL;
	if (!res || !counts) {
		PQclear(res);
		page_db_unavailable(req);
		return;
	}
	/* one row more than a page says there is a page further on in the walk's direction; a
	 * page before a cursor has it first */
	int nrows = PQntuples(res);
	bool more = nrows > INBOX_PAGE;
	int first = more && f.before ? 1 : 0, n = more ? INBOX_PAGE : nrows;
	bool has_next = f.before ? n > 0 : more;
	bool has_prev = f.before ? more : f.after || f.page > 1;
	int id = PQfnumber(res, "id");
	long long first_id = n ? strtoll(PQgetvalue(res, first, id), NULL, 10) : 0;
	long long last_id = n ? strtoll(PQgetvalue(res, first + n - 1, id), NULL, 10) : 0;
	json_t *table = report_label_table(req), *assessments = assessment_labels(req);
	struct template_rows rows;
	inbox_rows(req, table, assessments, res, first, n, &rows);

	/* the filter form: "open" first, then every status an agent may set */
	static const char *const statuses[] = {
		"open",     "received",     "forwarded", "in_progress", "scheduled",
		"resolved", "out_of_scope", "rejected",  "duplicate",   NULL};
	json_t *filters =
		json_pack("{s:o, s:o, s:o, s:b, s:b, s:b}", "categories",
			  report_category_options(req, f.category), "statuses",
			  page_options(req, statuses, filter_status_label, f.status), "quarters",
			  report_quarter_options(req, f.quarter), "overdue", f.overdue, "disputed",
			  f.disputed, "newest_first", f.newest_first);

	json_t *view = json_pack("{s:b, s:o, s:o, s:i}", "has_items", n > 0, "counts", counts,
				 "filters", filters, "page", f.page);
	pager_links(req, &f, first_id, last_id, has_prev, has_next, view);
	const char *gq = filter_query(req, &f, true);
	json_t *map = map_view(
		req, arena_printf(req->arena, "/staff/inbox.geojson%s%s", *gq ? "?" : "", gq));
	json_object_set_new(map, "label", json_string(t_get(req, "inbox_map_label")));
	json_object_set_new(map, "bbox", json_true());
	json_object_set_new(view, "map", map);
	http_render_rows(req, 200, "inbox", view, &rows);
	PQclear(res);
	json_decref(table);
	json_decref(assessments);
}

void
page_inbox_geojson(struct request *req)
{
	struct inbox_filter f;
	if (!page_require(req, "reports.answer") || !read_filter(req, &f))
		return;
	const char *ref = http_query_value(req, "ref");
	if (ref && !report_ref_is_valid(ref)) {
		http_error(req, STATUS_INVALID, "invalid_filter", "not a report reference");
		return;
	}
	f.ref = ref;
	const char *bbox = http_query_value(req, "bbox");
	if (bbox && !(f.has_bbox = map_parse_bbox(bbox, f.bbox))) {
		http_error(req, STATUS_INVALID, "invalid_bbox",
			   "bbox is minlon,minlat,maxlon,maxlat in degrees");
		return;
	}
	/* a viewport too full for pins is counted by area (reports/report_map.h) */
	const char *days = target_days_param(req);
	struct report_map_filter mf = {.inbox = true,
				       .category = f.category,
				       .status = f.status,
				       .quarter = f.quarter,
				       .overdue = f.overdue,
				       .disputed = f.disputed,
				       .target_days = days,
				       .has_bbox = f.has_bbox};
	memcpy(mf.bbox, f.bbox, sizeof(mf.bbox));
	struct report_map_count count = {0};
	struct strbuf out = STRBUF_INIT;
	int rc = f.ref ? 0 : report_map_count(&mf, &count);
	if (rc == 0 && count.total > REPORT_MAP_PINS) {
		report_map_clusters(req, &count, &out);
	} else if (rc == 0) {
		json_t *labels = report_status_labels(req);
		rc = db_inbox_map_pins(days, &f, REPORT_MAP_PINS, labels,
				       t_get(req, "inbox_no_title"), &out);
		json_decref(labels);
	}
	report_map_count_release(&count);
	if (rc < 0) {
		strbuf_release(&out);
		page_db_unavailable(req);
		return;
	}
	http_add_header(req, "Cache-Control", "no-store");
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "application/geo+json", body, len);
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
	json_t *r =
		report_ref_is_valid(ref) ? db_inbox_report(target_days_param(req), ref, &st) : NULL;
	if (!r) {
		page_read_failed(req, st, "report_not_found", "there is no such report");
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
