// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Markdown to HTML (common/src/markdown.c over libcmark in safe mode), the one way residents'
 * and staff text becomes HTML inserted unescaped. Checks on the output of any input: every tag
 * is one CommonMark makes, its only attributes are href, src, alt, title and start (or a code
 * block's language class), and no link or image points to a javascript:, vbscript:, file: or
 * data: URL (but PNG, GIF, JPEG and WebP images); raw HTML only ever appears as the "raw HTML
 * omitted" comment.
 */
#include "fuzz.h"

#include "common/markdown.h"

#include <ctype.h>
#include <strings.h>

static const char *const tags[] = {
	"p",  "em", "strong", "a",  "img", "code", "pre", "blockquote", "ul", "ol",
	"li", "h1", "h2",     "h3", "h4",  "h5",   "h6",  "hr",         "br", NULL,
};
static const char *const attrs[] = {"href", "src", "alt", "title", "start", "class", NULL};

static bool
in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(*list, s, n) == 0)
			return true;
	return false;
}

/*
 * Whether the attribute value v (n bytes, HTML-escaped) is a URL with a dangerous scheme: what
 * cmark's safe mode removes (javascript:, vbscript:, file:, and data: but for PNG, GIF, JPEG
 * and WebP images, which it lets through in links too: no script runs in those).
 */
static bool
is_dangerous_url(const char *v, size_t n)
{
	char s[20];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < sizeof(s); i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue; /* browsers drop these inside a URL */
		s[k++] = (char)tolower(c);
	}
	s[k] = '\0';
	if (!strncmp(s, "javascript:", 11) || !strncmp(s, "vbscript:", 9) ||
	    !strncmp(s, "file:", 5))
		return true;
	return !strncmp(s, "data:", 5) && strncmp(s, "data:image/png", 14) &&
	       strncmp(s, "data:image/gif", 14) && strncmp(s, "data:image/jpeg", 15) &&
	       strncmp(s, "data:image/webp", 15);
}

static void
check_html(const char *h)
{
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		if (strncmp(p, "<!-- raw HTML omitted -->", 25) == 0)
			continue;
		const char *name = p + 1 + (p[1] == '/');
		size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!in_list(tags, name, n))
			fprintf(stderr, "unexpected tag in: %s\n", h);
		FUZZ_CHECK(in_list(tags, name, n));
		const char *a = name + n;
		for (;;) {
			a += strspn(a, " ");
			if (*a == '>' || (a[0] == '/' && a[1] == '>'))
				break;
			size_t an = strspn(a, "abcdefghijklmnopqrstuvwxyz");
			FUZZ_CHECK(an > 0 && in_list(attrs, a, an));
			FUZZ_CHECK(a[an] == '=' && a[an + 1] == '"');
			const char *v = a + an + 2, *end = strchr(v, '"');
			FUZZ_CHECK(end != NULL);
			FUZZ_CHECK(memchr(v, '<', (size_t)(end - v)) == NULL);
			if ((an == 4 && !strncmp(a, "href", 4)) ||
			    (an == 3 && !strncmp(a, "src", 3)))
				FUZZ_CHECK(!is_dangerous_url(v, (size_t)(end - v)));
			a = end + 1;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html = markdown_to_html((const char *)data, size);
	check_html(html);
	free(html);
	return 0;
}
