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
#include "common/template.h"
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

/* The facts of data: each field with a value a reader is shown, labelled (a new array). */
static json_t *
facts_of(struct request *req, const struct kind *k, json_t *data)
{
	json_t *facts = json_array();
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		json_t *fv = json_object_get(data, f->name);
		const char *val = fv ? fact_value(req, k, f, fv) : NULL;
		if (!val)
			continue;
		/* no json_pack: its format is parsed again for every fact of every item */
		json_t *fact = json_object();
		json_object_set_new_nocheck(fact, "name", json_string_nocheck(f->name));
		json_object_set_new_nocheck(fact, "label", json_string(pub_field_label(req, k, f)));
		json_object_set_new_nocheck(fact, "value", json_string(val));
		json_object_set_new_nocheck(fact, "in_card",
					    json_boolean(f->filter || f->type == FIELD_DATE ||
							 f->type == FIELD_PATTERN ||
							 strcmp(f->name, "progress") == 0));
		json_array_append_new(facts, fact);
	}
	return facts;
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

/*
 * An item's view, field by field, in the order its JSON writes them: what a list's template
 * reads of its rows as it renders them (the staff lists), and what pub_view builds whole. The
 * names after the fixed ones depend on the kind (is_<kind>, label_<choice field>): pub_fields
 * makes the list. An item is an object (pub_row's shape) or row i of a result with
 * PUB_COLUMNS and title_i18n (db_publication.h), whose data is parsed only when a field needs
 * it.
 */
enum {
	P_ID,
	P_KIND,
	P_ORIGIN,
	P_IS_OWN,
	P_URL,
	P_TITLE,
	P_TITLE_LANG,
	P_STATUS,
	P_VERSION,
	P_PUBLISHED_AT,
	P_UNPUBLISH_REASON,
	P_ORIGIN_ID,
	P_IS_UNPUBLISHED,
	P_DATA,
	P_UPDATED_AT,
	P_IS_KIND,
	P_STATUS_LABEL,
	P_PUBLISHED_DATE,
	P_HEAD, /* then label_<field> for each choice field, then: */
};
enum { P_FACTS, P_PROGRESS, P_LAT, P_LON, P_ORIGIN_URL, P_IS_PUBLISHED, P_TAIL };

static const char *const head_names[P_HEAD] = {"id",
					       "kind",
					       "origin",
					       "is_own",
					       "url",
					       "title",
					       "title_lang",
					       "status",
					       "version",
					       "published_at",
					       "unpublish_reason",
					       "origin_id",
					       "is_unpublished",
					       "data",
					       "updated_at",
					       NULL /* is_<kind> */,
					       "status_label",
					       "published_date"};
static const char *const tail_names[P_TAIL] = {"facts", "progress",   "lat",
					       "lon",   "origin_url", "is_published"};

/* The result's columns (PUB_COLUMNS, then title_i18n). */
enum {
	PC_ID,
	PC_ORIGIN,
	PC_ORIGIN_ID,
	PC_KIND,
	PC_STATUS,
	PC_VERSION,
	PC_DATA,
	PC_REASON,
	PC_PUBLISHED,
	PC_UPDATED,
	PC_TITLE
};

struct pub_src {
	struct request *req;
	const struct kind *k;
	json_t *item;   /* an item, or */
	PGresult *res;  /* rows of a result */
	json_t **data;  /* each row's data, parsed when first read */
	json_t **title; /* each row's title_i18n, the same */
	int i;
	const struct field **choices; /* the kind's choice fields, label_<name> in order */
	size_t nchoices;
};

static const char *pub_item_keys[] = {"id",           "origin",    "origin_id", "kind",
				      "status",       "version",   "data",      "unpublish_reason",
				      "published_at", "updated_at"};

/* A column's text: borrowed, NULL when NULL. */
static const char *
src_text(const struct pub_src *s, int c)
{
	if (s->item)
		return json_string_value(json_object_get(s->item, pub_item_keys[c]));
	return PQgetisnull(s->res, s->i, c) ? NULL : PQgetvalue(s->res, s->i, c);
}

static long long
src_integer(const struct pub_src *s, int c)
{
	if (s->item)
		return json_integer_value(json_object_get(s->item, pub_item_keys[c]));
	return strtoll(PQgetvalue(s->res, s->i, c), NULL, 10);
}

