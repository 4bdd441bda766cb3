// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Publication pages, one set of handlers for every kind: the public list (filters, full-text
 * search, keyset pages), the item with its kind-specific parts, the public history of versions,
 * the accountability figures, and the staff workflow (draft, publish, edit with history,
 * unpublish with a public reason), each write emitting its event in the same transaction.
 */
#include "publications/page_publication.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/check.h"
#include "common/db.h"
#include "publications/db_publication.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/map.h"
#include "common/module.h"
#include "common/markdown.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "common/demo.h"
#include "internal.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PUB_PAGE_SIZE 20
#define PUB_REASON_MAX 500
#define PUB_QUERY_MAX 200

const struct kind *
page_pub_kind(struct request *req)
{
	const char *p = req->path + 1;
	if (strncmp(p, "staff/", 6) == 0)
		p += 6;
	size_t n = strcspn(p, "/");
	char seg[32];
	const struct kind *k = NULL;
	if (n < sizeof(seg)) {
		memcpy(seg, p, n);
		seg[n] = '\0';
		k = publication_kind_by_path(seg);
	}
	if (!k)
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
	return k;
}

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

static const char *
field_label(struct request *req, const struct kind *k, const struct field *f)
{
	return t_get(req, arena_printf(req->arena, "field_%s_%s", k->name, f->name));
}

const char *
pub_choice_label(struct request *req, const struct kind *k, const struct field *f, const char *v)
{
	return t_get(req, arena_printf(req->arena, "%s_%s_%s", k->name, f->name, v));
}

/* 38000000 -> "38 000 000" with no-break spaces (U+00A0), which keep the groups in order inside
 * Arabic text, where plain spaces would let the bidi algorithm reorder them */
static char *
group_digits(struct request *req, long long n)
{
	char raw[32], out[64];
	snprintf(raw, sizeof(raw), "%lld", n < 0 ? -n : n);
	size_t len = strlen(raw), o = 0;
	if (n < 0)
		out[o++] = '-';
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0) {
			out[o++] = (char)0xC2;
			out[o++] = (char)0xA0;
		}
		out[o++] = raw[i];
	}
	out[o] = '\0';
	return arena_strdup(req->arena, out);
}

static const char *
fact_value(struct request *req, const struct kind *k, const struct field *f, json_t *v)
{
	switch (f->type) {
	case FIELD_CHOICE:
		return pub_choice_label(req, k, f, json_string_value(v));
	case FIELD_BOOL:
		return t_get(req, json_is_true(v) ? "yes" : "no");
	case FIELD_INT:
		if (strcmp(f->name, "progress") == 0)
			return arena_printf(req->arena, "%lld %%",
					    (long long)json_integer_value(v));
		if (strcmp(f->name, "budget_da") == 0)
			return arena_printf(req->arena, "%s %s",
					    group_digits(req, json_integer_value(v)),
					    t_get(req, "currency"));
		if (strstr(f->name, "_micro"))
			return NULL; /* coordinates: the map shows them */
		return arena_printf(req->arena, "%lld", (long long)json_integer_value(v));
	case FIELD_DATE:
	case FIELD_PATTERN:
		return json_string_value(v);
	default:
		return NULL;
	}
}

