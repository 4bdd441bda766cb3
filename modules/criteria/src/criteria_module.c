// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The criteria module: loads config/criteria.json (a theme may override it), evaluates this
 * platform's criteria from the served modules' facts (module_facts) at request time, and serves
 * /criteria (HTML and JSON twin) and /.well-known/baladiya-criteria.json.
 */
#include "criteria/criteria.h"

#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/module.h"
#include "common/page_util.h"
#include "common/router.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <string.h>

#define CRITERIA_ASSET "config/criteria.json"

static int
criteria_open(struct app *app)
{
	char why[160];
	int rc = -1;
	json_t *cfg = app_asset_json(app, CRITERIA_ASSET);
	if (!cfg)
		goto out;
	if (criteria_config_check(cfg, why, sizeof(why)) < 0) {
		log_error("%s: %s", CRITERIA_ASSET, why);
		goto out;
	}
	module_state_set(app, &criteria_module, cfg);
	cfg = NULL;
	rc = 0;
out:
	json_decref(cfg);
	return rc;
}

static void
criteria_close(struct app *app)
{
	json_decref(module_state(app, &criteria_module));
	module_state_set(app, &criteria_module, NULL);
}

static void
utc_text(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
is_served(struct app *app, const char *path)
{
	struct route_match m;
	return router_match(app->routes, app->nroutes, "GET", path, &m, NULL) == ROUTER_FOUND;
}

json_t *
criteria_evaluate(struct app *app, time_t now)
{
	json_t *cfg = module_state(app, &criteria_module);
	json_t *by_days = json_object(); /* the facts of each period, read once */
	json_t *list = json_array();
	char at[32], to[32];
	utc_text(now, at);
	/* rows of this very second count: the bound is exclusive, times have microseconds */
	utc_text(now + 1, to);
	long long met = 0;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(cfg, "criteria"), i, c)
	{
		if (!criterion_applies(c, app->side))
			continue;
		char key[24];
		long long days = criterion_days(c);
		snprintf(key, sizeof(key), "%lld", days);
		json_t *facts = json_object_get(by_days, key);
		if (!facts) {
			char from[32];
			utc_text(now - (time_t)days * 86400, from);
			facts = module_facts(app, days > 0 ? from : NULL, to);
			if (!facts) {
				json_decref(list);
				json_decref(by_days);
				return NULL;
			}
			json_object_set_new(by_days, key, facts);
		}
		const char *page = json_string_value(json_object_get(c, "page"));
		struct criterion_input in = {
			.facts = facts,
			.page_served = page && is_served(app, page),
			.site = app->site,
			.nlanguages = json_array_size(i18n_languages(app->i18n)),
		};
		json_t *r = criterion_evaluate(c, &in);
		json_object_set(r, "label", json_object_get(c, "label"));
		met += strcmp(json_string_value(json_object_get(r, "status")), "met") == 0;
		json_array_append_new(list, r);
	}
	json_decref(by_days);
	json_t *site = json_object_get(app->site, "name");
	return json_pack("{s:s, s:o, s:s, s:I, s:I, s:o}", "platform", app->side, "site_name",
			 site ? json_deep_copy(site) : json_null(), "evaluated_at", at, "met",
			 (json_int_t)met, "total", (json_int_t)json_array_size(list), "criteria",
			 list);
}

/* The reader's view: labels and statuses in their language, details spelled out. */
static void
view_for_reader(struct request *req, json_t *doc)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(doc, "criteria"), i, r)
	{
		bool met = strcmp(json_string_value(json_object_get(r, "status")), "met") == 0;
		json_object_set_new(
			r, "label_text",
			json_string(i18n_pick(json_object_get(r, "label"), req->lang, NULL)));
		json_object_set_new(r, "is_met", json_boolean(met));
		json_object_set_new(
			r, "status_text",
			json_string(i18n_get(req->app->i18n, req->lang,
					     met ? "criteria_met" : "criteria_not_met")));
	}
}

static void
page_criteria(struct request *req)
{
	json_t *doc = criteria_evaluate(req->app, time(NULL));
	if (!doc) {
		page_db_unavailable(req);
		return;
	}
	if (!req->want_json)
		view_for_reader(req, doc);
	http_render(req, 200, "criteria", doc);
}

static void
api_criteria_well_known(struct request *req)
{
	json_t *doc = criteria_evaluate(req->app, time(NULL));
	if (!doc) {
		page_db_unavailable(req);
		return;
	}
	json_object_set_new(doc, "version", json_integer(1));
	http_add_header(req, "Access-Control-Allow-Origin", "*");
	http_json(req, 200, doc);
}

// clang-format off
static const struct route criteria_routes[] = {
	{"GET", "/criteria", page_criteria, ROUTE_JSON_TWIN, 0, "criteria"},
	{"GET", "/.well-known/baladiya-criteria.json", api_criteria_well_known, ROUTE_API, 0,
	 "criteria_well_known"},
};
// clang-format on

static const struct nav_link criteria_footer[] = {
	{"/criteria", "nav_criteria", NULL},
	{NULL, NULL, NULL},
};

#define CRITERIA_SIDE                                                                              \
	{                                                                                          \
		MODULE_ROUTES(criteria_routes), .footer = criteria_footer                          \
	}

extern const struct embedded_file criteria_assets_files[];

const struct module criteria_module = {
	.name = "criteria",
	.assets = criteria_assets_files,
	.open = criteria_open,
	.close = criteria_close,
	.official = CRITERIA_SIDE,
	.citizen = CRITERIA_SIDE,
};
