// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Atom writer (RFC 4287) of every public list's feed, and the XML text it and the RSS feed
 * share: the escaper every text of a feed goes through, elements, times, short plain
 * summaries. No request, no database: the unit tests call it directly
 * (tests/unit/common/test_atom.c). Serving a list's feed is atom_page.c.
 */
#include "common/atom.h"

#include "common/check.h"
#include "common/html.h"
#include "common/markdown.h"
#include "common/strbuf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Bidirectional controls (LRM, RLM, ALM, embeddings, overrides, isolates). */
static bool
is_bidi_control(long cp)
{
	return cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Characters XML 1.0 cannot carry, and malformed sequences (cp < 0). */
static bool
is_xml_forbidden(long cp)
{
	return cp < 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
	       cp == 0xFFFF;
}

void
xml_escape(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t n;
		long cp = utf8_decode(p, &n);
		/* utf8_decode takes overlong forms, surrogates and code points past U+10FFFF */
		if (n > 1 && !utf8_is_valid((const char *)p, n))
			cp = -1;
		switch (cp) {
		case '&':
			strbuf_addstr(out, "&amp;");
			break;
		case '<':
			strbuf_addstr(out, "&lt;");
			break;
		case '>':
			strbuf_addstr(out, "&gt;");
			break;
		case '"':
			strbuf_addstr(out, "&quot;");
			break;
		case '\'':
			strbuf_addstr(out, "&#39;");
			break;
		default:
			if (is_xml_forbidden(cp))
				break;
			if (is_bidi_control(cp))
				strbuf_addf(out, "&#x%lX;", cp);
			else
				strbuf_add(out, p, n);
		}
		p += n;
	}
}

void
xml_element(struct strbuf *out, const char *name, const char *text)
{
	strbuf_addf(out, "<%s>", name);
	xml_escape(out, text);
	strbuf_addf(out, "</%s>\n", name);
}

void
xml_rfc822(struct strbuf *out, const char *t)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	int y, mo, d, h, mi, s;
	if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 || mo < 1 ||
	    mo > 12) {
		strbuf_addstr(out, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	/* the weekday of the date at midnight (timegm normalizes the fields) */
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};
	time_t midnight = timegm(&tm);
	struct tm day;
	gmtime_r(&midnight, &day);
	strbuf_addf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[day.tm_wday], d,
		    months[mo - 1], y, h, mi, s);
}

/* ---- times ---- */

static bool
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "YYYY-MM-DD" at s, a date that exists (timegm would move 2026-02-30 to March). */
static bool
is_date_at(const char *s)
{
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return false;
	int y = atoi(s), mo = atoi(s + 5), d = atoi(s + 8);
	if (mo < 1 || mo > 12 || d < 1)
		return false;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[mo - 1] + (mo == 2 && leap);
}