/* The row's data (borrowed): parsed once, an empty object when it does not parse. */
static json_t *
src_data(const struct pub_src *s)
{
	if (s->item)
		return json_object_get(s->item, "data");
	if (!s->data[s->i]) {
		json_t *d = json_loads(PQgetvalue(s->res, s->i, PC_DATA), 0, NULL);
		s->data[s->i] = d ? d : json_object();
	}
	return s->data[s->i];
}

/* The title's languages (borrowed): from the result's own column, not the whole data. */
static json_t *
src_title(const struct pub_src *s)
{
	if (s->item || PQnfields(s->res) <= PC_TITLE)
		return json_object_get(src_data(s), s->k->title_field);
	if (!s->title[s->i] && !PQgetisnull(s->res, s->i, PC_TITLE))
		s->title[s->i] =
			json_loads(PQgetvalue(s->res, s->i, PC_TITLE), JSON_DECODE_ANY, NULL);
	return s->title[s->i];
}

static void
pv_bool(struct template_value *v, bool b)
{
	*v = (struct template_value){TEMPLATE_BOOL, .integer = b};
}

static void
pv_integer(struct template_value *v, long long n)
{
	*v = (struct template_value){TEMPLATE_INTEGER, .integer = n};
}

/* The fixed fields of the head. */
static void
get_head(const struct pub_src *s, int f, struct template_value *v)
{
	struct request *req = s->req;
	const char *origin = src_text(s, PC_ORIGIN), *status = src_text(s, PC_STATUS), *t;
	const char *used = NULL;
	switch (f) {
	case P_ID:
	case P_ORIGIN_ID:
		pv_integer(v, src_integer(s, f == P_ID ? PC_ID : PC_ORIGIN_ID));
		break;
	case P_KIND:
		template_value_text(v, s->k->name);
		break;
	case P_ORIGIN:
		template_value_text(v, origin);
		break;
	case P_IS_OWN:
		pv_bool(v, strcmp(origin, req->app->side) == 0);
		break;
	case P_URL:
		template_value_text(
			v, arena_printf(req->arena, "/%s/%lld", s->k->path, src_integer(s, PC_ID)));
		break;
	case P_TITLE:
	case P_TITLE_LANG:
		t = i18n_pick(src_title(s), req->lang, &used);
		template_value_text(v, f == P_TITLE ? (t ? t : "") : used ? used : req->lang);
		break;
	case P_STATUS:
		template_value_text(v, status);
		break;
	case P_VERSION:
		pv_integer(v, (int)src_integer(s, PC_VERSION));
		break;
	case P_PUBLISHED_AT:
	case P_UNPUBLISH_REASON:
	case P_UPDATED_AT:
		template_value_text(v, src_text(s, f == P_PUBLISHED_AT       ? PC_PUBLISHED
						   : f == P_UNPUBLISH_REASON ? PC_REASON
									     : PC_UPDATED));
		break;
	case P_IS_UNPUBLISHED:
		pv_bool(v, strcmp(status, "unpublished") == 0);
		break;
	case P_DATA:
		*v = (struct template_value){TEMPLATE_JSON, .json = json_incref(src_data(s))};
		break;
	case P_IS_KIND:
		pv_bool(v, true);
		break;
	case P_STATUS_LABEL:
		template_value_text(v,
				    pub_text(req, arena_printf(req->arena, "status_%s", status)));
		break;
	case P_PUBLISHED_DATE:
		if ((t = src_text(s, PC_PUBLISHED)))
			*v = (struct template_value){TEMPLATE_TEXT, t, strnlen(t, 10)};
		break;
	}
}

/* The fields after the choice labels. */
static void
get_tail(const struct pub_src *s, int f, struct template_value *v)
{
	struct request *req = s->req;
	json_t *data, *lat, *lon;
	char buf[32];
	switch (f) {
	case P_FACTS:
		*v = (struct template_value){TEMPLATE_JSON,
					     .json = facts_of(req, s->k, src_data(s))};
		break;
	case P_PROGRESS:
		data = json_object_get(src_data(s), "progress");
		if (json_is_integer(data))
			pv_integer(v, json_integer_value(data));
		break;
	case P_LAT:
	case P_LON:
		data = src_data(s);
		lat = json_object_get(data, "lat_micro");
		lon = json_object_get(data, "lon_micro");
		if (json_is_integer(lat) && json_is_integer(lon)) {
			degrees_text(buf, json_integer_value(f == P_LAT ? lat : lon));
			template_value_text(v, arena_strdup(req->arena, buf));
		}
		break;
	case P_ORIGIN_URL:
		if (strcmp(src_text(s, PC_ORIGIN), req->app->side) != 0 && req->app->cfg.peer_url)
			template_value_text(v, arena_printf(req->arena, "%s/%s/%lld",
							    req->app->cfg.peer_url, s->k->path,
							    src_integer(s, PC_ORIGIN_ID)));
		break;
	case P_IS_PUBLISHED:
		pv_bool(v, strcmp(src_text(s, PC_STATUS), "published") == 0);
		break;
	}
}

