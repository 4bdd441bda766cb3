// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The check of residents' PDF attachments by their content: a PDF header at the start and an
 * end-of-file marker near the end, and no active content anywhere, including inside the
 * Flate-compressed streams (object streams hide dictionaries there): JavaScript, launch
 * actions, embedded files. Names are compared after their #xx escapes are decoded, since
 * "/J#61vaScript" is "/JavaScript" to a reader.
 */
#include "internal.h"

#include "common/check.h"
#include "common/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define INFLATE_BUDGET (64u << 20) /* bytes all the streams of one file may inflate to */
#define TRAILER_WINDOW 2048        /* "%%EOF" within the last bytes */
#define TAIL 40                    /* bytes kept between chunks: longer than any name */

static const char *const forbidden[] = {"JavaScript",    "JS",        "Launch", "EmbeddedFile",
					"EmbeddedFiles", "RichMedia", "XFA",    NULL};

static bool
is_delim(unsigned char c)
{
	return c <= ' ' || strchr("()<>[]{}/%", c) != NULL;
}

/* True when the bytes hold a forbidden name token (/JavaScript, /J#53...). */
static bool
has_forbidden_name(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '/')
			continue;
		char name[32];
		size_t n = 0, j = i + 1;
		while (j < len && !is_delim(p[j]) && n + 1 < sizeof(name)) {
			int hi, lo;
			if (p[j] == '#' && j + 2 < len && (hi = hex_digit_value(p[j + 1])) >= 0 &&
			    (lo = hex_digit_value(p[j + 2])) >= 0) {
				name[n++] = (char)(hi << 4 | lo);
				j += 3;
			} else {
				name[n++] = (char)p[j++];
			}
		}
		name[n] = '\0';
		for (const char *const *f = forbidden; *f; f++)
			if (strcmp(name, *f) == 0)
				return true;
		i = j - 1;
	}
	return false;
}

static const unsigned char *
find(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; len >= n && i <= len - n; i++)
		if (p[i] == (unsigned char)needle[0] && memcmp(p + i, needle, n) == 0)
			return p + i;
	return NULL;
}

/*
 * Inflate each "stream ... endstream" body that zlib takes and look for forbidden names in
 * it; *budget is what may still be inflated. True when one is found, or when the budget is
 * spent (a compression bomb is refused as well).
 */
static bool
streams_forbidden(const unsigned char *p, size_t len, size_t *budget)
{
	static const size_t chunk = 64 * 1024;
	unsigned char *out = xmalloc(chunk + TAIL);
	bool bad = false;
	const unsigned char *s = p, *end = p + len;
	while (!bad && (s = find(s, (size_t)(end - s), "stream")) != NULL) {
		s += 6;
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
		const unsigned char *e = find(s, (size_t)(end - s), "endstream");
		if (!e)
			break;
		z_stream z = {0};
		if (inflateInit(&z) != Z_OK)
			break;
		z.next_in = (unsigned char *)(uintptr_t)s;
		z.avail_in = (unsigned)(e - s);
		size_t keep = 0; /* the tail of the last chunk: a name across two chunks */
		for (;;) {
			z.next_out = out + keep;
			z.avail_out = (unsigned)chunk;
			int rc = inflate(&z, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END)
				break; /* not Flate data: the raw bytes were looked at already */
			size_t got = chunk - z.avail_out, total = keep + got;
			if (got > *budget || has_forbidden_name(out, total)) {
				bad = true;
				break;
			}
			*budget -= got;
			if (rc == Z_STREAM_END || got == 0)
				break;
			keep = total < TAIL ? total : TAIL;
			memmove(out, out + total - keep, keep);
		}
		inflateEnd(&z);
		s = e + 9;
	}
	free(out);
	return bad;
}

const char *
form_pdf_check(const unsigned char *bytes, size_t len)
{
	if (len < 16 || (memcmp(bytes, "%PDF-1.", 7) != 0 && memcmp(bytes, "%PDF-2.", 7) != 0))
		return "pdf_invalid";
	size_t from = len > TRAILER_WINDOW ? len - TRAILER_WINDOW : 0;
	if (!find(bytes + from, len - from, "%%EOF"))
		return "pdf_invalid";
	if (has_forbidden_name(bytes, len))
		return "pdf_active_content";
	size_t budget = INFLATE_BUDGET;
	if (streams_forbidden(bytes, len, &budget))
		return "pdf_active_content";
	return NULL;
}
