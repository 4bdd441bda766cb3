// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What everyone sees of proposals, on both platforms (the official one shows its read-only
 * mirror): the list with its filters (type, quarter, stage), the map of those with a place and
 * its GeoJSON, and a proposal's page with its supports, countdown, timeline and arguments; the
 * citizen platform adds the resident's buttons (page_proposal_support.c).
 */
#include "internal.h"

#include "common/arena.h"
#include "common/atom.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "db_proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_PINS 200 /* on the map: the newest, as the reports' map shows pins up to 200 */
#define MAP_LIST 50  /* listed below it */

struct filter {
	const char *type, *quarter, *stage;
};

/* The filters of the query; false when one names nothing (replied 400 invalid_filter). */
static bool
read_filter(struct request *req, struct filter *f)
{
	f->type = http_query_value(req, "type");
	f->quarter = http_query_value(req, "quarter");
	f->stage = http_query_value(req, "stage");
	if ((f->type && !proposal_type_is_valid(req->app, f->type)) ||
	    (f->quarter && !proposal_quarter_is_valid(f->quarter)) ||
	    (f->stage && !proposal_stage_is_valid(f->stage))) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "a filter names a type, quarter or stage that does not exist");
		return false;
	}
	return true;
}

/* "type=social&stage=submitted&" (values are codes: nothing to encode), "" when none. */
static const char *
filter_query(struct request *req, const struct filter *f)
{
	return arena_printf(req->arena, "%s%s%s%s%s%s%s%s%s", f->type ? "type=" : "",
			    f->type ? f->type : "", f->type ? "&" : "",
			    f->quarter ? "quarter=" : "", f->quarter ? f->quarter : "",
			    f->quarter ? "&" : "", f->stage ? "stage=" : "",
			    f->stage ? f->stage : "", f->stage ? "&" : "");
}

static json_t *
filters_view(struct request *req, const struct filter *f, const char *action)
{
	return json_pack("{s:o, s:o, s:o, s:s}", "types", proposal_type_options(req, f->type),
			 "quarters", proposal_quarter_options(req, f->quarter), "stages",
			 proposal_stage_options(req, f->stage), "action", action);
}

/* The list page's view of list ({items, next}): cards, pager, filters. */
static json_t *
list_view(struct request *req, json_t *list, const struct filter *f, long long before,
	  const char *path)
{
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(list, "items"), i, r)
	{
		json_array_append_new(items, proposal_view(req, r));
	}
	const char *fq = filter_query(req, f);
	json_t *v = json_pack("{s:o, s:b, s:b, s:o, s:s, s:b}", "items", items, "has_items",
			      json_array_size(items) > 0, "is_first", before == 0, "filters",
			      filters_view(req, f, path), "first_url",
			      arena_printf(req->arena, "%s?%s", path, fq), "is_citizen",
			      strcmp(req->app->side, PROPOSAL_OWNER) == 0);
	json_t *next = json_object_get(list, "next");
	if (json_is_integer(next))
		json_object_set_new(
			v, "next_url",
			json_string(arena_printf(req->arena, "%s?%sbefore=%lld", path, fq,
						 (long long)json_integer_value(next))));
	return v;
}

/* The list's Atom twin (/proposals.atom): what the HTML list shows, newest first. */
static void
send_feed(struct request *req, json_t *list, const char *query)
{
	struct feed f;
	feed_begin(req, &f, p_t(req, "proposal_list_title"), query);
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(list, "items"), i, r)
	{
		const char *type = json_str(r, "type");
		feed_add(&f,
			 &(struct atom_entry){
				 .id = feed_tag(
					 req,
					 arena_printf(req->arena, "proposal/%s/%lld",
						      json_str(r, "origin"),
						      (long long)json_integer_value(
							      json_object_get(r, "origin_id")))),
				 .title = json_str(r, "title"),
				 .link = arena_printf(req->arena, "/proposals/%s",
						      json_str(r, "ref")),
				 .updated = json_str(r, "created_at"),
				 .published = json_str(r, "created_at"),
				 .category = type,
				 .category_label = proposal_type_label(req, type),
				 .summary = feed_summary(req, json_str(r, "body"), false),
			 });
	}
	feed_send(&f);
}

