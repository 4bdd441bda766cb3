// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * /pilot/assessment (both platforms): the pilot period's figures counted here from both logs'
 * data (module_facts over the period), their canonical digest, each side's signature of it
 * (pilot.assessment_signed), "shared" only when both signed the same digest, the difference
 * otherwise; a chart and its table, the criteria at the start and now, the questionnaire's
 * aggregate (citizen platform), the sides' conclusions; ?format=csv, and the JSON twin.
 * POST /staff/pilot/sign: this side signs the figures it counts, with its conclusion.
 */
#include "db_pilot.h"
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/csv.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/static_files.h"
#include "common/strbuf.h"
#include "common/svg_chart.h"
#include "criteria/criteria.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONCLUSION_MAX 4000 /* characters */

/* The figures of the period counted here ({name: count}), or NULL when the database failed;
 * declared (may be NULL) gets the configured "declared" facts this platform alone holds. */
static json_t *
figures_here(struct app *app, const struct pilot_period *p, json_t **declared)
{
	json_t *facts = module_facts(app, p->from, p->to);
	if (!facts)
		return NULL;
	const json_t *cfg = pilot_config(app);
	json_t *f = pilot_figures_of(json_object_get(cfg, "figures"), facts);
	pilot_breakdown_add(json_object_get(cfg, "breakdown"), facts, f);
	if (declared) {
		*declared = json_object();
		size_t i;
		json_t *n;
		json_array_foreach(json_object_get(cfg, "declared"), i, n)
		{
			json_t *fact = json_object_get(facts, json_string_value(n));
			if (fact)
				json_object_set(*declared, json_string_value(n),
						json_object_get(fact, "count"));
		}
	}
	json_decref(facts);
	return f;
}

static const char *
figure_label(struct request *req, const char *name)
{
	char *key = arena_printf(req->arena, "pilot_fig_%s", name);
	for (char *c = key; *c; c++)
		if (*c == '.')
			*c = '_';
	return i18n_get(req->app->i18n, req->lang, key);
}

static json_t *
value_of(json_t *sig, const char *name)
{
	json_t *v = json_object_get(json_object_get(sig, "figures"), name);
	return v ? json_incref(v) : json_null();
}

/* The name of a quarter or of a language (dim "quarter" or "lang") for the reader. */
static const char *
dim_label(struct request *req, const char *dim, const char *code)
{
	if (strcmp(dim, "quarter") == 0) {
		const char *key = arena_printf(req->arena, "project_quarter_%s", code);
		const char *l = i18n_get(req->app->i18n, req->lang, key);
		return strcmp(l, key) == 0 ? code : l;
	}
	size_t i;
	json_t *l;
	json_array_foreach(i18n_languages(req->app->i18n), i,
			   l) if (strcmp(json_string_value(json_object_get(l, "code")), code) ==
				  0) return json_string_value(json_object_get(l, "name"));
	return code;
}

/* Participation by quarter or by the language of the page (dim): {kinds: [label], rows:
 * [{label, cells: [count per kind]}]}, from the figures' "<kind>.<dim>.<code>". */
static json_t *
breakdown_view(struct request *req, json_t *figures, const char *dim)
{
	json_t *kinds = json_object_get(pilot_config(req->app), "breakdown");
	json_t *by_code = json_object(); /* code -> [count per kind] */
	size_t nkinds = json_array_size(kinds);
	const char *name;
	json_t *v;
	json_object_foreach(figures, name, v)
	{
		size_t i;
		json_t *k;
		json_array_foreach(kinds, i, k)
		{
			const char *prefix =
				arena_printf(req->arena, "%s.%s.", json_string_value(k), dim);
			if (strncmp(name, prefix, strlen(prefix)) != 0)
				continue;
			const char *code = name + strlen(prefix);
			json_t *cells = json_object_get(by_code, code);
			if (!cells) {
				cells = json_array();
				for (size_t j = 0; j < nkinds; j++)
					json_array_append_new(cells, json_integer(0));
				json_object_set_new(by_code, code, cells);
			}
			json_array_set(cells, i, v);
		}
	}
	json_t *rows = json_array();
	const char *code;
	json_t *cells;
	json_object_foreach(by_code, code, cells)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:O}", "code", code, "label",
						      dim_label(req, dim, code), "cells", cells));
	json_decref(by_code);
	json_t *labels = json_array();
	size_t i;
	json_t *k;
	json_array_foreach(kinds, i, k) json_array_append_new(
		labels, json_pack("{s:s}", "label", figure_label(req, json_string_value(k))));
	return json_pack("{s:o, s:o, s:b}", "kinds", labels, "rows", rows, "has_rows",
			 json_array_size(rows) > 0);
}

