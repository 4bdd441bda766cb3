// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Residents' problem reports on the citizen platform (docs/decisions/0007-reports.md): the
 * form with its nearby check, filing (report_submit, shared with Open311), the public list,
 * map, GeoJSON and report page, supports, the reporter's private tracking page with the
 * assessment and the questionnaire, the collective's moderation, and the demo loader. The
 * reporter's contact and tracking token never reach a public page, an event or a log line.
 */
#include "internal.h"

#include "common/check.h"
#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "moderation/moderation.h"
#include "reports/db_report.h"
#include "common/demo.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/map.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "reports/report.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_LIST_PAGE 20
#define REPORT_NEARBY_MAX 10
#define REPORT_STAFF_MAX 300
#define REPORT_CONTACT_MAX 120
#define REPORT_RATE_PER_MINUTE 5 /* filings per browser (CSRF cookie) */
#define REPORT_AGE_MAX_DAYS 3650
#define MICRODEGREES 1000000LL
#define CSRF_COOKIE_MAX_AGE_S (60L * 60 * 24 * 7)

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* Degrees with 6 decimals from microdegrees ("-0.500000"), in the arena. */
static const char *
degrees(struct request *req, long long e6)
{
	long long a = e6 < 0 ? -e6 : e6;
	return arena_printf(req->arena, "%s%lld.%06lld", e6 < 0 ? "-" : "", a / MICRODEGREES,
			    a % MICRODEGREES);
}

static void
sha256_hex(const char *s, char out[REPORT_SHA256_HEX])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)s, strlen(s), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* ---- views ---- */

json_t *
report_view(struct request *req, json_t *row)
{
	const char *ref = json_string_value(json_object_get(row, "ref"));
	const char *category = json_string_value(json_object_get(row, "category"));
	const char *quarter = json_string_value(json_object_get(row, "quarter"));
	const char *status = json_string_value(json_object_get(row, "status"));
	const char *assessment = json_string_value(json_object_get(row, "assessment"));
	const char *visibility = json_string_value(json_object_get(row, "visibility"));
	const char *created = json_string_value(json_object_get(row, "created_at"));
	const char *message = json_string_value(json_object_get(row, "status_message"));
	const char *body = json_string_value(json_object_get(row, "status_body"));
	json_t *lat = json_object_get(row, "lat_e6"), *lon = json_object_get(row, "lon_e6");
	bool hidden = strcmp(visibility, "hidden") == 0;
	json_t *v = json_pack(
		"{s:s, s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:s, s:s, s:b, s:b, s:s, s:s, s:b, s:b}",
		"ref", ref, "url", arena_printf(req->arena, "/reports/%s", ref), "category",
		category, "category_label", report_category_label(req, category), "title",
		json_object_get(row, "title"), "description", json_object_get(row, "description"),
		"place", json_object_get(row, "place"), "lang", json_object_get(row, "lang"),
		"status", status, "status_label", report_status_label(req, status), "is_open",
		report_status_is_open(status), "is_resolved", strcmp(status, "resolved") == 0,
		"assessment", assessment, "assessment_label",
		t_get(req, arena_printf(req->arena, "report_assessment_%s", assessment)),
		"has_assessment", strcmp(assessment, "none") != 0, "is_disputed",
		strcmp(assessment, "disputed") == 0);
	json_object_set_new(v, "description_lines",
			    text_lines(json_string_value(json_object_get(row, "description"))));
	if (quarter && *quarter) {
		json_object_set_new(v, "quarter", json_string(quarter));
		json_object_set_new(
			v, "quarter_label",
			json_string(t_get(
				req, arena_printf(req->arena, "project_quarter_%s", quarter))));
	}
	if (message && *message) {
		json_object_set_new(v, "status_message", json_string(message));
		json_object_set_new(v, "status_message_lines", text_lines(message));
	}
	if (body && *body)
		json_object_set_new(v, "status_body", json_string(body));
	json_t *dup = json_object_get(row, "duplicate_of");
	if (json_is_string(dup))
		json_object_set_new(
			v, "duplicate_of",
			json_pack("{s:O, s:s}", "ref", dup, "url",
				  arena_printf(req->arena, "/reports/%s", json_string_value(dup))));
	const char *comment = json_string_value(json_object_get(row, "assessment_comment"));
	if (comment && *comment) {
		json_object_set_new(v, "assessment_comment", json_string(comment));
		json_object_set_new(v, "assessment_comment_lines", text_lines(comment));
	}
	json_object_set(v, "disputes", json_object_get(row, "disputes"));
	json_object_set_new(v, "has_disputes",
			    json_boolean(json_integer_value(json_object_get(row, "disputes")) > 0));
	json_object_set(v, "supporters", json_object_get(row, "supporters"));
	if (json_is_integer(lat) && json_is_integer(lon)) {
		json_object_set_new(v, "has_pin", json_true());
		json_object_set(v, "lat_e6", lat);
		json_object_set(v, "lon_e6", lon);
		json_object_set_new(v, "lat", json_string(degrees(req, json_integer_value(lat))));
		json_object_set_new(v, "lon", json_string(degrees(req, json_integer_value(lon))));
	}
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
	json_object_set_new(v, "has_photos", json_boolean(json_array_size(photos) > 0));
	json_object_set_new(v, "photos", photos);
	json_object_set_new(v, "created_at", json_string(created));
	json_object_set_new(v, "created_date", json_string(arena_strndup(req->arena, created, 10)));
	json_object_set_new(v, "visibility", json_string(visibility));
	json_object_set_new(v, "is_pending", json_boolean(strcmp(visibility, "pending") == 0));
	json_object_set_new(v, "is_hidden", json_boolean(hidden));
	if (hidden) {
		json_object_set(v, "hidden_reason", json_object_get(row, "hidden_reason"));
		json_object_set(v, "text_sha256", json_object_get(row, "text_sha256"));
	}
	return v;
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

/*
 * A page with a form carrying this browser's CSRF token: re-sending the cookie keeps the page
 * out of the shared cache, where another browser would get a token that is not theirs.
 */
static void
keep_out_of_cache(struct request *req)
{
	const char *name = http_cookie_name(req, "csrf");
	const char *had = http_cookie(req, name);
	const char *tok = http_csrf(req);
	if (had && strcmp(had, tok) == 0)
		http_set_cookie(req, name, tok, CSRF_COOKIE_MAX_AGE_S);
}

/* Private pages: never stored by a browser or a proxy, never indexed. */
static void
private_headers(struct request *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	http_add_header(req, "X-Robots-Tag", "noindex, nofollow");
}

/* ---- input ---- */

/* The site's commune boundary as a GeoJSON polygon (malloc'd), or NULL when none is set. */
static char *
boundary_geojson(const struct app *app)
{
	json_t *b = json_object_get(json_object_get(app->site, "map"), "boundary");
	if (!json_is_array(b) || json_array_size(b) < 3)
		return NULL;
	json_t *ring = json_array();
	size_t i;
	json_t *pt;
	json_array_foreach(b, i, pt)
	{
		if (json_array_size(pt) != 2 || !json_is_number(json_array_get(pt, 0)) ||
		    !json_is_number(json_array_get(pt, 1))) {
			log_warn("site.json map.boundary: point %zu is not [lon, lat]; no boundary "
				 "check",
				 i + 1);
			json_decref(ring);
			return NULL;
		}
		json_array_append(ring, pt);
	}
	if (!json_equal(json_array_get(b, 0), json_array_get(b, json_array_size(b) - 1)))
		json_array_append(ring, json_array_get(b, 0)); /* GeoJSON rings are closed */
	json_t *poly = json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates", ring);
	char *s = json_dumps(poly, JSON_COMPACT);
	json_decref(poly);
	return s;
}

/* True when the text looks like an e-mail address or a phone number. */
static bool
is_contact(const char *s)
{
	const char *at = strchr(s, '@');
	if (at) {
		return at > s && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
		       at[strlen(at) - 1] != '.' && !strpbrk(s, " \t\n<>\"',;") &&
		       strlen(at + 1) >= 3;
	}
	size_t digits = 0;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("+ -().", *p))
			return false;
	}
	return digits >= 8 && digits <= 15;
}

