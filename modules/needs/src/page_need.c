// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The residents' needs pages: the list aggregated by quarter and theme (both platforms, with
 * a JSON twin), a need's page, and on the citizen platform the form to express a need and
 * "me too" — both for verified residents only (participation.h), one per verified contact.
 */
#include "internal.h"

#include "db_need.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/atom.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/site.h"
#include "participation/participation.h"

#include <stdlib.h>
#include <string.h>

static bool
is_citizen(struct request *req)
{
	return strcmp(req->app->side, NEED_OWNER) == 0;
}

static const char *
theme_label(struct request *req, const char *v)
{
	return need_theme_label(req, v);
}

static const char *
quarter_label(struct request *req, const char *v)
{
	return need_quarter_label(req, v);
}

/* The themes' codes as a NULL-terminated array (arena). */
static const char **
theme_codes(struct request *req)
{
	json_t *themes = need_themes(req->app);
	const char **codes =
		arena_alloc(req->arena, (json_array_size(themes) + 1) * sizeof(*codes));
	size_t i;
	json_t *t;
	json_array_foreach(themes, i, t) codes[i] = json_str(t, "code");
	codes[json_array_size(themes)] = NULL;
	return codes;
}

/* Labels on the aggregate rows (by_quarter, by_theme, cells), in place. */
static void
label_aggregates(struct request *req, json_t *agg)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(agg, "by_quarter"), i, r) json_object_set_new(
		r, "label", json_string(quarter_label(req, json_str(r, "quarter"))));
	json_array_foreach(json_object_get(agg, "by_theme"), i, r) json_object_set_new(
		r, "label", json_string(theme_label(req, json_str(r, "theme"))));
	json_array_foreach(json_object_get(agg, "cells"), i, r)
	{
		json_object_set_new(r, "quarter_label",
				    json_string(quarter_label(req, json_str(r, "quarter"))));
		json_object_set_new(r, "theme_label",
				    json_string(theme_label(req, json_str(r, "theme"))));
	}
}

/* The list's filters as a query string ("quarter=x&theme=y"), "" when none (arena). */
static const char *
filter_query(struct request *req, const char *quarter, const char *theme)
{
	/* both are codes of the lists ([a-z0-9_]): nothing to encode */
	return arena_printf(req->arena, "%s%s%s%s%s", quarter ? "quarter=" : "",
			    quarter ? quarter : "", quarter && theme ? "&" : "",
			    theme ? "theme=" : "", theme ? theme : "");
}

/* The list's Atom feed: the same needs as the page, newest first. */
static void
send_feed(struct request *req, json_t *rows, const char *title, const char *query)
{
	struct feed f;
	feed_begin(req, &f, title, query);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		long long id = json_integer_value(json_object_get(r, "origin_id"));
		char when[ATOM_TIME_SIZE], updated[ATOM_TIME_SIZE];
		const char *answered = json_string_value(json_object_get(r, "answered_at"));
		const char *summary = json_string_value(json_object_get(r, "answer"));
		feed_add(&f,
			 &(struct atom_entry){
				 .id = feed_tag(req, arena_printf(req->arena, "need/%s/%lld",
								  NEED_OWNER, id)),
				 .title = arena_printf(
					 req->arena, "%s · %s", json_str(r, "text"),
					 need_quarter_label(req, json_str(r, "quarter"))),
				 .link = arena_printf(req->arena, "/needs/%lld", id),
				 .updated = atom_time(
					 updated, answered ? answered : json_str(r, "created_at")),
				 .published = atom_time(when, json_str(r, "created_at")),
				 .category = json_str(r, "theme"),
				 .category_label = need_theme_label(req, json_str(r, "theme")),
				 .summary = feed_summary(
					 req, summary ? summary : json_str(r, "text"), false),
			 });
	}
	feed_send(&f);
}