/* The table's rows, the chart and the CSV come from the same rows. */
static json_t *
figure_rows(struct request *req, json_t *names, json_t *here, json_t *sigs)
{
	json_t *rows = json_array();
	json_t *off = json_object_get(sigs, "official"), *cit = json_object_get(sigs, "citizen");
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n)
	{
		const char *name = json_string_value(n);
		json_t *o = value_of(off, name), *c = value_of(cit, name);
		bool differs = off && cit && !json_equal(o, c);
		json_array_append_new(rows,
				      json_pack("{s:s, s:s, s:O, s:o, s:o, s:b}", "name", name,
						"label", figure_label(req, name), "here",
						json_object_get(here, name), "official", o,
						"citizen", c, "differs", differs));
	}
	return rows;
}

static char *
chart_svg(struct request *req, json_t *rows)
{
	size_t n = json_array_size(rows);
	struct svg_bar_group *groups = arena_alloc(req->arena, (n ? n : 1) * sizeof(*groups));
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		long long v = json_integer_value(json_object_get(r, "here"));
		groups[i] = (struct svg_bar_group){
			.label = json_string_value(json_object_get(r, "label")),
			.values = {v},
			.texts = {arena_printf(req->arena, "%lld", v)},
		};
	}
	struct svg_bar_chart c = {
		.id = "pilot-figures",
		.title = i18n_get(req->app->i18n, req->lang, "pilot_chart_title"),
		.desc = i18n_get(req->app->i18n, req->lang, "pilot_chart_desc"),
		.series = {i18n_get(req->app->i18n, req->lang, "pilot_col_here")},
		.nseries = 1,
		.groups = groups,
		.ngroups = n,
		.rtl = i18n_is_rtl(req->lang),
	};
	struct strbuf out = STRBUF_INIT;
	svg_bar_chart(&out, &c);
	char *s = arena_printf(req->arena, "%s", out.buf);
	strbuf_release(&out);
	return s;
}

static void
send_csv(struct request *req, json_t *rows, json_t *here)
{
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, "name,label,here,signed_official,signed_citizen\r\n");
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		csv_add_field(&out, json_string_value(json_object_get(r, "name")));
		strbuf_addch(&out, ',');
		csv_add_text(&out, json_string_value(json_object_get(r, "label")));
		const char *cols[] = {"here", "official", "citizen"};
		for (size_t k = 0; k < 3; k++) {
			json_t *v = json_object_get(r, cols[k]);
			strbuf_addch(&out, ',');
			if (json_is_integer(v))
				strbuf_addf(&out, "%lld", (long long)json_integer_value(v));
		}
		strbuf_addstr(&out, "\r\n");
	}
	/* then the counts by quarter and by language, counted here */
	const char *name;
	json_t *v;
	json_object_foreach(here, name, v)
	{
		bool listed = false;
		json_array_foreach(rows, i, r) listed =
			listed || strcmp(json_string_value(json_object_get(r, "name")), name) == 0;
		if (listed)
			continue;
		csv_add_field(&out, name);
		strbuf_addf(&out, ",,%lld,,\r\n", (long long)json_integer_value(v));
	}
	http_add_header(req, "Content-Disposition",
			"attachment; filename=\"pilot-assessment.csv\"");
	size_t len = out.len;
	http_send_owned(req, 200, "text/csv; charset=utf-8", strbuf_detach(&out, NULL), len);
}

