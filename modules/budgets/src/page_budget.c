// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A budget document's public parts, on both platforms: the item page's totals by section,
 * chapter and year, server-rendered SVG charts each followed by its table, the lines
 * themselves (all of them in the JSON twin), and the lines as open-data CSV.
 */
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "common/svg_chart.h"
#include "common/xalloc.h"
#include "db_budget.h"
#include "publications/db_publication.h"
#include "publications/page_publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_PAGE_LINES 500    /* rows of the HTML lines table (CSV, JSON: all) */
#define BUDGET_YEARS 6           /* documents in the year-against-year chart */
#define BUDGET_CHART_CHAPTERS 30 /* bars of a chapter chart (its table: all) */

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* ---- the item page ---- */

/* Executed / planned in whole percents (rounded half up, like the accountability figures), or
 * -1 when nothing was planned. */
static long long
rate_pct(long long planned, long long executed)
{
	if (planned <= 0)
		return -1;
	return (long long)((long double)executed * 100.0L / (long double)planned + 0.5L);
}

struct total {
	const char *key;   /* section, chapter code or year */
	const char *label; /* as shown */
	int section;
	long long planned, executed;
	size_t lines;
	long long id; /* a year's document */
};

static json_t *
total_view(struct request *req, const struct total *t)
{
	long long r = rate_pct(t->planned, t->executed);
	json_t *v =
		json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "label", t->label, "planned",
			  (json_int_t)t->planned, "executed", (json_int_t)t->executed, "lines",
			  (json_int_t)t->lines, "planned_text", pub_digits_text(req, t->planned),
			  "executed_text", pub_digits_text(req, t->executed), "rate_text",
			  r < 0 ? "—" : arena_printf(req->arena, "%lld%%", r));
	json_object_set_new(v, "rate_pct", r < 0 ? json_null() : json_integer(r));
	return v;
}

/* A chart of planned vs executed over totals, with its text alternative. */
static const char *
chart(struct request *req, const char *id, const char *title, const struct total *totals, size_t n)
{
	struct svg_bar_group *groups = xcalloc(n ? n : 1, sizeof(*groups));
	struct strbuf desc = STRBUF_INIT, out = STRBUF_INIT;
	const char *planned = t_get(req, "budget_series_planned");
	const char *executed = t_get(req, "budget_series_executed");
	const char *currency = t_get(req, "currency");
	for (size_t i = 0; i < n; i++) {
		groups[i].label = totals[i].label;
		groups[i].values[0] = totals[i].planned;
		groups[i].values[1] = totals[i].executed;
		groups[i].texts[0] = pub_digits_text(req, totals[i].planned);
		groups[i].texts[1] = pub_digits_text(req, totals[i].executed);
		long long r = rate_pct(totals[i].planned, totals[i].executed);
		strbuf_addf(&desc, "%s%s: %s %s %s, %s %s %s", i ? ". " : "", totals[i].label,
			    planned, groups[i].texts[0], currency, executed, groups[i].texts[1],
			    currency);
		if (r >= 0)
			strbuf_addf(&desc, " (%lld%%)", r);
	}
	struct svg_bar_chart c = {
		.id = id,
		.title = title,
		.desc = desc.len ? desc.buf : NULL,
		.series = {t_get(req, "budget_planned"), t_get(req, "budget_executed")},
		.nseries = 2,
		.groups = groups,
		.ngroups = n,
		.rtl = req->rtl,
	};
	svg_bar_chart(&out, &c);
	const char *svg = arena_strdup(req->arena, out.buf);
	strbuf_release(&out);
	strbuf_release(&desc);
	free(groups);
	return svg;
}

static const char *
chapter_label(struct request *req, const char *chapter)
{
	if (strspn(chapter, "0123456789") == strlen(chapter))
		return arena_printf(req->arena, "%s %s", t_get(req, "budget_chapter"), chapter);
	return chapter;
}