/*
 * Check a cleaned report (texts trimmed); NULL when fine, else the error code and *field. The
 * boundary check needs the database: -1 (*code "database_unavailable") when it failed.
 */
static const char *
check_input(struct app *app, const struct report_input *in, const char **field)
{
	*field = NULL;
	if (!report_category(app, in->category)) {
		*field = "category";
		return "unknown_category";
	}
	if (is_blank(in->title)) {
		*field = "title";
		return "empty_text";
	}
	if (is_blank(in->description)) {
		*field = "description";
		return "empty_text";
	}
	if (utf8_length(in->title) > REPORT_TITLE_MAX) {
		*field = "title";
		return "text_too_long";
	}
	if (utf8_length(in->description) > REPORT_DESCRIPTION_MAX) {
		*field = "description";
		return "text_too_long";
	}
	if (utf8_length(in->place) > REPORT_PLACE_MAX) {
		*field = "place";
		return "text_too_long";
	}
	if (text_has_control(in->title, false) || text_has_control(in->place, false) ||
	    text_has_control(in->description, true)) {
		*field = text_has_control(in->title, false)   ? "title"
			 : text_has_control(in->place, false) ? "place"
							      : "description";
		return "invalid_text";
	}
	if (*in->quarter && !report_quarter_is_valid(in->quarter)) {
		*field = "quarter";
		return "invalid_quarter";
	}
	if (in->has_point) {
		if (in->lat_e6 < -90 * MICRODEGREES || in->lat_e6 > 90 * MICRODEGREES ||
		    in->lon_e6 < -180 * MICRODEGREES || in->lon_e6 > 180 * MICRODEGREES) {
			*field = "lat";
			return "invalid_point";
		}
		char *poly = boundary_geojson(app);
		int inside = poly ? db_report_point_inside(poly, in->lat_e6, in->lon_e6) : 1;
		free(poly);
		if (inside < 0) {
			*field = "lat";
			return "database_unavailable";
		}
		if (!inside) {
			*field = "lat";
			return "outside_commune";
		}
	} else if (is_blank(in->place)) {
		*field = "place";
		return "place_required";
	}
	if (*in->contact &&
	    (utf8_length(in->contact) > REPORT_CONTACT_MAX || !is_contact(in->contact))) {
		*field = "contact";
		return "contact_invalid";
	}
	return NULL;
}

/*
 * Emit the event type (data stolen, as outbox_emit does) about report row r, in the caller's
 * transaction: every report event names the report by its origin id on the citizen platform.
 */
static int
emit_report(const char *type, json_t *r, json_t *data, char when[OUTBOX_TIME_SIZE])
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld",
		 (long long)json_integer_value(json_object_get(r, "origin_id")));
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}]", "origin", REPORT_OWNER, "type", "report", "id", ids);
	return outbox_emit(type, refs, data, when);
}