json_t *
pub_view(struct request *req, const struct kind *k, json_t *item, bool full)
{
	struct app *app = req->app;
	json_t *data = json_object_get(item, "data");
	const char *origin = json_string_value(json_object_get(item, "origin"));
	json_int_t id = json_integer_value(json_object_get(item, "id"));
	const char *status = json_string_value(json_object_get(item, "status"));
	const char *used = NULL;
	const char *title = i18n_pick(json_object_get(data, k->title_field), req->lang, &used);
	json_t *v = json_pack(
		"{s:I, s:s, s:s, s:b, s:s, s:s, s:s, s:O, s:i, s:O, s:O, s:O, s:b, s:O, s:O}", "id",
		id, "kind", k->name, "origin", origin, "is_own", strcmp(origin, app->side) == 0,
		"url", arena_printf(req->arena, "/%s/%lld", k->path, (long long)id), "title",
		title ? title : "", "title_lang", used ? used : req->lang, "status",
		json_object_get(item, "status"), "version",
		(int)json_integer_value(json_object_get(item, "version")), "published_at",
		json_object_get(item, "published_at"), "unpublish_reason",
		json_object_get(item, "unpublish_reason"), "origin_id",
		json_object_get(item, "origin_id"), "is_unpublished",
		strcmp(status, "unpublished") == 0, "data", data, "updated_at",
		json_object_get(item, "updated_at"));
	char is_kind[40];
	snprintf(is_kind, sizeof(is_kind), "is_%s", k->name);
	json_object_set_new(v, is_kind, json_true());
	json_object_set_new(v, "status_label",
			    json_string(t_get(req, arena_printf(req->arena, "status_%s", status))));
	const char *pa = json_string_value(json_object_get(item, "published_at"));
	if (pa)
		json_object_set_new(v, "published_date", json_stringn(pa, 10));
	json_t *facts = json_array();
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		json_t *fv = json_object_get(data, f->name);
		const char *val = fv ? fact_value(req, k, f, fv) : NULL;
		if (val)
			json_array_append_new(
				facts, json_pack("{s:s, s:s, s:s, s:b}", "name", f->name, "label",
						 field_label(req, k, f), "value", val, "in_card",
						 f->filter || f->type == FIELD_DATE ||
							 f->type == FIELD_PATTERN ||
							 strcmp(f->name, "progress") == 0));
		if (f->type == FIELD_CHOICE && fv)
			json_object_set_new(
				v, arena_printf(req->arena, "label_%s", f->name),
				json_string(pub_choice_label(req, k, f, json_string_value(fv))));
		if (full && f->type == FIELD_MARKDOWN && fv) {
			const char *text = i18n_pick(fv, req->lang, NULL);
			char *html = markdown_to_html(text ? text : "", text ? strlen(text) : 0);
			json_t *sections = json_object_get(v, "sections");
			if (!sections) {
				sections = json_array();
				json_object_set_new(v, "sections", sections);
			}
			if (*html)
				json_array_append_new(sections,
						      json_pack("{s:s, s:s, s:s}", "name", f->name,
								"label", field_label(req, k, f),
								"html", html));
			free(html);
		}
	}
	json_object_set_new(v, "facts", facts);
	json_t *progress = json_object_get(data, "progress");
	if (json_is_integer(progress))
		json_object_set(v, "progress", progress);
	json_t *lat = json_object_get(data, "lat_micro"), *lon = json_object_get(data, "lon_micro");
	if (json_is_integer(lat) && json_is_integer(lon)) {
		/* text, not floats: the view may travel in events and JSON with no floats */
		long long la = json_integer_value(lat), lo = json_integer_value(lon);
		json_object_set_new(v, "lat",
				    json_sprintf("%s%lld.%06lld", la < 0 ? "-" : "",
						 llabs(la) / 1000000, llabs(la) % 1000000));
		json_object_set_new(v, "lon",
				    json_sprintf("%s%lld.%06lld", lo < 0 ? "-" : "",
						 llabs(lo) / 1000000, llabs(lo) % 1000000));
	}
	if (!json_is_true(json_object_get(v, "is_own")) && app->cfg.peer_url)
		json_object_set_new(v, "origin_url",
				    json_sprintf("%s/%s/%lld", app->cfg.peer_url, k->path,
						 (long long)json_integer_value(
							 json_object_get(item, "origin_id"))));
	if (full && strcmp(k->name, "project") == 0) {
		json_t *ms = i18n_resolve(json_object_get(data, "milestones"), req->lang);
		size_t mi;
		json_t *m;
		json_array_foreach(ms, mi, m)
		{
			/* the stored {sha256, width, height} becomes addresses and sizes */
			json_t *pv = photo_view(json_object_get(m, "photo"));
			if (pv)
				json_object_set_new(m, "photo", pv);
			else
				json_object_del(m, "photo");
		}
		json_object_set_new(v, "milestones", json_is_array(ms) ? ms : json_array());
		json_object_set_new(
			v, "has_milestones",
			json_boolean(json_array_size(json_object_get(v, "milestones"))));
		if (!json_is_array(ms))
			json_decref(ms);
	}
	return v;
}

/* ---- public pages ---- */

static json_t *
filters_view(struct request *req, const struct kind *k, json_t *filter)
{
	json_t *out = json_array();
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		if (!f->filter || !f->choices)
			continue;
		const char *cur = json_string_value(json_object_get(filter, f->name));
		json_t *opts = json_array();
		for (const char *const *c = f->choices; *c; c++)
			json_array_append_new(opts,
					      json_pack("{s:s, s:s, s:b}", "value", *c, "label",
							pub_choice_label(req, k, f, *c), "selected",
							cur && strcmp(cur, *c) == 0));
		json_array_append_new(out, json_pack("{s:s, s:s, s:o}", "name", f->name, "label",
						     field_label(req, k, f), "options", opts));
	}
	return out;
}

/* True for kinds with an optional location (lat_micro, lon_micro): they get maps. */
static bool
kind_is_located(const struct kind *k)
{
	bool lat = false, lon = false;
	for (size_t i = 0; i < k->nfields; i++) {
		lat = lat || strcmp(k->fields[i].name, "lat_micro") == 0;
		lon = lon || strcmp(k->fields[i].name, "lon_micro") == 0;
	}
	return lat && lon;
}

/* Microdegrees as an exact decimal ("-0.500000"), for GeoJSON numbers without float noise. */
static void
add_degrees(struct strbuf *sb, long long e6)
{
	strbuf_addf(sb, "%s%lld.%06lld", e6 < 0 ? "-" : "", llabs(e6) / 1000000,
		    llabs(e6) % 1000000);
}