/* Chapters of one section in the order they first appear; totals grows as needed. */
static size_t
chapter_totals(struct request *req, json_t *lines, int section, struct total **out)
{
	struct total *t = NULL;
	size_t n = 0, alloc = 0, i;
	json_t *index = json_object(), *l;
	json_array_foreach(lines, i, l)
	{
		if (budget_section_index(json_string_value(json_object_get(l, "section"))) !=
		    section)
			continue;
		const char *chapter = json_string_value(json_object_get(l, "chapter"));
		json_t *at = json_object_get(index, chapter);
		size_t k;
		if (at) {
			k = (size_t)json_integer_value(at);
		} else {
			k = n++;
			ALLOC_GROW(t, n, alloc);
			memset(&t[k], 0, sizeof(t[k]));
			t[k].key = arena_strdup(req->arena, chapter);
			t[k].label = chapter_label(req, t[k].key);
			t[k].section = section;
			json_object_set_new(index, chapter, json_integer((json_int_t)k));
		}
		t[k].planned += json_integer_value(json_object_get(l, "planned"));
		t[k].executed += json_integer_value(json_object_get(l, "executed"));
		t[k].lines++;
	}
	json_decref(index);
	*out = t;
	return n;
}

/* The first BUDGET_PAGE_LINES lines for the HTML table, grouped by section, amounts shown. */
static json_t *
line_groups(struct request *req, json_t *lines)
{
	json_t *groups = json_array();
	size_t shown = 0;
	for (int s = 0; s < BUDGET_NSECTIONS; s++) {
		json_t *rows = json_array(), *l;
		size_t i;
		json_array_foreach(lines, i, l)
		{
			if (shown == BUDGET_PAGE_LINES)
				break;
			if (budget_section_index(
				    json_string_value(json_object_get(l, "section"))) != s)
				continue;
			shown++;
			json_array_append_new(
				rows,
				json_pack("{s:O, s:O, s:O, s:s, s:s}", "chapter",
					  json_object_get(l, "chapter"), "article",
					  json_object_get(l, "article"), "label",
					  json_object_get(l, "label"), "planned_text",
					  pub_digits_text(req, json_integer_value(json_object_get(
								       l, "planned"))),
					  "executed_text",
					  pub_digits_text(req, json_integer_value(json_object_get(
								       l, "executed")))));
		}
		if (json_array_size(rows))
			json_array_append_new(
				groups,
				json_pack("{s:s, s:o}", "section_label",
					  t_get(req, arena_printf(req->arena, "budget_section_%s",
								  budget_sections[s])),
					  "rows", rows));
		else
			json_decref(rows);
	}
	return groups;
}

static json_t *
years_view(struct request *req, json_t *item, json_t *b)
{
	json_t *data = json_object_get(item, "data");
	const char *type = json_string_value(json_object_get(data, "type"));
	int year = (int)json_integer_value(json_object_get(data, "year"));
	long long self = json_integer_value(json_object_get(item, "id"));
	json_t *years =
		type ? db_budget_year_totals(json_string_value(json_object_get(item, "origin")),
					     type, year, BUDGET_YEARS)
		     : NULL;
	if (!years)
		return json_array();
	size_t n = json_array_size(years), i;
	struct total *t = xcalloc(n ? n : 1, sizeof(*t));
	json_t *out = json_array(), *y;
	json_array_foreach(years, i, y)
	{
		t[i].id = json_integer_value(json_object_get(y, "id"));
		t[i].label =
			arena_printf(req->arena, "%lld",
				     (long long)json_integer_value(json_object_get(y, "year")));
		t[i].planned = json_integer_value(json_object_get(y, "planned"));
		t[i].executed = json_integer_value(json_object_get(y, "executed"));
		t[i].lines = (size_t)json_integer_value(json_object_get(y, "lines"));
		json_t *v = total_view(req, &t[i]);
		json_object_set(v, "year", json_object_get(y, "year"));
		json_object_set_new(v, "url", json_sprintf("/budgets/%lld", t[i].id));
		json_object_set_new(v, "is_current", json_boolean(t[i].id == self));
		json_array_append_new(out, v);
	}
	if (!req->want_json && n >= 2) {
		const char *type_label =
			t_get(req, arena_printf(req->arena, "budget_type_%s", type));
		json_object_set_new(
			b, "years_svg",
			json_string(
				chart(req, "chart-years",
				      arena_printf(req->arena, "%s — %s",
						   t_get(req, "budget_year_on_year"), type_label),
				      t, n)));
	}
	free(t);
	json_decref(years);
	return out;
}

