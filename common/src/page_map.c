// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The shared map component's server side (see common/map.h for the contract): the context of
 * the map partial, from the theme's site.json "map" (centre, zoom), the configured tile server
 * and attribution, the reader's language and the versioned URLs of Leaflet and map.js.
 */
#include "common/map.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/static_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a theme without "map" in its site.json starts: the whole of Algeria. */
#define MAP_DEFAULT_LAT 28.0
#define MAP_DEFAULT_LON 2.6
#define MAP_DEFAULT_ZOOM 5

static double
number_or(json_t *v, double fallback)
{
	return json_is_number(v) ? json_number_value(v) : fallback;
}

json_t *
map_view(struct request *req, const char *geojson_url)
{
	struct app *app = req->app;
	json_t *conf = json_object_get(app->site, "map");
	double lat = number_or(json_object_get(conf, "lat"), MAP_DEFAULT_LAT);
	double lon = number_or(json_object_get(conf, "lon"), MAP_DEFAULT_LON);
	double zoom = number_or(json_object_get(conf, "zoom"), MAP_DEFAULT_ZOOM);
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
		lat = MAP_DEFAULT_LAT;
		lon = MAP_DEFAULT_LON;
	}
	if (zoom < 1 || zoom > 19)
		zoom = MAP_DEFAULT_ZOOM;
	/* strings with fixed decimals: they go into data- attributes as they are */
	char la[32], lo[32];
	snprintf(la, sizeof(la), "%.6f", lat);
	snprintf(lo, sizeof(lo), "%.6f", lon);
	const char *lang = req->lang;
	json_t *v = json_pack(
		"{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "lat", la,
		"lon", lo, "zoom", (int)zoom, "tiles", app->cfg.map_tiles ? app->cfg.map_tiles : "",
		"attribution", app->cfg.map_attribution ? app->cfg.map_attribution : "", "id",
		"map", "label", i18n_get(app->i18n, lang, "map_label"), "note",
		i18n_get(app->i18n, lang, "map_nojs"), "zoom_in",
		i18n_get(app->i18n, lang, "map_zoom_in"), "zoom_out",
		i18n_get(app->i18n, lang, "map_zoom_out"), "leaflet_css",
		static_files_url(app->statics, "vendor/leaflet/leaflet.css"), "leaflet_js",
		static_files_url(app->statics, "vendor/leaflet/leaflet.js"), "js",
		static_files_url(app->statics, "map.js"), "open",
		i18n_get(app->i18n, lang, "map_open"));
	json_object_set_new(v, "pin", json_string(i18n_get(app->i18n, lang, "map_pin")));
	if (geojson_url)
		json_object_set_new(v, "geojson", json_string(geojson_url));
	return v;
}

bool
map_parse_degrees(const char *s, long long limit_deg, long long *e6)
{
	bool neg = false;
	long long whole = 0, frac = 0;
	int digits = 0, decimals = 0;
	if (!s)
		return false;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (digits >= 3)
			return false;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, decimals++) {
			if (decimals >= 15)
				return false;
			if (decimals < 6)
				frac = frac * 10 + (*s - '0');
			else if (decimals == 6 && *s >= '5')
				frac++; /* six decimals are about 0.1 m: round half up on the
					   seventh */
		}
		if (decimals == 0)
			return false;
		for (int i = decimals; i < 6; i++)
			frac *= 10;
	}
	if (*s || digits == 0)
		return false;
	long long v = whole * 1000000 + frac;
	if (v > limit_deg * 1000000)
		return false;
	*e6 = neg ? -v : v;
	return true;
}

bool
map_parse_bbox(const char *s, long long e6[4])
{
	char part[32];
	for (int n = 0; n < 4; n++) {
		size_t len = s ? strcspn(s, ",") : 0;
		if (len == 0 || len >= sizeof(part))
			return false;
		memcpy(part, s, len);
		part[len] = '\0';
		if (!map_parse_degrees(part, n % 2 ? 90 : 180, &e6[n]))
			return false;
		s += len;
		if (n < 3 && *s++ != ',')
			return false;
	}
	return *s == '\0' && e6[0] < e6[2] && e6[1] < e6[3];
}
