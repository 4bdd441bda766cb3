// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Atom and RSS feeds of the citizen platform's newest public reports, optionally for one
 * category and one quarter, in the reader's language, with absolute links (BALADIYA_PUBLIC_URL)
 * to each report page and to the list's HTML and JSON twins. The Atom one is written by the
 * base's writer (common/atom.h) like every list's feed; every text of both goes through its one
 * XML escaper, which also drops the characters XML 1.0 cannot carry, so hostile report texts
 * cannot break or script a feed. docs/api.md, "Feeds".
 */
#include "internal.h"

#include "common/app.h"
#include "common/atom.h"
#include "common/html.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "reports/db_report.h"
#include "reports/report.h"

#include <string.h>

#define FEED_ITEMS 50          /* reports in a feed */
#define FEED_AGE_MAX_DAYS 3650 /* as the list's age filter */
#define RSS_TYPE "application/rss+xml; charset=utf-8"

/* ---- the request ---- */

struct report_feed {
	const char *lang, *base, *category, *quarter;
	const char *title; /* the feed's title, after the site's name */
	const char *query; /* "?category=..&quarter=.." or "" */
	json_t *items;     /* report rows, newest first */
};

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

static const char *
category_label(struct request *req, const char *code)
{
	json_t *c = report_category(req->app, code);
	json_t *names = json_object_get(c, "name");
	const char *s = json_string_value(json_object_get(names, req->lang));
	if (!s || !*s)
		s = json_string_value(json_object_get(names, "fr"));
	return s ? s : code;
}

/*
 * Read and check the filters, load the items. false after replying (400 for an unknown
 * category or quarter, 503).
 */
static bool
feed_load(struct request *req, struct report_feed *f)
{
	f->base = page_public_base(req);
	f->lang = req->lang;
	f->category = http_query(req, "category");
	f->quarter = http_query(req, "quarter");
	if (f->category && !*f->category)
		f->category = NULL;
	if (f->quarter && !*f->quarter)
		f->quarter = NULL;
	if (f->category && !report_category(req->app, f->category)) {
		http_error(req, STATUS_INVALID, "feed_unknown_category",
			   "there is no report category with this code");
		return false;
	}
	if (f->quarter && !report_quarter_is_valid(f->quarter)) {
		http_error(req, STATUS_INVALID, "feed_unknown_quarter",
			   "there is no quarter with this code");
		return false;
	}
	/* the list's other filters, so that its page advertises the feed of what it shows */
	const char *status = http_query_value(req, "status"), *age = http_query_value(req, "age");
	long long days = age ? page_parse_id(age) : 0;
	if ((status && !report_status_is_valid(status)) || days < 0 || days > FEED_AGE_MAX_DAYS) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "status is not a report status, or age not a number of days");
		return false;
	}
	struct strbuf q = STRBUF_INIT;
	if (f->category)
		strbuf_addf(&q, "?category=%s",
			    f->category); /* three capitals: nothing to encode */
	if (f->quarter) {
		strbuf_addstr(&q, q.len ? "&quarter=" : "?quarter=");
		strbuf_addurlenc(&q, f->quarter);
	}
	if (status)
		strbuf_addf(&q, "%cstatus=%s", q.len ? '&' : '?', status); /* a-z and _ only */
	if (days)
		strbuf_addf(&q, "%cage=%lld", q.len ? '&' : '?', days);
	f->query = arena_strdup(req->arena, q.buf);
	strbuf_release(&q);

	struct strbuf title = STRBUF_INIT;
	strbuf_addstr(&title, t_get(req, "feed_reports_title"));
	if (f->category)
		strbuf_addf(&title, " — %s", category_label(req, f->category));
	if (f->quarter)
		strbuf_addf(&title, " — %s",
			    t_get(req, arena_printf(req->arena, "project_quarter_%s", f->quarter)));
	f->title = arena_strdup(req->arena, title.buf);
	strbuf_release(&title);

	struct report_filter filter = {.category = f->category,
				       .quarter = f->quarter,
				       .status = status,
				       .age_days = (int)days};
	json_t *list = db_report_list(&filter, 0, FEED_ITEMS);
	if (!list) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database; try again in a minute");
		return false;
	}
	f->items = json_incref(json_object_get(list, "items"));
	json_decref(list);
	if (!json_is_array(f->items)) {
		json_decref(f->items);
		f->items = json_array();
	}
	return true;
}

/* The newest updated_at of the items (the feed's own update time). */
static const char *
feed_updated(struct report_feed *f)
{
	const char *newest = NULL;
	size_t i;
	json_t *row;
	json_array_foreach(f->items, i, row)
	{
		const char *u = json_str(row, "updated_at");
		if (*u && (!newest || strcmp(u, newest) > 0))
			newest = u;
	}
	return newest ? newest : "1970-01-01T00:00:00Z";
}

