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

/* A column's integer: false when NULL, absent or not an integer. */
static bool
integer(const struct src *s, enum col c, long long *out)
{
	if (s->row) {
		json_t *v = json_object_get(s->row, col_names[c]);
		*out = json_integer_value(v);
		return json_is_integer(v);
	}
	if (s->col[c] < 0 || PQgetisnull(s->res, s->i, s->col[c]))
		return false;
	*out = strtoll(PQgetvalue(s->res, s->i, s->col[c]), NULL, 10);
	return true;
}

/*
 * A report's view, field by field, in the order its JSON writes them: what a template reads
 * of a list's rows as it renders them, and what report_view builds whole. Some fields are
 * there only when the report has them (a quarter, answers, a pin, a hidden text's reason).
 */
enum field {
	F_REF,
	F_URL,
	F_CATEGORY,
	F_CATEGORY_LABEL,
	F_TITLE,
	F_DESCRIPTION,
	F_PLACE,
	F_LANG,
	F_STATUS,
	F_STATUS_LABEL,
	F_IS_OPEN,
	F_IS_RESOLVED,
	F_ASSESSMENT,
	F_ASSESSMENT_LABEL,
	F_HAS_ASSESSMENT,
	F_IS_DISPUTED,
	F_DESCRIPTION_LINES,
	F_QUARTER,
	F_QUARTER_LABEL,
	F_STATUS_MESSAGE,
	F_STATUS_MESSAGE_LINES,
	F_STATUS_BODY,
	F_DUPLICATE_OF,
	F_ASSESSMENT_COMMENT,
	F_ASSESSMENT_COMMENT_LINES,
	F_DISPUTES,
	F_HAS_DISPUTES,
	F_SUPPORTERS,
	F_HAS_PIN,
	F_LAT_E6,
	F_LON_E6,
	F_LAT,
	F_LON,
	F_HAS_PHOTOS,
	F_PHOTOS,
	F_CREATED_AT,
	F_CREATED_DATE,
	F_VISIBILITY,
	F_IS_PENDING,
	F_IS_HIDDEN,
	F_HIDDEN_REASON,
	F_TEXT_SHA256,
	NFIELDS_PUBLIC,
	F_APPROVE_ACTION = NFIELDS_PUBLIC, /* the moderators' queue only */
	F_HIDE_ACTION,
	NFIELDS
};

static const char *const field_names[NFIELDS] = {"ref",
						 "url",
						 "category",
						 "category_label",
						 "title",
						 "description",
						 "place",
						 "lang",
						 "status",
						 "status_label",
						 "is_open",
						 "is_resolved",
						 "assessment",
						 "assessment_label",
						 "has_assessment",
						 "is_disputed",
						 "description_lines",
						 "quarter",
						 "quarter_label",
						 "status_message",
						 "status_message_lines",
						 "status_body",
						 "duplicate_of",
						 "assessment_comment",
						 "assessment_comment_lines",
						 "disputes",
						 "has_disputes",
						 "supporters",
						 "has_pin",
						 "lat_e6",
						 "lon_e6",
						 "lat",
						 "lon",
						 "has_photos",
						 "photos",
						 "created_at",
						 "created_date",
						 "visibility",
						 "is_pending",
						 "is_hidden",
						 "hidden_reason",
						 "text_sha256",
						 "approve_action",
						 "hide_action"};

/* Where the fields come from: the request, the shared labels (NULL: each looked up) and the
 * report's columns. */
struct view_src {
	struct request *req;
	json_t *table;
	struct src src;
};

static void
set_text(struct template_value *v, const char *s)
{
	*v = (struct template_value){TEMPLATE_TEXT, s ? s : "", s ? strlen(s) : 0};
}

/* A text column: NULL when it is. */
static void
set_column(struct template_value *v, const struct src *s, enum col c)
{
	const char *t;
	if (s->res && s->col[c] >= 0)
		db_template_value(s->res, s->i, s->col[c], v);
	else if ((t = text(s, c)))
		set_text(v, t);
	else
		v->type = TEMPLATE_NULL;
}

static void
set_bool(struct template_value *v, bool b)
{
	*v = (struct template_value){TEMPLATE_BOOL, .integer = b};
}

static void
set_json(struct template_value *v, json_t *j)
{
	*v = (struct template_value){TEMPLATE_JSON, .json = j};
}

/* A label of the table's part for code, or the catalog's (no table; a quarter's label as the
 * report's page names it). */
