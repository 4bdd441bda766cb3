// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_MAP_H
#define COMMON_MAP_H

#include <jansson.h>
#include <stdbool.h>

/*
 * The shared map component: a Leaflet map (served by the daemon under /static/vendor/leaflet/)
 * driven by our own common/static/map.js, as progressive enhancement. Without JavaScript the
 * partial shows only a short note; the page's own list (or its lat/lon inputs) is the fallback,
 * so a page must never depend on the map.
 *
 * Contract (stable; other modules rely on it):
 *
 * 1. In the handler:
 *        json_t *map = map_view(req, "/projects.geojson?status=open");
 *        json_object_set_new(map, "pick_lat", json_string("lat"));   // optional
 *        json_object_set_new(map, "pick_lon", json_string("lon"));   // optional
 *        json_object_set_new(map, "bbox", json_true());              // optional
 *        json_object_set_new(view, "map", map);
 *    The key MUST be "map" (the JSON twin then also shows it; it carries no personal data).
 *    One map per page.
 *
 * 2. In the template, where the map goes (it brings its own <link>/<script defer> tags, so
 *    nothing is needed in the layout and pages without a map load no map code):
 *        {{#map}}{{>map}}{{/map}}
 *
 * The context map_view() returns, all of it usable by callers to adjust:
 *    lat, lon ("36.716900": decimal degrees as text), zoom (integer): the initial view, from
 *        the theme's site.json "map": {lat, lon, zoom}; map.js fits the view to the features
 *        when there are any (and, when picking, centres on the existing pin);
 *    tiles: the tile URL template (BALADIYA_MAP_TILES), attribution (BALADIYA_MAP_ATTRIBUTION);
 *    geojson: the URL of a GeoJSON FeatureCollection to show (may be NULL/absent: no layer);
 *    label: the map's accessible name (defaults to t.map_label; set it to name the map, e.g.
 *        "Map of the reports"); note: the no-JavaScript note (t.map_nojs, which points to
 *        "the list below"; set it to "" for none, e.g. on a form or an item page);
 *    id: the container's id (default "map");
 *    zoom_in, zoom_out, open, pin: the zoom buttons' names, the popups' link text and the
 *        picked pin's name, in the reader's language;
 *    js, leaflet_css, leaflet_js: the versioned /static/ URLs (set by map_view).
 * Options a caller may add:
 *    small: true for a small map (an item's page).
 *    pick_lat, pick_lon: the ids of two <input>s (decimal degrees) on the same page. A click or
 *        tap on the map sets a draggable marker and fills both inputs (6 decimals); typing in
 *        the inputs moves the marker; a pin already in the inputs is shown at load. The inputs
 *        stay ordinary form fields that work without JavaScript.
 *    pick_micro: true: those inputs hold integer microdegrees instead (the project form's
 *        lat_micro/lon_micro).
 *    marker_lat, marker_lon (decimal degrees as strings or numbers), marker_title (text): one
 *        fixed marker, the view centred on it at zoom 16 (an item's own page; no geojson).
 *    bbox: true: on every moveend the map re-fetches geojson with
 *        "bbox=minlon,minlat,maxlon,maxlat" appended ("?" or "&" as needed) and replaces the
 *        layer; the endpoint should then filter by that box (and cap its answer).
 *
 * The GeoJSON the map shows: a FeatureCollection of Point features, coordinates [lon, lat] as
 * numbers; each feature's properties may carry:
 *    title (string; shown with textContent, never as HTML), url (local link to the item's page,
 *    shown in the popup), status (string, added as a CSS class "map-status-<status>" on the
 *    marker), and label (a short second line, e.g. the status in the reader's language).
 * A feature whose properties carry a number "count" is an area of a crowded view rather than
 * one item: it shows as a round marker with that number (title as its name), and clicking it
 * zooms to its "bbox" ([min lon, min lat, max lon, max lat], when given) — or, when it carries
 * a local url (an aggregate with a page, e.g. a quarter's needs), opens the popup instead. A
 * FeatureCollection may carry a "note" (text): it is shown under the map (role="status"), and
 * hidden again when the next answer has none. Features with another geometry are ignored.
 */
struct request;

/*
 * The partial's context for this request (a new reference; the caller owns it): the theme's
 * centre and zoom, the configured tiles and attribution, the label and note in the reader's
 * language and the static URLs. geojson_url may be NULL (a map for picking only).
 */
json_t *map_view(struct request *req, const char *geojson_url);

/*
 * A decimal degree value ("36.7169", "-0.5", "+4"; up to 3 whole digits and 15 decimals,
 * rounded half up to 6, no exponent) as microdegrees within ±limit_deg degrees; false when it
 * is not one. Every coordinate that comes in (forms, queries, Open311) goes through it: exact
 * and locale-free, no floating point.
 */
bool map_parse_degrees(const char *s, long long limit_deg, long long *e6);
/* "minlon,minlat,maxlon,maxlat" in degrees, min < max, within the world, as microdegrees. */
bool map_parse_bbox(const char *s, long long e6[4]);

#endif