/* <link .../> with an absolute href: base + path + the feed's filters (+ lang). */
static void
link_to(struct strbuf *out, const char *tag, const char *rel, const char *type,
	struct report_feed *f, const char *path, bool with_lang)
{
	struct strbuf href = STRBUF_INIT;
	strbuf_addf(&href, "%s%s%s", f->base, path, f->query);
	if (with_lang)
		strbuf_addf(&href, "%slang=%s", *f->query ? "&" : "?", f->lang);
	strbuf_addf(out, "<%s rel=\"%s\" type=\"%s\" href=\"", tag, rel, type);
	xml_escape(out, href.buf);
	strbuf_addstr(out, "\"/>\n");
	strbuf_release(&href);
}

static void
send_feed(struct request *req, const char *type, struct strbuf *out)
{
	size_t len;
	char *body = strbuf_detach(out, &len);
	http_send_owned(req, 200, type, body, len);
}

/* The absolute address of the page of report row. */
static const char *
report_url(struct request *req, const struct report_feed *f, json_t *row)
{
	return arena_printf(req->arena, "%s/reports/%s", f->base, json_str(row, "ref"));
}

/* GET /reports/feed.atom (RFC 4287): the base's writer, at this address and with these ids
 * since the feed's first version (readers know entries by them) */
void
page_feed_atom(struct request *req)
{
	struct report_feed f = {0};
	if (!feed_load(req, &f))
		return;
	struct feed atom;
	feed_begin(req, &atom, f.title, *f.query ? f.query + 1 : NULL);
	atom.self_path = "/reports/feed.atom";
	atom.html_path = "/reports";
	atom.json_path = "/reports.json";
	atom.id = arena_printf(req->arena, "%s/reports/feed.atom%s", f.base, f.query);
	size_t i;
	json_t *row;
	json_array_foreach(f.items, i, row)
	{
		const char *url = report_url(req, &f, row);
		const char *cat = json_str(row, "category");
		feed_add(&atom, &(struct atom_entry){
					.id = url,
					.title = json_str(row, "title"),
					.link = url,
					.updated = json_str(row, "updated_at"),
					.published = json_str(row, "created_at"),
					.category = cat,
					.category_label = category_label(req, cat),
					.summary = json_str(row, "description"),
				});
	}
	json_decref(f.items);
	feed_send(&atom);
}

/* One report row as an RSS item. */
static void
rss_item(struct strbuf *out, struct request *req, const struct report_feed *f, json_t *row)
{
	const char *url = report_url(req, f, row);
	const char *cat = json_str(row, "category");
	strbuf_addstr(out, "<item>\n");
	xml_element(out, "title", json_str(row, "title"));
	xml_element(out, "link", url);
	strbuf_addstr(out, "<guid isPermaLink=\"true\">");
	xml_escape(out, url);
	strbuf_addstr(out, "</guid>\n");
	/* readers take an RSS description as HTML: escape it as HTML first, so a text
	 * holding markup shows as text */
	struct strbuf html = STRBUF_INIT;
	const char *d = json_str(row, "description");
	html_escape(&html, d, strlen(d));
	xml_element(out, "description", html.buf);
	strbuf_release(&html);
	strbuf_addstr(out, "<category domain=\"");
	xml_escape(out, arena_printf(req->arena, "%s/reports?category=%s", f->base, cat));
	strbuf_addstr(out, "\">");
	xml_escape(out, category_label(req, cat));
	strbuf_addstr(out, "</category>\n<pubDate>");
	xml_rfc822(out, json_str(row, "created_at"));
	strbuf_addstr(out, "</pubDate>\n");
	xml_element(out, "atom:updated", json_str(row, "updated_at"));
	strbuf_addstr(out, "</item>\n");
}

/* GET /reports/feed.rss (RSS 2.0) */
void
page_feed_rss(struct request *req)
{
	struct report_feed f = {0};
	if (!feed_load(req, &f))
		return;
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			    "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n"
			    "<channel>\n");
	json_t *site = json_object_get(req->app->site_by_lang, req->lang);
	const char *name = json_string_value(json_object_get(site, "name"));
	xml_element(
		&out, "title",
		arena_printf(req->arena, "%s%s%s", name ? name : "", name ? " — " : "", f.title));
	xml_element(&out, "link",
		    arena_printf(req->arena, "%s/reports%s%slang=%s", f.base, f.query,
				 *f.query ? "&" : "?", f.lang));
	xml_element(&out, "description", t_get(req, "feed_reports_description"));
	xml_element(&out, "language", f.lang);
	strbuf_addstr(&out, "<lastBuildDate>");
	xml_rfc822(&out, feed_updated(&f));
	strbuf_addstr(&out, "</lastBuildDate>\n");
	xml_element(&out, "generator", "Baladiya");
	link_to(&out, "atom:link", "self", "application/rss+xml", &f, "/reports/feed.rss", true);
	link_to(&out, "atom:link", "alternate", "application/json", &f, "/reports.json", true);

	size_t i;
	json_t *row;
	json_array_foreach(f.items, i, row)
	{
		rss_item(&out, req, &f, row);
	}
	strbuf_addstr(&out, "</channel>\n</rss>\n");
	json_decref(f.items);
	send_feed(req, RSS_TYPE, &out);
}
