// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * XML text for the Atom and RSS feeds: the escaper every text of a feed goes through, elements,
 * and RFC 822 dates for RSS. No request, no database: the unit tests call it directly
 * (tests/unit/modules/feeds/test_xml.c).
 */
#include "xml.h"

#include "common/check.h"
#include "common/html.h"
#include "common/strbuf.h"

#include <stdbool.h>
#include <stdio.h>
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
