// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What everyone sees of residents' reports on the citizen platform: the list with its filters,
 * the map and its GeoJSON, a report's page with its timeline, and supports (one per verified
 * contact, participation.h: counted on a keyed hash, without knowing who).
 */
#include "internal.h"

#include "common/arena.h"
#include "common/atom.h"
#include "common/db.h"
#include "common/log.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "notify/notify.h"
#include "participation/participation.h"
#include "db_report_map.h"
#include "reports/db_report.h"
#include "reports/report_map.h"

#include <stdlib.h>
#include <string.h>

#define REPORT_LIST_PAGE 20
#define REPORT_AGE_MAX_DAYS 3650
#define REPORT_SUPPORT_RATE_PER_MINUTE 10 /* per client (client.h), unless set otherwise */

/* ---- lists, map, GeoJSON ---- */

/* Read the list filters from the query; false when one is not valid (replied 400). */
static bool
read_filter(struct request *req, struct report_filter *f)
{
	memset(f, 0, sizeof(*f));
	const char *c = http_query(req, "category"), *s = http_query(req, "status");
	const char *q = http_query(req, "quarter"), *age = http_query(req, "age");
	f->category = c && *c ? c : NULL;
	f->status = s && *s ? s : NULL;
	f->quarter = q && *q ? q : NULL;
	if ((f->category && !report_category(req->app, f->category)) ||
	    (f->status && !report_status_is_valid(f->status)) ||
	    (f->quarter && !report_quarter_is_valid(f->quarter))) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "a filter names a category, status or quarter that does not exist");
		return false;
	}
	if (age && *age) {
		long long days = page_parse_id(age);
		if (days < 1 || days > REPORT_AGE_MAX_DAYS) {
			http_error(req, STATUS_INVALID, "invalid_filter",
				   "age is a number of days from 1 to 3650");
			return false;
		}
		f->age_days = (int)days;
	}
	return true;
}

/* The filters as a query string ("category=VOI&age=30", URL-encoded; "" when none). */
static const char *
filter_query(struct request *req, const struct report_filter *f)
{
	struct strbuf sb = STRBUF_INIT;
	const char *names[] = {"category", "status", "quarter"};
	const char *values[] = {f->category, f->status, f->quarter};
	for (size_t i = 0; i < 3; i++)
		if (values[i]) {
			strbuf_addf(&sb, "%s%s=", sb.len ? "&" : "", names[i]);
			strbuf_addurlenc(&sb, values[i]);
		}
	if (f->age_days)
		strbuf_addf(&sb, "%sage=%d", sb.len ? "&" : "", f->age_days);
	char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

static json_t *
filters_view(struct request *req, const struct report_filter *f)
{
	static const int ages[] = {7, 30, 90, 365};
	json_t *age_opts = json_array();
	for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++)
		json_array_append_new(
			age_opts,
			json_pack("{s:i, s:s, s:b}", "value", ages[i], "label",
				  t_get(req, arena_printf(req->arena, "report_age_%d", ages[i])),
				  "selected", f->age_days == ages[i]));
	return json_pack("{s:o, s:o, s:o, s:o}", "categories",
			 report_category_options(req, f->category), "statuses",
			 report_status_options(req, f->status), "quarters",
			 report_quarter_options(req, f->quarter), "ages", age_opts);
}

/* The list and the map pages: the page's reports, read as the page renders them. */
struct list {
	PGresult *res;
	json_t *table;
	struct template_rows rows;
};

static void
list_release(struct list *l)
{
	PQclear(l->res);
	json_decref(l->table);
}

/* The list view for the list and the map pages, with its reports in *l (list_release after
 * the render); NULL when it replied (error). */
