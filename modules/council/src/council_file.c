// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What a deliberation file must be, checked the same way on upload and on the peer's event: a
 * PDF by its bytes, a name that cannot disguise itself or escape a folder, and the header that
 * offers it for download under that name. No database, no request: what the unit tests reach
 * directly (tests/unit/modules/council/test_council.c).
 */
#include "internal.h"

#include "common/check.h"
#include "common/html.h"
#include "common/strbuf.h"

#include <string.h>
#include <strings.h>

#define COUNCIL_PDF_EOF_WINDOW 1024

bool
council_is_pdf(const void *data, size_t len)
{
	const unsigned char *d = data;
	if (len < 16 || memcmp(d, "%PDF-", 5) != 0 || d[5] < '1' || d[5] > '9' || d[6] != '.' ||
	    d[7] < '0' || d[7] > '9')
		return false;
	size_t from = len > COUNCIL_PDF_EOF_WINDOW ? len - COUNCIL_PDF_EOF_WINDOW : 8;
	for (size_t i = from; i + 5 <= len; i++)
		if (memcmp(d + i, "%%EOF", 5) == 0)
			return true;
	return false;
}

/* Code points a file name never keeps: controls (C0, DEL, C1), path separators, and the
 * invisible direction marks that can disguise an extension ("fdp.exe" shown backwards). */
static bool
is_banned_in_name(long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '/' || cp == '\\' || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0xFEFF;
}

static bool
ends_with_pdf(const char *s, size_t len)
{
	return len >= 4 && strncasecmp(s + len - 4, ".pdf", 4) == 0;
}

void
council_file_name(struct strbuf *out, const char *raw)
{
	if (!raw || !utf8_is_valid(raw, strlen(raw)))
		raw = "";
	const char *base = raw;
	for (const char *p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	struct strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)base; *p;) {
		size_t n;
		long cp = utf8_decode(p, &n);
		if (!is_banned_in_name(cp) && !(sb.len == 0 && (cp == ' ' || cp == '.')))
			strbuf_add(&sb, p, n);
		p += n;
	}
	strbuf_rtrim(&sb);
	/* keep at most 116 characters of the stem, so ".pdf" always fits */
	size_t stem = ends_with_pdf(sb.buf, sb.len) ? sb.len - 4 : sb.len;
	size_t cut = 0, chars = 0;
	while (cut < stem && chars < COUNCIL_FILE_NAME_MAX - 4) {
		size_t n;
		utf8_decode((const unsigned char *)sb.buf + cut, &n);
		cut += n;
		chars++;
	}
	if (cut > stem)
		cut = stem;
	strbuf_setlen(&sb, cut);
	strbuf_rtrim(&sb);
	if (sb.len == 0)
		strbuf_addstr(&sb, "deliberation");
	strbuf_addstr(&sb, ".pdf");
	strbuf_addbuf(out, &sb);
	strbuf_release(&sb);
}

bool
council_file_name_is_sane(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > 4 * COUNCIL_FILE_NAME_MAX || !utf8_is_valid(s, len) ||
	    !ends_with_pdf(s, len) || s[0] == '.' || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; chars++) {
		size_t n;
		long cp = utf8_decode(p, &n);
		p += n;
		if (is_banned_in_name(cp))
			return false;
	}
	return chars <= COUNCIL_FILE_NAME_MAX;
}

/* attr-char of RFC 5987 (section 3.2.1): everything else is percent-encoded */
static bool
is_attr_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("!#$&+-.^_`|~", c) != NULL;
}

void
council_content_disposition(struct strbuf *out, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf_addstr(out, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80) {
			if ((*p & 0xC0) == 0xC0)
				strbuf_addch(out, '_'); /* one per non-ASCII character */
		} else {
			strbuf_addch(out, *p == '"' || *p == '\\' || *p < 0x20 ? '_' : *p);
		}
	}
	strbuf_addstr(out, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (is_attr_char(*p)) {
			strbuf_addch(out, *p);
		} else {
			strbuf_addch(out, '%');
			strbuf_addch(out, hex[*p >> 4]);
			strbuf_addch(out, hex[*p & 15]);
		}
	}
}
