// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Publication pages for readers, one set of handlers for every kind, on both platforms (the
 * citizen one shows the mirror): the public list (filters, full-text search, keyset pages) and
 * its GeoJSON for the map, the item with the other modules' parts, the public history of
 * versions, and the item's view that the staff pages and other modules reuse.
 */
#include "publications/page_publication.h"

#include "common/app.h"
#include "common/atom.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/map.h"
#include "common/markdown.h"
#include "common/module.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "common/xalloc.h"
#include "internal.h"
#include "publications/db_publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUB_PAGE_SIZE 20
#define PUB_FEED_SIZE 30 /* entries in a kind's feed */
#define PUB_QUERY_MAX 200
#define PUB_MAP_MAX 500 /* features in one GeoJSON answer */

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

const char *
pub_text(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* The catalog key a_b_c (a message key; pages ask for hundreds a request: no printf). */
static const char *
key3(char *buf, size_t size, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	if (la + lb + lc + 3 > size)
		return "";
	memcpy(buf, a, la);
	buf[la] = '_';
	memcpy(buf + la + 1, b, lb);
	buf[la + 1 + lb] = '_';
	memcpy(buf + la + lb + 2, c, lc + 1);
	return buf;
}

const char *
pub_field_label(struct request *req, const struct kind *k, const struct field *f)
{
	char key[128];
	return pub_text(req, key3(key, sizeof(key), "field", k->name, f->name));
}

const char *
pub_choice_label(struct request *req, const struct kind *k, const struct field *f, const char *v)
{
	char key[128];
	return pub_text(req, key3(key, sizeof(key), k->name, f->name, v ? v : ""));
}

bool
pub_kind_is_located(const struct kind *k)
{
	bool lat = false, lon = false;
	for (size_t i = 0; i < k->nfields; i++) {
		lat = lat || strcmp(k->fields[i].name, "lat_micro") == 0;
		lon = lon || strcmp(k->fields[i].name, "lon_micro") == 0;
	}
	return lat && lon;
}

/* ---- the item's view ---- */

/* plain spaces would let the bidi algorithm reorder the groups inside Arabic text */
const char *
pub_digits_text(struct request *req, long long n)
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

/* Microdegrees as an exact decimal ("-0.500000"): text, not floats, so that views travel in
 * events and JSON without floats and GeoJSON numbers without float noise. */
static void
degrees_text(char buf[32], long long e6)
{
	snprintf(buf, 32, "%s%lld.%06lld", e6 < 0 ? "-" : "", llabs(e6) / 1000000,
		 llabs(e6) % 1000000);
}

/* An amount in dinars: a field named "<what>_da" (budget_da, fees_da). */
static bool
is_amount_da(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, "_da") == 0;
}

