// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What the reports pages of every audience show of a report: its public view (never the
 * reporter's contact or tracking token), its timeline and its page's map, and the headers of
 * the private pages.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
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

/* The commune's message and body, the original of a duplicate, the reporter's comment. */
static void
add_answers(struct request *req, json_t *v, json_t *row)
{
	const char *message = json_string_value(json_object_get(row, "status_message"));
	const char *body = json_string_value(json_object_get(row, "status_body"));
	const char *comment = json_string_value(json_object_get(row, "assessment_comment"));
	json_t *dup = json_object_get(row, "duplicate_of");
	if (message && *message) {
		json_object_set_new_nocheck(v, "status_message", json_string(message));
		json_object_set_new_nocheck(v, "status_message_lines", text_lines(message));
	}
	if (body && *body)
		json_object_set_new_nocheck(v, "status_body", json_string(body));
	if (json_is_string(dup))
		json_object_set_new_nocheck(
			v, "duplicate_of",
			json_pack("{s:O, s:s}", "ref", dup, "url",
				  arena_printf(req->arena, "/reports/%s", json_string_value(dup))));
	if (comment && *comment) {
		json_object_set_new_nocheck(v, "assessment_comment", json_string(comment));
		json_object_set_new_nocheck(v, "assessment_comment_lines", text_lines(comment));
	}
}

/* The pin in microdegrees and in degrees, when the report has one. */
static void
add_pin(struct request *req, json_t *v, json_t *row)
{
	json_t *lat = json_object_get(row, "lat_e6"), *lon = json_object_get(row, "lon_e6");
	if (!json_is_integer(lat) || !json_is_integer(lon))
		return;
	json_object_set_new_nocheck(v, "has_pin", json_true());
	json_object_set_nocheck(v, "lat_e6", lat);
	json_object_set_nocheck(v, "lon_e6", lon);
	json_object_set_new_nocheck(v, "lat",
				    json_string(report_degrees(req, json_integer_value(lat))));
	json_object_set_new_nocheck(v, "lon",
				    json_string(report_degrees(req, json_integer_value(lon))));
}

/* The report's stored photos with their URLs, numbered from 1. */
static json_t *
photos_view(struct request *req, json_t *row)
{
	json_t *photos = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(row, "photos"), i, p)
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
	return photos;
}

/* Its visibility, and the reason and hash of texts the moderators hid. */
static void
add_visibility(json_t *v, json_t *row)
{
	const char *visibility = json_string_value(json_object_get(row, "visibility"));
	bool hidden = strcmp(visibility, "hidden") == 0;
	json_object_set_new_nocheck(v, "visibility", json_string(visibility));
	json_object_set_new_nocheck(v, "is_pending",
				    json_boolean(strcmp(visibility, "pending") == 0));
	json_object_set_new_nocheck(v, "is_hidden", json_boolean(hidden));
	if (hidden) {
		json_object_set_nocheck(v, "hidden_reason", json_object_get(row, "hidden_reason"));
		json_object_set_nocheck(v, "text_sha256", json_object_get(row, "text_sha256"));
	}
}

/* A new string of s, known to be UTF-8 (the database's, a catalog's). */
static json_t *
text_of(const char *s)
{
	return json_string_nocheck(s ? s : "");
}

/* k's value in row, shared (a new reference), or null. */
static json_t *
get(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	return v ? json_incref(v) : json_null();
}

json_t *
report_view_labelled(struct request *req, json_t *table, json_t *row)
{
	const char *ref = json_string_value(json_object_get(row, "ref"));
	const char *category = json_string_value(json_object_get(row, "category"));
	const char *quarter = json_string_value(json_object_get(row, "quarter"));
	const char *status = json_string_value(json_object_get(row, "status"));
	const char *assessment = json_string_value(json_object_get(row, "assessment"));
	const char *created = json_string_value(json_object_get(row, "created_at"));
	char buf[64];
	json_t *v = json_object();
	json_object_set_new_nocheck(v, "ref", text_of(ref));
	snprintf(buf, sizeof(buf), "/reports/%s", ref ? ref : "");
	json_object_set_new_nocheck(v, "url", text_of(buf));
	json_object_set_new_nocheck(v, "category", text_of(category));
	json_object_set_new_nocheck(v, "category_label",
				    table ? report_label(req, table, "category", category)
					  : text_of(report_category_label(req, category)));
	json_object_set_new_nocheck(v, "title", get(row, "title"));
	json_object_set_new_nocheck(v, "description", get(row, "description"));
	json_object_set_new_nocheck(v, "place", get(row, "place"));
	json_object_set_new_nocheck(v, "lang", get(row, "lang"));
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
	json_object_set_new_nocheck(
		v, "description_lines",
		text_lines(json_string_value(json_object_get(row, "description"))));
	if (quarter && *quarter) {
		json_object_set_new_nocheck(v, "quarter", text_of(quarter));
		json_object_set_new_nocheck(
			v, "quarter_label",
			table ? report_label(req, table, "quarter", quarter)
			      : text_of(t_get(req, arena_printf(req->arena, "project_quarter_%s",
								quarter))));
	}
	add_answers(req, v, row);
	json_object_set_new_nocheck(v, "disputes", get(row, "disputes"));
	json_object_set_new_nocheck(
		v, "has_disputes",
		json_boolean(json_integer_value(json_object_get(row, "disputes")) > 0));
	json_object_set_new_nocheck(v, "supporters", get(row, "supporters"));
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