static json_t *
list_view(struct request *req, const char *path, struct list *l)
{
	struct report_filter f;
	if (!read_filter(req, &f))
		return NULL;
	long long before = page_before_param(req);
	if (before < 0)
		return NULL;
	PGresult *res = db_report_list_result(&f, before, REPORT_LIST_PAGE);
	if (!res) {
		page_db_unavailable(req);
		return NULL;
	}
	l->res = res;
	l->table = report_view_table(req);
	report_rows(req, l->table, res, REPORT_LIST_PAGE, "items", false, &l->rows);
	/* one row more than the page: the next page starts after the page's last report */
	long long next =
		PQntuples(res) > REPORT_LIST_PAGE
			? strtoll(PQgetvalue(res, REPORT_LIST_PAGE - 1, PQfnumber(res, "id")), NULL,
				  10)
			: 0;
	const char *fq = filter_query(req, &f);
	json_t *view =
		json_pack("{s:b, s:b, s:o, s:s, s:s, s:s}", "has_items", l->rows.n > 0, "is_first",
			  before == 0, "filters", filters_view(req, &f), "first_url",
			  arena_printf(req->arena, "%s%s%s", path, *fq ? "?" : "", fq), "map_url",
			  arena_printf(req->arena, "/reports/map%s%s", *fq ? "?" : "", fq),
			  "list_url", arena_printf(req->arena, "/reports%s%s", *fq ? "?" : "", fq));
	if (next)
		json_object_set_new(
			view, "next_url",
			json_sprintf("%s?%s%sbefore=%lld", path, fq, *fq ? "&" : "", next));
	json_object_set_new(view, "filter_action", json_string(path));
	/* the feed of what the page shows, served by the feeds module at its first address */
	feed_advertise_path(req, t_get(req, "nav_reports"), "/reports/feed.atom", fq);
	json_object_set_new(view, "geojson_url",
			    json_sprintf("/reports.geojson%s%s", *fq ? "?" : "", fq));
	return view;
}

void
page_report_list(struct request *req)
{
	struct list l;
	json_t *view = list_view(req, "/reports", &l);
	if (!view)
		return;
	http_render_rows(req, 200, "report_list", view, &l.rows);
	list_release(&l);
}

void
page_report_map(struct request *req)
{
	struct list l;
	json_t *view = list_view(req, "/reports/map", &l);
	if (!view)
		return;
	json_t *map = map_view(req, json_string_value(json_object_get(view, "geojson_url")));
	json_object_set_new(map, "bbox", json_true());
	json_object_set_new(map, "label", json_string(t_get(req, "report_map_label")));
	json_object_set_new(view, "map", map);
	http_render_rows(req, 200, "report_map", view, &l.rows);
	list_release(&l);
}

void
page_report_geojson(struct request *req)
{
	struct report_filter f;
	if (!read_filter(req, &f))
		return;
	const char *bbox = http_query(req, "bbox"), *ref = http_query(req, "ref");
	if (bbox && *bbox) {
		if (!map_parse_bbox(bbox, f.bbox)) {
			http_error(req, STATUS_INVALID, "invalid_bbox",
				   "bbox is minlon,minlat,maxlon,maxlat in degrees");
			return;
		}
		f.has_bbox = true;
	}
	if (ref && *ref) {
		if (!report_ref_is_valid(ref)) {
			http_error(req, STATUS_INVALID, "invalid_filter",
				   "ref is not a report reference");
			return;
		}
		f.ref = ref;
	}
	/* a viewport too full for pins is counted by area (reports/report_map.h) */
	struct report_map_filter mf = {.category = f.category,
				       .status = f.status,
				       .quarter = f.quarter,
				       .age_days = f.age_days,
				       .has_bbox = f.has_bbox};
	memcpy(mf.bbox, f.bbox, sizeof(mf.bbox));
	struct report_map_count count = {0};
	struct strbuf out = STRBUF_INIT;
	int rc = f.ref ? 0 : report_map_count(&mf, &count);
	if (rc == 0 && count.total > REPORT_MAP_PINS) {
		report_map_clusters(req, &count, &out);
	} else if (rc == 0) {
		json_t *labels = report_status_labels(req);
		rc = db_report_map_pins(&f, REPORT_MAP_PINS, labels, &out);
		json_decref(labels);
	}
	report_map_count_release(&count);
	if (rc < 0) {
		strbuf_release(&out);
		req->want_json = true;
		page_db_unavailable(req);
		return;
	}
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "application/geo+json", body, len);
}

/* ---- the report page, supports ---- */

/* The report named by the {ref} parameter, public or hidden; NULL when it replied 404/503. */
static json_t *
public_report(struct request *req)
{
	const char *ref = http_param(req, "ref");
	enum status st = STATUS_NOT_FOUND;
	json_t *row = report_ref_is_valid(ref) ? db_report_by_ref(ref, &st) : NULL;
	if (row && strcmp(json_string_value(json_object_get(row, "visibility")), "pending") == 0) {
		json_decref(row);
		row = NULL;
		st = STATUS_NOT_FOUND; /* not public before the collective approves it */
	}
	if (!row)
		page_read_failed(req, st, "report_not_found", "there is no such report");
	return row;
}