static const char *
label(struct request *req, json_t *table, const char *part, const char *code)
{
	if (!table && strcmp(part, "quarter") == 0)
		return t_get(req, arena_printf(req->arena, "project_quarter_%s", code));
	return report_label_text(req, table, part, code);
}

/* "/reports/" and the reference, in the request's arena. */
static const char *
report_url(struct request *req, const char *ref)
{
	size_t n = strlen(ref);
	char *url = arena_alloc(req->arena, sizeof("/reports/") + n);
	memcpy(url, "/reports/", sizeof("/reports/") - 1);
	memcpy(url + sizeof("/reports/") - 1, ref, n + 1);
	return url;
}

/* A text someone wrote, present only when not empty: as it is, or as its lines. */
static void
set_written(struct template_value *v, const char *t, bool lines)
{
	if (t && *t && lines)
		set_json(v, text_lines(t));
	else if (t && *t)
		set_text(v, t);
}

/* The answers, present only when the report has them. */
static void
get_answer(const struct view_src *vs, enum field f, struct template_value *v)
{
	const struct src *row = &vs->src;
	const char *t;
	switch (f) {
	case F_STATUS_MESSAGE:
	case F_STATUS_MESSAGE_LINES:
		set_written(v, text(row, C_STATUS_MESSAGE), f == F_STATUS_MESSAGE_LINES);
		break;
	case F_STATUS_BODY:
		set_written(v, text(row, C_STATUS_BODY), false);
		break;
	case F_DUPLICATE_OF:
		if ((t = text(row, C_DUPLICATE_OF)))
			set_json(v,
				 json_pack("{s:s, s:s}", "ref", t, "url", report_url(vs->req, t)));
		break;
	case F_ASSESSMENT_COMMENT:
	case F_ASSESSMENT_COMMENT_LINES:
		set_written(v, text(row, C_ASSESSMENT_COMMENT), f == F_ASSESSMENT_COMMENT_LINES);
		break;
	default:
		break;
	}
}

/* The pin, present only when the report has one. */
static void
get_pin(const struct view_src *vs, enum field f, struct template_value *v)
{
	long long lat, lon;
	if (!integer(&vs->src, C_LAT_E6, &lat) || !integer(&vs->src, C_LON_E6, &lon))
		return;
	switch (f) {
	case F_HAS_PIN:
		set_bool(v, true);
		break;
	case F_LAT_E6:
	case F_LON_E6:
		*v = (struct template_value){TEMPLATE_INTEGER,
					     .integer = f == F_LAT_E6 ? lat : lon};
		break;
	default:
		set_text(v, report_degrees(vs->req, f == F_LAT ? lat : lon));
		break;
	}
}