/* Emit "report.created" for the public row r in the caller's transaction. */
static int
emit_created(json_t *r, char when[OUTBOX_TIME_SIZE])
{
	long long id = json_integer_value(json_object_get(r, "origin_id"));
	json_t *photos = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r, "photos"), i, p)
	{
		json_array_append_new(photos, json_pack("{s:O, s:O, s:O}", "sha256",
							json_object_get(p, "sha256"), "width",
							json_object_get(p, "width"), "height",
							json_object_get(p, "height")));
	}
	json_t *data = json_pack(
		"{s:I, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "id", (json_int_t)id, "ref",
		json_object_get(r, "ref"), "category", json_object_get(r, "category"), "title",
		json_object_get(r, "title"), "description", json_object_get(r, "description"),
		"place", json_object_get(r, "place"), "quarter", json_object_get(r, "quarter"),
		"lang", json_object_get(r, "lang"), "photos", photos);
	if (json_is_integer(json_object_get(r, "lat_e6"))) {
		json_object_set(data, "lat_e6", json_object_get(r, "lat_e6"));
		json_object_set(data, "lon_e6", json_object_get(r, "lon_e6"));
	}
	return emit_report("report.created", r, data, when);
}

/*
 * Make the pending or new row public in the caller's transaction: the event, then the row's
 * times and its timeline entry at the event's time. Returns the updated row, or NULL.
 */
static json_t *
publish(json_t *row, bool from_pending, enum status *st)
{
	long long id = json_integer_value(json_object_get(row, "id"));
	char at[OUTBOX_TIME_SIZE];
	if (emit_created(row, at) < 0) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *r = db_report_publish(id, at, from_pending, st);
	if (r && db_report_timeline_append(id, REPORT_OWNER, "created", "", "", "", at) < 0) {
		json_decref(r);
		r = NULL;
		*st = STATUS_UNAVAILABLE;
	}
	return r;
}

/* Create the report in the caller's transaction (input checked); the row or NULL. */
static json_t *
create_in_tx(struct app *app, const struct report_input *in, char token[REPORT_TOKEN_SIZE],
	     enum status *st)
{
	char ref[REPORT_REF_SIZE], sha[REPORT_SHA256_HEX];
	report_new_ref(ref);
	report_new_token(token, sha);
	bool pending = report_category_premoderated(app, in->category);
	json_t *photos = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(in->photos, i, p)
	{
		json_array_append_new(photos, json_pack("{s:O, s:O, s:O}", "sha256",
							json_object_get(p, "sha256"), "width",
							json_object_get(p, "width"), "height",
							json_object_get(p, "height")));
	}
	char *photos_text = json_dumps(photos, JSON_COMPACT);
	json_decref(photos);
	json_t *row = db_report_create(
		REPORT_OWNER, ref, in->category, in->title, in->description, in->place, in->quarter,
		in->has_point ? &in->lat_e6 : NULL, in->has_point ? &in->lon_e6 : NULL, in->lang,
		pending ? "pending" : "public", photos_text, sha, in->contact, st);
	free(photos_text);
	if (!row || pending)
		return row;
	json_t *r = publish(row, false, st);
	json_decref(row);
	return r;
}

/* in with its texts cleaned into arena a (NULLs become ""). */
static struct report_input
cleaned(struct arena *a, const struct report_input *in)
{
	struct request tmp = {.arena = a}; /* text_clean only needs an arena */
	struct report_input out = *in;
	out.category = in->category ? in->category : "";
	out.title = text_clean(&tmp, in->title);
	out.description = text_clean(&tmp, in->description);
	out.place = text_clean(&tmp, in->place);
	out.quarter = text_clean(&tmp, in->quarter);
	out.contact = text_clean(&tmp, in->contact);
	out.lang = in->lang && *in->lang && strlen(in->lang) <= 12 &&
				   strspn(in->lang, "abcdefghijklmnopqrstuvwxyzTfngLatn-") ==
					   strlen(in->lang)
			   ? in->lang
			   : "ar";
	return out;
}

json_t *
report_submit(struct app *app, const struct report_input *in, char token[REPORT_TOKEN_SIZE],
	      enum status *st, const char **code, const char **field)
{
	struct arena *a = arena_new();
	struct report_input c = cleaned(a, in);
	json_t *row = NULL;
	*code = check_input(app, &c, field);
	if (*code) {
		*st = strcmp(*code, "database_unavailable") == 0 ? STATUS_UNAVAILABLE
								 : STATUS_INVALID;
		goto out;
	}
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		goto out;
	row = create_in_tx(app, &c, token, st);
	if (row && db_commit() < 0) {
		json_decref(row);
		row = NULL;
		*st = STATUS_UNAVAILABLE;
	}
	if (!row) {
		db_rollback();
		*code = "database_unavailable";
		goto out;
	}
	*st = STATUS_OK;
	/* the reference is public; nothing the resident wrote goes to the log */
	log_info("report %s created (%s)", json_string_value(json_object_get(row, "ref")),
		 json_string_value(json_object_get(row, "visibility")));
out:
	arena_free(a);
	return row;
}

/* ---- the form ---- */

/*
 * The form's view: the values typed (form: the request's fields, or NULL), the photos already
 * stored (carried: [{sha256, width, height}]), an error, and the nearby reports.
 */