static const char *
fact_value(struct request *req, const struct kind *k, const struct field *f, json_t *v)
{
	switch (f->type) {
	case FIELD_CHOICE:
		return pub_choice_label(req, k, f, json_string_value(v));
	case FIELD_BOOL:
		return pub_text(req, json_is_true(v) ? "yes" : "no");
	case FIELD_INT:
		if (strcmp(f->name, "progress") == 0)
			return arena_printf(req->arena, "%lld %%",
					    (long long)json_integer_value(v));
		if (is_amount_da(f->name))
			return arena_printf(req->arena, "%s %s",
					    pub_digits_text(req, json_integer_value(v)),
					    pub_text(req, "currency"));
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

/* A Markdown field's text in the reader's language, rendered, appended to v's sections. */
static void
add_section(struct request *req, const struct kind *k, const struct field *f, json_t *fv, json_t *v)
{
	const char *text = i18n_pick(fv, req->lang, NULL);
	char *html = markdown_to_html(text ? text : "", text ? strlen(text) : 0);
	json_t *sections = json_object_get(v, "sections");
	if (!sections) {
		sections = json_array();
		json_object_set_new(v, "sections", sections);
	}
	if (*html)
		json_array_append_new(sections,
				      json_pack("{s:s, s:s, s:s}", "name", f->name, "label",
						pub_field_label(req, k, f), "html", html));
	free(html);
}

/* The fields of data as v's facts, choice labels ("label_<field>") and, when full, sections. */
static void
add_fields(struct request *req, const struct kind *k, json_t *data, bool full, json_t *v)
{
	json_t *facts = json_array();
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		json_t *fv = json_object_get(data, f->name);
		const char *val = fv ? fact_value(req, k, f, fv) : NULL;
		if (val) {
			/* no json_pack: its format is parsed again for every fact of every item */
			json_t *fact = json_object();
			json_object_set_new_nocheck(fact, "name", json_string_nocheck(f->name));
			json_object_set_new_nocheck(fact, "label",
						    json_string(pub_field_label(req, k, f)));
			json_object_set_new_nocheck(fact, "value", json_string(val));
			json_object_set_new_nocheck(fact, "in_card",
						    json_boolean(f->filter ||
								 f->type == FIELD_DATE ||
								 f->type == FIELD_PATTERN ||
								 strcmp(f->name, "progress") == 0));
			json_array_append_new(facts, fact);
		}
		if (f->type == FIELD_CHOICE && fv) {
			char key[64];
			snprintf(key, sizeof(key), "label_%s", f->name);
			json_object_set_new(
				v, key,
				json_string(pub_choice_label(req, k, f, json_string_value(fv))));
		}
		if (full && f->type == FIELD_MARKDOWN && fv)
			add_section(req, k, f, fv, v);
	}
	json_object_set_new(v, "facts", facts);
}

/* A project's milestones in the reader's language, their photos as addresses and sizes. */
static void
add_milestones(struct request *req, json_t *data, json_t *v)
{
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
	json_object_set_new(v, "has_milestones",
			    json_boolean(json_array_size(json_object_get(v, "milestones"))));
	if (!json_is_array(ms))
		json_decref(ms);
}

/* The item's identity, status and dates: the part of the view every page shows. */
static json_t *
view_head(struct request *req, const struct kind *k, json_t *item)
{
	json_t *data = json_object_get(item, "data");
	const char *origin = json_string_value(json_object_get(item, "origin"));
	json_int_t id = json_integer_value(json_object_get(item, "id"));
	const char *status = json_string_value(json_object_get(item, "status"));
	const char *used = NULL;
	const char *title = i18n_pick(json_object_get(data, k->title_field), req->lang, &used);
	char buf[96];
	/* no json_pack: lists build this for every item */
	json_t *v = json_object();
	json_object_set_new_nocheck(v, "id", json_integer(id));
	json_object_set_new_nocheck(v, "kind", json_string_nocheck(k->name));
	json_object_set_new_nocheck(v, "origin", json_string(origin));
	json_object_set_new_nocheck(v, "is_own", json_boolean(strcmp(origin, req->app->side) == 0));
	snprintf(buf, sizeof(buf), "/%s/%lld", k->path, (long long)id);
	json_object_set_new_nocheck(v, "url", json_string_nocheck(buf));
	json_object_set_new_nocheck(v, "title", json_string(title ? title : ""));
	json_object_set_new_nocheck(v, "title_lang", json_string(used ? used : req->lang));
	json_object_set_nocheck(v, "status", json_object_get(item, "status"));
	json_object_set_new_nocheck(
		v, "version",
		json_integer((int)json_integer_value(json_object_get(item, "version"))));
	json_object_set_nocheck(v, "published_at", json_object_get(item, "published_at"));
	json_object_set_nocheck(v, "unpublish_reason", json_object_get(item, "unpublish_reason"));
	json_object_set_nocheck(v, "origin_id", json_object_get(item, "origin_id"));
	json_object_set_new_nocheck(v, "is_unpublished",
				    json_boolean(strcmp(status, "unpublished") == 0));
	json_object_set_nocheck(v, "data", data);
	json_object_set_nocheck(v, "updated_at", json_object_get(item, "updated_at"));
	snprintf(buf, sizeof(buf), "is_%s", k->name);
	json_object_set_new(v, buf, json_true());
	snprintf(buf, sizeof(buf), "status_%s", status);
	json_object_set_new(v, "status_label", json_string(pub_text(req, buf)));
	const char *pa = json_string_value(json_object_get(item, "published_at"));
	if (pa)
		json_object_set_new(v, "published_date", json_stringn(pa, 10));
	return v;
}

json_t *
pub_view(struct request *req, const struct kind *k, json_t *item, bool full)
{
	struct app *app = req->app;
	json_t *data = json_object_get(item, "data");
	json_t *v = view_head(req, k, item);
	add_fields(req, k, data, full, v);
	json_t *progress = json_object_get(data, "progress");
	if (json_is_integer(progress))
		json_object_set(v, "progress", progress);
	json_t *lat = json_object_get(data, "lat_micro"), *lon = json_object_get(data, "lon_micro");
	if (json_is_integer(lat) && json_is_integer(lon)) {
		char buf[32];
		degrees_text(buf, json_integer_value(lat));
		json_object_set_new(v, "lat", json_string(buf));
		degrees_text(buf, json_integer_value(lon));
		json_object_set_new(v, "lon", json_string(buf));
	}
	if (!json_is_true(json_object_get(v, "is_own")) && app->cfg.peer_url)
		json_object_set_new(v, "origin_url",
				    json_sprintf("%s/%s/%lld", app->cfg.peer_url, k->path,
						 (long long)json_integer_value(
							 json_object_get(item, "origin_id"))));
	if (full && strcmp(k->name, "project") == 0)
		add_milestones(req, data, v);
	return v;
}

/* ---- the list and its map ---- */

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
						     pub_field_label(req, k, f), "options", opts));
	}
	return out;
}