/* The totals of lines by section (sec, labelled) and over all (all). */
static void
section_totals(struct request *req, json_t *lines, struct total sec[BUDGET_NSECTIONS],
	       struct total *all)
{
	size_t i;
	json_t *l;
	memset(sec, 0, BUDGET_NSECTIONS * sizeof(*sec));
	for (int s = 0; s < BUDGET_NSECTIONS; s++) {
		sec[s].key = budget_sections[s];
		sec[s].label = t_get(
			req, arena_printf(req->arena, "budget_section_%s", budget_sections[s]));
	}
	json_array_foreach(lines, i, l)
	{
		int s = budget_section_index(json_string_value(json_object_get(l, "section")));
		long long p = json_integer_value(json_object_get(l, "planned"));
		long long e = json_integer_value(json_object_get(l, "executed"));
		if (s < 0)
			continue;
		sec[s].planned += p;
		sec[s].executed += e;
		sec[s].lines++;
		all->planned += p;
		all->executed += e;
		all->lines++;
	}
}

/* The totals by section, and their chart when there are lines. */
static void
add_by_section(struct request *req, const struct total sec[BUDGET_NSECTIONS], size_t n, json_t *b)
{
	json_t *by_section = json_array();
	for (int s = 0; s < BUDGET_NSECTIONS; s++) {
		json_t *v = total_view(req, &sec[s]);
		json_object_set_new(v, "section", json_string(budget_sections[s]));
		json_array_append_new(by_section, v);
	}
	json_object_set_new(b, "by_section", by_section);
	if (!req->want_json && n)
		json_object_set_new(
			b, "sections_svg",
			json_string(chart(req, "chart-sections", t_get(req, "budget_by_section"),
					  sec, BUDGET_NSECTIONS)));
}

/* The chart of a section's chapters: the first BUDGET_CHART_CHAPTERS (its table: all). */
static void
add_chapter_chart(struct request *req, int s, const char *section_label, const struct total *ch,
		  size_t nch, json_t *group)
{
	const char *title =
		arena_printf(req->arena, "%s — %s", t_get(req, "budget_by_chapter"), section_label);
	const char *id = arena_printf(req->arena, "chart-chapters-%s", budget_sections[s]);
	bool cut = nch > BUDGET_CHART_CHAPTERS;
	json_object_set_new(group, "title", json_string(title));
	json_object_set_new(group, "id", json_string(id));
	json_object_set_new(group, "svg",
			    json_string(chart(req, id,
					      cut ? arena_printf(req->arena, "%s (%d / %zu)", title,
								 BUDGET_CHART_CHAPTERS, nch)
						  : title,
					      ch, cut ? BUDGET_CHART_CHAPTERS : nch)));
}

/* The totals by chapter of each section, with their charts. */
static json_t *
by_chapter(struct request *req, json_t *lines, const struct total sec[BUDGET_NSECTIONS])
{
	json_t *out = json_array();
	for (int s = 0; s < BUDGET_NSECTIONS; s++) {
		struct total *ch;
		size_t nch = chapter_totals(req, lines, s, &ch);
		json_t *rows = json_array();
		for (size_t k = 0; k < nch; k++) {
			json_t *v = total_view(req, &ch[k]);
			json_object_set_new(v, "chapter", json_string(ch[k].key));
			json_array_append_new(rows, v);
		}
		json_t *group = json_pack("{s:s, s:s, s:o, s:b}", "section", budget_sections[s],
					  "section_label", sec[s].label, "chapters", rows,
					  "has_chapters", nch > 0);
		if (!req->want_json && nch)
			add_chapter_chart(req, s, sec[s].label, ch, nch, group);
		json_array_append_new(out, group);
		free(ch);
	}
	return out;
}