#define PUB_MAP_MAX 500 /* features in one GeoJSON answer */

static int list_filter(struct request *req, const struct kind *k, json_t *filter,
		       struct strbuf *qs);

/*
 * GET /projects.geojson: the published located items matching the list's filters (and q, and
 * an optional bbox=minlon,minlat,maxlon,maxlat), as a GeoJSON FeatureCollection of Points
 * ([lon, lat] numbers) with properties {id, title (reader's language), status, label,
 * progress, url}. The map component (map.js) reads it; anyone may.
 */
void
page_pub_geojson(struct request *req)
{
	req->want_json = true; /* a machine endpoint: errors are JSON too, whatever Accept says */
	const char *p = req->path + 1;
	size_t n = strcspn(p, ".");
	char seg[32];
	const struct kind *k = NULL;
	if (n < sizeof(seg) && strcmp(p + n, ".geojson") == 0) {
		memcpy(seg, p, n);
		seg[n] = '\0';
		k = publication_kind_by_path(seg);
	}
	if (!k || !kind_is_located(k)) {
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
		return;
	}
	json_t *filter = json_object();
	struct strbuf qs = STRBUF_INIT;
	int rc = list_filter(req, k, filter, &qs);
	strbuf_release(&qs);
	if (rc < 0) {
		json_decref(filter);
		return;
	}
	const char *q = http_query(req, "q");
	if (q && utf8_length(q) > PUB_QUERY_MAX) {
		json_decref(filter);
		http_error(req, STATUS_INVALID, "query_too_long", "the search is too long");
		return;
	}
	const char *b = http_query(req, "bbox");
	long long bbox[4];
	if (b && *b && !map_parse_bbox(b, bbox)) {
		json_decref(filter);
		http_error(req, STATUS_INVALID, "invalid_bbox",
			   "bbox must be minlon,minlat,maxlon,maxlat in degrees");
		return;
	}
	enum status st;
	json_t *items = db_pub_located(k->name, filter, q, b && *b ? bbox : NULL, PUB_MAP_MAX, &st);
	json_decref(filter);
	if (!items) {
		http_error(req, st, "database_unavailable", "the site cannot reach its database");
		return;
	}
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, "{\"type\":\"FeatureCollection\",\"features\":[");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *data = json_object_get(it, "data");
		json_t *v = pub_view(req, k, it, false);
		json_t *props =
			json_pack("{s:O, s:O, s:O, s:O?}", "id", json_object_get(v, "id"), "title",
				  json_object_get(v, "title"), "url", json_object_get(v, "url"),
				  "status", json_object_get(data, "status"));
		if (json_is_string(json_object_get(v, "label_status")))
			json_object_set(props, "label", json_object_get(v, "label_status"));
		if (json_is_integer(json_object_get(data, "progress")))
			json_object_set(props, "progress", json_object_get(data, "progress"));
		char *pj = json_dumps(props, JSON_COMPACT);
		strbuf_addstr(&out, i ? ",{" : "{");
		strbuf_addstr(&out, "\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
				    "\"coordinates\":[");
		add_degrees(&out, json_integer_value(json_object_get(data, "lon_micro")));
		strbuf_addch(&out, ',');
		add_degrees(&out, json_integer_value(json_object_get(data, "lat_micro")));
		strbuf_addstr(&out, "]},\"properties\":");
		strbuf_addstr(&out, pj);
		strbuf_addch(&out, '}');
		free(pj);
		json_decref(props);
		json_decref(v);
	}
	strbuf_addstr(&out, "]}");
	json_decref(items);
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "application/geo+json", body, len);
}

/*
 * The list's filters from the query string into filter ({field: value}), and again into qs as
 * "&name=value" for links. On a bad value, replies 400 invalid_filter and returns -1.
 * (The list and its GeoJSON share them.)
 */
static int
list_filter(struct request *req, const struct kind *k, json_t *filter, struct strbuf *qs)
{
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		const char *v = f->filter ? http_query(req, f->name) : NULL;
		if (!v || !*v)
			continue;
		bool ok = false;
		if (f->type == FIELD_CHOICE) {
			for (const char *const *c = f->choices; *c && !ok; c++)
				ok = strcmp(*c, v) == 0;
			if (ok)
				json_object_set_new(filter, f->name, json_string(v));
		} else if (f->type == FIELD_INT) {
			long long n = page_parse_id(v);
			ok = n >= f->min && n <= f->max;
			if (ok)
				json_object_set_new(filter, f->name, json_integer(n));
		}
		if (!ok) {
			http_error(req, STATUS_INVALID, "invalid_filter",
				   "a filter has a value this list does not know");
			return -1;
		}
		strbuf_addf(qs, "&%s=", f->name);
		strbuf_addurlenc(qs, v);
	}
	return 0;
}