void
page_proposal_list(struct request *req)
{
	struct filter f;
	if (!read_filter(req, &f))
		return;
	long long before = page_before_param(req);
	if (before < 0)
		return;
	json_t *list = db_proposal_list(f.type, f.quarter, f.stage, before, PROPOSAL_PAGE);
	if (!list) {
		page_db_unavailable(req);
		return;
	}
	/* the filters as the feed carries them: "type=social&stage=submitted" */
	const char *fq = filter_query(req, &f);
	if (*fq)
		fq = arena_printf(req->arena, "%.*s", (int)strlen(fq) - 1, fq);
	if (feed_wanted(req)) {
		send_feed(req, list, fq);
		json_decref(list);
		return;
	}
	json_t *v = list_view(req, list, &f, before, "/proposals");
	json_decref(list);
	feed_advertise(req, p_t(req, "proposal_list_title"), fq);
	http_render(req, 200, "proposal_list", v);
}

/* The pins' view: [{ref, url, title, stage_label, lat, lon}] of db_proposal_pins rows. */
static json_t *
pins_view(struct request *req, json_t *rows)
{
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_array_append_new(
			out,
			json_pack("{s:s, s:s, s:O, s:s}", "ref", json_str(r, "ref"), "url",
				  arena_printf(req->arena, "/proposals/%s", json_str(r, "ref")),
				  "title", json_object_get(r, "title"), "stage_label",
				  proposal_stage_label(req, json_str(r, "stage"))));
	}
	return out;
}

void
page_proposal_map(struct request *req)
{
	struct filter f;
	if (!read_filter(req, &f))
		return;
	/* without JavaScript the list of the newest places is the map's fallback */
	json_t *rows = db_proposal_pins(f.type, f.quarter, f.stage, MAP_LIST);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	json_t *pins = pins_view(req, rows);
	json_decref(rows);
	json_t *v =
		json_pack("{s:o, s:b, s:o}", "pins", pins, "has_pins", json_array_size(pins) > 0,
			  "filters", filters_view(req, &f, "/proposals/map"));
	json_t *m = map_view(
		req, arena_printf(req->arena, "/proposals.geojson?%s", filter_query(req, &f)));
	json_object_set_new(m, "label", json_string(p_t(req, "proposal_map_title")));
	json_object_set_new(v, "map", m);
	http_render(req, 200, "proposal_map", v);
}

void
page_proposal_geojson(struct request *req)
{
	struct filter f;
	if (!read_filter(req, &f))
		return;
	json_t *labels = json_object();
	for (const char *const *st = proposal_stages; *st; st++)
		json_object_set_new(labels, *st, json_string(proposal_stage_label(req, *st)));
	char *text = json_dumps(labels, JSON_COMPACT);
	json_decref(labels);
	char *geojson = db_proposal_geojson(f.type, f.quarter, f.stage, MAP_PINS, text);
	free(text);
	if (!geojson) {
		page_db_unavailable(req);
		return;
	}
	http_send_owned(req, 200, "application/geo+json", geojson, strlen(geojson));
}

/* The row of the route's {ref} (any visibility), or replied 404/503 and NULL. */
static json_t *
row_of_route(struct request *req)
{
	const char *ref = http_param(req, "ref");
	enum status st = STATUS_NOT_FOUND;
	json_t *row =
		public_ref_is_valid(PROPOSAL_REF_LETTER, ref) ? db_proposal_by_ref(ref, &st) : NULL;
	if (!row)
		page_read_failed(req, st, "proposal_not_found", "there is no such proposal");
	return row;
}

json_t *
proposal_for_staff(struct request *req, const char *grant)
{
	return page_require(req, grant) ? row_of_route(req) : NULL;
}

json_t *
proposal_for_page(struct request *req)
{
	json_t *row = row_of_route(req);
	/* a proposal waiting for its moderator is not public yet */
	if (row && strcmp(json_str(row, "visibility"), "pending") == 0) {
		json_decref(row);
		row = NULL;
		page_read_failed(req, STATUS_NOT_FOUND, "proposal_not_found",
				 "there is no such proposal");
	}
	return row;
}

json_t *
proposal_argument_for_page(struct request *req)
{
	long long aid = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *a = aid > 0 ? db_argument_get(aid, &st) : NULL;
	if (!a)
		page_read_failed(req, st, "argument_not_found", "there is no such argument");
	return a;
}

void
page_proposal_item(struct request *req)
{
	json_t *row = proposal_for_page(req);
	if (!row)
		return;
	json_t *v = proposal_item_view(req, row);
	if (!v) {
		json_decref(row);
		page_db_unavailable(req);
		return;
	}
	json_object_set_new(v, "is_citizen",
			    json_boolean(strcmp(req->app->side, PROPOSAL_OWNER) == 0));
	if (strcmp(req->app->side, PROPOSAL_OWNER) == 0 && !req->want_json)
		proposal_add_actions(req, v, row);
	json_decref(row);
	http_render(req, 200, "proposal_item", v);
}
