// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What the reports pages of every audience show of a report: its public view (never the
 * reporter's contact or tracking token), its timeline and its page's map, and the headers of
 * the private pages.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/db.h"
#include "common/map.h"
#include "common/page_util.h"
#include "reports/db_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* e6 in degrees with six decimals ("-0.000120"), written by hand: two a row of every list,
 * where arena_printf cost more than the rest of the pin. */
const char *
report_degrees(struct request *req, long long e6)
{
	unsigned long long a = e6 < 0 ? 0ULL - (unsigned long long)e6 : (unsigned long long)e6;
	char buf[32], *p = buf + sizeof(buf);
	*--p = '\0';
	for (int i = 0; i < 6; i++, a /= 10)
		*--p = (char)('0' + a % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + a % 10);
		a /= 10;
	} while (a);
	if (e6 < 0)
		*--p = '-';
	return arena_strdup(req->arena, p);
}

/*
 * Where a view reads a report's columns: a row object (db_report.h's shape), or a row of a
 * result with REPORT_COLUMNS, read as it is (a list page then makes no row objects: they were a
 * fifth of its instructions). Either way the same values: db_value converts as db_row_object.
 */
enum col {
	C_REF,
	C_CATEGORY,
	C_TITLE,
	C_DESCRIPTION,
	C_PLACE,
	C_QUARTER,
	C_LANG,
	C_STATUS,
	C_STATUS_MESSAGE,
	C_STATUS_BODY,
	C_DUPLICATE_OF,
	C_ASSESSMENT,
	C_ASSESSMENT_COMMENT,
	C_DISPUTES,
	C_SUPPORTERS,
	C_LAT_E6,
	C_LON_E6,
	C_PHOTOS,
	C_VISIBILITY,
	C_HIDDEN_REASON,
	C_TEXT_SHA256,
	C_CREATED_AT,
	NCOLS
};

static const char *const col_names[NCOLS] = {"ref",
					     "category",
					     "title",
					     "description",
					     "place",
					     "quarter",
					     "lang",
					     "status",
					     "status_message",
					     "status_body",
					     "duplicate_of",
					     "assessment",
					     "assessment_comment",
					     "disputes",
					     "supporters",
					     "lat_e6",
					     "lon_e6",
					     "photos",
					     "visibility",
					     "hidden_reason",
					     "text_sha256",
					     "created_at"};

struct src {
	json_t *row;   /* a row object, or */
	PGresult *res; /* a result's row i, its columns at col[] (-1: not in it) */
	int i;
	int col[NCOLS];
};

/* The column's value (a new reference; null when NULL or absent). */
static json_t *
value(const struct src *s, enum col c)
{
	if (s->row) {
		json_t *v = json_object_get(s->row, col_names[c]);
		return v ? json_incref(v) : json_null();
	}
	return s->col[c] < 0 ? json_null() : db_value(s->res, s->i, s->col[c]);
}

/* The column's text (borrowed; NULL when NULL, absent or not text). */
static const char *
text(const struct src *s, enum col c)
{
	if (s->row)
		return json_string_value(json_object_get(s->row, col_names[c]));
	return s->col[c] < 0 || PQgetisnull(s->res, s->i, s->col[c])
		       ? NULL
		       : PQgetvalue(s->res, s->i, s->col[c]);
}

/* The commune's message and body, the original of a duplicate, the reporter's comment. */
static void
add_answers(struct request *req, json_t *v, const struct src *row)
{
	const char *message = text(row, C_STATUS_MESSAGE);
	const char *body = text(row, C_STATUS_BODY);
	const char *comment = text(row, C_ASSESSMENT_COMMENT);
	const char *dup = text(row, C_DUPLICATE_OF);
	if (message && *message) {
		json_object_set_new_nocheck(v, "status_message", json_string(message));
		json_object_set_new_nocheck(v, "status_message_lines", text_lines(message));
	}
	if (body && *body)
		json_object_set_new_nocheck(v, "status_body", json_string(body));
	if (dup)
		json_object_set_new_nocheck(
			v, "duplicate_of",
			json_pack("{s:s, s:s}", "ref", dup, "url",
				  arena_printf(req->arena, "/reports/%s", dup)));
	if (comment && *comment) {
		json_object_set_new_nocheck(v, "assessment_comment", json_string(comment));
		json_object_set_new_nocheck(v, "assessment_comment_lines", text_lines(comment));
	}
}