void
page_pub_list(struct request *req)
{
	const struct kind *k = page_pub_kind(req);
	if (!k)
		return;
	json_t *filter = json_object();
	struct strbuf qs = STRBUF_INIT; /* the filters again, for the next-page link */
	if (list_filter(req, k, filter, &qs) < 0) {
		json_decref(filter);
		strbuf_release(&qs);
		return;
	}
	const char *q = http_query(req, "q");
	if (q && utf8_length(q) > PUB_QUERY_MAX) {
		json_decref(filter);
		strbuf_release(&qs);
		http_error(req, STATUS_INVALID, "query_too_long", "the search is too long");
		return;
	}
	if (q && *q) {
		strbuf_addstr(&qs, "&q=");
		strbuf_addurlenc(&qs, q);
	}
	enum status st;
	const char *cursor = http_query(req, "before");
	json_t *list =
		db_pub_list(k->name, k->sort_date, filter, q, cursor, PUB_PAGE_SIZE, false, &st);
	if (!list) {
		json_decref(filter);
		strbuf_release(&qs);
		http_error(req, st,
			   st == STATUS_INVALID ? "invalid_cursor" : "database_unavailable",
			   st == STATUS_INVALID ? "the page cursor is not valid"
						: "the site cannot reach its database");
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		json_array_append_new(items, pub_view(req, k, it, false));
	}
	json_t *view =
		json_pack("{s:s, s:s, s:o, s:b, s:O, s:o, s:s, s:b}", "kind", k->name, "path",
			  k->path, "items", items, "has_items", json_array_size(items) > 0, "next",
			  json_object_get(list, "next"), "filters", filters_view(req, k, filter),
			  "q", q ? q : "", "is_first", cursor == NULL);
	json_object_set_new(view, arena_printf(req->arena, "is_%s", k->name), json_true());
	json_object_set_new(view, "heading",
			    json_string(t_get(req, arena_printf(req->arena, "nav_%s", k->path))));
	if (kind_is_located(k)) {
		/* the located items matching the same filters, every page (the list pages) */
		json_t *map =
			map_view(req, arena_printf(req->arena, "/%s.geojson%s%s", k->path,
						   qs.len ? "?" : "", qs.len ? qs.buf + 1 : ""));
		json_object_set_new(
			map, "label",
			json_string(t_get(req, arena_printf(req->arena, "map_label_%s", k->path))));
		json_object_set_new(view, "map", map);
	}
	json_t *next = json_object_get(list, "next");
	if (json_is_string(next)) {
		struct strbuf url = STRBUF_INIT;
		strbuf_addf(&url, "/%s?before=", k->path);
		strbuf_addurlenc(&url, json_string_value(next));
		strbuf_addbuf(&url, &qs);
		json_object_set_new(view, "next_url", json_string(url.buf));
		strbuf_release(&url);
	}
	json_decref(list);
	json_decref(filter);
	strbuf_release(&qs);
	http_render(req, 200, "publication_list", view);
}

static json_t *
load_item(struct request *req, const struct kind *k, bool include_drafts)
{
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 ? db_pub_get(k->name, id, include_drafts, &st) : NULL;
	if (!item)
		page_read_failed(req, st, arena_printf(req->arena, "%s_not_found", k->name),
				 "there is no such item");
	return item;
}

struct extras_ctx {
	struct request *req;
	const struct kind *k;
	json_t *item, *view;
};

static void
add_extras(const void *impl, void *ctx)
{
	const struct pub_extension *e = impl;
	struct extras_ctx *c = ctx;
	if (strcmp(e->kind, c->k->name) != 0)
		return;
	if (e->item_view)
		e->item_view(c->req, c->item, c->view);
	if (e->partial && !c->req->want_json)
		json_array_append_new(json_object_get(c->view, "extras"),
				      json_pack("{s:s}", "partial", e->partial));
}

static void
add_staff_extras(const void *impl, void *ctx)
{
	const struct pub_extension *e = impl;
	struct extras_ctx *c = ctx;
	if (strcmp(e->kind, c->k->name) == 0 && e->staff_partial)
		json_array_append_new(json_object_get(c->view, "staff_extras"),
				      json_pack("{s:s}", "partial", e->staff_partial));
}

json_t *
pub_item_view(struct request *req, const struct kind *k, json_t *item)
{
	json_t *view = pub_view(req, k, item, true);
	if (json_is_true(json_object_get(view, "is_unpublished"))) {
		/* withdrawn: title, dates and the public reason stay; the content does not */
		json_object_del(view, "sections");
		json_object_del(view, "data");
	}
	/* the other modules' parts of this kind's page (their partials, {{>*partial}}) */
	struct extras_ctx ctx = {req, k, item, view};
	if (!req->want_json)
		json_object_set_new(view, "extras", json_array());
	module_each_ext(req->app, PUB_EXTENSION, add_extras, &ctx);
	json_object_set_new(
		view, "history_url",
		json_sprintf("/%s/%lld/history", k->path,
			     (long long)json_integer_value(json_object_get(item, "id"))));
	return view;
}