/* The criteria at the period's start and now (or at its end): [{id, label, start, now}]. */
static json_t *
criteria_evolution(struct request *req, const struct pilot_period *p)
{
	time_t now = time(NULL);
	json_t *a = criteria_evaluate(req->app, p->start);
	json_t *b = criteria_evaluate(req->app, now < p->end ? now : p->end);
	json_t *rows = NULL;
	if (a && b) {
		rows = json_array();
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(b, "criteria"), i, c)
		{
			json_t *before = json_array_get(json_object_get(a, "criteria"), i);
			const char *s0 = json_string_value(json_object_get(before, "status"));
			const char *s1 = json_string_value(json_object_get(c, "status"));
			json_array_append_new(
				rows,
				json_pack("{s:O, s:s, s:s, s:s, s:s, s:s}", "id",
					  json_object_get(c, "id"), "label",
					  i18n_pick(json_object_get(c, "label"), req->lang, NULL),
					  "start", s0, "now", s1, "start_text",
					  i18n_get(req->app->i18n, req->lang,
						   strcmp(s0, "met") == 0 ? "criteria_met"
									  : "criteria_not_met"),
					  "now_text",
					  i18n_get(req->app->i18n, req->lang,
						   strcmp(s1, "met") == 0 ? "criteria_met"
									  : "criteria_not_met")));
		}
	}
	json_decref(a);
	json_decref(b);
	return rows;
}

/* What each side declared (counts only it holds): [{label, value, by_official}]. */
static json_t *
declared_rows(struct request *req, json_t *sigs)
{
	json_t *rows = json_array();
	const char *sides[] = {"official", "citizen"};
	for (size_t i = 0; i < 2; i++) {
		const char *name;
		json_t *v;
		json_object_foreach(json_object_get(json_object_get(sigs, sides[i]), "declared"),
				    name, v)
			json_array_append_new(rows, json_pack("{s:s, s:s, s:O, s:b}", "name", name,
							      "label", figure_label(req, name),
							      "value", v, "by_official", i == 0));
	}
	return rows;
}

static void
add_signature_views(struct request *req, json_t *view, json_t *sigs)
{
	const char *sides[] = {"official", "citizen"};
	for (size_t i = 0; i < 2; i++) {
		json_t *s = json_object_get(sigs, sides[i]);
		if (!s)
			continue;
		const char *text = i18n_pick(json_object_get(s, "conclusion"), req->lang, NULL);
		json_object_set_new(view, arena_printf(req->arena, "signed_%s", sides[i]),
				    json_pack("{s:O, s:O, s:o}", "digest",
					      json_object_get(s, "digest"), "signed_at",
					      json_object_get(s, "signed_at"), "conclusion_lines",
					      text_lines(text ? text : "")));
	}
}

void
page_pilot_assessment(struct request *req)
{
	struct pilot_period p;
	pilot_period(req->app, &p);
	json_t *names = json_object_get(pilot_config(req->app), "figures");
	json_t *here = figures_here(req->app, &p, NULL);
	json_t *sigs = here ? db_pilot_signatures(p.from) : NULL;
	json_t *evolution = sigs ? criteria_evolution(req, &p) : NULL;
	json_t *survey = NULL;
	if (evolution && strcmp(req->app->side, "citizen") == 0 &&
	    !(survey = pilot_survey_view(req))) {
		json_decref(evolution);
		evolution = NULL;
	}
	if (!evolution) {
		json_decref(here);
		json_decref(sigs);
		page_db_unavailable(req);
		return;
	}
	char digest[PILOT_DIGEST_SIZE];
	pilot_digest(p.from, p.to, here, digest);
	json_t *rows = figure_rows(req, names, here, sigs);
	const char *format = http_query_value(req, "format");
	if (format && strcmp(format, "csv") == 0) {
		send_csv(req, rows, here);
		json_decref(rows);
		json_decref(here);
		json_decref(sigs);
		json_decref(evolution);
		json_decref(survey);
		return;
	}
	json_t *off = json_object_get(sigs, "official"), *cit = json_object_get(sigs, "citizen");
	bool shared = off && cit &&
		      json_equal(json_object_get(off, "digest"), json_object_get(cit, "digest"));
	json_t *diff = off && cit ? pilot_figures_diff(json_object_get(off, "figures"),
						       json_object_get(cit, "figures"))
				  : json_array();
	json_t *view = json_pack("{s:{s:s, s:s}, s:o, s:s, s:b, s:b, s:b, s:o, s:o, s:o}", "period",
				 "from", p.from, "to", p.to, "figures", here, "digest", digest,
				 "shared", shared, "differs", json_array_size(diff) > 0,
				 "signed_here", json_object_get(sigs, req->app->side) != NULL,
				 "rows", rows, "difference", diff, "criteria", evolution);
	if (survey)
		json_object_set_new(view, "survey", survey);
	json_object_set_new(view, "signatures", json_incref(sigs));
	if (!req->want_json) {
		add_signature_views(req, view, sigs);
		json_t *declared = declared_rows(req, sigs);
		json_object_set_new(view, "has_declared", json_boolean(json_array_size(declared)));
		json_object_set_new(view, "declared", declared);
		json_object_set_new(view, "chart_svg", json_string(chart_svg(req, rows)));
		json_t *figs = json_object_get(view, "figures");
		json_object_set_new(view, "by_quarter", breakdown_view(req, figs, "quarter"));
		json_object_set_new(view, "by_lang", breakdown_view(req, figs, "lang"));
		size_t i;
		json_t *d;
		json_array_foreach(diff, i, d) json_object_set_new(
			d, "label",
			json_string(
				figure_label(req, json_string_value(json_object_get(d, "name")))));
		if (app_can(req->app, req->user, "pilot.sign")) {
			http_csrf(req);
			json_object_set_new(view, "can_sign", json_true());
		}
	}
	json_decref(sigs);
	if (!req->want_json)
		json_object_set_new(view, "css",
				    json_string(static_files_url(req->app->statics, "pilot.css")));
	http_render(req, 200, "pilot_assessment", view);
}