static json_t *
form_view(struct request *req, const struct report_input *in, json_t *carried, const char *code,
	  const char *field, json_t *nearby)
{
	json_t *v = json_pack(
		"{s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i}", "categories",
		report_category_options(req, in ? in->category : NULL), "quarters",
		report_quarter_options(req, in ? in->quarter : NULL), "title", in ? in->title : "",
		"description", in ? in->description : "", "place", in ? in->place : "", "contact",
		in ? in->contact : "", "lat", in && in->has_point ? degrees(req, in->lat_e6) : "",
		"lon", in && in->has_point ? degrees(req, in->lon_e6) : "", "title_max",
		REPORT_TITLE_MAX, "description_max", REPORT_DESCRIPTION_MAX, "place_max",
		REPORT_PLACE_MAX, "contact_max", REPORT_CONTACT_MAX);
	size_t ncarried = json_array_size(carried);
	json_t *shas = json_array();
	for (size_t i = 0; i < ncarried; i++)
		json_array_append_new(
			shas,
			json_pack("{s:i, s:O, s:s}", "n", (int)i + 1, "sha256",
				  json_object_get(json_array_get(carried, i), "sha256"),
				  "small_url",
				  arena_printf(req->arena, "/photos/%s-small.jpg",
					       json_string_value(json_object_get(
						       json_array_get(carried, i), "sha256")))));
	json_object_set_new(v, "carried", shas);
	json_object_set_new(v, "has_carried", json_boolean(ncarried > 0));
	json_object_set_new(v, "photos_left", json_integer(REPORT_PHOTOS_MAX - (int)ncarried));
	json_object_set_new(v, "can_add_photos", json_boolean(ncarried < REPORT_PHOTOS_MAX));
	if (code) {
		json_object_set_new(
			v, "error",
			json_pack("{s:s, s:s, s:s}", "code", code, "message",
				  t_get(req, arena_printf(req->arena, "error_%s", code)), "field",
				  field ? field : ""));
		if (field)
			json_object_set_new(v, arena_printf(req->arena, "invalid_%s", field),
					    json_true());
	}
	if (nearby) {
		json_t *items = json_array();
		size_t i;
		json_t *r;
		json_array_foreach(nearby, i, r)
		{
			json_t *rv = report_view(req, r);
			json_object_set(rv, "distance_m", json_object_get(r, "distance_m"));
			json_object_set_new(
				rv, "support_action",
				json_sprintf("/reports/%s/support",
					     json_string_value(json_object_get(r, "ref"))));
			json_array_append_new(items, rv);
		}
		json_object_set_new(v, "nearby",
				    json_pack("{s:o, s:i}", "items", items, "radius_m",
					      (int)report_settings.nearby_m));
	}
	json_t *map = map_view(req, NULL);
	json_object_set_new(map, "pick_lat", json_string("report-lat"));
	json_object_set_new(map, "pick_lon", json_string("report-lon"));
	json_object_set_new(map, "label", json_string(t_get(req, "report_map_pick_label")));
	json_object_set_new(map, "small", json_true());
	json_object_set_new(v, "map", map);
	json_object_set_new(v, "nearby_url", json_string("/reports/nearby.json"));
	http_csrf(req);
	return v;
}

void
page_report_new(struct request *req)
{
	http_csrf(req);
	http_render(req, 200, "report_new", form_view(req, NULL, NULL, NULL, NULL, NULL));
}

/* The form again with what was typed, the photos kept and the error (code's status). */
static void
refuse(struct request *req, enum status st, const struct report_input *in, json_t *carried,
       const char *code, const char *field)
{
	if (req->want_json) {
		http_error(req, st, code, "the report does not fit the form's rules");
		return;
	}
	log_warn("report refused: %s (%s)", code, field ? field : "-");
	http_render(req, status_http(st), "report_new",
		    form_view(req, in, carried, code, field, NULL));
}

/*
 * The photos the form carries from an earlier step (photo_sha1..3), as stored rows; NULL when
 * one is not a stored photo (the form was tampered with, or the photo is gone).
 */
static json_t *
carried_photos(struct request *req)
{
	json_t *shas = json_array();
	for (int i = 1; i <= REPORT_PHOTOS_MAX; i++) {
		const char *s = http_form(req, arena_printf(req->arena, "photo_sha%d", i));
		if (s && *s)
			json_array_append_new(shas, json_string(s));
	}
	json_t *known = NULL;
	size_t i;
	json_t *s;
	json_array_foreach(shas, i, s)
	{
		if (!is_sha256_hex(json_string_value(s)))
			goto out;
	}
	known = json_array_size(shas) ? db_photos_known(shas) : json_array();
	if (known && json_array_size(known) != json_array_size(shas)) {
		json_decref(known);
		known = NULL;
	}
out:
	json_decref(shas);
	return known;
}

/* The uploaded photo files in form order, skipping empty file inputs. */
static size_t
photo_uploads(struct request *req, const struct upload **out, size_t max)
{
	size_t n = 0, total = 0;
	for (const struct upload *u = req->uploads; u; u = u->next)
		if (strcmp(u->field, "photo") == 0 && u->data.len > 0)
			total++;
	/* the parser prepends: walk the list backwards into out */
	for (const struct upload *u = req->uploads; u; u = u->next)
		if (strcmp(u->field, "photo") == 0 && u->data.len > 0) {
			size_t pos = total - 1 - n++;
			if (pos < max)
				out[pos] = u;
		}
	return total;
}

/* Store the uploads (caller's transaction); appends to photos; NULL or the refused code. */
static const char *
store_uploads(const struct upload **ups, size_t n, json_t *photos, enum status *st)
{
	for (size_t i = 0; i < n; i++) {
		const char *code = NULL;
		json_t *p = photo_store(ups[i]->data.buf, ups[i]->data.len, st, &code);
		if (!p)
			return code ? code : "database_unavailable";
		json_array_append_new(photos, p);
	}
	*st = STATUS_OK;
	return NULL;
}