void
page_pub_item(struct request *req)
{
	const struct kind *k = page_pub_kind(req);
	json_t *item = k ? load_item(req, k, false) : NULL;
	if (!item)
		return;
	json_t *view = pub_item_view(req, k, item);
	json_decref(item);
	if (kind_is_located(k) && json_is_string(json_object_get(view, "lat")) &&
	    !json_is_true(json_object_get(view, "is_unpublished"))) {
		/* a small map with the item's own pin; the link to OpenStreetMap is the fallback */
		json_t *map = map_view(req, NULL);
		json_object_set(map, "marker_lat", json_object_get(view, "lat"));
		json_object_set(map, "marker_lon", json_object_get(view, "lon"));
		json_object_set(map, "marker_title", json_object_get(view, "title"));
		json_object_set_new(map, "small", json_true());
		json_object_set_new(map, "note", json_string(""));
		json_object_set_new(
			map, "label",
			json_string(t_get(req, arena_printf(req->arena, "map_label_%s", k->name))));
		json_object_set_new(view, "map", map);
	}
	http_render(req, 200, "publication_item", view);
}

void
page_pub_history(struct request *req)
{
	const struct kind *k = page_pub_kind(req);
	json_t *item = k ? load_item(req, k, false) : NULL;
	if (!item)
		return;
	json_t *versions = db_pub_versions(json_integer_value(json_object_get(item, "id")));
	if (!versions) {
		json_decref(item);
		page_db_unavailable(req);
		return;
	}
	json_t *out = json_array();
	size_t i;
	json_t *ver;
	json_array_foreach(versions, i, ver)
	{
		/* each version viewed as the item it was */
		json_t *as_item = json_deep_copy(item);
		json_object_set(as_item, "data", json_object_get(ver, "data"));
		json_object_set(as_item, "status", json_object_get(ver, "status"));
		json_object_set(as_item, "unpublish_reason",
				json_object_get(ver, "unpublish_reason"));
		json_t *vv = pub_view(req, k, as_item, true);
		json_object_set(vv, "version", json_object_get(ver, "version"));
		json_object_set(vv, "changed_at", json_object_get(ver, "changed_at"));
		json_array_append_new(out, vv);
		json_decref(as_item);
	}
	json_t *view = pub_view(req, k, item, false);
	json_object_set_new(view, "versions", out);
	json_decref(versions);
	json_decref(item);
	http_render(req, 200, "publication_history", view);
}

/* ---- staff ---- */

static const char *
form_lookup(void *ctx, const char *name)
{
	return http_form(ctx, name);
}

static json_t *
form_fields(struct request *req, const struct kind *k, json_t *data, const char *error_field)
{
	json_t *out = json_array();
	json_t *langs = i18n_languages(req->app->i18n);
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		json_t *v = json_object_get(data, f->name);
		json_t *fv = json_pack("{s:s, s:s, s:b, s:b}", "name", f->name, "label",
				       field_label(req, k, f), "required", f->required, "has_error",
				       error_field && strcmp(error_field, f->name) == 0);
		switch (f->type) {
		case FIELD_TEXT:
		case FIELD_MARKDOWN: {
			json_object_set_new(fv, f->type == FIELD_TEXT ? "is_text" : "is_markdown",
					    json_true());
			json_t *ls = json_array();
			size_t li;
			json_t *l;
			json_array_foreach(langs, li, l)
			{
				const char *code = json_string_value(json_object_get(l, "code"));
				const char *t = json_string_value(json_object_get(v, code));
				json_array_append_new(
					ls,
					json_pack("{s:s, s:O, s:O, s:s, s:s}", "code", code, "name",
						  json_object_get(l, "name"), "dir",
						  json_object_get(l, "dir"), "id",
						  arena_printf(req->arena, "%s_%s", f->name, code),
						  "value", t ? t : ""));
			}
			json_object_set_new(fv, "langs", ls);
			break;
		}
		case FIELD_CHOICE: {
			json_object_set_new(fv, "is_choice", json_true());
			json_t *opts = json_array();
			for (const char *const *c = f->choices; *c; c++)
				json_array_append_new(
					opts,
					json_pack("{s:s, s:s, s:b}", "value", *c, "label",
						  pub_choice_label(req, k, f, *c), "selected",
						  json_is_string(v) &&
							  strcmp(json_string_value(v), *c) == 0));
			json_object_set_new(fv, "options", opts);
			break;
		}
		case FIELD_BOOL:
			json_object_set_new(fv, "is_bool", json_true());
			json_object_set_new(fv, "checked", json_boolean(json_is_true(v)));
			break;
		default:
			json_object_set_new(fv, f->type == FIELD_DATE ? "is_date" : "is_input",
					    json_true());
			if (f->type == FIELD_INT) {
				json_object_set_new(fv, "is_number", json_true());
				json_object_set_new(fv, "min", json_integer(f->min));
				json_object_set_new(fv, "max", json_integer(f->max));
			}
			if (json_is_integer(v))
				json_object_set_new(
					fv, "value",
					json_sprintf("%lld", (long long)json_integer_value(v)));
			else if (json_is_string(v))
				json_object_set(fv, "value", v);
			break;
		}
		json_array_append_new(out, fv);
	}
	return out;
}

