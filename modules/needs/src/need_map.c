// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The needs on the map (both platforms): each quarter's aggregate (needs, "me too", answered;
 * a theme filter) at the quarter's place, from configuration (config/need_quarters.json, a
 * theme may override it: {code, lat, lon} in decimal degrees for the codes of site_quarters).
 * A quarter without a place ("autre") is only in the table and in the collection's note. The
 * same rows are the page's table under the map: the server-rendered fallback without
 * JavaScript.
 */
#include "internal.h"

#include "db_need.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/http.h"
#include "common/log.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/strbuf.h"

#include <stdlib.h>
#include <string.h>

#define QUARTERS_ASSET "config/need_quarters.json"

json_t *
need_places_load(struct app *app)
{
	json_t *list = app_asset_json(app, QUARTERS_ASSET), *places = json_object();
	if (!list)
		goto fail;
	if (!json_is_array(list)) {
		log_error("%s: not an array", QUARTERS_ASSET);
		goto fail;
	}
	size_t i;
	json_t *q;
	json_array_foreach(list, i, q)
	{
		const char *code = json_string_value(json_object_get(q, "code"));
		long long lat, lon;
		if (!code || !need_quarter_is_valid(code) || json_object_get(places, code) ||
		    !map_parse_degrees(json_string_value(json_object_get(q, "lat")), 90, &lat) ||
		    !map_parse_degrees(json_string_value(json_object_get(q, "lon")), 180, &lon)) {
			log_error("%s: entry %zu needs a quarter's code (once) and lat, lon as "
				  "decimal degrees in strings",
				  QUARTERS_ASSET, i + 1);
			goto fail;
		}
		json_object_set_new(places, code,
				    json_pack("{s:I, s:I}", "lat_e6", (json_int_t)lat, "lon_e6",
					      (json_int_t)lon));
	}
	json_decref(list);
	return places;
fail:
	json_decref(list);
	json_decref(places);
	return NULL;
}

json_t *
need_map_rows(struct request *req, const char *theme)
{
	json_t *rows = db_need_by_quarter(theme);
	json_t *places = need_places(req->app);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		const char *q = json_str(r, "quarter");
		json_object_set_new(r, "label", json_string(need_quarter_label(req, q)));
		json_object_set_new(
			r, "url",
			json_string(arena_printf(req->arena, "/needs?quarter=%s%s%s", q,
						 theme ? "&theme=" : "", theme ? theme : "")));
		json_t *p = json_object_get(places, q);
		json_object_set_new(r, "on_map", json_boolean(p != NULL));
		if (p)
			json_object_update(r, p);
	}
	return rows;
}

/* Microdegrees as the JSON number of degrees (exact to 6 decimals). */
static json_t *
degrees(json_t *e6)
{
	return json_real((double)json_integer_value(e6) / 1e6);
}

void
page_needs_geojson(struct request *req)
{
	const char *theme = http_query_value(req, "theme");
	if (theme && !need_theme_is_valid(req->app, theme)) {
		http_error(req, STATUS_INVALID, "invalid_need_filter",
			   "choose a theme from the list");
		return;
	}
	json_t *rows = need_map_rows(req, theme);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	const char *needs_word = json_string_value(json_object_get(req->t, "need_count"));
	const char *me_too = json_string_value(json_object_get(req->t, "need_me_too_count"));
	json_t *features = json_array();
	long long elsewhere = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_int_t n = json_integer_value(json_object_get(r, "needs"));
		if (!json_is_true(json_object_get(r, "on_map"))) {
			elsewhere += n;
			continue;
		}
		json_t *props = json_pack(
			"{s:O, s:O, s:I, s:O, s:O, s:O, s:s}", "title", json_object_get(r, "label"),
			"quarter", json_object_get(r, "quarter"), "count", n, "supporters",
			json_object_get(r, "supporters"), "answered",
			json_object_get(r, "answered"), "url", json_object_get(r, "url"), "label",
			arena_printf(
				req->arena, "%s %lld · %s %lld", needs_word ? needs_word : "",
				(long long)n, me_too ? me_too : "",
				(long long)json_integer_value(json_object_get(r, "supporters"))));
		json_array_append_new(features,
				      json_pack("{s:s, s:{s:s, s:[o, o]}, s:o}", "type", "Feature",
						"geometry", "type", "Point", "coordinates",
						degrees(json_object_get(r, "lon_e6")),
						degrees(json_object_get(r, "lat_e6")), "properties",
						props));
	}
	json_decref(rows);
	json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
	if (elsewhere > 0) {
		const char *tmpl = json_string_value(json_object_get(req->t, "need_map_elsewhere"));
		json_object_set_new(fc, "note",
				    json_string(arena_printf(req->arena, "%s %lld",
							     tmpl ? tmpl : "", elsewhere)));
	}
	char *text = json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(fc);
	if (!text) {
		http_error(req, STATUS_INTERNAL, "internal_error", "out of memory");
		return;
	}
	http_send_owned(req, 200, "application/geo+json", text, strlen(text));
}
