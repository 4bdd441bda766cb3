// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_HTML_H
#define COMMON_HTML_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Append s (len bytes) with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;, which makes it
 * safe as element text and inside quoted attribute values (not in URLs, scripts or styles).
 * Other bytes pass unchanged, NULs and bidirectional controls such as U+202E included.
 */
void html_escape(struct strbuf *out, const char *s, size_t len);

/*
 * True when s (len bytes) is well-formed UTF-8 as the Unicode standard defines it (no overlong
 * forms, surrogates, code points past U+10FFFF or truncated sequences) and holds no NUL byte.
 */
bool utf8_is_valid(const char *s, size_t len);

#endif
