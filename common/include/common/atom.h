// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_ATOM_H
#define COMMON_ATOM_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Atom 1.0 feeds (RFC 4287) of public lists, for any module, and the link that advertises a
 * list's feed in the page's <head>.
 *
 * HOW A LIST GETS ITS FEED (docs/modules.md, "A list's feed"):
 *
 * 1. Give the list's route ROUTE_ATOM_TWIN (router.h) beside ROUTE_JSON_TWIN | ROUTE_CACHE:
 *    the route then also answers "<path>.atom" (same handler, same query string, the same
 *    page cache and its invalidation), with req->want_atom set.
 * 2. In the handler, read and check the filters as for the page (a bad one is the same 4xx),
 *    load the rows, then, when feed_wanted(req):
 *
 *        struct feed f;
 *        feed_begin(req, &f, title, query);   // query: the list's filters, "a=1&b=2" or NULL
 *        for each row:
 *                feed_add(&f, &(struct atom_entry){
 *                        .id = feed_tag(req, "news/official/12"),  // stable, never reused
 *                        .title = ..., .link = "/news/12",         // local paths made absolute
 *                        .updated = row's RFC 3339 time,           // or atom_date() of a date
 *                        .summary = feed_summary(req, text, false)});
 *        feed_send(&f);   // 200 application/atom+xml; charset=utf-8
 *        return;
 *
 *    Only what the HTML list shows may go in: hidden, draft and unpublished rows never.
 * 3. Before http_render() of the HTML page, feed_advertise(req, title, query) with the same
 *    query: the layout then writes <link rel="alternate" type="application/atom+xml"
 *    title=".." href="<path>.atom?<query>&lang=<lang>"> in <head> (a page may advertise
 *    several feeds; feed_advertise_path() for a feed at another address).
 *
 * The feed's language is the request's (?lang= as for pages, and every feed link carries it);
 * its author is the platform (the site's name and public address); its links and ids are
 * absolute (BALADIYA_PUBLIC_URL, page_public_base()).
 */

/* ---- the writer (no request, no database: tests/unit/common/test_atom.c) ---- */

/*
 * Append s (NULL: nothing) as XML character data or an attribute value in double quotes: the
 * five markup characters as entities (&amp; &lt; &gt; &quot; &#39;, so "]]>" cannot end
 * anything); the characters XML 1.0 forbids (C0 controls but tab and line ends, U+FFFE,
 * U+FFFF) and malformed UTF-8 (overlong, surrogates, past U+10FFFF, truncated) dropped;
 * direction controls (LRM, RLM, ALM, embeddings, overrides, isolates) written as character
 * references (&#x202E;), so they survive parsing yet cannot reorder the raw text.
 */
void xml_escape(struct strbuf *out, const char *s);
/* Append "<name>text</name>\n", text escaped by xml_escape. */
void xml_element(struct strbuf *out, const char *name, const char *text);
/*
 * Append an RFC 3339 UTC time ("2026-11-26T10:00:00.123456Z") as RFC 822 for RSS ("Thu, 26 Nov
 * 2026 10:00:00 +0000"); the epoch's date when t is NULL or not such a time.
 */
void xml_rfc822(struct strbuf *out, const char *t);

/*
 * t as an RFC 3339 time for Atom, written into buf (at least ATOM_TIME_SIZE bytes): an RFC 3339
 * time ("2026-11-26T10:00:00Z", with fractions or an offset) is kept; a date "2026-11-26"
 * becomes its midnight UTC; anything else (NULL, "", a malformed or impossible time) gives
 * "1970-01-01T00:00:00Z". Returns buf.
 */
#define ATOM_TIME_SIZE 40
const char *atom_time(char *buf, const char *t);

/*
 * Append text as a short plain summary: at most max characters (code points), white space
 * runs (line ends included) as one space, cut at a word's end with "…" when longer. When
 * markdown, the text is CommonMark and its markup is removed first (what a reader would see).
 */
void atom_summary(struct strbuf *out, const char *text, size_t max, bool markdown);

/* The head of a feed: every string absolute or plain text, escaped when written. */
struct atom_head {
	const char *id;      /* a stable URI: feed_tag() or the feed's address */
	const char *title;   /* plain text */
	const char *updated; /* RFC 3339 (atom_time) */
	const char *lang;    /* xml:lang, "ar" */
	const char *author;  /* the platform's name */
	const char *author_uri;
	const char *self; /* the feed's address */
	const char *html; /* the HTML list's address (rel=alternate), or NULL */
	const char *json; /* the JSON twin's address, or NULL */
};

/* One entry. */
struct atom_entry {
	const char *id;        /* stable URI, never reused: feed_tag() (or the item's address) */
	const char *title;     /* plain text */
	const char *link;      /* the item's HTML page: absolute (feed_add makes "/x" absolute) */
	const char *updated;   /* RFC 3339 (atom_time) */
	const char *published; /* RFC 3339, or NULL */
	const char *category;  /* a category's code (term), or NULL */
	const char *category_label; /* its label in the feed's language, or NULL */
	const char *summary;        /* plain text (atom_summary / feed_summary), or NULL */
};

/* Append '<?xml ..?><feed ..>' and the head's elements (id, title, updated, author, links,
 * generator). */
void atom_open(struct strbuf *out, const struct atom_head *h);
/* Append one <entry>. */
void atom_add_entry(struct strbuf *out, const struct atom_entry *e);
/* Append "</feed>". */
void atom_close(struct strbuf *out);

/* ---- serving a list's feed (atom_page.c) ---- */
struct request;

/* A feed being answered: feed_begin, feed_add for each row, feed_send. */
struct feed {
	struct request *req;
	const char *title;     /* "<site> — <title>" */
	const char *query;     /* the list's filters, "" when none */
	const char *self_path; /* "/news.atom" (req->path + ".atom"); may be changed before
				  feed_send */
	const char *html_path; /* "/news" (req->path) */
	const char *json_path; /* "/news.json", or NULL for none */
	const char *id;        /* NULL: feed_tag of self_path, query and language */
	struct strbuf entries;
	char updated[ATOM_TIME_SIZE]; /* the newest entry's (the feed's own updated) */
};

/* True when req asks for the route's Atom twin ("<path>.atom"). */
bool feed_wanted(const struct request *req);
/* Start a feed of the list at req->path titled "<site's name> — title"; query (the list's
 * filters, "a=1&b=c", values URL-encoded; NULL or "" for none) is carried into its links. */
void feed_begin(struct request *req, struct feed *f, const char *title, const char *query);
/* Add one entry (its link made absolute when it starts with '/'). */
void feed_add(struct feed *f, const struct atom_entry *e);
/* Reply 200 with the feed (Content-Type application/atom+xml; charset=utf-8) and release f. */
void feed_send(struct feed *f);
/* "tag:<public host>,2026:<specific>" (RFC 4151, arena string): a stable id that survives a
 * change of scheme or port. */
const char *feed_tag(struct request *req, const char *specific);
/* atom_summary of text (FEED_SUMMARY_MAX characters) as an arena string. */
#define FEED_SUMMARY_MAX 280
const char *feed_summary(struct request *req, const char *text, bool markdown);

/*
 * Advertise the feed of what the page shows: the layout's <head> gets <link rel="alternate"
 * type="application/atom+xml" title="<site> — title" href="<req->path>.atom?query&lang=..">.
 * feed_advertise_path does it for a feed at another path ("/reports/feed.atom"). Call it
 * before http_render (several calls: several links).
 */
void feed_advertise(struct request *req, const char *title, const char *query);
void feed_advertise_path(struct request *req, const char *title, const char *path,
			 const char *query);

#endif