/* The pin in microdegrees and in degrees, when the report has one. */
static void
add_pin(struct request *req, json_t *v, const struct src *row)
{
	json_t *lat = value(row, C_LAT_E6), *lon = value(row, C_LON_E6);
	if (!json_is_integer(lat) || !json_is_integer(lon)) {
		json_decref(lat);
		json_decref(lon);
		return;
	}
	long long lat_e6 = json_integer_value(lat), lon_e6 = json_integer_value(lon);
	json_object_set_new_nocheck(v, "has_pin", json_true());
	json_object_set_new_nocheck(v, "lat_e6", lat);
	json_object_set_new_nocheck(v, "lon_e6", lon);
	json_object_set_new_nocheck(v, "lat", json_string(report_degrees(req, lat_e6)));
	json_object_set_new_nocheck(v, "lon", json_string(report_degrees(req, lon_e6)));
}

/* The report's stored photos with their URLs, numbered from 1. */
static json_t *
photos_view(struct request *req, const struct src *row)
{
	json_t *photos = json_array(), *stored = value(row, C_PHOTOS);
	size_t i;
	json_t *p;
	json_array_foreach(stored, i, p)
	{
		const char *sha = json_string_value(json_object_get(p, "sha256"));
		if (!is_sha256_hex(sha))
			continue;
		json_array_append_new(
			photos,
			json_pack("{s:s, s:O, s:O, s:s, s:s, s:i}", "sha256", sha, "width",
				  json_object_get(p, "width"), "height",
				  json_object_get(p, "height"), "url",
				  arena_printf(req->arena, "/photos/%s.jpg", sha), "small_url",
				  arena_printf(req->arena, "/photos/%s-small.jpg", sha), "n",
				  (int)i + 1));
	}
	json_decref(stored);
	return photos;
}

/* Its visibility, and the reason and hash of texts the moderators hid. */
static void
add_visibility(json_t *v, const struct src *row)
{
	const char *visibility = text(row, C_VISIBILITY);
	bool hidden = strcmp(visibility, "hidden") == 0;
	json_object_set_new_nocheck(v, "visibility", json_string(visibility));
	json_object_set_new_nocheck(v, "is_pending",
				    json_boolean(strcmp(visibility, "pending") == 0));
	json_object_set_new_nocheck(v, "is_hidden", json_boolean(hidden));
	if (hidden) {
		json_object_set_new_nocheck(v, "hidden_reason", value(row, C_HIDDEN_REASON));
		json_object_set_new_nocheck(v, "text_sha256", value(row, C_TEXT_SHA256));
	}
}

/* A new string of s, known to be UTF-8 (the database's, a catalog's). */
static json_t *
text_of(const char *s)
{
	return json_string_nocheck(s ? s : "");
}

static json_t *
view_of(struct request *req, json_t *table, const struct src *row)
{
	const char *ref = text(row, C_REF);
	const char *category = text(row, C_CATEGORY);
	const char *quarter = text(row, C_QUARTER);
	const char *status = text(row, C_STATUS);
	const char *assessment = text(row, C_ASSESSMENT);
	const char *created = text(row, C_CREATED_AT);
	char buf[64];
	json_t *v = json_object();
	json_object_set_new_nocheck(v, "ref", text_of(ref));
	snprintf(buf, sizeof(buf), "/reports/%s", ref ? ref : "");
	json_object_set_new_nocheck(v, "url", text_of(buf));
	json_object_set_new_nocheck(v, "category", text_of(category));
	json_object_set_new_nocheck(v, "category_label",
				    table ? report_label(req, table, "category", category)
					  : text_of(report_category_label(req, category)));
	json_object_set_new_nocheck(v, "title", value(row, C_TITLE));
	json_object_set_new_nocheck(v, "description", value(row, C_DESCRIPTION));
	json_object_set_new_nocheck(v, "place", value(row, C_PLACE));
	json_object_set_new_nocheck(v, "lang", value(row, C_LANG));
	json_object_set_new_nocheck(v, "status", text_of(status));
	json_object_set_new_nocheck(v, "status_label",
				    table ? report_label(req, table, "status", status)
					  : text_of(report_status_label(req, status)));
	json_object_set_new_nocheck(v, "is_open", json_boolean(report_status_is_open(status)));
	json_object_set_new_nocheck(v, "is_resolved",
				    json_boolean(strcmp(status, "resolved") == 0));
	json_object_set_new_nocheck(v, "assessment", text_of(assessment));
	json_t *al = json_object_get(json_object_get(table, "assessment"), assessment);
	json_object_set_new_nocheck(
		v, "assessment_label",
		al ? json_incref(al)
		   : text_of(t_get(req,
				   arena_printf(req->arena, "report_assessment_%s", assessment))));
	json_object_set_new_nocheck(v, "has_assessment",
				    json_boolean(strcmp(assessment, "none") != 0));
	json_object_set_new_nocheck(v, "is_disputed",
				    json_boolean(strcmp(assessment, "disputed") == 0));
	json_object_set_new_nocheck(v, "description_lines", text_lines(text(row, C_DESCRIPTION)));
	if (quarter && *quarter) {
		json_object_set_new_nocheck(v, "quarter", text_of(quarter));
		json_object_set_new_nocheck(
			v, "quarter_label",
			table ? report_label(req, table, "quarter", quarter)
			      : text_of(t_get(req, arena_printf(req->arena, "project_quarter_%s",
								quarter))));
	}
	add_answers(req, v, row);
	json_t *disputes = value(row, C_DISPUTES);
	json_object_set_new_nocheck(v, "disputes", disputes);
	json_object_set_new_nocheck(v, "has_disputes",
				    json_boolean(json_integer_value(disputes) > 0));
	json_object_set_new_nocheck(v, "supporters", value(row, C_SUPPORTERS));
	add_pin(req, v, row);
	json_t *photos = photos_view(req, row);
	json_object_set_new_nocheck(v, "has_photos", json_boolean(json_array_size(photos) > 0));
	json_object_set_new_nocheck(v, "photos", photos);
	json_object_set_new_nocheck(v, "created_at", text_of(created));
	json_object_set_new_nocheck(
		v, "created_date",
		json_stringn_nocheck(created ? created : "", created ? strnlen(created, 10) : 0));
	add_visibility(v, row);
	return v;
}