static void
render_form(struct request *req, const struct kind *k, unsigned code, json_t *item, json_t *data,
	    const char *error, const char *error_field)
{
	http_csrf(req);
	json_t *view = json_pack("{s:s, s:s, s:o}", "kind", k->name, "path", k->path, "fields",
				 form_fields(req, k, data, error_field));
	json_object_set_new(view, "heading",
			    json_string(t_get(req, arena_printf(req->arena, "nav_%s", k->path))));
	if (item) {
		json_object_set_new(view, "item", pub_view(req, k, item, false));
		json_object_set_new(
			view, "action",
			json_sprintf("/staff/%s/%lld", k->path,
				     (long long)json_integer_value(json_object_get(item, "id"))));
	} else {
		json_object_set_new(view, "action", json_sprintf("/staff/%s", k->path));
	}
	if (kind_is_located(k)) {
		/* pick the location on a map: it fills the two microdegree inputs, which stay
		 * usable by hand (and without JavaScript) */
		json_t *map = map_view(req, NULL);
		json_object_set_new(map, "pick_lat", json_string("lat_micro"));
		json_object_set_new(map, "pick_lon", json_string("lon_micro"));
		json_object_set_new(map, "pick_micro", json_true());
		json_object_set_new(map, "note", json_string(""));
		json_object_set_new(map, "label", json_string(t_get(req, "map_label_pick")));
		json_object_set_new(view, "map", map);
	}
	if (error)
		json_object_set_new(
			view, "error",
			json_pack("{s:s, s:s}", "code", error, "message",
				  t_get(req, arena_printf(req->arena, "error_%s", error))));
	struct extras_ctx ctx = {req, k, item, view};
	json_object_set_new(view, "staff_extras", json_array());
	module_each_ext(req->app, PUB_EXTENSION, add_staff_extras, &ctx);
	http_render(req, code, "staff_publication_form", view);
}

static bool
staff_kind(struct request *req, const struct kind **k)
{
	*k = page_pub_kind(req);
	return *k && page_require(req, (*k)->write_action);
}

void
page_staff_pub_list(struct request *req)
{
	const struct kind *k;
	if (!staff_kind(req, &k))
		return;
	json_t *rows = db_pub_list_own(req->app->side, k->name, 500);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(rows, i, it)
	{
		json_t *v = pub_view(req, k, it, false);
		json_object_set_new(
			v, "is_published",
			json_boolean(strcmp(json_string_value(json_object_get(it, "status")),
					    "published") == 0));
		json_array_append_new(items, v);
	}
	json_decref(rows);
	http_csrf(req);
	json_t *view =
		json_pack("{s:s, s:s, s:o}", "kind", k->name, "path", k->path, "items", items);
	json_object_set_new(view, "heading",
			    json_string(t_get(req, arena_printf(req->arena, "nav_%s", k->path))));
	json_object_set_new(view, arena_printf(req->arena, "is_%s", k->name), json_true());
	http_render(req, 200, "staff_publication_list", view);
}

void
page_staff_pub_new(struct request *req)
{
	const struct kind *k;
	if (staff_kind(req, &k))
		render_form(req, k, 200, NULL, NULL, NULL, NULL);
}

int
pub_emit(const char *side, const struct kind *k, long long id, const char *action)
{
	enum status st;
	json_t *item = db_pub_get(k->name, id, true, &st);
	if (!item)
		return -1;
	int rc = 0;
	if (strcmp(json_string_value(json_object_get(item, "status")), "draft") != 0) {
		char ids[24], type[64];
		snprintf(ids, sizeof(ids), "%lld", id);
		snprintf(type, sizeof(type), "%s.%s", k->name, action);
		json_t *data = json_pack("{s:I, s:O, s:O, s:O, s:O, s:O}", "id", (json_int_t)id,
					 "version", json_object_get(item, "version"), "status",
					 json_object_get(item, "status"), "published_at",
					 json_object_get(item, "published_at"), "unpublish_reason",
					 json_object_get(item, "unpublish_reason"), "fields",
					 json_object_get(item, "data"));
		json_t *refs =
			json_pack("[{s:s, s:s, s:s}]", "origin", side, "type", k->name, "id", ids);
		rc = outbox_emit(type, refs, data, NULL);
	}
	json_decref(item);
	return rc;
}