void
page_needs(struct request *req)
{
	const char *quarter = http_query_value(req, "quarter");
	const char *theme = http_query_value(req, "theme");
	if ((quarter && !need_quarter_is_valid(quarter)) ||
	    (theme && !need_theme_is_valid(req->app, theme))) {
		http_error(req, STATUS_INVALID, "invalid_need_filter",
			   "choose a quarter and a theme from the lists");
		return;
	}
	json_t *rows = db_need_list(quarter, theme, NEED_LIST_LIMIT);
	const char *query = filter_query(req, quarter, theme);
	const char *title = json_string_value(json_object_get(req->t, "need_list_title"));
	if (rows && feed_wanted(req)) {
		send_feed(req, rows, title, query);
		json_decref(rows);
		return;
	}
	json_t *agg = rows ? db_need_aggregates() : NULL;
	json_t *map_rows = agg ? need_map_rows(req, theme) : NULL;
	if (!map_rows) {
		json_decref(agg);
		json_decref(rows);
		page_db_unavailable(req);
		return;
	}
	label_aggregates(req, agg);
	json_t *needs = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) json_array_append_new(needs, need_view(req, r));
	json_decref(rows);
	json_t *view =
		json_pack("{s:o, s:o, s:o, s:o, s:o, s:b}", "needs", needs, "aggregates", agg,
			  "quarters", page_options(req, site_quarters, quarter_label, quarter),
			  "themes", page_options(req, theme_codes(req), theme_label, theme),
			  "filter", json_pack("{s:s?, s:s?}", "quarter", quarter, "theme", theme),
			  "can_express", is_citizen(req));
	/* the map of the quarters (the theme filter carried), its rows the table without JS */
	json_t *map = map_view(req, arena_printf(req->arena, "/needs.geojson%s%s",
						 theme ? "?theme=" : "", theme ? theme : ""));
	json_object_set_new(
		map, "label",
		json_string(json_string_value(json_object_get(req->t, "need_map_label"))));
	json_object_set_new(view, "map", map);
	json_object_set_new(view, "map_rows", map_rows);
	json_object_set_new(
		view, "map_theme",
		json_string(theme ? theme_label(req, theme)
				  : json_string_value(json_object_get(req->t, "filter_all"))));
	feed_advertise(req, title, query);
	http_render(req, 200, "need_list", view);
}

/* The need named by {id}, visible; NULL when it replied 404/503. */
static json_t *
need_of(struct request *req)
{
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *row = id > 0 ? db_need_get(NEED_OWNER, id, &st) : NULL;
	if (!row)
		page_read_failed(req, st, "need_not_found", "there is no such need");
	return row;
}

void
page_need_item(struct request *req)
{
	json_t *row = need_of(req);
	if (!row)
		return;
	if (is_citizen(req) && !req->want_json)
		page_form_csrf(req);
	json_t *view =
		json_pack("{s:o, s:b, s:b, s:b}", "need", need_view(req, row), "can_support",
			  is_citizen(req), "supported", http_query_value(req, "supported") != NULL,
			  "withdrawn", http_query_value(req, "withdrawn") != NULL);
	json_decref(row);
	http_render(req, 200, "need_item", view);
}

/* The form, with what was typed and the refusal when there was one. */
static void
render_form(struct request *req, unsigned code, const char *error, json_t *typed)
{
	struct participant p;
	bool verified = participant_of(req, &p);
	http_csrf(req);
	char *verify = participation_verify_url("/needs/new");
	json_t *view = json_pack(
		"{s:b, s:s, s:o, s:o, s:o?, s:s?}", "verified", verified, "verify_url", verify,
		"quarters",
		page_options(req, site_quarters, quarter_label, json_str(typed, "quarter")),
		"themes",
		page_options(req, theme_codes(req), theme_label, json_str(typed, "theme")), "typed",
		typed, "error",
		error ? json_string_value(json_object_get(
				req->t, arena_printf(req->arena, "error_%s", error)))
		      : NULL);
	free(verify);
	http_render(req, code, "need_new", view);
}

void
page_need_new(struct request *req)
{
	render_form(req, 200, NULL, NULL);
}

/* In a transaction: the need and its author's "me too", then need.created. The row or NULL. */
static json_t *
create(struct request *req, const struct participant *p, const char *quarter, const char *theme,
       const char *text, const char *name, enum status *st)
{
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return NULL;
	json_t *r = db_need_create(quarter, theme, text, name, req->lang, 1, 0);
	long long id = r ? json_integer_value(json_object_get(r, "id")) : 0;
	char at[OUTBOX_TIME_SIZE] = "";
	int rc = r && participation_support_add("need", id, p) == SUPPORT_ADDED ? 0 : -1;
	if (rc == 0) {
		json_t *data = json_pack(
			"{s:I, s:O, s:O, s:O, s:O, s:O}", "id", (json_int_t)id, "quarter",
			json_object_get(r, "quarter"), "theme", json_object_get(r, "theme"), "text",
			json_object_get(r, "text"), "display_name",
			json_object_get(r, "display_name"), "lang", json_object_get(r, "lang"));
		/* supporters_sent stays 0: the tally job sends the author's "me too" */
		rc = need_emit("need.created", r, data, at);
	}
	if (rc == 0)
		rc = db_need_set_created_at(id, at);
	if (rc < 0 || db_commit() < 0) {
		*st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY : STATUS_UNAVAILABLE;
		db_rollback();
		json_decref(r);
		return NULL;
	}
	*st = STATUS_OK;
	return r;
}