json_t *
report_view_labelled(struct request *req, json_t *table, json_t *row)
{
	return view_of(req, table, &(struct src){.row = row});
}

json_t *
report_views(struct request *req, json_t *table, PGresult *res, int limit)
{
	struct src s = {.res = res};
	for (int c = 0; c < NCOLS; c++)
		s.col[c] = PQfnumber(res, col_names[c]);
	json_t *views = json_array();
	int n = PQntuples(res);
	for (s.i = 0; s.i < n && s.i < limit; s.i++)
		json_array_append_new(views, view_of(req, table, &s));
	return views;
}

json_t *
report_view(struct request *req, json_t *row)
{
	return report_view_labelled(req, NULL, row);
}

/* The public timeline: each row with its side and a label in the reader's language. */
static json_t *
timeline_view(struct request *req, long long id)
{
	json_t *rows = db_report_timeline(id);
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		const char *side = json_string_value(json_object_get(r, "side"));
		const char *kind = json_string_value(json_object_get(r, "kind"));
		const char *status = json_string_value(json_object_get(r, "status"));
		const char *message = json_string_value(json_object_get(r, "message"));
		const char *body = json_string_value(json_object_get(r, "body"));
		const char *at = json_string_value(json_object_get(r, "at"));
		const char *label;
		if (strcmp(side, REPORT_ANSWERER) == 0 && report_status_is_valid(status))
			label = report_status_label(req, status);
		else if (strcmp(kind, "assessed") == 0)
			label = t_get(req,
				      arena_printf(req->arena, "report_timeline_assessed_%s",
						   strcmp(status, "disputed") == 0 ? "disputed"
										   : "confirmed"));
		else
			label = t_get(req, arena_printf(req->arena, "report_timeline_%s", kind));
		json_t *e = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "side", side, "side_label",
			t_get(req, arena_printf(req->arena, "report_side_%s", side)), "kind", kind,
			"status", status, "label", label, "at", at, "date",
			arena_strndup(req->arena, at, 10), "message_lines", text_lines(message));
		json_object_set_new(e, "message", json_string(message));
		if (body && *body)
			json_object_set_new(e, "body", json_string(body));
		json_array_append_new(items, e);
	}
	json_decref(rows);
	return items;
}

json_t *
report_item_view(struct request *req, json_t *row)
{
	json_t *view = json_pack("{s:o}", "report", report_view(req, row));
	json_object_set_new(view, "timeline",
			    timeline_view(req, json_integer_value(json_object_get(row, "id"))));
	if (json_is_integer(json_object_get(row, "lat_e6"))) {
		json_t *rv = json_object_get(view, "report");
		json_t *map = map_view(req, NULL);
		json_object_set_new(map, "small", json_true());
		json_object_set(map, "marker_lat", json_object_get(rv, "lat"));
		json_object_set(map, "marker_lon", json_object_get(rv, "lon"));
		json_object_set(map, "marker_title", json_object_get(rv, "title"));
		json_object_set_new(map, "label", json_string(t_get(req, "report_map_item_label")));
		json_object_set_new(view, "map", map);
	}
	return view;
}