void
page_report_create(struct request *req)
{
	struct app *app = req->app;
	const char *lat_s = http_form(req, "lat"), *lon_s = http_form(req, "lon");
	bool confirm = http_form(req, "confirm") && strcmp(http_form(req, "confirm"), "1") == 0;
	struct report_input raw = {
		.category = http_form(req, "category"),
		.title = http_form(req, "title"),
		.description = http_form(req, "description"),
		.place = http_form(req, "place"),
		.quarter = http_form(req, "quarter"),
		.contact = http_form(req, "contact"),
		.lang = req->lang,
	};
	struct report_input in = cleaned(req->arena, &raw);
	json_t *carried = NULL, *photos = NULL, *row = NULL, *nearby = NULL;
	const char *code = NULL, *field = NULL;
	enum status st = STATUS_INVALID;
	bool has_lat = lat_s && !is_blank(lat_s), has_lon = lon_s && !is_blank(lon_s);
	if (has_lat || has_lon) {
		in.has_point = true;
		if (!has_lat || !has_lon ||
		    !map_parse_degrees(text_clean(req, lat_s), 90, &in.lat_e6) ||
		    !map_parse_degrees(text_clean(req, lon_s), 180, &in.lon_e6)) {
			in.has_point = false;
			refuse(req, STATUS_INVALID, &in, NULL, "invalid_point", "lat");
			goto out;
		}
	}
	if (!page_rate_allow(req, "report", REPORT_RATE_PER_MINUTE, "too_many_reports",
			     "too many reports from this browser; wait a minute"))
		goto out;
	carried = carried_photos(req);
	if (!carried) {
		refuse(req, STATUS_INVALID, &in, NULL, "photo_unknown", "photo");
		goto out;
	}
	const struct upload *ups[REPORT_PHOTOS_MAX];
	size_t nups = photo_uploads(req, ups, REPORT_PHOTOS_MAX);
	if (nups + json_array_size(carried) > REPORT_PHOTOS_MAX) {
		refuse(req, STATUS_INVALID, &in, carried, "too_many_photos", "photo");
		goto out;
	}
	if ((code = check_input(app, &in, &field))) {
		refuse(req,
		       strcmp(code, "database_unavailable") == 0 ? STATUS_UNAVAILABLE
								 : STATUS_INVALID,
		       &in, carried, code, field);
		goto out;
	}
	/* before filing: open reports of the same category close by, unless already seen */
	if (in.has_point && !confirm) {
		nearby = db_report_nearby(in.category, in.lat_e6, in.lon_e6,
					  (int)report_settings.nearby_m, REPORT_NEARBY_MAX);
		if (!nearby) {
			page_db_unavailable(req);
			goto out;
		}
	}
	photos = json_deep_copy(carried);
	if (json_array_size(nearby) > 0) {
		/* keep the photos (stored now, carried by their hash) and show the neighbours */
		if (nups) {
			if (db_begin() < 0) {
				st = STATUS_UNAVAILABLE;
				code = "database_unavailable";
			} else {
				code = store_uploads(ups, nups, photos, &st);
				if (!code && db_commit() < 0) {
					st = STATUS_UNAVAILABLE;
					code = "database_unavailable";
				}
				if (code)
					db_rollback();
			}
			if (code) {
				refuse(req, st, &in, carried, code, "photo");
				goto out;
			}
		}
		if (req->want_json) {
			json_t *v = form_view(req, &in, photos, NULL, NULL, nearby);
			http_json(req, 409,
				  json_pack("{s:{s:s, s:s}, s:O, s:O}", "error", "code",
					    "nearby_reports", "message",
					    t_get(req, "error_nearby_reports"), "nearby",
					    json_object_get(v, "nearby"), "carried",
					    json_object_get(v, "carried")));
			json_decref(v);
			goto out;
		}
		http_render(req, 200, "report_new",
			    form_view(req, &in, photos, NULL, NULL, nearby));
		goto out;
	}
	/* all or nothing: the photos, the report, its private row and its event */
	char token[REPORT_TOKEN_SIZE];
	if (db_begin() < 0) {
		st = STATUS_UNAVAILABLE;
		code = "database_unavailable";
	} else if (!(code = store_uploads(ups, nups, photos, &st))) {
		in.photos = photos;
		row = create_in_tx(app, &in, token, &st);
		if (!row || db_commit() < 0) {
			st = STATUS_UNAVAILABLE;
			code = "database_unavailable";
		}
	}
	if (code) {
		db_rollback();
		json_decref(row);
		row = NULL;
		if (st == STATUS_UNAVAILABLE)
			http_error(req, st, "database_unavailable",
				   "the report could not be saved; try again in a minute");
		else
			refuse(req, st, &in, carried, code, "photo");
		goto out;
	}
	log_info("report %s created (%s, %zu photos)",
		 json_string_value(json_object_get(row, "ref")),
		 json_string_value(json_object_get(row, "visibility")), json_array_size(photos));
	http_cache_bump();
	private_headers(req);
	const char *track = arena_printf(req->arena, "/reports/track/%s", token);
	const char *base = app->cfg.public_url ? app->cfg.public_url : "";
	json_t *v = json_pack(
		"{s:o, s:s, s:s, s:b}", "report", report_view(req, row), "tracking_url", track,
		"tracking_link", arena_printf(req->arena, "%s%s", base, track), "is_pending",
		strcmp(json_string_value(json_object_get(row, "visibility")), "pending") == 0);
	http_render(req, 201, "report_created", v);
out:
	json_decref(carried);
	json_decref(photos);
	json_decref(row);
	json_decref(nearby);
}

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

