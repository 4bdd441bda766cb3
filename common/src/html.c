// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * html: the two byte-level guards of every page. html_escape makes text safe between tags and
 * inside quoted attributes; utf8_is_valid is the strict check applied to input before it is
 * stored or echoed (no overlongs, surrogates, code points past U+10FFFF, truncations or NULs).
 */
#include "common/html.h"

#include <stdint.h>

/* The bytes html_escape replaces. */
static const bool html_special[256] = {
	['&'] = true, ['<'] = true, ['>'] = true, ['"'] = true, ['\''] = true};

/* Runs between special bytes are found through a table and copied whole: most of a page's
 * text has none (a list page escapes tens of kilobytes). */
void
html_escape(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	strbuf_grow(out, len);
	while (i < len) {
		size_t run = i;
		while (i < len && !html_special[p[i]])
			i++;
		strbuf_add(out, s + run, i - run);
		if (i == len)
			break;
		switch (p[i++]) {
		case '&':
			strbuf_add(out, "&amp;", 5);
			break;
		case '<':
			strbuf_add(out, "&lt;", 4);
			break;
		case '>':
			strbuf_add(out, "&gt;", 4);
			break;
		case '"':
			strbuf_add(out, "&quot;", 6);
			break;
		default:
			strbuf_add(out, "&#39;", 5);
			break;
		}
	}
}

/* Table 3-7 of the Unicode standard: the well-formed byte sequences. */
bool
utf8_is_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end) {
		unsigned char c = *p;
		unsigned char lo = 0x80, hi = 0xBF;
		size_t more;

		if (c < 0x80) {
			if (c == 0)
				return false;
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			more = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			more = 2;
			if (c == 0xE0)
				lo = 0xA0; /* overlong below U+0800 */
			else if (c == 0xED)
				hi = 0x9F; /* surrogates U+D800..U+DFFF */
		} else if (c >= 0xF0 && c <= 0xF4) {
			more = 3;
			if (c == 0xF0)
				lo = 0x90; /* overlong below U+10000 */
			else if (c == 0xF4)
				hi = 0x8F; /* past U+10FFFF */
		} else {
			return false; /* continuation byte, C0/C1 overlong lead, or F5..FF */
		}
		if ((size_t)(end - p) <= more)
			return false;
		if (p[1] < lo || p[1] > hi)
			return false;
		for (size_t i = 2; i <= more; i++)
			if (p[i] < 0x80 || p[i] > 0xBF)
				return false;
		p += more + 1;
	}
	return true;
}