/* The list's filters from the query string into filter ({field: value}), and again into qs as
 * "&name=value" for links. On a bad value, replies 400 invalid_filter and returns -1. */
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

/*
 * What the list and its GeoJSON share: the filters (list_filter) and the search *q (NULL when
 * absent), appended to qs as "&q=..." when not empty. On a bad value replies 400
 * (invalid_filter, query_too_long) and returns -1.
 */
static int
list_query(struct request *req, const struct kind *k, json_t *filter, struct strbuf *qs,
	   const char **q)
{
	if (list_filter(req, k, filter, qs) < 0)
		return -1;
	*q = http_query(req, "q");
	if (*q && utf8_length(*q) > PUB_QUERY_MAX) {
		http_error(req, STATUS_INVALID, "query_too_long", "the search is too long");
		return -1;
	}
	if (*q && **q) {
		strbuf_addstr(qs, "&q=");
		strbuf_addurlenc(qs, *q);
	}
	return 0;
}

/* The located kind of a path "/<kind path>.geojson", or NULL (then it replied 404). */
static const struct kind *
geojson_kind(struct request *req)
{
	const char *p = req->path + 1;
	size_t n = strcspn(p, ".");
	char seg[32];
	const struct kind *k = NULL;
	if (n < sizeof(seg) && strcmp(p + n, ".geojson") == 0) {
		memcpy(seg, p, n);
		seg[n] = '\0';
		k = publication_kind_by_path(seg);
	}
	if (!k || !pub_kind_is_located(k)) {
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
		return NULL;
	}
	return k;
}

/* One located item as a GeoJSON Feature (a Point, [lon, lat]) appended to out. */
static void
add_feature(struct request *req, const struct kind *k, json_t *it, bool first, struct strbuf *out)
{
	json_t *data = json_object_get(it, "data");
	json_t *v = pub_view(req, k, it, false);
	json_t *props = json_pack("{s:O, s:O, s:O, s:O?}", "id", json_object_get(v, "id"), "title",
				  json_object_get(v, "title"), "url", json_object_get(v, "url"),
				  "status", json_object_get(data, "status"));
	if (json_is_string(json_object_get(v, "label_status")))
		json_object_set(props, "label", json_object_get(v, "label_status"));
	if (json_is_integer(json_object_get(data, "progress")))
		json_object_set(props, "progress", json_object_get(data, "progress"));
	char *pj = json_dumps(props, JSON_COMPACT);
	char lon[32], lat[32];
	degrees_text(lon, json_integer_value(json_object_get(data, "lon_micro")));
	degrees_text(lat, json_integer_value(json_object_get(data, "lat_micro")));
	strbuf_addstr(out, first ? "{" : ",{");
	strbuf_addf(out,
		    "\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
		    "\"coordinates\":[%s,%s]},\"properties\":%s}",
		    lon, lat, pj);
	free(pj);
	json_decref(props);
	json_decref(v);
}

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
	const struct kind *k = geojson_kind(req);
	if (!k)
		return;
	json_t *filter = json_object();
	struct strbuf qs = STRBUF_INIT;
	const char *q = NULL;
	int rc = list_query(req, k, filter, &qs, &q);
	strbuf_release(&qs);
	const char *b = http_query(req, "bbox");
	long long bbox[4];
	if (rc == 0 && b && *b && !map_parse_bbox(b, bbox)) {
		http_error(req, STATUS_INVALID, "invalid_bbox",
			   "bbox must be minlon,minlat,maxlon,maxlat in degrees");
		rc = -1;
	}
	enum status st = STATUS_UNAVAILABLE;
	json_t *items = rc == 0 ? db_pub_located(k->name, filter, q, b && *b ? bbox : NULL,
						 PUB_MAP_MAX, &st)
				: NULL;
	json_decref(filter);
	if (rc < 0)
		return;
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
		add_feature(req, k, it, i == 0, &out);
	}
	strbuf_addstr(&out, "]}");
	json_decref(items);
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "application/geo+json", body, len);
}