/* The list view for the list and the map pages; NULL when it replied (error). */
static json_t *
list_view(struct request *req, const char *path)
{
	struct report_filter f;
	if (!read_filter(req, &f))
		return NULL;
	long long before = page_before_param(req);
	if (before < 0)
		return NULL;
	json_t *list = db_report_list(&f, before, REPORT_LIST_PAGE);
	if (!list) {
		page_db_unavailable(req);
		return NULL;
	}
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(list, "items"), i, r)
	{
		json_array_append_new(items, report_view(req, r));
	}
	const char *fq = filter_query(req, &f);
	json_t *view =
		json_pack("{s:o, s:b, s:b, s:o, s:s, s:s, s:s}", "items", items, "has_items",
			  json_array_size(items) > 0, "is_first", before == 0, "filters",
			  filters_view(req, &f), "first_url",
			  arena_printf(req->arena, "%s%s%s", path, *fq ? "?" : "", fq), "map_url",
			  arena_printf(req->arena, "/reports/map%s%s", *fq ? "?" : "", fq),
			  "list_url", arena_printf(req->arena, "/reports%s%s", *fq ? "?" : "", fq));
	json_t *next = json_object_get(list, "next");
	if (json_is_integer(next))
		json_object_set_new(view, "next_url",
				    json_sprintf("%s?%s%sbefore=%lld", path, fq, *fq ? "&" : "",
						 (long long)json_integer_value(next)));
	json_object_set_new(view, "filter_action", json_string(path));
	json_object_set_new(view, "geojson_url",
			    json_sprintf("/reports.geojson%s%s", *fq ? "?" : "", fq));
	json_decref(list);
	return view;
}

void
page_report_list(struct request *req)
{
	json_t *view = list_view(req, "/reports");
	if (view)
		http_render(req, 200, "report_list", view);
}

void
page_report_map(struct request *req)
{
	json_t *view = list_view(req, "/reports/map");
	if (!view)
		return;
	json_t *map = map_view(req, json_string_value(json_object_get(view, "geojson_url")));
	json_object_set_new(map, "bbox", json_true());
	json_object_set_new(map, "label", json_string(t_get(req, "report_map_label")));
	json_object_set_new(view, "map", map);
	http_render(req, 200, "report_map", view);
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
	json_t *labels = json_object();
	for (const char *const *s = report_statuses; *s; s++)
		json_object_set_new(labels, *s, json_string(report_status_label(req, *s)));
	char *labels_text = json_dumps(labels, JSON_COMPACT);
	json_decref(labels);
	char *body = db_report_geojson(&f, REPORT_GEOJSON_CAP, labels_text);
	free(labels_text);
	if (!body) {
		req->want_json = true;
		page_db_unavailable(req);
		return;
	}
	http_send_owned(req, 200, "application/geo+json", body, strlen(body));
}

void
page_report_nearby(struct request *req)
{
	const char *category = http_query(req, "category");
	long long lat, lon;
	if (!report_category(req->app, category)) {
		http_error(req, STATUS_INVALID, "unknown_category", "there is no such category");
		return;
	}
	if (!map_parse_degrees(http_query(req, "lat"), 90, &lat) ||
	    !map_parse_degrees(http_query(req, "lon"), 180, &lon)) {
		http_error(req, STATUS_INVALID, "invalid_point", "lat and lon are decimal degrees");
		return;
	}
	json_t *rows = db_report_nearby(category, lat, lon, (int)report_settings.nearby_m,
					REPORT_NEARBY_MAX);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *v = report_view(req, r);
		json_object_set(v, "distance_m", json_object_get(r, "distance_m"));
		json_array_append_new(items, v);
	}
	json_decref(rows);
	http_json(
		req, 200,
		json_pack("{s:i, s:o}", "radius_m", (int)report_settings.nearby_m, "items", items));
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

/* The report's page view (shared by the public page and the tracking page). */
static json_t *
item_view(struct request *req, json_t *row)
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

void
page_report_item(struct request *req)
{
	json_t *row = public_report(req);
	if (!row)
		return;
	json_t *view = item_view(req, row);
	bool open = strcmp(json_string_value(json_object_get(row, "visibility")), "public") == 0;
	json_object_set_new(view, "can_support", json_boolean(open));
	json_object_set_new(view, "support_action",
			    json_sprintf("/reports/%s/support",
					 json_string_value(json_object_get(row, "ref"))));
	const char *supported = http_query(req, "supported");
	json_object_set_new(view, "supported", json_boolean(supported && !strcmp(supported, "1")));
	if (open && !req->want_json)
		keep_out_of_cache(req);
	json_decref(row);
	http_render(req, 200, "report_item", view);
}