static void
pub_get(void *self, size_t i, size_t f, struct template_value *v)
{
	struct pub_src *s = self;
	s->i = (int)i;
	if (f < P_HEAD) {
		get_head(s, (int)f, v);
	} else if (f < P_HEAD + s->nchoices) {
		const struct field *c = s->choices[f - P_HEAD];
		json_t *fv = json_object_get(src_data(s), c->name);
		const char *l =
			fv ? pub_choice_label(s->req, s->k, c, json_string_value(fv)) : NULL;
		if (l)
			template_value_text(v, l);
	} else {
		get_tail(s, (int)(f - P_HEAD - s->nchoices), v);
	}
}

/* The rows of s (its kind and source set) as rows named name: the names of the kind's view,
 * with is_published for a staff list. In the request's arena. */
static void
pub_fields(struct pub_src *s, const char *name, size_t n, bool staff, struct template_rows *rows)
{
	struct request *req = s->req;
	const struct kind *k = s->k;
	s->choices = arena_alloc(req->arena, (k->nfields + 1) * sizeof(*s->choices));
	s->nchoices = 0;
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].type == FIELD_CHOICE)
			s->choices[s->nchoices++] = &k->fields[i];
	size_t nf = P_HEAD + s->nchoices + P_TAIL - (staff ? 0 : 1);
	const char **names = arena_alloc(req->arena, nf * sizeof(*names));
	memcpy(names, head_names, sizeof(head_names));
	names[P_IS_KIND] = arena_printf(req->arena, "is_%s", k->name);
	for (size_t c = 0; c < s->nchoices; c++)
		names[P_HEAD + c] = arena_printf(req->arena, "label_%s", s->choices[c]->name);
	memcpy(names + P_HEAD + s->nchoices, tail_names,
	       (P_TAIL - (staff ? 0 : 1)) * sizeof(*names));
	*rows = (struct template_rows){name, n, names, nf, pub_get, s};
}

json_t *
pub_view(struct request *req, const struct kind *k, json_t *item, bool full)
{
	struct pub_src s = {.req = req, .k = k, .item = item};
	struct template_rows rows;
	pub_fields(&s, "item", 1, false, &rows);
	json_t *v = template_row_json(&rows, 0);
	if (!full)
		return v;
	json_t *data = json_object_get(item, "data");
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		json_t *fv = json_object_get(data, f->name);
		if (f->type == FIELD_MARKDOWN && fv)
			add_section(req, k, f, fv, v);
	}
	if (strcmp(k->name, "project") == 0)
		add_milestones(req, data, v);
	return v;
}

/* The staff list's rows: the items of res (PUB_COLUMNS and title_i18n), at most n, with
 * is_published; pub_rows_release after the render. */
struct pub_rows {
	struct pub_src src;
	struct template_rows rows;
};

void
pub_rows(struct request *req, const struct kind *k, PGresult *res, int n, struct pub_rows **out)
{
	struct pub_rows *r = arena_alloc(req->arena, sizeof(*r));
	int rows = PQntuples(res) < n ? PQntuples(res) : n;
	r->src = (struct pub_src){.req = req, .k = k, .res = res};
	r->src.data = arena_alloc(req->arena, (size_t)(rows + 1) * sizeof(json_t *));
	r->src.title = arena_alloc(req->arena, (size_t)(rows + 1) * sizeof(json_t *));
	memset(r->src.data, 0, (size_t)(rows + 1) * sizeof(json_t *));
	memset(r->src.title, 0, (size_t)(rows + 1) * sizeof(json_t *));
	pub_fields(&r->src, "items", (size_t)rows, true, &r->rows);
	*out = r;
}

const struct template_rows *
pub_rows_list(const struct pub_rows *r)
{
	return &r->rows;
}

void
pub_rows_release(struct pub_rows *r)
{
	for (size_t i = 0; i < r->rows.n; i++) {
		json_decref(r->src.data[i]);
		json_decref(r->src.title[i]);
	}
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
