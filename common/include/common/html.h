// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_HTML_H
#define COMMON_HTML_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Append s (len bytes) with & < > " ' replaced by entities. Other bytes pass unchanged. */
void html_escape(struct strbuf *out, const char *s, size_t len);

/* True when s (len bytes) is well-formed UTF-8 (no overlongs, surrogates or NUL bytes). */
bool utf8_is_valid(const char *s, size_t len);

#endif