void
page_need_create(struct request *req)
{
	struct participant p;
	if (!participant_of(req, &p)) {
		participation_require(req, "/needs/new");
		return;
	}
	if (!page_rate_allow(req, "need", NEED_RATE_PER_MINUTE, "too_many_needs",
			     "too many needs from this connection; wait a minute"))
		return;
	const char *quarter = http_form_value(req, "quarter");
	const char *theme = http_form_value(req, "theme");
	const char *text = text_clean(req, http_form(req, "text"));
	const char *name = text_clean(req, http_form(req, "display_name"));
	const char *bad = !need_quarter_is_valid(quarter)         ? "invalid_need_quarter"
			  : !need_theme_is_valid(req->app, theme) ? "invalid_need_theme"
								  : need_check(text, name);
	if (bad) {
		if (req->want_json)
			http_error(req, STATUS_INVALID, bad,
				   "the need cannot be accepted as written");
		else
			render_form(req, 400, bad,
				    json_pack("{s:s?, s:s?, s:s?, s:s?}", "quarter", quarter,
					      "theme", theme, "text", text, "display_name", name));
		return;
	}
	enum status st;
	json_t *r = create(req, &p, quarter, theme, text, name, &st);
	if (!r) {
		page_write_failed(req, st, "need_not_found", "need_conflict");
		return;
	}
	long long id = json_integer_value(json_object_get(r, "id"));
	log_info("need %lld expressed", id);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 201, json_pack("{s:o}", "need", need_view(req, r)));
	else
		http_redirect(req, arena_printf(req->arena, "/needs/%lld", id));
	json_decref(r);
}

/*
 * "me too" (add) or its withdrawal. Adding writes only the supports row: the need's count is
 * brought up to date by the tally job (hook_need.c) within NEED_TALLY_INTERVAL_S, so a burst
 * of supports does not queue on the need's row; the answer carries the count as last tallied.
 * A withdrawal (rare) updates the row at once.
 */
static void
me_too(struct request *req, bool add)
{
	json_t *row = need_of(req);
	if (!row)
		return;
	long long id = json_integer_value(json_object_get(row, "id"));
	const char *path = arena_printf(req->arena, "/needs/%lld", id);
	struct participant p;
	if (!participant_of(req, &p)) {
		participation_require(req, path);
		goto out;
	}
	if (!page_rate_allow(req, "me_too", ME_TOO_RATE_PER_MINUTE, "too_many_supports",
			     "too many supports from this connection; wait a minute"))
		goto out;
	long long n = -1;
	enum support_outcome o = SUPPORT_FAILED;
	if (db_begin() == 0) {
		o = add ? participation_support_add("need", id, &p)
			: participation_support_remove("need", id, &p);
		/* the count as last tallied: counting the rows here would make each support of
		 * a popular need cost as much as all the earlier ones */
		n = o == SUPPORT_FAILED ? -1
					: json_integer_value(json_object_get(row, "supporters"));
		if (o == SUPPORT_REMOVED) {
			long long live = participation_support_count("need", id);
			int set = live < 0 ? -1 : db_need_supporters_set(id, live);
			n = set < 0 ? -1 : set > 0 ? set : n;
		}
	}
	if (o == SUPPORT_FAILED || n < 0 || db_commit() < 0) {
		db_rollback();
		page_write_failed(req, STATUS_UNAVAILABLE, "need_not_found", "need_conflict");
		goto out;
	}
	if (o == SUPPORT_ALREADY) {
		http_error(req, STATUS_CONFLICT, "already_supported",
			   "you support this need already (one per verified contact)");
		goto out;
	}
	if (o == SUPPORT_ABSENT) {
		http_error(req, STATUS_CONFLICT, "not_supported", "you do not support this need");
		goto out;
	}
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200,
			  json_pack("{s:I, s:I, s:b}", "id", (json_int_t)id, "supporters",
				    (json_int_t)(n + json_integer_value(json_object_get(
							     row, "supporters_base"))),
				    "supported", add));
	else
		http_redirect(req, arena_printf(req->arena, "%s?%s=1#me-too", path,
						add ? "supported" : "withdrawn"));
out:
	json_decref(row);
}

void
page_need_me_too(struct request *req)
{
	me_too(req, true);
}

void
page_need_withdraw(struct request *req)
{
	me_too(req, false);
}