/* "THH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" at s, to its end. */
static bool
is_time_at(const char *s)
{
	if ((s[0] != 'T' && s[0] != 't') || !digits(s + 1, 2) || s[3] != ':' || !digits(s + 4, 2) ||
	    s[6] != ':' || !digits(s + 7, 2) || atoi(s + 1) > 23 || atoi(s + 4) > 59 ||
	    atoi(s + 7) > 60)
		return false;
	s += 9;
	if (*s == '.') {
		size_t n = strspn(s + 1, "0123456789");
		if (n == 0 || n > 9)
			return false;
		s += 1 + n;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return true;
	return (*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
	       s[6] == '\0' && atoi(s + 1) <= 23 && atoi(s + 4) <= 59;
}

const char *
atom_time(char *buf, const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n == 10 && is_date_at(t))
		snprintf(buf, ATOM_TIME_SIZE, "%sT00:00:00Z", t);
	else if (n > 10 && n < ATOM_TIME_SIZE && is_date_at(t) && is_time_at(t + 10))
		memcpy(buf, t, n + 1);
	else
		snprintf(buf, ATOM_TIME_SIZE, "1970-01-01T00:00:00Z");
	return buf;
}

/* ---- summaries ---- */

/* True when the tag at p ("<p>", "</li>", "<br />") ends a line of text. */
static bool
is_block_tag(const char *p)
{
	static const char *const blocks[] = {"p",   "li",         "br", "hr", "h1", "h2",
					     "h3",  "h4",         "h5", "h6", "ul", "ol",
					     "pre", "blockquote", "tr", "td", "th", NULL};
	p += 1 + (p[1] == '/');
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
	for (const char *const *b = blocks; *b; b++)
		if (strlen(*b) == n && strncmp(p, *b, n) == 0)
			return true;
	return false;
}

/* html (cmark's output) as its text: block tags as spaces, inline ones removed, cmark's four
 * entities decoded. */
static char *
html_text(const char *html)
{
	static const struct {
		const char *ent, *ch;
	} ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}};
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = html; *p;) {
		if (*p == '<') {
			const char *end = strchr(p, '>');
			if (is_block_tag(p))
				strbuf_addch(&sb, ' ');
			p = end ? end + 1 : p + strlen(p);
			continue;
		}
		size_t i = 0;
		for (; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (strncmp(p, ents[i].ent, strlen(ents[i].ent)) == 0)
				break;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			strbuf_addstr(&sb, ents[i].ch);
			p += strlen(ents[i].ent);
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static bool
is_space_cp(long cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
	       cp == 0xA0 || cp == 0x2028 || cp == 0x2029;
}

void
atom_summary(struct strbuf *out, const char *text, size_t max, bool markdown)
{
	char *own = NULL;
	if (markdown && text) {
		char *html = markdown_to_html(text, strlen(text));
		own = html_text(html);
		free(html);
		text = own;
	}
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t start = out->len, chars = 0, last_space = 0; /* out->len at the last space */
	bool pending_space = false, cut = false;
	while (*p) {
		size_t n;
		long cp = utf8_decode(p, &n);
		if (is_space_cp(cp)) {
			pending_space = out->len > start;
			p += n;
			continue;
		}
		if (chars + pending_space >= max) {
			cut = true;
			break;
		}
		if (pending_space) {
			last_space = out->len;
			strbuf_addch(out, ' ');
			chars++;
			pending_space = false;
		}
		if (cp >= 0)
			strbuf_add(out, p, n);
		chars++;
		p += n;
	}
	if (cut) {
		/* at the end of the last whole word, unless that drops most of the text */
		if (last_space > start && (last_space - start) * 2 > out->len - start) {
			strbuf_setlen(out, last_space);
		}
		strbuf_addstr(out, "…");
	}
	free(own);
}

/* ---- the feed ---- */

/* <link rel=".." type=".." href=".."/> when href is not NULL. */
static void
atom_link(struct strbuf *out, const char *rel, const char *type, const char *href)
{
	if (!href)
		return;
	strbuf_addf(out, "<link rel=\"%s\" type=\"%s\" href=\"", rel, type);
	xml_escape(out, href);
	strbuf_addstr(out, "\"/>\n");
}

void
atom_open(struct strbuf *out, const struct atom_head *h)
{
	strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			   "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	xml_escape(out, h->lang);
	strbuf_addstr(out, "\">\n");
	xml_element(out, "id", h->id);
	strbuf_addstr(out, "<title type=\"text\">");
	xml_escape(out, h->title);
	strbuf_addstr(out, "</title>\n");
	char t[ATOM_TIME_SIZE];
	xml_element(out, "updated", atom_time(t, h->updated));
	strbuf_addstr(out, "<author><name>");
	xml_escape(out, h->author && *h->author ? h->author : h->author_uri);
	strbuf_addstr(out, "</name>");
	if (h->author_uri) {
		strbuf_addstr(out, "<uri>");
		xml_escape(out, h->author_uri);
		strbuf_addstr(out, "</uri>");
	}
	strbuf_addstr(out, "</author>\n");
	atom_link(out, "self", "application/atom+xml", h->self);
	atom_link(out, "alternate", "text/html", h->html);
	atom_link(out, "alternate", "application/json", h->json);
	xml_element(out, "generator", "Baladiya");
}

void
atom_add_entry(struct strbuf *out, const struct atom_entry *e)
{
	char t[ATOM_TIME_SIZE];
	strbuf_addstr(out, "<entry>\n");
	xml_element(out, "id", e->id ? e->id : e->link);
	strbuf_addstr(out, "<title type=\"text\">");
	xml_escape(out, e->title);
	strbuf_addstr(out, "</title>\n");
	atom_link(out, "alternate", "text/html", e->link);
	if (e->published)
		xml_element(out, "published", atom_time(t, e->published));
	xml_element(out, "updated", atom_time(t, e->updated));
	if (e->category) {
		strbuf_addstr(out, "<category term=\"");
		xml_escape(out, e->category);
		if (e->category_label) {
			strbuf_addstr(out, "\" label=\"");
			xml_escape(out, e->category_label);
		}
		strbuf_addstr(out, "\"/>\n");
	}
	if (e->summary) {
		strbuf_addstr(out, "<summary type=\"text\">");
		xml_escape(out, e->summary);
		strbuf_addstr(out, "</summary>\n");
	}
	strbuf_addstr(out, "</entry>\n");
}

void
atom_close(struct strbuf *out)
{
	strbuf_addstr(out, "</feed>\n");
}