/* Field f of the report vs reads (row i of a result). */
static void
get_field(const struct view_src *vs, enum field f, struct template_value *v)
{
	struct request *req = vs->req;
	const struct src *row = &vs->src;
	/* what most fields read, read only by the fields that need it */
	const char *status = f >= F_STATUS && f <= F_IS_RESOLVED ? text(row, C_STATUS) : NULL;
	const char *assessment =
		f >= F_ASSESSMENT && f <= F_IS_DISPUTED ? text(row, C_ASSESSMENT) : NULL;
	const char *visibility = f >= F_VISIBILITY ? text(row, C_VISIBILITY) : NULL, *t;
	long long n;
	switch (f) {
	case F_REF:
	case F_CATEGORY:
	case F_CREATED_AT:
		set_text(v, text(row, f == F_REF        ? C_REF
				      : f == F_CATEGORY ? C_CATEGORY
							: C_CREATED_AT));
		break;
	case F_URL:
		set_text(v, report_url(req, (t = text(row, C_REF)) ? t : ""));
		break;
	case F_CATEGORY_LABEL:
		set_text(v, label(req, vs->table, "category", text(row, C_CATEGORY)));
		break;
	case F_TITLE:
	case F_DESCRIPTION:
	case F_PLACE:
	case F_LANG:
		set_column(v, row,
			   f == F_TITLE         ? C_TITLE
			   : f == F_DESCRIPTION ? C_DESCRIPTION
			   : f == F_PLACE       ? C_PLACE
						: C_LANG);
		break;
	case F_STATUS:
		set_text(v, status);
		break;
	case F_STATUS_LABEL:
		set_text(v, label(req, vs->table, "status", status));
		break;
	case F_IS_OPEN:
		set_bool(v, report_status_is_open(status));
		break;
	case F_IS_RESOLVED:
		set_bool(v, strcmp(status, "resolved") == 0);
		break;
	case F_ASSESSMENT:
		set_text(v, assessment);
		break;
	case F_ASSESSMENT_LABEL:
		t = json_string_value(
			json_object_get(json_object_get(vs->table, "assessment"), assessment));
		set_text(v, t ? t
			      : t_get(req, arena_printf(req->arena, "report_assessment_%s",
							assessment)));
		break;
	case F_HAS_ASSESSMENT:
		set_bool(v, strcmp(assessment, "none") != 0);
		break;
	case F_IS_DISPUTED:
		set_bool(v, strcmp(assessment, "disputed") == 0);
		break;
	case F_DESCRIPTION_LINES:
		set_json(v, text_lines(text(row, C_DESCRIPTION)));
		break;
	case F_QUARTER:
	case F_QUARTER_LABEL:
		if ((t = text(row, C_QUARTER)) && *t)
			set_text(v, f == F_QUARTER ? t : label(req, vs->table, "quarter", t));
		break;
	case F_STATUS_MESSAGE:
	case F_STATUS_MESSAGE_LINES:
	case F_STATUS_BODY:
	case F_DUPLICATE_OF:
	case F_ASSESSMENT_COMMENT:
	case F_ASSESSMENT_COMMENT_LINES:
		get_answer(vs, f, v);
		break;
	case F_DISPUTES:
	case F_SUPPORTERS:
		if (integer(row, f == F_DISPUTES ? C_DISPUTES : C_SUPPORTERS, &n))
			*v = (struct template_value){TEMPLATE_INTEGER, .integer = n};
		else
			v->type = TEMPLATE_NULL;
		break;
	case F_HAS_DISPUTES:
		set_bool(v, integer(row, C_DISPUTES, &n) && n > 0);
		break;
	case F_HAS_PIN:
	case F_LAT_E6:
	case F_LON_E6:
	case F_LAT:
	case F_LON:
		get_pin(vs, f, v);
		break;
	case F_HAS_PHOTOS: {
		json_t *photos = photos_view(req, row);
		set_bool(v, json_array_size(photos) > 0);
		json_decref(photos);
		break;
	}
	case F_PHOTOS:
		set_json(v, photos_view(req, row));
		break;
	case F_CREATED_DATE:
		t = text(row, C_CREATED_AT);
		*v = (struct template_value){TEMPLATE_TEXT, t ? t : "", t ? strnlen(t, 10) : 0};
		break;
	case F_VISIBILITY:
		set_text(v, visibility);
		break;
	case F_IS_PENDING:
	case F_IS_HIDDEN:
		set_bool(v, strcmp(visibility, f == F_IS_PENDING ? "pending" : "hidden") == 0);
		break;
	case F_HIDDEN_REASON:
	case F_TEXT_SHA256:
		if (strcmp(visibility, "hidden") == 0)
			set_column(v, row, f == F_HIDDEN_REASON ? C_HIDDEN_REASON : C_TEXT_SHA256);
		break;
	case F_APPROVE_ACTION:
	case F_HIDE_ACTION:
		t = text(row, C_REF);
		t = arena_printf(req->arena, "/staff/reports/%s/%s", t ? t : "",
				 f == F_APPROVE_ACTION ? "approve" : "hide");
		set_text(v, t);
		break;
	case NFIELDS:
		break;
	}
}

static void
rows_get(void *self, size_t i, size_t f, struct template_value *v)
{
	struct view_src *vs = self;
	vs->src.i = (int)i;
	get_field(vs, (enum field)f, v);
}

json_t *
report_view_labelled(struct request *req, json_t *table, json_t *row)
{
	struct view_src vs = {req, table, {.row = row}};
	struct template_rows rows = {"report", 1, field_names, NFIELDS_PUBLIC, rows_get, &vs};
	return template_row_json(&rows, 0);
}

void
report_rows(struct request *req, json_t *table, PGresult *res, int limit, const char *name,
	    bool actions, struct template_rows *rows)
{
	struct view_src *vs = arena_alloc(req->arena, sizeof(*vs));
	*vs = (struct view_src){req, table, {.res = res}};
	for (int c = 0; c < NCOLS; c++)
		vs->src.col[c] = PQfnumber(res, col_names[c]);
	int n = PQntuples(res);
	*rows = (struct template_rows){name,        (size_t)(n < limit ? n : limit),
				       field_names, actions ? NFIELDS : NFIELDS_PUBLIC,
				       rows_get,    vs};
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