void
budget_item_extras(struct request *req, json_t *item, json_t *view)
{
	if (strcmp(json_string_value(json_object_get(item, "kind")), "budget") != 0 ||
	    json_is_true(json_object_get(view, "is_unpublished")))
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	json_t *lines = db_budget_lines(id);
	if (!lines) {
		log_error("budget %lld: could not read its lines", id);
		return;
	}
	json_t *b = json_object();
	struct total all = {.label = t_get(req, "budget_total")};
	struct total sec[BUDGET_NSECTIONS];
	section_totals(req, lines, sec, &all);
	size_t n = json_array_size(lines);
	json_object_set_new(b, "line_count", json_integer((json_int_t)n));
	json_object_set_new(b, "has_lines", json_boolean(n > 0));
	json_object_set_new(b, "totals", total_view(req, &all));
	json_object_set_new(b, "csv_url", json_sprintf("/budgets/%lld/lines.csv", id));
	json_object_set_new(b, "json_url", json_sprintf("/budgets/%lld.json", id));
	add_by_section(req, sec, n, b);
	json_object_set_new(b, "by_chapter", by_chapter(req, lines, sec));
	json_t *years = years_view(req, item, b);
	json_object_set_new(b, "has_years", json_boolean(json_array_size(years) >= 2));
	json_object_set_new(b, "years", years);
	if (req->want_json) {
		json_object_set(b, "lines", lines);
	} else {
		json_object_set_new(b, "line_groups", line_groups(req, lines));
		json_object_set_new(b, "rows_partial", json_boolean(n > BUDGET_PAGE_LINES));
		json_object_set_new(
			b, "rows_shown",
			json_integer(n > BUDGET_PAGE_LINES ? BUDGET_PAGE_LINES : (json_int_t)n));
	}
	json_decref(lines);
	json_object_set_new(view, "budget", b);
}

/* ---- open data ---- */

json_t *
budget_load(struct request *req, bool include_drafts)
{
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 ? db_pub_get("budget", id, include_drafts, &st) : NULL;
	if (!item)
		page_read_failed(req, st, "budget_not_found", "there is no such budget document");
	return item;
}

void
page_budget_lines_csv(struct request *req)
{
	json_t *item = budget_load(req, false);
	if (!item)
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	json_t *data = json_object_get(item, "data");
	bool withdrawn =
		strcmp(json_string_value(json_object_get(item, "status")), "unpublished") == 0;
	char filename[96];
	snprintf(filename, sizeof(filename), "budget-%lld-%s-%lld.csv",
		 (long long)json_integer_value(json_object_get(data, "year")),
		 json_is_string(json_object_get(data, "type"))
			 ? json_string_value(json_object_get(data, "type"))
			 : "doc",
		 id);
	json_decref(item);
	if (withdrawn) {
		http_error(req, STATUS_NOT_FOUND, "budget_unpublished",
			   "this budget document was withdrawn; its history says why");
		return;
	}
	json_t *lines = db_budget_lines(id);
	if (!lines) {
		page_db_unavailable(req);
		return;
	}
	struct strbuf out = STRBUF_INIT;
	budget_csv_write(&out, lines);
	json_decref(lines);
	http_add_header(req, "Content-Disposition",
			arena_printf(req->arena, "attachment; filename=\"%s\"", filename));
	/* the page cache keeps a body and its type, not the Content-Disposition: keep the
	 * download out of it (a set cookie marks a response as not to be cached) */
	req->set_cookie = true;
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "text/csv; charset=utf-8", body, len);
}