void
page_staff_pilot_sign(struct request *req)
{
	if (!page_require(req, "pilot.sign"))
		return;
	json_t *conclusion = json_object();
	const char *langs[] = {"ar", "fr"};
	for (size_t i = 0; i < 2; i++) {
		const char *t =
			http_form_value(req, arena_printf(req->arena, "conclusion_%s", langs[i]));
		if (!t || utf8_length(t) > CONCLUSION_MAX || text_has_control(t, true) ||
		    text_has_bidi_control(t)) {
			json_decref(conclusion);
			http_error(req, STATUS_INVALID, "conclusion_invalid",
				   "a conclusion in Arabic and in French, at most 4000 characters");
			return;
		}
		json_object_set_new(conclusion, langs[i], json_string(t));
	}
	struct pilot_period p;
	pilot_period(req->app, &p);
	json_t *declared = NULL;
	json_t *figures = figures_here(req->app, &p, &declared);
	if (!figures) {
		json_decref(conclusion);
		page_db_unavailable(req);
		return;
	}
	char digest[PILOT_DIGEST_SIZE], when[OUTBOX_TIME_SIZE];
	pilot_digest(p.from, p.to, figures, digest);
	int rc = -1;
	if (db_begin() == 0) {
		json_t *data = json_pack("{s:{s:s, s:s}, s:s, s:O, s:O}", "period", "from", p.from,
					 "to", p.to, "digest", digest, "figures", figures,
					 "conclusion", conclusion);
		if (json_object_size(declared) > 0)
			json_object_set(data, "declared", declared);
		json_t *refs = json_pack("[{s:s, s:s, s:s}]", "origin", req->app->side, "type",
					 "pilot_assessment", "id", p.from);
		rc = outbox_emit("pilot.assessment_signed", refs, data, when);
		if (rc == 0)
			rc = db_pilot_signature_add(req->app->side, p.from, p.to, digest, figures,
						    conclusion, declared, when);
		if (rc < 0 || db_commit() < 0) {
			db_rollback();
			rc = rc < 0 ? rc : -1;
		}
	}
	json_decref(figures);
	json_decref(declared);
	json_decref(conclusion);
	if (rc == OUTBOX_BUSY)
		page_busy(req);
	else if (rc < 0)
		page_write_failed(req, STATUS_UNAVAILABLE, "pilot_not_found", "");
	else if (req->want_json)
		http_json(req, 201, json_pack("{s:s, s:s}", "digest", digest, "signed_at", when));
	else {
		http_cache_bump();
		http_redirect(req, "/pilot/assessment");
	}
}