void
page_report_support(struct request *req)
{
	json_t *row = public_report(req);
	if (!row)
		return;
	long long id = json_integer_value(json_object_get(row, "id"));
	const char *ref = json_string_value(json_object_get(row, "ref"));
	int supporters = -1;
	if (strcmp(json_string_value(json_object_get(row, "visibility")), "public") != 0) {
		http_error(req, STATUS_CONFLICT, "report_hidden",
			   "this report was hidden by the moderators");
		goto out;
	}
	/* one per browser: the hash of its CSRF cookie (checked, so present) */
	char voter[REPORT_SHA256_HEX];
	sha256_hex(http_cookie(req, http_cookie_name(req, "csrf")), voter);
	if (db_begin() == 0) {
		supporters = db_report_support(id, voter);
		if (supporters > 0) {
			json_t *data =
				json_pack("{s:O, s:i}", "id", json_object_get(row, "origin_id"),
					  "supporters", supporters);
			if (emit_report("report.supported", row, data, NULL) < 0 || db_commit() < 0)
				supporters = -1;
		}
		if (supporters <= 0)
			db_rollback();
	}
	if (supporters < 0) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the support could not be saved; try again in a minute");
		goto out;
	}
	if (supporters == 0) {
		http_error(req, STATUS_CONFLICT, "already_supported",
			   "this browser supports this report already");
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

/* ---- the reporter's private page ---- */

/* The report of the {token} parameter; NULL when it replied (404 tracking_unknown). */
static json_t *
tracked_report(struct request *req)
{
	char sha[REPORT_SHA256_HEX];
	enum status st = STATUS_NOT_FOUND;
	json_t *row = NULL;
	private_headers(req);
	if (report_token_hash(http_param(req, "token"), sha))
		row = db_report_by_tracking(sha, &st);
	if (!row)
		page_read_failed(req, st, "tracking_unknown", "this tracking link is not valid");
	return row;
}

void
page_report_track(struct request *req)
{
	json_t *row = tracked_report(req);
	if (!row)
		return;
	long long id = json_integer_value(json_object_get(row, "id"));
	int can = db_report_can_assess(id);
	json_t *view = item_view(req, row);
	bool ask = can > 0 && db_report_ask_due(id, (int)report_settings.ask_weeks) > 0;
	json_object_set_new(view, "can_assess", json_boolean(can > 0));
	json_object_set_new(view, "ask_first", json_boolean(ask));
	if (ask)
		db_report_set_asked(id); /* the questionnaire: the first time it was put */
	json_object_set_new(view, "assess_action",
			    json_sprintf("/reports/track/%s/assess", http_param(req, "token")));
	const char *assessed = http_query(req, "assessed");
	json_object_set_new(view, "assessed", json_boolean(assessed && !strcmp(assessed, "1")));
	json_object_set_new(
		view, "is_public",
		json_boolean(strcmp(json_string_value(json_object_get(row, "visibility")),
				    "public") == 0));
	json_object_set_new(view, "comment_max", json_integer(REPORT_MESSAGE_MAX));
	http_csrf(req);
	json_decref(row);
	http_render(req, 200, "report_track", view);
}

void
page_report_assess(struct request *req)
{
	json_t *row = tracked_report(req), *done = NULL;
	if (!row)
		return;
	const char *assessment = http_form(req, "assessment");
	const char *comment = text_clean(req, http_form(req, "comment"));
	long long id = json_integer_value(json_object_get(row, "id"));
	if (!assessment || (strcmp(assessment, "confirmed") && strcmp(assessment, "disputed"))) {
		http_error(req, STATUS_INVALID, "invalid_assessment",
			   "choose whether the problem is fixed or not");
		goto out;
	}
	if (utf8_length(comment) > REPORT_MESSAGE_MAX) {
		http_error(req, STATUS_INVALID, "text_too_long",
			   "the comment is longer than 2000 characters");
		goto out;
	}
	if (text_has_control(comment, true)) {
		http_error(req, STATUS_INVALID, "invalid_text",
			   "the comment holds control characters");
		goto out;
	}
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		json_t *data = json_pack("{s:O, s:s, s:s}", "id", json_object_get(row, "origin_id"),
					 "assessment", assessment, "comment", comment);
		/* checked and written first (a row lock), then the event that carries the time */
		done = db_report_assess(id, assessment, comment, NULL, &st);
		char at[OUTBOX_TIME_SIZE];
		if (done && (emit_report("report.assessed", row, data, at) < 0 ||
			     db_report_timeline_append(id, REPORT_OWNER, "assessed", assessment,
						       comment, "", at) < 0 ||
			     db_commit() < 0))
			st = STATUS_UNAVAILABLE;
		else if (!done)
			json_decref(data);
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st == STATUS_CONFLICT) {
		http_error(req, STATUS_CONFLICT, "assessment_closed",
			   "the commune has not marked this report resolved, or this resolution "
			   "was assessed already");
		goto out;
	}
	if (st != STATUS_OK) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the assessment could not be saved; try again in a minute");
		goto out;
	}
	log_info("report %s assessed: %s", json_string_value(json_object_get(row, "ref")),
		 assessment);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, report_view(req, done));
	else
		http_redirect(req, arena_printf(req->arena, "/reports/track/%s?assessed=1",
						http_param(req, "token")));
out:
	json_decref(done);
	json_decref(row);
}

/* ---- moderation ---- */

void
page_staff_reports(struct request *req)
{
	if (!page_require(req, "reports.moderate"))
		return;
	json_t *rows = db_report_staff_list(REPORT_STAFF_MAX);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	json_t *pending = json_array(), *others = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *v = report_view(req, r);
		const char *ref = json_string_value(json_object_get(r, "ref"));
		json_object_set_new(v, "approve_action",
				    json_sprintf("/staff/reports/%s/approve", ref));
		json_object_set_new(v, "hide_action", json_sprintf("/staff/reports/%s/hide", ref));
		json_array_append_new(
			json_is_true(json_object_get(v, "is_pending")) ? pending : others, v);
	}
	json_decref(rows);
	json_t *view = json_pack("{s:o, s:o, s:b, s:b}", "pending", pending, "others", others,
				 "has_pending", json_array_size(pending) > 0, "has_others",
				 json_array_size(others) > 0);
	http_csrf(req);
	http_render(req, 200, "report_staff", view);
}

