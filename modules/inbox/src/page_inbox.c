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
#include "common/http.h"
#include "common/i18n.h"
#include "common/kept.h"
#include "common/log.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "db_inbox.h"
#include "reports/report.h"
#include "reports/report_map.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

/* A new string of the first n bytes of s (known UTF-8: a catalog's or the database's). */
static json_t *
string_of(const char *s, size_t n)
{
	return json_stringn_nocheck(s, n);
}

/*
 * Adds the labels every view of a report row r needs (r is changed and returned); table:
 * report_label_table() of this request, whose strings the rows share; assessments: {code:
 * label} of the inbox's assessment labels.
 */
static json_t *
report_labels(struct request *req, json_t *table, json_t *assessments, json_t *r)
{
	const char *ref = json_string_value(json_object_get(r, "ref"));
	const char *category = json_string_value(json_object_get(r, "category"));
	const char *assessment = json_string_value(json_object_get(r, "assessment"));
	json_int_t disputes = json_integer_value(json_object_get(r, "disputes"));
	/* keys are ASCII literals (no UTF-8 check); 50 rows a page */
	char url[64];
	int n = snprintf(url, sizeof(url), "/staff/inbox/%s", ref);
	json_object_set_new_nocheck(r, "url",
				    string_of(url, (size_t)n < sizeof(url) ? (size_t)n : 0));
	json_object_set_new_nocheck(r, "category_name",
				    report_label(req, table, "category", category));
	json_t *days = json_object_get(json_object_get(table, "days"), category ? category : "");
	json_object_set_new_nocheck(
		r, "target_days",
		days    ? json_incref(days)
		: table ? json_integer(0)
			: json_integer(report_category_target_days(req->app, category)));
	json_object_set_new_nocheck(r, "status_label",
				    report_label(req, table, "status",
						 json_string_value(json_object_get(r, "status"))));
	json_object_set_new_nocheck(r, "quarter_label",
				    report_label(req, table, "quarter",
						 json_string_value(json_object_get(r, "quarter"))));
	json_t *al = json_object_get(assessments, assessment ? assessment : "");
	json_object_set_new_nocheck(
		r, "assessment_label",
		al ? json_incref(al)
		   : json_string(t_get(
			     req, arena_printf(req->arena, "inbox_assessment_%s", assessment))));
	json_object_set_new_nocheck(r, "has_assessment",
				    json_boolean(strcmp(assessment, "none") != 0));
	json_object_set_new_nocheck(r, "has_disputes", json_boolean(disputes > 0));
	json_object_set_new_nocheck(r, "created_date", date_of(json_object_get(r, "created_at")));
	json_object_set_new_nocheck(r, "received_date", date_of(json_object_get(r, "received_at")));
	json_t *title = json_object_get(r, "title");
	json_object_set_new_nocheck(r, "display_title",
				    json_string_length(title)
					    ? json_incref(title)
					    : json_string(t_get(req, "inbox_no_title")));
	json_object_set_new_nocheck(r, "has_point",
				    json_boolean(json_is_integer(json_object_get(r, "lat_e6"))));
	return r;
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
pager_links(struct request *req, const struct inbox_filter *f, json_t *rows, bool has_prev,
	    bool has_next, json_t *view)
{
	const char *fq = filter_query(req, f, false), *amp = *fq ? "&" : "";
	size_t n = json_array_size(rows);
	if (has_next && n) {
		json_t *last = json_object_get(json_array_get(rows, n - 1), "id");
		json_object_set_new(view, "next_url",
				    json_sprintf("/staff/inbox?%s%safter=%lld&page=%d", fq, amp,
						 (long long)json_integer_value(last), f->page + 1));
	}
	if (!has_prev)
		return;
	json_t *first = json_object_get(json_array_get(rows, 0), "id");
	json_object_set_new(view, "prev_url",
			    f->page <= 2 || !first
				    ? json_sprintf("/staff/inbox%s%s", *fq ? "?" : "", fq)
				    : json_sprintf("/staff/inbox?%s%sbefore=%lld&page=%d", fq, amp,
						   (long long)json_integer_value(first),
						   f->page - 1));
}

void
page_inbox(struct request *req)
{
	struct inbox_filter f;
	if (!page_require(req, "reports.answer") || !read_filter(req, &f))
		return;
	json_t *rows =
		db_inbox_list(target_days_param(req), &f, INBOX_PAGE, (f.page - 1) * INBOX_PAGE);
	json_t *counts = rows ? inbox_counts(req) : NULL;
	if (!rows || !counts) {
		json_decref(rows);
		page_db_unavailable(req);
		return;
	}
	/* one row more than a page says there is a page further on in the walk's direction */
	bool more = json_array_size(rows) > INBOX_PAGE;
	if (more)
		json_array_remove(rows, f.before ? 0 : INBOX_PAGE);
	bool has_next = f.before ? json_array_size(rows) > 0 : more;
	bool has_prev = f.before ? more : f.after || f.page > 1;
	json_t *items = json_array();
	json_t *table = report_label_table(req), *assessments = assessment_labels(req);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_array_append(items, report_labels(req, table, assessments, r));
	}
	json_decref(table);
	json_decref(assessments);

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

	json_t *view = json_pack("{s:o, s:b, s:o, s:o, s:i}", "items", items, "has_items",
				 json_array_size(items) > 0, "counts", counts, "filters", filters,
				 "page", f.page);
	pager_links(req, &f, rows, has_prev, has_next, view);
	json_decref(rows);
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
	report_labels(req, NULL, NULL, r); /* one row: no table */
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