/* Run change in a transaction with its event; returns the status. */
struct publish_ctx {
	const struct app *app;
	const struct kind *k;
	long long id;
	int rc;
};

static void
run_on_publish(const void *impl, void *ctx)
{
	const struct pub_extension *e = impl;
	struct publish_ctx *c = ctx;
	if (c->rc == 0 && e->on_publish && strcmp(e->kind, c->k->name) == 0)
		c->rc = e->on_publish(c->app->side, c->id);
}

/* The extensions' part of publishing own item id, in the caller's transaction: 0 or -1. */
static int
on_publish(const struct app *app, const struct kind *k, long long id)
{
	struct publish_ctx ctx = {app, k, id, 0};
	module_each_ext(app, PUB_EXTENSION, run_on_publish, &ctx);
	return ctx.rc;
}

static enum status
write_with_event(struct request *req, const struct kind *k, long long *id, json_t *data, int op,
		 const char *reason)
{
	enum status st = STATUS_UNAVAILABLE;
	const char *action = "updated";
	if (db_begin() < 0)
		return st;
	switch (op) {
	case 0: { /* create */
		const char *a = http_form(req, "action");
		bool publish = a && strcmp(a, "publish") == 0;
		*id = db_pub_create(req->app->side, k->name, data, publish);
		st = *id > 0 ? STATUS_OK : STATUS_UNAVAILABLE;
		action = "published";
		break;
	}
	case 1:
		st = db_pub_update(req->app->side, k->name, *id, data);
		break;
	case 2:
		st = db_pub_set_status(req->app->side, k->name, *id, true, NULL);
		action = "published";
		break;
	case 3:
		st = db_pub_set_status(req->app->side, k->name, *id, false, reason);
		action = "unpublished";
		break;
	}
	if (st == STATUS_OK && (pub_emit(req->app->side, k, *id, action) < 0 ||
				(op == 2 && on_publish(req->app, k, *id) < 0) || db_commit() < 0))
		st = STATUS_UNAVAILABLE;
	if (st != STATUS_OK)
		db_rollback();
	else
		http_cache_bump();
	return st;
}

void
page_staff_pub_create(struct request *req)
{
	const struct kind *k;
	if (!staff_kind(req, &k))
		return;
	const char *err = NULL, *field = NULL;
	json_t *partial = NULL;
	json_t *data = publication_from_form(k, form_lookup, req, i18n_languages(req->app->i18n),
					     &err, &field, &partial);
	if (!data) {
		log_warn("%s form refused: %s", k->name, err);
		render_form(req, k, 400, NULL, partial, err, field);
		json_decref(partial);
		return;
	}
	long long id = -1;
	enum status st = write_with_event(req, k, &id, data, 0, NULL);
	json_decref(data);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found", "conflict");
		return;
	}
	log_info("%s %lld created by account %lld", k->name, id, req->user->id);
	http_redirect(req, arena_printf(req->arena, "/staff/%s", k->path));
}

static json_t *
own_item(struct request *req, const struct kind *k)
{
	json_t *item = load_item(req, k, true);
	if (item && strcmp(json_string_value(json_object_get(item, "origin")), req->app->side)) {
		json_decref(item);
		http_error(req, STATUS_FORBIDDEN, "not_own_item",
			   "this item belongs to the other platform; only its origin changes it");
		return NULL;
	}
	return item;
}

void
page_staff_pub_edit(struct request *req)
{
	const struct kind *k;
	json_t *item;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	render_form(req, k, 200, item, json_object_get(item, "data"), NULL, NULL);
	json_decref(item);
}

void
page_staff_pub_update(struct request *req)
{
	const struct kind *k;
	json_t *item;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	const char *err = NULL, *field = NULL;
	json_t *partial = NULL;
	json_t *data = publication_from_form(k, form_lookup, req, i18n_languages(req->app->i18n),
					     &err, &field, &partial);
	long long id = json_integer_value(json_object_get(item, "id"));
	if (!data) {
		log_warn("%s %lld form refused: %s", k->name, id, err);
		render_form(req, k, 400, item, partial, err, field);
		goto out;
	}
	/* what the form does not carry (milestones) is kept */
	json_t *ms = json_object_get(json_object_get(item, "data"), "milestones");
	if (ms)
		json_object_set(data, "milestones", ms);
	enum status st = write_with_event(req, k, &id, data, 1, NULL);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found", "conflict");
		goto out;
	}
	log_info("%s %lld edited by account %lld", k->name, id, req->user->id);
	http_redirect(req, arena_printf(req->arena, "/staff/%s", k->path));
out:
	json_decref(partial);
	json_decref(data);
	json_decref(item);
}