/* The report of {ref} for a moderator's action, locked by nothing: the UPDATEs check state. */
static json_t *
staff_report(struct request *req)
{
	if (!page_require(req, "reports.moderate"))
		return NULL;
	const char *ref = http_param(req, "ref");
	enum status st = STATUS_NOT_FOUND;
	json_t *row = report_ref_is_valid(ref) ? db_report_by_ref(ref, &st) : NULL;
	if (!row)
		page_read_failed(req, st, "report_not_found", "there is no such report");
	return row;
}

/* The answer to a moderator's change of report row: public pages changed, back to the queue. */
static void
staff_report_done(struct request *req, json_t *row)
{
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, report_view(req, row));
	else
		http_redirect(req, "/staff/reports");
}

void
page_staff_report_approve(struct request *req)
{
	json_t *row = staff_report(req), *done = NULL;
	if (!row)
		return;
	enum status st = STATUS_UNAVAILABLE;
	if (strcmp(json_string_value(json_object_get(row, "visibility")), "pending") != 0) {
		http_error(req, STATUS_CONFLICT, "not_pending", "this report is not waiting");
		goto out;
	}
	if (db_begin() == 0) {
		done = publish(row, true, &st);
		if (done && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		if (st == STATUS_NOT_FOUND)
			http_error(req, STATUS_CONFLICT, "not_pending",
				   "this report is not waiting");
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the change could not be saved; try again in a minute");
		goto out;
	}
	log_info("report %s approved by account %lld",
		 json_string_value(json_object_get(row, "ref")), req->user->id);
	staff_report_done(req, done);
out:
	json_decref(done);
	json_decref(row);
}

void
page_staff_report_hide(struct request *req)
{
	json_t *row = staff_report(req), *hidden = NULL, *m = NULL;
	if (!row)
		return;
	const char *ref = json_string_value(json_object_get(row, "ref"));
	long long id = json_integer_value(json_object_get(row, "id"));
	bool was_public =
		strcmp(json_string_value(json_object_get(row, "visibility")), "public") == 0;
	const char *reason = page_hide_reason(req);
	if (!reason)
		goto out;
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		hidden = db_report_hide(id, reason, &st);
		if (hidden)
			m = db_moderation_add(
				req->app->side, 0, "hide_report",
				arena_printf(req->arena, "report/%lld",
					     (long long)json_integer_value(
						     json_object_get(row, "origin_id"))),
				reason, json_string_value(json_object_get(hidden, "text_sha256")),
				NULL, &st);
		/* a pending report was never public: the peer never heard of it */
		if (m && was_public) {
			json_t *data =
				json_pack("{s:O, s:s, s:O, s:O}", "id",
					  json_object_get(row, "origin_id"), "reason", reason,
					  "text_sha256", json_object_get(hidden, "text_sha256"),
					  "moderation_id", json_object_get(m, "origin_id"));
			char at[OUTBOX_TIME_SIZE];
			if (emit_report("report.hidden", row, data, at) < 0 ||
			    db_report_timeline_append(id, REPORT_OWNER, "hidden", "", reason, "",
						      at) < 0)
				st = STATUS_UNAVAILABLE;
		}
		if (st == STATUS_OK && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		if (st == STATUS_CONFLICT && !hidden)
			http_error(req, st, "already_hidden", "this report is hidden already");
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the change could not be saved; try again in a minute");
		goto out;
	}
	log_info("report %s hidden by account %lld (moderation %lld)", ref, req->user->id,
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	staff_report_done(req, hidden);
out:
	json_decref(m);
	json_decref(hidden);
	json_decref(row);
}

/* ---- demo ---- */

/*
 * reports.json: [{"category", "title", "description", "place", "quarter", "lang", "lat_e6"?,
 * "lon_e6"?, ...}] filed through report_submit like the form does (a pre-moderated category
 * waits for a moderator). Other keys (the commune's expected answer) are for the official
 * demo. Idempotent by title.
 */
int
report_demo_load(struct app *app, const char *dir)
{
	char *path;
	json_t *list;
	size_t added = 0, present = 0;
	int rc = demo_open_array(app, dir, "reports.json", REPORT_OWNER, "reports are filed", &path,
				 &list);
	if (rc <= 0)
		goto out;
	rc = -1;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		json_t *lat = json_object_get(e, "lat_e6"), *lon = json_object_get(e, "lon_e6");
		struct report_input in = {
			.category = json_string_value(json_object_get(e, "category")),
			.title = json_string_value(json_object_get(e, "title")),
			.description = json_string_value(json_object_get(e, "description")),
			.place = json_string_value(json_object_get(e, "place")),
			.quarter = json_string_value(json_object_get(e, "quarter")),
			.lang = json_string_value(json_object_get(e, "lang")),
			.has_point = json_is_integer(lat) && json_is_integer(lon),
			.lat_e6 = json_integer_value(lat),
			.lon_e6 = json_integer_value(lon),
		};
		if (!in.title) {
			fprintf(stderr, "%s: entry %zu has no title\n", path, i);
			goto out;
		}
		long long have = db_report_find_title(REPORT_OWNER, in.title);
		if (have != 0) {
			if (have < 0)
				goto out;
			present++;
			continue;
		}
		char token[REPORT_TOKEN_SIZE];
		enum status st;
		const char *code, *field;
		json_t *r = report_submit(app, &in, token, &st, &code, &field);
		OPENSSL_cleanse(token, sizeof(token)); /* nobody will track a demo report */
		if (!r) {
			fprintf(stderr, "%s: entry %zu was refused: %s (%s)\n", path, i, code,
				field ? field : "-");
			goto out;
		}
		json_decref(r);
		added++;
	}
	printf("%s: %zu demo reports added, %zu already there\n", app->side, added, present);
	rc = 0;
out:
	json_decref(list);
	free(path);
	return rc;
}
