// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Markdown to HTML (common/src/markdown.c over libcmark in safe mode), the one way residents'
 * and staff text becomes HTML inserted unescaped. Checks on the output of any input: every tag
 * is one CommonMark makes, its only attributes are href, src, alt, title and start (or a code
 * block's language class), and no link or image points to a javascript:, vbscript:, file: or
 * (for links) data: URL; raw HTML only ever appears as the "raw HTML omitted" comment.
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

/* Whether the attribute value v (n bytes, HTML-escaped) is a URL with a dangerous scheme. */
static bool
is_dangerous_url(const char *v, size_t n, bool image)
{
	char scheme[16];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < sizeof(scheme); i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue; /* browsers drop these inside a URL */
		scheme[k++] = (char)tolower(c);
		if (c == ':')
			break;
	}
	scheme[k] = '\0';
	if (!strcmp(scheme, "javascript:") || !strcmp(scheme, "vbscript:") ||
	    !strcmp(scheme, "file:"))
		return true;
	return !image && !strcmp(scheme, "data:");
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
		bool image = n == 3 && !strncmp(name, "img", 3);
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
				FUZZ_CHECK(!is_dangerous_url(v, (size_t)(end - v), image));
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
