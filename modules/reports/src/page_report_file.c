// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Filing a report on the citizen platform (docs/decisions/0007-reports.md): the form, the open
 * reports nearby shown before filing (and their JSON for the form's script), and
 * report_submit(), the one way in shared with Open311 and the demo. The reporter's contact and
 * tracking token never reach a public page, an event or a log line.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "reports/db_report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_CONTACT_MAX 120
#define REPORT_RATE_PER_MINUTE 5 /* filings per client (client.h), unless set otherwise */

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

/* The texts' checks: NULL when fine, else the error code and *field. */
static const char *
check_texts(const struct report_input *in, const char **field)
{
	if (is_blank(in->title) || is_blank(in->description)) {
		*field = is_blank(in->title) ? "title" : "description";
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
	return NULL;
}

/* The place's checks: a pin within the world and the commune's boundary, or a place named. */
static const char *
check_place(struct app *app, const struct report_input *in, const char **field)
{
	if (!in->has_point) {
		*field = "place";
		return is_blank(in->place) ? "place_required" : NULL;
	}
	*field = "lat";
	if (in->lat_e6 < -90 * MICRODEGREES || in->lat_e6 > 90 * MICRODEGREES ||
	    in->lon_e6 < -180 * MICRODEGREES || in->lon_e6 > 180 * MICRODEGREES)
		return "invalid_point";
	char *poly = boundary_geojson(app);
	int inside = poly ? db_report_point_inside(poly, in->lat_e6, in->lon_e6) : 1;
	free(poly);
	return inside < 0 ? "database_unavailable" : !inside ? "outside_commune" : NULL;
}

/*
 * Check a cleaned report (texts trimmed); NULL when fine, else the error code and *field. The
 * boundary check needs the database: "database_unavailable" when it failed.
 */
static const char *
check_input(struct app *app, const struct report_input *in, const char **field)
{
	const char *code;
	*field = NULL;
	if (!report_category(app, in->category)) {
		*field = "category";
		return "unknown_category";
	}
	if ((code = check_texts(in, field)))
		return code;
	if (*in->quarter && !report_quarter_is_valid(in->quarter)) {
		*field = "quarter";
		return "invalid_quarter";
	}
	if ((code = check_place(app, in, field)))
		return code;
	*field = NULL;
	if (*in->contact &&
	    (utf8_length(in->contact) > REPORT_CONTACT_MAX || !is_contact(in->contact))) {
		*field = "contact";
		return "contact_invalid";
	}
	return NULL;
}

/* The status of a refusal code of check_input(). */
static enum status
check_status(const char *code)
{
	return strcmp(code, "database_unavailable") == 0 ? STATUS_UNAVAILABLE : STATUS_INVALID;
}

/* Create the report in the caller's transaction (input checked); the row or NULL. */
static json_t *
create_in_tx(struct app *app, const struct report_input *in, char token[SECRET_TOKEN_SIZE],
	     enum status *st)
{
	char ref[REPORT_REF_SIZE], sha[SHA256_HEX_SIZE];
	report_new_ref(ref);
	secret_token_new(token, sha);
	bool pending = report_category_premoderated(app, in->category);
	json_t *photos = report_photo_refs(in->photos);
	char *photos_text = json_dumps(photos, JSON_COMPACT);
	json_decref(photos);
	json_t *row = db_report_create(
		REPORT_OWNER, ref, in->category, in->title, in->description, in->place, in->quarter,
		in->has_point ? &in->lat_e6 : NULL, in->has_point ? &in->lon_e6 : NULL, in->lang,
		pending ? "pending" : "public", photos_text, sha, in->contact, st);
	free(photos_text);
	if (!row || pending)
		return row;
	json_t *r = report_publish(row, false, st);
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
report_submit(struct app *app, const struct report_input *in, char token[SECRET_TOKEN_SIZE],
	      enum status *st, const char **code, const char **field)
{
	struct arena *a = arena_new();
	struct report_input c = cleaned(a, in);
	json_t *row = NULL;
	*code = check_input(app, &c, field);
	if (*code) {
		*st = check_status(*code);
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
		if (*st != STATUS_TOO_MANY)
			*st = STATUS_UNAVAILABLE;
		*code = *st == STATUS_TOO_MANY ? "busy_try_later" : "database_unavailable";
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

/* The photos the form carries ([{sha256, width, height}]), with their thumbnails' URLs. */
static void
add_carried(struct request *req, json_t *v, json_t *carried)
{
	size_t ncarried = json_array_size(carried);
	json_t *shas = json_array();
	for (size_t i = 0; i < ncarried; i++) {
		json_t *sha = json_object_get(json_array_get(carried, i), "sha256");
		json_array_append_new(shas,
				      json_pack("{s:i, s:O, s:s}", "n", (int)i + 1, "sha256", sha,
						"small_url",
						arena_printf(req->arena, "/photos/%s-small.jpg",
							     json_string_value(sha))));
	}
	json_object_set_new(v, "carried", shas);
	json_object_set_new(v, "has_carried", json_boolean(ncarried > 0));
	json_object_set_new(v, "photos_left", json_integer(REPORT_PHOTOS_MAX - (int)ncarried));
	json_object_set_new(v, "can_add_photos", json_boolean(ncarried < REPORT_PHOTOS_MAX));
}

/*
 * The open reports nearby (rows of db_report_nearby), each with its distance; with_action: and
 * the action to support it instead of filing (the form's list).
 */
static json_t *
nearby_items(struct request *req, json_t *nearby, bool with_action)
{
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(nearby, i, r)
	{
		json_t *rv = report_view(req, r);
		json_object_set(rv, "distance_m", json_object_get(r, "distance_m"));
		if (with_action)
			json_object_set_new(
				rv, "support_action",
				json_sprintf("/reports/%s/support",
					     json_string_value(json_object_get(r, "ref"))));
		json_array_append_new(items, rv);
	}
	return items;
}

/*
 * The form's view: the values typed (form: the request's fields, or NULL), the photos already
 * stored (carried: [{sha256, width, height}]), an error, and the nearby reports.
 */
static json_t *
form_view(struct request *req, const struct report_input *in, json_t *carried, const char *code,
	  const char *field, json_t *nearby)
{
	json_t *v =
		json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i}",
			  "categories", report_category_options(req, in ? in->category : NULL),
			  "quarters", report_quarter_options(req, in ? in->quarter : NULL), "title",
			  in ? in->title : "", "description", in ? in->description : "", "place",
			  in ? in->place : "", "contact", in ? in->contact : "", "lat",
			  in && in->has_point ? report_degrees(req, in->lat_e6) : "", "lon",
			  in && in->has_point ? report_degrees(req, in->lon_e6) : "", "title_max",
			  REPORT_TITLE_MAX, "description_max", REPORT_DESCRIPTION_MAX, "place_max",
			  REPORT_PLACE_MAX, "contact_max", REPORT_CONTACT_MAX);
	add_carried(req, v, carried);
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
	if (nearby)
		json_object_set_new(v, "nearby",
				    json_pack("{s:o, s:i}", "items",
					      nearby_items(req, nearby, true), "radius_m",
					      (int)report_settings.nearby_m));
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

/* The form again with what was typed: too many reports this minute on the platform. */
static void
busy_form(struct request *req, const struct report_input *in, json_t *carried)
{
	http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", outbox_retry_after_s()));
	refuse(req, STATUS_TOO_MANY, in, carried, "busy_try_later", NULL);
}

/* ---- filing ---- */

/*
 * The form's fields, cleaned, with the pin of the lat and lon fields (both or neither); false
 * when the pin is not one (replied: the form again).
 */
static bool
read_form(struct request *req, struct report_input *in)
{
	const char *lat_s = http_form(req, "lat"), *lon_s = http_form(req, "lon");
	struct report_input raw = {
		.category = http_form(req, "category"),
		.title = http_form(req, "title"),
		.description = http_form(req, "description"),
		.place = http_form(req, "place"),
		.quarter = http_form(req, "quarter"),
		.contact = http_form(req, "contact"),
		.lang = req->lang,
	};
	*in = cleaned(req->arena, &raw);
	bool has_lat = lat_s && !is_blank(lat_s), has_lon = lon_s && !is_blank(lon_s);
	if (!has_lat && !has_lon)
		return true;
	in->has_point = true;
	if (!has_lat || !has_lon || !map_parse_degrees(text_clean(req, lat_s), 90, &in->lat_e6) ||
	    !map_parse_degrees(text_clean(req, lon_s), 180, &in->lon_e6)) {
		in->has_point = false;
		refuse(req, STATUS_INVALID, in, NULL, "invalid_point", "lat");
		return false;
	}
	return true;
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

/* What a filing brings: the form's report, the photos carried and uploaded. */
struct filing {
	struct report_input in;
	json_t *carried; /* stored earlier, [{sha256, width, height}] */
	json_t *photos;  /* carried, then the uploads once stored */
	const struct upload *ups[REPORT_PHOTOS_MAX];
	size_t nups;
};

/*
 * Open reports of the same category close by: keep the photos (stored now, carried by their
 * hash in the form) and show the neighbours instead of filing.
 */
static void
show_nearby(struct request *req, struct filing *f, json_t *nearby)
{
	enum status st = STATUS_INVALID;
	const char *code = NULL;
	if (f->nups) {
		if (db_begin() < 0) {
			st = STATUS_UNAVAILABLE;
			code = "database_unavailable";
		} else {
			code = store_uploads(f->ups, f->nups, f->photos, &st);
			if (!code && db_commit() < 0) {
				st = STATUS_UNAVAILABLE;
				code = "database_unavailable";
			}
			if (code)
				db_rollback();
		}
		if (code) {
			refuse(req, st, &f->in, f->carried, code, "photo");
			return;
		}
	}
	if (!req->want_json) {
		http_render(req, 200, "report_new",
			    form_view(req, &f->in, f->photos, NULL, NULL, nearby));
		return;
	}
	json_t *v = form_view(req, &f->in, f->photos, NULL, NULL, nearby);
	http_json(req, 409,
		  json_pack("{s:{s:s, s:s}, s:O, s:O}", "error", "code", "nearby_reports",
			    "message", t_get(req, "error_nearby_reports"), "nearby",
			    json_object_get(v, "nearby"), "carried",
			    json_object_get(v, "carried")));
	json_decref(v);
}

/* All or nothing: the photos, the report, its private row and its event; then the receipt. */
static void
file_report(struct request *req, struct filing *f)
{
	enum status st = STATUS_INVALID;
	const char *code = NULL;
	json_t *row = NULL;
	char token[SECRET_TOKEN_SIZE];
	if (db_begin() < 0) {
		st = STATUS_UNAVAILABLE;
		code = "database_unavailable";
	} else if (!(code = store_uploads(f->ups, f->nups, f->photos, &st))) {
		f->in.photos = f->photos;
		row = create_in_tx(req->app, &f->in, token, &st);
		if (!row && st == STATUS_TOO_MANY) {
			code = "busy_try_later";
		} else if (!row || db_commit() < 0) {
			st = STATUS_UNAVAILABLE;
			code = "database_unavailable";
		}
	}
	if (code) {
		db_rollback();
		if (st == STATUS_UNAVAILABLE)
			http_error(req, st, "database_unavailable",
				   "the report could not be saved; try again in a minute");
		else if (st == STATUS_TOO_MANY && req->want_json)
			page_busy(req);
		else if (st == STATUS_TOO_MANY)
			busy_form(req, &f->in, f->carried);
		else
			refuse(req, st, &f->in, f->carried, code, "photo");
		goto out;
	}
	log_info("report %s created (%s, %zu photos)",
		 json_string_value(json_object_get(row, "ref")),
		 json_string_value(json_object_get(row, "visibility")), json_array_size(f->photos));
	http_cache_bump();
	secret_private_headers(req);
	const char *track = arena_printf(req->arena, "/reports/track/%s", token);
	const char *base = req->app->cfg.public_url ? req->app->cfg.public_url : "";
	json_t *v = json_pack(
		"{s:o, s:s, s:s, s:b}", "report", report_view(req, row), "tracking_url", track,
		"tracking_link", arena_printf(req->arena, "%s%s", base, track), "is_pending",
		strcmp(json_string_value(json_object_get(row, "visibility")), "pending") == 0);
	http_render(req, 201, "report_created", v);
out:
	json_decref(row);
}

void
page_report_create(struct request *req)
{
	struct filing f = {0};
	json_t *nearby = NULL;
	const char *code, *field;
	const char *confirm = http_form(req, "confirm");
	if (!read_form(req, &f.in) ||
	    !page_rate_allow(req, "report", REPORT_RATE_PER_MINUTE, "too_many_reports",
			     "too many reports from this connection; wait a minute"))
		return;
	if (!(f.carried = carried_photos(req))) {
		refuse(req, STATUS_INVALID, &f.in, NULL, "photo_unknown", "photo");
		return;
	}
	f.nups = photo_uploads(req, f.ups, REPORT_PHOTOS_MAX);
	if (f.nups + json_array_size(f.carried) > REPORT_PHOTOS_MAX) {
		refuse(req, STATUS_INVALID, &f.in, f.carried, "too_many_photos", "photo");
		goto out;
	}
	if ((code = check_input(req->app, &f.in, &field))) {
		refuse(req, check_status(code), &f.in, f.carried, code, field);
		goto out;
	}
	/* before filing: open reports of the same category close by, unless already seen */
	if (f.in.has_point && !(confirm && strcmp(confirm, "1") == 0)) {
		nearby = db_report_nearby(f.in.category, f.in.lat_e6, f.in.lon_e6,
					  (int)report_settings.nearby_m, REPORT_NEARBY_MAX);
		if (!nearby) {
			page_db_unavailable(req);
			goto out;
		}
	}
	f.photos = json_deep_copy(f.carried);
	if (json_array_size(nearby) > 0)
		show_nearby(req, &f, nearby);
	else
		file_report(req, &f);
out:
	json_decref(f.carried);
	json_decref(f.photos);
	json_decref(nearby);
}

/* GET /reports/nearby(.json): the open reports of a category near a point, for the form. */
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
	json_t *items = nearby_items(req, rows, false);
	json_decref(rows);
	http_json(
		req, 200,
		json_pack("{s:i, s:o}", "radius_m", (int)report_settings.nearby_m, "items", items));
}
