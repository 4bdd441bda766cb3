// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Rich text: CommonMark rendered by libcmark with raw HTML suppressed, the only way user or
 * staff text becomes HTML that templates insert unescaped.
 */
#include "common/markdown.h"

#include "common/xalloc.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

char *
markdown_to_html(const char *text, size_t len)
{
	/* cmark 0.30 is safe by default (CMARK_OPT_UNSAFE not given); say so explicitly */
	char *html = cmark_markdown_to_html(text, len, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE);
	if (!html)
		die("cmark could not render %zu bytes", len);
	char *copy = xstrdup(html);
	free(html);
	return copy;
}