void
page_report_item(struct request *req)
{
	json_t *row = public_report(req);
	if (!row)
		return;
	json_t *view = report_item_view(req, row);
	bool open = strcmp(json_string_value(json_object_get(row, "visibility")), "public") == 0;
	json_object_set_new(view, "can_support", json_boolean(open));
	json_object_set_new(view, "support_action",
			    json_sprintf("/reports/%s/support",
					 json_string_value(json_object_get(row, "ref"))));
	const char *supported = http_query(req, "supported");
	json_object_set_new(view, "supported", json_boolean(supported && !strcmp(supported, "1")));
	json_object_set_new(view, "followed",
			    json_boolean(http_query_value(req, "followed") != NULL));
	json_object_set_new(
		view, "follow_action",
		json_sprintf("/reports/%s/follow", json_string_value(json_object_get(row, "ref"))));
	if (open && !req->want_json)
		page_form_csrf(req);
	json_decref(row);
	http_render(req, 200, "report_item", view);
}

/* Count the support of participant p and emit report.supported: the new count, 0 when this
 * contact supported it already, OUTBOX_BUSY when the ceiling of report.supported is reached
 * this minute, -1 when the database failed. */
static int
support(json_t *row, const struct participant *p)
{
	if (db_begin() < 0)
		return -1;
	long long id = json_integer_value(json_object_get(row, "id"));
	enum support_outcome o = participation_support_add("report", id, p);
	int supporters = o == SUPPORT_ADDED     ? db_report_supporters_add(id)
			 : o == SUPPORT_ALREADY ? 0
						: -1;
	if (supporters > 0) {
		json_t *data = json_pack("{s:O, s:i}", "id", json_object_get(row, "origin_id"),
					 "supporters", supporters);
		int rc = report_emit("report.supported", row, data, NULL);
		if (rc < 0)
			supporters = rc;
		else if (db_commit() < 0)
			supporters = -1;
	}
	if (supporters <= 0)
		db_rollback();
	return supporters;
}

void
page_report_support(struct request *req)
{
	json_t *row = public_report(req);
	if (!row)
		return;
	const char *ref = json_string_value(json_object_get(row, "ref"));
	if (strcmp(json_string_value(json_object_get(row, "visibility")), "public") != 0) {
		http_error(req, STATUS_CONFLICT, "report_hidden",
			   "this report was hidden by the moderators");
		goto out;
	}
	/*
	 * One per verified contact (participation.h: whatever cookie it comes with); how many a
	 * client may add is limited by its address, like every resident's action.
	 */
	struct participant p;
	if (!participant_of(req, &p)) {
		participation_require(req, arena_printf(req->arena, "/reports/%s", ref));
		goto out;
	}
	if (!page_rate_allow(req, "support", REPORT_SUPPORT_RATE_PER_MINUTE, "too_many_supports",
			     "too many supports from this connection; wait a minute"))
		goto out;
	int supporters = support(row, &p);
	if (supporters == OUTBOX_BUSY) {
		page_busy(req);
		goto out;
	}
	if (supporters < 0) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the support could not be saved; try again in a minute");
		goto out;
	}
	if (supporters == 0) {
		http_error(req, STATUS_CONFLICT, "already_supported",
			   "you support this report already (one support per verified contact)");
		goto out;
	}
	log_info("report %s supported (%d)", ref, supporters);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, json_pack("{s:s, s:i}", "ref", ref, "supporters", supporters));
	else
		http_redirect(req,
			      arena_printf(req->arena, "/reports/%s?supported=1#support", ref));
out:
	json_decref(row);
}

/*
 * Follow a report: a verified resident who consented to notifications (participation keeps
 * their contact for that) gets a message when the commune changes its status (report_federation.c,
 * through notify's hourly digest, with an unsubscribe link).
 */
void
page_report_follow(struct request *req)
{
	json_t *row = public_report(req);
	if (!row)
		return;
	const char *ref = json_string_value(json_object_get(row, "ref"));
	const char *back = arena_printf(req->arena, "/reports/%s", ref);
	struct participant p;
	char channel[8], to[256], token[SECRET_TOKEN_SIZE];
	if (!participant_of(req, &p)) {
		participation_require(req, back);
		goto out;
	}
	if (!participant_contact(&p, channel, to, sizeof(to))) {
		http_error(req, STATUS_CONFLICT, "notify_consent_required",
			   "to follow, verify your contact again and tick \"notify me\"");
		goto out;
	}
	if (notify_follow("report", ref, channel, to, p.lang, token) < 0) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the follow could not be saved; try again in a minute");
		goto out;
	}
	log_info("report %s followed", ref);
	if (req->want_json)
		http_json(req, 200, json_pack("{s:s, s:b}", "ref", ref, "following", 1));
	else
		http_redirect(req, arena_printf(req->arena, "%s?followed=1#support", back));
out:
	json_decref(row);
}