static void
set_status(struct request *req, bool publish)
{
	const struct kind *k;
	json_t *item;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	json_decref(item);
	const char *reason = http_form(req, "reason");
	if (!publish && (is_blank(reason) || utf8_length(reason) > PUB_REASON_MAX)) {
		http_error(req, STATUS_INVALID, "reason_required",
			   "unpublishing needs a public reason (at most 500 characters)");
		return;
	}
	enum status st = write_with_event(req, k, &id, NULL, publish ? 2 : 3, reason);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found",
				  publish ? "already_published" : "not_published");
		return;
	}
	log_info("%s %lld %s by account %lld", k->name, id, publish ? "published" : "unpublished",
		 req->user->id);
	http_redirect(req, arena_printf(req->arena, "/staff/%s", k->path));
}

void
page_staff_pub_publish(struct request *req)
{
	set_status(req, true);
}

void
page_staff_pub_unpublish(struct request *req)
{
	set_status(req, false);
}

void
page_staff_project_milestone(struct request *req)
{
	const struct kind *k;
	json_t *item;
	if (!staff_kind(req, &k) || !(item = own_item(req, k)))
		return;
	const char *date = http_form(req, "date");
	json_t *text = json_object(), *photo = NULL;
	size_t li;
	json_t *l;
	json_array_foreach(i18n_languages(req->app->i18n), li, l)
	{
		const char *code = json_string_value(json_object_get(l, "code"));
		const char *v = http_form(req, arena_printf(req->arena, "text_%s", code));
		if (v && *v)
			json_object_set_new(text, code, json_string(v));
	}
	long long id = json_integer_value(json_object_get(item, "id"));
	json_t *data = json_deep_copy(json_object_get(item, "data"));
	bool date_ok = date && is_iso_date(date);
	if (!date_ok || json_object_size(text) == 0) {
		http_error(req, STATUS_INVALID,
			   date_ok ? "milestone_text_required" : "milestone_invalid_date",
			   "a milestone needs a valid date and a text");
		goto out;
	}
	/* an optional photo; a file input left empty still sends an empty part without a name */
	const struct upload *up = http_upload(req, "photo");
	if (up && (up->data.len > 0 || (up->filename && *up->filename))) {
		enum status pst;
		const char *pcode;
		if (!(photo = photo_store(up->data.buf, up->data.len, &pst, &pcode))) {
			http_error(req, pst, pcode, photo_error_message(pcode));
			goto out;
		}
	}
	json_t *ms = json_object_get(data, "milestones");
	if (!json_is_array(ms)) {
		ms = json_array();
		json_object_set_new(data, "milestones", ms);
	}
	json_t *milestone = json_pack("{s:s, s:O}", "date", date, "text", text);
	if (photo)
		json_object_set(milestone, "photo", photo);
	json_array_append_new(ms, milestone);
	enum status st = write_with_event(req, k, &id, data, 1, NULL);
	if (st != STATUS_OK) {
		page_write_failed(req, st, "not_found", "conflict");
		goto out;
	}
	http_redirect(req, arena_printf(req->arena, "/staff/projects/%lld/edit", id));
out:
	json_decref(photo);
	json_decref(text);
	json_decref(data);
	json_decref(item);
}

/*
 * publications.json: [{"kind": "project", "data": {...}, "status": "published"|"draft"}];
 * an item whose kind and title already exist is skipped.
 */
int
publication_demo_load(struct app *app, const char *dir)
{
	char *path;
	json_t *list;
	size_t added = 0, skipped = 0;
	int rc = demo_open_array(app, dir, "publications.json", NULL, NULL, &path, &list);
	if (rc <= 0)
		goto out;
	rc = -1;
	size_t i;
	json_t *entry;
	json_array_foreach(list, i, entry)
	{
		const struct kind *k =
			publication_kind(json_string_value(json_object_get(entry, "kind")));
		json_t *data = json_object_get(entry, "data");
		if (!k || !publication_data_is_valid(k, data)) {
			fprintf(stderr, "%s: entry %zu is not a valid publication\n", path, i);
			goto out;
		}
		json_t *own = db_pub_list_own(app->side, k->name, 10000);
		bool exists = false;
		size_t j;
		json_t *have;
		json_array_foreach(own, j, have)
		{
			exists |= json_equal(
				json_object_get(json_object_get(have, "data"), k->title_field),
				json_object_get(data, k->title_field));
		}
		json_decref(own);
		if (exists) {
			skipped++;
			continue;
		}
		const char *status = json_string_value(json_object_get(entry, "status"));
		bool publish = !status || strcmp(status, "draft") != 0;
		long long id = -1;
		if (db_begin() == 0) {
			id = db_pub_create(app->side, k->name, data, publish);
			if (id < 0 || pub_emit(app->side, k, id, "published") < 0 ||
			    db_commit() < 0) {
				db_rollback();
				id = -1;
			}
		}
		if (id < 0)
			goto out;
		added++;
	}
	printf("%s: %zu demo publications added, %zu already there\n", app->side, added, skipped);
	rc = 0;
out:
	json_decref(list);
	free(path);
	return rc;
}