/* The list's map: the located items matching the same filters (qs), on every page. */
static json_t *
list_map(struct request *req, const struct kind *k, const struct strbuf *qs)
{
	json_t *map = map_view(req, arena_printf(req->arena, "/%s.geojson%s%s", k->path,
						 qs->len ? "?" : "", qs->len ? qs->buf + 1 : ""));
	json_object_set_new(
		map, "label",
		json_string(pub_text(req, arena_printf(req->arena, "map_label_%s", k->path))));
	return map;
}

void
page_pub_list(struct request *req)
{
	const struct kind *k = page_pub_kind(req);
	if (!k)
		return;
	json_t *filter = json_object(), *list = NULL;
	struct strbuf qs = STRBUF_INIT; /* the filters again, for the next-page link */
	bool atom = feed_wanted(req);
	const char *q = NULL, *cursor = atom ? NULL : http_query(req, "before");
	enum status st;
	if (list_query(req, k, filter, &qs, &q) < 0)
		goto out;
	list = db_pub_list(k->name, k->sort_date, filter, q, cursor,
			   atom ? PUB_FEED_SIZE : PUB_PAGE_SIZE, false, &st);
	if (!list) {
		http_error(req, st,
			   st == STATUS_INVALID ? "invalid_cursor" : "database_unavailable",
			   st == STATUS_INVALID ? "the page cursor is not valid"
						: "the site cannot reach its database");
		goto out;
	}
	const char *heading = pub_text(req, arena_printf(req->arena, "nav_%s", k->path));
	if (atom) {
		pub_feed(req, k, json_object_get(list, "items"), heading,
			 qs.len ? qs.buf + 1 : NULL, NULL);
		goto out;
	}
	json_t *items = json_array(), *it, *next = json_object_get(list, "next");
	size_t i;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		json_array_append_new(items, pub_view(req, k, it, false));
	}
	json_t *view = json_pack(
		"{s:s, s:s, s:o, s:b, s:O, s:o, s:s, s:b}", "kind", k->name, "path", k->path,
		"items", items, "has_items", json_array_size(items) > 0, "next", next, "filters",
		filters_view(req, k, filter), "q", q ? q : "", "is_first", cursor == NULL);
	json_object_set_new(view, arena_printf(req->arena, "is_%s", k->name), json_true());
	json_object_set_new(view, "heading", json_string(heading));
	if (pub_kind_is_located(k))
		json_object_set_new(view, "map", list_map(req, k, &qs));
	if (json_is_string(next)) {
		struct strbuf url = STRBUF_INIT;
		strbuf_addf(&url, "/%s?before=", k->path);
		strbuf_addurlenc(&url, json_string_value(next));
		strbuf_addbuf(&url, &qs);
		json_object_set_new(view, "next_url", json_string(url.buf));
		strbuf_release(&url);
	}
	feed_advertise(req, heading, qs.len ? qs.buf + 1 : NULL);
	http_render(req, 200, "publication_list", view);
out:
	json_decref(list);
	json_decref(filter);
	strbuf_release(&qs);
}

/* ---- the item and its history ---- */

json_t *
pub_load_item(struct request *req, const struct kind *k, bool include_drafts)
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
	json_t *item = k ? pub_load_item(req, k, false) : NULL;
	if (!item)
		return;
	json_t *view = pub_item_view(req, k, item);
	json_decref(item);
	if (pub_kind_is_located(k) && json_is_string(json_object_get(view, "lat")) &&
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
			json_string(
				pub_text(req, arena_printf(req->arena, "map_label_%s", k->name))));
		json_object_set_new(view, "map", map);
	}
	http_render(req, 200, k->item_template ? k->item_template : "publication_item", view);
}

void
page_pub_history(struct request *req)
{
	const struct kind *k = page_pub_kind(req);
	json_t *item = k ? pub_load_item(req, k, false) : NULL;
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
